"""Who must act next on a complaint and how urgent it is, pure Python: the ERP inbox (one open ToDo for the
next step) and the SLA state a list shows are read off the complaint's status, milestones and clock flags.

``complaint_mgmt.loop.inbox`` turns a step into ToDos for real users and words the task (translated there).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from complaint_mgmt.procedure.appeals import DECIDED_STEP, FILED_STEP
from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES, WAITING

# Who takes a step: the service center (the complaint's specialist), the department's receiver (who signs the
# transfer and answers for the department), or the approver of the compensation tier.
SERVICE_CENTER, RECEIVER, APPROVER = "service center", "receiver", "approver"

# Where each actor's users are looked for, in order, until a source names someone enabled (``loop.inbox`` looks
# each up): a service center without receiver or manager, or a complaint registered by Administrator, still
# lands in an inbox: the service center's members, else every Complaint Specialist; a department whose receiver
# and manager left: its members (each may take the department's steps).
SPECIALIST, REGISTRAR, CENTER_RECEIVER, CENTER_MANAGER = (
	"specialist",
	"registrar",
	"center receiver",
	"center manager",
)
CENTER_MEMBERS, SPECIALIST_ROLE = "center members", "specialist role"
DEPARTMENT_RECEIVER, DEPARTMENT_MANAGER, DEPARTMENT_MEMBERS = (
	"department receiver",
	"department manager",
	"department members",
)
TIER_ROLES = "tier roles"
ACTOR_SOURCES = {
	SERVICE_CENTER: (SPECIALIST, REGISTRAR, CENTER_RECEIVER, CENTER_MANAGER, CENTER_MEMBERS, SPECIALIST_ROLE),
	RECEIVER: (DEPARTMENT_RECEIVER, DEPARTMENT_MANAGER, DEPARTMENT_MEMBERS),
	APPROVER: (TIER_ROLES,),
}

ON_TIME, DUE_SOON, OVERDUE, PAUSED, MET, MISSED = "On Time", "Due Soon", "Overdue", "Paused", "Met", "Missed"
SLA_STATES = (ON_TIME, DUE_SOON, OVERDUE, PAUSED, MET, MISSED)
HIGH, MEDIUM = "High", "Medium"


@dataclass(frozen=True)
class NextStep:
	"""`task`: a key of the task texts (``loop.inbox.task_text``); `clock`: the clock whose deadline dates the
	ToDo (None: no deadline); `notify`: no action tells the actor already, so the inbox does."""

	actor: str
	task: str
	clock: str | None
	notify: bool = False


NEXT_STEPS = {
	"Registered": NextStep(SERVICE_CENTER, "transfer", "Transfer"),
	"Transferred": NextStep(RECEIVER, "acknowledge", "Transfer"),
	"Acknowledged": NextStep(RECEIVER, "first_reply", "First Reply"),
	"Replied": NextStep(RECEIVER, "request_close", "Close"),
	WAITING: NextStep(SERVICE_CENTER, "resume", None),
	"Close Requested": NextStep(SERVICE_CENTER, "return_visit", "Return Visit"),
	"Return Visited": NextStep(APPROVER, "approve", None, notify=True),
	"Deferral Requested": NextStep(SERVICE_CENTER, "review_deferral", "Close"),
}
# After a rejection the department's task says why it is back.
REJECTED_TASKS = {
	"Reject Close": "close_again_not_satisfied",
	"Reject Closure": "close_again_rejected",
	"Reject Deferral": "deferral_rejected",
}
TASKS = (
	*dict.fromkeys(step.task for step in NEXT_STEPS.values()),
	*REJECTED_TASKS.values(),
)


def next_step(status: str | None, last_action: str | None = None) -> NextStep | None:
	"""The step that waits on someone in `status` (None: Closed, Deferred: nobody has to act)."""
	step = NEXT_STEPS.get(status or "Registered")
	if step is None:
		return None
	if step.actor == RECEIVER and last_action in REJECTED_TASKS:
		return NextStep(step.actor, REJECTED_TASKS[last_action], step.clock, notify=step.notify)
	return step


def actor_users(actor: str, lookup: Callable[[str], list[str]]) -> list[str]:
	"""The users of the first source of `actor` (``ACTOR_SOURCES``) for which `lookup` names anyone."""
	for source in ACTOR_SOURCES[actor]:
		users = lookup(source)
		if users:
			return list(users)
	return []


# steps of the log that do not change whose turn it is
SIDE_ACTIONS = frozenset({"Regrade", FILED_STEP, DECIDED_STEP})


def last_action(actions: Iterable[str | None]) -> str | None:
	"""The last procedure action of a step log, skipping Regrade and the appeals of penalty notices (they do not
	change whose turn it is)."""
	found = None
	for action in actions:
		if action and action not in SIDE_ACTIONS:
			found = action
	return found


def priority(
	is_external: bool, due: datetime.datetime | None, now: datetime.datetime, breached: bool = False
) -> str:
	"""High for a complaint from an external channel, a breached clock or a deadline already past."""
	if is_external or breached or (due is not None and due <= now):
		return HIGH
	return MEDIUM


def sla_state(status: str | None, breached: bool, warned: bool) -> str:
	"""What the list's SLA column shows.

	Closed / Deferred: Met, or Missed when any clock was breached; paused: Paused; otherwise Overdue once a
	clock is breached, Due Soon once a running clock passed its warning percent, else On Time.
	"""
	if status in TERMINAL_STATUSES:
		return MISSED if breached else MET
	if status == WAITING:
		return PAUSED
	if breached:
		return OVERDUE
	return DUE_SOON if warned else ON_TIME


def running_clocks(
	status: str | None, dues: dict[str, datetime.datetime | None], stopped: dict[str, bool]
) -> list[tuple[str, datetime.datetime]]:
	"""(clock, due) of the clocks that run now, earliest due first: a due is set, the clock's stopping milestone
	is not, and the complaint is neither closed, deferred nor paused (a pending deferral request stops Close)."""
	if status in (*TERMINAL_STATUSES, WAITING):
		return []
	running = [
		(clock, due)
		for clock, due in dues.items()
		if due is not None
		and not stopped.get(clock)
		and not (clock == "Close" and status == "Deferral Requested")
	]
	return sorted(running, key=lambda item: item[1])


def time_left(
	due: datetime.datetime,
	now: datetime.datetime,
	hours_between: Callable[[datetime.datetime, datetime.datetime], float] | None = None,
) -> tuple[bool, int, int]:
	"""(overdue, hours, minutes) between `now` and `due`, counted by `hours_between` (business hours; None:
	wall clock), rounded down to the minute."""
	overdue = due < now
	start, end = (due, now) if overdue else (now, due)
	hours = hours_between(start, end) if hours_between else (end - start).total_seconds() / 3600
	minutes = int(round(hours * 60, 6))
	return overdue, minutes // 60, minutes % 60
