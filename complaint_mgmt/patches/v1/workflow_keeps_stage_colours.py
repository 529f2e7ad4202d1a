"""Sites installed before the desk's stage colours (issue 11): the Workflow stops overriding the status
indicator, so the list and the form show complaint_list.js's colours (red once a clock is breached)."""

import frappe

from complaint_mgmt.loop.workflow import WORKFLOW_NAME


def execute() -> None:
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		frappe.db.set_value("Workflow", WORKFLOW_NAME, "override_status", 1)
