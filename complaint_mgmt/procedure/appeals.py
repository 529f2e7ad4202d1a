"""Appeals against penalty notices (issue 18 §2, spec §7): who may appeal, until when and how often; how an
appeal is decided and what each decision does to the notice. Pure: no Frappe.

- The penalised department's manager appeals a submitted, not executed notice within ``appeal_days`` calendar
  days of its issue (site time zone: the issue day plus `appeal_days` is the last day), once per notice (the
  notice a reduction amends is the outcome of that appeal, not a new notice to appeal).
- The decider (the settings' role) decides an open appeal once, with a reason: Upheld (the notice stands),
  Annulled (the notice is cancelled) or Reduced (cancelled and amended with an amount between 0 and the notice's
  amount, both excluded). The decision deadline only dates the decider's inbox task.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from complaint_mgmt.procedure.calendar_hours import RuleError

OPEN, UPHELD, ANNULLED, REDUCED = "Open", "Upheld", "Annulled", "Reduced"
STATUSES = (OPEN, UPHELD, ANNULLED, REDUCED)
DECISIONS = (UPHELD, ANNULLED, REDUCED)
# what a decision does to the appealed notice
CANCELS_NOTICE = frozenset({ANNULLED, REDUCED})
AMENDS_NOTICE = frozenset({REDUCED})

DEFAULT_APPEAL_DAYS = 3
DEFAULT_DECISION_DAYS = 5
DEFAULT_DECIDER_ROLE = "Complaint Bulletin Approver"
SETTING_DEFAULTS = {
	"appeal_days": DEFAULT_APPEAL_DAYS,
	"appeal_decision_days": DEFAULT_DECISION_DAYS,
	"appeal_decider_role": DEFAULT_DECIDER_ROLE,
}

# the complaint's step log
FILED_STEP = "Appeal Filed"
DECIDED_STEP = "Appeal Decided"


class NotPermitted(RuleError):
	"""The caller lacks the right (answered as a permission error, 403)."""


@dataclass(frozen=True)
class NoticeFacts:
	"""What the rules need of a penalty notice."""

	name: str
	docstatus: int
	department: str | None
	issued_on: date
	amount: float
	executed: bool = False
	appealed: bool = False  # an appeal exists, or the notice is the outcome of one (a reduction's amendment)


def last_appeal_day(issued_on: date, appeal_days: int) -> date:
	"""The last calendar day on which the notice issued on `issued_on` may be appealed."""
	return issued_on + timedelta(days=max(int(appeal_days), 0))


def decision_due(filed_on: date, decision_days: int) -> date:
	"""The day the decider's inbox task is due."""
	return filed_on + timedelta(days=max(int(decision_days), 0))


def check_appeal(notice: NoticeFacts, managed: frozenset[str], today: date, appeal_days: int) -> None:
	"""Refuse (RuleError; NotPermitted for the wrong user) an appeal of `notice` filed `today` by the manager of
	the departments `managed`."""
	if not notice.department or notice.department not in managed:
		raise NotPermitted(
			"Only the manager of department {0} can appeal its penalty notice {1}.",
			notice.department or "",
			notice.name,
		)
	if notice.docstatus != 1:
		raise RuleError(
			"Penalty notice {0} is not a submitted notice (it is a draft or cancelled): it cannot be appealed.",
			notice.name,
		)
	if notice.appealed:
		raise RuleError(
			"Penalty notice {0} has been appealed already: a notice is appealed once.", notice.name
		)
	if notice.executed:
		raise RuleError("Penalty notice {0} is executed: it can no longer be appealed.", notice.name)
	last = last_appeal_day(notice.issued_on, appeal_days)
	if today > last:
		raise RuleError(
			"The appeal period of penalty notice {0} ended on {1} ({2} days after its issue).",
			notice.name,
			last.isoformat(),
			appeal_days,
		)


def check_reason(reason: str | None) -> str:
	text = (reason or "").strip()
	if not text:
		raise RuleError("Give the reason for the appeal or the decision.")
	return text


def check_decision(status: str, decision: str, amount: float | None, notice: NoticeFacts) -> None:
	"""Refuse a decision `decision` (with `amount` for a reduction) of an appeal in `status` on `notice`."""
	if status != OPEN:
		raise RuleError("This appeal has been decided already ({0}).", status)
	if decision not in DECISIONS:
		raise RuleError("Unknown decision {0}: decide Upheld, Annulled or Reduced.", decision)
	if decision == REDUCED:
		if amount is None or not 0 < float(amount) < float(notice.amount):
			raise RuleError(
				"A reduced amount must be more than 0 and less than the notice's amount {0}.", notice.amount
			)
	elif amount not in (None, 0, 0.0):
		raise RuleError("An amount is given only with the decision Reduced.")
	if decision in CANCELS_NOTICE and (notice.docstatus != 1 or notice.executed):
		raise RuleError(
			"Penalty notice {0} is no longer a submitted, unexecuted notice: it cannot be annulled or reduced.",
			notice.name,
		)


def check_decider(roles: frozenset[str], decider_role: str, user: str, appellant: str | None) -> None:
	"""The settings' role decides, and never the appeal its holder filed."""
	if decider_role not in roles:
		raise NotPermitted("Deciding an appeal needs the role {0}.", decider_role)
	if appellant and user == appellant:
		raise NotPermitted("You filed this appeal: another holder of the role {0} decides it.", decider_role)


def is_correction(decided_on: date, notice_issued_on: date, week_start: date) -> bool:
	"""Whether a decision belongs on the bulletin of the week starting `week_start` as a correction: it was
	made in that week on a notice issued before it (a notice of an earlier bulletin)."""
	return week_start <= decided_on <= week_start + timedelta(days=6) and notice_issued_on < week_start
