"""Execution (兑现) of penalties: General Administration / Finance (Complaint Penalty Executor) marks submitted
penalty notices executed, one by one or all notices of a signed weekly bulletin at once."""

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, now_datetime

from complaint_mgmt.loop import inbox

EXECUTOR_ROLES = frozenset({"Complaint Penalty Executor", "System Manager"})
NOTICE = "Complaint Penalty Notice"


def check_executor() -> None:
	if frappe.session.user != "Administrator" and not EXECUTOR_ROLES & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only a Complaint Penalty Executor can mark penalties executed."))


def execute_notice(doc) -> None:
	doc.check_permission("write")
	if doc.docstatus != 1:
		frappe.throw(_("Only a submitted penalty notice can be marked executed."), title=_("Not allowed"))
	if doc.executed:
		frappe.throw(_("Penalty notice {0} is already executed.").format(doc.name), title=_("Not allowed"))
	doc.refuse_execution_under_appeal()
	# db_set, not save(): updating a submitted document through save() needs the Submit permission, which the
	# executor does not (and should not) have; the roles and the write permission were checked above.
	doc.db_set({"executed": 1, "executed_on": now_datetime(), "executed_by": frappe.session.user})
	doc.add_comment("Info", _("Marked executed"))
	inbox.after_notice_executed(doc)


@frappe.whitelist(methods=["POST"])
def mark_executed(notice: str) -> dict:
	"""Mark one submitted penalty notice executed."""
	check_executor()
	doc = frappe.get_doc(NOTICE, notice)
	execute_notice(doc)
	return doc.as_dict()


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
