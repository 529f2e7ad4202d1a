"""How stored deadlines evolve (pure Python, no Frappe): the procedure's rule that a clock which has started
keeps its deadline and a clock which has stopped is never judged again (spec §4).

- ``settle_deadlines``: the deadlines after any change of a complaint (an action, an escalation, a regrade, a
  settings or grade change): only clocks that have not started yet follow the current grade and settings; a
  started clock keeps its stored due, whatever the grade, the grade's hours or the calendar say now.
- ``shift_for_pause``: the one thing that moves a started, running clock: time waiting on the customer.
- ``breach_period``: which occurrence of a clock a breach belongs to (a re-transfer restarts the Transfer and
  First Reply clocks for the new department, a rejected close request starts a new Return Visit clock), so
  each occurrence gets its own notice (unique on complaint, breach type, period).
- ``close_stopped_on``: the one definition of "the Close clock has stopped", for the sweep and the reports.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, Pause
from complaint_mgmt.procedure.rules import (
	CLOCKS,
	DUE_FIELDS,
	Deadlines,
	Grade,
	Milestones,
	clock_start,
	clock_stop,
	compute_deadlines,
)

BREACH_FLAGS = {
	"Transfer": "transfer_breached",
	"First Reply": "first_reply_breached",
	"Close": "close_breached",
	"Return Visit": "return_visit_breached",
}
WARNED_FLAGS = {
	"Transfer": "transfer_warned",
	"First Reply": "first_reply_warned",
	"Close": "close_warned",
	"Return Visit": "return_visit_warned",
}
# A re-transfer: the new department's Transfer (from its record) and First Reply clocks start afresh; the
# superseded department's milestones stay on its transfer record and in the step log.
RESTART_ON_RETRANSFER = {
	"acknowledged_on": None,
	"first_replied_on": None,
	DUE_FIELDS["Transfer"]: None,
	DUE_FIELDS["First Reply"]: None,
	BREACH_FLAGS["Transfer"]: 0,
	BREACH_FLAGS["First Reply"]: 0,
	WARNED_FLAGS["Transfer"]: 0,
	WARNED_FLAGS["First Reply"]: 0,
}
# A rejected close request (return visit not satisfied, or the approver's rejection): the Close clock runs
# again, and the next close request starts a new Return Visit clock with its own warning and breach.
NEW_CLOSE_CYCLE = {
	"close_requested_on": None,
	"return_visited_on": None,
	"satisfied": 0,
	DUE_FIELDS["Return Visit"]: None,
	BREACH_FLAGS["Return Visit"]: 0,
	WARNED_FLAGS["Return Visit"]: 0,
}

# The status in which a pending deferral request stops the Close clock (like a close request).
DEFERRAL_PENDING = "Deferral Requested"
# clock -> the fields that stop it, each with the status in which it counts (None: in any status). The sweep
# (``stopped_on``) and the reports' overdue condition (``reporting.overdue_condition``) both read this.
CLOCK_STOPS = {
	"Transfer": (("acknowledged_on", None),),
	"First Reply": (("first_replied_on", None),),
	"Close": (("close_requested_on", None), ("deferral_requested_on", DEFERRAL_PENDING)),
	"Return Visit": (("return_visited_on", None),),
}


def settle_deadlines(
	grade: Grade,
	m: Milestones,
	stored: Deadlines,
	*,
	return_visit_hours: float | None = 12,
	channel_hours: float | None = None,
	calendar: Calendar = WALL_CLOCK,
	pauses: Sequence[Pause] = (),
	runs_clocks: bool = True,
	keep: frozenset[str] = frozenset(),
	previous: Milestones | None = None,
) -> Deadlines:
	"""The deadlines of a complaint after a change.

	A clock that has started and has a stored due keeps it (escalation, regrade, settings and grade changes
	move only clocks that have not started); a clock that starts now gets its due from the current grade,
	settings and calendar (pauses since its start excluded); a clock that has not started has none. A
	complaint that runs no clocks (irrational, deferred) keeps only the dues in `keep` (breached clocks stay
	on record). A clock whose start instant was corrected (`previous` milestones: the service center fixed
	received_on) is timed afresh from the corrected start, unless it is kept as breached.
	"""
	fresh = compute_deadlines(
		grade,
		m,
		return_visit_hours=return_visit_hours,
		channel_hours=channel_hours,
		calendar=calendar,
		pauses=pauses,
		runs_clocks=runs_clocks,
		frozen={clock: stored.due(clock) for clock in keep if stored.due(clock) is not None},
	)
	running = runs_clocks and not grade.is_irrational
	values = {}
	for clock in CLOCKS:
		start, due = clock_start(clock, m), stored.due(clock)
		corrected = previous is not None and clock_start(clock, previous) != start
		started_and_kept = running and start is not None and due is not None and not corrected
		values[DUE_FIELDS[clock]] = due if started_and_kept else fresh.due(clock)
	return Deadlines(**values)


def shift_for_pause(
	d: Deadlines,
	m: Milestones,
	paused_on: datetime.datetime,
	resumed_on: datetime.datetime,
	calendar: Calendar = WALL_CLOCK,
) -> Deadlines:
	"""The deadlines after a pause [paused_on, resumed_on): every started clock still running at the pause
	and not yet due gets the paused time back (counted in the calendar's hours)."""
	values = {}
	for clock in CLOCKS:
		due = d.due(clock)
		start, stop = clock_start(clock, m), clock_stop(clock, m)
		running = start is not None and start <= paused_on and (stop is None or stop > paused_on)
		if due is not None and running and paused_on < due and resumed_on > paused_on:
			due = calendar.add_hours(resumed_on, calendar.hours_between(paused_on, due))
		values[DUE_FIELDS[clock]] = due
	return Deadlines(**values)


def moved_clocks(before: Deadlines, after: Deadlines) -> list[str]:
	"""Clocks whose due changed (their pre-breach warning must be armed again)."""
	return [clock for clock in CLOCKS if before.due(clock) != after.due(clock)]


def breach_period(clock: str, transfer_round: int = 0, close_request_cycle: int = 0) -> int:
	"""The `period` of a breach notice: the transfer round for the Transfer and First Reply clocks (0: the
	first department), the close-request cycle for the Return Visit clock (0: the first request), 0 for the
	Close clock (monthly repeats count 1, 2, ...)."""
	if clock in ("Transfer", "First Reply"):
		return max(int(transfer_round or 0), 0)
	if clock == "Return Visit":
		return max(int(close_request_cycle or 0), 0)
	return 0


def stopped_on(
	clock: str, values: Mapping[str, datetime.datetime | None], status: str | None
) -> datetime.datetime | None:
	"""When `clock` stopped (None: running): the earliest of its stops that counts in `status`."""
	stops = [values.get(field) for field, in_status in CLOCK_STOPS[clock] if in_status in (None, status)]
	stops = [s for s in stops if s is not None]
	return min(stops) if stops else None


def repeat_due(
	close_due: datetime.datetime, k: int, period_days: float, pauses: Sequence[Pause] = ()
) -> datetime.datetime:
	"""When monthly-repeat period `k` is due: k periods of time not spent waiting on the customer after the
	breached closing deadline (calendar days; paused intervals do not count)."""
	return WALL_CLOCK.add_hours(close_due, k * float(period_days) * 24, pauses)


def due_repeats(
	close_due: datetime.datetime | None,
	now: datetime.datetime,
	period_days: float,
	last_issued: int = 0,
	pauses: Sequence[Pause] = (),
) -> list[int]:
	"""Every period k > `last_issued` due by `now` (unpaused time), ascending."""
	if close_due is None or not period_days or period_days <= 0 or now < close_due:
		return []
	k = max(int(last_issued or 0), 0)
	due = []
	while True:
		at = repeat_due(close_due, k + 1, period_days, pauses)
		if at is None or at > now:
			return due
		k += 1
		due.append(k)


def channel_target(targets: Mapping[str, float], channel: str | None) -> float | None:
	"""The response hours configured for `channel` (None: no target)."""
	hours = targets.get(channel or "")
	return float(hours) if hours and float(hours) > 0 else None
