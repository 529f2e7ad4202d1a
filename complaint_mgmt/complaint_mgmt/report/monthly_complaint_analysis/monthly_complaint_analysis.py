# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Monthly complaint analysis (spec section 6: the monthly report to the director and the general manager).
One row per calendar month of the period (the first and the last month clipped to From Date / To Date):

- received, by grade (a column per Complaint Grade, by rank), the top 10 categories, repeat complaints and the
  average wall-clock hours of each step: the complaints received in the month (steps they have completed);
- first-closure rate and second closures: the closures approved in the month; top root causes: of those
  closures, per category (most closures first) its most frequent root cause;
- penalties: count and amount of the submitted, uncancelled penalty notices issued in the month.

Five grouped queries (frappe.qb) whatever the number of complaints; department users see only their
departments (reporting.department_scope), like every other report of the app.
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Count, DateFormat, Sum, UnixTimestamp
from frappe.utils import flt

from complaint_mgmt.outputs import reporting

MONTH_FORMAT = "%Y-%m"
# step -> (start field, end field)
STEPS = {
	"transfer_to_ack_hours": ("transferred_on", "acknowledged_on"),
	"ack_to_reply_hours": ("acknowledged_on", "first_replied_on"),
	"received_to_close_request_hours": ("received_on", "close_requested_on"),
	"close_request_to_closure_hours": ("close_requested_on", "closed_on"),
}
TOP_CATEGORIES = 10
ROOT_CAUSE_CATEGORIES = 3  # categories named in the root-cause text
ROOT_CAUSE_CHARS = 60
SUMMED = ("received", "first_closures", "second_closures", "repeats", "penalty_count", "penalty_amount")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	grades = grade_fields()
	rows = get_rows(filters, grades)
	totals = {key: sum(row[key] for row in rows) for key in SUMMED}
	return get_columns(grades), rows, None, get_chart(rows), get_summary(totals)


def grade_fields() -> dict[str, str]:
	"""Complaint Grade name -> its column's fieldname, by rank (grades are master data)."""
	g = frappe.qb.DocType("Complaint Grade")
	names = (
		frappe.qb.from_(g)
		.select(g.name)
		.orderby(g.is_irrational)
		.orderby(g.rank)
		.orderby(g.name)
		.run(pluck=True)
	)
	return {name: f"grade_{frappe.scrub(name)}" for name in names}


def month_keys(start: datetime.datetime, end: datetime.datetime) -> list[str]:
	"""YYYY-MM of every month touched by the half-open range [start, end)."""
	keys, year, month = [], start.year, start.month
	while datetime.datetime(year, month, 1) < end:
		keys.append(f"{year:04d}-{month:02d}")
		year, month = (year + 1, 1) if month == 12 else (year, month + 1)
	return keys


def get_rows(filters, grades: dict[str, str]) -> list[dict]:
	start, end = reporting.period(filters)
	scope = reporting.department_scope(filters)
	rows = {key: new_row(key, grades) for key in month_keys(start, end)}
	add_received(rows, grades, start, end, scope)
	add_categories(rows, start, end, scope)
	add_closures(rows, start, end, scope)
	add_root_causes(rows, start, end, scope)
	add_penalties(rows, start, end, scope)
	for row in rows.values():
		closures = row.first_closures + row.second_closures
		row.first_closure_rate = reporting.share(row.first_closures, closures)
	return list(rows.values())


def new_row(month: str, grades: dict[str, str]) -> frappe._dict:
	row = frappe._dict(month=month, top_categories="", top_root_causes="")
	for key in (
		"received",
		"first_closures",
		"second_closures",
		"repeats",
		"penalty_count",
		*grades.values(),
	):
		row[key] = 0
	row.penalty_amount = 0.0
	row.update(dict.fromkeys(STEPS))
	return row


def add_received(rows: dict, grades: dict[str, str], start, end, scope) -> None:
	c = frappe.qb.DocType("Complaint")
	month = DateFormat(c.received_on, MONTH_FORMAT).as_("month")
	steps = []
	for key, (begin, finish) in STEPS.items():
		done = c[begin].notnull() & c[finish].notnull()
		elapsed = UnixTimestamp(c[finish]) - UnixTimestamp(c[begin])
		steps += [reporting.sum_if(done, elapsed).as_(f"{key}_s"), reporting.count_if(done).as_(f"{key}_n")]
	query = (
		frappe.qb.from_(c)
		.select(
			month, c.grade, Count("*").as_("n"), reporting.count_if(c.is_repeat == 1).as_("repeats"), *steps
		)
		.where((c.received_on >= start) & (c.received_on < end))
		.groupby(month, c.grade)
	)
	seconds = {key: {step: [0.0, 0] for step in STEPS} for key in rows}
	for r in reporting.restrict(query, c.department, scope).run(as_dict=True):
		row = rows[r.month]
		row.received += int(r.n)
		row.repeats += int(r.repeats or 0)
		if r.grade in grades:
			row[grades[r.grade]] += int(r.n)
		for step in STEPS:
			seconds[r.month][step][0] += flt(r[f"{step}_s"])
			seconds[r.month][step][1] += int(r[f"{step}_n"] or 0)
	for key, per_step in seconds.items():
		for step, (total, count) in per_step.items():
			rows[key][step] = flt(total / count / 3600.0, 2) if count else None


def add_categories(rows: dict, start, end, scope) -> None:
	c = frappe.qb.DocType("Complaint")
	month = DateFormat(c.received_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(c)
		.select(month, c.category, Count("*").as_("n"))
		.where((c.received_on >= start) & (c.received_on < end))
		.groupby(month, c.category)
	)
	counts: dict[str, list] = {}
	for r in reporting.restrict(query, c.department, scope).run(as_dict=True):
		counts.setdefault(r.month, []).append((int(r.n), r.category or _("Not categorised")))
	for key, pairs in counts.items():
		top = sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[:TOP_CATEGORIES]
		rows[key].top_categories = ", ".join(f"{name} ({n})" for n, name in top)


def add_closures(rows: dict, start, end, scope) -> None:
	c = frappe.qb.DocType("Complaint")
	month = DateFormat(c.closed_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(c)
		.select(
			month,
			reporting.count_if(c.closure_type == "First Closure").as_("first"),
			reporting.count_if(c.closure_type == "Second Closure").as_("second"),
		)
		.where((c.closed_on >= start) & (c.closed_on < end))
		.groupby(month)
	)
	for r in reporting.restrict(query, c.department, scope).run(as_dict=True):
		rows[r.month].first_closures = int(r.first or 0)
		rows[r.month].second_closures = int(r.second or 0)


def add_root_causes(rows: dict, start, end, scope) -> None:
	c = frappe.qb.DocType("Complaint")
	month = DateFormat(c.closed_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(c)
		.select(month, c.category, c.root_cause, Count("*").as_("n"))
		.where((c.closed_on >= start) & (c.closed_on < end) & c.root_cause.notnull() & (c.root_cause != ""))
		.groupby(month, c.category, c.root_cause)
	)
	causes: dict[str, dict[str, list]] = {}
	for r in reporting.restrict(query, c.department, scope).run(as_dict=True):
		category = r.category or _("Not categorised")
		causes.setdefault(r.month, {}).setdefault(category, []).append(
			(int(r.n), " ".join(r.root_cause.split()))
		)
	for key, by_category in causes.items():
		ranked = sorted(by_category.items(), key=lambda item: (-sum(n for n, _c in item[1]), item[0]))
		parts = []
		for category, pairs in ranked[:ROOT_CAUSE_CATEGORIES]:
			n, cause = sorted(pairs, key=lambda pair: (-pair[0], pair[1]))[0]
			if len(cause) > ROOT_CAUSE_CHARS:
				cause = cause[: ROOT_CAUSE_CHARS - 1] + "…"
			parts.append(f"{category}: {cause} ({n})")
		rows[key].top_root_causes = "; ".join(parts)


def add_penalties(rows: dict, start, end, scope) -> None:
	n = frappe.qb.DocType("Complaint Penalty Notice")
	month = DateFormat(n.issued_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(n)
		.select(month, Count("*").as_("notices"), Sum(n.amount).as_("amount"))
		.where((n.docstatus == 1) & (n.issued_on >= start) & (n.issued_on < end))
		.groupby(month)
	)
	for r in reporting.restrict(query, n.department, scope).run(as_dict=True):
		rows[r.month].penalty_count = int(r.notices)
		rows[r.month].penalty_amount = flt(r.amount, 2)


def get_columns(grades: dict[str, str]) -> list[dict]:
	columns = [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "received", "label": _("Received"), "fieldtype": "Int", "width": 90},
	]
	for grade, field in grades.items():
		columns.append({"fieldname": field, "label": _(grade), "fieldtype": "Int", "width": 90})
	columns += [
		{"fieldname": "top_categories", "label": _("Top 10 Categories"), "fieldtype": "Data", "width": 300},
		{"fieldname": "first_closure_rate", "label": _("First Closure Rate (%)"), "fieldtype": "Percent",
		 "width": 170},
		{"fieldname": "second_closures", "label": _("Second Closures"), "fieldtype": "Int", "width": 130},
		{"fieldname": "transfer_to_ack_hours", "label": _("Avg Hours Transfer to Acknowledgment"),
		 "fieldtype": "Float", "precision": 2, "width": 200},
		{"fieldname": "ack_to_reply_hours", "label": _("Avg Hours Acknowledgment to First Reply"),
		 "fieldtype": "Float", "precision": 2, "width": 200},
		{"fieldname": "received_to_close_request_hours", "label": _("Avg Hours Received to Close Request"),
		 "fieldtype": "Float", "precision": 2, "width": 200},
		{"fieldname": "close_request_to_closure_hours", "label": _("Avg Hours Close Request to Closure"),
		 "fieldtype": "Float", "precision": 2, "width": 200},
		{"fieldname": "repeats", "label": _("Repeat Complaints"), "fieldtype": "Int", "width": 140},
		{"fieldname": "penalty_count", "label": _("Penalty Notices"), "fieldtype": "Int", "width": 130},
		{"fieldname": "penalty_amount", "label": _("Penalty Amount"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "top_root_causes", "label": _("Top Root Causes by Category"), "fieldtype": "Data",
		 "width": 360},
	]  # fmt: skip
	return columns


def get_chart(rows: list[dict]) -> dict | None:
	if not any(row["received"] or row["penalty_count"] for row in rows):
		return None
	return {
		"data": {
			"labels": [row["month"] for row in rows],
			"datasets": [
				{"name": _("Received"), "values": [row["received"] for row in rows]},
				{"name": _("Second Closures"), "values": [row["second_closures"] for row in rows]},
				{"name": _("Repeat Complaints"), "values": [row["repeats"] for row in rows]},
				{"name": _("Penalty Notices"), "values": [row["penalty_count"] for row in rows]},
			],
		},
		"type": "bar",
	}


def get_summary(totals: dict) -> list[dict]:
	closures = totals["first_closures"] + totals["second_closures"]
	return [
		{"label": _("Received"), "value": totals["received"], "datatype": "Int", "indicator": "Blue"},
		{"label": _("First Closure Rate (%)"), "datatype": "Percent", "indicator": "Green",
		 "value": reporting.share(totals["first_closures"], closures) or 0},
		{"label": _("Second Closures"), "value": totals["second_closures"], "datatype": "Int",
		 "indicator": "Orange"},
		{"label": _("Repeat Complaints"), "value": totals["repeats"], "datatype": "Int"},
		{"label": _("Penalty Notices"), "value": totals["penalty_count"], "datatype": "Int", "indicator": "Red"},
		{"label": _("Penalty Amount"), "value": flt(totals["penalty_amount"], 2), "datatype": "Currency"},
	]  # fmt: skip
