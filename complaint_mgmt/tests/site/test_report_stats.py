"""Issue 12, item 2: the reports' pre-aggregated daily rows (outputs/report_stats.py) are exact. Counting the
crafted week and months changes no figure of any report, for any filter and user; a counted complaint that a
step changes leaves the rows in the same transaction; the flag cannot be set from outside; counting is
idempotent and waits for a clock's verdict to be final."""

from datetime import date, timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt.loop import actions
from complaint_mgmt.outputs import report_check, report_stats
from complaint_mgmt.procedure import report_stats as rules
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.report_week import SALES, SALES_HANDLER, SERVICE, SERVICE_HANDLER, WEEK

FILTER_SETS = [
	WEEK,
	{"from_date": "2019-03-05", "to_date": "2019-03-07"},
	{"from_date": "2019-02-01", "to_date": "2019-04-30"},
	{"from_date": "2018-06-01", "to_date": "2019-05-31"},
	{**WEEK, "department": SALES},
	{**WEEK, "department": SERVICE},
	{**WEEK, "show_step_hours": 1},
]


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture
def week(people):
	k = report_week.build()
	k.names = [value for key, value in k.items() if key.startswith("k")]
	frappe.db.set_value("Complaint", k.k1, "root_cause", "Engine  part\ndefect", update_modified=False)
	frappe.db.set_value("Complaint", k.k3, "root_cause", "engine part defect", update_modified=False)
	return k


def daily_totals() -> dict:
	return {
		"received": frappe.db.sql("select coalesce(sum(received), 0) from `tabComplaint Daily Stat`")[0][0],
		"counts": frappe.db.sql("select coalesce(sum(n), 0) from `tabComplaint Daily Count`")[0][0],
	}


def test_counting_changes_no_figure_for_any_filter_or_user(week):
	before = {}
	for user in ("Administrator", SALES_HANDLER, SERVICE_HANDLER):
		frappe.set_user(user)
		before[user] = [report_check.run(r, f) for f in FILTER_SETS for r in report_check.AGGREGATED_REPORTS]
	frappe.set_user("Administrator")
	assert report_week.count(week.names) == 4
	for user, expected in before.items():
		frappe.set_user(user)
		after = [report_check.run(r, f) for f in FILTER_SETS for r in report_check.AGGREGATED_REPORTS]
		assert after == expected, user
		for filters in FILTER_SETS:
			assert report_check.mismatches(filters) == [], (user, filters)
	frappe.set_user("Administrator")
	# the counted complaints are really read from the rows now: raw mode reads them from the table instead
	counted = frappe.get_all("Complaint", {"name": ("in", week.names), "stats_counted": 1}, pluck="name")
	assert sorted(counted) == sorted([week.k1, week.k3, week.k5, week.k6])


def test_root_causes_differing_only_in_case_stay_apart(week):
	report_week.count(week.names)
	filters = {"from_date": "2019-03-01", "to_date": "2019-03-31"}
	(row,) = report_check.run("Monthly Complaint Analysis", filters)["rows"]
	# k1 "Engine part defect" (whitespace collapsed) and k3 "engine part defect" are two causes, in two
	# categories; the database's collation would have merged them
	assert "Test Engine: Engine part defect (1)" in row["top_root_causes"]
	assert "Test Paint: engine part defect (1)" in row["top_root_causes"]
	assert report_check.mismatches(filters) == []


def test_a_step_on_a_counted_complaint_takes_it_out_of_the_rows(week):
	report_week.count(week.names)
	before = daily_totals()
	frappe.set_user(SALES_HANDLER)
	actions.request_close(week.k5, "Replaced the part.", "Supplier defect", "Supplier audit scheduled")
	frappe.set_user("Administrator")
	assert frappe.db.get_value("Complaint", week.k5, "stats_counted") == 0
	after = daily_totals()
	assert after["received"] == before["received"] - 1
	assert after["counts"] == before["counts"] - 2  # its category and its grade
	for filters in FILTER_SETS:
		assert report_check.mismatches(filters) == [], filters
	# running again, it is not settled (a clock may run): the job leaves it raw
	assert report_stats.count_settled()["counted"] == 0
	assert frappe.db.get_value("Complaint", week.k5, "stats_counted") == 0


def test_a_save_that_changes_no_figure_keeps_it_counted(week):
	report_week.count(week.names)
	before = daily_totals()
	doc = frappe.get_doc("Complaint", week.k6)  # closed: read-only, a save changes nothing the reports show
	doc.add_comment("Comment", "Customer called to say thanks.")
	doc.save()
	assert frappe.db.get_value("Complaint", week.k6, "stats_counted") == 1
	assert daily_totals() == before
	assert report_check.mismatches(WEEK) == []


def test_the_flag_cannot_be_set_or_cleared_by_a_save(week):
	doc = frappe.get_doc("Complaint", week.k2)  # running: never counted
	doc.stats_counted = 1
	doc.save()
	assert frappe.db.get_value("Complaint", week.k2, "stats_counted") == 0
	report_week.count(week.names)
	stale = frappe.get_doc("Complaint", week.k6)
	stale.stats_counted = 0  # what a client (or a copy loaded before counting) may send
	stale.save()
	assert frappe.db.get_value("Complaint", week.k6, "stats_counted") == 1
	assert report_check.mismatches(WEEK) == []


def test_counting_is_idempotent_and_forgetting_restores_the_raw_answer(week):
	report_week.count(week.names)
	totals = daily_totals()
	assert report_stats.count_settled()["counted"] == 0
	assert daily_totals() == totals
	assert report_stats.forget(week.names) == 4
	assert frappe.db.count("Complaint", {"name": ("in", week.names), "stats_counted": 1}) == 0
	assert daily_totals()["received"] == totals["received"] - 4
	# the days only these complaints filled are gone, not kept as rows of zeros
	assert not frappe.db.exists("Complaint Daily Stat", {"day": "2019-03-08", "department": SALES})
	for filters in FILTER_SETS:
		assert report_check.mismatches(filters) == [], filters


def test_a_closed_complaint_waits_until_its_clock_verdict_is_final(week):
	now = now_datetime()
	name = report_week.complaint(now - timedelta(hours=2), SALES, "Test Engine", status="Closed",
		closure_type="First Closure", close_due_h=50, closed_on_h=1)  # fmt: skip
	# the Close clock never stopped (no close request) and its due is still ahead: on time or not is open
	frappe.db.set_value("Complaint", name, "next_check_at", None, update_modified=False)
	result = report_stats.count_settled(now=now)
	assert frappe.db.get_value("Complaint", name, "stats_counted") == 0
	assert result["waiting"] >= 1
	# once its due has passed (the job's clock moved past it), the verdict is final: counted
	report_stats.count_settled(now=now + timedelta(hours=49))
	assert frappe.db.get_value("Complaint", name, "stats_counted") == 1


def test_a_running_complaint_is_never_counted(week):
	report_stats.count_settled()
	running = frappe.get_all(
		"Complaint", {"status": ("not in", ["Closed", "Deferred"]), "stats_counted": 1}, pluck="name"
	)
	assert running == []


def test_the_daily_rows_are_not_readable_by_department_users(week):
	report_week.count(week.names)
	frappe.set_user(SALES_HANDLER)
	for doctype in report_stats.TABLES.values():
		assert not frappe.has_permission(doctype, "read")
	frappe.set_user("Administrator")


def test_deleting_a_counted_complaint_takes_it_out(week):
	report_week.count(week.names)
	before = daily_totals()
	report_stats.on_complaint_trash(frappe.get_doc("Complaint", week.k6))
	assert daily_totals()["received"] == before["received"] - 1
	assert frappe.db.get_value("Complaint", week.k6, "stats_counted") == 0


def test_the_job_is_scheduled_on_the_long_queue():
	hooks = frappe.get_hooks("scheduler_events")["cron"]["*/15 * * * *"]
	assert "complaint_mgmt.outputs.report_stats.schedule_count" in hooks


def test_rebuild_counts_everything_again_and_changes_no_figure(week):
	report_week.count(week.names)
	before = [report_check.run(r, WEEK) for r in report_check.AGGREGATED_REPORTS]
	totals = daily_totals()
	result = report_stats.rebuild()
	assert result["counted"] >= 4 and result["errors"] == 0
	assert daily_totals() == totals
	assert [report_check.run(r, WEEK) for r in report_check.AGGREGATED_REPORTS] == before


def test_a_day_row_left_at_zero_changes_no_figure(week):
	"""Rows that add up to nothing (a subtraction's leftovers, e.g. of an interrupted clean-up) show nowhere."""
	report_week.count(week.names)
	day = date(2019, 3, 6)
	stray = {
		(rules.COUNT, day, SALES, rules.CATEGORY, "Delivery", 0): {"n": 0},
		(rules.CAUSE, day, SALES, "Delivery", "A stray cause"): {"n": 0},
		(rules.DAY, day, "Stray Department"): {"received": 0},
	}
	report_stats.apply(stray)
	for filters in FILTER_SETS:
		assert report_check.mismatches(filters) == [], filters
