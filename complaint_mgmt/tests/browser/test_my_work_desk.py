"""My work through the desk (issue 19 §1), in en and zh, on a desktop and a 375 px phone: the handler's own open
tasks as cards, most urgent first (the overdue one leads with "overdue by ..."), each with the full task text,
the deadline, the live countdown, the SLA badge and the step's action; an action taken from a card opens the
form's own dialog and moves the complaint on; another department's handler sees none of them. The complaint
list's saved view "Waiting on me" (issue 19 §7) sits in the list sidebar and lists the handler's complaints."""

import re
from datetime import timedelta

import frappe
from frappe.utils import now_datetime
from playwright.sync_api import expect

from complaint_mgmt import api
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG

CARD = ".cm-work-card"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}
CJK = re.compile(r"[\u4e00-\u9fff]")


def transferred(customer: str, received_ago: timedelta, **kw) -> str:
	name = seeding.new_complaint(
		customer + seeding.MARK,
		"My work: " + customer,
		received_on=now_datetime().replace(microsecond=0) - received_ago,
		**kw,
	)
	seeding.as_user("specialist", api.transfer, name, seeding.DEPT_A)
	return name


def work_of(desk) -> list[str]:
	"""The complaints of the cards on the page, top to bottom."""
	desk.goto("/app/my-work")
	desk.page.wait_for_selector(f"{CARD}, .cm-work-empty")
	desk.idle()
	return desk.page.eval_on_selector_all(CARD, "(cards) => cards.map((c) => c.dataset.reference)")


def card(desk, name: str):
	return desk.page.locator(f'{CARD}[data-reference="{name}"]')


def saved_view(desk, title: str) -> None:
	"""Apply a saved filter of the list's sidebar."""
	view = desk.page.locator(".list-sidebar .filter-pill .filter-name", has_text=title)
	expect(view).to_have_count(1)
	if not view.is_visible():  # the saved filters are folded
		desk.page.locator(".list-sidebar .saved-filters-preview").click()
	view.click()
	desk.idle()


def assert_on_screen(desk, locator) -> None:
	box = locator.bounding_box()
	size = desk.page.viewport_size
	assert box and box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (box, size)
	assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (box, size)


def test_my_work_en_zh_desktop_phone_and_an_action(desk, db):
	late = transferred("Late", timedelta(days=2))
	fresh = transferred("Fresh", timedelta(minutes=1))
	external = transferred("External", timedelta(minutes=2), channel="Media")
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	page = desk.page
	try:
		desk.login("handler_a")
		cards = work_of(desk)
		assert late in cards and fresh in cards
		assert cards.index(late) < cards.index(fresh)  # overdue first
		expect(card(desk, late).locator(".cm-work-countdown")).to_have_text(re.compile(r"^overdue by \d"))
		expect(card(desk, fresh).locator(".cm-work-countdown")).to_have_text(re.compile(r" left$"))
		expect(card(desk, fresh).locator(".cm-work-task")).to_have_text(
			f"Complaint {fresh} was transferred to you: please acknowledge it."
		)
		# the deadline's date and time (to the minute)
		expect(card(desk, fresh).locator(".cm-work-due")).to_have_text(
			re.compile(r"^Transfer due \S*\d \d\d:\d\d$")
		)
		expect(card(desk, fresh).locator(".cm-work-sla")).to_have_text("On Time")
		# past its deadline: Overdue at once, before the sweep records it
		expect(card(desk, late).locator(".cm-work-sla")).to_have_text("Overdue")
		desk.screenshot("my_work_desktop_en")

		page.set_viewport_size(PHONE)
		work_of(desk)
		first = page.locator(CARD).first
		assert_on_screen(desk, first)
		assert_on_screen(desk, first.locator("[data-cm-action]").first)
		desk.screenshot("my_work_phone_en")

		# the action from the card: the form's own confirmation, then the complaint moves on
		page.set_viewport_size(DESKTOP)
		work_of(desk)
		card(desk, fresh).locator('[data-cm-action="Acknowledge"]').click()
		expect(page.locator(DIALOG).last).to_contain_text("Sign the transfer record")
		desk.confirm()
		expect(card(desk, fresh).locator('[data-cm-action="Reply"]')).to_be_visible()
		assert db.get_value("Complaint", fresh, "status") == "Acknowledged"
		expect(card(desk, fresh).locator(".cm-work-task")).to_have_text(
			f"Complaint {fresh}: give the first reply."
		)

		# the saved view of the list's sidebar
		desk.open_list("complaint")
		row = lambda name: page.locator(f'.list-row-container a[data-name="{name}"]').first  # noqa: E731
		saved_view(desk, "Waiting on me")
		expect(row(late)).to_be_visible()
		expect(row(fresh)).to_be_visible()
		saved_view(desk, "External channels")
		expect(row(external)).to_be_visible()
		expect(row(fresh)).to_be_hidden()

		# the ToDo list leads to My work
		desk.open_list("todo")
		desk.button("My Work").click()
		page.wait_for_url(re.compile(r"/app/my-work"))
		expect(page.locator(CARD).first).to_be_visible()

		# another department's handler: none of it
		desk.login("handler_b")
		assert not {late, fresh} & set(work_of(desk))

		seeding.set_language(["handler_a"], "zh")
		desk.login("handler_a")
		cards = work_of(desk)
		assert cards.index(late) < cards.index(fresh)
		expect(page.locator(".page-head .title-text:visible").first).to_have_text("我的工作")
		expect(card(desk, late).locator(".cm-work-countdown")).to_have_text(re.compile(r"^逾期 \d"))
		expect(card(desk, fresh).locator(".cm-work-countdown")).to_have_text(re.compile(r"^剩余 \d"))
		expect(card(desk, fresh).locator('[data-cm-action="Reply"]')).to_have_text("回复")
		expect(card(desk, late).locator('[data-cm-action="Acknowledge"]')).to_have_text("签收")
		expect(card(desk, late).locator(".cm-work-sla")).to_have_text("已超时")
		labels = page.eval_on_selector_all(
			f"{CARD} .indicator-pill, {CARD} .btn, {CARD} .cm-work-due, {CARD} .cm-work-task",
			"(els) => els.map((e) => e.innerText.trim())",
		)
		english = [t for t in labels if re.search(r"[A-Za-z]{3,}", re.sub(r"CMP-\S+", "", t))]
		assert not english, f"English in the zh My work: {english}"
		assert all(CJK.search(t) for t in labels)
		desk.screenshot("my_work_desktop_zh")
		page.set_viewport_size(PHONE)
		work_of(desk)
		assert_on_screen(desk, page.locator(CARD).first.locator("[data-cm-action]").first)
		desk.screenshot("my_work_phone_zh")
	finally:
		page.set_viewport_size(DESKTOP)
		seeding.set_language(["handler_a"], "en")
