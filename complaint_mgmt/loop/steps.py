"""The machinery shared by the procedure's actions in ``complaint_mgmt.api``: load and check a complaint,
enforce the order of steps (``transitions.TRANSITIONS``) and the Workflow's roles, save with the procedure flag,
and keep the transfer records and the receivers' ToDo inbox in step."""

import functools
import random
import time

import frappe
from frappe import _
from frappe.model.workflow import get_workflow_name
from frappe.utils import cint, get_datetime, now_datetime

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.as_read import keep_as_read
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.procedure import calendar_hours, clocks, transitions
from complaint_mgmt.security import input_checks

WORKFLOW_DOCTYPE = "Complaint"


DEADLOCK_ATTEMPTS = 5


def retry_on_deadlock(action):
	"""Run a procedure action again when it loses a deadlock with a concurrent one (Frappe's save deletes and
	re-inserts the child rows, which locks index gaps two saves can cross; a sweep batch holds the rows of up to
	50 complaints until its commit): the request's transaction is rolled back and the action repeated, up to five
	times with a growing, jittered pause (three were seen to run out while two sweeps ran), instead of answering
	500. Only in a web request, where the action owns the transaction; anywhere else (a job, a test) the caller
	decides."""

	@functools.wraps(action)
	def wrapper(*args, **kwargs):
		for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
			try:
				return action(*args, **kwargs)
			except frappe.QueryDeadlockError:
				if attempt == DEADLOCK_ATTEMPTS or not getattr(frappe.local, "request", None):
					raise
				frappe.db.rollback()
				frappe.local.message_log = []
				time.sleep(random.uniform(0.05, 0.15) * attempt)

	return wrapper


def load(name: str, ptype: str = "write"):
	"""The complaint, after checking the calling user's `ptype` permission (department isolation included). One
	the user may not read is answered exactly like one that does not exist: no name oracle."""
	doc = None
	if isinstance(name, str) and name and frappe.db.exists("Complaint", name):
		doc = frappe.get_doc("Complaint", name)  # loaded once: the permission checks read this document
	if not (doc and frappe.has_permission("Complaint", "read", doc=doc)):
		frappe.flags.has_permission_check_logs = []
		raise_permission(
			_("You may not read or change this {0}, or it does not exist.").format(_("Complaint"))
		)
	doc.check_permission(ptype)
	if ptype == "write":
		lock_for_action(doc)
	return doc


def lock_for_action(doc) -> None:
	"""Lock the complaint's row for the action about to change it, after the permission checks (a caller who
	may not act takes no lock). While its `modified` is still what was read, the document as read is what the
	save compares against (``Complaint.load_doc_before_save``): Frappe would otherwise load it whole a second
	time, every child table, only to find it unchanged (loop/as_read.py). Changed in between: Frappe's own check
	at the save (a reload under the lock) refuses it as ever."""
	modified = frappe.db.get_value("Complaint", doc.name, "modified", for_update=True)
	if modified and get_datetime(modified) == get_datetime(doc.modified):
		keep_as_read(doc)


def begin(doc, action: str, next_state: str | None = None, role: str | None = None) -> transitions.Transition:
	"""Check that `action` is the next step and that the caller may take it; return the transition.

	The order comes from the pure table (it holds with the Workflow deactivated); the roles come from the
	active Workflow (administrators adjust them there), else from the table. A transition without roles in
	the table (Approve Close...) also needs one of the compensation tier's roles (`approver_roles`); `role`:
	one more role that qualifies the caller.
	"""
	try:
		transition = transitions.find_transition(action, doc.status, next_state)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Wrong order of steps"))
	user = frappe.session.user
	roles = set(frappe.get_roles(user))
	needed = list(adapters.approver_roles(doc)) if not transition.roles else []
	if role and role not in needed:
		needed.append(role)
	if needed and not set(needed) & roles:
		raise_permission(
			_("{0} needs the role {1}.").format(_(action), _(needed[0]))
			if len(needed) == 1
			else _("{0} needs one of the roles {1}.").format(_(action), ", ".join(_(r) for r in needed))
		)
	allowed = workflow_roles(transition)
	if allowed is None:
		allowed = set(transition.roles)
	if needed and allowed:
		# one role must both decide the amount and hold the Workflow's row: the row's condition
		# (authority.approval_condition) offers the action to exactly those users (loop/workflow.py)
		allowed = allowed & set(needed) or allowed
		roles = roles & set(needed)
	if allowed and not allowed & roles:
		raise_permission(
			_("{0} needs one of the roles {1}.").format(_(action), ", ".join(_(r) for r in sorted(allowed)))
		)
	if transition.by_department and user != "Administrator" and not is_department_member(doc.department):
		raise_permission(
			_("Only a receiver or member of department {0} can do this.").format(frappe.bold(doc.department))
		)
	return transition


def raise_permission(message: str) -> None:
	frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))


def workflow_roles(transition: transitions.Transition) -> set[str] | None:
	"""Roles the active Workflow allows for `transition` (None: no active workflow)."""
	name = get_workflow_name(WORKFLOW_DOCTYPE)
	if not name:
		return None
	workflow = frappe.get_cached_doc("Workflow", name)
	rows = [
		row
		for row in workflow.transitions
		if (row.state, row.action, row.next_state)
		== (transition.state, transition.action, transition.next_state)
	]
	if not rows:
		frappe.throw(
			_("The active workflow {0} has no action {1} from {2} to {3}.").format(
				frappe.bold(name), _(transition.action), _(transition.state), _(transition.next_state)
			),
			title=_("Not allowed"),
		)
	return {row.allowed for row in rows}


def is_department_member(department: str | None, user: str | None = None) -> bool:
	if not department:
		return False
	return frappe.get_cached_doc("Complaint Department", department).is_member(user or frappe.session.user)


def save(
	doc,
	transition: transitions.Transition | None,
	ignore_permissions: bool = False,
	note: str | None = None,
	action: str | None = None,
):
	"""Move the complaint to the transition's next state (None: stays), log the step (action, user, instant,
	note: every hand-over keeps its timestamp) and save it as a procedure action."""
	if transition:
		doc.status = transition.next_state
	doc.append(
		"steps",
		{
			"action": action or (transition.action if transition else ""),
			"done_on": now(),
			"done_by": frappe.session.user,
			"note": (note or "").strip()[:1000] or None,
		},
	)
	doc.flags.procedure_action = True
	try:
		# ignore_permissions only where the caller's right was checked otherwise (see the callers)
		doc.save(ignore_permissions=ignore_permissions)
	finally:
		doc.flags.procedure_action = False
	inbox.sync(doc)  # the next step's ToDo, in the same transaction
	return doc


def start_new_close_cycle(doc) -> None:
	"""A rejected close request: the Close clock runs again, the next request gets a new return-visit clock."""
	doc.update(clocks.NEW_CLOSE_CYCLE)
	doc.close_request_cycle = cint(doc.close_request_cycle) + 1


def texts(**values) -> None:
	"""Each argument is text of reasonable length (or None): a dict, a list or megabytes are refused."""
	for name, value in values.items():
		input_checks.check_text(_(frappe.unscrub(name)), value)


def required(value: str | None, message: str) -> str:
	"""`value` stripped (its type checked by ``texts``), or a ValidationError with `message` (translated)."""
	text = (value or "").strip()
	if not text:
		frappe.throw(message, title=_("Missing information"))
	return text


def now():
	return now_datetime()


# Transfer records and the receiver's inbox
# -----------------------------------------


def open_record(complaint: str, department: str | None) -> str | None:
	"""The issued, not yet acknowledged transfer record of the complaint's current department."""
	return frappe.db.get_value(
		"Complaint Transfer Record",
		{"complaint": complaint, "department": department, "status": "Issued"},
		"name",
		order_by="creation desc",
	)


def supersede_records(complaint: str, first_replied_on=None) -> list[str]:
	"""Mark every earlier (issued or acknowledged) record superseded; they are kept, an acknowledged one with
	its department's first reply. Returns their names."""
	names = frappe.get_all(
		"Complaint Transfer Record",
		filters={"complaint": complaint, "status": ("in", ("Issued", "Acknowledged"))},
		pluck="name",
	)
	for name in names:
		record = frappe.get_doc("Complaint Transfer Record", name)
		if record.status == "Acknowledged":
			record.first_replied_on = record.first_replied_on or first_replied_on
		record.status = "Superseded"
		# the caller's right to transfer the complaint was checked by begin()
		record.flags.procedure_action = True
		record.save(ignore_permissions=True)
	inbox.close_all("Complaint", complaint, status="Cancelled")  # the superseded receiver's
	return names


def issue_record(doc, note: str | None) -> str:
	record = frappe.get_doc(
		{
			"doctype": "Complaint Transfer Record",
			"complaint": doc.name,
			"department": doc.department,
			"receiver": doc.receiver,
			"status": "Issued",
			"issued_by": frappe.session.user,
			"issued_on": now(),
			"note": note,
		}
	)
	# the caller's right to transfer was checked by begin(); the record is part of that action
	record.flags.procedure_action = True
	record.insert(ignore_permissions=True)
	return record.name


def acknowledge_record(record_name: str, when) -> None:
	record = frappe.get_doc("Complaint Transfer Record", record_name)
	record.status = "Acknowledged"
	record.acknowledged_by = frappe.session.user
	record.acknowledged_on = when
	# department users only read transfer records; begin() checked that the caller may acknowledge
	record.flags.procedure_action = True
	record.save(ignore_permissions=True)


def tell(users, subject: str, doc, message: str | None = None) -> None:
	notify([u for u in users if u and u != frappe.session.user], subject, "Complaint", doc.name, message)


def service_center_users(doc) -> list[str]:
	"""Who follows the complaint at the service center: its specialist, else its owner."""
	return [doc.specialist or doc.owner]


def department_people(doc) -> list[str]:
	manager = (
		frappe.db.get_value("Complaint Department", doc.department, "manager") if doc.department else None
	)
	return [doc.receiver, manager]
