"""The whole loop clicked through the desk, each step by the user whose turn it is (the tests run in order and
share the complaint): register, transfer, acknowledge from the ToDo inbox, reply, a refused vague close
request and the corrected one, return visit, approval from the approver's inbox; then the list's stage
colours and SLA column, and what a handler of another department sees of it (nothing)."""

import re

import frappe
import pytest
from playwright.sync_api import expect

from complaint_mgmt.tests.browser.desk import DIALOG
from complaint_mgmt.tests.browser.seed import COMPENSATION, DEPT_A, GOOD_ACTION, MARK, only

CUSTOMER = "Loop" + MARK + " Wang"
VAGUE_ACTION = "Strengthen staff training"
BREACH_FLAGS = ("transfer_breached", "first_reply_breached", "close_breached", "return_visit_breached")
SLA_STATES = ("On Time", "Due Soon", "Overdue", "Paused", "Met", "Missed")
# filled by the tests in order
LOOP = {}


def open_todos(db, name: str) -> list[str]:
	db.rollback()
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "Complaint", "reference_name": name, "status": "Open"},
		pluck="allocated_to",
	)


def inbox_entry(db, name: str, user: str) -> str:
	"""The one open ToDo of `user` for the complaint (the lead's inbox: one per step for whoever acts)."""
	todos = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": "Complaint",
			"reference_name": name,
			"status": "Open",
			"allocated_to": user,
		},
		pluck="name",
	)
	assert len(todos) == 1, f"{user} should have exactly one open ToDo for {name}, has {todos}"
	return todos[0]


def complaint(name: str) -> frappe._dict:
	frappe.db.rollback()
	return frappe.db.get_value(
		"Complaint",
		name,
		["status", "department", "receiver", "corrective_action", "approved_by", "closure_type"],
		as_dict=True,
	)


def loop_name() -> str:
	if "name" not in LOOP:
		pytest.fail("the complaint was not registered (an earlier step of the loop failed)")
	return LOOP["name"]


def test_specialist_registers_a_complaint(desk, db):
	desk.login("specialist")
	desk.goto("/app/complaint/new")
	desk.page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Complaint' && cur_frm.is_new()")
	desk.fill("customer_name", CUSTOMER)
	desk.fill("contact_email", "loop-brw@customer.example.net")
	desk.fill("description", "The washing machine leaks after the repair" + MARK)
	links = {"category": "Product Quality", "grade": "General"}
	for field, value in links.items():
		desk.pick_link(field, value)
	desk.settle_links(links)
	desk.save()
	desk.page.wait_for_url(re.compile(r"/app/complaint/CMP-"))
	desk.page.wait_for_function("() => window.cur_frm && !cur_frm.is_new() && !cur_frm.is_dirty()")
	name = desk.doc_value("name")
	LOOP["name"] = name
	assert complaint(name).status == "Registered"
	expect(desk.page.locator(".page-head .indicator-pill:visible").first).to_contain_text("Registered")
	# the next step waits in the specialist's own inbox
	assert open_todos(db, name) == [desk.data.users["specialist"]]


def test_transfer_dialog_offers_only_the_department(desk, db):
	name = loop_name()
	desk.open_form("complaint", name)
	desk.action("Transfer")
	dialog = desk.dialog()
	expect(dialog.locator(".modal-title")).to_have_text("Transfer")
	desk.pick_link("department", DEPT_A, scope=DIALOG)
	users = desk.data.users
	offered = "\n".join(desk.link_options("receiver", "browser-probe", scope=DIALOG))
	assert users["handler_a"] in offered and users["member_a"] in offered, offered
	# the lead's server query on the receiver field: only the chosen department's receivers and members
	for outsider in (users["outsider"], users["handler_b"], users["specialist"]):
		assert outsider not in offered, (
			f"{outsider} is no member of {DEPT_A} but the receiver field offers it"
		)
	desk.input("receiver", DIALOG).fill("")
	desk.fill("note", "Please check the seal" + MARK, scope=DIALOG)
	desk.settle_links({"department": DEPT_A}, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Transferred")
	expect(desk.page.locator(DIALOG)).to_have_count(0)
	row = complaint(name)
	assert (row.status, row.department, row.receiver) == ("Transferred", DEPT_A, users["handler_a"])


def test_receiver_acknowledges_from_the_inbox(desk, db):
	name = loop_name()
	assert open_todos(db, name) == [desk.data.users["handler_a"]]
	todo = inbox_entry(db, name, desk.data.users["handler_a"])
	desk.login("handler_a")
	desk.open_list("todo")
	expect(desk.page.locator(f'button.btn-action[data-name="{todo}"]')).to_be_visible()
	desk.screenshot("inbox-handler-en")
	desk.open_todo(todo)
	desk.wait_form(name)
	acknowledge = lambda: (desk.action("Acknowledge"), desk.confirm())  # noqa: E731
	acknowledge()
	desk.wait_doc("status", "Acknowledged", retry=acknowledge)
	assert complaint(name).status == "Acknowledged"


def test_form_shows_the_running_clock(desk):
	"""The lead's clock: `.cm-clock` in the form dashboard's headline ("First reply due in 23 h 59 min")."""
	name = loop_name()
	desk.open_form("complaint", name)
	clock = desk.page.locator(".form-dashboard .cm-clock, .cm-clock").first
	expect(clock).to_be_visible()
	expect(clock).to_have_text(re.compile(r"(due in|overdue by)\s+\d", re.I))
	desk.screenshot("form-clock-en")


def test_receiver_replies(desk):
	name = loop_name()
	desk.action("Reply")
	expect(desk.dialog().locator(".modal-title")).to_have_text("Reply")
	desk.fill("content", "We will replace the seal on Friday" + MARK, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Replied")
	assert complaint(name).status == "Replied"


def test_vague_close_request_is_refused_and_keeps_the_dialog(desk, db):
	name = loop_name()
	desk.action("Request Close")
	expect(desk.dialog().locator(".modal-title")).to_have_text("Request Close")
	desk.fill("resolution", "Seal replaced" + MARK, scope=DIALOG)
	desk.fill("root_cause", "A worn door seal", scope=DIALOG)
	desk.fill("corrective_action", VAGUE_ACTION, scope=DIALOG)
	desk.fill("compensation_amount", str(COMPENSATION), scope=DIALOG)
	desk.dialog_primary()
	message = desk.close_message()
	assert re.search(r"concrete|generic|vague|slogan", message, re.I), message
	# the dialog is still open with what was typed; nothing changed
	dialog = desk.dialog()
	expect(dialog.locator(".modal-title")).to_have_text("Request Close")
	box = desk.input("corrective_action", DIALOG)
	expect(box).to_have_value(VAGUE_ACTION)
	assert complaint(name).status == "Replied"
	box.fill(GOOD_ACTION)
	desk.dialog_primary()
	desk.wait_doc("status", "Close Requested")
	expect(desk.page.locator(DIALOG)).to_have_count(0)
	row = complaint(name)
	assert (row.status, row.corrective_action) == ("Close Requested", GOOD_ACTION)


def test_specialist_records_the_return_visit_from_the_inbox(desk, db):
	name = loop_name()
	assert open_todos(db, name) == [desk.data.users["specialist"]]
	todo = inbox_entry(db, name, desk.data.users["specialist"])
	desk.login("specialist")
	desk.open_todo(todo)
	desk.wait_form(name)
	desk.action("Record Return Visit")
	desk.fill("notes", "Customer satisfied with the new seal" + MARK, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Return Visited")
	assert complaint(name).status == "Return Visited"


def test_approver_of_the_tier_approves_from_the_inbox(desk, db):
	name = loop_name()
	approver = desk.data.users["approver"]
	allocated = open_todos(db, name)
	assert approver in allocated
	for user in allocated:  # only users who may approve a compensation of 30 get the task
		assert "Complaint Front Desk Manager" in frappe.get_roles(user), (user, allocated)
	todo = inbox_entry(db, name, approver)
	desk.login("approver")
	desk.open_list("todo")
	expect(desk.page.locator(f'button.btn-action[data-name="{todo}"]')).to_be_visible()
	desk.screenshot("inbox-approver-en")
	desk.open_todo(todo)
	desk.wait_form(name)
	approve = lambda: (desk.action("Approve Close"), desk.confirm())  # noqa: E731
	approve()
	desk.wait_doc("status", "Closed", retry=approve)
	row = complaint(name)
	assert (row.status, row.approved_by, row.closure_type) == ("Closed", approver, "First Closure")
	assert open_todos(db, name) == []  # nobody has to act any more


def test_list_shows_stage_colours_and_sla(desk, db):
	data = desk.data
	expected = {
		loop_name(): "Closed",
		data.running: "Acknowledged",
		data.awaiting_approval: "Return Visited",
		data.overdue: "Registered",
	}
	desk.login("specialist")
	desk.open_list("complaint", only(expected))
	expect(desk.page.locator(".frappe-list .list-row-container")).to_have_count(len(expected))
	head = desk.page.locator(".frappe-list .list-row-head").first
	expect(head).to_contain_text("SLA")
	fields = [
		"name",
		"status",
		"sla_status",
		"close_request_cycle",
		"is_external",
		"is_repeat",
		*BREACH_FLAGS,
	]
	colours = {}
	for name, status in expected.items():
		row = desk.page.locator(f'.list-row-container:has([data-name="{name}"])').first
		expect(row).to_be_visible()
		doc = frappe.db.get_value("Complaint", name, fields, as_dict=True)
		assert doc.status == status
		# the colour the list's own get_indicator gives this stage (red once a clock is breached)
		label, colour = desk.page.evaluate(
			"(d) => frappe.listview_settings.Complaint.get_indicator(d).slice(0, 2)", doc
		)
		pill = row.locator('.indicator-pill[data-filter^="status,"]:visible').first
		expect(pill).to_have_text(re.compile(re.escape(label)))
		expect(pill).to_have_class(re.compile(rf"\b{colour}\b"))
		colours[status] = colour
		# the SLA column (the lead's sla_status): a coloured pill of its own
		assert doc.sla_status in SLA_STATES, f"{name} has no SLA state ({doc.sla_status!r})"
		sla = row.locator(".indicator-pill.cm-sla:visible").first
		expect(sla).to_have_text(doc.sla_status)
		expect(sla).not_to_have_class(re.compile(r"\bgray\b"))
	assert len(set(colours.values())) == len(colours), f"stages share a colour: {colours}"
	assert colours["Registered"] == "red"  # the overdue complaint: its transfer clock is breached
	assert frappe.db.get_value("Complaint", data.overdue, "sla_status") == "Overdue"
	desk.screenshot("list-en")


def test_other_department_sees_none_of_it(desk, db):
	names = [loop_name(), desk.data.running, desk.data.awaiting_approval]
	desk.login("handler_b")
	desk.open_list("complaint", only([*names, desk.data.overdue]))
	for name in names:
		expect(desk.page.locator(f'.frappe-list [data-name="{name}"]')).to_have_count(0)
	expect(desk.page.locator(".frappe-list .result")).not_to_contain_text(MARK)
	# the list filtered to this tier's complaints (the specialist sees them all): empty
	expect(desk.page.locator(".frappe-list .no-result:visible").first).to_be_visible()
	expect(desk.page.locator(".frappe-list .list-row-container")).to_have_count(0)
	# the direct URL: not permitted, and nothing of the complaint on the page
	desk.goto(f"/app/complaint/{names[0]}")
	page_text = desk.page.locator("body")
	expect(page_text).to_contain_text(
		re.compile(r"not permitted|insufficient permission|no permission", re.I)
	)
	expect(page_text).not_to_contain_text(CUSTOMER)
	expect(page_text).not_to_contain_text("washing machine")
