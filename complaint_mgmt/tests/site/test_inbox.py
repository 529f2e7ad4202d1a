"""The ERP inbox drives the loop: after every step exactly the next actor holds the complaint's open ToDo,
dated by that step's deadline; approvers, the service center (web form), the general manager and the
executors get theirs too. Plus what the form and the Transfer dialog read: form_status and receiver_query."""

import json
import re
from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime, getdate, now_datetime
from frappe.website.doctype.web_form.web_form import accept

from complaint_mgmt import api
from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import inbox
from complaint_mgmt.outputs import execution
from complaint_mgmt.setup.seed import SERVICE_CENTER
from complaint_mgmt.tests.site.api_setup import (
	GM,
	GOOD_ACTION,
	HANDLER,
	MGR,
	OTHER,
	SALES,
	SPEC,
	as_user,
	call,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint, make_user


@pytest.fixture
def people():
	return setup_people()


def open_todos(name: str, doctype: str = "Complaint") -> list[frappe._dict]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "status": "Open"},
		fields=["allocated_to", "description", "date", "priority"],
		order_by="allocated_to asc",
	)


def holders(name: str, doctype: str = "Complaint") -> list[str]:
	return [t.allocated_to for t in open_todos(name, doctype)]


def the_todo(name: str) -> frappe._dict:
	todos = open_todos(name)
	assert len(todos) == 1, todos
	return todos[0]


def registered(**kw) -> str:
	with as_user(SPEC):
		return make_complaint(**kw).name


def test_the_whole_loop_keeps_one_todo_for_whoever_acts_next(people):
	name = registered()
	assert the_todo(name).allocated_to == SPEC  # the specialist who registered it transfers it
	call(SPEC, api.transfer, name, SALES)
	todo, doc = the_todo(name), frappe.get_doc("Complaint", name)
	assert (todo.allocated_to, todo.description) == (HANDLER, inbox.task_text("acknowledge", name))
	assert getdate(todo.date) == get_datetime(doc.transfer_due).date()
	assert todo.priority == "Medium"

	call(HANDLER, api.acknowledge, name)
	todo, doc = the_todo(name), frappe.get_doc("Complaint", name)
	assert (todo.allocated_to, todo.description) == (HANDLER, inbox.task_text("first_reply", name))
	assert getdate(todo.date) == get_datetime(doc.first_reply_due).date()

	call(HANDLER, api.reply, name, "We are replacing the part.")
	assert the_todo(name).description == inbox.task_text("request_close", name)
	call(HANDLER, api.request_close, name, "Part replaced", "Wrong part shipped", GOOD_ACTION)
	todo, doc = the_todo(name), frappe.get_doc("Complaint", name)
	assert (todo.allocated_to, todo.description) == (SPEC, inbox.task_text("return_visit", name))
	assert getdate(todo.date) == get_datetime(doc.return_visit_due).date()

	call(SPEC, api.record_return_visit, name, True, "Happy")
	approvers = holders(name)
	assert MGR in approvers  # no compensation: the Complaint Manager approves
	assert all("Complaint Manager" in frappe.get_roles(u) for u in approvers)
	assert {t.description for t in open_todos(name)} == {inbox.task_text("approve", name)}
	assert frappe.db.exists(
		"Notification Log",
		{"for_user": MGR, "document_name": name, "subject": inbox.task_text("approve", name)},
	)

	call(MGR, api.approve_close, name)
	assert open_todos(name) == []
	closed = frappe.get_all(
		"ToDo", filters={"reference_name": name, "status": "Closed"}, pluck="allocated_to"
	)
	assert {SPEC, HANDLER, MGR} <= set(closed)


def test_a_rejected_closure_goes_back_to_the_department_with_the_reason(people):
	name = registered()
	call(SPEC, api.transfer, name, SALES)
	call(HANDLER, api.acknowledge, name)
	call(HANDLER, api.reply, name, "Replacing it.")
	call(HANDLER, api.request_close, name, "Part replaced", "Wrong part", GOOD_ACTION)
	call(SPEC, api.record_return_visit, name, True, "Happy")
	call(MGR, api.reject_closure, name, "Ask the customer about the second unit too")
	todo = the_todo(name)
	assert (todo.allocated_to, todo.description) == (HANDLER, inbox.task_text("close_again_rejected", name))
	call(HANDLER, api.request_close, name, "Both replaced", "Wrong part", GOOD_ACTION)
	call(SPEC, api.record_return_visit, name, False, "Still broken")
	assert the_todo(name).description == inbox.task_text("close_again_not_satisfied", name)


def test_deferral_review_and_rejection(people):
	name = registered()
	call(SPEC, api.transfer, name, SALES)
	call(HANDLER, api.acknowledge, name)
	call(HANDLER, api.request_deferral, name, "Waiting for the manufacturer's analysis")
	todo = the_todo(name)
	assert (todo.allocated_to, todo.description) == (SPEC, inbox.task_text("review_deferral", name))
	call(SPEC, api.reject_deferral, name, "Reply to the customer first")
	assert the_todo(name).description == inbox.task_text("deferral_rejected", name)
	call(HANDLER, api.request_deferral, name, "Still waiting for the analysis")
	call(SPEC, api.approve_deferral, name, "Watch")
	assert open_todos(name) == []


def test_a_pause_hands_the_complaint_to_the_service_center_and_resume_back(people):
	name = registered()
	call(SPEC, api.transfer, name, SALES)
	call(HANDLER, api.pause, name, "The customer is abroad")
	assert (the_todo(name).allocated_to, the_todo(name).description) == (
		SPEC,
		inbox.task_text("resume", name),
	)
	call(SPEC, api.resume, name)
	assert the_todo(name).description == inbox.task_text("acknowledge", name)


def test_external_complaints_are_high_priority(people):
	name = registered(channel="Media")
	assert the_todo(name).priority == "High"


def test_a_breach_makes_the_todo_high_and_the_sla_overdue(people):
	name = registered(received_on=now_datetime() - timedelta(minutes=5))
	call(SPEC, api.transfer, name, SALES)
	doc = frappe.get_doc("Complaint", name)
	assert (doc.sla_status, the_todo(name).priority) == ("On Time", "Medium")
	deadlines.run_sweep(now=get_datetime(doc.transfer_due) - timedelta(minutes=10))  # the 80 % warning
	assert frappe.db.get_value("Complaint", name, "sla_status") == "Due Soon"
	deadlines.run_sweep(now=get_datetime(doc.transfer_due) + timedelta(seconds=1))
	assert frappe.db.get_value("Complaint", name, "sla_status") == "Overdue"
	assert the_todo(name).priority == "High"


def test_a_web_form_complaint_lands_in_the_service_center_receivers_inbox(people, monkeypatch):
	desk = make_user("cm-intake-spec@example.com", "Complaint Specialist")
	center = frappe.get_doc("Complaint Department", SERVICE_CENTER)
	center.append("members", {"user": desk})
	center.append("receivers", {"user": desk, "is_default": 1})
	center.save()
	monkeypatch.setattr(frappe.local, "request", None, raising=False)  # no HTTP request: no rate limit
	form = {"customer_name": "Web Customer", "contact_email": "web@example.com", "category": "Delivery"}
	try:
		with as_user("Guest"):
			name = accept(
				"complaint", json.dumps({**form, "description": "The sofa arrived scratched."})
			).name
	finally:
		frappe.flags.in_web_form = False
		frappe.flags.web_form_doc = None
	todo = the_todo(name)
	assert (todo.allocated_to, todo.description) == (desk, inbox.task_text("transfer", name))
	assert frappe.db.exists("Notification Log", {"for_user": desk, "document_name": name})


def test_the_bulletin_waits_for_the_gm_then_for_the_executor(people):
	executor = make_user("cm-inbox-executor@example.com", "Complaint Penalty Executor")
	notice = frappe.get_doc(
		{
			"doctype": "Complaint Penalty Notice",
			"complaint": registered(),
			"department": SALES,
			"breach_type": "Transfer",
			"period": 1,
			"grade": "General",
			"amount": 50,
			"due_on": now_datetime() - timedelta(days=8),
			"issued_on": now_datetime() - timedelta(days=7),
		}
	)
	notice.flags.procedure_action = True
	notice.insert(ignore_permissions=True)
	notice.submit()
	from complaint_mgmt.outputs.weekly import make_penalty_bulletin, previous_week_start

	start = previous_week_start(getdate(notice.issued_on) + timedelta(days=7))
	bulletin = make_penalty_bulletin(start)
	assert GM in holders(bulletin, "Complaint Penalty Bulletin")
	assert executor not in holders(bulletin, "Complaint Penalty Bulletin")
	frappe.get_doc("Complaint Penalty Bulletin", bulletin).submit()
	after_signing = holders(bulletin, "Complaint Penalty Bulletin")
	assert executor in after_signing and GM not in after_signing
	with as_user(executor):
		execution.mark_executed(notice.name)
	assert holders(bulletin, "Complaint Penalty Bulletin") == []


def test_form_status_shows_the_running_clock(people):
	name = registered(received_on=now_datetime() - timedelta(minutes=5))
	call(SPEC, api.transfer, name, SALES)
	status = call(HANDLER, api.form_status, name)
	assert [c["clock"] for c in status.clocks] == ["Transfer", "Close"]
	transfer = status.clocks[0]
	assert not transfer["overdue"]
	assert transfer["text"].startswith("Transfer due in 3 h 5")  # 4 h General, 5 min gone
	# whose turn, named for every reader (the specialist too): Sales' receiver, the step and the time left
	full_name = frappe.db.get_value("User", HANDLER, "full_name")
	for reader in (HANDLER, SPEC):
		turn = call(reader, api.form_status, name).whose_turn
		assert turn["holders"] == [full_name] and turn["department"] == SALES
		assert re.fullmatch(
			rf"Waiting for {re.escape(full_name)} of {SALES} to acknowledge the transfer · 3 h 5\d min left",
			turn["text"],
		), turn["text"]
	assert status.next_step == turn["text"]
	# the actions the server accepts from each: the receiver acknowledges, the specialist may not
	assert "Acknowledge" in status.actions
	assert "Acknowledge" not in call(SPEC, api.form_status, name).actions
	with pytest.raises(frappe.PermissionError):
		call(OTHER, api.form_status, name)  # another department's handler reads nothing


def test_form_status_says_overdue(people):
	name = registered(received_on=now_datetime() - timedelta(hours=6))
	call(SPEC, api.transfer, name, SALES)
	transfer = call(HANDLER, api.form_status, name).clocks[0]
	assert transfer["overdue"] and transfer["text"].startswith("Transfer overdue by 2 h")


def test_receiver_query_offers_only_the_departments_people(people):
	rows = call(
		SPEC, lambda: {"rows": api.receiver_query("User", "", "name", 0, 20, {"department": SALES})}
	).rows
	offered = {row[0] for row in rows}
	assert HANDLER in offered and OTHER not in offered and SPEC not in offered
	assert rows[0][2] == "Receiver"
	with as_user(SPEC):
		assert api.receiver_query("User", "", "name", 0, 20, {"department": "No Such Dept"}) == []
	with as_user(HANDLER), pytest.raises(frappe.PermissionError):
		api.receiver_query("User", "", "name", 0, 20, {"department": SALES})


def test_the_todo_speaks_its_holders_language(people):
	frappe.db.set_value("User", HANDLER, "language", "zh")
	name = registered()
	call(SPEC, api.transfer, name, SALES)  # the specialist works in English
	todo = the_todo(name)
	assert todo.description == f"客户抱怨 {name} 已移交给您：请签收。"
	notice = frappe.get_all(
		"Notification Log", filters={"for_user": HANDLER, "document_name": name}, pluck="subject"
	)
	assert notice  # the transfer's own notification
	call(SPEC, api.pause, name, "The customer is abroad")
	call(SPEC, api.resume, name)
	assert the_todo(name).description == todo.description  # the same step: a ToDo in zh again


# Issue 17 item 7: a step whose actor resolves to nobody still lands in an inbox ---------------------------------


def bare_service_center(members=()) -> None:
	"""The service center with `members` only: no receiver, no manager."""
	center = frappe.get_doc("Complaint Department", SERVICE_CENTER)
	center.manager = None
	center.set("receivers", [])
	center.set("members", [{"user": user} for user in members])
	center.save()


def test_a_complaint_registered_by_administrator_goes_to_the_service_centers_members(people):
	member = make_user("cm-center-member@example.com", "Complaint Specialist")
	bare_service_center([member])
	name = make_complaint().name  # as Administrator: no specialist, no registering specialist
	todo = the_todo(name)
	assert (todo.allocated_to, todo.description) == (member, inbox.task_text("transfer", name))


def test_without_anyone_at_the_service_center_the_specialists_get_it(people):
	bare_service_center()
	name = make_complaint().name
	specialists = set(
		frappe.get_all(
			"Has Role",
			filters={
				"role": "Complaint Specialist",
				"parenttype": "User",
				"parent": ("not in", ["Administrator"]),
			},
			pluck="parent",
		)
	)
	enabled = set(
		frappe.get_all("User", filters={"name": ("in", list(specialists)), "enabled": 1}, pluck="name")
	)
	assert SPEC in enabled
	assert set(holders(name)) == enabled
	assert {t.description for t in open_todos(name)} == {inbox.task_text("transfer", name)}


def test_a_paused_complaint_of_administrator_goes_back_to_the_service_center(people):
	member = make_user("cm-center-member@example.com", "Complaint Specialist")
	bare_service_center([member])
	name = make_complaint().name
	call(SPEC, api.transfer, name, SALES)
	call(HANDLER, api.acknowledge, name)
	call(
		HANDLER, api.pause, name, "Customer abroad"
	)  # waits on the service center: its specialist is Administrator
	assert holders(name) == [member]
	assert the_todo(name).description == inbox.task_text("resume", name)


def test_the_department_form_warns_when_nobody_receives(people):
	def saved_messages(doc) -> list[str]:
		frappe.local.message_log = []
		doc.save()
		return [
			json.loads(m).get("message", "") if isinstance(m, str) else m.get("message", "")
			for m in frappe.local.message_log
		]

	dept = frappe.get_doc("Complaint Department", SALES)
	assert not [m for m in saved_messages(dept) if "no receiver and no manager" in m]
	dept.manager = None
	dept.set("receivers", [])
	messages = saved_messages(dept)  # saved all the same: a warning, not a refusal
	assert [m for m in messages if "no receiver and no manager" in m], messages
	assert not frappe.db.get_value("Complaint Department", SALES, "manager")
