"""Composite indexes behind the script reports (complaint_mgmt/complaint_mgmt/report/*).

Each report filters on a period of `received_on` (penalty notices: `issued_on`) and groups a few columns. An
index that starts with that instant and holds every other column the query reads is "covering": the database
reads one contiguous slice of the index and never visits the (large) table rows, so a week or a month over a
million complaints stays fast even when little of the table is cached; a column missing from the index makes
the database read every row of the period instead (benchmarks/reports_benchmark.py measures it;
benchmarks/README.md has the figures).

Created idempotently after every migrate (``ensure_report_indexes``; frappe.db.add_index skips an existing
name). The names carry a version: change a column list under a new name, or the old index is kept as it is.
"""

import frappe

# doctype -> {index name: columns}; the period instant comes first, or right after an IN-listed status.
REPORT_INDEXES: dict[str, dict[str, tuple[str, ...]]] = {
	"Complaint": {
		# Each report reads the settled complaints from the daily rows (outputs/report_stats.py) and only the
		# others (`stats_counted = 0`) from this table: the indexes start with the flag, so that part is one
		# short slice of the index. Raw mode (the exactness check) asks for both flag values: two slices.
		# Weekly Complaint Summary (category x external), Irrational Complaint Statistics and the category mix of
		# Monthly Complaint Analysis.
		"report_category_v2": (
			"stats_counted",
			"received_on",
			"department",
			"category",
			"is_external",
			"irrational_stage",
			"follow_up_mode",
			"grade",
		),
		# Complaint Closure Performance and the received-month query of Monthly Complaint Analysis (covering):
		# the clocks with both stops of the Close clock (a pending deferral request stops it), the steps' ends.
		"report_clocks_v3": (
			"stats_counted",
			"received_on",
			"department",
			"status",
			"closure_type",
			"is_repeat",
			"transfer_due",
			"acknowledged_on",
			"first_reply_due",
			"first_replied_on",
			"close_due",
			"close_requested_on",
			"deferral_requested_on",
			"return_visit_due",
			"return_visited_on",
			"transferred_on",
			"closed_on",
		),
		# The closure-month queries of Monthly Complaint Analysis (the root cause, a text, is read from the rows
		# of the few uncounted closures only).
		"report_closed_v1": ("stats_counted", "closed_on", "department", "closure_type"),
		# The counting job's candidates: closed or deferred, not counted, nothing pending for the sweep.
		"report_settle_v1": ("stats_counted", "status", "next_check_at"),
		# Overdue Complaints: only the running complaints of the period (status IN ... x received_on range),
		# the overdue test evaluated inside the index; the table is read only for the overdue rows. Without
		# it the optimizer walks the running complaints of every period (`status`) and reads each row.
		# v2: + deferral_requested_on (the Close clock's second stop), so the overdue test needs no table row.
		"report_running_v2": (
			"status",
			"received_on",
			"department",
			"transfer_due",
			"acknowledged_on",
			"first_reply_due",
			"first_replied_on",
			"close_due",
			"close_requested_on",
			"deferral_requested_on",
			"return_visit_due",
			"return_visited_on",
		),
		# The customers' /my-complaints: their own complaints, newest first, by either identity (loop/intake.py).
		# The corrective-action review job (engine/action_reviews.py): the complaints of one department and
		# category received since a closure, with their root cause: one slice per review.
		"review_recurrence_v1": ("department", "category", "received_on"),
		"portal_owner_v1": ("owner", "received_on"),
		"portal_contact_v1": ("contact_email", "received_on"),
	},
	"Complaint Penalty Notice": {
		# Complaint Penalty Summary (covering).
		"report_issued_v1": ("issued_on", "docstatus", "department", "breach_type", "executed", "amount"),
	},
	# The daily rows, read by period (and department).
	"Complaint Daily Stat": {"report_day_v1": ("day", "department")},
	"Complaint Daily Count": {
		"report_day_v1": ("dimension", "day", "department", "value", "is_external", "n")
	},
	"Complaint Daily Root Cause": {"report_day_v1": ("day", "department", "category", "cause_key", "n")},
}


# Earlier versions, dropped once their successor exists (each one is a full copy of its columns).
SUPERSEDED_INDEXES: dict[str, tuple[str, ...]] = {
	"Complaint": ("report_clocks_v1", "report_running_v1", "report_clocks_v2", "report_category_v1")
}


def ensure_report_indexes() -> None:
	"""Add the report indexes that are missing and drop superseded ones (idempotent; called after install and
	migrate)."""
	for doctype, indexes in REPORT_INDEXES.items():
		for name, columns in indexes.items():
			frappe.db.add_index(doctype, list(columns), index_name=name)
	for doctype, names in SUPERSEDED_INDEXES.items():
		table = f"tab{doctype}"
		for name in names:
			if frappe.db.has_index(table, name):
				# DDL has no query-builder form; table and index names are this module's constants.
				frappe.db.sql_ddl(f"ALTER TABLE `{table}` DROP INDEX `{name}`")  # nosemgrep
