"""``complaint_mgmt.api.verify_notices`` (contract, issue 18): recompute every penalty notice of a period from
its complaint's history with the pure procedure and list those whose stored computation differs."""

import frappe
from frappe import _
from frappe.utils import get_datetime

from complaint_mgmt.engine import notice_why
from complaint_mgmt.security import input_checks

ADMIN_ROLES = frozenset({"System Manager"})


def check_admin() -> None:
	if frappe.session.user != "Administrator" and not ADMIN_ROLES & set(frappe.get_roles()):
		raise frappe.PermissionError(_("Only a System Manager can verify penalty notices."))


@frappe.whitelist(methods=["GET", "POST"])
def verify_notices(from_date: str, to_date: str) -> list[dict]:
	"""The notices issued from `from_date` to `to_date` (whole days, both included) whose stored computation
	differs from a recomputation from the complaint's step log, transfer records, escalations and pauses:
	each with its complaint, the keys that differ and both values of each. Empty when all agree. Read-only;
	System Manager (or Administrator) only."""
	check_admin()
	input_checks.check_date(_("From Date"), from_date)
	input_checks.check_date(_("To Date"), to_date)
	if get_datetime(from_date).date() > get_datetime(to_date).date():
		frappe.throw(_("From Date must not be after To Date."), title=_("Invalid dates"))
	_checked, differing = notice_why.verify(from_date, to_date)
	return differing
