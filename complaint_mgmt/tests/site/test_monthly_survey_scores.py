"""Issue 19 §10: the satisfaction survey's scores in the Monthly Complaint Analysis, per month (by the answer's
day), per department and per category, worked out by hand; a department user sees only its departments."""

from datetime import datetime

import frappe
import pytest

from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import make_department
from complaint_mgmt.tests.site.report_week import (
	SALES,
	SALES_HANDLER,
	SALES_MANAGER,
	SERVICE,
	SERVICE_HANDLER,
	complaint,
)

PERIOD = {"from_date": "2019-02-01", "to_date": "2019-04-30"}


def execute(**filters):
	from complaint_mgmt.complaint_mgmt.report.monthly_complaint_analysis.monthly_complaint_analysis import (
		execute,
	)

	columns, rows, _message, _chart, summary = execute({**PERIOD, **filters})
	return columns, {row["month"]: row for row in rows}, {s["label"]: s["value"] for s in summary}


def answered(name: str, department: str, category: str, on: datetime, score: int, satisfied: int = 1) -> None:
	"""A survey row as survey.answer leaves it (the answer path itself: tests/site/test_survey.py)."""
	frappe.get_doc(
		{
			"doctype": "Complaint Survey",
			"complaint": name,
			"department": department,
			"category": category,
			"status": "Answered",
			"answered_on": on,
			"satisfied": satisfied,
			"score": score,
		}
	).insert(ignore_permissions=True)  # test data


@pytest.fixture
def surveys(site_connection):
	report_week.make_people()
	make_department(SALES, receivers=[SALES_HANDLER], manager=SALES_MANAGER)
	make_department(SERVICE, receivers=[SERVICE_HANDLER])
	day = datetime(2019, 3, 5, 10)
	a = complaint(day, SALES, "Delivery")
	b = complaint(day, SALES, "Product Quality")
	c = complaint(day, SERVICE, "Delivery")
	answered(a, SALES, "Delivery", datetime(2019, 3, 6), 5)
	answered(b, SALES, "Product Quality", datetime(2019, 3, 7), 2, satisfied=0)
	answered(c, SERVICE, "Delivery", datetime(2019, 3, 31, 23, 59), 4)
	answered(c, SERVICE, "Delivery", datetime(2019, 4, 2), 3)
	# a survey sent but not answered counts nowhere
	frappe.get_doc(
		{"doctype": "Complaint Survey", "complaint": a, "department": SALES, "status": "Sent"}
	).insert(ignore_permissions=True)  # test data


def test_scores_per_month_department_and_category(surveys):
	columns, rows, summary = execute()
	fields = {c["fieldname"] for c in columns}
	assert {"survey_answers", "average_score", "scores_by_department", "scores_by_category"} <= fields
	march = rows["2019-03"]
	assert (march["survey_answers"], march["survey_satisfied"], march["average_score"]) == (3, 2, 3.67)
	assert march["scores_by_department"] == f"{SALES} 3.5 (2); {SERVICE} 4 (1)"
	assert march["scores_by_category"] == "Delivery 4.5 (2); Product Quality 2 (1)"
	assert (rows["2019-04"]["survey_answers"], rows["2019-04"]["average_score"]) == (1, 3)
	assert (rows["2019-02"]["survey_answers"], rows["2019-02"]["average_score"]) == (0, None)
	assert summary["Survey Answers"] == 4 and summary["Average Survey Score"] == 3.5


def test_a_department_user_sees_only_its_departments_scores(surveys):
	frappe.set_user(SALES_HANDLER)
	_columns, rows, summary = execute()
	assert rows["2019-03"]["scores_by_department"] == f"{SALES} 3.5 (2)"
	assert rows["2019-04"]["survey_answers"] == 0 and summary["Survey Answers"] == 2
