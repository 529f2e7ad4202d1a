"""A corrective-action review through the desk (issue 18 §3): a Complaint Manager opens the review, reads what
the system found, records Not Effective with a slogan (refused, with the message) and then with a concrete new
corrective action (recorded, the step in the complaint's log)."""

import re

import frappe
from frappe.utils import add_days, now_datetime
from frappe.utils.password import update_password
from playwright.sync_api import expect

from complaint_mgmt import api
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG
from complaint_mgmt.tests.site.factories import make_user

REVIEWER = f"reviewer@{seeding.DOMAIN}"  # a Complaint Manager of this tier (made here; users stay)
NEW_ACTION = "Scan every part's barcode against the order before packing, from 1 June"


def make_review() -> str:
	"""An open review of a tier complaint of department A, as the daily job writes it, committed."""
	complaint = seeding.new_complaint("Review" + seeding.MARK, "The wrong part came twice")
	seeding.as_user("specialist", api.transfer, complaint, seeding.DEPT_A)
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Action Review",
			"complaint": complaint,
			"department": seeding.DEPT_A,
			"category": "Product Quality",
			"closed_on": now_datetime(),
			"root_cause": "Wrong part shipped",
			"corrective_action": seeding.GOOD_ACTION,
			"status": "Open",
			"opened_on": now_datetime().date(),
			"due_on": add_days(now_datetime().date(), 14),
			"recurrences": 1,
			"similar_root_causes": 1,
			"recurrence_rows": [
				{
					"complaint": complaint,
					"root_cause": "Wrong part shipped",
					"similarity": 1,
					"similar_root_cause": 1,
				}
			],
		}
	)
	doc.flags.procedure_action = True
	doc.insert(ignore_permissions=True)  # written as the review job writes it
	make_user(REVIEWER, "Complaint Manager")
	update_password(REVIEWER, seeding.PASSWORD)
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	return doc.name


def record(desk, choice: str, note: str, action: str) -> None:
	desk.button("Record Review").click()
	desk.page.locator(
		".page-head .dropdown-menu a:visible", has_text=re.compile(rf"^\s*{choice}\s*$")
	).click()
	desk.fill("note", note, scope=DIALOG)
	desk.fill("new_corrective_action", action, scope=DIALOG)
	desk.dialog_primary()


def test_a_complaint_manager_records_a_review_not_effective(desk):
	name = make_review()
	desk.data.users["reviewer"] = REVIEWER
	desk.login("reviewer")
	desk.open_form("complaint-action-review", name)
	expect(desk.page.locator(".frappe-control[data-fieldname='recurrences'] .control-value")).to_have_text(
		"1"
	)
	record(desk, "Not Effective", "The wrong part came again", "加强培训、加强检查")
	assert "too vague" in desk.close_message()
	frappe.db.rollback()
	assert frappe.db.get_value("Complaint Action Review", name, "status") == "Open"
	record(desk, "Not Effective", "The wrong part came again", NEW_ACTION)
	desk.wait_doc("status", "Not Effective")
	desk.screenshot("action-review-not-effective-en")
	frappe.db.rollback()
	review = frappe.db.get_value(
		"Complaint Action Review", name, ["status", "reviewed_by", "new_corrective_action"], as_dict=True
	)
	assert (review.status, review.reviewed_by, review.new_corrective_action) == (
		"Not Effective",
		REVIEWER,
		NEW_ACTION,
	)
	expect(desk.button("Record Review")).to_have_count(0)
