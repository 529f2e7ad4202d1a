"""The five script reports on a crafted week with answers worked out by hand (see tests/site/report_week.py)."""

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.report_week import SALES, SALES_HANDLER, SERVICE, SERVICE_HANDLER, WEEK


def run(report: str, **filters):
	module = frappe.scrub(report)
	execute = frappe.get_attr(f"complaint_mgmt.complaint_mgmt.report.{module}.{module}.execute")
	columns, data, _message, chart, summary = execute({**WEEK, **filters})
	return columns, data, chart, {row["label"]: row["value"] for row in summary}


def by_department(rows) -> dict:
	return {row["department"]: row for row in rows}


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture(params=["raw", "counted"])
def week(people, request):
	"""The crafted week, read from the complaints ("raw") and with its settled complaints counted into the
	reports' daily rows ("counted"): the hand-worked answers hold either way."""
	k = report_week.build()
	if request.param == "counted":
		names = [value for key, value in k.items() if key.startswith("k")]
		assert report_week.count(names) == 4  # k1, k3, k6 closed, k5 deferred
	return k


def test_irrational_statistics(week):
	columns, rows, chart, summary = run("Irrational Complaint Statistics")
	rows = by_department(rows)
	assert set(rows) == {SALES, SERVICE, None}
	sales, service = rows[SALES], rows[SERVICE]
	assert (sales["received"], sales["first_irrational"], sales["secondary_irrational"]) == (5, 1, 1)
	assert (sales["first_share"], sales["secondary_share"], sales["watch"], sales["monitor"]) == (
		20,
		20,
		1,
		1,
	)
	assert (service["received"], service["first_irrational"], service["first_share"]) == (3, 1, 33.33)
	assert (
		service["secondary_irrational"],
		service["secondary_share"],
		service["watch"],
		service["monitor"],
	) == (
		0,
		0,
		0,
		1,
	)
	assert rows[None]["received"] == 1
	assert summary == {
		"Complaints": 9,
		"First Irrational": 2,
		"First Irrational Share (%)": 22.22,
		"Secondary Irrational": 1,
		"Secondary Irrational Share (%)": 11.11,
		"Watch": 1,
		"Monitor": 2,
	}
	assert chart["type"] == "bar" and len(chart["data"]["datasets"]) == 2
	assert [c["fieldname"] for c in columns][:3] == ["department", "received", "first_irrational"]


def test_weekly_summary_rolls_up_the_category_tree(week):
	set_settings(orders_per_week=450)
	_columns, rows, chart, summary = run("Weekly Complaint Summary")
	got = {row["category"]: row for row in rows}
	expected = {
		# category: (indent, internal, external, total, rate %, per 1,000 orders)
		"All Complaint Categories": (0, 7, 2, 9, 100, 20),
		"Test Vehicles": (1, 3, 1, 4, 44.44, 8.89),
		"Test Engine": (2, 1, 1, 2, 22.22, 4.44),
		"Test Paint": (2, 2, 0, 2, 22.22, 4.44),
		"Product Quality": (1, 1, 1, 2, 22.22, 4.44),
		"Delivery": (1, 3, 0, 3, 33.33, 6.67),
	}
	assert set(got) == set(expected)
	for category, values in expected.items():
		row = got[category]
		actual = (row["indent"], row["complaints"], row["external"], row["total"], row["rate"])
		assert (*actual, row["per_1000_orders"]) == values, category
	# Tree order: a parent comes before its children.
	names = [row["category"] for row in rows]
	assert names.index("Test Vehicles") < names.index("Test Engine") < names.index("Test Paint")
	assert summary == {"Internal Complaints": 7, "External Complaints": 2, "Total": 9, "Per 1,000 Orders": 20}
	assert set(chart["data"]["labels"]) == {"Test Vehicles", "Product Quality", "Delivery"}


def test_weekly_summary_without_order_denominator(week):
	set_settings(orders_per_week=0)
	_columns, rows, _chart, summary = run("Weekly Complaint Summary")
	assert all(row["per_1000_orders"] is None for row in rows)
	assert "Per 1,000 Orders" not in summary


def test_penalty_summary_counts_only_submitted_uncancelled_notices_of_the_period(week):
	_columns, rows, chart, summary = run("Complaint Penalty Summary")
	rows = by_department(rows)
	assert set(rows) == {SALES, SERVICE}
	sales, service = rows[SALES], rows[SERVICE]
	assert (sales["notices"], sales["transfer"], sales["first_reply"], sales["close"]) == (3, 1, 1, 1)
	assert (sales["monthly_repeat"], sales["return_visit"]) == (0, 0)
	assert (sales["amount"], sales["executed_notices"], sales["executed_amount"], sales["outstanding"]) == (
		200,
		1,
		50,
		150,
	)
	assert (service["notices"], service["transfer"], service["close"], service["amount"]) == (1, 1, 0, 50)
	assert (service["executed_amount"], service["outstanding"]) == (0, 50)
	assert summary == {"Notices": 4, "Amount": 250, "Executed Amount": 50, "Not Executed Amount": 200}
	assert chart["data"]["labels"] == [SALES, SERVICE]


def test_closure_performance(week):
	_columns, rows, chart, summary = run("Complaint Closure Performance")
	rows = by_department(rows)
	sales, service, untransferred = rows[SALES], rows[SERVICE], rows[None]
	assert sales["received"] == 5
	assert (
		sales["transfer_pct"],
		sales["first_reply_pct"],
		sales["close_pct"],
		sales["return_visit_pct"],
	) == (
		66.67,
		66.67,
		33.33,
		100,
	)
	assert (
		sales["closed"],
		sales["first_closure_rate"],
		sales["second_closures"],
		sales["open_overdue"],
	) == (
		2,
		50,
		1,
		1,
	)
	assert [sales[k] for k in ("transfer_hours", "acknowledge_hours", "first_reply_hours")] == [1.33, 2.67, 7]
	assert [sales[k] for k in ("close_request_hours", "return_visit_hours", "approval_hours")] == [40.5, 4, 3]
	assert service["received"] == 3
	assert (service["transfer_pct"], service["first_reply_pct"], service["close_pct"]) == (50, 100, 50)
	assert (service["return_visit_pct"], service["first_closure_rate"], service["second_closures"]) == (
		100,
		100,
		0,
	)
	assert (service["open_overdue"], service["transfer_hours"], service["close_request_hours"]) == (1, 1, 17)
	assert (
		untransferred["transfer_pct"],
		untransferred["first_reply_pct"],
		untransferred["open_overdue"],
	) == (
		0,
		None,
		1,
	)
	assert summary == {
		"Received": 9,
		"Closed": 3,
		"First Closure Rate (%)": 66.67,
		"Second Closures": 1,
		"Open and Overdue": 3,
	}
	# Overall on time: transfer 3 of 6, first reply 3 of 4, close 2 of 6, return visit 3 of 3.
	assert chart["data"]["datasets"][0]["values"] == [50, 75, 33.33, 100]


def test_overdue_complaints(week):
	_columns, rows, chart, summary = run("Overdue Complaints")
	now = now_datetime()
	got = {row["complaint"]: row for row in rows}
	assert set(got) == {week.k2, week.k8, week.k11}
	service_center = frappe.db.get_value("Complaint Department", {"is_service_center": 1})
	expected = {
		# complaint: (most overdue clock, all overdue clocks, department that must act, user that must act)
		week.k2: ("First Reply", "First Reply, Close", SALES, SALES_HANDLER),
		week.k8: ("Transfer", "Transfer, Close", SERVICE, SERVICE_HANDLER),
		week.k11: ("Transfer", "Transfer, Close", service_center, report_week.SPECIALIST),
	}
	for name, values in expected.items():
		row = got[name]
		assert (row["overdue_clock"], row["overdue_clocks"], row["responsible_department"]) == values[:3], (
			name
		)
		assert row["responsible_user"] == values[3]
		received = get_datetime(frappe.db.get_value("Complaint", name, "received_on"))
		hours = 27 if name == week.k2 else 4
		assert abs(row["hours_late"] - (now - received).total_seconds() / 3600 + hours) < 0.05
	assert [row["hours_late"] for row in rows] == sorted((row["hours_late"] for row in rows), reverse=True)
	assert summary["Overdue Complaints"] == 3
	assert chart["data"]["datasets"][0]["values"] == [2, 1, 0, 0]


def test_overdue_list_is_cut_to_the_most_overdue_but_counts_all(week, monkeypatch):
	from complaint_mgmt.complaint_mgmt.report.overdue_complaints import overdue_complaints

	full = overdue_complaints.execute(WEEK)
	monkeypatch.setattr(overdue_complaints, "ROW_LIMIT", 2)
	_columns, rows, message, chart, summary = overdue_complaints.execute(WEEK)
	assert [row["complaint"] for row in rows] == [row["complaint"] for row in full[1][:2]]
	assert "2" in message and "3" in message  # showing 2 of 3
	assert {s["label"]: s["value"] for s in summary} == {s["label"]: s["value"] for s in full[4]}
	assert chart == full[3] and full[2] is None


@pytest.mark.parametrize(
	"report",
	[
		"Irrational Complaint Statistics",
		"Complaint Penalty Summary",
		"Complaint Closure Performance",
	],
)
def test_department_users_see_only_their_rows(week, report):
	frappe.set_user(SALES_HANDLER)
	assert [row["department"] for row in run(report)[1]] == [SALES]
	assert run(report, department=SERVICE)[1] == []
	frappe.set_user(SERVICE_HANDLER)
	assert [row["department"] for row in run(report)[1]] == [SERVICE]
	frappe.set_user(report_week.SALES_MANAGER)
	assert [row["department"] for row in run(report, department=SALES)[1]] == [SALES]


def test_department_isolation_in_category_and_overdue_reports(week):
	frappe.set_user(SALES_HANDLER)
	_c, rows, _chart, summary = run("Weekly Complaint Summary")
	assert summary["Total"] == 5
	assert {row["category"]: row["total"] for row in rows}["Test Vehicles"] == 4
	assert [row["complaint"] for row in run("Overdue Complaints")[1]] == [week.k2]
	assert run("Weekly Complaint Summary", department=SERVICE)[1] == []
	frappe.set_user(SERVICE_HANDLER)
	assert [row["complaint"] for row in run("Overdue Complaints")[1]] == [week.k8]


def test_department_filter_for_cross_department_users(week):
	_c, rows, _chart, summary = run("Irrational Complaint Statistics", department=SERVICE)
	assert [row["department"] for row in rows] == [SERVICE]
	assert summary["Complaints"] == 3


def test_reports_run_through_frappe_as_a_department_user(week):
	"""The desk path: report roles and the ref doctype's report permission let a handler run every report."""
	from frappe.desk.query_report import run as run_report

	frappe.set_user(SALES_HANDLER)
	for report in (
		"Irrational Complaint Statistics",
		"Weekly Complaint Summary",
		"Complaint Penalty Summary",
		"Complaint Closure Performance",
		"Overdue Complaints",
	):
		result = run_report(report, filters=WEEK)
		assert result["result"], report
		assert result["report_summary"], report


@pytest.mark.parametrize("filters", [{}, {"from_date": "2019-03-10", "to_date": "2019-03-04"}])
def test_bad_period_is_refused(filters):
	from complaint_mgmt.complaint_mgmt.report.weekly_complaint_summary.weekly_complaint_summary import execute

	with pytest.raises(frappe.ValidationError):
		execute(filters)


def test_custom_number_cards_apply_department_isolation(week):
	from complaint_mgmt.outputs import dashboards

	frappe.set_user(SALES_HANDLER)
	assert dashboards.overdue_count() == {"value": 1, "fieldtype": "Int"}  # k2
	assert dashboards.first_closure_rate() == {
		"value": 0,
		"fieldtype": "Percent",
	}  # nothing closed this month
	frappe.set_user(SERVICE_HANDLER)
	assert dashboards.overdue_count()["value"] == 1  # k8


def test_workspace_cards_and_charts_are_installed():
	workspace = frappe.get_doc("Workspace", "Complaints")
	assert {row.number_card_name for row in workspace.number_cards} == {
		"Open Complaints",
		"Overdue Complaints Now",
		"First Closure Rate This Month",
		"Penalties Last Week",  # the previous week: the bulletin's and the reports' default period
	}
	assert {row.chart_name for row in workspace.charts} == {
		"Complaints by Category",
		"Complaints by Status",
		"Weekly Complaint Trend",
	}
	for row in workspace.number_cards:
		assert frappe.db.get_value("Number Card", row.number_card_name, "is_standard") == 1
	for row in workspace.charts:
		assert frappe.db.get_value("Dashboard Chart", row.chart_name, "is_standard") == 1
	assert {s.link_to for s in workspace.shortcuts} >= {"Complaint", "Overdue Complaints"}
