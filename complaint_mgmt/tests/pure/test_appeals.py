"""Appeals against penalty notices (issue 18 §2): who may appeal, until when, once; who decides and how."""

from dataclasses import replace
from datetime import date

import pytest

from complaint_mgmt.procedure import appeals
from complaint_mgmt.procedure.calendar_hours import RuleError

ISSUED = date(2026, 3, 2)
NOTICE = appeals.NoticeFacts(name="CPN-1", docstatus=1, department="Sales", issued_on=ISSUED, amount=100)
SALES = frozenset({"Sales"})


def test_defaults_are_the_contracts():
	assert appeals.SETTING_DEFAULTS == {
		"appeal_days": 3,
		"appeal_decision_days": 5,
		"appeal_decider_role": "Complaint Bulletin Approver",
	}
	assert appeals.STATUSES == ("Open", "Upheld", "Annulled", "Reduced")


@pytest.mark.parametrize("day", [ISSUED, date(2026, 3, 4), date(2026, 3, 5)])
def test_the_manager_appeals_within_the_days(day):
	appeals.check_appeal(NOTICE, SALES, day, 3)  # issue day + 3 calendar days is the last day


def test_a_late_appeal_is_refused_with_the_last_day():
	with pytest.raises(RuleError, match="ended on 2026-03-05") as err:
		appeals.check_appeal(NOTICE, SALES, date(2026, 3, 6), 3)
	assert not isinstance(err.value, appeals.NotPermitted)
	assert appeals.last_appeal_day(ISSUED, 0) == ISSUED  # 0 days: the issue day only


@pytest.mark.parametrize("managed", [frozenset(), frozenset({"Finance"})])
def test_another_department_is_not_permitted(managed):
	with pytest.raises(appeals.NotPermitted, match="Only the manager of department Sales"):
		appeals.check_appeal(NOTICE, managed, ISSUED, 3)


@pytest.mark.parametrize(
	"change, message",
	[
		({"appealed": True}, "appealed already"),
		({"docstatus": 2}, "not a submitted notice"),
		({"docstatus": 0}, "not a submitted notice"),
		({"executed": True}, "is executed"),
	],
)
def test_second_cancelled_draft_or_executed_notices_are_refused(change, message):
	with pytest.raises(RuleError, match=message):
		appeals.check_appeal(replace(NOTICE, **change), SALES, ISSUED, 3)


def test_the_department_is_checked_before_anything_else():
	# another department learns nothing about the notice's state
	with pytest.raises(appeals.NotPermitted):
		appeals.check_appeal(replace(NOTICE, docstatus=2, appealed=True), frozenset(), date(2027, 1, 1), 3)


def test_reason_is_required():
	assert appeals.check_reason("  too harsh  ") == "too harsh"
	for empty in (None, "", "   "):
		with pytest.raises(RuleError, match="Give the reason"):
			appeals.check_reason(empty)


@pytest.mark.parametrize("decision, amount", [("Upheld", None), ("Annulled", None), ("Reduced", 50)])
def test_valid_decisions(decision, amount):
	appeals.check_decision("Open", decision, amount, NOTICE)


@pytest.mark.parametrize(
	"status, decision, amount, message",
	[
		("Upheld", "Annulled", None, "decided already"),
		("Reduced", "Upheld", None, "decided already"),
		("Open", "Rejected", None, "Unknown decision"),
		("Open", "Reduced", None, "more than 0 and less"),
		("Open", "Reduced", 0, "more than 0 and less"),
		("Open", "Reduced", -5, "more than 0 and less"),
		("Open", "Reduced", 100, "more than 0 and less"),
		("Open", "Reduced", 150, "more than 0 and less"),
		("Open", "Upheld", 20, "only with the decision Reduced"),
		("Open", "Annulled", 20, "only with the decision Reduced"),
	],
)
def test_bad_decisions_are_refused(status, decision, amount, message):
	with pytest.raises(RuleError, match=message):
		appeals.check_decision(status, decision, amount, NOTICE)


def test_a_notice_no_longer_live_cannot_be_annulled_or_reduced():
	for notice in (replace(NOTICE, docstatus=2), replace(NOTICE, executed=True)):
		for decision, amount in (("Annulled", None), ("Reduced", 10)):
			with pytest.raises(RuleError, match="no longer a submitted"):
				appeals.check_decision("Open", decision, amount, notice)
		appeals.check_decision("Open", "Upheld", None, notice)


def test_the_deciders_role_decides_but_not_its_own_appeal():
	roles = frozenset({"Complaint Bulletin Approver"})
	appeals.check_decider(roles, "Complaint Bulletin Approver", "gm@x", "mgr@x")
	with pytest.raises(appeals.NotPermitted, match="needs the role Complaint Bulletin Approver"):
		appeals.check_decider(
			frozenset({"Complaint Manager"}), "Complaint Bulletin Approver", "cm@x", "mgr@x"
		)
	with pytest.raises(appeals.NotPermitted, match="You filed this appeal"):
		appeals.check_decider(roles, "Complaint Bulletin Approver", "mgr@x", "mgr@x")


def test_decision_due_and_corrections():
	assert appeals.decision_due(date(2026, 3, 3), 5) == date(2026, 3, 8)
	week = date(2026, 3, 9)
	assert appeals.is_correction(date(2026, 3, 10), ISSUED, week)  # decided this week, notice of before
	assert appeals.is_correction(date(2026, 3, 15), ISSUED, week)  # the week's last day
	assert not appeals.is_correction(date(2026, 3, 16), ISSUED, week)  # next week's
	assert not appeals.is_correction(date(2026, 3, 8), ISSUED, week)  # last week's
	assert not appeals.is_correction(date(2026, 3, 10), date(2026, 3, 9), week)  # a notice of this week
