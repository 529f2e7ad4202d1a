"""The general manager's overview (issue 19 §6), shaped from aggregated rows. Pure: no Frappe.

- Per department: the complaints overdue now, and the deadlines missed (penalty notices issued: one per breach)
  with their amount in this week and in the last one.
- The trend: the notices of each of the last 12 weeks (this one included), per clock, and their amount.
Weeks start on the settings' day (``rules.week_start_of``); a notice belongs to the week of its issue day.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from complaint_mgmt.procedure.rules import BREACH_TYPES

TREND_WEEKS = 12


def week_starts(this_week: date, count: int = TREND_WEEKS) -> list[date]:
	"""The first days of the `count` weeks ending with the week starting `this_week`, oldest first."""
	return [this_week - timedelta(days=7 * k) for k in range(count - 1, -1, -1)]


def week_of(day: date, starts: list[date]) -> date | None:
	"""The start of the week of `starts` that holds `day` (None: outside them)."""
	for start in reversed(starts):
		if start <= day < start + timedelta(days=7):
			return start
	return None


@dataclass
class DepartmentRow:
	department: str
	overdue_now: int = 0
	notices_this_week: int = 0
	amount_this_week: float = 0.0
	notices_last_week: int = 0
	amount_last_week: float = 0.0

	def as_dict(self) -> dict:
		return dict(self.__dict__)


def department_rows(
	departments: list[str], overdue: dict, notices: list[tuple], this_week: date
) -> list[dict]:
	"""One row per department (`departments` in order, then any other department named by the figures).

	overdue: department -> complaints overdue now; notices: (department, issue day, count, amount) rows.
	"""
	rows: dict[str, DepartmentRow] = {d: DepartmentRow(d) for d in departments}
	for department, count in overdue.items():
		if department:
			rows.setdefault(department, DepartmentRow(department)).overdue_now += int(count or 0)
	last_week = this_week - timedelta(days=7)
	for department, day, count, amount in notices:
		if not department:
			continue
		row = rows.setdefault(department, DepartmentRow(department))
		start = week_of(day, [last_week, this_week])
		if start == this_week:
			row.notices_this_week += int(count or 0)
			row.amount_this_week += float(amount or 0)
		elif start == last_week:
			row.notices_last_week += int(count or 0)
			row.amount_last_week += float(amount or 0)
	return [row.as_dict() for row in rows.values()]


@dataclass
class Trend:
	weeks: list[date]
	counts: dict[str, list[int]] = field(default_factory=dict)  # breach type -> one count per week
	amounts: list[float] = field(default_factory=list)

	def as_dict(self) -> dict:
		return {
			"weeks": [w.isoformat() for w in self.weeks],
			"counts": self.counts,
			"amounts": self.amounts,
		}


def trend(weeks: list[date], notices: list[tuple]) -> dict:
	"""The notices per week and clock, and the amount per week; notices: (issue day, breach type, count,
	amount) rows. Every clock has a series (zeros included), in the procedure's order."""
	result = Trend(weeks, {b: [0] * len(weeks) for b in BREACH_TYPES}, [0.0] * len(weeks))
	index = {w: i for i, w in enumerate(weeks)}
	for day, breach_type, count, amount in notices:
		start = week_of(day, weeks)
		if start is None:
			continue
		i = index[start]
		series = result.counts.setdefault(breach_type, [0] * len(weeks))
		series[i] += int(count or 0)
		result.amounts[i] += float(amount or 0)
	return result.as_dict()
