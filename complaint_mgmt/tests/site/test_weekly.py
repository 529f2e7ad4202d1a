"""The weekly penalty bulletin (generation, idempotence, signing and sending, execution), its scheduling through
the hooks' cron entry (the scheduled e-mail of the reports: tests/site/test_report_mail.py)."""

import frappe
import pytest
from croniter import croniter
from frappe.utils import get_datetime

from complaint_mgmt.loop import inbox
from complaint_mgmt.outputs import execution, weekly
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.report_week import SALES, SALES_HANDLER, SALES_MANAGER, SERVICE

WEEK_START = "2019-03-04"
APPROVER = "cm-w-approver@example.com"
EXECUTOR = "cm-w-executor@example.com"
MANAGER = "cm-w-manager@example.com"


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people(
		(APPROVER, "Complaint Bulletin Approver"),
		(EXECUTOR, "Complaint Penalty Executor"),
		(MANAGER, "Complaint Manager"),
	)


@pytest.fixture
def week(people):
	set_settings(week_starts_on="Monday", weekly_report_day="Friday", weekly_report_time="17:00:00")
	return report_week.build()


def bulletins(week_start=WEEK_START, live=True):
	filters = {"week_start": week_start}
	if live:
		filters["docstatus"] = ("<", 2)
	return frappe.get_all("Complaint Penalty Bulletin", filters=filters, pluck="name")


def test_bulletin_totals_the_weeks_submitted_uncancelled_notices(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	doc = frappe.get_doc("Complaint Penalty Bulletin", name)
	assert name == "CPB-2019-03-04" and doc.docstatus == 0
	assert (str(doc.week_start), str(doc.week_end)) == ("2019-03-04", "2019-03-10")
	# Sales W: transfer 50 + close 100 + first reply 50 (the cancelled monthly repeat is left out);
	# Service W: transfer 50 (the draft close notice and next week's notice are left out).
	assert [(r.department, r.notice_count, r.amount) for r in doc.items] == [
		(SALES, 3, 200),
		(SERVICE, 1, 50),
	]
	assert doc.total_amount == 250


def test_generating_twice_gives_one_bulletin(week):
	first = weekly.make_penalty_bulletin(WEEK_START)
	assert weekly.make_penalty_bulletin(WEEK_START) == first
	assert bulletins() == [first]


def test_a_cancelled_bulletin_is_replaced_by_an_amendment(week):
	doc = frappe.get_doc("Complaint Penalty Bulletin", weekly.make_penalty_bulletin(WEEK_START))
	doc.submit()
	doc.cancel_reason = "Wrong amounts"
	doc.cancel()
	name = weekly.make_penalty_bulletin(WEEK_START)
	assert name == "CPB-2019-03-04-1"
	assert bulletins() == [name]
	assert frappe.db.get_value("Complaint Penalty Bulletin", name, "amended_from") == doc.name


def test_week_start_must_begin_a_week(week):
	with pytest.raises(frappe.ValidationError):
		weekly.make_penalty_bulletin("2019-03-05")  # a Tuesday
	with pytest.raises(frappe.ValidationError):
		weekly.make_penalty_bulletin("not a date")
	assert bulletins() == []


def test_default_week_is_the_previous_one(week):
	set_settings(week_starts_on="Sunday")
	assert str(weekly.previous_week_start(get_datetime("2019-03-13").date())) == "2019-03-03"


def test_submit_signs_and_notifies_managers_and_leaders(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	frappe.set_user(APPROVER)
	doc = frappe.get_doc("Complaint Penalty Bulletin", name)
	doc.submit()
	assert doc.signed_by == APPROVER
	frappe.set_user("Administrator")
	notified = set(frappe.get_all("Notification Log", filters={"document_name": name}, pluck="for_user"))
	assert {SALES_MANAGER, APPROVER, MANAGER} <= notified
	assert SALES_HANDLER not in notified
	# the executors are told through their inbox that the signed bulletin waits for execution (loop/inbox.py)
	executor_subjects = frappe.get_all(
		"Notification Log", filters={"document_name": name, "for_user": EXECUTOR}, pluck="subject"
	)
	assert executor_subjects == [inbox.bulletin_text("execute", doc)]
	subject = frappe.db.get_value("Notification Log", {"document_name": name, "for_user": MANAGER}, "subject")
	assert "4" in subject and "250" in subject


def test_only_the_approver_side_can_submit(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.PermissionError):
		frappe.get_doc("Complaint Penalty Bulletin", name).submit()


def test_executor_marks_one_notice_executed(week):
	notice = frappe.get_all(
		"Complaint Penalty Notice",
		filters={"docstatus": 1, "executed": 0, "department": SERVICE},
		pluck="name",
	)[0]
	frappe.set_user(EXECUTOR)
	result = execution.mark_executed(notice)
	assert result["executed"] == 1 and result["executed_by"] == EXECUTOR and result["executed_on"]
	with pytest.raises(frappe.ValidationError):
		execution.mark_executed(notice)  # twice
	for user in (MANAGER, SALES_HANDLER):
		frappe.set_user(user)
		with pytest.raises(frappe.PermissionError):
			execution.mark_executed(notice)


def test_draft_notice_cannot_be_executed(week):
	draft = frappe.get_all("Complaint Penalty Notice", filters={"docstatus": 0}, pluck="name")[0]
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.ValidationError):
		execution.mark_executed(draft)
	assert frappe.db.get_value("Complaint Penalty Notice", draft, "executed") == 0


def test_executor_marks_all_notices_of_a_signed_bulletin(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.ValidationError):
		execution.mark_bulletin_executed(name)  # not signed yet
	frappe.set_user(APPROVER)
	frappe.get_doc("Complaint Penalty Bulletin", name).submit()
	frappe.set_user(EXECUTOR)
	assert execution.mark_bulletin_executed(name) == 3  # one of the four was executed already
	assert execution.mark_bulletin_executed(name) == 0
	frappe.set_user("Administrator")
	from complaint_mgmt.complaint_mgmt.report.complaint_penalty_summary.complaint_penalty_summary import (
		execute,
	)

	summary = {row["label"]: row["value"] for row in execute(report_week.WEEK)[4]}
	assert (summary["Executed Amount"], summary["Not Executed Amount"]) == (250, 0)
	# Next week's notice is not part of this bulletin.
	assert frappe.db.get_value("Complaint Penalty Notice", {"complaint": week.k6}, "executed") == 0


def test_generate_bulletin_checks_permission(week):
	frappe.set_user(SALES_HANDLER)
	with pytest.raises(frappe.PermissionError):
		weekly.generate_bulletin(WEEK_START)
	frappe.set_user(MANAGER)
	assert weekly.generate_bulletin(WEEK_START) == "CPB-2019-03-04"


def test_cron_entry_runs_the_bulletin_job_at_least_every_hour():
	crons = frappe.get_hooks("scheduler_events")["cron"]
	(expression,) = [
		cron
		for cron, methods in crons.items()
		if "complaint_mgmt.outputs.weekly.scheduled_bulletin" in methods
	]
	job = frappe.get_doc("Scheduled Job Type", {"method": "complaint_mgmt.outputs.weekly.scheduled_bulletin"})
	assert (job.frequency, job.cron_format, job.stopped) == ("Cron", expression, 0)
	start = get_datetime("2019-03-15 16:00")
	runs = croniter(expression, start)
	assert (runs.get_next(type(start)) - start).total_seconds() <= 3600


def test_scheduled_job_makes_the_previous_weeks_bulletin_on_friday_after_the_report_time(week):
	assert weekly.scheduled_bulletin("2019-03-14 23:00") is None  # Thursday
	assert weekly.scheduled_bulletin("2019-03-15 16:59") is None  # Friday, before 17:00
	assert bulletins() == []
	name = weekly.scheduled_bulletin("2019-03-15 17:00")
	assert name == "CPB-2019-03-04"
	assert weekly.scheduled_bulletin("2019-03-15 17:15") == name  # every later run finds it
	assert weekly.scheduled_bulletin("2019-03-17 23:45") == name
	assert bulletins() == [name]
	# The next week's Monday: nothing new is due before its Friday.
	assert weekly.scheduled_bulletin("2019-03-18 09:00") is None


def test_schedule_follows_the_settings(week):
	set_settings(weekly_report_day="Monday", weekly_report_time="08:00:00", week_starts_on="Monday")
	assert weekly.scheduled_bulletin("2019-03-11 07:59") is None
	assert weekly.scheduled_bulletin("2019-03-11 08:00") == "CPB-2019-03-04"


def test_penalty_bulletin_print_format(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	frappe.set_user(APPROVER)
	frappe.get_doc("Complaint Penalty Bulletin", name).submit()
	html = frappe.get_print("Complaint Penalty Bulletin", name, print_format="Penalty Bulletin")
	assert (
		"Penalty Bulletin of the Executing Departments" in html
	)  # the user's language (zh: test_desk_defaults)
	assert SALES in html and SERVICE in html
	assert html.count("CPN-") == 4  # the four notices confirmed in the week
	assert frappe.get_value("Print Format", "Penalty Bulletin", "doc_type") == "Complaint Penalty Bulletin"
