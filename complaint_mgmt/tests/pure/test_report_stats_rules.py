"""The pure rules of the reports' daily rows (procedure/report_stats.py): what a complaint adds, when it may be
counted, and the exact arithmetic the reports rely on (plain datetimes, no Frappe)."""

from datetime import datetime, timedelta

from complaint_mgmt.procedure import report_stats as rs

T0 = datetime(2026, 3, 2, 9, 0)
NOW = datetime(2026, 6, 1, 12, 0)


def h(hours: float) -> datetime:
	return T0 + timedelta(hours=hours)


def closed(**changes) -> dict:
	values = {
		"received_on": T0, "department": "Sales", "category": "Engine", "is_external": 1, "grade": "General",
		"status": "Closed", "closure_type": "Second Closure", "is_repeat": 1, "irrational_stage": None,
		"follow_up_mode": None, "next_check_at": None, "deferral_requested_on": None,
		"transfer_due": h(4), "transferred_on": h(1), "acknowledged_on": h(3),
		"first_reply_due": h(27), "first_replied_on": h(30),
		"close_due": h(72), "close_requested_on": h(80), "return_visit_due": h(92), "return_visited_on": h(82),
		"closed_on": datetime(2026, 3, 6, 1, 30), "root_cause": "  Engine   part\ndefect ",
	}  # fmt: skip
	values.update(changes)
	return values


def test_a_closed_complaint_adds_its_measures_to_its_received_day():
	rows = rs.contribution(closed(), NOW)
	day = rows[(rs.DAY, T0.date(), "Sales")]
	assert day["received"] == day["closed"] == day["second_closures"] == day["repeats"] == 1
	assert day["first_closures"] == day["first_irrational"] == day["watch"] == 0
	# transfer acknowledged in time; first reply late (30 h > 27 h); close late; return visit in time
	assert (day["transfer_on_time"], day["first_reply_on_time"], day["close_on_time"]) == (1, 0, 0)
	assert day["return_visit_on_time"] == 1
	assert all(day[f"{k}_decided"] == 1 for k in rs.CLOCK_KEYS.values())
	assert (day["transfer_s"], day["transfer_n"]) == (3600, 1)
	assert day["received_to_close_request_s"] == 80 * 3600
	assert set(day) == set(rs.RECEIVED_MEASURES)


def test_the_closure_and_its_root_cause_count_on_the_closed_day():
	rows = rs.contribution(closed(), NOW)
	closed_day = datetime(2026, 3, 6).date()
	assert rows[(rs.DAY, closed_day, "Sales")] == {"closed_first": 0, "closed_second": 1}
	assert rows[(rs.CAUSE, closed_day, "Sales", "Engine", "Engine part defect")] == {"n": 1}
	assert rows[(rs.COUNT, T0.date(), "Sales", rs.CATEGORY, "Engine", 1)] == {"n": 1}
	assert rows[(rs.COUNT, T0.date(), "Sales", rs.GRADE, "General", 1)] == {"n": 1}
	assert len(rows) == 5


def test_same_day_closure_adds_to_the_same_day_row():
	rows = rs.contribution(closed(closed_on=h(5), root_cause=""), NOW)
	day = rows[(rs.DAY, T0.date(), "Sales")]
	assert day["received"] == 1 and day["closed_second"] == 1
	assert not any(key[0] == rs.CAUSE for key in rows)  # no root cause given


def test_settled_only_when_nothing_can_change_with_time():
	assert rs.settled(closed(), NOW)
	assert not rs.settled(closed(status="Replied"), NOW)  # running
	assert not rs.settled(closed(next_check_at=NOW), NOW)  # the sweep has something pending
	assert not rs.settled(closed(received_on=None), NOW)
	# a clock that never stopped, due still ahead: its verdict is open until the due passes
	open_clock = closed(close_requested_on=None, close_due=NOW + timedelta(hours=1))
	assert not rs.settled(open_clock, NOW)
	assert rs.settled(open_clock, NOW + timedelta(hours=2))
	deferred = closed(status="Deferred", closure_type=None, closed_on=None, close_requested_on=None,
					  deferral_requested_on=h(40), close_due=h(72))  # fmt: skip
	assert rs.settled(deferred, NOW)


def test_a_settled_contribution_does_not_change_with_time():
	values = closed(close_requested_on=None, close_due=h(72))
	assert rs.contribution(values, NOW) == rs.contribution(values, NOW + timedelta(days=400))


def test_a_pending_deferral_request_stops_the_close_clock_only_in_its_status():
	pending = closed(status="Deferral Requested", close_requested_on=None, deferral_requested_on=h(50))
	day = rs.contribution(pending, NOW)[(rs.DAY, T0.date(), "Sales")]
	assert (day["close_on_time"], day["close_decided"]) == (1, 1)
	after = closed(status="Deferred", close_requested_on=None, deferral_requested_on=h(50))
	day = rs.contribution(after, NOW)[(rs.DAY, T0.date(), "Sales")]
	assert (day["close_on_time"], day["close_decided"]) == (0, 1)  # past its due, never stopped


def test_negate_and_merge_cancel_out():
	a, b = rs.contribution(closed(), NOW), rs.contribution(closed(department="Service"), NOW)
	total = rs.merge(a, b, rs.negate(a))
	assert {key: values for key, values in total.items() if any(values.values())} == b


def test_seconds_are_whole_and_truncated_toward_zero_like_sql():
	assert rs.seconds(T0, T0 + timedelta(seconds=59, microseconds=999_999)) == 59
	assert rs.seconds(T0 + timedelta(seconds=59, microseconds=999_999), T0) == -59
	assert rs.seconds(T0, T0 + timedelta(days=400)) == 400 * 86400


def test_root_causes_are_compared_with_whitespace_collapsed():
	assert rs.cause_text("  a\n b\t c ") == "a b c"
	assert rs.cause_text(None) == rs.cause_text("   ") == ""
