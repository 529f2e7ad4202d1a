"""The general manager's screen (issue 19 §6; desk page ``gm-overview``): what is overdue and what it cost per
department this week and last, the trend of the last 12 weeks per clock, the bulletins waiting for the
signature and the corrective-action reviews past their due day. One whitelisted endpoint, for the Complaint
Bulletin Approver (the general manager) and System Managers only; it only reads (a site with
``read_from_replica`` answers from the replica). The figures are shaped by ``procedure/gm_overview.py``.

The general manager reads every department's complaints, notices and bulletins; of a corrective-action review
(which that role does not read) the screen shows only that it is overdue: its complaint, department, category
and due day, never the root cause, the action or the findings.
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder import CustomFunction
from frappe.query_builder.functions import Count, Sum
from frappe.utils import cint, flt, now_datetime

from complaint_mgmt.loop import adapters
from complaint_mgmt.loop.steps import raise_permission
from complaint_mgmt.ops import replica
from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import durations, rules
from complaint_mgmt.procedure import gm_overview as shape

GM_ROLES = frozenset({"Complaint Bulletin Approver", "System Manager"})
NOTICE = "Complaint Penalty Notice"
BULLETIN = "Complaint Penalty Bulletin"
REVIEW = "Complaint Action Review"
REVIEW_ROWS = 50  # the overdue reviews listed (their total is counted)
DateOf = CustomFunction("DATE", ["instant"])


def check_gm() -> None:
	"""Only the general manager (Complaint Bulletin Approver) and System Managers: deny everyone else."""
	if frappe.session.user == "Administrator":
		return
	if not GM_ROLES & set(frappe.get_roles()):
		raise_permission(
			_(
				"Only the general manager (Complaint Bulletin Approver) or a System Manager may open this overview."
			)
		)


@frappe.whitelist()
@replica.or_primary  # a replica that cannot be reached: the primary answers (ops/replica.py)
@frappe.read_only()  # a site with read_from_replica answers from the replica
def get_overview() -> dict:
	"""Everything the GM's screen shows, computed now (site time)."""
	check_gm()
	now = now_datetime()
	this_week = rules.week_start_of(now.date(), adapters.get_settings().week_starts_on or "Monday")
	weeks = shape.week_starts(this_week)
	notices = notice_rows(weeks[0], this_week + datetime.timedelta(days=7))
	departments = frappe.get_all("Complaint Department", pluck="name", order_by="name asc")
	return {
		"now": str(now.replace(microsecond=0)),
		"this_week": str(this_week),
		"last_week": str(this_week - datetime.timedelta(days=7)),
		"departments": shape.department_rows(
			departments,
			overdue_by_department(now),
			[(d, day, n, amount) for d, day, _breach, n, amount in notices],
			this_week,
		),
		"trend": shape.trend(weeks, [(day, breach, n, amount) for _d, day, breach, n, amount in notices]),
		"bulletins": bulletins_to_sign(),
		"reviews": overdue_reviews(now),
	}


def notice_rows(start: datetime.date, end: datetime.date) -> list[tuple]:
	"""(department, issue day, breach type, count, amount) of the submitted notices issued in [start, end)."""
	n = frappe.qb.DocType(NOTICE)
	day = DateOf(n.issued_on)
	rows = (
		frappe.qb.from_(n)
		.select(n.department, day, n.breach_type, Count("*"), Sum(n.amount))
		.where(n.docstatus == 1)
		.where(n.issued_on >= datetime.datetime.combine(start, datetime.time.min))
		.where(n.issued_on < datetime.datetime.combine(end, datetime.time.min))
		.groupby(n.department, day, n.breach_type)
	).run()
	return [
		(d, frappe.utils.getdate(when), breach, cint(count), flt(amount))
		for d, when, breach, count, amount in rows
	]


def overdue_by_department(now: datetime.datetime) -> dict:
	"""Department -> running complaints past a clock's due now (what the Overdue Complaints report lists)."""
	c = frappe.qb.DocType("Complaint")
	rows = (
		frappe.qb.from_(c)
		.select(c.department, Count("*"))
		.where(reporting.overdue_condition(c, now))
		.groupby(c.department)
	).run()
	return {department: cint(count) for department, count in rows}


def bulletins_to_sign() -> list[dict]:
	"""The draft bulletins (each waits for the GM's signature), oldest week first, with their notice counts."""
	rows = frappe.get_all(
		BULLETIN,
		filters={"docstatus": 0},
		fields=["name", "week_start", "week_end", "total_amount"],
		order_by="week_start asc",
	)
	if not rows:
		return []
	item = frappe.qb.DocType("Complaint Penalty Bulletin Item")
	counts = dict(
		(
			frappe.qb.from_(item)
			.select(item.parent, Sum(item.notice_count))
			.where(item.parenttype == BULLETIN)
			.where(item.parent.isin([r.name for r in rows]))
			.groupby(item.parent)
		).run()
	)
	return [
		{
			"name": r.name,
			"week_start": str(r.week_start),
			"week_end": str(r.week_end),
			"total_amount": flt(r.total_amount),
			"notice_count": cint(counts.get(r.name)),
		}
		for r in rows
	]


def overdue_reviews(now: datetime.datetime) -> dict:
	"""The open reviews past their due day (due on day D: overdue from D + 1, 00:00), most overdue first: how
	many, and the first REVIEW_ROWS with how long they are overdue, in the reader's language."""
	filters = {"status": "Open", "due_on": ("<", now.date())}
	# The GM role does not read reviews (their root causes and findings are the department's); this screen
	# shows that a review is overdue and nothing of its content, to the roles check_gm() admitted.
	total = frappe.db.count(REVIEW, filters)
	rows = frappe.get_all(
		REVIEW,
		filters=filters,
		fields=["complaint", "department", "category", "due_on"],
		order_by="due_on asc, name asc",
		limit=REVIEW_ROWS,
	)
	lang = frappe.local.lang
	out = []
	for r in rows:
		late = now - datetime.datetime.combine(r.due_on + datetime.timedelta(days=1), datetime.time.min)
		out.append(
			{
				"complaint": r.complaint,
				"department": r.department,
				"category": r.category,
				"due_on": str(r.due_on),
				"overdue": durations.format_overdue(late.total_seconds(), lang),
			}
		)
	return {"total": total, "rows": out}
