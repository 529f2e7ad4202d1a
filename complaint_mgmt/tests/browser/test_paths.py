"""The other paths through the desk and the portal: a deferral (department asks, service center accepts),
a rejected closure (the approver sends it back), the penalty executor marking a notice executed, the general
manager signing the weekly penalty bulletin, and a customer filing through the web form and following the
complaint in /my-complaints."""

import re

import frappe
from playwright.sync_api import expect

from complaint_mgmt.tests.browser.desk import DIALOG, WAIT
from complaint_mgmt.tests.browser.seed import MARK


def value(doctype: str, name: str, fields):
	frappe.db.rollback()
	return frappe.db.get_value(doctype, name, fields, as_dict=isinstance(fields, list))


def open_todo_of(user: str, doctype: str, name: str) -> str:
	frappe.db.rollback()
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": doctype, "reference_name": name, "status": "Open", "allocated_to": user},
		pluck="name",
	)
	assert len(todos) == 1, f"{user} should have exactly one open ToDo for {doctype} {name}, has {todos}"
	return todos[0]


def test_deferral_requested_and_approved(desk):
	name = desk.data.running
	desk.login("handler_a")
	desk.open_form("complaint", name)
	desk.action("Request Deferral")
	desk.fill("reason", "The customer is abroad until spring" + MARK, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Deferral Requested")
	# the service center decides, from its inbox
	todo = open_todo_of(desk.data.users["specialist"], "Complaint", name)
	desk.login("specialist")
	desk.open_todo(todo)
	desk.wait_form(name)
	desk.action("Approve Deferral")
	desk.dialog()
	desk.input("follow_up_mode", DIALOG).select_option("Watch")
	desk.dialog_primary()
	desk.wait_doc("status", "Deferred")
	row = value("Complaint", name, ["status", "irrational_stage", "follow_up_mode"])
	assert (row.status, row.irrational_stage, row.follow_up_mode) == ("Deferred", "Secondary", "Watch")


def test_approver_rejects_the_closure(desk):
	name = desk.data.awaiting_approval
	todo = open_todo_of(desk.data.users["approver"], "Complaint", name)
	desk.login("approver")
	desk.open_todo(todo)
	desk.wait_form(name)
	desk.action("Reject Closure")
	desk.fill("reason", "The compensation was not agreed with the customer" + MARK, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Replied")
	assert value("Complaint", name, "status") == "Replied"
	# back with the department's receiver
	open_todo_of(desk.data.users["handler_a"], "Complaint", name)


def test_a_tier_approver_is_offered_only_the_closures_of_its_tier(desk):
	"""Issue 17 item 7: the Actions menu offered Reject Closure above the approver's tier, then answered 403."""
	desk.login("approver")  # the Front Desk Manager's tier: up to 50
	desk.open_form("complaint", desk.data.above_tier)  # 150
	offered = desk.page.evaluate(
		"() => frappe.workflow.get_transitions(cur_frm.doc).then((rows) => rows.map((row) => row.action))"
	)
	assert offered == [], offered  # what the menu is built from, as the desk asks for it
	desk.idle()
	assert not {"Approve Close", "Reject Closure"} & set(desk.action_labels())


def test_penalty_executor_marks_a_notice_executed(desk):
	notice = desk.data.notice
	assert notice, "the deadline sweep issued no penalty notice for the overdue complaint"
	desk.login("executor")
	desk.open_form("complaint-penalty-notice", notice)

	def mark():  # the button asks first (issue 19 §6)
		desk.button("Mark Executed").click()
		desk.confirm()

	mark()
	desk.wait_doc("executed", 1, retry=mark)
	expect(desk.button("Mark Executed")).to_have_count(0)
	row = value("Complaint Penalty Notice", notice, ["executed", "executed_by"])
	assert (row.executed, row.executed_by) == (1, desk.data.users["executor"])


def test_general_manager_signs_the_penalty_bulletin(desk):
	bulletin = desk.data.bulletin
	desk.login("gm")
	desk.open_form("complaint-penalty-bulletin", bulletin)
	expect(desk.page.locator(".page-head .indicator-pill:visible").first).to_contain_text("Draft")

	def submit():
		desk.page.locator(".page-head .primary-action:visible", has_text="Submit").first.click()
		desk.confirm()

	submit()
	desk.wait_doc("docstatus", 1, retry=submit)
	expect(desk.page.locator(".page-head .indicator-pill:visible").first).to_contain_text(
		re.compile("Submitted|Signed")
	)
	assert value("Complaint Penalty Bulletin", bulletin, "docstatus") == 1


def test_customer_files_through_the_web_form_and_follows_it(desk):
	customer = desk.data.users["customer"]
	desk.login("customer")
	desk.page.goto(f"{desk.base}/complaint/new")
	desk.page.wait_for_function("() => window.frappe && frappe.web_form && frappe.web_form.fields_dict")
	form = ".web-form"
	desk.fill("customer_name", "Webcustomer" + MARK, scope=form)
	desk.fill("contact_phone", "+86-138-4444-5555", scope=form)
	desk.fill("description", "The parcel arrived crushed" + MARK, scope=form)
	desk.pick_link("category", "Product Quality", scope=form)
	desk.settle_links({"category": "Product Quality"}, scope=form)
	desk.page.locator(".web-form .submit-btn:visible, .web-form button[type=submit]:visible").first.click()
	# the success page (accept inserts the complaint through every intake check: allow the long wait)
	success = desk.page.locator(".success-page:visible, .web-form-container .success-title:visible").first
	expect(success).to_be_visible(timeout=WAIT)
	frappe.db.rollback()
	names = frappe.get_all("Complaint", filters={"owner": customer}, pluck="name", order_by="creation desc")
	assert len(names) == 1, names
	desk.page.goto(f"{desk.base}/my-complaints")
	row = desk.page.locator(f'.my-complaints .complaint-row[data-name="{names[0]}"]')
	expect(row).to_be_visible()
	expect(row.locator("td").first).to_have_text(names[0])
	expect(row.locator(".complaint-status")).to_have_text("Received")
	expect(row).to_contain_text("The parcel arrived crushed")
