"""Corrective actions are verified (issue 18 §3), part of ``complaint_mgmt.api`` (re-exported there): the
department's manager, or a Complaint Manager, records whether a closed complaint's corrective action worked
(``review_corrective_action``). The reviews are opened by the daily job (engine/action_reviews.py); the rules are
pure (``procedure.action_reviews``).

- Effective or Not Effective, with a note; Not Effective with a new corrective action, under the slogan check.
  The complaint stays as it was closed (read-only): the review keeps the new action and the complaint's step log
  gets the step (``Corrective Action Reviewed``, printed on the handling document).
- The review waits as a ToDo in the department manager's inbox (no enabled manager: every Complaint Manager's),
  dated by its due day; recording it closes the ToDo.
- Refusals (another department's review: answered like a missing one; a handler; a review recorded already; no
  note; no or a vague new action) are translated and write nothing.
"""

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime
from frappe.utils.user import get_users_with_role

from complaint_mgmt.loop import inbox
from complaint_mgmt.loop.appeals import load, log_step, refuse
from complaint_mgmt.loop.steps import retry_on_deadlock, texts
from complaint_mgmt.procedure import action_reviews as rules
from complaint_mgmt.procedure import inbox as inbox_rules
from complaint_mgmt.procedure.calendar_hours import RuleError

REVIEW = "Complaint Action Review"
CONTRACT_FIELDS = (
	"name",
	"complaint",
	"department",
	"category",
	"due_on",
	"status",
	"recurrences",
	"similar_root_causes",
	"reviewed_by",
	"reviewed_on",
	"note",
	"new_corrective_action",
)


def as_result(review) -> dict:
	return {field: review.get(field) for field in CONTRACT_FIELDS}


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def review_corrective_action(
	review: str, effective: bool, note: str, new_corrective_action: str | None = None
) -> dict:
	"""Record an open review as Effective or Not Effective (with a new corrective action), with a note."""
	texts(review=review, note=note, new_corrective_action=new_corrective_action)
	doc = load(REVIEW, review)
	user = frappe.session.user
	manager = frappe.db.get_value("Complaint Department", doc.department, "manager")
	try:
		rules.check_reviewer(user, frozenset(frappe.get_roles(user)), doc.department, manager)
		status, note, action = rules.check_review(doc.status, bool(effective), note, new_corrective_action)
	except RuleError as err:
		refuse(err)
	doc.update(
		{
			"status": status,
			"reviewed_by": user,
			"reviewed_on": now_datetime(),
			"note": note,
			"new_corrective_action": action or None,
		}
	)
	doc.flags.procedure_action = True
	doc.save(ignore_permissions=True)  # the reviewer's right (the department's manager) was checked above
	log_step(doc.complaint, rules.REVIEWED_STEP, step_text(doc))
	sync_inbox(doc)
	return as_result(doc)


def step_text(doc) -> str:
	text = _("Corrective action review {0}: {1}. {2}").format(doc.name, _(doc.status), doc.note)
	if doc.new_corrective_action:
		text += " " + _("New corrective action: {0}").format(doc.new_corrective_action)
	return text


def reviewers(doc) -> list[str]:
	"""The department's manager; without an enabled one, every Complaint Manager (who may review too)."""
	manager = frappe.db.get_value("Complaint Department", doc.department, "manager")
	return inbox.enabled([manager]) or inbox.enabled(get_users_with_role(rules.MANAGER_ROLE))


def sync_inbox(doc, today=None) -> None:
	"""An open review waits in its reviewer's inbox, due on its due day (High once overdue on `today`); a
	recorded one nowhere."""
	users = reviewers(doc) if doc.status == rules.OPEN else []
	overdue = rules.is_overdue(doc.status, getdate(doc.due_on), getdate(today or now_datetime()))
	inbox.reconcile(
		REVIEW,
		doc.name,
		users,
		lambda user: inbox.in_language(user, task_text, doc),
		{"date": getdate(doc.due_on), "priority": inbox_rules.HIGH if overdue else inbox_rules.MEDIUM},
		notify_new=True,
	)


def task_text(doc) -> str:
	return _(
		"Complaint {0} ({1}): review whether its corrective action worked. Since the closure: {2} complaints"
		" of the same category, {3} with a similar root cause."
	).format(doc.complaint, doc.department, doc.recurrences, doc.similar_root_causes)


def on_complaint_trash(doc, method=None) -> None:
	"""doc_events: a complaint deleted (after its retention period: the retention guard runs first) takes its
	reviews along, and the rows of other reviews that listed it as a recurrence (their counts stay as found)."""
	for name in frappe.get_all(REVIEW, filters={"complaint": doc.name}, pluck="name"):
		# part of the complaint's deletion, which the retention guard allowed; nobody may delete a review alone
		frappe.delete_doc(REVIEW, name, ignore_permissions=True, force=True)
	frappe.db.delete("Complaint Action Review Recurrence", {"complaint": doc.name})
