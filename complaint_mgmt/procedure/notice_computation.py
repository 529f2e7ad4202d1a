"""How a penalty notice was reached (pure Python, no Frappe): the ``computation`` stored on every notice the
deadline sweep issues (contract: Complaint Penalty Notice ``computation``), and the comparison that
``complaint_mgmt.api.verify_notices`` makes between a stored computation and a recomputation from history.

The dict says: which clock, what started it and when, the grade whose hours applied and the hours allowed, the
basis (wall clock, or business hours with the calendar used), the pauses left out and their hours, the
deadline, when the stopping step was done (or None: not done by the sweep at ``checked_on``), how late (in the
basis' hours), the escalation of a close breach (its new grade's penalty applies), the period and multiplier of
a monthly repeat, and the amount as base x multiplier. Instants are ``YYYY-MM-DD HH:MM:SS`` in the site's time
zone (naive datetimes, like every rule here). Readable text: ``notice_explanation``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from complaint_mgmt.procedure import clocks
from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, WEEKDAYS, Calendar, Pause, merge_pauses

FORMAT = "%Y-%m-%d %H:%M:%S"
REPEAT = "Monthly Repeat"
WALL, BUSINESS = "Wall Clock", "Business Hours"
# the contract's keys (and the few more a reader needs to check the figures)
KEYS = (
	"clock",
	"breach_type",
	"started_on",
	"start_event",
	"grade",
	"penalty_grade",
	"allowed_hours",
	"basis",
	"pauses",
	"paused_hours",
	"clock_due_on",
	"due_on",
	"done_on",
	"checked_on",
	"late_hours",
	"escalated_from",
	"escalated_to",
	"period",
	"period_days",
	"multiplier",
	"base_amount",
	"amount",
)
# start events (English, translated when rendered)
RECEIVED, RETRANSFERRED, ACKNOWLEDGED, CLOSE_REQUESTED = (
	"Received by the service center",
	"Transferred to the new department",
	"Transfer acknowledged",
	"Close requested",
)
INSTANT_KEYS = ("started_on", "clock_due_on", "due_on", "done_on", "checked_on")
HOURS_TOLERANCE = 0.001  # hours (3.6 s)
INSTANT_TOLERANCE = datetime.timedelta(seconds=1)  # a step's log row is stamped a moment after its field


@dataclass(frozen=True)
class NoticeInputs:
	"""What a notice is computed from. `deadline` is the clock's due (the close deadline for a monthly repeat):
	the hours allowed are the basis' hours from the start to it, pauses left out (what the deadline gave);
	`grade`: the grade whose hours applied, `penalty_grade`: the grade whose penalty applies."""

	breach_type: str
	period: int
	started_on: datetime.datetime | None
	start_event: str
	deadline: datetime.datetime | None
	checked_on: datetime.datetime
	done_on: datetime.datetime | None = None
	grade: str | None = None
	calendar: Calendar = WALL_CLOCK
	pauses: Sequence[Pause] = ()
	repeat_period_days: float = 30
	escalated_from: str | None = None
	escalated_to: str | None = None
	penalty_grade: str | None = None
	base_amount: float = 0
	multiplier: float = 1


def fmt(value: datetime.datetime | None) -> str | None:
	return value.strftime(FORMAT) if value else None


def parse(value: str | None) -> datetime.datetime | None:
	return datetime.datetime.strptime(value, FORMAT) if value else None


def _hours(value: float) -> float:
	return round(float(value), 4)


def clock_of(breach_type: str) -> str:
	return "Close" if breach_type == REPEAT else breach_type


def basis(calendar: Calendar) -> dict:
	"""The basis as stored: wall clock, or business hours with the windows and holidays used."""
	if calendar.is_wall_clock:
		return {"type": WALL}
	windows = sorted(calendar.windows, key=lambda w: (w.weekday, w.start))
	return {
		"type": BUSINESS,
		"windows": [
			[WEEKDAYS[w.weekday], w.start.strftime("%H:%M"), w.end.strftime("%H:%M")] for w in windows
		],
		"holidays": sorted(day.isoformat() for day in calendar.holidays),
	}


def _clipped(pauses: Sequence[Pause], start: datetime.datetime, end: datetime.datetime) -> list[tuple]:
	"""The pauses within [start, end), merged and clipped (an open pause ends at `end`)."""
	rows = []
	for begin, stop in merge_pauses(pauses):
		begin, stop = max(begin, start), min(stop, end)
		if begin < stop:
			rows.append((begin, stop))
	return rows


def compute(i: NoticeInputs) -> dict:
	"""The computation of one notice (see the module's docstring); the keys of ``KEYS``."""
	clock = clock_of(i.breach_type)
	due = i.deadline
	if i.breach_type == REPEAT and due is not None:
		due = clocks.repeat_due(i.deadline, i.period, i.repeat_period_days, i.pauses)
	start, cal = i.started_on, i.calendar
	allowed = paused = 0.0
	pauses: list[tuple] = []
	if start is not None and i.deadline is not None:
		allowed = cal.hours_between(start, i.deadline, i.pauses)
		# the pauses that moved this notice's deadline (a repeat's too) and the basis hours they left out
		until = max(due or i.deadline, i.deadline)
		pauses = _clipped(i.pauses, start, until)
		paused = cal.hours_between(start, until) - cal.hours_between(start, until, i.pauses)
	end = i.done_on or i.checked_on
	late = cal.hours_between(i.deadline, end, i.pauses) if i.deadline is not None else 0.0
	repeat = i.breach_type == REPEAT
	return {
		"clock": clock,
		"breach_type": i.breach_type,
		"started_on": fmt(start),
		"start_event": i.start_event,
		"grade": i.grade,
		"allowed_hours": _hours(allowed),
		"basis": basis(cal),
		"pauses": [[fmt(a), fmt(b)] for a, b in pauses],
		"paused_hours": _hours(max(paused, 0.0)),
		"clock_due_on": fmt(i.deadline),
		"due_on": fmt(due),
		"done_on": fmt(i.done_on),
		"checked_on": fmt(i.checked_on),
		"late_hours": _hours(late),
		"penalty_grade": i.penalty_grade,
		"escalated_from": i.escalated_from,
		"escalated_to": i.escalated_to,
		"period": int(i.period or 0),
		"period_days": float(i.repeat_period_days) if repeat else None,
		"multiplier": float(i.multiplier),
		"base_amount": round(float(i.base_amount), 2),
		"amount": round(float(i.base_amount) * float(i.multiplier), 2),
	}


def grade_at(
	original: str | None, escalations: Sequence[tuple[str | None, str | None, datetime.datetime]], at
) -> str | None:
	"""The complaint's grade at `at` from its escalation log ((from, to, when) rows; regrades are rows too):
	the last row's `to` at or before `at`, else the original grade."""
	grade = original
	for _from, to, when in sorted(escalations, key=lambda row: row[2]):
		if when is not None and when <= at and to:
			grade = to
	return grade


def differences(stored: Mapping | None, recomputed: Mapping) -> list[str]:
	"""The keys whose values differ (instants within a second, hours within 3.6 s, money to the cent)."""
	if not stored:
		return ["computation"]
	return [key for key in KEYS if not _same(key, stored.get(key), recomputed.get(key))]


def _same(key: str, a, b) -> bool:
	if key in INSTANT_KEYS:
		return _same_instant(a, b)
	if key == "pauses":
		a, b = a or [], b or []
		return len(a) == len(b) and all(
			_same_instant(x[0], y[0]) and _same_instant(x[1], y[1]) for x, y in zip(a, b, strict=True)
		)
	if key.endswith("_hours"):
		return a is not None and b is not None and abs(float(a) - float(b)) <= HOURS_TOLERANCE
	if key in ("base_amount", "amount", "multiplier", "period_days"):
		return (a is None and b is None) or (
			a is not None and b is not None and abs(float(a) - float(b)) < 0.005
		)
	return a == b


def _same_instant(a: str | None, b: str | None) -> bool:
	if not a or not b:
		return not a and not b
	try:
		return abs(parse(a) - parse(b)) <= INSTANT_TOLERANCE
	except (TypeError, ValueError):
		return False
