"""Every rule of the closed-loop complaint procedure, pure Python (no Frappe), so controllers stay thin.

Naive datetimes are in the site's time zone. Validators raise `RuleError`; see
`complaint_mgmt.procedure.calendar_hours` for the business-hours calendar, `transitions` for the order of
steps, `clocks` for how stored deadlines evolve, `authority`, `corrective_action`, `retention_rules`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, WEEKDAYS, Calendar, Pause, RuleError

CLOCKS = ("Transfer", "First Reply", "Close", "Return Visit")
BREACH_TYPES = ("Transfer", "First Reply", "Close", "Monthly Repeat", "Return Visit")
EXTERNAL_CHANNELS = frozenset({"Media", "Consumer Association", "Government"})
CHANNELS = (
	"Phone",
	"Hotline",
	"Walk-in",
	"E-mail",
	"Web",
	"Return Visit",
	"Media",
	"Consumer Association",
	"Government",
	"Manufacturer Hotline",
)
FIRST_CLOSURE, SECOND_CLOSURE = "First Closure", "Second Closure"
SERVICE_CENTER, DEPARTMENT = "Service Center", "Department"

# clock -> the stored deadline, the milestone that starts it and the one that stops it (Complaint field names)
DUE_FIELDS = {
	"Transfer": "transfer_due",
	"First Reply": "first_reply_due",
	"Close": "close_due",
	"Return Visit": "return_visit_due",
}
START_FIELDS = {
	"Transfer": "received_on",
	"First Reply": "acknowledged_on",
	"Close": "received_on",
	"Return Visit": "close_requested_on",
}
STOP_FIELDS = {
	"Transfer": "acknowledged_on",
	"First Reply": "first_replied_on",
	"Close": "close_requested_on",
	"Return Visit": "return_visited_on",
}

# A repeat complaint: the same customer (by any of these Complaint fields), the same category, received within
# the repeat window (Complaint Settings) before it; whether a complaint is one depends on REPEAT_FIELDS only.
REPEAT_CUSTOMER_FIELDS = ("contact_phone", "contact_email", "party")
REPEAT_FIELDS = (*REPEAT_CUSTOMER_FIELDS, "category", "received_on")


def _check_clock(clock: str) -> None:
	if clock not in CLOCKS:
		raise RuleError("Unknown clock: {0}.", clock)


@dataclass(frozen=True)
class Grade:
	"""A complaint grade (master data): deadlines in hours, penalties per breach, escalation target."""

	name: str
	rank: int = 0
	is_irrational: bool = False
	transfer_hours: float = 0
	first_reply_hours: float = 0
	close_hours: float = 0
	escalate_to: str | None = None
	transfer_penalty: float = 0
	first_reply_penalty: float = 0
	close_penalty: float = 0


@dataclass(frozen=True)
class Milestones:
	"""The timestamps that start and stop the clocks."""

	received_on: datetime.datetime
	acknowledged_on: datetime.datetime | None = None
	first_replied_on: datetime.datetime | None = None
	close_requested_on: datetime.datetime | None = None  # the current, not-rejected close request
	return_visited_on: datetime.datetime | None = None
	transfer_started_on: datetime.datetime | None = None  # a re-transfer: the new department's record


@dataclass(frozen=True)
class Deadlines:
	"""The due instant of each clock (None: the clock does not run or has not started)."""

	transfer_due: datetime.datetime | None = None
	first_reply_due: datetime.datetime | None = None
	close_due: datetime.datetime | None = None
	return_visit_due: datetime.datetime | None = None

	def due(self, clock: str) -> datetime.datetime | None:
		"""The due instant of `clock`."""
		_check_clock(clock)
		return getattr(self, DUE_FIELDS[clock])


def clock_start(clock: str, m: Milestones) -> datetime.datetime | None:
	"""When `clock` starts (None: not started yet); after a re-transfer the Transfer clock of the new
	department starts with its transfer record."""
	_check_clock(clock)
	if clock == "Transfer" and m.transfer_started_on is not None:
		return m.transfer_started_on
	return getattr(m, START_FIELDS[clock])


def clock_stop(clock: str, m: Milestones) -> datetime.datetime | None:
	"""When `clock` stopped (None: still running)."""
	_check_clock(clock)
	return getattr(m, STOP_FIELDS[clock])


def clock_hours(
	grade: Grade, return_visit_hours: float | None = 12, channel_hours: float | None = None
) -> dict[str, float | None]:
	"""Each clock's budget in hours under `grade` (None: the clock does not run). `return_visit_hours` None or
	<= 0 switches the return-visit clock off; a channel's response target caps the transfer clock."""
	transfer = grade.transfer_hours
	if channel_hours and channel_hours > 0:
		transfer = min(transfer, channel_hours) if transfer else channel_hours
	return {
		"Transfer": transfer,
		"First Reply": grade.first_reply_hours,
		"Close": grade.close_hours,
		"Return Visit": return_visit_hours if return_visit_hours and return_visit_hours > 0 else None,
	}


def compute_deadlines(
	grade: Grade,
	m: Milestones,
	*,
	return_visit_hours: float | None = 12,
	channel_hours: float | None = None,
	calendar: Calendar = WALL_CLOCK,
	pauses: Sequence[Pause] = (),
	runs_clocks: bool = True,
	frozen: Mapping[str, datetime.datetime] | None = None,
) -> Deadlines:
	"""All deadlines of a complaint under `grade`, each clock timed from its start (``clock_hours``).

	Irrational grades and complaints that run no clocks (deferred, irrational stage) get None, except
	for `frozen` clocks (clock -> due), which are always kept as they are (breached deadlines never move).
	How stored deadlines evolve after a change is ``complaint_mgmt.procedure.clocks.settle_deadlines``.
	"""
	frozen = dict(frozen or {})
	for clock in frozen:
		_check_clock(clock)
	hours = clock_hours(grade, return_visit_hours, channel_hours)
	running = runs_clocks and not grade.is_irrational
	values: dict[str, datetime.datetime | None] = {}
	for clock in CLOCKS:
		start = clock_start(clock, m)
		if clock in frozen:
			values[DUE_FIELDS[clock]] = frozen[clock]
		elif running and start is not None and hours[clock] is not None:
			values[DUE_FIELDS[clock]] = calendar.add_hours(start, hours[clock], pauses)
		else:
			values[DUE_FIELDS[clock]] = None
	return Deadlines(**values)


def is_breached(
	due: datetime.datetime | None, stopped_on: datetime.datetime | None, now: datetime.datetime
) -> bool:
	"""True when `now` has reached `due` and the clock was not stopped by then (stop at due is in time)."""
	if due is None or now < due:
		return False
	return stopped_on is None or stopped_on > due


def breached_clocks(d: Deadlines, m: Milestones, now: datetime.datetime) -> list[str]:
	"""The clocks breached at `now`, in `CLOCKS` order."""
	return [clock for clock in CLOCKS if is_breached(d.due(clock), clock_stop(clock, m), now)]


def warning_at(
	start: datetime.datetime | None,
	due: datetime.datetime | None,
	percent: float,
	calendar: Calendar = WALL_CLOCK,
	pauses: Sequence[Pause] = (),
) -> datetime.datetime | None:
	"""Instant at which `percent` % of the clock's counted time has elapsed (None if not applicable)."""
	if start is None or due is None or percent is None or percent <= 0 or percent >= 100:
		return None
	total = calendar.hours_between(start, due, pauses)
	at = calendar.add_hours(start, total * percent / 100, pauses)
	return None if at is None else min(at, due)


def escalation_target(grade: Grade) -> str | None:
	"""The grade a Close breach escalates to; None at the top and for irrational grades."""
	if grade.is_irrational or not grade.escalate_to or grade.escalate_to == grade.name:
		return None
	return grade.escalate_to


def validate_grade(grade: Grade, grades: Mapping[str, Grade]) -> None:
	"""Check one grade against all grades (`grades` holds the edited grade under its name)."""
	if not grade.name or not grade.name.strip():
		raise RuleError("A grade needs a name.")
	if not grade.is_irrational:
		for label, value in (
			("transfer", grade.transfer_hours),
			("first-reply", grade.first_reply_hours),
			("closing", grade.close_hours),
		):
			if value is None or value <= 0:
				raise RuleError("Grade {0}: the {1} deadline must be more than 0 hours.", grade.name, label)
	for label, value in (
		("transfer", grade.transfer_penalty),
		("first-reply", grade.first_reply_penalty),
		("close", grade.close_penalty),
	):
		if value is None or value < 0:
			raise RuleError("Grade {0}: the {1} penalty must not be negative.", grade.name, label)
	target = grade.escalate_to
	if not target:
		return
	if grade.is_irrational:
		raise RuleError("Grade {0} is irrational and cannot escalate.", grade.name)
	if target == grade.name:
		raise RuleError("Grade {0} cannot escalate to itself.", grade.name)
	if target not in grades:
		raise RuleError("Grade {0} escalates to unknown grade {1}.", grade.name, target)
	if grades[target].is_irrational:
		raise RuleError("Grade {0} cannot escalate to the irrational grade {1}.", grade.name, target)
	if grades[target].rank <= grade.rank:
		raise RuleError("Grade {0} must escalate to a grade of higher rank than {1}.", grade.name, grade.rank)
	chain = dict(grades)
	chain[grade.name] = grade
	seen = {grade.name}
	current = target
	while current:
		if current in seen:
			raise RuleError("Grade {0}: the escalation chain loops through {1}.", grade.name, current)
		seen.add(current)
		nxt = chain.get(current)
		current = nxt.escalate_to if nxt is not None else None


def late_party(clock: str, transferred: bool) -> str:
	"""Who is late when `clock` is breached: "Service Center" or "Department"."""
	_check_clock(clock)
	if clock == "Transfer":
		return DEPARTMENT if transferred else SERVICE_CENTER
	return SERVICE_CENTER if clock == "Return Visit" else DEPARTMENT


def penalty(
	grade: Grade, breach_type: str, period: int = 0, multiplier: float = 2
) -> tuple[float, float, float]:
	"""(base_amount, multiplier, amount) of a penalty notice under `grade`."""
	if breach_type not in BREACH_TYPES:
		raise RuleError("Unknown breach type: {0}.", breach_type)
	if breach_type == "Monthly Repeat":
		if period is None or period < 1:
			raise RuleError("A monthly repeat penalty needs a period of 1 or more, not {0}.", period)
		if multiplier is None or multiplier <= 0:
			raise RuleError("The monthly repeat multiplier must be more than 0, not {0}.", multiplier)
	if grade.is_irrational:
		return 0.0, 0.0, 0.0
	base = {
		"Transfer": grade.transfer_penalty,
		"First Reply": grade.first_reply_penalty,
		"Close": grade.close_penalty,
		"Monthly Repeat": grade.close_penalty,
		"Return Visit": grade.transfer_penalty,
	}[breach_type]
	factor = float(multiplier) if breach_type == "Monthly Repeat" else 1.0
	return float(base), factor, float(base) * factor


def closure_type(
	close_requested_on: datetime.datetime,
	close_due: datetime.datetime | None,
	*,
	deferred: bool = False,
	close_due_at_deferral: datetime.datetime | None = None,
) -> str:
	"""First Closure when the close request came by the closing deadline, else Second Closure; a deferred
	complaint is judged against the closing deadline it had when it was deferred."""
	if deferred:
		close_due = close_due_at_deferral
	if close_due is None or close_requested_on <= close_due:
		return FIRST_CLOSURE
	return SECOND_CLOSURE


def is_external_channel(channel: str | None) -> bool:
	"""True for channels outside the company (media, consumer association, government)."""
	return channel in EXTERNAL_CHANNELS


EARLIEST_RECEIVED_ON = datetime.datetime(1970, 1, 1)


def validate_received_on(received_on: datetime.datetime, now: datetime.datetime) -> None:
	"""`received_on` may lie in the past (not before 1970), never in the future."""
	if received_on > now:
		raise RuleError("Received On {0} lies in the future.", received_on)
	if received_on < EARLIEST_RECEIVED_ON:
		raise RuleError("Received On {0} lies before {1}.", received_on, EARLIEST_RECEIVED_ON.date())


# Weekly bulletin and reports ----------------------------------------------------------------------------------


def _weekday_index(name: str) -> int:
	if name not in WEEKDAYS:
		raise RuleError("Unknown weekday {0}.", name)
	return WEEKDAYS.index(name)


def week_start_of(day: datetime.date, week_starts_on: str) -> datetime.date:
	"""The first day of the week (weeks start on `week_starts_on`) that contains `day`."""
	return day - datetime.timedelta(days=(day.weekday() - _weekday_index(week_starts_on)) % 7)


def bulletin_week_due(
	now: datetime.datetime, report_day: str, report_time: datetime.time, week_starts_on: str
) -> datetime.date | None:
	"""Start of the week whose penalty bulletin is due at `now`, None before this week's report moment.

	The report moment is `report_day` at `report_time` in the current week; from then on the bulletin of the
	previous week (the seven days before the current week's start) is due.
	"""
	current = week_start_of(now.date(), week_starts_on)
	offset = (_weekday_index(report_day) - _weekday_index(week_starts_on)) % 7
	if now < datetime.datetime.combine(current + datetime.timedelta(days=offset), report_time):
		return None
	return current - datetime.timedelta(days=7)
