"""Execution (兑现) of penalty notices by General Administration / Finance (issue 19 §6). Pure: no Frappe.

- A notice is executed when it is submitted, not executed yet and not under an open appeal.
- Marking several notices at once is all or nothing: every notice is judged first, and one refusal leaves all of
  them as they were (the caller lists each refused notice with its reason).
- An execution can be undone by an executor on the day it was made (the site's calendar day), with a reason; the
  undo is logged. A later day's mistake is a matter for a correction, not an undo.
"""

from dataclasses import dataclass
from datetime import datetime

from complaint_mgmt.procedure.calendar_hours import RuleError

# the complaint's step log
UNDONE_STEP = "Penalty Execution Undone"
# the most notices one bulk request may mark (a list page selects at most 500 rows)
MAX_BULK = 500
REASON_LENGTH = 1000
BULK_HINT = "Select the penalty notices to mark executed (a list of notice names)."


@dataclass(frozen=True)
class NoticeState:
	"""What the rules need of a penalty notice."""

	name: str
	docstatus: int
	executed: bool
	executed_on: datetime | None = None
	under_appeal: bool = False


def execution_refusal(notice: NoticeState) -> RuleError | None:
	"""Why `notice` cannot be marked executed now (None: it can)."""
	if notice.docstatus != 1:
		return RuleError(
			"Penalty notice {0} is not submitted: only a submitted notice can be executed.", notice.name
		)
	if notice.executed:
		return RuleError("Penalty notice {0} is already executed.", notice.name)
	if notice.under_appeal:
		return RuleError(
			"Penalty notice {0} is under appeal: it can be executed once the appeal is decided.", notice.name
		)
	return None


def check_bulk(names: list) -> list[str]:
	"""The distinct notice names of a bulk request, in their order; refused when empty, too many or not names."""
	if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
		raise RuleError(BULK_HINT)
	distinct = list(dict.fromkeys(n.strip() for n in names))
	if not distinct:
		raise RuleError(BULK_HINT)
	if len(distinct) > MAX_BULK:
		raise RuleError("Mark at most {0} penalty notices executed at once.", MAX_BULK)
	return distinct


def check_undo(notice: NoticeState, now: datetime, reason: str | None) -> str:
	"""The stripped reason when the execution of `notice` may be undone at `now` (site time), else a RuleError."""
	if notice.docstatus != 1 or not notice.executed or notice.executed_on is None:
		raise RuleError("Penalty notice {0} is not executed: there is nothing to undo.", notice.name)
	if notice.executed_on.date() != now.date():
		raise RuleError(
			"Penalty notice {0} was executed on {1}: an execution can only be undone on the day it was made.",
			notice.name,
			notice.executed_on.date().isoformat(),
		)
	text = (reason or "").strip()
	if not text:
		raise RuleError("Give a reason to undo the execution of penalty notice {0}.", notice.name)
	if len(text) > REASON_LENGTH:
		raise RuleError("The reason may be at most {0} characters long.", REASON_LENGTH)
	return text
