"""The exactness check of the reports' daily rows: every figure a report shows is the same whether the settled
complaints are read from the daily rows or from the complaints themselves (outputs/report_stats.py).

Used by the site tests after counting crafted complaints and by benchmarks/reports_benchmark.py over random
periods and filters of a million complaints (`aggregate_mismatches`).
"""

import frappe

from complaint_mgmt.outputs import report_stats

# the reports that read the daily rows (Overdue Complaints lists running complaints only; Complaint Penalty
# Summary reads the notices)
AGGREGATED_REPORTS = (
	"Weekly Complaint Summary",
	"Irrational Complaint Statistics",
	"Complaint Closure Performance",
	"Monthly Complaint Analysis",
)


def run(report: str, filters: dict) -> dict:
	"""What `report` shows for `filters`: its rows, chart and summary (columns depend on the grades only)."""
	module = frappe.scrub(report)
	execute = frappe.get_attr(f"complaint_mgmt.complaint_mgmt.report.{module}.{module}.execute")
	_columns, data, _message, chart, summary = execute(frappe._dict(filters))
	return {"rows": [dict(row) for row in data], "chart": chart, "summary": summary}


def mismatches(filters: dict, reports=AGGREGATED_REPORTS) -> list[dict]:
	"""The differences between each report read with the daily rows and read raw, for one set of filters:
	[{"report", "filters", "part", "with_rows", "raw"}], empty when every figure is equal."""
	found = []
	for report in reports:
		with_rows = run(report, filters)
		with report_stats.raw_reports():
			raw = run(report, filters)
		for part in ("rows", "chart", "summary"):
			if with_rows[part] != raw[part]:
				found.append(
					{
						"report": report,
						"filters": filters,
						"part": part,
						"with_rows": with_rows[part],
						"raw": raw[part],
					}
				)
	return found
