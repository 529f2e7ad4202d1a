"""Executing penalty notices (issue 19 §6): what can be executed, bulk requests all or nothing, and undoing an
execution on its day, with a reason."""

from dataclasses import replace
from datetime import datetime

import pytest

from complaint_mgmt.procedure import execution_rules as rules
from complaint_mgmt.procedure.calendar_hours import RuleError

OPEN = rules.NoticeState(name="CPN-1", docstatus=1, executed=False)
DONE = replace(OPEN, executed=True, executed_on=datetime(2026, 3, 2, 9, 30))


def test_a_submitted_unexecuted_notice_can_be_executed():
	assert rules.execution_refusal(OPEN) is None


@pytest.mark.parametrize(
	"notice, words",
	[
		(replace(OPEN, docstatus=0), "not submitted"),
		(replace(OPEN, docstatus=2), "not submitted"),
		(DONE, "already executed"),
		(replace(OPEN, under_appeal=True), "under appeal"),
	],
)
def test_what_cannot_be_executed_says_why(notice, words):
	refusal = rules.execution_refusal(notice)
	assert isinstance(refusal, RuleError) and words in refusal.message and "CPN-1" in refusal.message


def test_a_bulk_request_keeps_each_name_once_in_order():
	assert rules.check_bulk(["CPN-2", " CPN-1", "CPN-2"]) == ["CPN-2", "CPN-1"]


@pytest.mark.parametrize("names", [[], "CPN-1", [""], [1], None, [["CPN-1"]]])
def test_a_bulk_request_without_names_is_refused(names):
	with pytest.raises(RuleError, match="Select the penalty notices"):
		rules.check_bulk(names)


def test_a_bulk_request_has_a_ceiling():
	rules.check_bulk([f"CPN-{i}" for i in range(rules.MAX_BULK)])
	with pytest.raises(RuleError, match="at most 500"):
		rules.check_bulk([f"CPN-{i}" for i in range(rules.MAX_BULK + 1)])


def test_an_execution_is_undone_on_its_day_with_a_reason():
	assert rules.check_undo(DONE, datetime(2026, 3, 2, 23, 59), "  Paid twice  ") == "Paid twice"


def test_an_execution_is_not_undone_the_next_day():
	with pytest.raises(RuleError, match="executed on 2026-03-02") as err:
		rules.check_undo(DONE, datetime(2026, 3, 3, 0, 0), "Paid twice")
	assert "only be undone on the day" in err.value.message


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_an_undo_needs_a_reason(reason):
	with pytest.raises(RuleError, match="Give a reason"):
		rules.check_undo(DONE, datetime(2026, 3, 2, 10, 0), reason)


def test_an_overlong_reason_is_refused():
	with pytest.raises(RuleError, match="at most 1000"):
		rules.check_undo(DONE, datetime(2026, 3, 2, 10, 0), "x" * 1001)


@pytest.mark.parametrize("notice", [OPEN, replace(OPEN, executed=True), replace(DONE, docstatus=2)])
def test_nothing_to_undo_on_a_notice_not_executed(notice):
	with pytest.raises(RuleError, match="nothing to undo"):
		rules.check_undo(notice, datetime(2026, 3, 2, 10, 0), "Paid twice")
