"""The ERP inbox drives the loop: after every step the complaint has one open ToDo for whoever must act next
(``procedure.inbox.next_step``), dated by that step's deadline, High for an external channel or a missed
deadline; done steps' ToDos close. The penalty bulletin waits in the general manager's inbox until signed and
then in the executors' until every notice of its week is executed.

ToDos are written directly (not through ``assign_to.add``): that would share the document with the user,
which the department rule forbids for people outside the department (``permissions.validate_share``). They are
Frappe's ToDos with Frappe's timeline comments ("X assigned Y: ...", "Assignment of Y removed by X"), written as
``InboxToDo``, which adds the comment without loading the whole document first. The inbox replaces Frappe's
Workflow Action rows for the Complaint (loop/workflow_actions.py).
"""

import frappe
from frappe import _
from frappe.desk.doctype.todo.todo import ToDo
from frappe.translate import print_language
from frappe.utils import add_days, flt, get_datetime, now_datetime
from frappe.utils.user import get_users_with_role

from complaint_mgmt.loop import adapters, workflow_actions
from complaint_mgmt.loop.as_read import SavesAsRead, keep_as_read
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.procedure import authority, calendar_hours, clocks, rules
from complaint_mgmt.procedure import inbox as inbox_rules

BULLETIN = "Complaint Penalty Bulletin"
NOTICE = "Complaint Penalty Notice"
SIGNER_ROLE = "Complaint Bulletin Approver"
EXECUTOR_ROLE = "Complaint Penalty Executor"
# the Complaint's pending steps are this inbox's ToDos, not Frappe's Workflow Action rows
workflow_actions.install()


class InboxToDo(SavesAsRead, ToDo):
	"""Frappe's ToDo (same validation, ``_assign`` on the document, timeline comments), except that its
	assignment comment is inserted directly: Frappe loads the whole referenced document (a complaint with all
	its child tables) only to call its ``add_comment``, which inserts exactly this Comment, twice per step (the
	new holder's ToDo, the closed one's). Its links are not looked up again: the holder is an enabled user the
	inbox has just selected, the reference the document being saved in the same transaction. A closed one is
	saved from its row as locked (``SavesAsRead``)."""

	def __init__(self, *args, **kwargs):
		super().__init__(*args, **kwargs)
		self.flags.ignore_links = True

	def add_assign_comment(self, text, comment_type):
		if not (self.reference_type and self.reference_name):
			return
		comment = frappe.get_doc(
			{
				"doctype": "Comment",
				"comment_type": comment_type,
				"comment_email": frappe.session.user,
				"reference_doctype": self.reference_type,
				"reference_name": self.reference_name,
				"content": text or comment_type,
			}
		)
		comment.flags.ignore_links = True  # its reference is this ToDo's, not looked up again (see the class)
		# as Frappe's Document.add_comment: part of the step being taken
		comment.insert(ignore_permissions=True)


def task_text(task: str, name: str) -> str:
	"""The ToDo's text for a task key of ``procedure.inbox``."""
	texts = {
		"transfer": _("Complaint {0}: register it completely and transfer it to a department."),
		"acknowledge": _("Complaint {0} was transferred to you: please acknowledge it."),
		"first_reply": _("Complaint {0}: give the first reply."),
		"request_close": _("Complaint {0}: handle it and request closure (or a deferral)."),
		"resume": _("Complaint {0} waits on the customer: resume it when the customer answers."),
		"return_visit": _("Complaint {0}: closing requested, please make the return visit."),
		"approve": _("Complaint {0}: approve or reject the closure."),
		"review_deferral": _("Complaint {0}: deferral requested, please review it."),
		"close_again_not_satisfied": _(
			"Complaint {0}: the customer is not satisfied; handle it and request closure again."
		),
		"close_again_rejected": _(
			"Complaint {0}: the closure was rejected; handle it and request closure again."
		),
		"deferral_rejected": _("Complaint {0}: the deferral was rejected; go on handling it."),
	}
	return texts[task].format(name)


def enabled(users) -> list[str]:
	users = [u for u in dict.fromkeys(users) if u and u not in ("Guest", "Administrator")]
	if not users:
		return []
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(user)
		.select(user.name)
		.where(user.name.isin(users))
		.where(user.enabled == 1)
		.orderby(user.name)
		.run(pluck=True)
	)


def service_center_department():
	"""The service center (Complaint Department), None when there is none or it is disabled."""
	name = frappe.db.get_value("Complaint Department", {"is_service_center": 1, "disabled": 0}, "name")
	return frappe.get_cached_doc("Complaint Department", name) if name else None


def center_users(doc, source: str) -> list[str]:
	"""The service center's designated receiver (for the category), manager or members."""
	center = service_center_department()
	if not center:
		return []
	if source == inbox_rules.CENTER_RECEIVER:
		return enabled([center.receiver_for(doc.category)])
	if source == inbox_rules.CENTER_MANAGER:
		return enabled([center.manager])
	return enabled([row.user for row in center.members])


def department_users(doc, source: str) -> list[str]:
	"""The complaint's receiver, or its department's manager or members."""
	if not doc.department:
		return []
	if source == inbox_rules.DEPARTMENT_RECEIVER:
		return enabled([doc.receiver])
	dept = frappe.get_cached_doc("Complaint Department", doc.department)
	return enabled(
		[dept.manager] if source == inbox_rules.DEPARTMENT_MANAGER else [r.user for r in dept.members]
	)


def registrar(doc) -> list[str]:
	"""The desk user who registered the complaint, when a specialist."""
	return enabled([doc.owner]) if "Complaint Specialist" in frappe.get_roles(doc.owner) else []


def approvers(doc) -> list[str]:
	"""The users of the lowest role that may approve the closure (the compensation tier's, else a higher
	tier's; the Complaint Manager without compensation)."""
	try:
		roles = authority.approvers(flt(doc.compensation_amount), adapters.compensation_tiers())
	except calendar_hours.RuleError:
		# no tier covers the amount: approving it is refused with that message; the Manager sees it
		roles = (authority.DEFAULT_APPROVER_ROLE,)
	for role in roles:
		users = enabled(get_users_with_role(role))
		if users:
			return users
	return []


# How each source of ``procedure.inbox.ACTOR_SOURCES`` names its enabled users.
SOURCES = {
	inbox_rules.SPECIALIST: lambda doc: enabled([doc.specialist]),
	inbox_rules.REGISTRAR: registrar,
	inbox_rules.CENTER_RECEIVER: lambda doc: center_users(doc, inbox_rules.CENTER_RECEIVER),
	inbox_rules.CENTER_MANAGER: lambda doc: center_users(doc, inbox_rules.CENTER_MANAGER),
	inbox_rules.CENTER_MEMBERS: lambda doc: center_users(doc, inbox_rules.CENTER_MEMBERS),
	inbox_rules.SPECIALIST_ROLE: lambda doc: enabled(get_users_with_role("Complaint Specialist")),
	inbox_rules.DEPARTMENT_RECEIVER: lambda doc: department_users(doc, inbox_rules.DEPARTMENT_RECEIVER),
	inbox_rules.DEPARTMENT_MANAGER: lambda doc: department_users(doc, inbox_rules.DEPARTMENT_MANAGER),
	inbox_rules.DEPARTMENT_MEMBERS: lambda doc: department_users(doc, inbox_rules.DEPARTMENT_MEMBERS),
	inbox_rules.TIER_ROLES: approvers,
}


def actors(doc, actor: str) -> list[str]:
	"""Who holds the step of `actor`: the first source that names an enabled user."""
	return inbox_rules.actor_users(actor, lambda source: SOURCES[source](doc))


def current_step(doc) -> inbox_rules.NextStep | None:
	return inbox_rules.next_step(doc.status, inbox_rules.last_action(row.action for row in doc.steps))


def is_breached(doc) -> bool:
	return any(doc.get(flag) for flag in clocks.BREACH_FLAGS.values())


def due_of(doc, step: inbox_rules.NextStep):
	value = doc.get(rules.DUE_FIELDS[step.clock]) if step.clock else None
	return get_datetime(value) if value else None


def sync(doc, notify_new: bool | None = None) -> None:
	"""Make the complaint's open ToDos exactly the next step's: close the others, add the missing ones, keep
	date and priority current. Runs inside the action's transaction. New holders are notified when no action
	tells them (`notify_new`, default: the step's own flag)."""
	step = current_step(doc)
	due = due_of(doc, step) if step else None
	reconcile(
		"Complaint",
		doc.name,
		actors(doc, step.actor) if step else [],
		lambda user: in_language(user, task_text, step.task, doc.name),
		{
			"date": due.date() if due else None,
			"priority": inbox_rules.priority(bool(doc.is_external), due, now_datetime(), is_breached(doc)),
		},
		notify_new=bool(step) and (step.notify if notify_new is None else notify_new),
	)


def reconcile(doctype: str, name: str, users: list[str], text_for, values: dict, notify_new: bool) -> None:
	"""The document's open ToDos become one per user in `users` with `text_for(user)`; the others close."""
	texts = {user: text_for(user) for user in users}
	kept = set()
	for todo in open_todos(doctype, name):
		if texts.get(todo.allocated_to) == todo.description and todo.allocated_to not in kept:
			kept.add(todo.allocated_to)
			update_todo(todo, values)
		else:
			set_todo_status(todo.name, "Closed")
	for user in users:
		if user in kept:
			continue
		add_todo(doctype, name, user, texts[user], values)
		if notify_new and user != frappe.session.user:
			notify([user], texts[user], doctype, name)


def in_language(user: str, fn, *args):
	"""`fn(*args)` in the user's language: a ToDo and its notification are read by their holder."""
	language = frappe.db.get_value("User", user, "language") or frappe.db.get_default("lang")
	with print_language(language):
		return fn(*args)


def refresh_priority(doc) -> None:
	"""After the sweep's breach: the open ToDos of the complaint become High."""
	if not is_breached(doc):
		return
	todo = frappe.qb.DocType("ToDo")
	(
		frappe.qb.update(todo)
		.set(todo.priority, inbox_rules.HIGH)
		.where(todo.reference_type == "Complaint")
		.where(todo.reference_name == doc.name)
		.where(todo.status == "Open")
	).run()


def open_todos(doctype: str, name: str) -> list[frappe._dict]:
	todo = frappe.qb.DocType("ToDo")
	return (
		frappe.qb.from_(todo)
		.select(todo.name, todo.allocated_to, todo.description, todo.date, todo.priority)
		.where(todo.reference_type == doctype)
		.where(todo.reference_name == name)
		.where(todo.status == "Open")
		.orderby(todo.creation)
		.run(as_dict=True)
	)


def add_todo(doctype: str, name: str, user: str, text: str, values: dict) -> None:
	todo = InboxToDo(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"reference_type": doctype,
			"reference_name": name,
			"description": text,
			"assigned_by": frappe.session.user,
			**values,
		}
	)
	# the procedure assigns on the acting user's behalf (a Specialist may not create ToDos for others)
	todo.insert(ignore_permissions=True)


def update_todo(todo, values: dict) -> None:
	date = str(values["date"]) if values["date"] else None
	if (str(todo.date) if todo.date else None, todo.priority) != (date, values["priority"]):
		frappe.db.set_value("ToDo", todo.name, values)


def set_todo_status(name: str, status: str) -> None:
	"""Save the ToDo with `status` through Frappe's ToDo, from its row read once under a lock by primary key
	(a record lock only: locking the open ToDos by their reference would lock the index gap a new complaint's
	first ToDo goes into, and two registrations at once would deadlock on it)."""
	table = frappe.qb.DocType("ToDo")
	rows = frappe.qb.from_(table).select("*").where(table.name == name).for_update().run(as_dict=True)
	if not rows:  # deleted meanwhile: nothing left to close
		return
	todo = InboxToDo({**rows[0], "doctype": "ToDo"})
	keep_as_read(todo)  # the row as locked: the ToDo before this save (loop/as_read.py)
	todo.status = status
	# closing the inbox entry is part of the step the caller was allowed to take
	todo.save(ignore_permissions=True)


def close_all(doctype: str, name: str, status: str = "Closed") -> None:
	for todo in open_todos(doctype, name):
		set_todo_status(todo.name, status)


# The penalty bulletin ----------------------------------------------------------------------------------------


def sync_bulletin(doc) -> None:
	"""A draft waits for the general manager's signature; a signed bulletin with unexecuted notices waits for
	the executors; otherwise nothing is open."""
	if doc.docstatus == 0:
		users, task = enabled(get_users_with_role(SIGNER_ROLE)), "sign"
	elif doc.docstatus == 1 and unexecuted_notices(doc):
		users, task = enabled(get_users_with_role(EXECUTOR_ROLE)), "execute"
	else:
		users, task = [], None
	reconcile(
		BULLETIN,
		doc.name,
		users,
		lambda user: in_language(user, bulletin_text, task, doc),
		{"date": doc.week_end, "priority": inbox_rules.MEDIUM},
		notify_new=True,
	)


def bulletin_text(task: str, doc) -> str:
	if task == "sign":
		return _("Penalty bulletin {0} ({1} – {2}) waits for your signature.").format(
			doc.name, doc.week_start, doc.week_end
		)
	return _("Penalty bulletin {0} is signed: execute its penalties.").format(doc.name)


def unexecuted_notices(doc) -> int:
	notice = frappe.qb.DocType(NOTICE)
	start, end = get_datetime(doc.week_start), get_datetime(add_days(doc.week_end, 1))
	rows = (
		frappe.qb.from_(notice)
		.select(notice.name)
		.where(notice.docstatus == 1)
		.where(notice.executed == 0)
		.where(notice.department.isnotnull())
		.where(notice.issued_on >= start)
		.where(notice.issued_on < end)
		.limit(1)
	).run()
	return len(rows)


def on_bulletin_change(doc, method=None) -> None:
	"""doc_events of the bulletin: insert, update, submit, cancel."""
	sync_bulletin(doc)


def after_notice_executed(notice) -> None:
	"""A notice was executed: the signed bulletins of its week may have nothing left to execute."""
	day = get_datetime(notice.issued_on).date()
	for name in frappe.get_all(
		BULLETIN,
		filters={"docstatus": 1, "week_start": ("<=", day), "week_end": (">=", day)},
		pluck="name",
	):
		sync_bulletin(frappe.get_doc(BULLETIN, name))
