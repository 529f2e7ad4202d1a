"""A penalty notice appealed and annulled through the desk (issue 18 §1-2), in en and in zh: the penalised
department's manager opens a notice the deadline sweep has just issued, reads "Why this notice", appeals it from
the notice's Appeal button; the general manager (the settings' decider role) annuls it from the appeal's Decide
menu. The notice ends cancelled with appeal status Annulled, in the database.

The notice is a real sweep notice: a complaint received 5 hours ago and never transferred misses its Transfer
deadline (4 hours for General), and the sweep's own per-complaint step (``engine.deadlines._sweep_one``, as the
load benchmark drives it: only this complaint, not the shared site's others) issues it to the service center
now, within the appeal days. For the test the service center is managed by a user of this tier (restored after).
"""

import re
from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime
from playwright.sync_api import expect

from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import appeals as appeals_loop
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG
from complaint_mgmt.tests.browser.test_i18n import CJK, ZH

NOTICE, APPEAL = "Complaint Penalty Notice", "Complaint Penalty Appeal"
CENTER_MANAGER = f"center-manager@{seeding.DOMAIN}"  # made here (users stay, like the seed's)
APPEAL_REASON = "The customer gave a wrong phone number: nobody could be reached" + seeding.MARK
DECISION_REASON = "The call log shows four attempts within the hour" + seeding.MARK
WHY_SECTION = ".form-section:has(.cpn-why)"
LANG_USERS = (CENTER_MANAGER, seeding.user("gm"))


def set_language(language: str) -> None:
	for user in LANG_USERS:
		frappe.db.set_value("User", user, "language", language)
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	frappe.clear_cache()


@pytest.fixture(scope="module", autouse=True)
def center_manager(data, site):
	"""The service center, which a Transfer breach before any transfer penalises, managed by CENTER_MANAGER."""
	seeding.ensure_user(CENTER_MANAGER, ("Complaint Department Manager",))
	data.users["center_manager"] = CENTER_MANAGER
	decider = appeals_loop.setting("appeal_decider_role")
	assert decider in frappe.get_roles(seeding.user("gm")), f"the tier's GM lacks the decider role {decider}"
	center = frappe.db.get_value("Complaint Department", {"is_service_center": 1}, "name")
	assert center, "no service center department on the test site"
	previous = frappe.db.get_value("Complaint Department", center, "manager")
	doc = frappe.get_doc("Complaint Department", center)
	doc.manager = CENTER_MANAGER
	doc.save()
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	frappe.clear_cache()
	yield center
	frappe.db.rollback()
	doc = frappe.get_doc("Complaint Department", center)
	doc.manager = previous
	doc.save()
	set_language("en")  # also commits
	data.users.pop("center_manager", None)


def sweep_notice(label: str, center: str) -> frappe._dict:
	"""The Transfer notice the sweep issues now for a complaint received 5 hours ago and never transferred."""
	received = now_datetime().replace(microsecond=0) - timedelta(hours=5)
	complaint = seeding.new_complaint(
		f"Appeal {label}" + seeding.MARK, "Nobody called the customer back", received_on=received
	)
	frappe.db.commit()  # nosemgrep
	totals = deadlines._sweep_one(complaint, deadlines._context(now_datetime()))
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	assert totals["notices"] >= 1, totals
	row = frappe.db.get_value(
		NOTICE,
		{"complaint": complaint, "breach_type": "Transfer", "docstatus": 1},
		["name", "department", "explanation", "computation", "issued_on"],
		as_dict=True,
	)
	assert row and row.department == center, row
	assert row.explanation and row.computation, "the sweep stored no explanation"
	row.computation = frappe.parse_json(row.computation)
	assert row.computation["started_on"] == str(received), row.computation
	return row


def open_notice_and_read_why(desk, notice) -> str:
	"""The notice's form as its department's manager: the "Why this notice" section's text."""
	desk.login("center_manager")
	desk.open_form("complaint-penalty-notice", notice.name)
	why = desk.page.locator(".cpn-why")
	expect(why).to_be_visible()
	expect(why.locator("table tr").first).to_be_visible()
	why.scroll_into_view_if_needed()
	return why.inner_text()


def appeal(desk, labels: dict) -> str:
	"""The manager's Appeal button, the reason, the dialog's Appeal: the appeal's form opens."""
	button = desk.button(labels["Appeal"])
	expect(button).to_be_visible()  # shown once the form has asked for the department's manager
	button.click()
	dialog = desk.dialog()
	expect(dialog.locator(".modal-title")).to_have_text(labels["Appeal Penalty Notice"])
	desk.fill("reason", APPEAL_REASON, scope=DIALOG)
	expect(dialog.locator(".modal-footer .btn-primary:visible").first).to_have_text(labels["Appeal"])
	desk.dialog_primary()
	desk.page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Complaint Penalty Appeal'")
	desk.wait_form()
	return desk.doc_value("name")


def annul(desk, name: str, labels: dict) -> list[str]:
	"""The decider opens the appeal and takes Decide > Annul with a reason; returns the Decide menu's items."""
	desk.login("gm")
	desk.open_form("complaint-penalty-appeal", name)
	group = desk.button(labels["Decide"])
	expect(group).to_be_visible()
	group.click()
	items = desk.page.locator(".page-head .dropdown-menu a:visible")
	expect(items.first).to_be_visible()
	menu = [t.strip() for t in items.all_inner_texts() if t.strip()]
	items.filter(has_text=re.compile(rf"^\s*{re.escape(labels['Annul'])}\s*$")).first.click()
	dialog = desk.dialog()
	desk.fill("reason", DECISION_REASON, scope=DIALOG)
	decide = lambda: desk.dialog_primary()  # noqa: E731
	decide()
	desk.wait_doc("status", "Annulled", retry=decide)
	expect(dialog).to_be_hidden()
	return menu


def assert_annulled(notice: str, appeal_name: str, gm: str) -> None:
	frappe.db.rollback()
	row = frappe.db.get_value(NOTICE, notice, ["docstatus", "appeal_status", "cancel_reason"], as_dict=True)
	assert (row.docstatus, row.appeal_status) == (2, "Annulled"), row
	assert DECISION_REASON in row.cancel_reason, row.cancel_reason
	decided = frappe.db.get_value(
		APPEAL, appeal_name, ["notice", "status", "decided_by", "requested_by", "reason"], as_dict=True
	)
	assert (decided.notice, decided.status, decided.decided_by, decided.requested_by) == (
		notice,
		"Annulled",
		gm,
		CENTER_MANAGER,
	), decided
	assert decided.reason == APPEAL_REASON


def test_a_manager_reads_why_appeals_and_the_gm_annuls_en(desk, center_manager):
	set_language("en")
	notice = sweep_notice("en", center_manager)
	c = notice.computation
	why = open_notice_and_read_why(desk, notice)
	heading = desk.page.locator(f"{WHY_SECTION} .section-head").first
	expect(heading).to_have_text(re.compile(r"^\s*Why this notice\s*$"))
	# the stored explanation's paragraph (site language en) is what the form shows, with the table
	paragraph = notice.explanation.splitlines()[0]
	assert paragraph in why, (paragraph, why)
	assert f"The Transfer clock started at {c['started_on']}" in why, why
	assert f"The deadline was {c['clock_due_on']}" in why and "4 hours (grade General)" in why, why
	desk.screenshot("notice-why-en")
	name = appeal(desk, {"Appeal": "Appeal", "Appeal Penalty Notice": "Appeal Penalty Notice"})
	frappe.db.rollback()
	assert frappe.db.get_value(NOTICE, notice.name, "appeal_status") == "Open"
	assert frappe.db.get_value(APPEAL, name, "status") == "Open"
	desk.screenshot("appeal-filed-en")
	menu = annul(desk, name, {"Decide": "Decide", "Annul": "Annul"})
	assert {"Uphold", "Annul", "Reduce"} <= set(menu), menu
	desk.screenshot("appeal-annulled-en")
	assert_annulled(notice.name, name, seeding.user("gm"))


def test_a_manager_reads_why_appeals_and_the_gm_annuls_zh(desk, center_manager):
	set_language("zh")
	notice = sweep_notice("zh", center_manager)
	c = notice.computation
	why = open_notice_and_read_why(desk, notice)
	heading = desk.page.locator(f"{WHY_SECTION} .section-head").first
	expect(heading).to_have_text(re.compile(rf"^\s*{re.escape(ZH['Why this notice'])}\s*$"))
	assert "Why this notice" not in desk.page.locator(".form-layout").inner_text()
	# the explanation in the reader's language: Chinese text around the notice's instants
	assert CJK.search(why) and c["started_on"] in why and c["clock_due_on"] in why, why
	assert "The Transfer clock started" not in why and "Hours Allowed" not in why, why
	desk.screenshot("notice-why-zh")
	labels = {"Appeal": ZH["Appeal"], "Appeal Penalty Notice": ZH["Appeal Penalty Notice"]}
	name = appeal(desk, labels)
	menu = annul(desk, name, {"Decide": ZH["Decide"], "Annul": ZH["Annul"]})
	assert {ZH["Uphold"], ZH["Annul"], ZH["Reduce"]} <= set(menu), menu
	assert not {"Uphold", "Annul", "Reduce"} & set(menu), menu
	desk.screenshot("appeal-annulled-zh")
	assert_annulled(notice.name, name, seeding.user("gm"))
