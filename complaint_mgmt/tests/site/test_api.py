"""The closed loop through complaint_mgmt.api: every transition, its timestamps, records, inbox and clocks."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt import api
from complaint_mgmt.tests.site.api_setup import (
	DEPT_MGR,
	FINANCE,
	GOOD_ACTION,
	HANDLER,
	HANDLER2,
	MGR,
	OTHER,
	SALES,
	SPEC,
	as_user,
	call,
	complaint_at,
	recent,
	setup_people,
	snapshot,
)
from complaint_mgmt.tests.site.factories import make_complaint


@pytest.fixture(autouse=True)
def people():
	return setup_people()


def todos(complaint: str, user: str) -> list[dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Complaint", "reference_name": complaint, "allocated_to": user},
		fields=["name", "status"],
	)


def notifications(complaint: str, user: str) -> list[str]:
	return frappe.get_all(
		"Notification Log",
		filters={"document_type": "Complaint", "document_name": complaint, "for_user": user},
		pluck="subject",
	)


def records(complaint: str) -> list[dict]:
	return frappe.get_all(
		"Complaint Transfer Record",
		filters={"complaint": complaint},
		fields=["name", "department", "receiver", "status", "issued_by", "issued_on", "acknowledged_by",
				"acknowledged_on", "note"],
		order_by="creation asc",
	)  # fmt: skip


def test_full_loop_first_closure():
	received = now_datetime() - timedelta(hours=1)
	with as_user(SPEC):
		name = make_complaint(received_on=received).name

	start = now_datetime()
	doc = call(SPEC, api.transfer, name, SALES, note="Please call the customer today")
	assert (doc.status, doc.department, doc.receiver, doc.specialist) == ("Transferred", SALES, HANDLER, SPEC)
	assert recent(doc.transferred_on, start)
	[record] = records(name)
	assert (record.status, record.receiver, record.issued_by) == ("Issued", HANDLER, SPEC)
	assert record.note == "Please call the customer today" and recent(record.issued_on, start)
	assert [t.status for t in todos(name, HANDLER)] == ["Open"]
	assert any("transferred to you" in s for s in notifications(name, HANDLER))

	start = now_datetime()
	doc = call(HANDLER, api.acknowledge, name)
	assert doc.status == "Acknowledged" and recent(doc.acknowledged_on, start)
	[record] = records(name)
	assert (record.status, record.acknowledged_by) == ("Acknowledged", HANDLER)
	assert record.acknowledged_on == get_datetime(doc.acknowledged_on)
	# the acknowledge ToDo is done; the same receiver now holds the first reply's (complaint_mgmt/loop/inbox.py)
	assert sorted(t.status for t in todos(name, HANDLER)) == ["Closed", "Open"]
	assert doc.first_reply_due == get_datetime(doc.acknowledged_on) + timedelta(hours=24)
	assert any("acknowledged" in s for s in notifications(name, SPEC))

	start = now_datetime()
	doc = call(HANDLER, api.reply, name, "We will replace the part tomorrow.")
	first = get_datetime(doc.first_replied_on)
	assert doc.status == "Replied" and recent(first, start)
	doc = call(HANDLER, api.reply, name, "Part replaced.")
	assert get_datetime(doc.first_replied_on) == first
	assert [(r.content, r.replied_by) for r in doc.replies] == [
		("We will replace the part tomorrow.", HANDLER),
		("Part replaced.", HANDLER),
	]
	comments = frappe.get_all(
		"Comment", filters={"reference_name": name, "comment_type": "Comment"}, pluck="content"
	)
	assert any("Part replaced." in c for c in comments)

	start = now_datetime()
	doc = call(HANDLER, api.request_close, name, "Part replaced", "Wrong part shipped", GOOD_ACTION, 30)
	assert doc.status == "Close Requested" and recent(doc.close_requested_on, start)
	assert (doc.resolution, doc.root_cause, doc.corrective_action) == (
		"Part replaced",
		"Wrong part shipped",
		GOOD_ACTION,
	)
	assert doc.compensation_amount == 30
	assert doc.return_visit_due == get_datetime(doc.close_requested_on) + timedelta(hours=12)

	start = now_datetime()
	doc = call(SPEC, api.record_return_visit, name, True, "Customer happy")
	assert doc.status == "Return Visited" and recent(doc.return_visited_on, start)
	assert (doc.satisfied, doc.return_visit_notes) == (1, "Customer happy")

	start = now_datetime()
	front_desk = "cm-tier-0@example.com"  # a compensation of 30: the front-desk manager's tier (up to 50)
	doc = call(front_desk, api.approve_close, name)
	assert doc.status == "Closed" and recent(doc.closed_on, start)
	assert (doc.closure_type, doc.approved_by) == ("First Closure", front_desk)
	assert doc.close_due == received + timedelta(hours=72)


def test_second_closure_when_close_request_after_close_due():
	name = complaint_at("Return Visited", received_on=now_datetime() - timedelta(days=4))
	assert get_datetime(frappe.db.get_value("Complaint", name, "close_due")) < now_datetime()
	doc = call(MGR, api.approve_close, name)
	assert doc.closure_type == "Second Closure"
	assert frappe.db.count("ToDo", {"reference_name": name, "status": "Open"}) == 0  # nothing left to do


def test_not_satisfied_rejects_close_request_and_clocks_keep_running():
	received = now_datetime() - timedelta(hours=2)
	name = complaint_at("Close Requested", received_on=received)
	doc = call(SPEC, api.record_return_visit, name, False, "Still broken")
	assert doc.status == "Replied"
	assert (doc.close_requested_on, doc.return_visited_on, doc.satisfied) == (None, None, 0)
	assert doc.return_visit_due is None
	assert doc.close_due == received + timedelta(hours=72)
	assert any("not satisfied" in s for s in notifications(name, HANDLER))
	doc = call(HANDLER, api.request_close, name, "Replaced again", "Batch defect", GOOD_ACTION)
	assert doc.status == "Close Requested"


def test_retransfer_supersedes_and_keeps_the_earlier_record():
	name = complaint_at("Replied")
	first = frappe.db.get_value("Complaint", name, ["acknowledged_on", "first_replied_on"], as_dict=True)
	start = now_datetime()
	doc = call(SPEC, api.transfer, name, FINANCE)
	assert (doc.status, doc.department, doc.receiver) == ("Transferred", FINANCE, OTHER)
	assert [(r.department, r.status) for r in records(name)] == [
		(SALES, "Superseded"),
		(FINANCE, "Issued"),
	]
	# the superseded department's milestones stay on its record; the new department is timed from its own
	old = frappe.get_all(
		"Complaint Transfer Record",
		filters={"complaint": name, "department": SALES},
		fields=["acknowledged_on", "first_replied_on"],
	)[0]
	assert (old.acknowledged_on, old.first_replied_on) == (first.acknowledged_on, first.first_replied_on)
	assert (doc.acknowledged_on, doc.first_replied_on, doc.first_reply_due) == (None, None, None)
	assert doc.transfer_round == 1 and recent(doc.transfer_started_on, start)
	assert get_datetime(doc.transfer_due) == get_datetime(doc.transfer_started_on) + timedelta(hours=4)
	with pytest.raises(frappe.PermissionError):
		call(HANDLER, api.acknowledge, name)
	doc = call(OTHER, api.acknowledge, name)
	assert [r.status for r in records(name)] == ["Superseded", "Acknowledged"]
	# acknowledged; the first reply's ToDo is open
	assert sorted(t.status for t in todos(name, OTHER)) == ["Closed", "Open"]


def test_retransfer_cancels_the_open_todo():
	name = complaint_at("Transferred")
	call(SPEC, api.transfer, name, FINANCE)
	assert [t.status for t in todos(name, HANDLER)] == ["Cancelled"]
	assert [t.status for t in todos(name, OTHER)] == ["Open"]


def test_category_specific_receiver_first():
	name = make_complaint(category="Delivery").name
	assert call(SPEC, api.transfer, name, SALES).receiver == HANDLER2
	other = make_complaint(category="Staff Attitude").name
	assert call(SPEC, api.transfer, other, SALES).receiver == HANDLER


def test_explicit_receiver_must_be_member():
	name = make_complaint().name
	assert call(SPEC, api.transfer, name, SALES, receiver=HANDLER2).receiver == HANDLER2
	other = make_complaint().name
	with pytest.raises(frappe.ValidationError, match="not a receiver or member"):
		call(SPEC, api.transfer, other, SALES, receiver=OTHER)
	assert frappe.db.get_value("Complaint", other, "status") == "Registered"
	assert records(other) == []


def test_irrational_at_registration():
	name = make_complaint(grade="Irrational").name
	assert frappe.db.get_value("Complaint", name, "irrational_stage") == "First"
	with pytest.raises(frappe.ValidationError, match="Watch or Monitor"):
		call(SPEC, api.transfer, name, SALES)
	with pytest.raises(frappe.ValidationError, match="reason"):
		call(SPEC, api.transfer, name, SALES, follow_up_mode="Watch")
	assert frappe.db.get_value("Complaint", name, "status") == "Registered" and records(name) == []
	doc = call(SPEC, api.transfer, name, SALES, follow_up_mode="Watch", irrational_reason="Expects a new car")
	assert (doc.status, doc.irrational_stage, doc.follow_up_mode) == ("Transferred", "First", "Watch")
	assert (doc.transfer_due, doc.close_due) == (None, None)
	[record] = records(name)
	assert "Expects a new car" in record.note
	assert any("Irrational" in s for s in notifications(name, DEPT_MGR))


def test_deferral_makes_a_secondary_irrational_complaint_without_clocks():
	name = complaint_at("Replied")
	start = now_datetime()
	doc = call(HANDLER, api.request_deferral, name, "Waiting for the manufacturer's decision")
	assert doc.status == "Deferral Requested" and recent(doc.deferral_requested_on, start)
	assert doc.deferral_reason == "Waiting for the manufacturer's decision"
	doc = call(SPEC, api.approve_deferral, name, "Monitor")
	assert (doc.status, doc.irrational_stage, doc.follow_up_mode) == ("Deferred", "Secondary", "Monitor")
	assert (doc.transfer_due, doc.first_reply_due, doc.close_due, doc.return_visit_due) == (None,) * 4
	assert any("deferred" in s for s in notifications(name, DEPT_MGR))


def test_rejected_deferral_returns_to_the_previous_step():
	name = complaint_at("Acknowledged")
	call(HANDLER, api.request_deferral, name, "Customer abroad")
	doc = call(SPEC, api.reject_deferral, name, "Call the customer by phone")
	assert (doc.status, doc.deferral_requested_on) == ("Acknowledged", None)
	replied = complaint_at("Replied")
	call(HANDLER, api.request_deferral, replied, "Customer abroad")
	assert call(SPEC, api.reject_deferral, replied).status == "Replied"


def test_pause_and_resume_exclude_the_paused_time():
	received = now_datetime() - timedelta(hours=3)
	name = complaint_at("Transferred", received_on=received)
	doc = call(HANDLER, api.pause, name, "Customer on holiday")
	assert (doc.status, doc.status_before_pause) == ("Waiting on Customer", "Transferred")
	[row] = doc.pauses
	assert row.reason == "Customer on holiday" and row.resumed_on is None
	assert doc.transfer_due == received + timedelta(hours=4)  # kept while paused (no clock runs meanwhile)
	frappe.db.set_value("Complaint Pause", row.name, "paused_on", received + timedelta(hours=1))
	start = now_datetime()
	doc = call(SPEC, api.resume, name)
	assert (doc.status, doc.status_before_pause) == ("Transferred", None)
	assert recent(doc.pauses[0].resumed_on, start)
	paused = get_datetime(doc.pauses[0].resumed_on) - (received + timedelta(hours=1))
	assert doc.transfer_due == received + timedelta(hours=4) + paused


def test_repeat_complaint_is_flagged_and_listed():
	first = make_complaint(contact_phone="+86-139-1111").name
	second = make_complaint(contact_phone="+86-139-1111")
	assert second.is_repeat == 1
	with as_user(SPEC):
		assert [r.name for r in api.earlier_complaints(second.name)] == [first]
	assert make_complaint(contact_phone="+86-139-1111", category="Delivery").is_repeat == 0


def test_handling_document_print_format():
	name = complaint_at("Replied")
	call(SPEC, api.transfer, name, FINANCE, note="Billing error")
	html = frappe.get_print("Complaint", name, "Complaint Handling Document")
	assert "Complaint Handling Document" in html  # in the user's language (zh: test_desk_defaults.py)
	assert "We are replacing the part." in html and "Billing error" in html
	assert SALES in html and FINANCE in html and "Superseded" in html
	# the whole history: every step with its instant; user text stays inert (Frappe escapes it on save)
	steps = frappe.get_doc("Complaint", name).steps
	assert [s.action for s in steps] == ["Transfer", "Acknowledge", "Reply", "Transfer"]
	assert all(frappe.utils.format_datetime(s.done_on) in html for s in steps)
	call(OTHER, api.acknowledge, name)
	call(OTHER, api.reply, name, "<script>alert(1)</script> checked")
	html = frappe.get_print("Complaint", name, "Complaint Handling Document")
	assert "<script>alert(1)</script>" not in html and "alert(1)" in html


def test_a_reply_can_be_shown_to_the_customer():
	name = complaint_at("Acknowledged")
	call(HANDLER, api.reply, name, "Internal: the courier lost it.")
	call(HANDLER, api.reply, name, "We are sending a new one today.", visible_to_customer=True)
	rows = frappe.get_all(
		"Complaint Reply",
		filters={"parent": name, "parenttype": "Complaint"},
		fields=["content", "visible_to_customer"],
		order_by="idx asc",
	)
	assert [(r.content, r.visible_to_customer) for r in rows] == [
		("Internal: the courier lost it.", 0),
		("We are sending a new one today.", 1),
	]
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError):
		call(HANDLER, api.reply, name, "Again", visible_to_customer=2)  # neither yes nor no
	assert snapshot(name) == before
