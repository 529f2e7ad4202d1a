"""Shared pieces of the app's script reports: the period filter, department isolation and the overdue test.

Every report aggregates in SQL (GROUP BY through frappe.qb) so it stays fast on millions of complaints; Python
only shapes the few aggregated rows. Department isolation: Complaint Handlers and Department Managers see only
the rows of their own departments (complaint_mgmt.permissions), whatever department filter they pass.
"""

from datetime import date, datetime, time, timedelta

import frappe
from frappe import _
from frappe.query_builder import Case, Criterion, CustomFunction
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, date_diff, flt, getdate
from pypika.terms import PseudoColumn

from complaint_mgmt.outputs import report_stats
from complaint_mgmt.outputs.report_stats import uncounted  # noqa: F401 (the reports' raw-part condition)
from complaint_mgmt.outputs.weekly import previous_week_start
from complaint_mgmt.procedure import clocks, rules, transitions
from complaint_mgmt.procedure import report_stats as stats_rules
from complaint_mgmt.security.permissions import is_restricted, user_departments

REPORT_DOCTYPES = ("Complaint", "Complaint Penalty Notice")
TimestampDiff = CustomFunction("TIMESTAMPDIFF", ["unit", "start", "end"])
# clock -> (due field, field that stops the clock)
CLOCK_FIELDS = {clock: (rules.DUE_FIELDS[clock], rules.STOP_FIELDS[clock]) for clock in rules.CLOCKS}


def previous_week() -> tuple[date, date]:
	"""The first and last day of the previous week (weeks start on the settings' week_starts_on): the week of the
	Friday bulletin, the reports' default period and the workspace's penalty card."""
	start = previous_week_start()
	return start, start + timedelta(days=6)


@frappe.whitelist()
def default_period() -> dict:
	"""The reports' default filters (the desk asks once when a report opens): the previous week. Only two dates
	derived from the settings' week start; asked by whoever may read what the reports show."""
	if not any(frappe.has_permission(doctype, "read") for doctype in REPORT_DOCTYPES):
		frappe.throw(_("You are not permitted to read complaint reports."), frappe.PermissionError)
	start, end = previous_week()
	return {"from_date": str(start), "to_date": str(end)}


def period(filters) -> tuple[datetime, datetime]:
	"""The half-open instant range [from_date 00:00, day after to_date 00:00) of the report's filters."""
	filters = frappe._dict(filters or {})
	if not filters.get("from_date") or not filters.get("to_date"):
		frappe.throw(_("Set both From Date and To Date."), title=_("Missing filter"))
	from_date, to_date = getdate(filters.from_date), getdate(filters.to_date)
	if from_date > to_date:
		frappe.throw(_("From Date cannot be after To Date."), title=_("Invalid filter"))
	return datetime.combine(from_date, time.min), datetime.combine(getdate(add_days(to_date, 1)), time.min)


def period_days(filters) -> int:
	return date_diff(filters.get("to_date"), filters.get("from_date")) + 1


def department_scope(filters) -> list[str] | None:
	"""The departments the report may show: None = all, else this list (possibly empty)."""
	department = (filters or {}).get("department")
	if is_restricted():
		allowed = user_departments()
		if department:
			return [department] if department in allowed else []
		return allowed
	return [department] if department else None


def restrict(query, column, scope: list[str] | None):
	"""Limit `query` to the departments of `scope` (an empty scope matches nothing: ``IN (NULL)``)."""
	if scope is None:
		return query
	return query.where(column.isin(scope or [None]))


def count_if(condition):
	"""SUM(CASE WHEN condition THEN 1 ELSE 0 END)."""
	return Sum(Case().when(condition, 1).else_(0))


def sum_if(condition, value):
	return Sum(Case().when(condition, value).else_(0))


def clock_stopped(c, clock: str):
	"""SQL condition: `clock` has stopped, by the sweep's own definition (``clocks.CLOCK_STOPS``: a pending
	deferral request stops the Close clock like a close request)."""
	stops = [
		c[field].isnotnull() if in_status is None else (c[field].isnotnull() & (c.status == in_status))
		for field, in_status in clocks.CLOCK_STOPS[clock]
	]
	return Criterion.any(stops)


def stop_instant(c, clock: str):
	"""SQL term: when `clock` stopped (NULL: running), the earliest of its stops (``clocks.stopped_on``)."""
	(first, _status), *others = clocks.CLOCK_STOPS[clock]
	term = c[first]
	for field, in_status in others:
		counts = c[field].isnotnull() & (term.isnull() | (c[field] < term))
		if in_status is not None:
			counts = counts & (c.status == in_status)
		term = Case().when(counts, c[field]).else_(term)
	return term


# Every column the stop of some clock reads (for reports that judge the clocks row by row in Python).
STOP_COLUMNS = tuple(dict.fromkeys(f for stops in clocks.CLOCK_STOPS.values() for f, _status in stops))


def clock_late(c, now: datetime, clock: str):
	"""SQL condition: `clock` is past its due and has not stopped."""
	return (c[CLOCK_FIELDS[clock][0]] < now) & ~clock_stopped(c, clock)


def overdue_condition(c, now: datetime, clock: str | None = None):
	"""SQL condition: a running complaint past the due of `clock` (or of any clock) that has not stopped."""
	clocks_ = [clock] if clock else list(CLOCK_FIELDS)
	return c.status.isin(transitions.RUNNING_STATUSES) & Criterion.any(
		[clock_late(c, now, k) for k in clocks_]
	)


def daily_rows(kind: str, filters, scope, group, measures, where=None, pick=()) -> list[dict]:
	"""The pre-aggregated daily rows of `kind` (procedure.report_stats: DAY, COUNT, CAUSE) over the report's
	period: SUM of `measures` grouped by `group` (callables taking the table, giving a term), department isolation
	as on the complaints (`restrict`); `pick`: more select terms (aggregates). Empty in raw mode (the exactness
	check reads the complaints alone)."""
	if not report_stats.use_rows():
		return []
	start, end = period(filters)
	t = frappe.qb.DocType(report_stats.TABLES[kind])
	terms = [term(t) for term in group]
	query = (
		frappe.qb.from_(t)
		.select(*terms, *(term(t) for term in pick), *(Sum(t[m]).as_(m) for m in measures))
		.where((t.day >= start.date()) & (t.day < end.date()))
	)
	if terms:
		query = query.groupby(*terms)
	if where is not None:
		query = query.where(where(t))
	return restrict(query, t.department, scope).run(as_dict=True)


def by_department(parts: list[dict], measures, received: str = "received") -> list[frappe._dict]:
	"""Sum per department the rows of a report's parts (daily rows, uncounted complaints), in department order
	(not transferred first, as SQL orders NULL); a department without a complaint received in the period (only
	a closure that day) is left out, as the complaints' own query would."""
	totals: dict[str | None, frappe._dict] = {}
	for part in parts:
		row = totals.setdefault(
			part.get("department") or None, frappe._dict(department=part.get("department"))
		)
		for key in measures:
			row[key] = row.get(key, 0) + (part.get(key) or 0)
	ordered = sorted(totals.items(), key=lambda item: (item[0] is not None, item[0] or ""))
	return [row for _department, row in ordered if row.get(received)]


def step_seconds(c, begin: str, finish: str):
	"""SQL term: whole wall-clock seconds from `begin` to `finish` (NULL if either is), as the daily rows keep
	them (procedure.report_stats.seconds); summed, then divided by the count of completed steps."""
	return TimestampDiff(PseudoColumn("SECOND"), c[begin], c[finish])


def step_totals(c, steps) -> list:
	"""SQL terms: for each step of ``procedure.report_stats.STEPS``, its summed whole seconds (``<step>_s``) and
	the count of complaints that completed it (``<step>_n``), the daily rows' measures of the same name."""
	terms = []
	for step in steps:
		elapsed = step_seconds(c, *stats_rules.STEPS[step])
		terms += [Sum(elapsed).as_(f"{step}_s"), Count(elapsed).as_(f"{step}_n")]
	return terms


def average_hours(total_seconds, count) -> float | None:
	"""The reports' average step time in hours (2 decimals) from the exact total of whole seconds: the same
	arithmetic whether the seconds came from the daily rows or the complaints."""
	return flt(flt(total_seconds) / count / 3600, 2) if count else None


def share(part, whole, digits: int = 2) -> float | None:
	"""Percentage of part in whole, None when whole is 0."""
	return flt(100.0 * flt(part) / flt(whole), digits) if whole else None
