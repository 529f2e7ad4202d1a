"""Composite indexes behind the script reports (complaint_mgmt/complaint_mgmt/report/*).

Each report filters on a period of `received_on` (penalty notices: `issued_on`) and groups a few columns. An
index that starts with that instant and holds every other column the query reads is "covering": the database
reads one contiguous slice of the index and never visits the (large) table rows, so a week or a month over a
million complaints stays well under the reports' 2 s budget even when little of the table is cached.
(benchmarks/reports_benchmark.py measures it; benchmarks/README_reports.md has the figures.)

Created idempotently after every migrate (``ensure_report_indexes``; frappe.db.add_index skips an existing
name). The names carry a version: change a column list under a new name, or the old index is kept as it is.
"""

import frappe

# doctype -> {index name: columns}; the period instant comes first, or right after an IN-listed status.
REPORT_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
	"Complaint": {
		# Weekly Complaint Summary (category x external) and Irrational Complaint Statistics.
		"report_category_v1": (
			"received_on",
			"department",
			"category",
			"is_external",
			"irrational_stage",
			"follow_up_mode",
		),
		# Complaint Closure Performance (covering).
		"report_clocks_v1": (
			"received_on",
			"department",
			"status",
			"closure_type",
			"transfer_due",
			"acknowledged_on",
			"first_reply_due",
			"first_replied_on",
			"close_due",
			"close_requested_on",
			"return_visit_due",
			"return_visited_on",
			"transferred_on",
			"closed_on",
		),
		# Overdue Complaints: only the running complaints of the period (status IN ... x received_on range),
		# the overdue test evaluated inside the index; the table is read only for the overdue rows. Without
		# it the optimizer walks the running complaints of every period (`status`) and reads each row.
		"report_running_v1": (
			"status",
			"received_on",
			"department",
			"transfer_due",
			"acknowledged_on",
			"first_reply_due",
			"first_replied_on",
			"close_due",
			"close_requested_on",
			"return_visit_due",
			"return_visited_on",
		),
	},
	"Complaint Penalty Notice": {
		# Complaint Penalty Summary (covering).
		"report_issued_v1": ("issued_on", "docstatus", "department", "breach_type", "executed", "amount"),
	},
}


def ensure_report_indexes() -> None:
	"""Add the report indexes that are missing (idempotent; called after install and migrate)."""
	for doctype, indexes in REPORT_INDEXES.items():
		for name, columns in indexes.items():
			frappe.db.add_index(doctype, list(columns), index_name=name)
