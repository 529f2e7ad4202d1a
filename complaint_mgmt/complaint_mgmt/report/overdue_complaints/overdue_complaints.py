# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Overdue complaints: running complaints (received in the period) with at least one clock past its due and not
stopped, the most overdue clock first, how many hours late, and who must act (the late party of that clock:
the executing department and its receiver, or the service center and the complaint's specialist).

The list holds the ROW_LIMIT most overdue complaints (a longer list is not read by anyone, and would take seconds
to build over a year of a large site); the summary and the chart count every overdue complaint of the period
with one grouped query, and a message says when the list is cut."""

from datetime import datetime

import frappe
from frappe import _
from frappe.query_builder import Case, CustomFunction
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import flt, get_datetime, now_datetime
from pypika.terms import PseudoColumn

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import clocks, durations, rules

FIELDS = (
	"name",
	"received_on",
	"customer_name",
	"category",
	"grade",
	"department",
	"receiver",
	"specialist",
	"status",
	"transferred_on",
)


ROW_LIMIT = 500  # the list shows the most overdue; the summary and the chart count every overdue complaint
FAR_FUTURE = datetime(9999, 12, 31)
# the clocks in the order that breaks a tie of dues (Python's sort of (due, clock) in `shape`)
TIE_ORDER = sorted(reporting.CLOCK_FIELDS)
Least = CustomFunction("LEAST", [f"due_{i}" for i in range(len(TIE_ORDER))])


def execute(filters=None):
	filters = frappe._dict(filters or {})
	now = now_datetime()
	totals = get_totals(filters, now)
	rows = get_rows(filters, now)
	message = None
	if totals["count"] > len(rows):
		message = _(
			"Showing the {0} most overdue of {1} overdue complaints. Choose a shorter period or a department to "
			"see the others."
		).format(len(rows), totals["count"])
	return get_columns(), rows, message, get_chart(totals), get_summary(totals, now)


def _scope_query(query, c, filters, now):
	"""Overdue now; received in the period when one is set (no period: every complaint overdue now, as the
	workspace's Overdue Complaints Now card counts them)."""
	if filters.get("from_date") or filters.get("to_date"):
		start, end = reporting.period(filters)
		query = query.where((c.received_on >= start) & (c.received_on < end))
	query = query.where(reporting.overdue_condition(c, now))
	return reporting.restrict(query, c.department, reporting.department_scope(filters))


def _late_due(c, clock: str, now):
	"""SQL term: the due of `clock` when it is overdue now and has not stopped, else far in the future."""
	return (
		Case()
		.when(reporting.clock_late(c, now, clock), c[reporting.CLOCK_FIELDS[clock][0]])
		.else_(FAR_FUTURE)
	)


def _earliest_late_due(c, now):
	"""SQL term: the due of the complaint's most overdue clock (what the list sorts by)."""
	return Least(*(_late_due(c, clock, now) for clock in TIE_ORDER))


def get_totals(filters, now) -> dict:
	"""Over every overdue complaint of the period (one grouped query, inside the running index): how many, per
	most overdue clock, and the earliest and the summed due of that clock."""
	c = frappe.qb.DocType("Complaint")
	earliest = _earliest_late_due(c, now)
	most = Case()
	for clock in TIE_ORDER:
		most = most.when(_late_due(c, clock, now) == earliest, clock)
	query = frappe.qb.from_(c).select(
		most.as_("clock"),
		Count("*").as_("n"),
		Min(earliest).as_("earliest"),
		Sum(reporting.TimestampDiff(PseudoColumn("SECOND"), earliest, now)).as_("late_s"),
	)
	query = _scope_query(query, c, filters, now).groupby(most)
	totals = {"count": 0, "late_s": 0.0, "earliest": None, "per_clock": dict.fromkeys(clock_labels(), 0)}
	for row in query.run(as_dict=True):
		totals["count"] += int(row.n)
		totals["late_s"] += flt(row.late_s)
		totals["per_clock"][row.clock] = int(row.n)
		earliest_due = get_datetime(row.earliest)
		if totals["earliest"] is None or earliest_due < totals["earliest"]:
			totals["earliest"] = earliest_due
	return totals


def get_rows(filters, now) -> list[dict]:
	"""The ROW_LIMIT most overdue complaints of the period (most overdue first)."""
	c = frappe.qb.DocType("Complaint")
	clock_fields = [due for due, _stop in reporting.CLOCK_FIELDS.values()] + list(reporting.STOP_COLUMNS)
	query = frappe.qb.from_(c).select(*(c[f] for f in FIELDS), *(c[f] for f in clock_fields))
	query = _scope_query(query, c, filters, now)
	query = query.orderby(_earliest_late_due(c, now)).orderby(c.received_on).orderby(c.name).limit(ROW_LIMIT)
	service_center = frappe.db.get_value("Complaint Department", {"is_service_center": 1}, "name")
	rows = [shape(row, now, service_center) for row in query.run(as_dict=True)]
	rows.sort(key=lambda row: -row["hours_late"])
	return rows


def shape(row, now, service_center: str | None) -> dict:
	"""The overdue clocks of one (already overdue) complaint, the most overdue first, and who must act."""
	late = sorted(
		(get_datetime(row[due]), clock)
		for clock, (due, _stop) in reporting.CLOCK_FIELDS.items()
		if row[due] and not clocks.stopped_on(clock, row, row.status) and get_datetime(row[due]) < now
	)
	due, clock = late[0]
	party = rules.late_party(clock, bool(row.transferred_on or row.department))
	on_department = party == rules.DEPARTMENT and row.department
	labels = clock_labels()
	return {
		"complaint": row.name,
		"received_on": row.received_on,
		"customer_name": row.customer_name,
		"category": row.category,
		"grade": row.grade,
		"status": row.status,
		"overdue_clock": labels[clock],
		"overdue_clocks": ", ".join(labels[name] for _due, name in late),
		"due": due,
		"hours_late": flt((now - due).total_seconds() / 3600.0, 2),
		"time_late": durations.format_duration((now - due).total_seconds(), frappe.local.lang),
		"responsible_department": row.department if on_department else service_center,
		"responsible_user": row.receiver if on_department else row.specialist,
	}


def get_columns() -> list[dict]:
	return [
		{"fieldname": "complaint", "label": _("Complaint"), "fieldtype": "Link", "options": "Complaint",
		 "width": 150},
		{"fieldname": "received_on", "label": _("Received On"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "customer_name", "label": _("Customer"), "fieldtype": "Data", "width": 140},
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Link", "options": "Complaint Category",
		 "width": 140},
		{"fieldname": "grade", "label": _("Grade"), "fieldtype": "Link", "options": "Complaint Grade",
		 "width": 90},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 120},
		{"fieldname": "overdue_clock", "label": _("Most Overdue Clock"), "fieldtype": "Data", "width": 150},
		{"fieldname": "overdue_clocks", "label": _("Overdue Clocks"), "fieldtype": "Data", "width": 180},
		{"fieldname": "due", "label": _("Due"), "fieldtype": "Datetime", "width": 160},
		{"fieldname": "time_late", "label": _("Time Late"), "fieldtype": "Data", "width": 120},
		{"fieldname": "hours_late", "label": _("Hours Late"), "fieldtype": "Float", "precision": 2,
		 "width": 110},
		{"fieldname": "responsible_department", "label": _("Must Act: Department"), "fieldtype": "Link",
		 "options": "Complaint Department", "width": 180},
		{"fieldname": "responsible_user", "label": _("Must Act: User"), "fieldtype": "Link", "options": "User",
		 "width": 180},
	]  # fmt: skip


def clock_labels() -> dict[str, str]:
	return {
		"Transfer": _("Transfer"),
		"First Reply": _("First Reply"),
		"Close": _("Close"),
		"Return Visit": _("Return Visit"),
	}


def get_chart(totals: dict) -> dict | None:
	if not totals["count"]:
		return None
	labels = clock_labels()
	return {
		"data": {
			"labels": list(labels.values()),
			"datasets": [
				{"name": _("Overdue Complaints"), "values": [totals["per_clock"][c] for c in labels]}
			],
		},
		"type": "bar",
	}


def get_summary(totals: dict, now) -> list[dict]:
	count = totals["count"]
	most = flt((now - totals["earliest"]).total_seconds() / 3600.0, 2) if totals["earliest"] else 0
	lang = frappe.local.lang
	return [
		{"label": _("Overdue Complaints"), "value": count, "datatype": "Int", "indicator": "Red"},
		{"label": _("Average Time Late"), "datatype": "Data",
		 "value": durations.format_duration(totals["late_s"] / count, lang) if count else "-"},
		{"label": _("Most Time Late"), "datatype": "Data",
		 "value": durations.format_duration(most * 3600.0, lang) if count else "-"},
	]  # fmt: skip
