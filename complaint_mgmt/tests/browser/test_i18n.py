"""One pass with the users' language set to zh: the form (every tab), the running clock, the Actions menu
and the procedure's dialogs, the list, the workspace and the inboxes show the Chinese labels of
complaint_mgmt/translations/zh.csv and none of the English ones."""

import csv
import re
from pathlib import Path

import frappe
import pytest
from playwright.sync_api import expect

from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG
from complaint_mgmt.tests.browser.seed import only

ZH_CSV = Path(__file__).resolve().parents[2] / "translations" / "zh.csv"
ZH_USERS = ("specialist", "handler_a", "approver")
LABELS = (  # what a form, list, menu or dialog labels: never the field values
	".frappe-control .control-label, .form-tabs .nav-link, .form-section .section-head, "
	".page-head .title-text, .page-head .indicator-pill, .page-head button, .page-head .dropdown-menu a, "
	".modal.show .modal-title, .modal.show .control-label, .modal.show .btn, .list-row-head, "
	".list-row .indicator-pill, .list-sidebar .sidebar-label, .widget-title, .link-text, .ce-header, "
	".workspace-title, .cm-clock"
)
KNOWN_ENGLISH = ("Customer Name", "Transfer", "Status", "Complaint", "Complaints", "Actions", "Category")
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_rows() -> dict[str, str]:
	with open(ZH_CSV, encoding="utf-8", newline="") as f:
		return {row[0]: row[1] for row in csv.reader(f) if len(row) >= 2 and row[0] and row[1]}


ZH = zh_rows()


def complaint_labels() -> set[str]:
	"""Every label of the Complaint form that zh.csv translates (and so must not show in English)."""
	meta = frappe.get_meta("Complaint")
	return {df.label for df in meta.fields if df.label and df.label in ZH and df.label != ZH[df.label]}


def english_in(texts: list[str], english) -> list[tuple[str, str]]:
	"""(English label, element text) for each English label a text shows as a whole word or phrase."""
	found = []
	for label in english:
		pattern = re.compile(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])")
		found += [(label, text) for text in texts if pattern.search(text)]
	return found


def assert_chinese(texts: list[str], english, chinese) -> None:
	assert texts, "no label found on the page"
	leaks = english_in(texts, english)
	assert not leaks, f"English labels in the zh desk: {leaks}"
	joined = "\n".join(texts)
	missing = [zh for zh in chinese if zh not in joined]
	assert not missing, f"zh labels missing: {missing} in {texts}"


@pytest.fixture(scope="module", autouse=True)
def zh_language(data, site):
	seeding.set_language(ZH_USERS, "zh")
	yield
	seeding.set_language(ZH_USERS, "en")


def test_zh_form_clock_actions_and_dialog(desk):
	name = desk.data.running  # acknowledged: the first-reply clock runs
	desk.login("handler_a")
	desk.open_form("complaint", name)
	clock = desk.page.locator(".cm-clock").first  # the lead's running clock
	expect(clock).to_be_visible()
	expect(clock).to_have_text(CJK)
	assert not re.search(r"[A-Za-z]{3,}", clock.inner_text()), clock.inner_text()
	desk.screenshot("form-clock-zh")
	texts = desk.visible_texts(LABELS)
	tabs = desk.page.locator(".form-tabs .nav-link")
	for i in range(tabs.count()):
		tabs.nth(i).click()
		texts += desk.visible_texts(LABELS)
	tabs.first.click()
	assert_chinese(
		texts,
		{*KNOWN_ENGLISH, *complaint_labels()},
		[ZH["Customer Name"], ZH["Category"], ZH["Description"], ZH["Status"], ZH["Acknowledged"]],
	)
	# the Actions menu and a procedure dialog
	desk.page.locator(".page-head .actions-btn-group:visible button").first.click()
	menu = desk.action_labels()
	assert ZH["Reply"] in menu and "Reply" not in menu, menu
	desk.page.locator(
		".page-head .actions-btn-group:visible .dropdown-menu a", has_text=ZH["Reply"]
	).first.click()
	dialog = desk.dialog()
	expect(dialog.locator(".modal-title")).to_have_text(ZH["Reply"])
	assert_chinese(desk.visible_texts(LABELS), ["Reply"], [ZH["Reply"]])
	dialog.locator(".modal-header .btn-modal-close").first.click()
	expect(desk.page.locator(DIALOG)).to_have_count(0)


def test_zh_transfer_dialog(desk):
	desk.login("specialist")
	desk.open_form("complaint", desk.data.running)
	desk.action(ZH["Transfer"])
	dialog = desk.dialog()
	expect(dialog.locator(".modal-title")).to_have_text(ZH["Transfer"])
	texts = desk.page.evaluate(
		"""(sel) => Array.from(document.querySelectorAll(sel)).filter((e) => e.offsetParent !== null)
			.map((e) => e.innerText.trim()).filter(Boolean)""",
		".modal.show .modal-title, .modal.show .control-label, .modal.show .btn, .modal.show .help-box",
	)
	assert_chinese(
		texts,
		["Transfer", "Department", "Receiver", "Note"],
		[ZH["Transfer"], ZH["Department"], ZH["Receiver"], ZH["Note"]],
	)
	dialog.locator(".modal-header .btn-modal-close").first.click()
	expect(desk.page.locator(DIALOG)).to_have_count(0)


def test_zh_list(desk):
	desk.open_list("complaint", only([desk.data.running, desk.data.awaiting_approval, desk.data.overdue]))
	row = desk.page.locator(f'.list-row-container:has([data-name="{desk.data.running}"])').first
	expect(row.locator('.indicator-pill[data-filter^="status,"]:visible').first).to_have_text(
		ZH["Acknowledged"]
	)
	expect(row.locator(".indicator-pill.cm-sla:visible").first).to_have_text(ZH["On Time"])
	texts = desk.visible_texts(LABELS)
	assert_chinese(
		texts,
		[
			*KNOWN_ENGLISH,
			"Acknowledged",
			"Registered",
			"Return Visited",
			"Closed",
			"On Time",
			"Overdue",
			"SLA",
		],
		[ZH["Complaint"], ZH["Acknowledged"], ZH["SLA"]],
	)
	desk.screenshot("list-zh")


def test_zh_workspace(desk):
	desk.goto("/app/complaints")
	desk.page.wait_for_selector(".widget-title:visible, .link-text:visible")
	desk.page.wait_for_function(
		"() => document.querySelectorAll('.number-widget-box .widget-title, .shortcut-widget-box').length > 0"
	)
	texts = desk.visible_texts(LABELS)
	assert_chinese(
		texts,
		["Complaint", "Complaints", "Penalty Notices", "Overdue Complaints", "Weekly Complaint Summary"],
		[ZH["Complaint"]],
	)


def test_zh_inboxes(desk):
	users = desk.data.users
	frappe.db.rollback()
	for key, name in (("handler_a", desk.data.running), ("approver", desk.data.awaiting_approval)):
		todo = frappe.get_all(
			"ToDo",
			filters={"reference_name": name, "allocated_to": users[key], "status": "Open"},
			pluck="name",
		)
		assert len(todo) == 1, (key, name, todo)
		desk.login(key)
		# narrowed to the complaint: the user may hold more than a page of ToDos by now
		desk.open_list("todo", f"?reference_name={name}")
		expect(desk.page.locator(f'button.btn-action[data-name="{todo[0]}"]')).to_be_visible()
		title = desk.page.locator(".page-head .title-text:visible").first.inner_text()
		assert CJK.search(title) and "To Do" not in title, title
		desk.screenshot(f"inbox-{'handler' if key == 'handler_a' else 'approver'}-zh")
