# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Penalty summary: per department, the submitted (uncancelled) penalty notices issued in the period, counted by
breach type, with their amount split into executed and not yet executed, and those under appeal now (issue 18)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt

from complaint_mgmt.outputs import appeal_outputs, reporting
from complaint_mgmt.procedure import rules

BREACH_FIELDS = {breach: frappe.scrub(breach) for breach in rules.BREACH_TYPES}
SUMMED = (
	"notices",
	*BREACH_FIELDS.values(),
	"amount",
	"executed_notices",
	"executed_amount",
	"outstanding",
	"appeal_count",
	"appeal_amount",
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = get_rows(filters)
	totals = {key: sum(row[key] for row in rows) for key in SUMMED}
	return get_columns(), rows, None, get_chart(rows), get_summary(totals)


def get_rows(filters) -> list[dict]:
	start, end = reporting.period(filters)
	n = frappe.qb.DocType("Complaint Penalty Notice")
	query = (
		frappe.qb.from_(n)
		.select(
			n.department,
			Count("*").as_("notices"),
			*(
				reporting.count_if(n.breach_type == breach).as_(field)
				for breach, field in BREACH_FIELDS.items()
			),
			Sum(n.amount).as_("amount"),
			reporting.count_if(n.executed == 1).as_("executed_notices"),
			reporting.sum_if(n.executed == 1, n.amount).as_("executed_amount"),
			*appeal_outputs.under_appeal_terms(n),
		)
		.where((n.docstatus == 1) & (n.issued_on >= start) & (n.issued_on < end))
		.groupby(n.department)
		.orderby(n.department)
	)
	query = reporting.restrict(query, n.department, reporting.department_scope(filters))
	rows = []
	for row in query.run(as_dict=True):
		for key in ("notices", *BREACH_FIELDS.values(), "executed_notices", "appeal_count"):
			row[key] = int(row[key] or 0)
		row.amount, row.executed_amount = flt(row.amount, 2), flt(row.executed_amount, 2)
		row.appeal_amount = flt(row.appeal_amount, 2)
		row.outstanding = flt(row.amount - row.executed_amount, 2)
		rows.append(row)
	return rows


def get_columns() -> list[dict]:
	columns = [
		{"fieldname": "department", "label": _("Department"), "fieldtype": "Link",
		 "options": "Complaint Department", "width": 200},
		{"fieldname": "notices", "label": _("Notices"), "fieldtype": "Int", "width": 90},
	]  # fmt: skip
	labels = {
		"Transfer": _("Transfer"),
		"First Reply": _("First Reply"),
		"Close": _("Close"),
		"Monthly Repeat": _("Monthly Repeat"),
		"Return Visit": _("Return Visit"),
	}
	for breach, field in BREACH_FIELDS.items():
		columns.append({"fieldname": field, "label": labels[breach], "fieldtype": "Int", "width": 110})
	columns += [
		{"fieldname": "amount", "label": _("Amount"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "executed_notices", "label": _("Executed Notices"), "fieldtype": "Int", "width": 140},
		{
			"fieldname": "executed_amount",
			"label": _("Executed Amount"),
			"fieldtype": "Currency",
			"width": 140,
		},
		{
			"fieldname": "outstanding",
			"label": _("Not Executed Amount"),
			"fieldtype": "Currency",
			"width": 160,
		},
		{"fieldname": "appeal_count", "label": _("Under Appeal"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "appeal_amount",
			"label": _("Amount Under Appeal"),
			"fieldtype": "Currency",
			"width": 160,
		},
	]
	return columns


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	return {
		"data": {
			"labels": [row.department for row in rows],
			"datasets": [
				{"name": _("Executed Amount"), "values": [row.executed_amount for row in rows]},
				{"name": _("Not Executed Amount"), "values": [row.outstanding for row in rows]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
		"fieldtype": "Currency",
	}


def get_summary(totals: dict) -> list[dict]:
	under_appeal = [
		{
			"label": _("Under Appeal"),
			"value": totals["appeal_count"],
			"datatype": "Int",
			"indicator": "Orange",
		}
	]
	return [
		{"label": _("Notices"), "value": totals["notices"], "datatype": "Int", "indicator": "Blue"},
		{"label": _("Amount"), "value": flt(totals["amount"], 2), "datatype": "Currency"},
		{"label": _("Executed Amount"), "value": flt(totals["executed_amount"], 2), "datatype": "Currency",
		 "indicator": "Green"},
		{"label": _("Not Executed Amount"), "value": flt(totals["outstanding"], 2), "datatype": "Currency",
		 "indicator": "Red"},
		*(under_appeal if totals["appeal_count"] else []),  # shown while notices wait for a decision
	]  # fmt: skip
