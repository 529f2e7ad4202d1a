"""The compensation authority matrix of the spec (§6: 50 / 200 / 2,000 / above): sites that still have the
tiers earlier versions seeded (never changed by an administrator) get the spec's four tiers and their roles;
a table an administrator edited is left alone."""

import frappe
from frappe.utils import flt

from complaint_mgmt.setup.seed import COMPENSATION_TIERS, PREVIOUS_COMPENSATION_TIERS, make_roles


def execute() -> None:
	make_roles()
	settings = frappe.get_single("Complaint Settings")
	current = tuple((flt(row.up_to_amount), row.approver_role) for row in settings.compensation_tiers)
	if current != tuple((flt(amount), role) for amount, role in PREVIOUS_COMPENSATION_TIERS):
		return
	settings.set(
		"compensation_tiers",
		[{"up_to_amount": amount, "approver_role": role} for amount, role in COMPENSATION_TIERS],
	)
	settings.save(ignore_permissions=True)  # patch context: runs as Administrator
