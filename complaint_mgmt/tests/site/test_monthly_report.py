"""Issue 9, item 12: the Monthly Complaint Analysis on crafted months (the week of tests/site/report_week.py in
March 2019, plus a complaint received on the last second of February and closed in March, one received on
1 April), with every figure worked out by hand, and department isolation."""

from datetime import datetime

import frappe
import pytest
from frappe.desk.query_report import run as run_report

from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.report_week import SALES, SALES_HANDLER, SERVICE, complaint, notice

REPORT = "Monthly Complaint Analysis"
PERIOD = {"from_date": "2019-02-01", "to_date": "2019-04-30"}


def execute(**filters):
	from complaint_mgmt.complaint_mgmt.report.monthly_complaint_analysis.monthly_complaint_analysis import (
		execute,
	)

	columns, rows, _message, chart, summary = execute({**PERIOD, **filters})
	return columns, {row["month"]: row for row in rows}, chart, {s["label"]: s["value"] for s in summary}


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture(params=["raw", "counted"])
def months(people, request):
	"""The crafted months, read raw and with the settled complaints counted into the daily rows (see
	test_reports.week)."""
	k = report_week.build()
	# Received on February's last second, closed (first closure) in March.
	k.feb = complaint(datetime(2019, 2, 28, 23, 59, 59), SALES, "Test Engine", grade="Medium", status="Closed",
		closure_type="First Closure", close_requested_on_h=1, closed_on_h=2,
		root_cause="Engine part defect")  # fmt: skip
	k.apr = complaint(datetime(2019, 4, 1), SERVICE, "Delivery", grade="Strong", status="Registered")
	notice(k.apr, SERVICE, "Transfer", 50, datetime(2019, 4, 1, 5))
	for name, cause in ((k.k1, "Engine part defect"), (k.k3, "Paint batch contaminated"),
						(k.k6, "Wrong spare part shipped")):  # fmt: skip
		frappe.db.set_value("Complaint", name, "root_cause", cause, update_modified=False)
	# Repeat flags as crafted (the factory's complaints share one customer, so registration flags some).
	for key in (*(f"k{i}" for i in range(1, 12)), "feb", "apr"):
		repeat = 1 if key in ("k2", "k8") else 0
		frappe.db.set_value("Complaint", k[key], "is_repeat", repeat, update_modified=False)
	if request.param == "counted":
		names = [value for key, value in k.items() if key.startswith("k") or key in ("feb", "apr")]
		assert report_week.count(names) == 5  # k1, k3, k6 and feb closed, k5 deferred
	return k


def test_one_row_per_month_with_the_hand_worked_figures(months):
	columns, rows, chart, summary = execute()
	assert list(rows) == ["2019-02", "2019-03", "2019-04"]
	march = rows["2019-03"]
	# Received in March: the week's nine, the one of Monday 11th and the one of Sunday 3rd 23:59:59.
	assert march["received"] == 11
	assert (march["grade_general"], march["grade_medium"], march["grade_strong"], march["grade_irrational"]) == (
		9, 0, 0, 2)  # fmt: skip
	assert march["top_categories"] == "Test Engine (4), Delivery (3), Product Quality (2), Test Paint (2)"
	# Closures approved in March: k1 (second), k3, k6 and February's complaint (first) -> 3 / 4.
	assert (march["first_closure_rate"], march["second_closures"]) == (75.0, 1)
	# Steps of March's complaints: transfer -> acknowledgment (2 + 1 + 5 + 1) / 4; acknowledgment -> first
	# reply (10 + 4 + 1) / 3; received -> close request (80 + 24 + 20) / 3; close request -> closure
	# (6 + 8 + 2) / 3.
	assert (
		march["transfer_to_ack_hours"],
		march["ack_to_reply_hours"],
		march["received_to_close_request_hours"],
		march["close_request_to_closure_hours"],
	) == (2.25, 5.0, 41.33, 5.33)
	assert march["repeats"] == 2
	# Submitted, uncancelled notices issued in March: 50 + 100 + 50 + 50 (+ the one of 11 March, 50); the
	# cancelled monthly repeat and the draft are left out.
	assert (march["penalty_count"], march["penalty_amount"]) == (5, 300)
	assert march["top_root_causes"] == (
		"Test Engine: Engine part defect (2); Product Quality: Wrong spare part shipped (1); "
		"Test Paint: Paint batch contaminated (1)"
	)

	feb, apr = rows["2019-02"], rows["2019-04"]
	assert (feb["received"], feb["grade_medium"], feb["first_closure_rate"], feb["second_closures"]) == (
		1,
		1,
		None,
		0,
	)
	assert (feb["received_to_close_request_hours"], feb["close_request_to_closure_hours"]) == (1.0, 1.0)
	assert feb["transfer_to_ack_hours"] is None and feb["penalty_count"] == 0
	assert (apr["received"], apr["grade_strong"], apr["top_categories"]) == (1, 1, "Delivery (1)")
	assert (apr["penalty_count"], apr["penalty_amount"]) == (1, 50)

	assert summary["Received"] == 13 and summary["First Closure Rate (%)"] == 75.0
	assert (summary["Penalty Notices"], summary["Penalty Amount"]) == (6, 350)
	assert chart["data"]["labels"] == ["2019-02", "2019-03", "2019-04"]
	assert chart["data"]["datasets"][0]["values"] == [1, 11, 1]
	# A column per grade, from the Complaint Grade master (irrational last), with translated labels.
	fields = [c["fieldname"] for c in columns]
	assert fields.index("grade_general") < fields.index("grade_strong") < fields.index("grade_irrational")


def test_months_are_clipped_to_the_period(months):
	_columns, rows, _chart, _summary = execute(from_date="2019-03-04", to_date="2019-03-10")
	assert list(rows) == ["2019-03"]
	assert rows["2019-03"]["received"] == 9  # the week only
	assert rows["2019-03"]["penalty_count"] == 4


def test_a_department_user_sees_only_its_departments(months):
	frappe.set_user(SALES_HANDLER)
	_columns, rows, _chart, summary = execute()
	march = rows["2019-03"]
	assert (march["received"], march["grade_general"], march["grade_irrational"]) == (7, 6, 1)
	assert (march["first_closure_rate"], march["second_closures"]) == (66.67, 1)
	assert (march["penalty_count"], march["penalty_amount"]) == (3, 200)
	assert "Delivery" not in march["top_categories"]
	assert "Wrong spare part" not in march["top_root_causes"]
	assert rows["2019-04"]["received"] == 0 and rows["2019-04"]["penalty_count"] == 0
	assert summary["Received"] == 8
	# Asking for another department gives nothing; the same through the desk's report runner.
	_columns, rows, _chart, summary = execute(department=SERVICE)
	assert summary["Received"] == 0 and summary["Penalty Notices"] == 0
	result = run_report(REPORT, filters={**PERIOD, "department": SERVICE})["result"]
	assert sum(row["received"] for row in result if isinstance(row, dict)) == 0


def test_the_report_is_in_the_workspace():
	links = frappe.get_all(
		"Workspace Link", filters={"parent": "Complaints", "link_to": REPORT}, fields=["link_type", "type"]
	)
	assert links == [{"link_type": "Report", "type": "Link"}]
	roles = set(frappe.get_all("Has Role", filters={"parent": REPORT, "parenttype": "Report"}, pluck="role"))
	assert {"Complaint Manager", "Complaint Handler", "Complaint Bulletin Approver"} <= roles
