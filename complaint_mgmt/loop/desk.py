"""What the complaint form shows beyond its fields: the running clocks ("Close due in 5 h 12 min", counted in
business hours when configured), whose turn it is, and the receivers the Transfer dialog offers."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.steps import load
from complaint_mgmt.procedure import clocks, transitions
from complaint_mgmt.procedure import inbox as inbox_rules


def clock_text(clock: str, overdue: bool, hours: int, minutes: int) -> str:
	left = _("{0} h {1} min").format(hours, minutes) if hours else _("{0} min").format(minutes)
	if overdue:
		return _("{0} overdue by {1}").format(_(clock), left)
	return _("{0} due in {1}").format(_(clock), left)


@frappe.whitelist()
def form_status(complaint: str) -> dict:
	"""The running clocks of a complaint the caller may read, whose turn it is and who may approve."""
	doc = load(complaint, "read")
	now = now_datetime()
	calendar = adapters.get_calendar()
	counted = None if calendar.is_wall_clock else calendar.hours_between
	running = []
	for clock, due in doc.running_clocks():
		overdue, hours, minutes = inbox_rules.time_left(due, now, counted)
		running.append(
			{
				"clock": clock,
				"label": _(clock),
				"due": str(due),
				"overdue": overdue or bool(doc.get(clocks.BREACH_FLAGS[clock])),
				"text": clock_text(clock, overdue, hours, minutes),
			}
		)
	step = inbox.current_step(doc)
	return {
		"clocks": running,
		"paused": doc.status == transitions.WAITING,
		"sla_status": doc.sla_status,
		"business_hours": not calendar.is_wall_clock,
		"next_step": inbox.task_text(step.task, doc.name) if step else None,
		"approver_roles": [_(r) for r in adapters.approver_roles(doc)]
		if doc.status == "Return Visited"
		else [],
	}


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def receiver_query(
	doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict
) -> list:
	"""Link query of the Transfer dialog's receiver: the chosen department's receivers, members and manager."""
	if not set(frappe.get_roles()) & set(transitions.SPECIALIST_ROLES):
		frappe.throw(_("Only the service center transfers complaints."), frappe.PermissionError)
	department = (filters or {}).get("department")
	if (
		not department
		or not isinstance(department, str)
		or not frappe.db.exists("Complaint Department", department)
	):
		return []
	dept = frappe.get_cached_doc("Complaint Department", department)
	users = list(
		dict.fromkeys([r.user for r in dept.receivers] + [m.user for m in dept.members] + [dept.manager])
	)
	users = inbox.enabled(users)
	if not users:
		return []
	txt = (txt or "").strip().lower()
	rows = frappe.get_all(
		"User",
		filters={"name": ("in", users)},
		fields=["name", "full_name"],
		order_by="name asc",
	)
	receivers = {r.user for r in dept.receivers}
	matches = [
		(row.name, row.full_name or "", _("Receiver") if row.name in receivers else _("Member"))
		for row in rows
		if not txt or txt in row.name.lower() or txt in (row.full_name or "").lower()
	]
	matches.sort(key=lambda row: (row[2] != _("Receiver"), row[0]))
	return matches[int(start) : int(start) + int(page_len)]
