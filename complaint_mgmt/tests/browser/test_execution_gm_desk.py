"""Finance and the general manager through the desk (issue 19 §6): the penalty executor confirms Mark Executed,
undoes it with a reason the same day, and marks two notices executed at once from the notice list; the general
manager opens the GM Overview page (overdue and penalties by department, the 12-week trend, the bulletin waiting
for the signature, the overdue corrective-action reviews) in English and in Chinese, and signs the bulletin from
it. Screens gm_screen_en.png and gm_screen_zh.png."""

from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import add_days, now_datetime, today
from playwright.sync_api import expect

from complaint_mgmt.procedure import execution_rules
from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.desk import DIALOG, WAIT
from complaint_mgmt.tests.browser.test_i18n import CJK, ZH
from complaint_mgmt.tests.cleanup import delete_with_traces
from complaint_mgmt.weekly import make_penalty_bulletin

NOTICE, BULLETIN = "Complaint Penalty Notice", "Complaint Penalty Bulletin"
WEEK = datetime(2024, 9, 2)  # a Monday: the bulletin the GM signs here (no other tier uses this week)
UNDO_REASON = "Booked on the wrong cost centre" + seeding.MARK


def make_notice(complaint: str, breach_type: str, issued_on: datetime, period: int = 0) -> str:
	doc = frappe.get_doc(
		{
			"doctype": NOTICE,
			"complaint": complaint,
			"department": seeding.DEPT_A,
			"breach_type": breach_type,
			"period": period,
			"grade": "General",
			"base_amount": 50,
			"multiplier": 1,
			"issued_on": issued_on,
		}
	).insert()
	doc.submit()
	return doc.name


def drop_bulletins() -> None:
	names = frappe.get_all(BULLETIN, {"week_start": WEEK.date()}, pluck="name")
	if names:
		frappe.db.delete("Complaint Penalty Bulletin Item", {"parent": ("in", names)})
		delete_with_traces(BULLETIN, names)
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep


@pytest.fixture(scope="module")
def finance(data, site):
	"""A complaint of department A with four notices issued now, one of the fixed week (in the GM's draft
	bulletin) and an open corrective-action review three days past its due day."""
	frappe.set_user("Administrator")
	drop_bulletins()
	complaint = seeding.new_complaint("Finance" + seeding.MARK, "Penalties to execute")
	frappe.db.set_value("Complaint", complaint, "department", seeding.DEPT_A, update_modified=False)
	now = now_datetime().replace(microsecond=0)
	f = frappe._dict(complaint=complaint)
	f.single = make_notice(complaint, "Transfer", now - timedelta(minutes=3))
	f.bulk = [
		make_notice(complaint, "First Reply", now - timedelta(minutes=2)),
		make_notice(complaint, "Close", now - timedelta(minutes=1)),
	]
	make_notice(complaint, "Monthly Repeat", WEEK + timedelta(days=2), period=1)
	f.bulletin = make_penalty_bulletin(WEEK.date())
	f.bulletin_week_text = "2024-09-02"  # the signing question names the week
	review = frappe.get_doc(
		{
			"doctype": "Complaint Action Review",
			"complaint": complaint,
			"department": seeding.DEPT_A,
			"category": "Product Quality",
			"status": "Open",
			"due_on": add_days(today(), -3),
		}
	)
	review.flags.procedure_action = True
	review.insert()
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	yield f
	seeding.set_language(["gm"], "en")
	drop_bulletins()


def shown(desk) -> None:
	"""Until the dialog has faded in (for the screenshot)."""
	desk.page.wait_for_function(
		"() => Array.from(document.querySelectorAll('.modal.show')).some((m) => getComputedStyle(m).opacity === '1')"
	)


def test_mark_executed_asks_first_and_is_undone_with_a_reason(desk, finance):
	desk.login("executor")
	desk.open_form("complaint-penalty-notice", finance.single)
	desk.button("Mark Executed").click()
	question = desk.dialog()
	expect(question).to_contain_text(f"Mark penalty notice {finance.single} of {seeding.DEPT_A}")
	shown(desk)
	desk.screenshot("notice-mark-executed-confirm-en")
	desk.confirm()
	desk.wait_doc("executed", 1)
	expect(desk.button("Mark Executed")).to_have_count(0)
	# the same day: undo, with a reason
	desk.button("Undo Execution").click()
	desk.dialog()
	desk.fill("reason", UNDO_REASON, scope=DIALOG)
	shown(desk)
	desk.screenshot("notice-undo-execution-en")
	desk.dialog_primary()
	desk.wait_doc("executed", 0)
	expect(desk.button("Mark Executed")).to_be_visible()
	frappe.db.rollback()
	assert frappe.db.get_value(NOTICE, finance.single, ["executed", "executed_by"]) == (0, None)
	steps = frappe.get_all(
		"Complaint Step",
		filters={"parent": finance.complaint, "action": execution_rules.UNDONE_STEP},
		pluck="note",
	)
	assert len(steps) == 1 and UNDO_REASON in steps[0]
	assert frappe.db.exists(
		"Comment", {"reference_name": finance.single, "content": ("like", f"%{UNDO_REASON}%")}
	)


def test_bulk_mark_executed_from_the_notice_list(desk, finance):
	desk.login("executor")
	desk.open_list("complaint-penalty-notice", f"?complaint={finance.complaint}&docstatus=1")
	for name in finance.bulk:
		box = desk.page.locator(f'.list-row-checkbox[data-name="{name}"]')
		expect(box).to_be_visible()
		box.check()
	desk.action("Mark Executed")
	expect(desk.dialog()).to_contain_text("Mark the 2 selected penalty notices executed?")
	desk.confirm()
	desk.page.wait_for_function(
		"""(names) => names.every((n) => {
			const row = document.querySelector(`.list-row-checkbox[data-name="${n}"]`);
			return row && !row.checked;
		})""",
		arg=finance.bulk,
	)
	frappe.db.rollback()
	for name in finance.bulk:
		assert frappe.db.get_value(NOTICE, name, ["executed", "executed_by"]) == (
			1,
			seeding.user("executor"),
		)
	assert frappe.db.get_value(NOTICE, finance.single, "executed") == 0


def open_overview(desk) -> None:
	desk.goto("/app/gm-overview")
	desk.page.wait_for_selector(".cm-gm-overview .gm-departments table")
	desk.page.wait_for_selector(".cm-gm-overview .gm-trend-count svg")
	# the charts grow from zero to the figures (Frappe Charts' first animation): until this week's bars stand
	desk.page.wait_for_function(
		"""() => Array.from(document.querySelectorAll('.gm-trend-count svg .dataset-units rect'))
			.some((bar) => parseFloat(bar.getAttribute('height')) > 0)"""
	)
	desk.idle()


def full_screenshot(desk, name: str) -> None:
	"""The whole page (the reviews lie below the fold)."""
	desk.idle()
	desk.page.screenshot(path=str(desk.screens / f"{name}.png"), full_page=True)


def chart_texts(desk) -> str:
	"""The texts of the trend chart's SVG (its legend: the clocks; its axes)."""
	return " ".join(
		desk.page.evaluate(
			"() => Array.from(document.querySelectorAll('.gm-trend-count svg text')).map((t) => t.textContent)"
		)
	)


def test_the_gm_screen_in_english_and_chinese_signs_the_bulletin(desk, finance):
	desk.login("gm")
	open_overview(desk)
	row = desk.page.locator(f'.gm-departments tr[data-department="{seeding.DEPT_A}"]')
	expect(row).to_be_visible()
	expect(desk.page.locator(f'.gm-bulletins tr[data-bulletin="{finance.bulletin}"]')).to_be_visible()
	expect(desk.page.locator(".gm-reviews")).to_contain_text(finance.complaint)
	expect(desk.page.locator(".gm-reviews")).to_contain_text("overdue by 2 d")
	legends = chart_texts(desk)
	assert "First Reply" in legends and "Monthly Repeat" in legends, legends
	full_screenshot(desk, "gm_screen_en")

	seeding.set_language(["gm"], "zh")
	desk.login("gm")
	open_overview(desk)
	expect(desk.page.locator(".page-head .title-text:visible").first).to_have_text(ZH["GM Overview"])
	heads = desk.visible_texts(".cm-gm-overview h5, .cm-gm-overview th")
	assert heads and all(CJK.search(text) for text in heads), heads
	expect(desk.page.locator(".gm-reviews")).to_contain_text("逾期 2 天")
	zh_legends = chart_texts(desk)  # the legend of the clocks: Chinese, not English
	assert ZH["First Reply"] in zh_legends and "First Reply" not in zh_legends, zh_legends
	full_screenshot(desk, "gm_screen_zh")

	# the bulletin, signed from the screen
	bulletin_row = desk.page.locator(f'.gm-bulletins tr[data-bulletin="{finance.bulletin}"]')
	bulletin_row.locator("button.gm-sign").click()
	expect(desk.dialog()).to_contain_text(finance.bulletin_week_text)
	desk.confirm()
	# signed and gone from the list, or the server's refusal on screen
	outcome = desk.page.wait_for_function(
		"""(name) => {
			if (!document.querySelector(`.gm-bulletins tr[data-bulletin="${name}"]`)) return "signed";
			const shown = document.querySelector(".modal.show .modal-body");
			return shown && !frappe.request.ajax_count ? shown.innerText : false;
		}""",
		arg=finance.bulletin,
		timeout=WAIT,
	).json_value()
	assert outcome == "signed", outcome
	frappe.db.rollback()
	assert frappe.db.get_value(BULLETIN, finance.bulletin, ["docstatus", "signed_by"]) == (
		1,
		seeding.user("gm"),
	)
