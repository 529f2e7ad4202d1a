"""The deadline sweep on a real site: boundaries, late parties, escalation, monthly repeats, business hours,
pauses, skipped complaints, warnings and failure isolation. Time is simulated with run_sweep(now=...)."""

from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import get_datetime

from complaint_mgmt.engine import deadlines
from complaint_mgmt.engine import notices as engine_notices
from complaint_mgmt.setup.seed import SERVICE_CENTER
from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user, set_settings

R = datetime(2026, 1, 5, 9, 0)  # a Monday in the past: every instant below lies before the real "now"
SEC = timedelta(seconds=1)
H = timedelta(hours=1)


@pytest.fixture
def people():
	specialist = make_user("sweep.specialist@example.com", "Complaint Specialist")
	receiver = make_user("sweep.receiver@example.com", "Complaint Handler")
	manager = make_user("sweep.manager@example.com", "Complaint Department Manager")
	department = make_department("Sweep Dept", receivers=[receiver], manager=manager)
	return frappe._dict(specialist=specialist, receiver=receiver, manager=manager, department=department)


def advance(doc, **fields):
	"""Put the complaint into a state the way the procedure's actions do."""
	doc.update(fields)
	doc.flags.procedure_action = True
	doc.save()
	return doc


def transferred(people, received_on=R, grade="General", **fields):
	doc = make_complaint(received_on=received_on, grade=grade, specialist=people.specialist)
	values = {
		"status": "Transferred",
		"department": people.department,
		"receiver": people.receiver,
		"transferred_on": received_on + timedelta(minutes=30),
	}
	values.update(fields)
	return advance(doc, **values)


def acknowledged(people, received_on=R, grade="General", **fields):
	values = {"status": "Acknowledged", "acknowledged_on": received_on + H}
	values.update(fields)
	return transferred(people, received_on, grade, **values)


def notices(complaint: str) -> list[tuple]:
	return [
		tuple(row)
		for row in frappe.get_all(
			"Complaint Penalty Notice",
			filters={"complaint": complaint, "docstatus": 1},
			fields=["breach_type", "period", "grade", "amount", "department"],
			order_by="due_on asc, period asc",
			as_list=True,
		)
	]


def inbox(user: str, name: str) -> int:
	return frappe.db.count("Notification Log", {"for_user": user, "document_name": name})


def test_next_check_at_is_stored_on_save(people):
	doc = make_complaint(received_on=R, specialist=people.specialist)
	assert doc.next_check_at == R + timedelta(hours=3.2)  # 80 % of the 4-hour transfer clock
	advance(doc, status="Closed", closed_on=R + H)
	assert doc.next_check_at is None


def test_transfer_breach_at_the_boundary_falls_on_the_service_center(people):
	doc = make_complaint(received_on=R, specialist=people.specialist)
	deadlines.run_sweep(now=R + 4 * H - SEC)
	assert notices(doc.name) == []
	result = deadlines.run_sweep(now=R + 4 * H)
	assert result["notices"] >= 1 and result["breaches"] >= 1
	assert notices(doc.name) == [("Transfer", 0, "General", 50.0, SERVICE_CENTER)]
	deadlines.run_sweep(now=R + 4 * H + 10 * SEC)
	assert len(notices(doc.name)) == 1
	doc.reload()
	assert doc.transfer_breached == 1 and doc.transfer_warned == 1
	assert get_datetime(doc.next_check_at) == R + timedelta(hours=72 * 0.8)  # the close warning
	notice = frappe.get_last_doc("Complaint Penalty Notice", filters={"complaint": doc.name})
	assert notice.docstatus == 1 and notice.responsible_user == people.specialist
	assert get_datetime(notice.due_on) == R + 4 * H


def test_transfer_breach_after_transfer_falls_on_the_department(people):
	doc = transferred(people)
	deadlines.run_sweep(now=R + 4 * H)
	assert notices(doc.name) == [("Transfer", 0, "General", 50.0, people.department)]
	assert inbox(people.manager, frappe.get_last_doc("Complaint Penalty Notice").name) == 1


def test_first_reply_breach_at_the_boundary(people):
	doc = acknowledged(people)
	due = R + H + 24 * H
	assert get_datetime(doc.first_reply_due) == due
	deadlines.run_sweep(now=due - SEC)
	assert notices(doc.name) == []
	deadlines.run_sweep(now=due)
	assert notices(doc.name) == [("First Reply", 0, "General", 50.0, people.department)]


def test_close_breach_escalates_and_fines_at_the_new_grade(people):
	doc = acknowledged(people, first_replied_on=R + 2 * H, status="Replied")
	deadlines.run_sweep(now=R + 72 * H - SEC)
	doc.reload()
	assert notices(doc.name) == [] and doc.grade == "General"
	result = deadlines.run_sweep(now=R + 72 * H)
	assert result["escalations"] == 1
	doc.reload()
	assert notices(doc.name) == [("Close", 0, "Medium", 100.0, people.department)]
	assert (doc.grade, doc.original_grade, doc.escalation_count, doc.close_breached) == (
		"Medium",
		"General",
		1,
		1,
	)
	row = doc.escalations[0]
	assert (row.from_grade, row.to_grade, get_datetime(row.escalated_on)) == ("General", "Medium", R + 72 * H)
	assert row.reason
	# breached and started deadlines never move: no cascade of breaches from the escalation
	assert get_datetime(doc.close_due) == R + 72 * H
	assert get_datetime(doc.transfer_due) == R + 4 * H
	assert get_datetime(doc.first_reply_due) == R + 25 * H
	assert inbox(people.manager, frappe.get_last_doc("Complaint Penalty Notice").name) == 1


def test_escalation_chain_general_medium_strong_strong(people):
	hours = {"General": 72, "Medium": 120, "Strong": 168}
	docs = {g: acknowledged(people, grade=g, first_replied_on=R + 2 * H, status="Replied") for g in hours}
	deadlines.run_sweep(now=R + 168 * H)
	result = {}
	for grade, doc in docs.items():
		doc.reload()
		result[grade] = (doc.grade, [n for n in notices(doc.name) if n[0] == "Close"])
	assert result == {
		"General": ("Medium", [("Close", 0, "Medium", 100.0, people.department)]),
		"Medium": ("Strong", [("Close", 0, "Strong", 200.0, people.department)]),
		"Strong": ("Strong", [("Close", 0, "Strong", 200.0, people.department)]),
	}
	assert [len(d.escalations) for d in docs.values()] == [1, 1, 0]


def test_monthly_repeats_one_per_period_at_n_times_the_current_close_penalty(people):
	set_settings(monthly_multiplier=3, repeat_period_days=30)
	doc = acknowledged(people, first_replied_on=R + 2 * H, status="Replied")
	close_due = R + 72 * H
	deadlines.run_sweep(now=close_due)
	deadlines.run_sweep(now=close_due + timedelta(days=30) - SEC)
	assert [n[0] for n in notices(doc.name)] == ["Close"]
	deadlines.run_sweep(now=close_due + timedelta(days=30))
	assert notices(doc.name)[1:] == [("Monthly Repeat", 1, "Medium", 300.0, people.department)]
	deadlines.run_sweep(now=close_due + timedelta(days=95))  # periods 2 and 3 at once: one notice each
	assert [n[1:4] for n in notices(doc.name)[1:]] == [(k, "Medium", 300.0) for k in (1, 2, 3)]
	doc.reload()
	assert doc.repeat_periods_issued == 3
	assert get_datetime(doc.next_check_at) == close_due + timedelta(days=120)


def test_return_visit_breach_when_penalized(people):
	asked = R + 10 * H
	doc = acknowledged(people, first_replied_on=R + 2 * H, close_requested_on=asked, status="Close Requested")
	due = asked + 12 * H
	assert get_datetime(doc.return_visit_due) == due
	deadlines.run_sweep(now=due - SEC)
	assert notices(doc.name) == []
	deadlines.run_sweep(now=due)
	assert notices(doc.name) == [("Return Visit", 0, "General", 50.0, SERVICE_CENTER)]


def test_return_visit_not_penalized_when_switched_off(people):
	set_settings(penalize_return_visit=0)
	doc = acknowledged(
		people, first_replied_on=R + 2 * H, close_requested_on=R + 10 * H, status="Close Requested"
	)
	deadlines.run_sweep(now=R + 30 * H)
	assert notices(doc.name) == []
	assert frappe.db.get_value("Complaint", doc.name, "next_check_at") is None


def test_business_hours_deadlines(people):
	set_settings(
		use_business_hours=1,
		working_windows=[
			{"weekday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
			for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
		],
	)
	friday = datetime(2026, 1, 9, 16, 0)
	doc = make_complaint(received_on=friday, specialist=people.specialist)
	due = datetime(2026, 1, 12, 12, 0)  # 1 h on Friday + 3 h on Monday
	assert get_datetime(doc.transfer_due) == due
	assert get_datetime(doc.next_check_at) == datetime(2026, 1, 12, 11, 12)  # 3.2 working hours
	deadlines.run_sweep(now=due - SEC)
	assert notices(doc.name) == []
	deadlines.run_sweep(now=due)
	assert [n[0] for n in notices(doc.name)] == ["Transfer"]


def test_paused_time_is_excluded_and_a_paused_complaint_is_skipped(people):
	doc = make_complaint(received_on=R, specialist=people.specialist)
	advance(doc, pauses=[{"paused_on": R + H, "resumed_on": R + 3 * H, "reason": "Customer abroad"}])
	assert get_datetime(doc.transfer_due) == R + 6 * H
	deadlines.run_sweep(now=R + 6 * H - SEC)
	assert [n[0] for n in notices(doc.name)] == []
	deadlines.run_sweep(now=R + 6 * H)
	assert [n[0] for n in notices(doc.name)] == ["Transfer"]
	waiting = transferred(people, status="Waiting on Customer", status_before_pause="Transferred")
	advance(waiting, pauses=[{"paused_on": R + H, "reason": "Waiting for documents"}])
	assert waiting.next_check_at is None
	deadlines.run_sweep(now=R + timedelta(days=200))
	assert notices(waiting.name) == []


def test_irrational_deferred_and_closed_are_never_penalized(people):
	irrational = make_complaint(received_on=R, grade="Irrational", specialist=people.specialist)
	deferred = advance(
		transferred(people), status="Deferred", irrational_stage="Secondary", follow_up_mode="Watch"
	)
	closed = advance(transferred(people), status="Closed", closed_on=R + H)
	for doc in (irrational, deferred, closed):
		assert doc.next_check_at is None
	deadlines.run_sweep(now=R + timedelta(days=400))
	for doc in (irrational, deferred, closed):
		assert notices(doc.name) == []
		assert frappe.db.count("Notification Log", {"document_name": doc.name}) == 0


def test_warnings_once_to_whoever_must_act(people):
	doc = make_complaint(received_on=R, specialist=people.specialist)
	warn = R + timedelta(hours=3.2)
	assert deadlines.run_sweep(now=warn - SEC)["warnings"] == 0
	assert deadlines.run_sweep(now=warn)["warnings"] == 1
	deadlines.run_sweep(now=warn + timedelta(minutes=10))
	assert inbox(people.specialist, doc.name) == 1
	assert frappe.db.get_value("Complaint", doc.name, "transfer_warned") == 1
	moved = transferred(people)  # after the transfer the receiver must act
	deadlines.run_sweep(now=warn)
	assert inbox(people.receiver, moved.name) == 1


def test_a_failing_complaint_is_logged_and_does_not_stop_the_others(people, monkeypatch):
	"""A complaint failing in its own handling: its savepoint is rolled back, the batch goes on."""
	bad = make_complaint(received_on=R, specialist=people.specialist)
	good = make_complaint(received_on=R, specialist=people.specialist)
	real = engine_notices.build_notice

	def failing(doc, event, ctx, *escalation):
		if doc.name == bad.name:
			raise RuntimeError("boom")
		return real(doc, event, ctx, *escalation)

	monkeypatch.setattr(engine_notices, "build_notice", failing)
	result = deadlines.run_sweep(now=R + 4 * H)
	assert result["errors"] == 1
	assert notices(bad.name) == [] and len(notices(good.name)) == 1
	assert frappe.db.get_value("Complaint", bad.name, "transfer_breached") == 0
	assert frappe.db.exists("Error Log", {"reference_name": bad.name})
	monkeypatch.setattr(engine_notices, "build_notice", real)
	deadlines.run_sweep(now=R + 4 * H)
	assert len(notices(bad.name)) == 1 and len(notices(good.name)) == 1


def test_a_batch_failing_as_a_whole_is_retried_one_complaint_at_a_time(people, monkeypatch):
	"""Writing the batch's notices fails (as a deadlock would): the batch is undone and each complaint is
	handled in its own transaction, so only the one that causes the failure is logged and left due."""
	bad = make_complaint(received_on=R, specialist=people.specialist)
	good = make_complaint(received_on=R, specialist=people.specialist)
	real = engine_notices.issue
	calls = []

	def failing(pending, warnings, ctx):
		calls.append(sorted({doc.name for _notice, doc in pending}))
		if any(doc.name == bad.name for _notice, doc in pending):
			raise RuntimeError("boom")
		return real(pending, warnings, ctx)

	monkeypatch.setattr(engine_notices, "issue", failing)
	result = deadlines.run_sweep(now=R + 4 * H)
	assert sorted([bad.name, good.name]) in calls  # first together, then one by one
	assert [good.name] in calls and [bad.name] in calls
	assert result["errors"] == 1
	assert notices(bad.name) == [] and len(notices(good.name)) == 1
	assert frappe.db.get_value("Complaint", bad.name, "transfer_breached") == 0
	assert frappe.db.exists("Error Log", {"reference_name": bad.name})
	monkeypatch.setattr(engine_notices, "issue", real)
	deadlines.run_sweep(now=R + 4 * H)
	assert len(notices(bad.name)) == 1 and len(notices(good.name)) == 1


def test_sweep_accepts_a_string_clock_and_reports_counts(people):
	make_complaint(received_on=R, specialist=people.specialist)
	result = deadlines.run_sweep(now=str(R + 4 * H))
	assert {"breaches", "notices", "escalations", "warnings"} <= set(result)
	assert result["notices"] >= 1
