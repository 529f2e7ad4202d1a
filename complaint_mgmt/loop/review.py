"""The procedure's review actions, part of ``complaint_mgmt.api`` (re-exported there): the service center's
regrade of what drives the clocks, and the approver's rejection of a closure."""

import frappe
from frappe import _
from frappe.utils import escape_html, get_datetime

from complaint_mgmt.loop import adapters, steps
from complaint_mgmt.loop.steps import begin, load, required, retry_on_deadlock, tell, texts
from complaint_mgmt.procedure import transitions
from complaint_mgmt.security import input_checks, privacy


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def regrade(
	complaint: str,
	reason: str,
	grade: str | None = None,
	category: str | None = None,
	channel: str | None = None,
	received_on: str | None = None,
) -> dict:
	"""The service center corrects what drives the clocks (grade, category, channel, received_on) after
	registration, with a reason kept as an escalation row. Clocks that have started keep their deadlines."""
	texts(reason=reason, grade=grade, category=category, channel=channel, received_on=received_on)
	if received_on:
		input_checks.check_date(_("Received On"), received_on)
	doc = load(complaint)
	if not set(frappe.get_roles()) & set(transitions.SPECIALIST_ROLES):
		steps.raise_permission(
			_("Only the service center ({0}) can regrade a complaint.").format(
				", ".join(_(r) for r in transitions.SPECIALIST_ROLES)
			)
		)
	if doc.status in transitions.TERMINAL_STATUSES:
		frappe.throw(
			_("A complaint that is {0} cannot be regraded.").format(_(doc.status)), title=_("Not allowed")
		)
	reason = required(reason, _("A regrade needs a reason."))
	changes = {
		field: value
		for field, value in (
			("grade", grade),
			("category", category),
			("channel", channel),
			("received_on", get_datetime(received_on) if received_on else None),
		)
		if value not in (None, "") and str(value) != str(doc.get(field) or "")
	}
	if not changes:
		frappe.throw(_("The regrade changes nothing."), title=_("Missing information"))
	from_grade = doc.grade
	described = "; ".join(
		f"{_(doc.meta.get_label(f))}: {doc.get(f) or ''} → {value}" for f, value in changes.items()
	)
	doc.update(changes)
	doc.append(
		"escalations",
		{
			"from_grade": from_grade,
			"to_grade": doc.grade,
			"escalated_on": steps.now(),
			"reason": _("Regrade by {0}: {1} ({2})").format(frappe.session.user, reason, described),
		},
	)
	# a regrade moves only the clocks that have not started (clocks.settle_deadlines)
	doc.flags.regrade = True
	steps.save(doc, None, note=f"{reason} ({described})", action="Regrade")
	tell(steps.department_people(doc), _("Complaint {0} was regraded.").format(doc.name), doc, reason)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def reject_closure(complaint: str, reason: str) -> dict:
	"""The approver sends the closure back to the department with a reason; the clocks keep running and the
	next close request starts a new return-visit clock."""
	texts(reason=reason)
	doc = load(complaint, "read")
	target = transitions.close_rejected_state(doc.irrational_stage)
	transition = begin(doc, "Reject Closure", target, role=adapters.approver_role(doc))
	reason = required(reason, _("Say why the closure is rejected."))
	steps.start_new_close_cycle(doc)
	# the approver's right comes from the compensation tier's role (checked by begin), not from write access
	steps.save(doc, transition, ignore_permissions=True, note=reason)
	tell(
		steps.department_people(doc),
		_("Complaint {0}: the closure was rejected. {1}").format(doc.name, escape_html(reason)),
		doc,
		reason,
	)
	return privacy.readable(doc)
