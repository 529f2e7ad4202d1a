"""Appeals in the outputs (issue 18 §2): a bulletin signed while an appeal is open shows it pending, the execution
of the bulletin leaves it, the next bulletin lists the decision as a correction and the signed one stays as it was;
the penalty report counts the notices under appeal."""

import datetime

import frappe
import pytest
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from complaint_mgmt.complaint_mgmt.report.complaint_penalty_summary.complaint_penalty_summary import (
	execute as penalty_summary,
)
from complaint_mgmt.outputs import execution, weekly
from complaint_mgmt.tests.site.test_appeals import (
	CENTER,
	EXECUTOR,
	NOTICE,
	appeal,
	at,
	decide,
	issue_notice,
	live_notices,
)

BULLETIN = "Complaint Penalty Bulletin"


def week_start(weeks_ago: int) -> datetime.date:
	today = getdate(now_datetime())
	monday = today - datetime.timedelta(days=today.weekday())  # the settings' default week start
	return monday - datetime.timedelta(days=7 * weeks_ago)


@pytest.fixture
def appealed(monkeypatch):
	"""A notice the sweep issued on the Tuesday three weeks ago, appealed an hour later."""
	issued = datetime.datetime.combine(add_days(week_start(3), 1), datetime.time(9, 0))
	notice = issue_notice(issued)
	at(monkeypatch, issued + datetime.timedelta(hours=1))
	return notice, appeal(notice)


def center_row(rows) -> dict:
	(row,) = [r for r in rows if r.get("department") == CENTER]
	return row


def test_the_report_counts_the_notices_under_appeal(appealed, monkeypatch):
	start = week_start(3)
	filters = {"from_date": start, "to_date": add_days(start, 6), "department": CENTER}
	_columns, rows, _msg, _chart, summary = penalty_summary(filters)
	row = center_row(rows)
	assert (row["notices"], row["appeal_count"], row["appeal_amount"]) == (1, 1, 50)
	assert {s["label"]: s["value"] for s in summary}["Under Appeal"] == 1
	_notice, name = appealed
	decide(name, "Upheld")
	_columns, rows, *_rest = penalty_summary(filters)
	assert (center_row(rows)["notices"], center_row(rows)["appeal_count"]) == (1, 0)


def test_signed_bulletin_shows_pending_and_the_next_one_the_correction(appealed, monkeypatch):
	notice, name = appealed
	first = weekly.make_penalty_bulletin(week_start(3))
	doc = frappe.get_doc(BULLETIN, first)
	doc.submit()
	row = center_row([r.as_dict() for r in doc.items])
	assert (row["notice_count"], row["amount"], row["appeal_count"], row["appeal_amount"]) == (1, 50, 1, 50)
	assert "pending" in frappe.get_print(BULLETIN, first, print_format="Penalty Bulletin")
	# execution of the signed bulletin leaves the notice under appeal
	frappe.set_user(EXECUTOR)
	execution.mark_bulletin_executed(first)
	frappe.set_user("Administrator")
	assert frappe.db.get_value(NOTICE, notice.name, "executed") == 0
	# decided in the following week: reduced to 20
	at(monkeypatch, get_datetime(add_days(week_start(2), 2)))
	decide(name, "Reduced", amount=20, reason="Half of the fault was the customer's.")
	second = weekly.make_penalty_bulletin(week_start(2))
	corrections = [r.as_dict() for r in frappe.get_doc(BULLETIN, second).corrections]
	assert [
		(c["department"], c["decision"], c["notice_count"], c["amount_before"], c["amount_after"])
		for c in corrections
	] == [(CENTER, "Reduced", 1, 50, 20)]
	html = frappe.get_print(BULLETIN, second, print_format="Penalty Bulletin")
	assert "Corrections" in html and "Reduced" in html
	# the signed bulletin is never edited
	signed = frappe.get_doc(BULLETIN, first)
	assert (signed.total_amount, center_row([r.as_dict() for r in signed.items])["appeal_count"]) == (50, 1)
	# a decision of the bulletin's own week on a notice of that week is no correction: the figures show it
	assert weekly.penalty_totals(week_start(3), add_days(week_start(3), 6))[0]["amount"] == 20
	assert [n.amount for n in live_notices(notice.complaint)] == [20]


def test_an_annulment_is_a_correction_to_zero(appealed, monkeypatch):
	_notice, name = appealed
	at(monkeypatch, get_datetime(add_days(week_start(1), 4)))
	decide(name, "Annulled")
	corrections = frappe.get_doc(BULLETIN, weekly.make_penalty_bulletin(week_start(1))).corrections
	assert [(c.decision, c.amount_before, c.amount_after) for c in corrections] == [("Annulled", 50, 0)]
	# nothing in the week before the decision
	assert not frappe.get_doc(BULLETIN, weekly.make_penalty_bulletin(week_start(2))).corrections
