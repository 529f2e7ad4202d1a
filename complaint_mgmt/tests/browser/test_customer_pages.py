"""Issue 19 §10-11 in the browser, en and zh: the customer's page /my-complaints/<reference> (status in plain
words, the dates, the replies marked visible) and the satisfaction survey opened from its link without a login
(answered: the complaint's return visit is recorded by the customer). Screens customer_page_en/zh, survey_en/zh."""

import frappe
import pytest
from playwright.sync_api import expect

from complaint_mgmt import api
from complaint_mgmt.loop import survey
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import WAIT
from complaint_mgmt.tests.browser.seed import DEPT_A, GOOD_ACTION, MARK, as_user, new_complaint

VISIBLE = "We replace the sofa on Monday."
INTERNAL = "Internal: supplier batch is faulty."


def close_requested(label: str) -> tuple[str, str, str]:
	"""A complaint of the tier's customer at Close Requested with a reply for them: (name, survey, key)."""
	customer = seeding.user("customer")
	name = new_complaint(label + MARK, "The sofa arrived scratched", contact_email=customer)
	frappe.db.set_value("Complaint", name, "contact_verified_by", customer, update_modified=False)
	as_user("specialist", api.transfer, name, DEPT_A)
	as_user("handler_a", api.acknowledge, name)
	as_user("handler_a", api.reply, name, INTERNAL)
	as_user("handler_a", api.reply, name, VISIBLE, visible_to_customer=True)
	as_user("handler_a", api.request_close, name, "Sofa replaced", "Packing too thin", GOOD_ACTION)
	survey_name, key = survey.open_survey(frappe.get_doc("Complaint", name))
	return name, survey_name, key


@pytest.fixture(scope="module")
def complaints(data):
	en = close_requested("Surveyen")
	zh = close_requested("Surveyzh")
	frappe.db.commit()  # the server (another process) must see them  # nosemgrep
	return frappe._dict(en=en, zh=zh)


def test_customer_page_in_english_and_chinese(desk, complaints):
	name = complaints.en[0]
	desk.login("customer")
	page = desk.page
	page.goto(f"{desk.base}/my-complaints/{name}")
	detail = page.locator(f'.my-complaint[data-name="{name}"]')
	expect(detail).to_be_visible(timeout=WAIT)
	expect(detail.locator(".complaint-status")).to_have_text("Solution proposed")
	expect(detail).to_contain_text(VISIBLE)
	expect(detail).not_to_contain_text(INTERNAL)
	dates = detail.locator(".complaint-date th").all_inner_texts()
	assert dates == ["Received On", "Taken in hand", "First answer", "Solution proposed"], dates
	page.screenshot(path=str(desk.screens / "customer_page_en.png"), full_page=True)
	seeding.set_language(["customer"], "zh")
	try:
		page.goto(f"{desk.base}/my-complaints/{name}")
		expect(detail.locator(".complaint-status")).to_have_text("已提出解决方案", timeout=WAIT)
		expect(detail).to_contain_text(f"您的投诉编号是 {name}。")
		for english in ("Solution proposed", "Our replies", "Received On", "Reference"):
			expect(detail).not_to_contain_text(english)
		page.screenshot(path=str(desk.screens / "customer_page_zh.png"), full_page=True)
	finally:
		seeding.set_language(["customer"], "en")
	# a reference that is not theirs is "not found"
	resp = page.goto(f"{desk.base}/my-complaints/{desk.data.running}")
	assert resp.status == 404


@pytest.mark.parametrize("language", ["en", "zh"])
def test_survey_without_login(desk, complaints, language):
	name, survey_name, key = complaints[language]
	page = desk.page
	page.goto("about:blank")
	page.context.clear_cookies()  # no login
	page.goto(f"{desk.base}/complaint-survey?survey={survey_name}&key={key}&_lang={language}")
	form = page.locator(".survey-form")
	expect(form).to_be_visible(timeout=WAIT)
	if language == "zh":
		expect(page.locator(".complaint-survey")).to_contain_text("您对处理结果满意吗")
		expect(page.locator(".complaint-survey")).not_to_contain_text("satisfied")
	form.locator("input[name=satisfied][value='1']").check()
	form.locator("select[name=score]").select_option("4")
	form.locator("textarea[name=comment]").fill("Fast and friendly" if language == "en" else "处理及时")
	page.screenshot(path=str(desk.screens / f"survey_{language}.png"), full_page=True)
	form.locator(".survey-submit").click()
	done = page.locator(".survey-done")
	expect(done).to_be_visible(timeout=WAIT)
	expect(done).to_have_text(
		"Thank you: your answer is recorded." if language == "en" else "谢谢：您的回答已记录。"
	)
	frappe.db.rollback()
	assert frappe.db.get_value("Complaint", name, "status") == "Return Visited"
	steps = frappe.get_all(
		"Complaint Step", filters={"parent": name}, fields=["action", "note"], order_by="idx"
	)
	assert steps[-1].action == "Record Return Visit" and "4/5" in steps[-1].note
	# the link is single use
	page.reload()
	expect(page.locator(".survey-invalid")).to_be_visible(timeout=WAIT)
