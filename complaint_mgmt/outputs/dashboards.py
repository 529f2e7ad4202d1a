"""Values of the workspace's custom number cards (one aggregate query each, department isolation applied). They
only read: under ``frappe.read_only()`` a site with ``read_from_replica`` sends them to the replica."""

import datetime

import frappe
from frappe.query_builder.functions import Count, Sum
from frappe.utils import flt, get_first_day, now_datetime, today

from complaint_mgmt.ops import replica
from complaint_mgmt.outputs import reporting


@frappe.whitelist()
@replica.or_primary  # a replica that cannot be reached: the primary answers (ops/replica.py)
@frappe.read_only()  # a site with read_from_replica answers from the replica
def overdue_count(filters: str | dict | None = None) -> dict:
	"""Running complaints with a clock past its due (what the Overdue Complaints report lists)."""
	frappe.has_permission("Complaint", "read", throw=True)
	c = frappe.qb.DocType("Complaint")
	query = frappe.qb.from_(c).select(Count("*")).where(reporting.overdue_condition(c, now_datetime()))
	query = reporting.restrict(query, c.department, reporting.department_scope({}))
	return {"value": int(query.run()[0][0] or 0), "fieldtype": "Int"}


@frappe.whitelist()
@replica.or_primary  # a replica that cannot be reached: the primary answers (ops/replica.py)
@frappe.read_only()  # a site with read_from_replica answers from the replica
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


@frappe.whitelist()
@replica.or_primary  # a replica that cannot be reached: the primary answers (ops/replica.py)
@frappe.read_only()  # a site with read_from_replica answers from the replica
def penalties_last_week(filters: str | dict | None = None) -> dict:
	"""Amount of the submitted penalty notices issued in the previous week: the week of the Friday bulletin and
	the reports' default period (the Complaint Penalty Summary's total for it)."""
	frappe.has_permission("Complaint Penalty Notice", "read", throw=True)
	first, last = reporting.previous_week()
	start, end = reporting.period({"from_date": first, "to_date": last})
	n = frappe.qb.DocType("Complaint Penalty Notice")
	query = (
		frappe.qb.from_(n)
		.select(Sum(n.amount))
		.where((n.docstatus == 1) & (n.issued_on >= start) & (n.issued_on < end))
	)
	query = reporting.restrict(query, n.department, reporting.department_scope({}))
	return {
		"value": flt(query.run()[0][0], 2),
		"fieldtype": "Currency",
		# a click opens the report on the same week
		"route": ["query-report", "Complaint Penalty Summary"],
		"route_options": {"from_date": str(first), "to_date": str(last)},
	}
