"""The deadline sweep's rules (pure Python, no Frappe): which clock events of a complaint are pending, when the
earliest one falls (stored as ``Complaint.next_check_at`` so the sweep finds its work with an indexed query)
and which events are due at a given instant.

An event is a pre-breach *warning*, a clock *breach* or the k-th *monthly repeat* after a breached closing
deadline. Events at exactly their instant are due ("at the boundary: one notice; one second before: none").
Kept apart from ``complaint_mgmt.procedure.rules`` (which it builds on) only to keep each module readable.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from complaint_mgmt.procedure import clocks
from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, Pause
from complaint_mgmt.procedure.rules import CLOCKS, Deadlines, Milestones, clock_start, warning_at

WARNING, BREACH, REPEAT = "Warning", "Breach", "Monthly Repeat"
_KIND_ORDER = {BREACH: 0, REPEAT: 1, WARNING: 2}


@dataclass(frozen=True)
class SweepSettings:
	"""The settings that shape the sweep's events."""

	warning_percent: float | None = 80
	repeat_period_days: float = 30
	penalize_return_visit: bool = True
	calendar: Calendar = WALL_CLOCK


@dataclass(frozen=True)
class ClockState:
	"""One complaint's clocks as the sweep sees them.

	`running` is False for complaints that run no clocks (closed, deferred, waiting on the customer,
	irrational). `status` and `deferral_requested_on`: a pending deferral request stops the Close clock
	like a close request (``clocks.CLOCK_STOPS``).
	"""

	deadlines: Deadlines
	milestones: Milestones
	breached: frozenset[str] = frozenset()
	warned: frozenset[str] = frozenset()
	repeats_issued: int = 0
	running: bool = True
	pauses: Sequence[Pause] = ()
	deferral_requested_on: datetime.datetime | None = None
	status: str | None = None


@dataclass(frozen=True)
class Event:
	"""One clock event: `kind` is WARNING, BREACH or REPEAT; `period` is k for the k-th monthly repeat.

	A `superseded` warning came too late to help (its clock is due already): it is marked done, not sent.
	"""

	at: datetime.datetime
	kind: str
	clock: str
	period: int = 0
	superseded: bool = False

	@property
	def sort_key(self) -> tuple:
		return (self.at, CLOCKS.index(self.clock), _KIND_ORDER[self.kind], self.period)


def stopped_on(clock: str, state: ClockState) -> datetime.datetime | None:
	"""When `clock` stopped (None: running), by the one definition of ``clocks.CLOCK_STOPS``."""
	m = state.milestones
	values = {
		"acknowledged_on": m.acknowledged_on,
		"first_replied_on": m.first_replied_on,
		"close_requested_on": m.close_requested_on,
		"return_visited_on": m.return_visited_on,
		"deferral_requested_on": state.deferral_requested_on,
	}
	return clocks.stopped_on(clock, values, state.status)


def _late(due: datetime.datetime, stop: datetime.datetime | None) -> bool:
	"""True when the clock was not stopped by `due` (stopping at the due instant is in time)."""
	return stop is None or stop > due


def _repeat_periods_on(settings: SweepSettings) -> bool:
	return bool(settings.repeat_period_days and settings.repeat_period_days > 0)


def pending_events(state: ClockState, settings: SweepSettings) -> list[Event]:
	"""Every event not handled yet whose instant is known (only the next monthly repeat), in time order."""
	if not state.running:
		return []
	events: list[Event] = []
	for clock in CLOCKS:
		due = state.deadlines.due(clock)
		if due is None:
			continue
		stop = stopped_on(clock, state)
		penalized = clock != "Return Visit" or settings.penalize_return_visit
		if clock not in state.breached and _late(due, stop) and penalized:
			events.append(Event(due, BREACH, clock))
		if clock not in state.warned and clock not in state.breached and stop is None:
			start = clock_start(clock, state.milestones)
			at = warning_at(start, due, settings.warning_percent, settings.calendar, state.pauses)
			if at is not None and at < due:
				events.append(Event(at, WARNING, clock))
	close_due = state.deadlines.due("Close")
	close_stop = stopped_on("Close", state)
	if close_due is not None and _late(close_due, close_stop) and _repeat_periods_on(settings):
		period = max(state.repeats_issued or 0, 0) + 1
		at = clocks.repeat_due(close_due, period, settings.repeat_period_days, state.pauses)
		if at is not None and _late(at, close_stop):
			events.append(Event(at, REPEAT, "Close", period))
	return sorted(events, key=lambda e: e.sort_key)


def next_check_at(state: ClockState, settings: SweepSettings) -> datetime.datetime | None:
	"""The earliest pending event instant: when the sweep must look at the complaint next (None: never)."""
	events = pending_events(state, settings)
	return events[0].at if events else None


def due_events(state: ClockState, settings: SweepSettings, now: datetime.datetime) -> list[Event]:
	"""The events due at `now`, in time order: every monthly repeat period due (one event each); a warning
	whose clock is already due at `now` comes back `superseded` (mark it done, do not send it).

	Once every returned event is recorded, `next_check_at` lies after `now`.
	"""
	pending = [e for e in pending_events(state, settings) if e.at <= now]
	events = [e for e in pending if e.kind == BREACH]
	for event in pending:
		if event.kind == WARNING:
			late = now >= state.deadlines.due(event.clock)
			events.append(Event(event.at, WARNING, event.clock, superseded=late))
	if any(e.kind == REPEAT for e in pending):
		close_due = state.deadlines.due("Close")
		close_stop = stopped_on("Close", state)
		for period in clocks.due_repeats(
			close_due, now, settings.repeat_period_days, state.repeats_issued, state.pauses
		):
			at = clocks.repeat_due(close_due, period, settings.repeat_period_days, state.pauses)
			if _late(at, close_stop):
				events.append(Event(at, REPEAT, "Close", period))
	return sorted(events, key=lambda e: e.sort_key)


def is_automatic(setting: int | None) -> bool:
	"""Whether Sweep Jobs at Once leaves the number of jobs to the workers seen (0 or empty)."""
	return not (setting and setting > 0)


def sweep_job_limit(setting: int | None, long_workers: int) -> int:
	"""At most how many cooperating sweep jobs the schedule starts: the setting when it is 1 or more, else
	(0 or empty: automatic) one per worker of the long queue seen, at least one."""
	if not is_automatic(setting):
		return int(setting)
	return max(1, long_workers)


def sweep_job_count(due: int, transaction_size: int, limit: int) -> int:
	"""How many sweep jobs the 5-minute schedule enqueues for `due` due complaints (counted up to
	`limit` x `transaction_size`): none when nothing is due, one while one transaction holds them all,
	else one per transaction's worth, at most `limit` (they split the rows with SKIP LOCKED)."""
	if due <= 0:
		return 0
	batches = -(-due // max(1, transaction_size))
	return max(1, min(limit, batches))


QUEUED, STARTED = "queued", "started"  # RQ's states of a job that has not ended


def sweep_job_slot_count(limit: int) -> int:
	"""How many job ids (slots) the sweep jobs use: twice the jobs at once, plus one, so that jobs left
	"started" by workers killed mid-sweep never block the next schedule."""
	return 2 * max(1, limit) + 1


def sweep_job_slots(wanted: int, states: Mapping[int, str | None]) -> list[int]:
	"""The slots to enqueue for `wanted` sweep jobs, given each slot's RQ state. A queued job counts as
	enqueued already (it will run and take its share). A started one does not: it may belong to a worker killed
	mid-sweep, whose job stays "started" until RQ expires it, and its rows need another job (a live one only
	gains a partner, which SKIP LOCKED keeps out of its rows); its slot is skipped. Any other slot is free."""
	pending = sum(1 for state in states.values() if state == QUEUED)
	free = [slot for slot, state in sorted(states.items()) if state not in (QUEUED, STARTED)]
	return free[: max(0, wanted - pending)]


# What the stored deadlines and next checks of open complaints are computed from, besides each complaint's own
# fields: a change of any of these makes them stale until they are recomputed.
DEADLINE_SETTINGS = (
	"warning_percent",
	"return_visit_hours",
	"penalize_return_visit",
	"repeat_period_days",
	"use_business_hours",
	"working_windows",
	"holidays",
	"channel_targets",
)
DEADLINE_GRADE_FIELDS = ("is_irrational", "transfer_hours", "first_reply_hours", "close_hours")


def deadline_inputs_changed(before: dict | None, after: dict, fields: Sequence[str]) -> bool:
	"""True when one of `fields` differs between two plain snapshots (`before` None: a new record, nothing
	stored depends on it yet). Table fields compare as lists of plain rows."""
	if before is None:
		return False
	return any(_plain(before.get(f)) != _plain(after.get(f)) for f in fields)


def _plain(value):
	if isinstance(value, list | tuple):
		return [_plain(v) for v in value]
	if isinstance(value, float) and value.is_integer():
		return int(value)
	return "" if value is None else value


def sweep_descending(slot: int) -> bool:
	"""Whether the `slot`-th cooperating sweep job walks the due rows from the latest to the earliest: every
	other one, so two jobs start at opposite ends of the backlog and meet, rather than both reaching for the
	same first rows (each such collision is a claim that finds the rows locked or already handled)."""
	return slot % 2 == 1
