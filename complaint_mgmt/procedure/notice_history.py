"""A penalty notice recomputed from the complaint's history (pure Python, no Frappe): what
``complaint_mgmt.api.verify_notices`` compares with the computation the sweep stored.

The history is what the complaint keeps of itself: its milestone fields (the current transfer round and
close-request cycle), its transfer records (earlier rounds: each department's signature and first reply), its
step log (earlier close requests, rejections, return visits), its escalation log (escalations and regrades:
the grade at any instant) and its pauses. The rules are the grades' hours and penalties, the calendar and the
settings as they stand. The notice gives only its breach type, period and the instant the sweep issued it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from complaint_mgmt.procedure import clocks, rules
from complaint_mgmt.procedure import notice_computation as nc
from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, Pause, RuleError

CLOSE_REQUESTS = ("Request Close", "Request Deferral")
CLOSE_REJECTIONS = ("Reject Close", "Reject Closure", "Reject Deferral")
RETURN_VISIT = "Record Return Visit"
Dt = datetime.datetime | None


@dataclass(frozen=True)
class History:
	"""One complaint's history. `records`: its transfer records in issue order, (issued_on, acknowledged_on,
	first_replied_on); `steps`: (action, done_on) in order; `escalations`: (from, to, when)."""

	received_on: datetime.datetime
	original_grade: str | None = None
	status: str | None = None
	channel_hours: float | None = None
	transfer_round: int = 0
	transfer_started_on: Dt = None
	acknowledged_on: Dt = None
	first_replied_on: Dt = None
	close_request_cycle: int = 0
	close_requested_on: Dt = None
	return_visited_on: Dt = None
	deferral_requested_on: Dt = None
	records: Sequence[tuple[Dt, Dt, Dt]] = ()
	steps: Sequence[tuple[str, Dt]] = ()
	escalations: Sequence[tuple[str | None, str | None, Dt]] = ()
	pauses: Sequence[Pause] = ()


@dataclass(frozen=True)
class Rules:
	"""The rules as they stand: grades by name, the calendar and the settings that shape a notice."""

	grades: Mapping[str, rules.Grade]
	calendar: Calendar = WALL_CLOCK
	return_visit_hours: float | None = 12
	repeat_period_days: float = 30
	multiplier: float = 2


def _as_of(instant: Dt, issued_on: datetime.datetime) -> Dt:
	"""A step counts for the notice only when it was done by the time the sweep issued it."""
	return instant if instant is not None and instant <= issued_on else None


def _record(h: History, round_: int, index: int) -> Dt:
	return h.records[round_][index] if 0 <= round_ < len(h.records) else None


def _nth_step(h: History, actions: Sequence[str], n: int) -> Dt:
	found = [when for action, when in h.steps if action in actions and when is not None]
	return found[n] if 0 <= n < len(found) else None


def transfer_clock(h: History, round_: int) -> tuple[Dt, str, Dt]:
	"""(start, start event, stop) of the Transfer clock of transfer round `round_`."""
	if round_ == 0:
		start, event = h.received_on, nc.RECEIVED
	else:
		current = round_ == h.transfer_round and h.transfer_started_on
		start, event = (h.transfer_started_on if current else _record(h, round_, 0)), nc.RETRANSFERRED
	stop = h.acknowledged_on if round_ == h.transfer_round else _record(h, round_, 1)
	return start, event, stop


def first_reply_clock(h: History, round_: int) -> tuple[Dt, str, Dt]:
	if round_ == h.transfer_round:
		return h.acknowledged_on, nc.ACKNOWLEDGED, h.first_replied_on
	return _record(h, round_, 1), nc.ACKNOWLEDGED, _record(h, round_, 2)


def return_visit_clock(h: History, cycle: int) -> tuple[Dt, str, Dt]:
	if cycle == h.close_request_cycle and h.close_requested_on:
		return h.close_requested_on, nc.CLOSE_REQUESTED, h.return_visited_on
	start = _nth_step(h, ("Request Close",), cycle)
	later = [when for action, when in h.steps if action == RETURN_VISIT and start and when and when >= start]
	return start, nc.CLOSE_REQUESTED, (later[0] if later else None)


def close_stop(h: History, issued_on: datetime.datetime) -> Dt:
	"""The close (or deferral) request standing when the sweep issued the notice: the current one, else the
	step log's last request by then that no rejection had undone by then."""
	values = {
		"close_requested_on": h.close_requested_on,
		"deferral_requested_on": h.deferral_requested_on,
	}
	current = _as_of(clocks.stopped_on("Close", values, h.status), issued_on)
	if current is not None:
		return current
	stop = None
	for action, when in h.steps:
		if when is None or when > issued_on:
			continue
		if action in CLOSE_REQUESTS:
			stop = when
		elif action in CLOSE_REJECTIONS:
			stop = None
	return stop


def _escalated_first(close_due: Dt, due: Dt, clock: str, breach_type: str) -> bool:
	"""Whether the sweep escalated the grade (a close breach, handled in event order) before it issued a
	notice of `clock` due at `due` in the same run (``sweep_rules.Event.sort_key``)."""
	if close_due is None or due is None:
		return False
	if breach_type == nc.REPEAT:
		return True
	return (close_due, rules.CLOCKS.index("Close")) < (due, rules.CLOCKS.index(clock))


def recompute(breach_type: str, period: int, issued_on: datetime.datetime, h: History, r: Rules) -> dict:
	"""The computation of the notice (breach type, period, issued at `issued_on`) from the history."""
	clock = nc.clock_of(breach_type)
	period = int(period or 0)
	if clock == "Transfer":
		start, event, stop = transfer_clock(h, period)
	elif clock == "First Reply":
		start, event, stop = first_reply_clock(h, period)
	elif clock == "Return Visit":
		start, event, stop = return_visit_clock(h, period)
	else:
		start, event, stop = h.received_on, nc.RECEIVED, close_stop(h, issued_on)
	if start is None:
		raise RuleError("The history of the complaint does not say when the {0} clock started.", clock)
	hours_grade = nc.grade_at(h.original_grade, h.escalations, start)
	deadline = _deadline(clock, start, hours_grade, h, r)
	close_due = _deadline(
		"Close", h.received_on, nc.grade_at(h.original_grade, h.escalations, h.received_on), h, r
	)
	escalation = _escalation(h, issued_on) if breach_type == "Close" else None
	before = [
		row for row in h.escalations if row[2] is not None and row[2] < issued_on - nc.INSTANT_TOLERANCE
	]
	penalty_grade = nc.grade_at(h.original_grade, before, issued_on)
	now_rows = _escalations_at(h, issued_on)
	due = deadline if breach_type != nc.REPEAT else None
	if now_rows and (
		breach_type == "Close" or _escalated_first(close_due, due or close_due, clock, breach_type)
	):
		penalty_grade = now_rows[-1][1]
	grade = r.grades.get(penalty_grade or "")
	if grade is None:
		raise RuleError("Complaint Grade {0} not found.", penalty_grade)
	multiplier = r.multiplier if breach_type == nc.REPEAT else 1
	base, factor, _amount = rules.penalty(grade, breach_type, period, multiplier)
	return nc.compute(
		nc.NoticeInputs(
			breach_type=breach_type,
			period=period,
			started_on=start,
			start_event=event,
			deadline=deadline,
			checked_on=issued_on,
			done_on=_as_of(stop, issued_on),
			grade=hours_grade,
			calendar=r.calendar,
			pauses=h.pauses,
			repeat_period_days=r.repeat_period_days,
			escalated_from=escalation[0] if escalation else None,
			escalated_to=escalation[1] if escalation else None,
			penalty_grade=penalty_grade,
			base_amount=base,
			multiplier=factor,
		)
	)


def _deadline(clock: str, start: datetime.datetime, grade_name: str | None, h: History, r: Rules) -> Dt:
	grade = r.grades.get(grade_name or "")
	if grade is None:
		raise RuleError("Complaint Grade {0} not found.", grade_name)
	hours = rules.clock_hours(grade, r.return_visit_hours, h.channel_hours)[clock]
	return r.calendar.add_hours(start, hours, h.pauses) if hours is not None else None


def _escalations_at(h: History, issued_on: datetime.datetime) -> list[tuple]:
	"""The escalation rows the sweep wrote when it issued the notice (stamped with its instant)."""
	return [
		row
		for row in h.escalations
		if row[2] is not None
		and abs(row[2] - issued_on) <= nc.INSTANT_TOLERANCE
		and row[1]
		and row[0] != row[1]
	]


def _escalation(h: History, issued_on: datetime.datetime) -> tuple | None:
	rows = _escalations_at(h, issued_on)
	return (rows[-1][0], rows[-1][1]) if rows else None


def current_deadlines(h: History, r: Rules) -> dict[str, Dt]:
	"""Each clock's due in the current transfer round and close-request cycle, computed from the history alone
	(what the stored ``*_due`` fields must hold while the rules stand as they did): from the clock's start, by
	the grade in force then (a later escalation or regrade moves no started clock), the channel's cap, the
	calendar and the pauses. None: the clock has not started (or the grade runs no clocks)."""
	starts = {
		"Transfer": transfer_clock(h, h.transfer_round)[0],
		"First Reply": h.acknowledged_on,
		"Close": h.received_on,
		"Return Visit": h.close_requested_on,
	}
	return {
		clock: _deadline(clock, start, nc.grade_at(h.original_grade, h.escalations, start), h, r)
		if start is not None
		else None
		for clock, start in starts.items()
	}
