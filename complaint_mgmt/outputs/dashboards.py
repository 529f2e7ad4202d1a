"""Values of the workspace's custom number cards (one aggregate query each, department isolation applied)."""

import datetime

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import get_first_day, now_datetime, today

from complaint_mgmt.outputs import reporting


@frappe.whitelist()
def overdue_count(filters: str | dict | None = None) -> dict:
	"""Running complaints with a clock past its due (what the Overdue Complaints report lists)."""
	frappe.has_permission("Complaint", "read", throw=True)
	c = frappe.qb.DocType("Complaint")
	query = frappe.qb.from_(c).select(Count("*")).where(reporting.overdue_condition(c, now_datetime()))
	query = reporting.restrict(query, c.department, reporting.department_scope({}))
	return {"value": int(query.run()[0][0] or 0), "fieldtype": "Int"}


@frappe.whitelist()
def first_closure_rate(filters: str | dict | None = None) -> dict:
	"""First closures among the complaints closed this month, in percent."""
	frappe.has_permission("Complaint", "read", throw=True)
	c = frappe.qb.DocType("Complaint")
	start = datetime.datetime.combine(get_first_day(today()), datetime.time.min)
	query = (
		frappe.qb.from_(c)
		.select(
			reporting.count_if(c.closure_type == "First Closure"),
			reporting.count_if(c.closure_type == "Second Closure"),
		)
		.where((c.status == "Closed") & (c.closed_on >= start))
	)
	query = reporting.restrict(query, c.department, reporting.department_scope({}))
	first, second = (int(v or 0) for v in query.run()[0])
	return {"value": reporting.share(first, first + second) or 0, "fieldtype": "Percent"}
