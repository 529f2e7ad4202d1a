"""My work (page ``my-work``): the calling user's own open ToDos on the app's documents they may read, each with
its full task text, the complaint, the running clock with its deadline and the signed time left, the SLA state
and the actions of the step, most urgent first (rules in ``procedure/my_work.py``).

Only ToDos allocated to the caller: those they handed on (assigned by them to someone else) and closed ones are
not work of theirs. A document the caller may not read (another department's complaint) is left out.
"""

import datetime

import frappe
from frappe import _
from frappe.translate import print_language
from frappe.utils import get_datetime, now_datetime, strip_html

from complaint_mgmt.loop import adapters, desk, inbox
from complaint_mgmt.procedure import clocks, rules
from complaint_mgmt.procedure import inbox as inbox_rules
from complaint_mgmt.procedure import my_work as rules_my_work

# The app's documents that wait in an inbox (loop/inbox.py, appeals, action reviews).
REFERENCE_TYPES = (
	"Complaint",
	"Complaint Penalty Bulletin",
	"Complaint Penalty Appeal",
	"Complaint Action Review",
)
LIMIT = 500
# The languages the inbox writes task texts in (translations/): a stored text in one reads in the caller's.
LANGUAGES = ("en", "zh")
# What the card and the form's action dialogs read of a complaint (all at permission level 0).
COMPLAINT_FIELDS = (
	"name",
	"status",
	"sla_status",
	"customer_name",
	"department",
	"grade",
	"category",
	"channel",
	"received_on",
	"is_external",
	"irrational_stage",
	"follow_up_mode",
	"irrational_reason",
	"resolution",
	"root_cause",
	"corrective_action",
	"compensation_amount",
	"return_visit_notes",
	*rules.DUE_FIELDS.values(),
	*rules.STOP_FIELDS.values(),
	*clocks.BREACH_FLAGS.values(),
)
# What the permission checks of the actions read besides (not returned).
PERMISSION_FIELDS = ("owner", "first_replied_on", "status_before_pause")
CLOCK_FIELDS = frozenset(
	(*rules.DUE_FIELDS.values(), *rules.STOP_FIELDS.values(), *clocks.BREACH_FLAGS.values())
)


@frappe.whitelist(methods=["GET", "POST"])
def my_work() -> dict:
	"""The caller's open ToDos on documents they may read, most urgent first."""
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Log in to see your work."), frappe.PermissionError)
	todos = frappe.get_all(
		"ToDo",
		filters={"allocated_to": user, "status": "Open", "reference_type": ("in", REFERENCE_TYPES)},
		fields=["name", "description", "reference_type", "reference_name", "date", "priority", "creation"],
		order_by="creation asc",
		limit=LIMIT,
	)
	now = now_datetime()
	calendar = adapters.get_calendar()
	counted = None if calendar.is_wall_clock else calendar.hours_between
	complaints = readable_complaints([t.reference_name for t in todos if t.reference_type == "Complaint"])
	texts = task_templates() if complaints else {}
	items = []
	for todo in todos:
		if todo.reference_type == "Complaint":
			complaint = complaints.get(todo.reference_name)
			if complaint:
				item = complaint_item(todo, complaint, now, counted)
				item["description"] = task_in_language(item["description"], todo.reference_name, texts)
				items.append(item)
		elif readable(todo.reference_type, todo.reference_name):
			items.append(document_item(todo, now))
	items.sort(key=lambda item: item.pop("_key"))
	return {"now": str(now), "business_hours": not calendar.is_wall_clock, "items": items}


def readable(doctype: str, name: str) -> bool:
	"""The document exists (a ToDo may outlive it) and the caller may read it."""
	return bool(frappe.db.exists(doctype, name)) and frappe.has_permission(doctype, "read", doc=name)


def readable_complaints(names: list[str]) -> dict[str, frappe._dict]:
	"""The complaints among `names` the caller may read (the department rule applies: get_list)."""
	if not names:
		return {}
	rows = frappe.get_list(
		"Complaint",
		filters={"name": ("in", list(set(names)))},
		fields=list(dict.fromkeys((*COMPLAINT_FIELDS, *PERMISSION_FIELDS))),
		limit=LIMIT,
	)
	return {row.name: row for row in rows}


PLACEHOLDER = "\x00"


def task_templates() -> dict[str, str]:
	"""The inbox's task texts in every shipped language, the complaint's name left open -> the task key."""
	templates = {}
	for language in LANGUAGES:
		with print_language(language):
			templates.update({inbox.task_text(task, PLACEHOLDER): task for task in inbox_rules.TASKS})
	return templates


def task_in_language(description: str, name: str, templates: dict[str, str]) -> str:
	"""A task text the inbox wrote (in its holder's language then) in the caller's language now; any other text
	as it stands."""
	for template, task in templates.items():
		if template.replace(PLACEHOLDER, name) == description:
			return inbox.task_text(task, name)
	return description


def base_item(todo) -> dict:
	return {
		"todo": todo.name,
		"description": strip_html(todo.description or "").strip(),
		"reference_type": todo.reference_type,
		"reference_name": todo.reference_name,
		"priority": todo.priority,
		"date": str(todo.date) if todo.date else None,
	}


def complaint_item(todo, complaint, now: datetime.datetime, counted) -> dict:
	running = inbox_rules.running_clocks(
		complaint.status,
		{
			c: get_datetime(complaint.get(f)) if complaint.get(f) else None
			for c, f in rules.DUE_FIELDS.items()
		},
		{c: bool(complaint.get(rules.STOP_FIELDS[c])) for c in rules.CLOCKS},
	)
	breached = any(complaint.get(flag) for flag in clocks.BREACH_FLAGS.values())
	clock = None
	due = None
	if running:
		name, due = running[0]
		clock = {
			"clock": name,
			"label": _(name),
			"due": str(due),
			"seconds": desk.signed_seconds(due, now, counted),
			"breached": bool(complaint.get(clocks.BREACH_FLAGS[name])),
		}
	return {
		**base_item(todo),
		"complaint": {
			**{f: complaint.get(f) for f in COMPLAINT_FIELDS if f not in CLOCK_FIELDS},
			"received_on": str(complaint.received_on) if complaint.received_on else None,
			"status_label": _(complaint.status),
			"sla_label": _(complaint.sla_status) if complaint.sla_status else "",
		},
		"clock": clock,
		"actions": [{"action": a, "label": _(a)} for a in actions_for(complaint)],
		"approver_roles": approver_roles(complaint),
		"_key": rules_my_work.urgency_key(due, now, breached, todo.priority, todo.creation),
	}


def actions_for(complaint) -> list[str]:
	"""The step's actions the server accepts from the caller now (the form's Actions menu asks the same)."""
	offered = rules_my_work.step_actions(complaint.status)
	if not offered:
		return []
	# the checks read the complaint's fields (status, department, compensation), not its child tables: a
	# document made from the row read above spares loading each complaint again
	row = {f: complaint.get(f) for f in (*COMPLAINT_FIELDS, *PERMISSION_FIELDS)}
	accepted = desk.accepted_actions(frappe.get_doc({"doctype": "Complaint", **row}))
	return [action for action in offered if action in accepted]


def approver_roles(complaint) -> list[str]:
	"""Who may approve a closure waiting for approval (the approve dialog shows it)."""
	if complaint.status != "Return Visited":
		return []
	try:
		return [_(role) for role in adapters.approver_roles(complaint)]
	except frappe.ValidationError:
		frappe.local.message_log = []  # no tier covers the amount: approving says so when tried
		return []


def document_item(todo, now: datetime.datetime) -> dict:
	"""A ToDo on another document of the app (bulletin, appeal, review): dated by its day, opened on its form."""
	due = datetime.datetime.combine(get_datetime(todo.date).date(), datetime.time.max) if todo.date else None
	return {
		**base_item(todo),
		"reference_label": _(todo.reference_type),
		"complaint": None,
		"clock": None,
		"actions": [],
		"approver_roles": [],
		"_key": rules_my_work.urgency_key(due, now, False, todo.priority, todo.creation),
	}
