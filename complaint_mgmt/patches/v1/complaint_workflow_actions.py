"""Frappe's Workflow Action rows of complaints are no longer written (loop/workflow_actions.py: the ToDo inbox is
the list of pending steps); the rows written before would stay Open for ever in the Workflow Action list, so
they are removed with their permitted roles."""

import frappe


def execute() -> None:
	if not frappe.db.table_exists("Workflow Action"):
		return
	names = frappe.get_all("Workflow Action", filters={"reference_doctype": "Complaint"}, pluck="name")
	for start in range(0, len(names), 500):
		chunk = names[start : start + 500]
		frappe.db.delete(
			"Workflow Action Permitted Role", {"parenttype": "Workflow Action", "parent": ("in", chunk)}
		)
		frappe.db.delete("Workflow Action", {"name": ("in", chunk)})
