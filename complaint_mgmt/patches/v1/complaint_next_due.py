"""The complaint list's Next Due column (issue 19 §4): complaints saved before it get the deadline of their
earliest running clock, as a save sets it now (Complaint.set_next_due); closed and paused ones stay empty."""

import frappe

from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES, WAITING


def execute() -> None:
	open_ones = frappe.get_all(
		"Complaint",
		filters={"status": ("not in", [*TERMINAL_STATUSES, WAITING]), "next_due": ("is", "not set")},
		pluck="name",
	)
	for name in open_ones:
		doc = frappe.get_doc("Complaint", name)
		running = doc.running_clocks()
		if running:
			doc.db_set("next_due", running[0][1], update_modified=False)
