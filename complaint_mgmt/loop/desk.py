"""What the complaint form shows beyond its fields: the running clocks ("Close due in 4 d 23 h", counted in
business hours when configured), whose turn it is, named ("Waiting for Wang Li of Sales to acknowledge · 25 min
left"), the actions the server accepts from the caller, and the receivers the Transfer dialog offers."""

import frappe
from frappe import _
from frappe.model import workflow as frappe_workflow
from frappe.utils import now_datetime

from complaint_mgmt.loop import adapters, inbox, steps
from complaint_mgmt.loop.steps import load
from complaint_mgmt.procedure import clocks, durations, transitions
from complaint_mgmt.procedure import inbox as inbox_rules

# The approver's actions load the complaint for reading: the compensation tier's role qualifies the caller
# (loop/actions.approve_close, loop/review.reject_closure); every other action needs write access.
TIER_DECIDED = ("Approve Close", "Reject Closure")
# Named holders in the headline; more are counted ("Wang Li, Zhao Min +3").
NAMED_HOLDERS = 2


def step_texts() -> dict[str, str]:
	"""What the holder of a step does next, as the headline's verb phrase (keys: ``procedure.inbox.TASKS``)."""
	return {
		"transfer": _("transfer it to a department"),
		"acknowledge": _("acknowledge the transfer"),
		"first_reply": _("give the first reply"),
		"request_close": _("handle it and request closure"),
		"resume": _("resume it when the customer answers"),
		"return_visit": _("make the return visit"),
		"approve": _("approve or reject the closure"),
		"review_deferral": _("review the deferral request"),
		"close_again_not_satisfied": _("handle it again: the customer is not satisfied"),
		"close_again_rejected": _("handle it again: the closure was rejected"),
		"deferral_rejected": _("go on handling it: the deferral was rejected"),
	}


def signed_seconds(due, now, counted) -> float:
	"""Seconds from `now` to `due` (negative: overdue), counted like the clocks (business hours if set)."""
	overdue, hours, minutes = inbox_rules.time_left(due, now, counted)
	seconds = (hours * 60 + minutes) * 60
	return -seconds if overdue else seconds


def clock_text(clock: str, seconds: float) -> str:
	"""A running clock in the reader's language: "Close due in 4 d 23 h", "Transfer overdue by 2 h 5 min"."""
	return durations.format_clock(_(clock), seconds, frappe.local.lang)


def holder_names(doc, step: inbox_rules.NextStep) -> list[str]:
	"""Who holds the step, by full name; the approver's step is held by a role, named as such."""
	if step.actor == inbox_rules.APPROVER:
		try:
			return [_(adapters.approver_role(doc))]
		except frappe.ValidationError:  # no compensation tier covers the amount: the Manager decides
			frappe.clear_last_message()
			return [_("Complaint Manager")]
	users = inbox.actors(doc, step.actor)
	names = dict(
		frappe.get_all("User", filters={"name": ("in", users)}, fields=["name", "full_name"], as_list=True)
	)
	return [names.get(user) or user for user in users]


def holder_department(doc, step: inbox_rules.NextStep) -> str | None:
	if step.actor == inbox_rules.RECEIVER:
		return doc.department
	if step.actor == inbox_rules.SERVICE_CENTER:
		center = inbox.service_center_department()
		return center.name if center else None
	return None


def whose_turn(doc, step: inbox_rules.NextStep | None, seconds_left: float | None) -> dict | None:
	"""The headline's sentence: the step, who holds it (named) and the time left or late on its clock."""
	if not step:
		return None
	names = holder_names(doc, step)
	shown = ", ".join(names[:NAMED_HOLDERS]) + (f" +{len(names) - NAMED_HOLDERS}" if len(names) > 2 else "")
	shown = shown or _("nobody (no enabled user holds this step)")
	task = step_texts()[step.task]
	department = holder_department(doc, step)
	text = (
		_("Waiting for {0} of {1} to {2}").format(shown, department, task)
		if department
		else _("Waiting for {0} to {1}").format(shown, task)
	)
	due = durations.format_due(seconds_left, frappe.local.lang) if seconds_left is not None else ""
	return {
		"text": f"{text} · {due}" if due else text,
		"holders": names,
		"department": department,
		"task": task,
		"due": due,
		"overdue": bool(seconds_left is not None and seconds_left < 0),
	}


@frappe.whitelist()
def form_status(complaint: str) -> dict:
	"""The running clocks of a complaint the caller may read, whose turn it is, the actions the caller may take
	now and who may approve."""
	doc = load(complaint, "read")
	now = now_datetime()
	calendar = adapters.get_calendar()
	counted = None if calendar.is_wall_clock else calendar.hours_between
	running, left = [], {}
	for clock, due in doc.running_clocks():
		left[clock] = seconds = signed_seconds(due, now, counted)
		running.append(
			{
				"clock": clock,
				"label": _(clock),
				"due": str(due),
				"seconds": seconds,
				"overdue": seconds < 0 or bool(doc.get(clocks.BREACH_FLAGS[clock])),
				"text": clock_text(clock, seconds),
			}
		)
	step = inbox.current_step(doc)
	turn = whose_turn(doc, step, left.get(step.clock) if step else None)
	return {
		"clocks": running,
		"paused": doc.status == transitions.WAITING,
		"sla_status": doc.sla_status,
		"business_hours": not calendar.is_wall_clock,
		"next_step": turn["text"] if turn else None,
		"whose_turn": turn,
		"actions": accepted_actions(doc),
		"approver_roles": [_(r) for r in adapters.approver_roles(doc)]
		if doc.status == "Return Visited"
		else [],
	}


def accepts(doc, action: str, next_state: str | None = None) -> bool:
	"""Whether the server accepts `action` (to `next_state`) from the session user now: the same checks as the
	action (``steps.begin`` after the permission its ``load`` asks), without messages."""
	ptype = "read" if action in TIER_DECIDED else "write"
	if not frappe.has_permission("Complaint", ptype, doc=doc):
		return False
	messages = len(frappe.local.message_log)
	try:
		role = adapters.approver_role(doc) if action in TIER_DECIDED else None
		steps.begin(doc, action, next_state, role=role)
	except (frappe.PermissionError, frappe.ValidationError):  # refused, as the action would be
		return False
	finally:
		del frappe.local.message_log[messages:]
		frappe.flags.has_permission_check_logs = []
	return True


def accepted_actions(doc) -> list[str]:
	"""The actions of the complaint's state (``transitions.TRANSITIONS``) the server accepts from the caller."""
	found = []
	for t in transitions.TRANSITIONS:
		if t.state == doc.status and t.action not in found and accepts(doc, t.action, t.next_state):
			found.append(t.action)
	return found


@frappe.whitelist()
def get_transitions(doc: str | dict) -> list[dict]:
	"""Frappe's ``frappe.model.workflow.get_transitions`` (the form's Actions menu), for a complaint only the
	transitions the server accepts from the caller: the Workflow's rows know roles and conditions, not the
	department rule nor the compensation tier's role (a tier approver was offered Reject Closure and refused)."""
	found = frappe_workflow.get_transitions(doc)
	data = frappe.parse_json(doc) if isinstance(doc, str) else doc
	if not found or (data or {}).get("doctype") != "Complaint":
		return found
	complaint = frappe.get_doc("Complaint", data.get("name"))
	return [row for row in found if accepts(complaint, row.action, row.next_state)]


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
