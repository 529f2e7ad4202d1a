"""The workspace's "Penalties This Week" card summed a week the reports never showed; "Penalties Last Week"
(the Friday bulletin's week, as the Complaint Penalty Summary opens on) replaces it (issue 11)."""

import frappe


def execute() -> None:
	if frappe.db.exists("Number Card", "Penalties This Week"):
		frappe.delete_doc(
			"Number Card", "Penalties This Week", force=True, ignore_permissions=True
		)  # migration
