"""The procedure's clocks end to end through the API with pinned action times (issue 9, items 1, 2, 3, 6, 8, 10,
14): the exact notices issued, the report rows, the step log."""

from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import get_datetime

from complaint_mgmt import api
from complaint_mgmt.complaint_mgmt.report.overdue_complaints import overdue_complaints
from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import steps
from complaint_mgmt.tests.site.api_setup import (
	FINANCE,
	GOOD_ACTION,
	HANDLER,
	MGR,
	OTHER,
	SALES,
	SPEC,
	call,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint
from complaint_mgmt.tests.site.test_deadlines import notices as deadline_notices

R = datetime(2026, 1, 5, 9, 0)  # a Monday in the past
H = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def people():
	return setup_people()


@pytest.fixture
def at(monkeypatch):
	"""Pin the instant the actions record: ``at(R + 3 * H)``."""

	def pin(instant: datetime) -> None:
		monkeypatch.setattr(steps, "now", lambda: instant)

	return pin


def notices(complaint: str) -> list[tuple]:
	"""(breach type, period, department) of the complaint's notices, in due order."""
	return [(row[0], row[1], row[4]) for row in deadline_notices(complaint)]


def acknowledged(at, received=R) -> str:
	name = make_complaint(received_on=received).name
	at(received + H)
	call(SPEC, api.transfer, name, SALES)
	at(received + 3 * H)
	call(HANDLER, api.acknowledge, name)
	return name


def test_escalation_issues_no_retroactive_notice(at):
	"""The issue's example: acknowledged after 3 h, first answered 16 h later (both in time for General); the
	close breach escalates to Medium; the next save and sweeps issue the Close notice only."""
	name = acknowledged(at)
	at(R + 19 * H)
	call(HANDLER, api.reply, name, "We are checking the delivery")
	deadlines.run_sweep(now=R + 72 * H)
	assert frappe.db.get_value("Complaint", name, "grade") == "Medium"
	at(R + 75 * H)
	call(HANDLER, api.reply, name, "Still checking")  # a save under the new grade
	deadlines.run_sweep(now=R + 80 * H)
	assert notices(name) == [("Close", 0, SALES)]
	doc = frappe.get_doc("Complaint", name)
	assert get_datetime(doc.transfer_due) == R + 4 * H  # General's deadlines stay
	assert get_datetime(doc.first_reply_due) == R + 27 * H


def test_regrade_by_hand_issues_no_retroactive_notice(at):
	name = acknowledged(at)
	at(R + 19 * H)
	call(HANDLER, api.reply, name, "We are checking the delivery")
	at(R + 20 * H)
	call(SPEC, api.regrade, name, "Customer went to the press", grade="Strong")
	deadlines.run_sweep(now=R + 60 * H)
	assert notices(name) == []


def test_time_waiting_on_the_customer_does_not_count_towards_monthly_repeats(at):
	name = acknowledged(at)
	at(R + 10 * H)
	call(HANDLER, api.reply, name, "Offer sent")
	deadlines.run_sweep(now=R + 72 * H)  # the close breach
	at(R + 73 * H)
	call(HANDLER, api.pause, name, "Customer abroad for 45 days")
	at(R + 73 * H + 45 * DAY)
	call(SPEC, api.resume, name)
	deadlines.run_sweep(now=R + 72 * H + 50 * DAY)
	assert [n[:2] for n in notices(name)] == [("Close", 0)]
	deadlines.run_sweep(now=R + 72 * H + 75 * DAY)  # 30 unpaused days after the breach
	assert [n[:2] for n in notices(name)] == [("Close", 0), ("Monthly Repeat", 1)]


def test_each_close_request_has_its_own_return_visit_clock(at):
	name = acknowledged(at)
	at(R + 5 * H)
	call(HANDLER, api.reply, name, "Replaced")
	at(R + 6 * H)
	call(HANDLER, api.request_close, name, "Replaced", "Wrong part", GOOD_ACTION)
	deadlines.run_sweep(now=R + 18 * H)  # 12 h without a return visit
	at(R + 20 * H)
	doc = call(SPEC, api.record_return_visit, name, False, "Still broken")
	assert (doc.return_visit_due, doc.return_visit_breached, doc.close_request_cycle) == (None, 0, 1)
	at(R + 30 * H)
	doc = call(HANDLER, api.request_close, name, "Replaced again", "Wrong part", GOOD_ACTION)
	assert get_datetime(doc.return_visit_due) == R + 42 * H
	deadlines.run_sweep(now=R + 41 * H)
	assert [n[:2] for n in notices(name)] == [("Return Visit", 0)]
	deadlines.run_sweep(now=R + 42 * H)
	assert [n[:2] for n in notices(name)] == [("Return Visit", 0), ("Return Visit", 1)]


def test_a_retransfer_times_the_new_department_and_penalises_the_late_one(at):
	name = make_complaint(received_on=R).name
	at(R + H)
	call(SPEC, api.transfer, name, SALES)
	deadlines.run_sweep(now=R + 4 * H)  # Sales did not sign in time
	at(R + 5 * H)
	call(SPEC, api.transfer, name, FINANCE)  # the new department's clock starts with its record
	deadlines.run_sweep(now=R + 8 * H)
	assert notices(name) == [("Transfer", 0, SALES)]
	deadlines.run_sweep(now=R + 9 * H)
	assert notices(name) == [("Transfer", 0, SALES), ("Transfer", 1, FINANCE)]
	at(R + 10 * H)
	call(OTHER, api.acknowledge, name)
	doc = frappe.get_doc("Complaint", name)
	assert get_datetime(doc.first_reply_due) == R + 34 * H


def test_a_pending_deferral_is_not_overdue_in_the_reports_nor_for_the_sweep(at):
	name = acknowledged(at)
	at(R + 5 * H)
	call(HANDLER, api.reply, name, "Asked the manufacturer")
	at(R + 70 * H)
	call(HANDLER, api.request_deferral, name, "Waiting for the manufacturer")
	now = R + 80 * H
	deadlines.run_sweep(now=now)
	assert notices(name) == []
	filters = {"from_date": R.date(), "to_date": R.date()}
	rows = overdue_complaints.get_rows(frappe._dict(filters), now)
	assert name not in [row["complaint"] for row in rows]


def test_a_deferred_complaint_can_still_be_closed(at):
	name = acknowledged(at)
	at(R + 5 * H)
	call(HANDLER, api.request_deferral, name, "Needs a part from abroad")
	at(R + 6 * H)
	doc = call(SPEC, api.approve_deferral, name, "Watch")
	assert (doc.status, get_datetime(doc.deferral_approved_on)) == ("Deferred", R + 6 * H)
	at(R + 100 * H)  # after the original closing deadline
	call(HANDLER, api.request_close, name, "Part fitted", "Supplier delay", GOOD_ACTION)
	at(R + 101 * H)
	call(SPEC, api.record_return_visit, name, True, "Happy")
	at(R + 102 * H)
	doc = call(MGR, api.approve_close, name)
	assert (doc.status, doc.closure_type) == ("Closed", "Second Closure")
	deadlines.run_sweep(now=R + 200 * H)
	assert notices(name) == []


def test_the_approver_can_reject_a_closure_and_the_clocks_keep_running(at):
	name = acknowledged(at)
	at(R + 5 * H)
	call(HANDLER, api.reply, name, "Replaced")
	at(R + 6 * H)
	call(HANDLER, api.request_close, name, "Replaced", "Wrong part", GOOD_ACTION)
	at(R + 7 * H)
	call(SPEC, api.record_return_visit, name, True, "Fine")
	with pytest.raises(frappe.ValidationError):
		call(MGR, api.reject_closure, name, " ")
	at(R + 8 * H)
	doc = call(MGR, api.reject_closure, name, "The root cause is not the real one")
	assert (doc.status, doc.close_requested_on, doc.close_request_cycle) == ("Replied", None, 1)
	assert "The root cause is not the real one" in frappe.get_all(
		"Notification Log", filters={"document_name": name, "for_user": HANDLER}, pluck="email_content"
	)
	deadlines.run_sweep(now=R + 72 * H)
	assert [n[:2] for n in notices(name)] == [("Close", 0)]


def test_every_step_is_logged_with_its_timestamp(at):
	name = acknowledged(at)
	at(R + 5 * H)
	call(HANDLER, api.reply, name, "Replaced")
	at(R + 6 * H)
	call(HANDLER, api.request_close, name, "Replaced", "Wrong part", GOOD_ACTION)
	at(R + 7 * H)
	call(SPEC, api.record_return_visit, name, False, "Still broken")
	steps = frappe.get_doc("Complaint", name).steps
	assert [(s.action, get_datetime(s.done_on), s.done_by) for s in steps] == [
		("Transfer", R + H, SPEC),
		("Acknowledge", R + 3 * H, HANDLER),
		("Reply", R + 5 * H, HANDLER),
		("Request Close", R + 6 * H, HANDLER),
		("Reject Close", R + 7 * H, SPEC),
	]
	assert steps[-1].note == "Still broken"
	with pytest.raises(frappe.ValidationError):  # the log is the actions' only
		doc = frappe.get_doc("Complaint", name)
		doc.steps[0].note = "rewritten"
		doc.save()
