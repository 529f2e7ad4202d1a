# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Corrective action effectiveness (issue 18 §3): per department and category, the corrective-action reviews due
in the period (by their due day), how many were recorded, the effective share of those, the open ones past their
due day, and the recurrences the system found (complaints of the same department and category received since the
closure) with those naming a similar root cause. One grouped query; department users see only their departments
(reporting.department_scope), like every other report of the app."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import today

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import action_reviews as rules

REVIEW = "Complaint Action Review"
SUMMED = ("due", "done", "effective", "not_effective", "overdue", "recurrences", "similar_root_causes")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = get_rows(filters)
	totals = {key: sum(row[key] for row in rows) for key in SUMMED}
	return get_columns(), rows, None, get_chart(rows), get_summary(totals)


def get_rows(filters) -> list[dict]:
	start, end = reporting.period(filters)
	r = frappe.qb.DocType(REVIEW)
	query = (
		frappe.qb.from_(r)
		.select(
			r.department,
			r.category,
			Count("*").as_("due"),
			reporting.count_if(r.status != rules.OPEN).as_("done"),
			reporting.count_if(r.status == rules.EFFECTIVE).as_("effective"),
			reporting.count_if(r.status == rules.NOT_EFFECTIVE).as_("not_effective"),
			reporting.count_if((r.status == rules.OPEN) & (r.due_on < today())).as_("overdue"),
			Sum(r.recurrences).as_("recurrences"),
			Sum(r.similar_root_causes).as_("similar_root_causes"),
		)
		.where((r.due_on >= start.date()) & (r.due_on < end.date()))
		.groupby(r.department, r.category)
		.orderby(r.department)
		.orderby(r.category)
	)
	query = reporting.restrict(query, r.department, reporting.department_scope(filters))
	rows = []
	for row in query.run(as_dict=True):
		for key in SUMMED:
			row[key] = int(row[key] or 0)
		row.effective_share = reporting.share(row.effective, row.done)
		rows.append(row)
	return rows


def get_columns() -> list[dict]:
	return [
		{"fieldname": "department", "label": _("Department"), "fieldtype": "Link",
		 "options": "Complaint Department", "width": 180},
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Link", "options": "Complaint Category",
		 "width": 160},
		{"fieldname": "due", "label": _("Reviews Due"), "fieldtype": "Int", "width": 110},
		{"fieldname": "done", "label": _("Reviews Done"), "fieldtype": "Int", "width": 110},
		{"fieldname": "effective", "label": _("Effective"), "fieldtype": "Int", "width": 100},
		{"fieldname": "not_effective", "label": _("Not Effective"), "fieldtype": "Int", "width": 110},
		{"fieldname": "effective_share", "label": _("Effective Share (%)"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "overdue", "label": _("Overdue Reviews"), "fieldtype": "Int", "width": 130},
		{"fieldname": "recurrences", "label": _("Recurrences"), "fieldtype": "Int", "width": 110},
		{"fieldname": "similar_root_causes", "label": _("Similar Root Causes"), "fieldtype": "Int",
		 "width": 150},
	]  # fmt: skip


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	labels = [f"{row.department} / {row.category or _('Not categorised')}" for row in rows]
	return {
		"data": {
			"labels": labels,
			"datasets": [
				{"name": _("Effective"), "values": [row.effective for row in rows]},
				{"name": _("Not Effective"), "values": [row.not_effective for row in rows]},
				{"name": _("Open"), "values": [row.due - row.done for row in rows]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}


def get_summary(totals: dict) -> list[dict]:
	return [
		{"label": _("Reviews Due"), "value": totals["due"], "datatype": "Int", "indicator": "Blue"},
		{"label": _("Reviews Done"), "value": totals["done"], "datatype": "Int"},
		{"label": _("Effective Share (%)"), "datatype": "Percent", "indicator": "Green",
		 "value": reporting.share(totals["effective"], totals["done"]) or 0},
		{"label": _("Overdue Reviews"), "value": totals["overdue"], "datatype": "Int", "indicator": "Red"},
		{"label": _("Recurrences"), "value": totals["recurrences"], "datatype": "Int", "indicator": "Orange"},
	]  # fmt: skip
