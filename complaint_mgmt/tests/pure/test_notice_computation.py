"""How a penalty notice was reached (issue 18, section 1): the pure computation, its recomputation from a
complaint's history, the comparison verify_notices makes, and the explanation in en and zh."""

import csv
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from complaint_mgmt.procedure import calendar_hours, rules
from complaint_mgmt.procedure import notice_computation as nc
from complaint_mgmt.procedure import notice_explanation as ne
from complaint_mgmt.procedure import notice_history as nh

R = datetime(2026, 3, 2, 9, 0)  # a Monday
H = timedelta(hours=1)
GRADES = {
	"General": rules.Grade("General", 10, transfer_hours=4, first_reply_hours=24, close_hours=72,
		escalate_to="Medium", transfer_penalty=50, first_reply_penalty=50, close_penalty=50),
	"Medium": rules.Grade("Medium", 20, transfer_hours=2, first_reply_hours=8, close_hours=120,
		escalate_to="Strong", transfer_penalty=100, first_reply_penalty=100, close_penalty=100),
	"Strong": rules.Grade("Strong", 30, transfer_hours=0.5, first_reply_hours=4, close_hours=168,
		transfer_penalty=200, first_reply_penalty=200, close_penalty=200),
}  # fmt: skip
RULES = nh.Rules(grades=GRADES)
BUSINESS = calendar_hours.Calendar(
	windows=[calendar_hours.Window(d, time(9), time(18)) for d in range(5)], holidays={date(2026, 3, 3)}
)
ZH = {
	row[0]: row[1]
	for row in csv.reader(
		(Path(__file__).resolve().parents[2] / "translations" / "zh.csv").open(encoding="utf-8")
	)
	if len(row) >= 2
}


def zh(text: str) -> str:
	return ZH.get(text, text)


def test_a_transfer_breach_not_done_by_the_sweep():
	c = nh.recompute("Transfer", 0, R + 5 * H, nh.History(received_on=R, original_grade="General"), RULES)
	assert c["clock"] == "Transfer" and c["start_event"] == nc.RECEIVED
	assert (c["started_on"], c["due_on"], c["clock_due_on"]) == (
		"2026-03-02 09:00:00",
		"2026-03-02 13:00:00",
		"2026-03-02 13:00:00",
	)
	assert (
		c["allowed_hours"] == 4
		and c["basis"] == {"type": nc.WALL}
		and c["pauses"] == []
		and c["paused_hours"] == 0
	)
	assert c["done_on"] is None and c["checked_on"] == "2026-03-02 14:00:00" and c["late_hours"] == 1
	assert (c["base_amount"], c["multiplier"], c["amount"], c["penalty_grade"]) == (50, 1, 50, "General")
	assert set(nc.KEYS) <= set(c) and c["escalated_from"] is None and c["period"] == 0  # fmt: skip


def test_a_step_done_late_before_the_sweep_and_one_done_after_it():
	h = nh.History(
		received_on=R, original_grade="General", acknowledged_on=R + 4 * H + 30 * timedelta(minutes=1)
	)
	late = nh.recompute("Transfer", 0, R + 5 * H, h, RULES)
	assert late["done_on"] == "2026-03-02 13:30:00" and late["late_hours"] == 0.5
	after = nh.recompute("Transfer", 0, R + 4 * H, h, RULES)  # the sweep ran before the acknowledgment
	assert after["done_on"] is None and after["late_hours"] == 0


def test_close_breach_escalates_first_and_the_new_grade_penalty_applies():
	swept = R + 80 * H
	h = nh.History(received_on=R, original_grade="General", escalations=[("General", "Medium", swept)])
	c = nh.recompute("Close", 0, swept, h, RULES)
	assert (c["escalated_from"], c["escalated_to"], c["penalty_grade"], c["amount"]) == (
		"General",
		"Medium",
		"Medium",
		100,
	)
	assert c["grade"] == "General" and c["allowed_hours"] == 72 and c["late_hours"] == 8  # fmt: skip
	# a first-reply breach judged in the same sweep before the close breach: the grade before the escalation
	h2 = nh.History(received_on=R, original_grade="General", acknowledged_on=R + H, escalations=h.escalations)
	fr = nh.recompute("First Reply", 0, swept, h2, RULES)
	assert fr["penalty_grade"] == "General" and fr["amount"] == 50 and fr["escalated_to"] is None


def test_monthly_repeats_with_a_pause_and_the_multiplier():
	pause = (R + 130 * H, R + 154 * H)  # a day waiting on the customer after the closing deadline
	h = nh.History(received_on=R, original_grade="Medium", pauses=[pause])
	swept = R + 72 * H + timedelta(days=61)
	c = nh.recompute("Monthly Repeat", 2, swept, h, nh.Rules(grades=GRADES, multiplier=3))
	assert c["clock_due_on"] == "2026-03-07 09:00:00"  # Medium: 120 h
	assert c["due_on"] == nc.fmt(R + 120 * H + timedelta(days=60) + 24 * H)
	assert (c["period"], c["period_days"], c["multiplier"], c["base_amount"], c["amount"]) == (
		2,
		30,
		3,
		100,
		300,
	)
	assert c["pauses"] == [[nc.fmt(pause[0]), nc.fmt(pause[1])]] and c["paused_hours"] == 24


def test_business_hours_with_a_holiday_and_a_pause():
	pause = (R + 2 * H, R + 3 * H)  # Monday 11:00-12:00
	h = nh.History(received_on=R, original_grade="General", pauses=[pause])
	c = nh.recompute(
		"First Reply",
		0,
		R + 80 * H,
		nh.History(**{**h.__dict__, "acknowledged_on": R + H}),
		nh.Rules(grades=GRADES, calendar=BUSINESS),
	)
	# acknowledged Monday 10:00; 24 business hours, one paused, Tuesday a holiday: Mon 7 h, Wed 9 h, Thu 8 h -> Thu 17:00
	assert c["due_on"] == "2026-03-05 17:00:00" and c["allowed_hours"] == 24 and c["paused_hours"] == 1
	assert c["basis"]["type"] == nc.BUSINESS and c["basis"]["holidays"] == ["2026-03-03"]
	assert c["basis"]["windows"][0] == ["Monday", "09:00", "18:00"]  # fmt: skip


def test_a_retransfer_round_and_an_earlier_close_request_cycle_come_from_the_records_and_the_log():
	records = [(R + H, R + 2 * H, R + 3 * H), (R + 10 * H, R + 20 * H, None)]
	h = nh.History(
		received_on=R,
		original_grade="General",
		transfer_round=2,
		transfer_started_on=R + 30 * H,
		records=[*records, (R + 30 * H, None, None)],
	)
	c = nh.recompute("Transfer", 1, R + 21 * H, h, RULES)
	assert (c["start_event"], c["started_on"], c["done_on"]) == (
		nc.RETRANSFERRED,
		nc.fmt(R + 10 * H),
		nc.fmt(R + 20 * H),
	)
	steps = [("Request Close", R + 40 * H), ("Reject Close", R + 60 * H), ("Request Close", R + 70 * H)]
	h2 = nh.History(
		received_on=R,
		original_grade="General",
		close_request_cycle=1,
		close_requested_on=R + 70 * H,
		steps=steps,
	)
	rv = nh.recompute("Return Visit", 0, R + 55 * H, h2, RULES)
	assert rv["started_on"] == nc.fmt(R + 40 * H) and rv["done_on"] is None and rv["late_hours"] == 3  # fmt: skip


def test_a_close_request_later_rejected_still_counts_as_done_when_the_sweep_saw_it():
	steps = [("Request Close", R + 75 * H), ("Reject Close", R + 90 * H)]
	h = nh.History(received_on=R, original_grade="General", steps=steps)
	assert nh.recompute("Close", 0, R + 76 * H, h, RULES)["done_on"] == nc.fmt(R + 75 * H)
	assert nh.recompute("Close", 0, R + 91 * H, h, RULES)["done_on"] is None


def test_differences_find_a_tampered_computation_within_tolerances():
	c = nh.recompute("Transfer", 0, R + 5 * H, nh.History(received_on=R, original_grade="General"), RULES)
	assert nc.differences(c, dict(c)) == []
	nudged = {**c, "started_on": "2026-03-02 09:00:01", "late_hours": c["late_hours"] + 0.0005}
	assert nc.differences(nudged, c) == []
	assert nc.differences({**c, "amount": 5.0}, c) == ["amount"]
	assert nc.differences({**c, "due_on": "2026-03-02 15:00:00", "pauses": [["a", "b"]]}, c) == [
		"pauses",
		"due_on",
	]
	assert nc.differences(None, c) == ["computation"]


def test_a_history_without_the_start_cannot_be_recomputed():
	with pytest.raises(calendar_hours.RuleError):
		nh.recompute("First Reply", 0, R + 30 * H, nh.History(received_on=R, original_grade="General"), RULES)


def test_the_explanation_in_english_and_chinese():
	swept = R + 80 * H
	h = nh.History(received_on=R, original_grade="General", escalations=[("General", "Medium", swept)])
	c = nh.recompute("Close", 0, swept, h, RULES)
	en = ne.render(c)
	assert (
		"The Close clock started at 2026-03-02 09:00:00 (Received by the service center)." in en["paragraph"]
	)
	assert "escalated from General to Medium first" in en["paragraph"]
	assert "8 hours late (8 h)" in en["paragraph"] and "50.00 x 1 = 100.00" not in en["paragraph"]
	assert ["Amount", "100.00 x 1 = 100.00"] in en["rows"]
	cn = ne.render(c, zh)
	assert "从 " in cn["paragraph"] or "升级" in cn["paragraph"]
	assert not any(label == text for (label, _v), (text, _w) in zip(cn["rows"], en["rows"], strict=True))
	assert "Not done" not in ne.text(c, zh) and "clock started" not in ne.text(c, zh)


def test_every_template_of_the_explanation_has_a_chinese_translation():
	templates = [
		*(s for s in vars(ne).values() if isinstance(s, str) and s.endswith(".")),
		nc.RECEIVED, nc.RETRANSFERRED, nc.ACKNOWLEDGED, nc.CLOSE_REQUESTED,
	]  # fmt: skip
	source = Path(ne.__file__).read_text(encoding="utf-8")

	templates += re.findall(r'(?<![\w.])t\(\s*"((?:[^"\\]|\\.)+)"\s*\)', source)
	templates += [a + b for a, b in re.findall(r'(?<![\w.])t\(\s*"([^"]+)"\s*"([^"]+)"\s*\)', source)]
	missing = [s for s in templates if s not in ZH]
	assert missing == []


def test_calendar_time():
	assert ne.calendar_time("2026-03-02 09:00:00", "2026-03-04 12:15:00") == "2 d 3 h 15 min"
	assert ne.calendar_time("2026-03-02 09:00:00", "2026-03-02 09:00:00") == "0 min"


def test_an_amount_changed_after_the_computation_is_said():
	c = nh.recompute("Transfer", 0, R + 5 * H, nh.History(received_on=R, original_grade="General"), RULES)
	assert ne.render(c, amount=50) == ne.render(c)
	reduced = ne.render(c, zh, amount=20)
	assert "通知单金额其后已改为 20.00" in reduced["paragraph"] and ["现金额", "20.00"] in reduced["rows"]


def test_current_deadlines_from_the_history():
	# received, acknowledged 2 h later; escalated to Medium after the close breach: started clocks keep the
	# hours of the grade in force when they started
	h = nh.History(
		received_on=R,
		original_grade="General",
		acknowledged_on=R + 2 * H,
		escalations=[("General", "Medium", R + 73 * H)],
	)
	d = nh.current_deadlines(h, RULES)
	assert d == {"Transfer": R + 4 * H, "First Reply": R + 26 * H, "Close": R + 72 * H, "Return Visit": None}
	# a re-transfer after the escalation: the new round's transfer clock runs on Medium's 2 hours, a pause
	# of one hour moves it; the close request starts the return visit's 12 hours
	h2 = nh.History(
		received_on=R,
		original_grade="General",
		transfer_round=1,
		transfer_started_on=R + 80 * H,
		escalations=h.escalations,
		pauses=[(R + 80 * H, R + 81 * H)],
		close_requested_on=R + 90 * H,
	)
	d2 = nh.current_deadlines(h2, RULES)
	assert d2["Transfer"] == R + 83 * H and d2["First Reply"] is None
	assert d2["Return Visit"] == R + 102 * H and d2["Close"] == R + 72 * H
