"""Every notice explains itself (issue 18, section 1): the sweep stores how it reached each notice, the form and
the prints show it in the reader's language, and complaint_mgmt.api.verify_notices recomputes every notice of a
period from the complaint's history (step log, transfer records, escalations, pauses) and finds no difference."""

import json
from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt import api
from complaint_mgmt.engine import deadlines, notice_why
from complaint_mgmt.loop import steps
from complaint_mgmt.patches.v1 import notice_computations
from complaint_mgmt.procedure import notice_computation as nc
from complaint_mgmt.tests.site.api_setup import (
	DEPT_MGR,
	FINANCE,
	GM,
	GOOD_ACTION,
	HANDLER,
	OTHER,
	SALES,
	SPEC,
	call,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint, make_user, set_settings
from complaint_mgmt.weekly import make_penalty_bulletin

R = datetime(2026, 1, 5, 9, 0)  # a Monday in the past
H = timedelta(hours=1)
DAY = timedelta(days=1)
NOTICE = "Complaint Penalty Notice"


@pytest.fixture(autouse=True)
def people():
	return setup_people()


@pytest.fixture
def at(monkeypatch):
	def pin(instant: datetime) -> None:
		monkeypatch.setattr(steps, "now", lambda: instant)

	return pin


def computations(complaint: str) -> dict[tuple, dict]:
	rows = frappe.get_all(
		NOTICE,
		filters={"complaint": complaint, "docstatus": 1},
		fields=["breach_type", "period", "computation", "explanation", "amount", "due_on"],
	)
	return {(r.breach_type, r.period): json.loads(r.computation) | {"_row": r} for r in rows}


def verified(*complaints: str) -> list:
	"""verify_notices over the tests' year, as to the notices of `complaints` (a shared test site may keep
	committed notices of other runs, judged under this test's settings)."""
	return [row for row in api.verify_notices("2026-01-01", "2026-12-31") if row["complaint"] in complaints]


def test_transfer_first_reply_close_with_escalation_and_monthly_repeats_with_a_pause(at):
	name = make_complaint(received_on=R).name
	at(R + H)
	call(SPEC, api.transfer, name, SALES)
	deadlines.run_sweep(now=R + 4 * H + 30 * timedelta(minutes=1))  # the transfer clock: not acknowledged yet
	at(R + 5 * H)
	call(HANDLER, api.acknowledge, name)
	deadlines.run_sweep(now=R + 30 * H)  # the first-reply clock: due R + 29 h
	at(R + 31 * H)
	call(HANDLER, api.pause, name, "Customer abroad")
	at(R + 43 * H)
	call(SPEC, api.resume, name)
	deadlines.run_sweep(now=R + 90 * H)  # close due R + 72 h + 12 h paused
	deadlines.run_sweep(now=R + 84 * H + 61 * DAY)  # two monthly repeats at once
	c = computations(name)
	assert sorted(c) == [
		("Close", 0),
		("First Reply", 0),
		("Monthly Repeat", 1),
		("Monthly Repeat", 2),
		("Transfer", 0),
	]
	transfer = c[("Transfer", 0)]
	assert (transfer["started_on"], transfer["start_event"], transfer["due_on"]) == (
		"2026-01-05 09:00:00",
		nc.RECEIVED,
		"2026-01-05 13:00:00",
	)
	assert (
		transfer["done_on"] is None
		and transfer["late_hours"] == 0.5
		and transfer["checked_on"] == "2026-01-05 13:30:00"
	)
	first = c[("First Reply", 0)]
	assert (first["started_on"], first["start_event"], first["allowed_hours"], first["due_on"]) == (
		"2026-01-05 14:00:00",
		nc.ACKNOWLEDGED,
		24,
		"2026-01-06 14:00:00",
	)
	close = c[("Close", 0)]
	assert close["pauses"] == [["2026-01-06 16:00:00", "2026-01-07 04:00:00"]] and close["paused_hours"] == 12
	assert (close["allowed_hours"], close["due_on"], close["late_hours"]) == (72, "2026-01-08 21:00:00", 6)
	assert (close["escalated_from"], close["escalated_to"], close["penalty_grade"], close["amount"]) == (
		"General",
		"Medium",
		"Medium",
		100,
	)
	assert (
		close["_row"].amount == 100 and "escalated from General to Medium first" in close["_row"].explanation
	)
	repeat = c[("Monthly Repeat", 2)]
	assert (repeat["period"], repeat["multiplier"], repeat["base_amount"], repeat["amount"]) == (
		2,
		2,
		100,
		200,
	)
	assert repeat["due_on"] == nc.fmt(R + 84 * H + 60 * DAY) and repeat["clock_due_on"] == close["due_on"]
	for key in (
		"basis",
		"pauses",
		"paused_hours",
		"done_on",
		"late_hours",
		"period",
		"multiplier",
		"base_amount",
	):
		assert key in transfer
	assert verified(name) == []


def test_return_visit_cycles_and_a_retransfer_round_are_recomputed_from_the_log_and_the_records(at):
	name = make_complaint(received_on=R).name
	at(R + H)
	call(SPEC, api.transfer, name, SALES)
	deadlines.run_sweep(now=R + 5 * H)  # Transfer round 0: the department's
	at(R + 6 * H)
	call(SPEC, api.transfer, name, FINANCE)  # round 1 starts now
	at(R + 11 * H)
	call(OTHER, api.acknowledge, name)  # 1 h late: done before the sweep below saw it
	deadlines.run_sweep(now=R + 12 * H)
	at(R + 12 * H)
	call(OTHER, api.reply, name, "Checking")
	at(R + 13 * H)
	call(OTHER, api.request_close, name, "Replaced", "Wrong part", GOOD_ACTION)
	deadlines.run_sweep(now=R + 26 * H)  # return visit cycle 0: due R + 25 h
	at(R + 27 * H)
	call(SPEC, api.record_return_visit, name, False, "Not satisfied")  # a new cycle
	at(R + 28 * H)
	call(OTHER, api.request_close, name, "Replaced again", "Wrong part", GOOD_ACTION)
	deadlines.run_sweep(now=R + 41 * H)  # cycle 1: due R + 40 h
	c = computations(name)
	assert (
		("Transfer", 0) in c
		and ("Transfer", 1) in c
		and ("Return Visit", 0) in c
		and ("Return Visit", 1) in c
	)
	round1 = c[("Transfer", 1)]
	assert (round1["start_event"], round1["started_on"], round1["done_on"], round1["late_hours"]) == (
		nc.RETRANSFERRED,
		"2026-01-05 15:00:00",
		"2026-01-05 20:00:00",
		1,
	)
	assert c[("Return Visit", 0)]["started_on"] == "2026-01-05 22:00:00"
	assert c[("Return Visit", 1)]["started_on"] == "2026-01-06 13:00:00"
	assert verified(name) == []


def test_business_hours_with_a_holiday(at):
	set_settings(
		use_business_hours=1,
		working_windows=[
			{"weekday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
			for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
		],
		holidays=[{"holiday_date": "2026-01-12"}],
	)
	friday = datetime(2026, 1, 9, 16, 0)
	name = make_complaint(received_on=friday).name
	deadlines.run_sweep(now=datetime(2026, 1, 13, 13, 0))  # 1 h Friday, Monday a holiday, 3 h Tuesday
	transfer = computations(name)[("Transfer", 0)]
	assert transfer["due_on"] == "2026-01-13 12:00:00" and transfer["allowed_hours"] == 4
	assert transfer["basis"]["type"] == nc.BUSINESS and transfer["basis"]["holidays"] == ["2026-01-12"]
	assert transfer["late_hours"] == 1 and "business hours" in transfer["_row"].explanation
	assert verified(name) == []


def test_a_tampered_computation_is_reported_and_only_a_system_manager_may_verify(at):
	name = make_complaint(received_on=R).name
	deadlines.run_sweep(now=R + 5 * H)
	notice = frappe.get_last_doc(NOTICE, filters={"complaint": name})
	assert verified(name) == []
	tampered = json.loads(notice.computation) | {"allowed_hours": 2, "amount": 25}
	frappe.db.set_value(NOTICE, notice.name, "computation", json.dumps(tampered))
	found = [row for row in verified(name) if row["notice"] == notice.name]
	assert (
		found
		and found[0]["differs"] == ["allowed_hours", "amount"]
		and found[0]["recomputed"]["amount"] == 50
	)
	assert notice.name not in {r["notice"] for r in api.verify_notices("2026-02-01", "2026-02-28")}
	for user in (SPEC, make_user("cm-notice-mgr@example.com", "Complaint Manager")):
		with pytest.raises(frappe.PermissionError):
			call(user, api.verify_notices, "2026-01-01", "2026-12-31")
	with pytest.raises(frappe.ValidationError):
		api.verify_notices("2026-12-31", "2026-01-01")
	with pytest.raises(frappe.ValidationError):
		api.verify_notices("not a date", "2026-01-01")
	frappe.db.set_value(NOTICE, notice.name, "computation", notice.computation)  # the autouse check's turn


def test_the_form_and_the_prints_explain_the_notice_in_the_readers_language(at):
	name = make_complaint(received_on=R).name
	deadlines.run_sweep(now=R + 5 * H)
	notice = frappe.get_last_doc(NOTICE, filters={"complaint": name})
	assert notice.explanation.startswith("The Transfer clock started at 2026-01-05 09:00:00")
	notice.run_method("onload")
	why = notice.get_onload().why
	assert (
		why["paragraph"] == notice.explanation.splitlines()[0]
		and ["Deadline", "2026-01-05 13:00:00"] in why["rows"]
	)
	html = frappe.get_print(NOTICE, notice.name, print_format="Complaint Penalty Notice")
	assert "Why this notice" in html and "not done by the sweep at 2026-01-05 14:00:00" in html
	frappe.local.lang = "zh"
	try:
		notice.run_method("onload")
		zh = notice.get_onload().why
		assert (
			"移交时限从 2026-01-05 09:00:00 开始计时" in zh["paragraph"]
			and ["截止时间", "2026-01-05 13:00:00"] in zh["rows"]
		)
		html = frappe.get_print(NOTICE, notice.name, print_format="Complaint Penalty Notice")
		assert "处罚依据" in html and "开始计时" in html
	finally:
		frappe.local.lang = "en"
	assert notice.explanation.startswith(
		"The Transfer clock"
	)  # stored in the site's language, never re-rendered
	bulletin = make_penalty_bulletin("2026-01-05")
	html = frappe.get_print("Complaint Penalty Bulletin", bulletin, print_format="Penalty Bulletin")
	assert "Why this notice: The Transfer clock started at 2026-01-05 09:00:00" in html


def test_a_notice_issued_by_hand_says_so(at):
	name = make_complaint(received_on=R).name
	doc = frappe.get_doc(
		{
			"doctype": NOTICE,
			"complaint": name,
			"department": SALES,
			"breach_type": "Transfer",
			"grade": "General",
			"base_amount": 10,
			"multiplier": 1,
			"issued_on": R,
		}
	).insert()
	assert not doc.computation and doc.explanation.startswith("This notice was issued by hand")
	doc.run_method("onload")
	assert doc.get_onload().why == {"paragraph": doc.explanation, "rows": []}
	assert notice_why.by_hand(doc)
	assert notice_why.check([]) == (0, [])


def test_the_patch_fills_earlier_notices_or_says_plainly_it_cannot(at):
	name = make_complaint(received_on=R).name
	deadlines.run_sweep(now=R + 5 * H)
	other = make_complaint(received_on=R).name
	deadlines.run_sweep(now=R + 6 * H)
	first = frappe.get_last_doc(NOTICE, filters={"complaint": name})
	second = frappe.get_last_doc(NOTICE, filters={"complaint": other})
	for notice in (first, second):  # as issued before this change
		frappe.db.set_value(NOTICE, notice.name, {"computation": None, "explanation": None})
	frappe.db.set_value(NOTICE, second.name, "base_amount", 70)  # a figure the history does not give
	notice_computations.execute()
	filled = frappe.db.get_value(NOTICE, first.name, ["computation", "explanation"], as_dict=True)
	assert json.loads(filled.computation) == json.loads(first.computation)
	assert filled.explanation == first.explanation
	missing = frappe.db.get_value(NOTICE, second.name, ["computation", "explanation"], as_dict=True)
	assert missing.computation is None and missing.explanation.startswith(
		"How this notice was reached is not available"
	)
	notice_computations.execute()  # again: nothing left to do, nothing changed
	assert frappe.db.get_value(NOTICE, first.name, "computation") == filled.computation


def test_a_notice_reduced_on_appeal_keeps_its_computation_and_says_its_amount_changed(at):
	now = now_datetime().replace(microsecond=0)
	name = make_complaint(received_on=now - 5 * H).name
	at(now - 4 * H)  # transferred before the deadline: the department's notice
	call(SPEC, api.transfer, name, SALES)
	deadlines.run_sweep(now=now)
	notice = frappe.get_last_doc(NOTICE, filters={"complaint": name, "breach_type": "Transfer"})
	appeal = call(DEPT_MGR, api.appeal_notice, notice.name, "The receiver was on sick leave")
	call(GM, api.decide_appeal, appeal.name, "Reduced", "Sick leave, half the penalty", 25)
	amended = frappe.get_last_doc(NOTICE, filters={"amended_from": notice.name})
	assert amended.amount == 25 and amended.computation == notice.computation
	amended.run_method("onload")
	why = amended.get_onload().why
	assert "changed to 25.00 afterwards" in why["paragraph"] and ["Amount Now", "25.00"] in why["rows"]
	checked, differing = notice_why.check(
		frappe.get_all(NOTICE, filters={"complaint": name}, fields=notice_why.NOTICE_FIELDS)
	)
	assert checked == 2 and differing == []  # the cancelled notice and its amendment
