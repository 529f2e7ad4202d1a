# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Irrational complaint statistics: per department, of the complaints received in the period, the first
irrational ones (graded irrational at registration) and the secondary ones (deferral accepted), with their
shares of the department's complaints, and how many are followed under Watch and under Monitor."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import report_stats

COUNTS = ("first_irrational", "secondary_irrational", "watch", "monitor")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = get_rows(filters)
	totals = {key: sum(row[key] for row in rows) for key in ("received", *COUNTS)}
	return get_columns(), rows, None, get_chart(rows), get_summary(totals)


def get_rows(filters) -> list[dict]:
	"""Per department: the counted complaints from the daily rows plus the others from the complaints."""
	start, end = reporting.period(filters)
	scope = reporting.department_scope(filters)
	c = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(c)
		.select(
			c.department,
			Count("*").as_("received"),
			reporting.count_if(c.irrational_stage == "First").as_("first_irrational"),
			reporting.count_if(c.irrational_stage == "Secondary").as_("secondary_irrational"),
			reporting.count_if(c.follow_up_mode == "Watch").as_("watch"),
			reporting.count_if(c.follow_up_mode == "Monitor").as_("monitor"),
		)
		.where((c.received_on >= start) & (c.received_on < end) & reporting.uncounted(c))
		.groupby(c.department)
	)
	parts = reporting.restrict(query, c.department, scope).run(as_dict=True)
	parts += reporting.daily_rows(
		report_stats.DAY, filters, scope, [lambda t: t.department], ["received", *COUNTS]
	)
	rows = reporting.by_department(parts, ("received", *COUNTS))
	for row in rows:
		row.update({key: int(row[key]) for key in ("received", *COUNTS)})
		row["first_share"] = reporting.share(row["first_irrational"], row["received"])
		row["secondary_share"] = reporting.share(row["secondary_irrational"], row["received"])
	return rows


def get_columns() -> list[dict]:
	return [
		{"fieldname": "department", "label": _("Department"), "fieldtype": "Link",
		 "options": "Complaint Department", "width": 200},
		{"fieldname": "received", "label": _("Complaints"), "fieldtype": "Int", "width": 110},
		{"fieldname": "first_irrational", "label": _("First Irrational"), "fieldtype": "Int", "width": 130},
		{"fieldname": "first_share", "label": _("First Irrational Share (%)"), "fieldtype": "Percent",
		 "width": 170},
		{"fieldname": "secondary_irrational", "label": _("Secondary Irrational"), "fieldtype": "Int",
		 "width": 150},
		{"fieldname": "secondary_share", "label": _("Secondary Irrational Share (%)"), "fieldtype": "Percent",
		 "width": 200},
		{"fieldname": "watch", "label": _("Watch"), "fieldtype": "Int", "width": 90},
		{"fieldname": "monitor", "label": _("Monitor"), "fieldtype": "Int", "width": 90},
	]  # fmt: skip


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row["department"] or _("Not transferred") for row in rows],
			"datasets": [
				{"name": _("First Irrational"), "values": [row["first_irrational"] for row in rows]},
				{"name": _("Secondary Irrational"), "values": [row["secondary_irrational"] for row in rows]},
			],
		},
		"type": "bar",
	}


def get_summary(totals: dict) -> list[dict]:
	received = totals["received"]
	return [
		{"label": _("Complaints"), "value": received, "datatype": "Int", "indicator": "Blue"},
		{"label": _("First Irrational"), "value": totals["first_irrational"], "datatype": "Int"},
		{"label": _("First Irrational Share (%)"), "datatype": "Percent",
		 "value": reporting.share(totals["first_irrational"], received) or 0},
		{"label": _("Secondary Irrational"), "value": totals["secondary_irrational"], "datatype": "Int"},
		{"label": _("Secondary Irrational Share (%)"), "datatype": "Percent",
		 "value": reporting.share(totals["secondary_irrational"], received) or 0},
		{"label": _("Watch"), "value": totals["watch"], "datatype": "Int", "indicator": "Orange"},
		{"label": _("Monitor"), "value": totals["monitor"], "datatype": "Int", "indicator": "Red"},
	]  # fmt: skip
