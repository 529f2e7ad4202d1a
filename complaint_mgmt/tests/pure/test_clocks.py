"""The procedure's clock rules (issue 9, items 1, 2, 3, 6, 14): started clocks keep their deadlines, only pauses
move them, repeats count unpaused time, each occurrence of a clock has its own notice period, one definition of
"stopped"."""

from datetime import datetime, timedelta

from complaint_mgmt.procedure import calendar_hours, clocks, rules
from complaint_mgmt.procedure.calendar_hours import Calendar, parse_windows

T0 = datetime(2026, 1, 5, 9, 0)  # a Monday
H = timedelta(hours=1)
GENERAL = rules.Grade("General", 1, False, 4, 24, 72, "Medium", 50, 50, 50)
MEDIUM = rules.Grade("Medium", 2, False, 2, 8, 120, "Strong", 100, 100, 100)
NONE = rules.Deadlines()


def settle(grade, m, stored=NONE, **kw):
	return clocks.settle_deadlines(grade, m, stored, **kw)


def test_a_clock_that_starts_is_timed_from_the_current_grade():
	m = rules.Milestones(received_on=T0)
	d = settle(GENERAL, m)
	assert (d.transfer_due, d.first_reply_due, d.close_due, d.return_visit_due) == (
		T0 + 4 * H,
		None,
		T0 + 72 * H,
		None,
	)


def test_escalation_never_moves_started_clocks_issue_example():
	"""General: acknowledged after 3 h, first answered 16 h later, both in time; a close breach escalates to
	Medium: the stopped Transfer and First Reply clocks keep General's deadlines (no retroactive notice)."""
	m = rules.Milestones(received_on=T0, acknowledged_on=T0 + 3 * H, first_replied_on=T0 + 19 * H)
	stored = settle(GENERAL, m)
	assert stored.first_reply_due == T0 + 27 * H
	after = settle(MEDIUM, m, stored)
	assert after == stored
	assert rules.breached_clocks(after, m, T0 + 80 * H) == ["Close"]


def test_a_started_running_clock_keeps_its_due_after_a_grade_or_calendar_change():
	m = rules.Milestones(received_on=T0)
	stored = settle(GENERAL, m)
	business = Calendar(windows=parse_windows([("Monday", "09:00", "10:00")]))
	assert settle(MEDIUM, m, stored, calendar=business) == stored


def test_a_clock_that_had_not_started_follows_the_new_grade():
	m = rules.Milestones(received_on=T0)
	stored = settle(GENERAL, m)  # escalated before the acknowledgment
	acked = rules.Milestones(received_on=T0, acknowledged_on=T0 + H)
	assert settle(MEDIUM, acked, stored).first_reply_due == T0 + H + 8 * H


def test_a_corrected_start_is_timed_afresh_unless_breached():
	m = rules.Milestones(received_on=T0)
	stored = settle(GENERAL, m)
	corrected = rules.Milestones(received_on=T0 - 2 * H)
	assert settle(GENERAL, corrected, stored, previous=m).transfer_due == T0 + 2 * H
	kept = settle(GENERAL, corrected, stored, previous=m, keep=frozenset({"Transfer"}))
	assert kept.transfer_due == T0 + 4 * H


def test_no_clocks_keep_only_breached_dues():
	m = rules.Milestones(received_on=T0)
	stored = settle(GENERAL, m)
	d = settle(GENERAL, m, stored, runs_clocks=False, keep=frozenset({"Close"}))
	assert (d.transfer_due, d.close_due) == (None, T0 + 72 * H)


def test_a_pause_moves_running_clocks_by_the_paused_time_only():
	m = rules.Milestones(received_on=T0, acknowledged_on=T0 + H)
	stored = settle(GENERAL, m)
	moved = clocks.shift_for_pause(stored, m, T0 + 2 * H, T0 + 5 * H)
	assert moved.transfer_due == stored.transfer_due  # stopped at the acknowledgment before the pause
	assert moved.first_reply_due == stored.first_reply_due + 3 * H
	assert moved.close_due == stored.close_due + 3 * H
	assert clocks.moved_clocks(stored, moved) == ["First Reply", "Close"]


def test_a_pause_after_a_due_moves_nothing_and_business_hours_count_working_time():
	m = rules.Milestones(received_on=T0)
	stored = settle(GENERAL, m)
	assert clocks.shift_for_pause(stored, m, T0 + 5 * H, T0 + 9 * H).transfer_due == T0 + 4 * H
	business = Calendar(
		windows=parse_windows([(day, "09:00", "17:00") for day in calendar_hours.WEEKDAYS[:5]])
	)
	d = rules.Deadlines(transfer_due=T0 + 4 * H)
	# paused Monday 10:00 until Tuesday 10:00: 3 working hours were left, counted from Tuesday 10:00
	shifted = clocks.shift_for_pause(d, m, T0 + H, T0 + 25 * H, business)
	assert shifted.transfer_due == T0 + 25 * H + 3 * H


def test_monthly_repeats_count_unpaused_time_only():
	close_due = T0 + 72 * H
	pause = (close_due + H, close_due + H + timedelta(days=45))
	now = close_due + timedelta(days=50)
	assert clocks.due_repeats(close_due, now, 30, 0) == [1]
	assert clocks.due_repeats(close_due, now, 30, 0, [pause]) == []
	assert clocks.repeat_due(close_due, 1, 30, [pause]) == close_due + timedelta(days=75)
	assert clocks.due_repeats(close_due, close_due + timedelta(days=105), 30, 0, [pause]) == [1, 2]
	assert clocks.due_repeats(close_due, now, 30, 0, [(close_due + H, None)]) == []  # waiting now


def test_each_occurrence_of_a_clock_has_its_own_notice_period():
	assert clocks.breach_period("Transfer", transfer_round=0) == 0
	assert clocks.breach_period("First Reply", transfer_round=2, close_request_cycle=5) == 2
	assert clocks.breach_period("Return Visit", transfer_round=2, close_request_cycle=1) == 1
	assert clocks.breach_period("Close", transfer_round=2, close_request_cycle=1) == 0


def test_a_rejected_close_request_starts_a_new_return_visit_clock():
	first = rules.Milestones(
		received_on=T0, acknowledged_on=T0, first_replied_on=T0, close_requested_on=T0 + H
	)
	stored = settle(GENERAL, first, return_visit_hours=12)
	assert stored.return_visit_due == T0 + 13 * H
	rejected = rules.Deadlines(**{**stored.__dict__, **{"return_visit_due": None}})
	assert {"return_visit_due", "return_visit_breached", "return_visit_warned"} <= set(clocks.NEW_CLOSE_CYCLE)
	second = rules.Milestones(
		received_on=T0, acknowledged_on=T0, first_replied_on=T0, close_requested_on=T0 + 30 * H
	)
	assert settle(GENERAL, second, rejected, return_visit_hours=12).return_visit_due == T0 + 42 * H


def test_a_retransfer_restarts_the_new_departments_transfer_clock():
	m = rules.Milestones(received_on=T0, transfer_started_on=T0 + 10 * H)
	assert settle(GENERAL, m).transfer_due == T0 + 14 * H
	assert {"acknowledged_on", "first_replied_on", "transfer_due", "first_reply_due"} <= set(
		clocks.RESTART_ON_RETRANSFER
	)


def test_a_channel_target_caps_the_transfer_clock():
	m = rules.Milestones(received_on=T0)
	assert settle(GENERAL, m, channel_hours=0.5).transfer_due == T0 + timedelta(minutes=30)
	assert settle(GENERAL, m, channel_hours=6).transfer_due == T0 + 4 * H
	assert clocks.channel_target({"Media": 0.5}, "Media") == 0.5
	assert clocks.channel_target({"Media": 0.5}, "Phone") is None


def test_one_definition_of_a_stopped_close_clock():
	values = {"close_requested_on": None, "deferral_requested_on": T0 + H}
	assert clocks.stopped_on("Close", values, "Deferral Requested") == T0 + H
	assert clocks.stopped_on("Close", values, "Replied") is None  # a rejected deferral no longer stops it
	both = {"close_requested_on": T0 + 2 * H, "deferral_requested_on": T0 + H}
	assert clocks.stopped_on("Close", both, "Deferral Requested") == T0 + H
	assert clocks.stopped_on("Transfer", {"acknowledged_on": T0}, None) == T0


def test_several_repeat_periods_at_once_and_after_the_last_issued():
	close_due = T0 + 72 * H
	assert clocks.due_repeats(close_due, close_due + timedelta(days=90), 30) == [1, 2, 3]
	assert clocks.due_repeats(close_due, close_due + timedelta(days=90) - timedelta(seconds=1), 30) == [1, 2]
	assert clocks.due_repeats(close_due, close_due + timedelta(days=95), 30, last_issued=1) == [2, 3]
	assert clocks.due_repeats(close_due, close_due + timedelta(days=95), 30, last_issued=3) == []
	assert clocks.due_repeats(close_due, close_due + timedelta(days=29), 30) == []
	assert clocks.due_repeats(None, close_due, 30) == []
	assert clocks.due_repeats(close_due, close_due + timedelta(days=90), 0) == []  # repeats switched off
