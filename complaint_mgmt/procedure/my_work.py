"""What the "My work" page shows of a user's open ToDos, pure Python: the actions of the step each ToDo stands
for and the order by urgency (the signed time to a deadline is the form's: ``loop.desk.signed_seconds``).

``complaint_mgmt.loop.my_work`` reads the user's ToDos and complaints and hands them to these rules.
"""

from __future__ import annotations

import datetime

from complaint_mgmt.procedure import transitions
from complaint_mgmt.procedure.inbox import HIGH, next_step

# The actions that take the step of each task (``procedure.inbox`` task keys), the main one first. Pause stays
# on the form (it is no step of the loop); a re-transfer too.
STEP_ACTIONS = {
	"transfer": ("Transfer",),
	"acknowledge": ("Acknowledge",),
	"first_reply": ("Reply", "Request Deferral"),
	"request_close": ("Request Close", "Reply", "Request Deferral"),
	"resume": ("Resume",),
	"return_visit": ("Record Return Visit", "Reject Close"),
	"approve": ("Approve Close", "Reject Closure"),
	"review_deferral": ("Approve Deferral", "Reject Deferral"),
}


def step_actions(status: str | None) -> list[str]:
	"""The actions of the step that waits in `status`, as far as the order of steps allows them now (roles are
	checked when one is taken)."""
	step = next_step(status)
	if step is None:
		return []
	allowed = set(transitions.allowed_actions(status))
	return [action for action in STEP_ACTIONS.get(step.task, ()) if action in allowed]


def urgency_key(
	due: datetime.datetime | None,
	now: datetime.datetime,
	breached: bool,
	priority: str | None,
	created: datetime.datetime,
) -> tuple:
	"""Most urgent first: overdue (a deadline past or a clock already breached), then by deadline, earliest
	first (the most overdue leads), then what has no deadline; within equals High first, then the oldest."""
	overdue = breached or (due is not None and due <= now)
	return (
		0 if overdue else 1,
		due is None,
		due or datetime.datetime.max,
		0 if priority == HIGH else 1,
		created,
	)
