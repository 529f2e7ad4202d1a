"""The complaint form in the desk (issue 19 §2, 3, 5, 8), en and zh: the headline names whose turn it is for
every reader, once; the sidebar's assignee follows the transfer; the Actions menu offers exactly what the server
accepts; no workflow toast; Esc on a refusal keeps the dialog and what was typed; the new form's order; the
Connections' group labels in the reader's language, whoever opened a form before."""

import re

import frappe
import pytest
from playwright.sync_api import expect

from complaint_mgmt import api
from complaint_mgmt.loop import desk as form_desk
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG
from complaint_mgmt.tests.browser.seed import DEPT_A, MARK

CJK = re.compile(r"[\u4e00-\u9fff]")
TOAST = "not editable due to a Workflow"


@pytest.fixture
def english(data, site):
	yield
	seeding.set_language(("specialist", "handler_a", "approver"), "en")


def full_name(user: str) -> str:
	frappe.db.rollback()
	return frappe.db.get_value("User", user, "full_name") or user


def transferred(desk) -> str:
	name = seeding.new_complaint("Whose turn" + MARK, "The lid does not close")
	seeding.as_user("specialist", api.transfer, name, DEPT_A)
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	return name


def headline(desk):
	turn = desk.page.locator(".cm-next-step:visible")
	expect(turn).to_have_count(1)
	return turn


def no_toast(desk) -> None:
	desk.idle()
	desk.page.wait_for_timeout(700)  # form.js shows the toast right after the load, if at all
	alerts = " ".join(desk.page.locator("#alert-container").all_inner_texts())
	assert TOAST not in alerts, alerts


def test_whose_turn_is_named_for_another_reader_en_zh(desk, english):
	"""The specialist reads who holds the complaint now: department A's receiver, by name, and the time left."""
	name = transferred(desk)
	receiver = full_name(desk.data.users["handler_a"])
	desk.login("specialist")
	desk.open_form("complaint", name)
	turn = headline(desk)
	expect(turn).to_have_text(
		re.compile(
			rf"^Waiting for {re.escape(receiver)} of {DEPT_A} to acknowledge the transfer · \d+ h \d+ min left$"
		)
	)
	assert "you" not in turn.inner_text().split()
	no_toast(desk)
	desk.screenshot("whose_turn_en")
	seeding.set_language(("specialist",), "zh")
	desk.login("specialist")
	desk.open_form("complaint", name)
	turn = headline(desk)
	expect(turn).to_have_text(
		re.compile(rf"^待 {DEPT_A} 的 {re.escape(receiver)} 签收 · 剩余 \d+ 小时( \d+ 分钟)?$")
	)
	# Frappe's own strings of the form that Frappe leaves in English get the app's translation
	expect(desk.page.locator(".form-sidebar .created-by")).to_contain_text("您创建了此文档")
	expect(desk.page.locator(".form-sidebar .modified-by")).to_contain_text("您最后编辑了此文档")
	desk.screenshot("whose_turn_zh")


def test_first_save_shows_the_headline_once_and_the_transfer_moves_the_assignee(desk, db):
	desk.login("specialist")
	desk.goto("/app/complaint/new")
	desk.wait_form()
	# the new form starts with what a specialist types first
	order = desk.page.evaluate(
		"""() => cur_frm.layout.fields_list.filter((f) => f.df.fieldtype !== 'Column Break'
			&& f.df.fieldtype !== 'Section Break' && f.df.fieldtype !== 'Tab Break' && f.$wrapper.is(':visible'))
			.map((f) => f.df.fieldname)"""
	)
	typed_first = ["customer_name", "contact_phone", "contact_email", "channel", "category", "grade"]
	assert [f for f in order if f in typed_first] == typed_first, order
	assert order.index("grade") < order.index("description") < order.index("customer_request"), order
	assert not {"party_type", "party", "reference_doctype", "imported"} & set(order), (
		order
	)  # "More", collapsed
	desk.fill("customer_name", "First save" + MARK)
	desk.fill("contact_phone", "+86-138-2222-0001")
	desk.pick_link("category", "Product Quality")
	desk.pick_link("grade", "General")
	desk.fill("description", "The handle broke on the first day")
	desk.save()
	desk.page.wait_for_function("() => cur_frm && !cur_frm.is_new() && cur_frm.doc.status === 'Registered'")
	desk.idle()
	headline(desk)
	desk.page.wait_for_timeout(1500)  # a second answer would arrive now
	expect(desk.page.locator(".cm-next-step")).to_have_count(1)
	expect(desk.page.locator(".cm-clocks")).to_have_count(1)
	name = desk.doc_value("name")
	# Transfer from the Actions menu: the sidebar's assignee becomes the receiver
	desk.action("Transfer")
	desk.pick_link("department", DEPT_A, scope=DIALOG)
	desk.dialog_primary()
	desk.wait_doc("status", "Transferred")
	handler = desk.data.users["handler_a"]
	desk.page.wait_for_function(
		"(u) => JSON.stringify((cur_frm.get_docinfo().assignments || []).map((a) => a.owner)) === JSON.stringify([u])",
		arg=handler,
	)
	sidebar = desk.page.locator(".form-assignments")
	expect(
		sidebar.locator(f'[title="{full_name(handler)}"], [data-original-title="{full_name(handler)}"]')
	).not_to_have_count(0)
	assert db.get_value("Complaint", name, "receiver") == handler


def test_a_tier_approver_is_offered_what_the_server_accepts_without_a_toast(desk, db):
	desk.login("approver")
	desk.open_form("complaint", desk.data.awaiting_approval)
	no_toast(desk)
	desk.idle()
	offered = {a for a in desk.action_labels() if a != "Help"}
	frappe.set_user(desk.data.users["approver"])
	try:
		accepted = set(form_desk.accepted_actions(frappe.get_doc("Complaint", desk.data.awaiting_approval)))
	finally:
		frappe.set_user("Administrator")
	assert offered == accepted == {"Approve Close", "Reject Closure"}, (offered, accepted)
	# a department's handler reading a complaint of the approver's step: read-only, no toast, no action
	desk.login("handler_a")
	desk.open_form("complaint", desk.data.awaiting_approval)
	no_toast(desk)
	assert not {"Approve Close", "Reject Closure"} & set(desk.action_labels())


@pytest.mark.parametrize("focus", ["message", "dialog"])
def test_escape_on_a_refusal_keeps_the_dialog_and_the_text(desk, focus):
	"""Esc closes the refusal only, wherever the focus is (the message, or the dialog's field behind it)."""
	name = transferred(desk)
	seeding.as_user("handler_a", api.acknowledge, name)
	seeding.as_user("handler_a", api.reply, name, "Checking" + MARK)
	frappe.db.commit()  # nosemgrep
	desk.login("handler_a")
	desk.open_form("complaint", name)
	desk.action("Request Close")
	dialog = desk.dialog()
	desk.fill("resolution", "Replaced the handle", scope=DIALOG)
	desk.fill("root_cause", "Weak weld", scope=DIALOG)
	desk.fill("corrective_action", "strengthen training", scope=DIALOG)  # vague: refused
	desk.dialog_primary()
	message = desk.page.locator(".modal.show.msgprint-dialog, .modal.show:has(.msgprint)").last
	expect(message).to_be_visible()
	desk.page.wait_for_function("() => window.cur_dialog && cur_dialog.$wrapper.find('.msgprint').length")
	if focus == "dialog":
		desk.page.evaluate(
			"""() => frappe.ui.open_dialogs.find((d) => d.fields_dict && d.fields_dict.corrective_action)
				.fields_dict.corrective_action.$input[0].focus()"""
		)
	desk.page.keyboard.press("Escape")
	expect(message).to_be_hidden()
	desk.page.wait_for_timeout(500)
	expect(dialog).to_be_visible()
	assert desk.page.evaluate("() => cur_dialog && cur_dialog.get_value('root_cause')") == "Weak weld"
	assert desk.input("corrective_action", DIALOG).input_value() == "strengthen training"


def test_connections_labels_follow_the_reader_not_the_first_one(desk, english):
	"""A zh reader opens a form first (Frappe caches the form's meta with its Connections); an English reader
	next sees English group labels, and the Connections start collapsed."""
	seeding.set_language(("handler_a",), "zh")
	desk.login("handler_a")
	desk.open_form("complaint", desk.data.running)
	links = desk.page.locator(".form-links .form-link-title")
	expect(links.first).to_have_text(CJK)
	seeding.set_language(("handler_a",), "en")
	desk.login("specialist")
	desk.open_form("complaint", desk.data.running)
	section = desk.page.locator(".form-dashboard-section.form-links")
	expect(section.locator(".section-body")).to_be_hidden()  # collapsed
	titles = desk.page.evaluate(
		"() => Array.from(document.querySelectorAll('.form-links .form-link-title')).map((e) => e.textContent.trim())"
	)
	assert titles and not any(CJK.search(t) for t in titles), titles
	assert {"Handling", "Penalties"} <= set(titles), titles


def test_the_list_shows_next_due_beside_the_sla(desk):
	desk.login("specialist")
	desk.open_list("complaint", seeding.only([desk.data.running, desk.data.overdue]))
	heads = [t.strip() for t in desk.page.locator(".list-row-head .list-row-col").all_inner_texts()]
	assert "Next Due" in heads and heads.index("Next Due") == heads.index("SLA") + 1, heads
	cells = [t.strip() for t in desk.page.locator(".cm-next-due").all_inner_texts()]
	assert cells and all(
		re.fullmatch(r"(overdue by )?(\d+ d( \d+ h)?|\d+ h( \d+ min)?|\d+ min|< 1 min)( left)?", c)
		for c in cells
	), cells
