# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Monthly complaint analysis (spec section 6: the monthly report to the director and the general manager).
One row per calendar month of the period (the first and the last month clipped to From Date / To Date):

- received, by grade (a column per Complaint Grade, by rank), the top 10 categories, repeat complaints and the
  average wall-clock hours of each step: the complaints received in the month (steps they have completed);
- first-closure rate and second closures: the closures approved in the month; top root causes: of those
  closures, per category (most closures first) its most frequent root cause;
- penalties: count and amount of the submitted, uncancelled penalty notices issued in the month;
- corrective-action reviews (issue 18 §3): those due in the month (by due day), those recorded in the month and
  how many of them found the action effective.

Five grouped queries (frappe.qb) whatever the number of complaints; department users see only their
departments (reporting.department_scope), like every other report of the app.
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Count, DateFormat, Max, Sum
from frappe.utils import flt

from complaint_mgmt.outputs import reporting, survey_stats
from complaint_mgmt.procedure import report_stats

MONTH_FORMAT = "%Y-%m"
# step column -> the step of the daily rows (procedure.report_stats.STEPS: start and end fields)
STEPS = {
	"transfer_to_ack_hours": "acknowledge",
	"ack_to_reply_hours": "first_reply",
	"received_to_close_request_hours": "received_to_close_request",
	"close_request_to_closure_hours": "close_request_to_closure",
}
TOP_CATEGORIES = 10
ROOT_CAUSE_CATEGORIES = 3  # categories named in the root-cause text
ROOT_CAUSE_CHARS = 60
REVIEW_COUNTS = ("reviews_due", "reviews_done", "reviews_effective")
SUMMED = (
	"received",
	"first_closures",
	"second_closures",
	"repeats",
	"penalty_count",
	"penalty_amount",
	*REVIEW_COUNTS,
)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	grades = grade_fields()
	rows = get_rows(filters, grades)
	totals = {key: sum(row[key] for row in rows) for key in SUMMED}
	summary = get_summary(totals) + survey_stats.summary(rows)
	return get_columns(grades), rows, None, get_chart(rows), summary


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
	add_received(rows, grades, filters, scope)
	add_categories(rows, filters, scope)
	add_closures(rows, filters, scope)
	add_root_causes(rows, filters, scope)
	add_penalties(rows, start, end, scope)
	add_reviews(rows, start, end, scope)
	survey_stats.add_survey_scores(rows, start, end, scope, MONTH_FORMAT)  # issue 19 §10
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
		*REVIEW_COUNTS,
		*grades.values(),
	):
		row[key] = 0
	row.penalty_amount = 0.0
	row.update(dict.fromkeys(STEPS))
	row.update(survey_stats.new_values())
	return row


def _month(term):
	return DateFormat(term, MONTH_FORMAT).as_("month")


def _uncounted(filters, scope, instant: str, fields, group=None):
	"""The complaints of the period not in the daily rows, by the month of `instant`: the terms `fields(c)`,
	grouped by the month and the terms `group(c)`, or one row per complaint (group None)."""
	start, end = reporting.period(filters)
	c = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(c)
		.select(_month(c[instant]), *fields(c))
		.where((c[instant] >= start) & (c[instant] < end) & reporting.uncounted(c))
	)
	if group is not None:
		query = query.groupby(_month(c[instant]), *group(c))
	return reporting.restrict(query, c.department, scope).run(as_dict=True)


def add_received(rows: dict, grades: dict[str, str], filters, scope) -> None:
	"""Received, repeats and the step averages (DAY rows and uncounted complaints), and the grade mix."""

	def fields(c):
		return [
			Count("*").as_("received"),
			reporting.count_if(c.is_repeat == 1).as_("repeats"),
			*reporting.step_totals(c, STEPS.values()),
		]

	raw = _uncounted(filters, scope, "received_on", fields, lambda c: [])
	measures = ["received", "repeats", *(f"{step}_{part}" for step in STEPS.values() for part in ("s", "n"))]
	parts = raw + reporting.daily_rows(report_stats.DAY, filters, scope, [lambda t: _month(t.day)], measures)
	seconds = {key: {step: [0.0, 0] for step in STEPS} for key in rows}
	for r in parts:
		row = rows[r.month]
		row.received += int(r.received or 0)
		row.repeats += int(r.repeats or 0)
		for column, step in STEPS.items():
			seconds[r.month][column][0] += flt(r[f"{step}_s"])
			seconds[r.month][column][1] += int(r[f"{step}_n"] or 0)
	for key, per_step in seconds.items():
		for column, (total, count) in per_step.items():
			rows[key][column] = reporting.average_hours(total, count)
	for r in _mix(report_stats.GRADE, "grade", filters, scope):
		if r.value in grades:
			rows[r.month][grades[r.value]] += int(r.n)


def _mix(dimension: str, field: str, filters, scope) -> list[dict]:
	"""(month, value, n) of the period's complaints per value of `field`: COUNT rows and uncounted complaints."""
	raw = _uncounted(
		filters,
		scope,
		"received_on",
		lambda c: [c[field].as_("value"), Count("*").as_("n")],
		lambda c: [c[field]],
	)
	return raw + reporting.daily_rows(
		report_stats.COUNT,
		filters,
		scope,
		[lambda t: _month(t.day), lambda t: t.value],
		["n"],
		where=lambda t: t.dimension == dimension,
	)


def add_categories(rows: dict, filters, scope) -> None:
	counts: dict[str, dict[str, int]] = {}
	for r in _mix(report_stats.CATEGORY, "category", filters, scope):
		name = r.value or _("Not categorised")
		counts.setdefault(r.month, {})[name] = counts.get(r.month, {}).get(name, 0) + int(r.n)
	for key, by_name in counts.items():
		# a category whose rows add up to nothing (a day row left at zero) is not one of the month's
		top = sorted(((n, name) for name, n in by_name.items() if n), key=lambda pair: (-pair[0], pair[1]))
		rows[key].top_categories = ", ".join(f"{name} ({n})" for n, name in top[:TOP_CATEGORIES])


def add_closures(rows: dict, filters, scope) -> None:
	"""The closures approved in each month (by closed_on): DAY rows and uncounted complaints."""
	raw = _uncounted(
		filters,
		scope,
		"closed_on",
		lambda c: [
			reporting.count_if(c.closure_type == "First Closure").as_("closed_first"),
			reporting.count_if(c.closure_type == "Second Closure").as_("closed_second"),
		],
		lambda c: [],
	)
	parts = raw + reporting.daily_rows(
		report_stats.DAY, filters, scope, [lambda t: _month(t.day)], ["closed_first", "closed_second"]
	)
	for r in parts:
		rows[r.month].first_closures += int(r.closed_first or 0)
		rows[r.month].second_closures += int(r.closed_second or 0)


def add_root_causes(rows: dict, filters, scope) -> None:
	"""Of each month's closures, per category (most closures first) its most frequent root cause (whitespace
	collapsed, procedure.report_stats.cause_text): CAUSE rows and uncounted complaints."""
	raw = _uncounted(
		filters, scope, "closed_on", lambda c: [c.category, c.root_cause]
	)  # one row per uncounted closure: the text is grouped below, exactly (SQL would merge by collation)
	counts: dict[tuple, int] = {}
	for r in raw:
		cause = report_stats.cause_text(r.root_cause)
		if cause:
			key = (r.month, r.category or None, cause)
			counts[key] = counts.get(key, 0) + 1
	for r in reporting.daily_rows(
		report_stats.CAUSE,
		filters,
		scope,
		[lambda t: _month(t.day), lambda t: t.category, lambda t: t.cause_key],
		["n"],
		pick=[lambda t: Max(t.root_cause).as_("root_cause")],  # one text per key
	):
		key = (r.month, r.category or None, r.root_cause)
		counts[key] = counts.get(key, 0) + int(r.n)
	causes: dict[str, dict[str, list]] = {}
	for (month, category, cause), n in counts.items():
		if not n:
			continue  # rows that add up to nothing
		causes.setdefault(month, {}).setdefault(category or _("Not categorised"), []).append((n, cause))
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


def add_reviews(rows: dict, start, end, scope) -> None:
	"""The corrective-action reviews due in each month, and those recorded in it (effective among them)."""
	r = frappe.qb.DocType("Complaint Action Review")
	due = DateFormat(r.due_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(r)
		.select(due, Count("*").as_("n"))
		.where((r.due_on >= start.date()) & (r.due_on < end.date()))
		.groupby(due)
	)
	for row in reporting.restrict(query, r.department, scope).run(as_dict=True):
		rows[row.month].reviews_due = int(row.n)
	done = DateFormat(r.reviewed_on, MONTH_FORMAT).as_("month")
	query = (
		frappe.qb.from_(r)
		.select(done, Count("*").as_("n"), reporting.count_if(r.status == "Effective").as_("effective"))
		.where((r.reviewed_on >= start) & (r.reviewed_on < end))
		.groupby(done)
	)
	for row in reporting.restrict(query, r.department, scope).run(as_dict=True):
		rows[row.month].reviews_done = int(row.n)
		rows[row.month].reviews_effective = int(row.effective or 0)


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
		{"fieldname": "reviews_due", "label": _("Reviews Due"), "fieldtype": "Int", "width": 110},
		{"fieldname": "reviews_done", "label": _("Reviews Done"), "fieldtype": "Int", "width": 110},
		{"fieldname": "reviews_effective", "label": _("Reviews Effective"), "fieldtype": "Int", "width": 130},
		*survey_stats.columns(),
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
		{"label": _("Reviews Due"), "value": totals["reviews_due"], "datatype": "Int"},
		{"label": _("Reviews Done"), "value": totals["reviews_done"], "datatype": "Int"},
		{"label": _("Reviews Effective"), "value": totals["reviews_effective"], "datatype": "Int",
		 "indicator": "Green"},
	]  # fmt: skip
