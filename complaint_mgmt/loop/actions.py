"""The procedure's actions: the single implementation behind the desk dialogs, the Workflow buttons and REST.

Each function checks the calling user's permissions, enforces the order of steps (``transitions.TRANSITIONS``,
even when the Workflow is deactivated), records the step's timestamp, saves the complaint as a procedure
action (its controller recomputes the deadlines) and returns the complaint as a dict.
"""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, get_datetime

from complaint_mgmt.loop import adapters, customer_mail, return_visit, steps, survey
from complaint_mgmt.loop.steps import begin, load, required, retry_on_deadlock, tell, texts
from complaint_mgmt.procedure import calendar_hours, clocks, rules, transitions
from complaint_mgmt.security import input_checks, privacy


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def transfer(
	complaint: str,
	department: str,
	receiver: str | None = None,
	note: str | None = None,
	follow_up_mode: str | None = None,
	irrational_reason: str | None = None,
) -> dict:
	"""Issue a transfer record to `department` (re-transfer supersedes the earlier record, which is kept)."""
	texts(
		department=department,
		receiver=receiver,
		note=note,
		follow_up_mode=follow_up_mode,
		irrational_reason=irrational_reason,
	)
	doc = load(complaint)
	transition = begin(doc, "Transfer")
	if not department or not frappe.db.exists("Complaint Department", department):
		frappe.throw(_("Complaint Department {0} not found.").format(frappe.bold(department)))
	dept = frappe.get_cached_doc("Complaint Department", department)
	if dept.disabled:
		frappe.throw(_("Department {0} is disabled.").format(frappe.bold(department)), title=_("Not allowed"))
	receiver = receiver or dept.receiver_for(doc.category)
	if not receiver:
		frappe.throw(
			_("Department {0} has no designated receiver: add one to its receiver table.").format(
				frappe.bold(department)
			),
			title=_("No receiver"),
		)
	dept.validate_receiver(receiver)
	note = (note or "").strip() or None
	if doc.irrational_stage:
		note = _irrational_transfer(doc, follow_up_mode, irrational_reason, note)
	steps.supersede_records(doc.name, first_replied_on=doc.first_replied_on)
	if doc.transferred_on:  # a re-transfer: the new department's clocks start with its own record
		doc.update(clocks.RESTART_ON_RETRANSFER)
		doc.transfer_round = cint(doc.transfer_round) + 1
		doc.transfer_started_on = steps.now()
	doc.department, doc.receiver = department, receiver
	doc.transferred_on = doc.transferred_on or steps.now()
	if not doc.specialist and set(frappe.get_roles()) & set(transitions.SPECIALIST_ROLES):
		doc.specialist = frappe.session.user
	steps.save(doc, transition, note=_("To {0}. {1}").format(department, note or ""))
	record = steps.issue_record(doc, note)
	subject = _("Complaint {0} was transferred to you: please acknowledge it.").format(doc.name)
	tell([receiver], subject, doc, note)
	if doc.irrational_stage:
		tell(
			steps.department_people(doc),
			_("Irrational complaint {0}: follow it up.").format(doc.name),
			doc,
		)
	doc.reload()
	return privacy.readable(doc) | {"transfer_record": record}


def _irrational_transfer(doc, follow_up_mode: str | None, reason: str | None, note: str | None) -> str:
	"""A first irrational complaint needs a follow-up mode and a reason, written on the transfer record."""
	mode = follow_up_mode or doc.follow_up_mode
	try:
		transitions.validate_follow_up_mode(mode)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Follow-up mode missing"))
	reason = required(
		reason or doc.irrational_reason,
		_("An irrational complaint needs the reason why it is irrational."),
	)
	doc.follow_up_mode, doc.irrational_reason = mode, reason
	text = _("Irrational complaint ({0}): {1}").format(_(mode), reason)
	return f"{text}\n{note}" if note else text


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def acknowledge(complaint: str) -> dict:
	"""The receiver (or a member) of the transfer's department signs the transfer record."""
	doc = load(complaint)
	transition = begin(doc, "Acknowledge")
	record = steps.open_record(doc.name, doc.department)
	if not record:
		frappe.throw(_("Complaint {0} has no open transfer record.").format(doc.name), title=_("Not allowed"))
	when = steps.now()
	doc.acknowledged_on = doc.acknowledged_on or when
	steps.save(doc, transition)
	steps.acknowledge_record(record, when)
	tell(
		steps.service_center_users(doc),
		_("Complaint {0} was acknowledged by {1}.").format(doc.name, doc.department),
		doc,
	)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def reply(complaint: str, content: str, visible_to_customer: bool = False) -> dict:
	"""The department answers the service center; the first reply stops the first-reply clock. A reply marked
	`visible_to_customer` is shown to the customer on the website's My Complaints page."""
	texts(content=content)
	doc = load(complaint)
	transition = begin(doc, "Reply")
	content = required(content, _("A reply needs a text."))
	when = steps.now()
	doc.append(
		"replies",
		{
			"replied_on": when,
			"replied_by": frappe.session.user,
			"content": content,
			"visible_to_customer": 1
			if input_checks.check_flag(_("Visible to Customer"), visible_to_customer)
			else 0,
		},
	)
	doc.first_replied_on = doc.first_replied_on or when
	steps.save(doc, transition, note=content)
	doc.add_comment("Comment", _("Reply: {0}").format(escape_html(content)))
	tell(steps.service_center_users(doc), _("Complaint {0} got a reply.").format(doc.name), doc, content)
	if doc.replies[-1].visible_to_customer:
		customer_mail.on_reply(doc, content)  # to the verified contact only
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def request_close(
	complaint: str,
	resolution: str,
	root_cause: str,
	corrective_action: str,
	compensation_amount: float = 0,
) -> dict:
	"""The department asks to close with its result, the root cause and a concrete corrective action."""
	texts(resolution=resolution, root_cause=root_cause, corrective_action=corrective_action)
	compensation_amount = input_checks.check_amount(_("Compensation Amount"), compensation_amount)
	doc = load(complaint)
	transition = begin(doc, "Request Close")
	try:
		transitions.validate_close_request(
			resolution, root_cause, corrective_action, flt(compensation_amount)
		)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Close request incomplete"))
	doc.resolution, doc.root_cause = resolution.strip(), root_cause.strip()
	doc.corrective_action, doc.compensation_amount = corrective_action.strip(), flt(compensation_amount)
	doc.close_requested_on = steps.now()
	doc.satisfied, doc.return_visited_on = 0, None
	steps.save(doc, transition)
	tell(
		steps.service_center_users(doc),
		_("Complaint {0}: closing requested, please make the return visit.").format(doc.name),
		doc,
	)
	survey.offer(doc)  # the customer's own return visit: a single-use link to the verified contact
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def record_return_visit(complaint: str, satisfied: bool, notes: str | None = None) -> dict:
	"""The service center's return visit (by phone): satisfied goes to approval, not satisfied rejects the close
	request. The customer's own answer (the satisfaction survey) takes the same path (loop/return_visit.py)."""
	texts(notes=notes)
	doc = load(complaint)
	satisfied = return_visit.is_satisfied(satisfied)
	transition = begin(doc, *return_visit.step_of(doc, satisfied))
	return_visit.apply(doc, transition, satisfied, notes)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def approve_close(complaint: str) -> dict:
	"""Close the complaint; needs the approver role of the compensation tier (no compensation: Manager)."""
	doc = load(complaint, "read")
	role = adapters.approver_role(doc)
	transition = begin(doc, "Approve Close", role=role)
	doc.closed_on = steps.now()
	doc.closure_type = rules.closure_type(
		get_datetime(doc.close_requested_on),
		get_datetime(doc.close_due) if doc.close_due else None,
		deferred=doc.irrational_stage == transitions.SECONDARY,
		close_due_at_deferral=get_datetime(doc.close_due_at_deferral) if doc.close_due_at_deferral else None,
	)
	doc.approved_by = frappe.session.user
	# the approver's right comes from the compensation tier's role (checked by begin), not from write access
	steps.save(doc, transition, ignore_permissions=True, note=_(doc.closure_type))
	tell(
		[*steps.department_people(doc), *steps.service_center_users(doc)],
		_("Complaint {0} is closed ({1}).").format(doc.name, _(doc.closure_type)),
		doc,
	)
	_erpnext_on_close(doc)
	customer_mail.on_closure(doc)
	return privacy.readable(doc)


def _erpnext_on_close(doc) -> None:
	"""ERPNext only: a Quality Action records the corrective action (never on a plain Frappe site)."""
	if "erpnext" not in frappe.get_installed_apps() or not frappe.db.exists("DocType", "Quality Action"):
		return
	action = frappe.get_doc(
		{
			"doctype": "Quality Action",
			"corrective_preventive": "Corrective",
			"date": get_datetime(doc.closed_on).date(),
			"resolutions": [{"problem": doc.root_cause, "resolution": doc.corrective_action}],
		}
	)
	# a record of the approved closure, made by the procedure on the approver's behalf
	action.insert(ignore_permissions=True, ignore_mandatory=True)
	doc.add_comment("Info", _("Quality Action {0} created.").format(action.name))


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def request_deferral(complaint: str, reason: str) -> dict:
	"""The department asks to defer closing (it cannot or need not close in the short term)."""
	texts(reason=reason)
	doc = load(complaint)
	transition = begin(doc, "Request Deferral")
	doc.deferral_reason = required(reason, _("A deferral request needs a reason."))
	doc.deferral_requested_on = steps.now()
	steps.save(doc, transition, note=doc.deferral_reason)
	tell(
		steps.service_center_users(doc),
		_("Complaint {0}: deferral requested, please review it.").format(doc.name),
		doc,
		doc.deferral_reason,
	)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def approve_deferral(complaint: str, follow_up_mode: str) -> dict:
	"""Accept the deferral: a secondary irrational complaint under Watch or Monitor, with no clocks."""
	texts(follow_up_mode=follow_up_mode)
	doc = load(complaint)
	transition = begin(doc, "Approve Deferral")
	try:
		transitions.validate_follow_up_mode(follow_up_mode)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Follow-up mode missing"))
	doc.irrational_stage, doc.follow_up_mode = transitions.SECONDARY, follow_up_mode
	doc.deferral_approved_on, doc.close_due_at_deferral = steps.now(), doc.close_due
	for clock, field in rules.DUE_FIELDS.items():
		if not doc.get(clocks.BREACH_FLAGS[clock]):
			doc.set(field, None)  # no clock runs on a deferred complaint; breached ones stay on record
	steps.save(doc, transition, note=_(follow_up_mode))
	tell(
		steps.department_people(doc),
		_("Complaint {0} is deferred: follow it up ({1}).").format(doc.name, _(follow_up_mode)),
		doc,
	)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def reject_deferral(complaint: str, reason: str | None = None) -> dict:
	"""Refuse the deferral: back to Replied (or Acknowledged), the clocks keep running."""
	texts(reason=reason)
	doc = load(complaint)
	target = transitions.deferral_rejected_state(bool(doc.first_replied_on))
	transition = begin(doc, "Reject Deferral", target)
	doc.deferral_requested_on = None
	steps.save(doc, transition, note=reason)
	message = _("Deferral rejected. {0}").format(escape_html((reason or "").strip()))
	doc.add_comment("Info", message)
	tell(steps.department_people(doc), _("Complaint {0}: deferral rejected.").format(doc.name), doc, reason)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def pause(complaint: str, reason: str) -> dict:
	"""Waiting on the customer: the clocks stop until `resume`."""
	texts(reason=reason)
	doc = load(complaint)
	transition = begin(doc, "Pause")
	reason = required(reason, _("A pause needs a reason."))
	doc.append("pauses", {"paused_on": steps.now(), "reason": reason})
	doc.status_before_pause = doc.status
	steps.save(doc, transition, note=reason)
	return privacy.readable(doc)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def resume(complaint: str) -> dict:
	"""The customer is back: the clocks run again from where they stopped."""
	doc = load(complaint)
	try:
		target = transitions.resume_state(doc.status_before_pause)
	except calendar_hours.RuleError as err:
		adapters.throw(err)
	transition = begin(doc, "Resume", target)
	for row in doc.pauses:
		if not row.resumed_on:
			row.resumed_on = steps.now()
	doc.status_before_pause = None
	steps.save(doc, transition)
	return privacy.readable(doc)


@frappe.whitelist()
def earlier_complaints(complaint: str) -> list[dict]:
	"""The same customer's earlier complaints in the same category (repeat complaints), for the form."""
	doc = load(complaint, "read")
	return [row for row in doc.earlier_complaints() if frappe.has_permission("Complaint", "read", row.name)]


@frappe.whitelist()
def actions(complaint: str) -> list[str]:
	"""The actions possible now (order of steps only; roles are checked when an action is taken)."""
	doc = load(complaint, "read")
	return transitions.allowed_actions(doc.status)


# The review actions live in complaint_mgmt/api_review.py; they are part of this API (the desk calls them here).
from complaint_mgmt.loop.review import regrade, reject_closure  # noqa: E402, F401
