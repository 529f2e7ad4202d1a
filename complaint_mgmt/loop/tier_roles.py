"""The compensation tiers' approver roles (Complaint Settings → compensation tiers): the one place that reads
them and gives a role an administrator puts into a tier what the seeded tier roles have, so its users can open
the complaint they must approve (issue 17 item 7).

A tier role is treated exactly like the seeded ones (Complaint Front Desk Manager ... Complaint Vice
President, ``setup.seed.COMPENSATION_TIERS``):

- read, print, report and export on Complaint at permission level 0 (``TIER_RIGHTS``, the seeded roles' rules
  in complaint.json): never write (the approval saves as the procedure, ``loop.actions.approve_close``), never
  level 1 (the customer's phone and e-mail);
- the Workflow's approve and reject steps, offered only within the role's tier (``loop.workflow``);
- no department role, so its users see every department (``security.permissions``: a user is restricted only by
  the department roles). A department role, a role every user holds, and a role without desk access cannot
  approve every department's closures from the desk: such a tier is refused with what is missing.
"""

import frappe
from frappe import _
from frappe.permissions import AUTOMATIC_ROLES, setup_custom_perms

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure.transitions import DEPARTMENT_ROLES

DOCTYPE = "Complaint"
# What complaint.json gives the seeded tier roles (tests/site/test_authority.py compares them).
TIER_RIGHTS = ("read", "print", "report", "export")


def tier_roles() -> list[str]:
	"""Every role of the saved compensation tiers, in table order."""
	return list(dict.fromkeys(role for _ceiling, role in adapters.compensation_tiers() if role))


def refusal(idx: int, role: str) -> str | None:
	"""Why `role` could not approve every department's closures from the desk (None: it can), translated."""
	role_name = frappe.bold(_(role))
	if role in AUTOMATIC_ROLES:
		return _("Row {0}: {1} is given to every user automatically and cannot approve closures.").format(
			idx, role_name
		)
	if role in DEPARTMENT_ROLES:
		return _(
			"Row {0}: {1} is a department role (its users see only their own department's complaints) and"
			" cannot approve the closures of every department: choose or create a role for the tier."
		).format(idx, role_name)
	disabled, desk_access = frappe.db.get_value("Role", role, ["disabled", "desk_access"]) or (0, 0)
	if disabled:
		return _("Row {0}: role {1} is disabled: enable it first.").format(idx, role_name)
	if not desk_access:
		return _(
			"Row {0}: role {1} has no desk access, so its users could not open the complaint to approve"
			" it: tick Desk Access on the role."
		).format(idx, role_name)
	return None


def validate_tiers(rows, saved_roles: set[str]) -> None:
	"""Refuse a role newly put into a tier that could not approve, saying what is missing. A role the saved
	tiers had already is let through (a migrate that saves the settings never stops on an earlier choice);
	it gets no access from ``grant_complaint_access`` either."""
	for row in rows:
		if row.approver_role not in saved_roles and (message := refusal(row.idx, row.approver_role)):
			frappe.throw(message, title=_("Invalid compensation tiers"))


def reads_complaints(role: str) -> bool:
	"""Whether `role` reads complaints at permission level 0 (standard or custom rule)."""
	return any(
		p.role == role and not p.permlevel and p.read and not p.if_owner
		for p in frappe.get_meta(DOCTYPE).permissions
	)


def grant_complaint_access(roles: list[str] | None = None) -> list[str]:
	"""Give each tier role that cannot read complaints the seeded tier roles' rule; returns the roles given it.

	Frappe reads a doctype's rules from Custom DocPerm as soon as one exists, so the standard rules are copied
	there first (``setup_custom_perms``, what the Role Permission Manager does)."""
	missing = [
		role
		for role in (tier_roles() if roles is None else roles)
		if not refusal(0, role) and not reads_complaints(role)
	]
	if not missing:
		return []
	setup_custom_perms(DOCTYPE)
	for role in missing:
		rule = frappe.db.get_value(
			"Custom DocPerm", {"parent": DOCTYPE, "role": role, "permlevel": 0, "if_owner": 0}, "name"
		)
		rights = dict.fromkeys(TIER_RIGHTS, 1)
		if rule:
			frappe.db.set_value("Custom DocPerm", rule, rights)
		else:
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": DOCTYPE,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": 0,
					**rights,
				}
			).insert(ignore_permissions=True)  # the settings' editor may not edit permission rules: the app
			# gives the tier's role exactly what the seeded tier roles have, never to a role refusal() refuses
	frappe.clear_cache(doctype=DOCTYPE)
	frappe.msgprint(
		_(
			"{0} can now read complaints (without the customer's contact details) and approve the closures"
			" of its tier."
		).format(", ".join(frappe.bold(_(role)) for role in missing)),
		indicator="green",
		alert=True,
	)
	return missing
