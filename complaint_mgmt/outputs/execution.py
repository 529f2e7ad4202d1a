"""Execution (兑现) of penalties: General Administration / Finance (Complaint Penalty Executor) marks submitted
penalty notices executed, one by one, several chosen in the notice list (all or nothing) or all notices of a
signed weekly bulletin at once, and may undo an execution on the day it was made, with a reason (issue 19 §6; the
rules: ``procedure/execution_rules.py``)."""

import frappe
from frappe import _
from frappe.utils import add_days, cint, get_datetime, now_datetime

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.appeals import log_step
from complaint_mgmt.loop.steps import retry_on_deadlock, texts
from complaint_mgmt.procedure import appeals
from complaint_mgmt.procedure import execution_rules as rules
from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.security.permissions import refuse_unreadable

EXECUTOR_ROLES = frozenset({"Complaint Penalty Executor", "System Manager"})
NOTICE = "Complaint Penalty Notice"


def check_executor() -> None:
	if frappe.session.user != "Administrator" and not EXECUTOR_ROLES & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only a Complaint Penalty Executor can mark penalties executed."))


def state(doc) -> rules.NoticeState:
	return rules.NoticeState(
		name=doc.name,
		docstatus=cint(doc.docstatus),
		executed=bool(cint(doc.executed)),
		executed_on=get_datetime(doc.executed_on) if doc.executed_on else None,
		under_appeal=doc.appeal_status == appeals.OPEN,
	)


def translated(err: RuleError) -> str:
	# The template is a string literal of complaint_mgmt.procedure.execution_rules, listed in translations/zh.csv.
	return _(err.template).format(*err.values)  # nosemgrep: frappe-semgrep-rules.rules.translate-variable


def execute_notice(doc) -> None:
	doc.check_permission("write")
	refusal = rules.execution_refusal(state(doc))
	if refusal:
		adapters.throw(refusal)
	# db_set, not save(): updating a submitted document through save() needs the Submit permission, which the
	# executor does not (and should not) have; the roles and the write permission were checked above.
	doc.db_set({"executed": 1, "executed_on": now_datetime(), "executed_by": frappe.session.user})
	doc.add_comment("Info", _("Marked executed"))
	inbox.after_notice_executed(doc)


def load_notice(name: str, for_update: bool = False):
	"""The notice when the caller may read it; one they may not read is answered like a missing one."""
	if not (isinstance(name, str) and name and frappe.db.exists(NOTICE, name)) or not frappe.has_permission(
		NOTICE, "read", doc=name
	):
		refuse_unreadable(NOTICE)
	return frappe.get_doc(NOTICE, name, for_update=for_update)


@frappe.whitelist(methods=["POST"])
def mark_executed(notice: str) -> dict:
	"""Mark one submitted penalty notice executed."""
	check_executor()
	doc = frappe.get_doc(NOTICE, notice)
	execute_notice(doc)
	return doc.as_dict()


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def mark_notices_executed(notices: str | list) -> int:
	"""Mark the chosen notices executed (the notice list's bulk action), all or nothing: every notice is checked
	first and one that cannot be executed (a draft, executed already, under appeal, not readable) leaves all of
	them as they were, with one message naming each refused notice and why. Returns how many were marked."""
	check_executor()
	try:
		names = rules.check_bulk(frappe.parse_json(notices) if isinstance(notices, str) else notices)
	except (RuleError, ValueError) as err:
		adapters.throw(err if isinstance(err, RuleError) else RuleError(rules.BULK_HINT))
	docs, refused = [], []
	for name in names:
		if not frappe.db.exists(NOTICE, name) or not frappe.has_permission(NOTICE, "write", doc=name):
			frappe.flags.has_permission_check_logs = []
			refused.append(
				_("{0}: you may not change this penalty notice, or it does not exist.").format(name)
			)
			continue
		doc = frappe.get_doc(NOTICE, name, for_update=True)
		refusal = rules.execution_refusal(state(doc))
		if refusal:
			refused.append(translated(refusal))
		docs.append(doc)
	if refused:
		frappe.throw(
			_("No penalty notice was marked executed, because:")
			+ "<ul>"
			+ "".join(f"<li>{frappe.utils.escape_html(line)}</li>" for line in refused)
			+ "</ul>",
			title=_("Not allowed"),
		)
	for doc in docs:
		execute_notice(doc)
	return len(docs)


@frappe.whitelist(methods=["POST"])
@retry_on_deadlock
def undo_execution(notice: str, reason: str) -> dict:
	"""Undo the execution of a notice on the day it was made, by an executor, with a reason: the notice is
	unexecuted again, the reason is kept as a comment on the notice and a row of the complaint's step log."""
	check_executor()
	texts(notice=notice, reason=reason)
	doc = load_notice(notice, for_update=True)
	doc.check_permission("write")
	try:
		reason = rules.check_undo(state(doc), now_datetime(), reason)
	except RuleError as err:
		adapters.throw(err)
	executed_by = doc.executed_by
	# db_set, as when marking: the executor has no Submit right (see execute_notice); the role, the write
	# permission and the day were checked above.
	doc.db_set({"executed": 0, "executed_on": None, "executed_by": None})
	note = _("Execution of penalty notice {0} (by {1}) undone: {2}").format(doc.name, executed_by, reason)
	doc.add_comment("Info", note)
	log_step(doc.complaint, rules.UNDONE_STEP, note)
	inbox.after_notice_executed(doc)
	return {field: doc.get(field) for field in ("name", "executed", "executed_on", "executed_by")}


@frappe.whitelist(methods=["POST"])
def mark_bulletin_executed(bulletin: str) -> int:
	"""Mark every not yet executed notice of a signed bulletin's week executed, except those under appeal
	(they wait for the decision); returns how many."""
	check_executor()
	doc = frappe.get_doc("Complaint Penalty Bulletin", bulletin)
	doc.check_permission("read")
	if doc.docstatus != 1:
		frappe.throw(_("The bulletin must be signed (submitted) before its penalties are executed."))
	names = frappe.get_all(
		NOTICE,
		filters=[
			["docstatus", "=", 1],
			["executed", "=", 0],
			["appeal_status", "!=", "Open"],
			["department", "is", "set"],
			["issued_on", ">=", get_datetime(doc.week_start)],
			["issued_on", "<", get_datetime(add_days(doc.week_end, 1))],
		],
		pluck="name",
		order_by="name asc",
	)
	for name in names:
		execute_notice(frappe.get_doc(NOTICE, name))
	return len(names)
