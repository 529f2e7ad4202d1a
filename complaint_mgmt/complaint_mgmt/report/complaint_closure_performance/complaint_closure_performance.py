# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Closure performance per department, over the complaints received in the period:

- on-time % of each clock = clocks stopped by their due / clocks decided (stopped, or past their due);
- first-closure rate = first closures / closures; second closures;
- still open and overdue now (a running clock past its due);
- average wall-clock hours of each step of the loop (only complaints that completed the step): computed in every
  row, shown as columns only with the Show Step Hours filter, so the default table fits a normal screen.
"""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import report_stats

CLOCK_KEYS = report_stats.CLOCK_KEYS
# the step columns -> the steps of the daily rows (procedure.report_stats.STEPS: start and end fields)
STEPS = {
	"transfer_hours": "transfer",
	"acknowledge_hours": "acknowledge",
	"first_reply_hours": "first_reply",
	"close_request_hours": "close_request",
	"return_visit_hours": "return_visit",
	"approval_hours": "approval",
}
SUMMED = ("received", "closed", "first_closures", "second_closures", "open_overdue")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = get_rows(filters, now_datetime())
	totals = {key: sum(row[key] for row in rows) for key in SUMMED}
	for key in CLOCK_KEYS.values():
		for part in ("on_time", "decided"):
			totals[f"{key}_{part}"] = sum(row[f"{key}_{part}"] for row in rows)
	return get_columns(filters), rows, None, get_chart(totals), get_summary(totals)


def get_rows(filters, now) -> list[dict]:
	"""Per department: the counted complaints from the daily rows plus the others from the complaints (only they
	can be open and overdue)."""
	scope = reporting.department_scope(filters)
	counts = [*SUMMED, *(f"{key}_{part}" for key in CLOCK_KEYS.values() for part in ("on_time", "decided"))]
	steps = [f"{step}_{part}" for step in STEPS.values() for part in ("s", "n")]
	parts = raw_rows(filters, scope, now)
	parts += reporting.daily_rows(
		report_stats.DAY,
		filters,
		scope,
		[lambda t: t.department],
		[m for m in counts if m != "open_overdue"] + steps,
	)
	rows = reporting.by_department(parts, counts + steps)
	for row in rows:
		for key in counts:
			row[key] = int(row.get(key) or 0)
		for column, step in STEPS.items():
			row[column] = reporting.average_hours(row.pop(f"{step}_s"), int(row.pop(f"{step}_n") or 0))
		for key in CLOCK_KEYS.values():
			row[f"{key}_pct"] = reporting.share(row[f"{key}_on_time"], row[f"{key}_decided"])
		row.first_closure_rate = reporting.share(row.first_closures, row.first_closures + row.second_closures)
	return rows


def raw_rows(filters, scope, now) -> list[dict]:
	"""The measures of the period's complaints not in the daily rows, per department (one grouped query)."""
	start, end = reporting.period(filters)
	c = frappe.qb.DocType("Complaint")
	fields = [
		c.department,
		Count("*").as_("received"),
		reporting.count_if(c.status == "Closed").as_("closed"),
		reporting.count_if(c.closure_type == "First Closure").as_("first_closures"),
		reporting.count_if(c.closure_type == "Second Closure").as_("second_closures"),
		reporting.count_if(reporting.overdue_condition(c, now)).as_("open_overdue"),
	]
	for clock, (due, _stop) in reporting.CLOCK_FIELDS.items():
		key = CLOCK_KEYS[clock]
		stop = reporting.stop_instant(c, clock)
		on_time = c[due].notnull() & stop.notnull() & (stop <= c[due])
		decided = c[due].notnull() & (stop.notnull() | (c[due] < now))
		fields += [
			reporting.count_if(on_time).as_(f"{key}_on_time"),
			reporting.count_if(decided).as_(f"{key}_decided"),
		]
	fields += reporting.step_totals(c, STEPS.values())
	query = (
		frappe.qb.from_(c)
		.select(*fields)
		.where((c.received_on >= start) & (c.received_on < end) & reporting.uncounted(c))
		.groupby(c.department)
	)
	return reporting.restrict(query, c.department, scope).run(as_dict=True)


def get_columns(filters=None) -> list[dict]:
	clock_labels = {
		"transfer": _("Transfer On Time (%)"),
		"first_reply": _("First Reply On Time (%)"),
		"close": _("Close On Time (%)"),
		"return_visit": _("Return Visit On Time (%)"),
	}
	columns = [
		{"fieldname": "department", "label": _("Department"), "fieldtype": "Link",
		 "options": "Complaint Department", "width": 140},
		{"fieldname": "received", "label": _("Received"), "fieldtype": "Int", "width": 80},
	]  # fmt: skip
	for key, label in clock_labels.items():
		columns.append({"fieldname": f"{key}_pct", "label": label, "fieldtype": "Percent", "width": 100})
	columns += [
		{"fieldname": "closed", "label": _("Closed"), "fieldtype": "Int", "width": 75},
		{"fieldname": "first_closure_rate", "label": _("First Closure Rate (%)"), "fieldtype": "Percent",
		 "width": 110},
		{"fieldname": "second_closures", "label": _("Second Closures"), "fieldtype": "Int", "width": 95},
		{"fieldname": "open_overdue", "label": _("Open and Overdue"), "fieldtype": "Int", "width": 95},
	]  # fmt: skip
	if (filters or {}).get("show_step_hours"):
		columns += step_columns()
	return columns


def step_columns() -> list[dict]:
	step_labels = {
		"transfer_hours": _("Avg Hours to Transfer"),
		"acknowledge_hours": _("Avg Hours to Acknowledge"),
		"first_reply_hours": _("Avg Hours to First Reply"),
		"close_request_hours": _("Avg Hours to Close Request"),
		"return_visit_hours": _("Avg Hours to Return Visit"),
		"approval_hours": _("Avg Hours to Approval"),
	}
	return [
		{"fieldname": key, "label": label, "fieldtype": "Float", "precision": 2, "width": 110}
		for key, label in step_labels.items()
	]


def get_chart(totals: dict) -> dict | None:
	if not totals["received"]:
		return None
	labels = [_("Transfer"), _("First Reply"), _("Close"), _("Return Visit")]
	values = [
		reporting.share(totals[f"{key}_on_time"], totals[f"{key}_decided"]) or 0
		for key in CLOCK_KEYS.values()
	]
	return {
		"data": {"labels": labels, "datasets": [{"name": _("On Time (%)"), "values": values}]},
		"type": "bar",
		"fieldtype": "Percent",
	}


def get_summary(totals: dict) -> list[dict]:
	closures = totals["first_closures"] + totals["second_closures"]
	return [
		{"label": _("Received"), "value": totals["received"], "datatype": "Int", "indicator": "Blue"},
		{"label": _("Closed"), "value": totals["closed"], "datatype": "Int"},
		{"label": _("First Closure Rate (%)"), "datatype": "Percent", "indicator": "Green",
		 "value": reporting.share(totals["first_closures"], closures) or 0},
		{"label": _("Second Closures"), "value": totals["second_closures"], "datatype": "Int",
		 "indicator": "Orange"},
		{"label": _("Open and Overdue"), "value": totals["open_overdue"], "datatype": "Int", "indicator": "Red"},
	]  # fmt: skip
