# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Overdue complaints: running complaints (received in the period) with at least one clock past its due and not
stopped, the most overdue clock first, how many hours late, and who must act (the late party of that clock:
the executing department and its receiver, or the service center and the complaint's specialist)."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import clocks, rules

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


def execute(filters=None):
	filters = frappe._dict(filters or {})
	now = now_datetime()
	rows = get_rows(filters, now)
	return get_columns(), rows, None, get_chart(rows), get_summary(rows)


def get_rows(filters, now) -> list[dict]:
	start, end = reporting.period(filters)
	c = frappe.qb.DocType("Complaint")
	clock_fields = [due for due, _stop in reporting.CLOCK_FIELDS.values()] + list(reporting.STOP_COLUMNS)
	query = (
		frappe.qb.from_(c)
		.select(*(c[f] for f in FIELDS), *(c[f] for f in clock_fields))
		.where((c.received_on >= start) & (c.received_on < end))
		.where(reporting.overdue_condition(c, now))
		.orderby(c.received_on)
	)
	query = reporting.restrict(query, c.department, reporting.department_scope(filters))
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


def get_chart(rows: list[dict]) -> dict | None:
	if not rows:
		return None
	counts = {label: 0 for label in clock_labels().values()}
	for row in rows:
		counts[row["overdue_clock"]] += 1
	return {
		"data": {
			"labels": list(counts),
			"datasets": [{"name": _("Overdue Complaints"), "values": list(counts.values())}],
		},
		"type": "bar",
	}


def get_summary(rows: list[dict]) -> list[dict]:
	hours = [row["hours_late"] for row in rows]
	return [
		{"label": _("Overdue Complaints"), "value": len(rows), "datatype": "Int", "indicator": "Red"},
		{"label": _("Average Hours Late"), "datatype": "Float",
		 "value": flt(sum(hours) / len(hours), 2) if hours else 0},
		{"label": _("Most Hours Late"), "value": max(hours) if hours else 0, "datatype": "Float"},
	]  # fmt: skip
