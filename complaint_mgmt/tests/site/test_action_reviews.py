"""Corrective actions are verified (issue 18 §3) on the site: the daily job opens one review per closure with a
corrective action (not imported, not too early, not long past) with what it found, in the department manager's
inbox (else the Complaint Managers'); a rerun does nothing; a failing row is logged and the job goes on; the
manager records Effective or Not Effective (a new, concrete corrective action) and the step log and the inbox
follow; every refusal writes nothing; an overdue review is flagged to the Complaint Manager once; the report and
the monthly analysis count the reviews, department users seeing only their own."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from complaint_mgmt import api
from complaint_mgmt.complaint_mgmt.report.corrective_action_effectiveness import (
	corrective_action_effectiveness as effectiveness,
)
from complaint_mgmt.complaint_mgmt.report.monthly_complaint_analysis import monthly_complaint_analysis
from complaint_mgmt.engine import action_reviews as job
from complaint_mgmt.outputs import report_check
from complaint_mgmt.tests.site.api_setup import (
	DEPT_MGR,
	GOOD_ACTION,
	HANDLER,
	MGR,
	OTHER,
	SALES,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint, make_department, set_settings

REVIEW = "Complaint Action Review"
OTHER_MANAGER = "cm-sales-manager@example.com"  # the manager of another department
NEW_ACTION = "Scan every part's barcode against the order before packing, from 1 June"


@pytest.fixture
def closed():
	"""A SALES complaint closed 95 days ago (root cause "Wrong part shipped"), two later SALES complaints of its
	category (one with a similar root cause) and two that do not count (another category, another department)."""
	setup_people()
	make_department("Review Other Dept", manager=OTHER_MANAGER)
	name = complaint_at("Closed", received_on=now_datetime() - timedelta(days=100))
	closed_on = now_datetime() - timedelta(days=95)
	frappe.db.set_value("Complaint", name, "closed_on", closed_on, update_modified=False)
	similar = complaint_at("Close Requested", received_on=now_datetime() - timedelta(days=10))
	plain = complaint_at("Transferred", received_on=now_datetime() - timedelta(days=5))
	complaint_at("Transferred", received_on=now_datetime() - timedelta(days=5), category="Delivery")
	elsewhere = make_complaint(received_on=now_datetime() - timedelta(days=5))
	call(SPEC, api.transfer, elsewhere.name, "Finance API3")
	return frappe._dict(name=name, closed_on=closed_on, similar=similar, plain=plain)


def review_of(complaint: str):
	return frappe.get_doc(REVIEW, {"complaint": complaint})


def open_todos(review: str) -> list:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": REVIEW, "reference_name": review, "status": "Open"},
		fields=["allocated_to", "date", "priority", "description"],
	)


def steps(complaint: str) -> list:
	return frappe.get_all(
		"Complaint Step", filters={"parent": complaint}, fields=["action", "note"], order_by="idx asc"
	)


def record(user, review, effective, note="Checked the shipping log.", action=None):
	return call(user, api.review_corrective_action, review, effective, note, action)


def test_the_job_opens_one_review_with_what_it_found(closed):
	totals = job.run_reviews()
	assert totals == {"opened": 1, "flagged": 0, "errors": 0}
	doc = review_of(closed.name)
	today = getdate(now_datetime())
	assert (doc.department, doc.category, doc.status) == (SALES, "Product Quality", "Open")
	assert getdate(doc.opened_on) == today and getdate(doc.due_on) == getdate(add_days(today, 14))
	assert doc.root_cause == "Wrong part shipped" and "drawing" in doc.corrective_action
	assert (doc.recurrences, doc.similar_root_causes) == (2, 1)
	rows = {row.complaint: row for row in doc.recurrence_rows}
	assert set(rows) == {closed.similar, closed.plain}
	assert rows[closed.similar].similar_root_cause == 1 and rows[closed.similar].similarity == 1.0
	assert rows[closed.plain].similar_root_cause == 0
	todos = open_todos(doc.name)
	assert [(t.allocated_to, getdate(t.date)) for t in todos] == [(DEPT_MGR, getdate(doc.due_on))]
	assert "2 complaints of the same category, 1 with a similar root cause" in todos[0].description
	assert frappe.db.exists("Notification Log", {"for_user": DEPT_MGR, "document_name": doc.name})


def test_a_rerun_does_nothing(closed):
	job.run_reviews()
	doc = review_of(closed.name)
	before = (frappe.db.count(REVIEW), frappe.db.count("ToDo"), frappe.db.count("Notification Log"))
	assert job.run_reviews() == {"opened": 0, "flagged": 0, "errors": 0}
	assert (frappe.db.count(REVIEW), frappe.db.count("ToDo"), frappe.db.count("Notification Log")) == before
	assert frappe.db.get_value(REVIEW, doc.name, "modified") == doc.modified


def test_no_review_too_early_for_imported_history_without_action_or_long_past(closed):
	for closed_on, values in (
		(now_datetime() - timedelta(days=89), {}),  # its review day has not come
		(now_datetime() - timedelta(days=95), {"imported": 1}),
		(now_datetime() - timedelta(days=95), {"corrective_action": ""}),
		(now_datetime() - timedelta(days=90 + 31), {}),  # past the catch-up window
	):
		frappe.db.set_value(
			"Complaint",
			closed.name,
			{"closed_on": closed_on, "imported": 0, "corrective_action": GOOD_ACTION, **values},
		)
		assert job.run_reviews()["opened"] == 0, values
	set_settings(effectiveness_review_days=120)
	frappe.db.set_value("Complaint", closed.name, "closed_on", now_datetime() - timedelta(days=95))
	assert job.run_reviews()["opened"] == 0  # the setting decides: 120 days
	set_settings(effectiveness_review_days=95)
	assert job.run_reviews()["opened"] == 1


def test_without_a_manager_the_complaint_managers_get_the_task(closed):
	frappe.db.set_value("Complaint Department", SALES, "manager", None)
	frappe.clear_document_cache("Complaint Department")
	job.run_reviews()
	users = {t.allocated_to for t in open_todos(review_of(closed.name).name)}
	assert MGR in users and DEPT_MGR not in users


def test_a_failing_row_is_logged_and_the_job_goes_on(closed, monkeypatch):
	second = complaint_at("Closed", received_on=now_datetime() - timedelta(days=100))
	frappe.db.set_value("Complaint", second, "closed_on", closed.closed_on + timedelta(hours=1))
	real = job.open_review

	def failing(row, today, now):
		if row.name == closed.name:
			raise RuntimeError("boom")
		return real(row, today, now)

	monkeypatch.setattr(job, "open_review", failing)
	errors_before = frappe.db.count("Error Log")
	assert job.run_reviews() == {"opened": 1, "flagged": 0, "errors": 1}
	assert frappe.db.exists(REVIEW, {"complaint": second})
	assert not frappe.db.exists(REVIEW, {"complaint": closed.name})
	assert frappe.db.count("Error Log") == errors_before + 1
	monkeypatch.setattr(job, "open_review", real)
	assert job.run_reviews()["opened"] == 1  # the next run takes the failed one


def test_the_manager_records_effective(closed):
	job.run_reviews()
	name = review_of(closed.name).name
	result = record(DEPT_MGR, name, True, "No wrong part since the checklist.")
	assert (result.status, result.reviewed_by, result.note) == (
		"Effective",
		DEPT_MGR,
		"No wrong part since the checklist.",
	)
	doc = review_of(closed.name)
	assert doc.status == "Effective" and get_datetime(doc.reviewed_on) <= now_datetime()
	assert not doc.new_corrective_action
	assert open_todos(name) == []
	last = steps(closed.name)[-1]
	assert last.action == "Corrective Action Reviewed" and "Effective" in last.note
	assert frappe.db.get_value("Complaint", closed.name, "status") == "Closed"


def test_not_effective_needs_a_concrete_new_action(closed):
	job.run_reviews()
	name = review_of(closed.name).name
	n_steps = len(steps(closed.name))
	for action, message in (
		(None, "needs a new corrective action"),
		("加强培训、加强检查", "too vague"),
		("Strengthen staff training", "too vague"),
	):
		with pytest.raises(frappe.ValidationError, match=message):
			record(DEPT_MGR, name, False, "Wrong parts again", action)
		assert review_of(closed.name).status == "Open" and len(steps(closed.name)) == n_steps
	result = record(DEPT_MGR, name, False, "Wrong parts again", NEW_ACTION)
	assert (result.status, result.new_corrective_action) == ("Not Effective", NEW_ACTION)
	assert NEW_ACTION in steps(closed.name)[-1].note
	assert open_todos(name) == []


def test_refusals_write_nothing(closed):
	job.run_reviews()
	doc = review_of(closed.name)

	def unchanged():
		now = review_of(closed.name)
		assert (now.status, now.reviewed_by, now.modified) == ("Open", None, doc.modified)
		assert [t.allocated_to for t in open_todos(doc.name)] == [DEPT_MGR]
		assert "Corrective Action Reviewed" not in [s.action for s in steps(closed.name)]

	for user, message in (
		(HANDLER, "Only the manager of department"),  # the department's handler reads it, cannot record
		(OTHER, "You may not read or change"),  # another department's handler: like a missing one
		(OTHER_MANAGER, "You may not read or change"),  # another department's manager
		(SPEC, "You may not read or change"),  # no read on reviews
	):
		with pytest.raises(frappe.PermissionError, match=message):
			record(user, doc.name, True)
		unchanged()
	with pytest.raises(frappe.PermissionError, match="You may not read or change"):
		record(DEPT_MGR, "CAR-NOPE-1", True)
	with pytest.raises(frappe.ValidationError, match="Give a note"):
		record(DEPT_MGR, doc.name, True, "  ")
	with pytest.raises(frappe.ValidationError, match="only when the corrective action was not effective"):
		record(DEPT_MGR, doc.name, True, "fine", NEW_ACTION)
	unchanged()
	with as_user(DEPT_MGR), pytest.raises(frappe.PermissionError):
		frappe.get_doc(REVIEW, doc.name).update({"status": "Effective"}).save()
	unchanged()
	# the Complaint Manager may record it; then it is recorded once
	record(MGR, doc.name, True, "Checked by the Complaint Manager.")
	with pytest.raises(frappe.ValidationError, match="recorded already"):
		record(DEPT_MGR, doc.name, False, "again", NEW_ACTION)
	assert review_of(closed.name).reviewed_by == MGR


def test_who_reads_a_review(closed):
	job.run_reviews()
	name = review_of(closed.name).name
	for user, reads in (
		(DEPT_MGR, True),
		(HANDLER, True),
		(MGR, True),
		(OTHER, False),
		(OTHER_MANAGER, False),
	):
		assert frappe.has_permission(REVIEW, "read", doc=name, user=user) == reads, user
		with as_user(user):
			assert (name in frappe.get_list(REVIEW, pluck="name")) == reads, user


def test_an_overdue_review_is_flagged_to_the_complaint_manager_once(closed):
	job.run_reviews()
	doc = review_of(closed.name)
	later = get_datetime(add_days(doc.due_on, 1)).replace(hour=8)
	assert job.run_reviews(now=add_days(doc.due_on, 0))["flagged"] == 0  # due today: not yet
	assert job.run_reviews(now=later) == {"opened": 0, "flagged": 1, "errors": 0}
	logs = frappe.get_all(
		"Notification Log", filters={"document_type": REVIEW, "document_name": doc.name, "for_user": MGR}
	)
	assert len(logs) == 1
	assert frappe.db.get_value(REVIEW, doc.name, "overdue_flagged") == 1
	assert [t.priority for t in open_todos(doc.name)] == ["High"]
	assert job.run_reviews(now=later + timedelta(days=3))["flagged"] == 0
	assert (
		frappe.db.count(
			"Notification Log", {"document_type": REVIEW, "document_name": doc.name, "for_user": MGR}
		)
		== 1
	)


def test_the_reports_count_the_reviews_for_whom_may_read_them(closed):
	job.run_reviews()
	name = review_of(closed.name).name
	record(DEPT_MGR, name, True)
	today = getdate(now_datetime())
	filters = {"from_date": str(add_days(today, -20)), "to_date": str(add_days(today, 20))}
	_columns, rows, _m, chart, summary = effectiveness.execute(filters)
	row = next(r for r in rows if r.department == SALES and r.category == "Product Quality")
	assert (row.due, row.done, row.effective, row.effective_share, row.recurrences) == (1, 1, 1, 100.0, 2)
	assert row.similar_root_causes == 1 and chart
	assert {s["label"]: s["value"] for s in summary}["Reviews Done"] >= 1
	with as_user(OTHER):  # a handler of another department: none of them
		assert effectiveness.execute(filters)[1] == []
		assert effectiveness.execute({**filters, "department": SALES})[1] == []
	with as_user(DEPT_MGR):
		assert [(r.department, r.due) for r in effectiveness.execute(filters)[1]] == [(SALES, 1)]
	month = {"from_date": str(today.replace(day=1)), "to_date": str(today)}
	_c, month_rows, _m, _chart, month_summary = monthly_complaint_analysis.execute(month)
	totals = {s["label"]: s["value"] for s in month_summary}
	assert totals["Reviews Done"] >= 1 and totals["Reviews Effective"] >= 1
	assert month_rows[-1]["reviews_done"] >= 1
	with as_user(OTHER):
		other = monthly_complaint_analysis.execute(month)[1][-1]
		assert (other["reviews_done"], other["reviews_effective"]) == (0, 0)
	assert report_check.mismatches(month) == []


def test_the_job_runs_daily_on_the_long_queue(monkeypatch):
	crons = frappe.get_hooks("scheduler_events")["cron"]
	(expression,) = [
		c
		for c, methods in crons.items()
		if "complaint_mgmt.engine.action_reviews.schedule_reviews" in methods
	]
	assert expression == "30 1 * * *"
	queued = []
	monkeypatch.setattr(frappe, "enqueue", lambda method, **kw: queued.append((method, kw)))
	job.schedule_reviews()
	assert queued == [
		(
			"complaint_mgmt.engine.action_reviews.run_reviews",
			{"queue": "long", "job_id": job.JOB_ID, "deduplicate": True, "timeout": 3600},
		)
	]


def test_a_chinese_manager_reads_the_task_and_the_refusals_in_chinese(closed):
	frappe.db.set_value("User", DEPT_MGR, "language", "zh")
	job.run_reviews()
	name = review_of(closed.name).name
	(todo,) = open_todos(name)
	assert "请评审其纠正/预防措施是否有效" in todo.description and "同类别抱怨 2 件" in todo.description
	frappe.local.lang, frappe.local.lang_full_dict = "zh", None
	try:
		with pytest.raises(frappe.ValidationError, match="无效的纠正/预防措施需要填写新的纠正/预防措施"):
			record(DEPT_MGR, name, False, "又发错零件")
		with pytest.raises(frappe.PermissionError, match="客诉经理可以评审"):
			record(HANDLER, name, True, "好")
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None
	assert review_of(closed.name).status == "Open"


def test_a_complaint_deleted_after_its_retention_takes_its_reviews_along(closed):
	job.run_reviews()
	review = review_of(closed.name).name
	old = complaint_at("Closed", received_on=now_datetime() - timedelta(days=800))
	frappe.db.set_value("Complaint", old, "closed_on", now_datetime() - timedelta(days=731))
	listing = frappe.get_doc(
		{
			"doctype": REVIEW,
			"complaint": old,
			"department": SALES,
			"status": "Open",
			"due_on": getdate(now_datetime()),
			"recurrences": 1,
			"recurrence_rows": [{"complaint": closed.similar}],
		}
	)
	listing.flags.procedure_action = True
	listing.insert(ignore_permissions=True)
	other = frappe.get_doc(REVIEW, review)  # another review that listed the old complaint as a recurrence
	other.append("recurrence_rows", {"complaint": old})
	other.flags.procedure_action = True
	other.save(ignore_permissions=True)
	for record in frappe.get_all("Complaint Transfer Record", {"complaint": old}, pluck="name"):
		frappe.delete_doc("Complaint Transfer Record", record)  # the complaint's own records first
	frappe.delete_doc("Complaint", old)
	assert not frappe.db.exists("Complaint", old)
	assert not frappe.db.exists(REVIEW, listing.name)
	assert not frappe.db.exists("Complaint Action Review Recurrence", {"parent": listing.name})
	assert not frappe.db.exists("Complaint Action Review Recurrence", {"complaint": old})
	assert frappe.db.get_value(REVIEW, review, "recurrences") == 2  # as found
	with pytest.raises(frappe.ValidationError, match="kept"):  # the retention guard still decides
		frappe.delete_doc("Complaint", closed.name)
	assert frappe.db.exists(REVIEW, review)
