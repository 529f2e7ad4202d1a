"""Appeals against penalty notices (issue 18 §2), part of ``complaint_mgmt.api`` (re-exported there): the penalised
department's manager appeals a notice (``appeal_notice``), the settings' decider role decides (``decide_appeal``).
The rules are pure (``procedure.appeals``); here they are applied to the records:

- filing writes the appeal, marks the notice ``appeal_status`` = Open (it cannot be executed or cancelled by
  hand until decided), logs the step on the complaint and puts a ToDo, dated by ``appeal_decision_days``, in the
  inbox of every user of the decider role;
- deciding closes that ToDo, tells the department (its manager and the appellant), logs the step and: Upheld
  leaves the notice as it is (``appeal_status`` Upheld); Annulled cancels it; Reduced cancels it and submits its
  amendment (Frappe's amend: ``amended_from``, the same complaint, breach type and period, so the same
  ``breach_key``, freed by the cancel) with the new amount. The decision's text is kept on both notices
  (``appeal_decision``; ``cancel_reason`` on the cancelled one). The sweep never issues that breach again: it
  works from the complaint's breach flags and the unique ``breach_key`` the amendment holds.
"""

import frappe
from frappe import _
from frappe.permissions import AUTOMATIC_ROLES, setup_custom_perms
from frappe.utils import cint, flt, get_datetime, now_datetime
from frappe.utils.user import get_users_with_role

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.loop.steps import raise_permission, retry_on_deadlock, texts
from complaint_mgmt.procedure import appeals
from complaint_mgmt.procedure import inbox as inbox_rules
from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.transitions import DEPARTMENT_ROLES
from complaint_mgmt.security import input_checks

APPEAL = "Complaint Penalty Appeal"
NOTICE = "Complaint Penalty Notice"
CONTRACT_FIELDS = (
	"name",
	"notice",
	"department",
	"reason",
	"status",
	"requested_by",
	"requested_on",
	"decided_by",
	"decided_on",
	"decision_reason",
	"reduced_amount",
	"amended_notice",
)


def setting(field: str):
	"""An appeal setting of Complaint Settings, its default while unset (sites migrated before it existed)."""
	value = adapters.get_settings().get(field)
	return value or appeals.SETTING_DEFAULTS[field]


def refuse(err: RuleError) -> None:
	"""A rule's refusal as a translated error: 403 for the wrong user, else a validation error (417)."""
	if isinstance(err, appeals.NotPermitted):
		# The template is a string literal of complaint_mgmt.procedure.appeals, listed in translations/zh.csv.
		message = _(err.template).format(
			*err.values
		)  # nosemgrep: frappe-semgrep-rules.rules.translate-variable
		raise_permission(message)
	adapters.throw(err)


def load(doctype: str, name: str):
	"""The document when the caller may read it; one they may not read is answered like a missing one."""
	if not (
		isinstance(name, str)
		and name
		and frappe.db.exists(doctype, name)
		and frappe.has_permission(doctype, "read", doc=name)
	):
		frappe.flags.has_permission_check_logs = []
		raise_permission(_("You may not read or change this {0}, or it does not exist.").format(_(doctype)))
	return frappe.get_doc(doctype, name)


def facts(notice) -> appeals.NoticeFacts:
	return appeals.NoticeFacts(
		name=notice.name,
		docstatus=cint(notice.docstatus),
		department=notice.department,
		issued_on=get_datetime(notice.issued_on).date(),
		amount=flt(notice.amount),
		executed=bool(cint(notice.executed)),
		appealed=bool(notice.appeal_status) or bool(frappe.db.exists(APPEAL, {"notice": notice.name})),
	)


def managed_departments(user: str) -> frozenset[str]:
	return frozenset(frappe.get_all("Complaint Department", filters={"manager": user}, pluck="name"))


def as_result(appeal) -> dict:
	return {field: appeal.get(field) for field in CONTRACT_FIELDS}


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def appeal_notice(notice: str, reason: str) -> dict:
	"""The penalised department's manager appeals a submitted notice within the settings' appeal days, once."""
	texts(notice=notice, reason=reason)
	doc = load(NOTICE, notice)
	user = frappe.session.user
	days = cint(setting("appeal_days"))
	try:
		appeals.check_appeal(facts(doc), managed_departments(user), now_datetime().date(), days)
		reason = appeals.check_reason(reason)
	except RuleError as err:
		refuse(err)
	appeal = frappe.get_doc(
		{
			"doctype": APPEAL,
			"notice": doc.name,
			"department": doc.department,
			"complaint": doc.complaint,
			"notice_amount": doc.amount,
			"status": appeals.OPEN,
			"reason": reason,
			"requested_by": user,
			"requested_on": now_datetime(),
		}
	)
	appeal.flags.procedure_action = True
	try:
		# nobody has create on appeals: the right to appeal is the rules checked above
		appeal.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		refuse(
			RuleError("Penalty notice {0} has been appealed already: a notice is appealed once.", doc.name)
		)
	doc.db_set("appeal_status", appeals.OPEN)
	log_step(
		doc.complaint,
		appeals.FILED_STEP,
		_("Appeal {0} against penalty notice {1}: {2}").format(appeal.name, doc.name, reason),
	)
	sync_inbox(appeal)
	return as_result(appeal)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def decide_appeal(appeal: str, decision: str, reason: str, amount: float | None = None) -> dict:
	"""The decider role of the settings decides an open appeal once, with a reason: Upheld, Annulled or Reduced
	(with the new amount)."""
	texts(appeal=appeal, decision=decision, reason=reason)
	if amount not in (None, ""):
		amount = input_checks.check_amount(_("Reduced Amount"), amount)
	else:
		amount = None
	doc = load(APPEAL, appeal)
	# one decision: a concurrent one waits for this row and then finds the appeal decided
	frappe.db.get_value(APPEAL, doc.name, "status", for_update=True)
	doc.reload()
	user = frappe.session.user
	notice = frappe.get_doc(NOTICE, doc.notice)
	try:
		appeals.check_decider(
			frozenset(frappe.get_roles(user)), setting("appeal_decider_role"), user, doc.requested_by
		)
		appeals.check_decision(doc.status, decision, amount, facts(notice))
		reason = appeals.check_reason(reason)
	except RuleError as err:
		refuse(err)
	text = decision_text(doc, decision, reason, notice, amount)
	amended = None
	if decision in appeals.CANCELS_NOTICE:
		cancel_notice(notice, decision, text)
		if decision in appeals.AMENDS_NOTICE:
			amended = amend_notice(notice, flt(amount), text)
	else:
		notice.db_set({"appeal_status": decision, "appeal_decision": text})
	doc.update(
		{
			"status": decision,
			"decided_by": user,
			"decided_on": now_datetime(),
			"decision_reason": reason,
			"reduced_amount": flt(amount) if decision == appeals.REDUCED else 0,
			"amended_notice": amended,
		}
	)
	doc.flags.procedure_action = True
	doc.save(ignore_permissions=True)  # the decider's right is the settings' role, checked above
	log_step(notice.complaint, appeals.DECIDED_STEP, text)
	sync_inbox(doc)
	manager = frappe.db.get_value("Complaint Department", doc.department, "manager")
	notify(
		[u for u in (manager, doc.requested_by) if u and u != user],
		_("Appeal {0} against penalty notice {1}: {2}").format(doc.name, doc.notice, _(decision)),
		APPEAL,
		doc.name,
		frappe.utils.escape_html(text),
	)
	return as_result(doc)


def can_decide(appeal) -> bool:
	"""Whether the session user may decide `appeal` now (the form offers the decisions only then)."""
	user = frappe.session.user
	try:
		appeals.check_decider(
			frozenset(frappe.get_roles(user)), setting("appeal_decider_role"), user, appeal.requested_by
		)
	except RuleError:
		return False
	return appeal.status == appeals.OPEN


def decision_text(appeal, decision: str, reason: str, notice, amount: float | None) -> str:
	"""What both notices keep of the decision."""
	if decision == appeals.REDUCED:
		return _("Appeal {0}: reduced from {1} to {2}. {3}").format(
			appeal.name, flt(notice.amount), flt(amount), reason
		)
	return _("Appeal {0}: {1}. {2}").format(appeal.name, _(decision), reason)


def cancel_notice(notice, decision: str, text: str) -> None:
	notice.cancel_reason = text
	notice.appeal_status = decision
	notice.appeal_decision = text
	notice.flags.appeal_decision = True  # the notice's before_cancel lets an appeal's decision through
	# the decider cancels through the appeal (the settings' role, checked by decide_appeal), not by the notice's
	# Cancel permission
	notice.flags.ignore_permissions = True
	notice.cancel()


def amend_notice(notice, amount: float, text: str) -> str:
	"""The cancelled notice's amendment with the reduced amount (same breach: same breach_key), submitted."""
	new = frappe.copy_doc(notice)
	new.update(
		{
			"amended_from": notice.name,
			"docstatus": 0,
			"cancel_reason": None,
			"appeal_status": appeals.REDUCED,
			"appeal_decision": text,
			"executed": 0,
			"executed_on": None,
			"executed_by": None,
		}
	)
	new.flags.appeal_amount = amount  # the notice's set_amount takes it instead of base x multiplier
	# part of the decision checked by decide_appeal (the decider has no create or submit on notices)
	new.flags.ignore_permissions = True
	new.insert()
	new.submit()
	return new.name


def log_step(complaint: str | None, action: str, note: str) -> None:
	"""A row of the complaint's step log (printed on the handling document), written without saving the
	complaint: an appeal is not a step of the complaint's own loop (its clocks, status and inbox stay)."""
	if not complaint:
		return
	idx = frappe.db.count("Complaint Step", {"parent": complaint, "parenttype": "Complaint"})
	row = frappe.get_doc(
		{
			"doctype": "Complaint Step",
			"parent": complaint,
			"parenttype": "Complaint",
			"parentfield": "steps",
			"idx": idx + 1,
			"action": action,
			"done_on": now_datetime(),
			"done_by": frappe.session.user,
			"note": (note or "").strip()[:1000] or None,
		}
	)
	row.db_insert()


def deciders(appeal) -> list[str]:
	"""The enabled users of the settings' decider role, except the appellant."""
	role = setting("appeal_decider_role")
	return [u for u in inbox.enabled(get_users_with_role(role)) if u != appeal.requested_by]


def sync_inbox(appeal) -> None:
	"""An open appeal waits in every decider's inbox, due `appeal_decision_days` after filing; a decided one
	nowhere."""
	users = deciders(appeal) if appeal.status == appeals.OPEN else []
	due = appeals.decision_due(
		get_datetime(appeal.requested_on).date(), cint(setting("appeal_decision_days"))
	)
	inbox.reconcile(
		APPEAL,
		appeal.name,
		users,
		lambda user: inbox.in_language(user, task_text, appeal),
		{"date": due, "priority": inbox_rules.MEDIUM},
		notify_new=True,
	)


def task_text(appeal) -> str:
	return _("Appeal {0} against penalty notice {1} ({2}) waits for your decision.").format(
		appeal.name, appeal.notice, appeal.department
	)


# The decider role of the settings
# --------------------------------
DECIDER_RIGHTS = ("read", "print", "report", "export")


def decider_refusal(role: str) -> str | None:
	"""Why `role` could not decide every department's appeals (None: it can), translated."""
	role_name = frappe.bold(_(role))
	if role in AUTOMATIC_ROLES:
		return _("{0} is given to every user automatically and cannot decide appeals.").format(role_name)
	if role in DEPARTMENT_ROLES:
		return _(
			"{0} is a department role (its users see only their own department's records) and cannot decide"
			" the appeals of every department: choose or create a role for it."
		).format(role_name)
	disabled, desk_access = frappe.db.get_value("Role", role, ["disabled", "desk_access"]) or (0, 0)
	if disabled or not desk_access:
		return _(
			"Role {0} is disabled or has no desk access: its users could not open the appeals they decide."
		).format(role_name)
	return None


def validate_decider_role(role: str | None, saved: str | None) -> None:
	"""Complaint Settings: a newly chosen decider role must be able to decide (the saved one is let through)."""
	if role and role != saved and (message := decider_refusal(role)):
		frappe.throw(message, title=_("Invalid setting"))


def grant_decider_access() -> str | None:
	"""Give the settings' decider role read access to appeals when it has none (a Custom DocPerm, after the
	standard rules are copied there as the Role Permission Manager does); returns the role given it."""
	role = setting("appeal_decider_role")
	reads = any(
		p.role == role and not p.permlevel and p.read and not p.if_owner
		for p in frappe.get_meta(APPEAL).permissions
	)
	if reads or decider_refusal(role):
		return None
	setup_custom_perms(APPEAL)
	frappe.get_doc(
		{
			"doctype": "Custom DocPerm",
			"parent": APPEAL,
			"parenttype": "DocType",
			"parentfield": "permissions",
			"role": role,
			"permlevel": 0,
			**dict.fromkeys(DECIDER_RIGHTS, 1),
		}
	).insert(ignore_permissions=True)  # the settings' editor may not edit permission rules: the app gives the
	# decider role read access to what it decides, never to a role decider_refusal() refuses
	frappe.clear_cache(doctype=APPEAL)
	return role
