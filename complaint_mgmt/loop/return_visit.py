"""The return visit's one rule path (procedure step 6), taken by the service center (``actions.record_return_visit``,
by phone) and by the customer (``survey.answer``, the survey link): satisfied goes to approval, not satisfied
rejects the close request and starts a new close cycle. Same effect either way; the step log says who answered."""

from frappe import _
from frappe.utils import escape_html

from complaint_mgmt.loop import steps
from complaint_mgmt.loop.steps import tell
from complaint_mgmt.procedure import transitions


def step_of(doc, satisfied: bool) -> tuple[str, str | None]:
	"""(action, next state) of the answer: the arguments of ``steps.begin`` / ``transitions.find_transition``."""
	if satisfied:
		return "Record Return Visit", None
	return "Reject Close", transitions.close_rejected_state(doc.irrational_stage)


def apply(doc, transition, satisfied: bool, notes: str | None, by_customer: bool = False) -> None:
	"""Record the answer on the complaint (its transition checked by the caller)."""
	doc.return_visit_notes = (notes or "").strip() or None
	if satisfied:
		doc.satisfied, doc.return_visited_on = 1, steps.now()
	else:
		steps.start_new_close_cycle(doc)
	note = doc.return_visit_notes
	if by_customer:
		note = _("Answered by the customer (satisfaction survey). {0}").format(note or "")
	# by_customer: the survey's single-use key is the customer's right to answer (loop/survey.py); a guest
	# has no permission on the complaint
	steps.save(doc, transition, note=note, ignore_permissions=by_customer)
	if satisfied:
		return
	doc.add_comment(
		"Info",
		_("Return visit: the customer is not satisfied, the close request is rejected. {0}").format(
			escape_html(note or "")
		),
	)
	tell(
		steps.department_people(doc),
		_("Complaint {0}: the customer is not satisfied, the close request is rejected.").format(doc.name),
		doc,
		note,
	)


def is_satisfied(value) -> bool:
	return bool(value) and str(value).lower() not in ("0", "false")
