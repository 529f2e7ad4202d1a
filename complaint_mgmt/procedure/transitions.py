"""The order of the procedure's steps: a pure state-machine table (no Frappe), re-exported by
``complaint_mgmt.procedure.rules``.

``complaint_mgmt.api`` enforces it on every action, so the order holds even when an administrator
deactivates the Frappe Workflow; ``complaint_mgmt.loop.workflow`` seeds the Workflow from the same table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.corrective_action import validate_corrective_action

SPECIALIST_ROLES = ("Complaint Specialist", "Complaint Manager")
DEPARTMENT_ROLES = ("Complaint Handler", "Complaint Department Manager")
WAITING = "Waiting on Customer"
PAUSABLE_STATUSES = ("Registered", "Transferred", "Acknowledged", "Replied", "Close Requested")
RETRANSFERABLE_STATUSES = ("Registered", "Transferred", "Acknowledged", "Replied")
STATUSES = (
	"Registered",
	"Transferred",
	"Acknowledged",
	"Replied",
	WAITING,
	"Close Requested",
	"Return Visited",
	"Deferral Requested",
	"Closed",
	"Deferred",
)
TERMINAL_STATUSES = ("Closed", "Deferred")
# No clock runs in these statuses: closed, deferred, or paused while waiting on the customer.
STOPPED_STATUSES = (*TERMINAL_STATUSES, WAITING)
RUNNING_STATUSES = tuple(s for s in STATUSES if s not in STOPPED_STATUSES)
FOLLOW_UP_MODES = ("Watch", "Monitor")
SECONDARY = "Secondary"
# Workflow conditions telling apart a deferred complaint's close request from any other
WAS_DEFERRED = f'doc.irrational_stage == "{SECONDARY}"'
NOT_DEFERRED = f'doc.irrational_stage != "{SECONDARY}"'


@dataclass(frozen=True)
class Transition:
	"""One step: `action` moves a complaint from `state` to `next_state`.

	`roles`: the roles that may take it by default (empty: decided by the compensation tier);
	`by_department`: the caller must belong to the complaint's department;
	`condition`: the Frappe Workflow condition (evaluated on the complaint before the step) that tells
	apart two transitions of the same action from the same state.
	"""

	action: str
	state: str
	next_state: str
	roles: tuple[str, ...]
	by_department: bool = False
	condition: str | None = None


TRANSITIONS: tuple[Transition, ...] = (
	*(Transition("Transfer", s, "Transferred", SPECIALIST_ROLES) for s in RETRANSFERABLE_STATUSES),
	Transition("Acknowledge", "Transferred", "Acknowledged", DEPARTMENT_ROLES, by_department=True),
	Transition("Reply", "Acknowledged", "Replied", DEPARTMENT_ROLES, by_department=True),
	Transition("Reply", "Replied", "Replied", DEPARTMENT_ROLES, by_department=True),
	# a deferred (secondary irrational) complaint can still be closed: request, return visit, approval
	*(
		Transition("Request Close", s, "Close Requested", DEPARTMENT_ROLES, by_department=True)
		for s in ("Replied", "Deferred")
	),
	Transition("Record Return Visit", "Close Requested", "Return Visited", SPECIALIST_ROLES),
	Transition("Reject Close", "Close Requested", "Replied", SPECIALIST_ROLES, condition=NOT_DEFERRED),
	Transition("Reject Close", "Close Requested", "Deferred", SPECIALIST_ROLES, condition=WAS_DEFERRED),
	Transition("Approve Close", "Return Visited", "Closed", ()),
	# the approver may send the closure back (with a reason); the clocks keep running
	Transition("Reject Closure", "Return Visited", "Replied", (), condition=NOT_DEFERRED),
	Transition("Reject Closure", "Return Visited", "Deferred", (), condition=WAS_DEFERRED),
	*(
		Transition("Request Deferral", s, "Deferral Requested", DEPARTMENT_ROLES, by_department=True)
		for s in ("Acknowledged", "Replied")
	),
	Transition("Approve Deferral", "Deferral Requested", "Deferred", SPECIALIST_ROLES),
	Transition(
		"Reject Deferral", "Deferral Requested", "Replied", SPECIALIST_ROLES, condition="doc.first_replied_on"
	),
	Transition(
		"Reject Deferral",
		"Deferral Requested",
		"Acknowledged",
		SPECIALIST_ROLES,
		condition="not doc.first_replied_on",
	),
	*(Transition("Pause", s, WAITING, SPECIALIST_ROLES + DEPARTMENT_ROLES) for s in PAUSABLE_STATUSES),
	*(
		Transition(
			"Resume",
			WAITING,
			s,
			SPECIALIST_ROLES + DEPARTMENT_ROLES,
			condition=f'doc.status_before_pause == "{s}"',
		)
		for s in PAUSABLE_STATUSES
	),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def find_transition(action: str, state: str | None, next_state: str | None = None) -> Transition:
	"""The transition of `action` from `state` (to `next_state` when given); RuleError when out of order."""
	if action not in ACTIONS:
		raise RuleError("Unknown action: {0}.", action)
	for t in TRANSITIONS:
		if t.action == action and t.state == (state or "Registered"):
			if next_state is None or t.next_state == next_state:
				return t
	raise RuleError("{0} is not possible while the complaint is {1}.", action, state or "Registered")


def allowed_actions(state: str | None) -> list[str]:
	"""Actions possible from `state`, in table order."""
	return list(dict.fromkeys(t.action for t in TRANSITIONS if t.state == (state or "Registered")))


def resume_state(status_before_pause: str | None) -> str:
	"""The status a paused complaint returns to."""
	if status_before_pause not in PAUSABLE_STATUSES:
		raise RuleError("The status before the pause is unknown: {0}.", status_before_pause)
	return status_before_pause


def close_rejected_state(irrational_stage: str | None) -> str:
	"""A rejected close request (return visit or approver) goes back to Replied, a deferred complaint's
	back to Deferred."""
	return "Deferred" if irrational_stage == SECONDARY else "Replied"


def deferral_rejected_state(first_replied: bool) -> str:
	"""A rejected deferral request goes back to Replied, or Acknowledged when nothing was replied yet."""
	return "Replied" if first_replied else "Acknowledged"


def validate_close_request(
	resolution: str | None,
	root_cause: str | None,
	corrective_action: str | None,
	compensation_amount: float | None,
) -> None:
	"""A close request needs a result, a root cause and a concrete corrective action (not "training")."""
	if not (resolution or "").strip():
		raise RuleError("A close request needs the resolution.")
	if not (root_cause or "").strip():
		raise RuleError("A close request needs the root cause.")
	validate_corrective_action(corrective_action)
	if compensation_amount is not None and not math.isfinite(compensation_amount):
		raise RuleError("The compensation amount must be a finite number.")
	if compensation_amount is not None and compensation_amount < 0:
		raise RuleError("The compensation amount must not be negative.")


def validate_follow_up_mode(mode: str | None) -> None:
	if mode not in FOLLOW_UP_MODES:
		raise RuleError("Choose a follow-up mode: Watch or Monitor.")
