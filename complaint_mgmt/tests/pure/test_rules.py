"""Tests of the complaint procedure rules (deadlines, breaches, escalation, penalties, closure, tiers)."""

from datetime import date, datetime, time, timedelta

import pytest

from complaint_mgmt.procedure import calendar_hours, rules
from complaint_mgmt.procedure.authority import approver_role, validate_tiers
from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, RuleError, parse_windows
from complaint_mgmt.procedure.corrective_action import is_vague_action
from complaint_mgmt.procedure.rules import (
	FIRST_CLOSURE,
	SECOND_CLOSURE,
	Deadlines,
	Grade,
	Milestones,
	breached_clocks,
	clock_start,
	clock_stop,
	closure_type,
	compute_deadlines,
	escalation_target,
	is_breached,
	is_external_channel,
	late_party,
	penalty,
	validate_grade,
	validate_received_on,
	warning_at,
)

MON, TUE, WED, THU, FRI = (date(2024, 1, d) for d in range(1, 6))


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
	return datetime.combine(day, time(hh, mm, ss))


GENERAL = Grade("General", 1, False, 4, 24, 72, "Medium", 50, 50, 50)
MEDIUM = Grade("Medium", 2, False, 2, 8, 120, "Strong", 100, 100, 100)
STRONG = Grade("Strong", 3, False, 0.5, 4, 168, None, 200, 200, 200)
IRRATIONAL = Grade("Irrational", 0, True)
GRADES = {g.name: g for g in (GENERAL, MEDIUM, STRONG, IRRATIONAL)}
OFFICE = Calendar(
	parse_windows([(d, "08:30", "12:00") for d in range(5)] + [(d, "13:30", "17:30") for d in range(5)])
)
TIERS = [
	(50, "Front Desk Manager"),
	(200, "Deputy Store Manager"),
	(2000, "Store Manager"),
	(10000, "Vice President"),
]


# --- constants ---------------------------------------------------------------------------------------------


def test_constants() -> None:
	assert rules.CLOCKS == ("Transfer", "First Reply", "Close", "Return Visit")
	assert rules.BREACH_TYPES == ("Transfer", "First Reply", "Close", "Monthly Repeat", "Return Visit")
	assert rules.EXTERNAL_CHANNELS == {"Media", "Consumer Association", "Government"}
	assert len(rules.CHANNELS) == 10 and rules.EXTERNAL_CHANNELS < set(rules.CHANNELS)
	assert (FIRST_CLOSURE, SECOND_CLOSURE) == ("First Closure", "Second Closure")
	assert (
		calendar_hours.RuleError is calendar_hours.RuleError
		and calendar_hours.Window is calendar_hours.Window
	)


# --- deadlines ---------------------------------------------------------------------------------------------


def test_deadlines_at_registration() -> None:
	d = compute_deadlines(GENERAL, Milestones(at(MON, 10)))
	assert d == Deadlines(transfer_due=at(MON, 14), close_due=at(THU, 10))
	assert d.first_reply_due is None and d.return_visit_due is None


def test_first_reply_deadline_starts_at_acknowledgment() -> None:
	d = compute_deadlines(GENERAL, Milestones(at(MON, 10), acknowledged_on=at(MON, 11)))
	assert d.first_reply_due == at(TUE, 11)
	assert d.transfer_due == at(MON, 14)


def test_return_visit_deadline_after_close_request() -> None:
	m = Milestones(at(MON, 10), at(MON, 11), at(MON, 15), close_requested_on=at(TUE, 9))
	assert compute_deadlines(GENERAL, m).return_visit_due == at(TUE, 21)
	assert compute_deadlines(GENERAL, m, return_visit_hours=6).return_visit_due == at(TUE, 15)
	assert compute_deadlines(GENERAL, m, return_visit_hours=None).return_visit_due is None


def test_half_hour_grade() -> None:
	d = compute_deadlines(STRONG, Milestones(at(MON, 10, 10), acknowledged_on=at(MON, 10, 20)))
	assert d.transfer_due == at(MON, 10, 40)
	assert d.first_reply_due == at(MON, 14, 20)
	assert d.close_due == at(MON, 10, 10) + timedelta(days=7)


def test_deadlines_in_business_hours() -> None:
	d = compute_deadlines(GENERAL, Milestones(at(MON, 10), acknowledged_on=at(MON, 11)), calendar=OFFICE)
	assert d.transfer_due == at(MON, 15, 30)  # 10-12 (2 h) + 13:30-15:30 (2 h)
	assert d.first_reply_due == at(THU, 14)  # Mon 5 h + Tue/Wed 15 h + Thu 4 h
	assert d.close_due == at(date(2024, 1, 12), 16)  # Mon 6 h + 8 full days 60 h + Fri 12th 6 h


def test_pauses_shift_deadlines() -> None:
	pauses = [(at(MON, 11), at(MON, 13))]
	d = compute_deadlines(GENERAL, Milestones(at(MON, 10)), pauses=pauses)
	assert d.transfer_due == at(MON, 16)
	assert d.close_due == at(THU, 12)


def test_open_pause_leaves_no_deadline() -> None:
	d = compute_deadlines(GENERAL, Milestones(at(MON, 10)), pauses=[(at(MON, 12), None)])
	assert d.transfer_due is None and d.close_due is None


def test_irrational_grade_runs_no_clocks() -> None:
	m = Milestones(at(MON, 10), at(MON, 11), at(MON, 12), at(MON, 13))
	assert compute_deadlines(IRRATIONAL, m) == Deadlines()


def test_deferred_complaint_runs_no_clocks() -> None:
	m = Milestones(at(MON, 10), at(MON, 11), at(MON, 12), at(MON, 13))
	assert compute_deadlines(MEDIUM, m, runs_clocks=False) == Deadlines()


def test_frozen_deadline_kept_after_escalation() -> None:
	m = Milestones(at(MON, 10), acknowledged_on=at(MON, 11))
	before = compute_deadlines(GENERAL, m)
	assert before.close_due == at(THU, 10)
	# Close breached -> escalated to Medium; recompute keeps the breached close deadline
	after = compute_deadlines(MEDIUM, m, frozen={"Close": before.close_due})
	assert after.close_due == at(THU, 10)
	assert after.transfer_due == at(MON, 12)
	assert after.first_reply_due == at(MON, 19)
	unfrozen = compute_deadlines(MEDIUM, m)
	assert unfrozen.close_due == at(MON, 10) + timedelta(hours=120)


def test_frozen_deadline_survives_stopped_clocks() -> None:
	m = Milestones(at(MON, 10))
	d = compute_deadlines(IRRATIONAL, m, frozen={"Close": at(THU, 10)})
	assert d == Deadlines(close_due=at(THU, 10))
	assert compute_deadlines(
		GENERAL, m, runs_clocks=False, frozen={"Transfer": at(MON, 14)}
	).transfer_due == at(MON, 14)


def test_frozen_unknown_clock_rejected() -> None:
	with pytest.raises(RuleError):
		compute_deadlines(GENERAL, Milestones(at(MON, 10)), frozen={"Lunch": at(MON, 12)})


def test_deadlines_due_by_clock() -> None:
	d = Deadlines(at(MON, 1), at(MON, 2), at(MON, 3), at(MON, 4))
	assert [d.due(c) for c in rules.CLOCKS] == [at(MON, 1), at(MON, 2), at(MON, 3), at(MON, 4)]
	with pytest.raises(RuleError):
		d.due("Monthly Repeat")


def test_clock_start_and_stop() -> None:
	m = Milestones(at(MON, 1), at(MON, 2), at(MON, 3), at(MON, 4), at(MON, 5))
	assert [clock_start(c, m) for c in rules.CLOCKS] == [at(MON, 1), at(MON, 2), at(MON, 1), at(MON, 4)]
	assert [clock_stop(c, m) for c in rules.CLOCKS] == [at(MON, 2), at(MON, 3), at(MON, 4), at(MON, 5)]
	with pytest.raises(RuleError):
		clock_start("Lunch", m)
	with pytest.raises(RuleError):
		clock_stop("Lunch", m)


# --- breaches ----------------------------------------------------------------------------------------------


def test_breach_exactly_at_due_and_not_one_second_before() -> None:
	due = at(MON, 14)
	assert is_breached(due, None, at(MON, 14)) is True
	assert is_breached(due, None, at(MON, 13, 59, 59)) is False


def test_stopped_before_due_is_not_breached() -> None:
	due = at(MON, 14)
	assert is_breached(due, at(MON, 13), at(WED, 9)) is False
	assert is_breached(due, at(MON, 14), at(WED, 9)) is False
	assert is_breached(due, at(MON, 14, 0, 1), at(WED, 9)) is True


def test_no_due_no_breach() -> None:
	assert is_breached(None, None, at(WED, 9)) is False


def test_breached_clocks() -> None:
	m = Milestones(at(MON, 10), acknowledged_on=at(MON, 13))
	d = compute_deadlines(GENERAL, m)
	assert breached_clocks(d, m, at(TUE, 10)) == []
	assert breached_clocks(d, m, at(TUE, 13)) == ["First Reply"]
	assert breached_clocks(d, m, at(THU, 10)) == ["First Reply", "Close"]
	late = Milestones(at(MON, 10))
	assert breached_clocks(compute_deadlines(GENERAL, late), late, at(MON, 14)) == ["Transfer"]


# --- warnings ----------------------------------------------------------------------------------------------


def test_warning_at_80_percent_wall_clock() -> None:
	assert warning_at(at(MON, 10), at(MON, 15), 80) == at(MON, 14)
	assert warning_at(at(MON, 10), at(THU, 10), 80) == at(WED, 19, 36)


def test_warning_at_80_percent_business_hours() -> None:
	# 7.5 counted hours, 80 % = 6 h: 09:00-12:00 and 13:30-16:30
	assert warning_at(at(MON, 9), at(TUE, 9), 80, OFFICE) == at(MON, 16, 30)


def test_warning_at_with_pause() -> None:
	pauses = [(at(MON, 11), at(MON, 12))]
	assert warning_at(at(MON, 10), at(MON, 16), 80, WALL_CLOCK, pauses) == at(MON, 15)


@pytest.mark.parametrize(
	"start, due, percent",
	[
		(None, at(MON, 15), 80),
		(at(MON, 10), None, 80),
		(at(MON, 10), at(MON, 15), 0),
		(at(MON, 10), at(MON, 15), 100),
	],
)
def test_warning_at_not_applicable(start: datetime | None, due: datetime | None, percent: float) -> None:
	assert warning_at(start, due, percent) is None


# --- escalation and grade validation ------------------------------------------------------------------------


def test_escalation_chain() -> None:
	assert escalation_target(GENERAL) == "Medium"
	assert escalation_target(MEDIUM) == "Strong"
	assert escalation_target(STRONG) is None
	assert escalation_target(IRRATIONAL) is None
	assert escalation_target(Grade("Weird", 1, True, escalate_to="Medium")) is None


def test_default_grades_are_valid() -> None:
	for grade in GRADES.values():
		validate_grade(grade, GRADES)


@pytest.mark.parametrize("field", ["transfer_hours", "first_reply_hours", "close_hours"])
def test_zero_hours_rejected(field: str) -> None:
	grade = Grade(**{**GENERAL.__dict__, field: 0})
	with pytest.raises(RuleError) as info:
		validate_grade(grade, {**GRADES, "General": grade})
	assert "must be more than 0 hours" in str(info.value)
	assert info.value.values[0] == "General"


def test_irrational_grade_needs_no_hours() -> None:
	validate_grade(Grade("Irrational", 0, True, 0, 0, 0), GRADES)


@pytest.mark.parametrize("field", ["transfer_penalty", "first_reply_penalty", "close_penalty"])
def test_negative_penalty_rejected(field: str) -> None:
	grade = Grade(**{**MEDIUM.__dict__, field: -1})
	with pytest.raises(RuleError, match="must not be negative"):
		validate_grade(grade, {**GRADES, "Medium": grade})


def test_zero_penalty_allowed() -> None:
	grade = Grade(**{**MEDIUM.__dict__, "close_penalty": 0})
	validate_grade(grade, {**GRADES, "Medium": grade})


def test_escalate_to_self_rejected() -> None:
	grade = Grade(**{**STRONG.__dict__, "escalate_to": "Strong"})
	with pytest.raises(RuleError, match="itself"):
		validate_grade(grade, {**GRADES, "Strong": grade})


def test_escalate_to_unknown_rejected() -> None:
	grade = Grade(**{**STRONG.__dict__, "escalate_to": "Extreme"})
	with pytest.raises(RuleError) as info:
		validate_grade(grade, {**GRADES, "Strong": grade})
	assert info.value.values == ("Strong", "Extreme")


def test_escalate_to_lower_rank_rejected() -> None:
	grade = Grade(**{**MEDIUM.__dict__, "escalate_to": "General"})
	with pytest.raises(RuleError, match="higher rank"):
		validate_grade(grade, {**GRADES, "Medium": grade})


def test_escalate_to_equal_rank_rejected() -> None:
	twin = Grade("Twin", 2, False, 1, 1, 1)
	grade = Grade(**{**MEDIUM.__dict__, "escalate_to": "Twin"})
	with pytest.raises(RuleError, match="higher rank"):
		validate_grade(grade, {**GRADES, "Medium": grade, "Twin": twin})


def test_escalation_cycle_rejected() -> None:
	# stale data: Strong points back at General although it has a higher rank
	stale_strong = Grade(**{**STRONG.__dict__, "escalate_to": "General"})
	grades = {**GRADES, "Strong": stale_strong}
	with pytest.raises(RuleError, match="loops"):
		validate_grade(GENERAL, grades)


def test_irrational_grade_cannot_escalate() -> None:
	grade = Grade("Irrational", 0, True, escalate_to="Strong")
	with pytest.raises(RuleError, match="cannot escalate"):
		validate_grade(grade, {**GRADES, "Irrational": grade})


def test_cannot_escalate_to_irrational_grade() -> None:
	crazy = Grade("Crazy", 9, True)
	grade = Grade(**{**STRONG.__dict__, "escalate_to": "Crazy"})
	with pytest.raises(RuleError, match="irrational grade"):
		validate_grade(grade, {**GRADES, "Strong": grade, "Crazy": crazy})


# --- late party and penalties -------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"clock, transferred, party",
	[
		("Transfer", False, "Service Center"),
		("Transfer", True, "Department"),
		("First Reply", True, "Department"),
		("Close", True, "Department"),
		("Close", False, "Department"),
		("Return Visit", True, "Service Center"),
	],
)
def test_late_party(clock: str, transferred: bool, party: str) -> None:
	assert late_party(clock, transferred) == party


def test_late_party_unknown_clock() -> None:
	with pytest.raises(RuleError):
		late_party("Monthly Repeat", True)


def test_penalty_per_breach_type() -> None:
	grade = Grade("Custom", 1, False, 1, 1, 1, None, 10, 20, 30)
	assert penalty(grade, "Transfer") == (10, 1, 10)
	assert penalty(grade, "First Reply") == (20, 1, 20)
	assert penalty(grade, "Close") == (30, 1, 30)
	assert penalty(grade, "Return Visit") == (10, 1, 10)


@pytest.mark.parametrize("period", [1, 2, 3])
@pytest.mark.parametrize("multiplier, amount", [(2, 400), (3, 600)])
def test_monthly_repeat_penalty(period: int, multiplier: float, amount: float) -> None:
	assert penalty(STRONG, "Monthly Repeat", period, multiplier) == (200, multiplier, amount)


def test_monthly_repeat_default_multiplier() -> None:
	assert penalty(GENERAL, "Monthly Repeat", 1) == (50, 2, 100)


def test_monthly_repeat_needs_period() -> None:
	with pytest.raises(RuleError):
		penalty(GENERAL, "Monthly Repeat", 0)


def test_unknown_breach_type() -> None:
	with pytest.raises(RuleError) as info:
		penalty(GENERAL, "Lunch")
	assert info.value.values == ("Lunch",)


def test_irrational_grade_has_no_penalty() -> None:
	assert penalty(IRRATIONAL, "Close") == (0, 0, 0)
	assert penalty(IRRATIONAL, "Monthly Repeat", 2, 3) == (0, 0, 0)


# --- monthly repeat periods ---------------------------------------------------------------------------------


# --- closure, channels, received_on -------------------------------------------------------------------------


def test_closure_type_boundary() -> None:
	due = at(THU, 10)
	assert closure_type(at(THU, 10), due) == FIRST_CLOSURE
	assert closure_type(at(THU, 9, 59, 59), due) == FIRST_CLOSURE
	assert closure_type(at(THU, 10, 0, 1), due) == SECOND_CLOSURE
	assert closure_type(at(THU, 10), None) == FIRST_CLOSURE


@pytest.mark.parametrize(
	"channel, external",
	[
		("Media", True),
		("Consumer Association", True),
		("Government", True),
		("Phone", False),
		("Manufacturer Hotline", False),
		(None, False),
		("", False),
	],
)
def test_is_external_channel(channel: str | None, external: bool) -> None:
	assert is_external_channel(channel) is external


def test_received_on_in_future_rejected() -> None:
	validate_received_on(at(MON, 10), at(MON, 10))
	validate_received_on(at(MON, 9), at(MON, 10))
	with pytest.raises(RuleError, match="future"):
		validate_received_on(at(MON, 10, 0, 1), at(MON, 10))


# --- compensation tiers -------------------------------------------------------------------------------------


def test_valid_tiers() -> None:
	validate_tiers(TIERS)
	validate_tiers([])


@pytest.mark.parametrize(
	"tiers",
	[
		[(200, "A"), (50, "B")],
		[(50, "A"), (50, "B")],
		[(0, "A"), (50, "B")],  # only the last row may be open (no ceiling)
		[(-5, "A")],
		[(50, "")],
		[(50, "  ")],
		[(50, None)],
	],
)
def test_invalid_tiers(tiers: list) -> None:
	with pytest.raises(RuleError):
		validate_tiers(tiers)


@pytest.mark.parametrize(
	"amount, role",
	[
		(0, None),
		(-3, None),
		(30, "Front Desk Manager"),
		(50, "Front Desk Manager"),
		(50.01, "Deputy Store Manager"),
		(200, "Deputy Store Manager"),
		(1999, "Store Manager"),
		(2000, "Store Manager"),
		(5000, "Vice President"),
		(10000, "Vice President"),
	],
)
def test_approver_role(amount: float, role: str | None) -> None:
	assert approver_role(amount, TIERS) == role
	assert approver_role(amount, list(reversed(TIERS))) == role


def test_approver_role_without_tiers() -> None:
	assert approver_role(100, []) is None


def test_approver_role_above_every_bounded_ceiling_needs_an_open_tier() -> None:
	with pytest.raises(RuleError, match="above the highest ceiling"):
		approver_role(25000, TIERS)  # the old rule gave the highest bounded tier
	assert approver_role(25000, [*TIERS[:3], (0, "Vice President")]) == "Vice President"


# --- corrective actions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
	"text",
	[
		None,
		"",
		"   ",
		"Training",
		"Strengthen training.",
		"MORE TRAINING!",
		"be careful",
		"Pay attention!!",
		"加强培训",
		"加强培训。",
		"加强管理",
		"注意",
		"下次注意！",
		"整改",
		"OK",
		"Recalibrated",
	],
)
def test_vague_actions(text: str | None) -> None:
	assert is_vague_action(text) is True


@pytest.mark.parametrize(
	"text",
	[
		"Replace the door seal supplier and inspect every incoming batch",
		"Add a checklist step for tyre pressure before delivery",
		"更换密封条供应商并对来料逐批检验",
		"交车前增加胎压检查步骤",
	],
)
def test_concrete_actions(text: str) -> None:
	assert is_vague_action(text) is False
