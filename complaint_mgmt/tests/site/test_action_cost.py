"""Cheaper actions (issue 20 §4) lose nothing a user sees: Frappe's Workflow Action rows are not written for the
Complaint (the ToDo inbox is its list of pending steps; loop/workflow_actions.py) while other doctypes keep
Frappe's bookkeeping; the inbox's ToDos, their timeline comments, the complaint's `_assign`, the Workflow's state
and the version history are all still there. And the load benchmark's clean-up works on a site whose only System
Manager is Administrator (Frappe refuses to delete any user there)."""

import json

import frappe
import pytest
from frappe.desk.doctype.todo.todo import ToDo
from frappe.utils import add_to_date
from frappe.workflow.doctype.workflow_action import workflow_action

from benchmarks import load_seed
from complaint_mgmt import api
from complaint_mgmt.complaint_mgmt.doctype.complaint.complaint import Complaint
from complaint_mgmt.loop import inbox, steps, workflow_actions
from complaint_mgmt.tests.site.api_setup import GOOD_ACTION, HANDLER, SALES, SPEC, as_user, call, setup_people
from complaint_mgmt.tests.site.factories import make_complaint


@pytest.fixture
def people():
	return setup_people()


def walk(name: str) -> None:
	call(SPEC, api.transfer, name, SALES)
	call(HANDLER, api.acknowledge, name)
	call(HANDLER, api.reply, name, "We are replacing the part.")
	call(HANDLER, api.request_close, name, "Part replaced", "Wrong part shipped", GOOD_ACTION)


def test_no_workflow_action_rows_for_complaints_and_the_inbox_keeps_everything(people, monkeypatch):
	with as_user(SPEC):
		name = make_complaint().name
	monkeypatch.setitem(frappe.local.flags, "in_test", False)  # Frappe writes no Version in tests
	walk(name)
	monkeypatch.setitem(frappe.local.flags, "in_test", True)
	assert workflow_action.process_workflow_actions is workflow_actions.process_workflow_actions
	assert frappe.get_all("Workflow Action", {"reference_doctype": "Complaint", "reference_name": name}) == []
	doc = frappe.get_doc("Complaint", name)
	assert doc.status == "Close Requested"  # the Workflow's state field
	assert [s.action for s in doc.steps][-4:] == ["Transfer", "Acknowledge", "Reply", "Request Close"]
	todos = frappe.get_all(
		"ToDo",
		{"reference_type": "Complaint", "reference_name": name},
		["allocated_to", "status", "description"],
		order_by="creation asc",
	)
	assert [(t.allocated_to, t.status) for t in todos if t.status == "Open"] == [(SPEC, "Open")]
	assert {t.description for t in todos if t.status == "Closed"} >= {
		inbox.task_text("acknowledge", name),
		inbox.task_text("first_reply", name),
		inbox.task_text("request_close", name),
	}
	assert json.loads(frappe.db.get_value("Complaint", name, "_assign")) == [SPEC]
	comments = frappe.get_all(
		"Comment",
		{"reference_doctype": "Complaint", "reference_name": name},
		pluck="comment_type",
	)
	# Frappe's timeline comments of every ToDo opened and closed, written without loading the complaint
	assert comments.count("Assigned") == len(todos)
	assert comments.count("Assignment Completed") == len([t for t in todos if t.status != "Open"])
	versions = frappe.get_all("Version", {"ref_doctype": "Complaint", "docname": name}, pluck="data")
	statuses = {c[2] for v in versions for c in json.loads(v).get("changed", []) if c[0] == "status"}
	assert {"Transferred", "Acknowledged", "Replied", "Close Requested"} <= statuses


def test_other_doctypes_keep_frappes_workflow_actions(monkeypatch):
	seen = []
	monkeypatch.setattr(workflow_actions, "frappe_process_workflow_actions", lambda d, s: seen.append(s))
	workflow_actions.process_workflow_actions(frappe._dict(doctype="Complaint"), "on_update")
	workflow_actions.process_workflow_actions(frappe._dict(doctype="Complaint"), "on_trash")
	workflow_actions.process_workflow_actions(frappe._dict(doctype="Purchase Order"), "on_update")
	assert seen == ["on_trash", "on_update"]  # a deleted complaint still takes its old rows along


def test_the_load_benchmarks_users_go_on_a_site_whose_only_system_manager_is_administrator():
	prefix = load_seed.new_prefix()
	users = [
		load_seed.ensure_user(f"{kind}1@{load_seed.domain(prefix)}", role, "Load#Bench-2026!t")
		for kind, role in (("h", "Complaint Handler"), ("m", "Complaint Manager"))
	]
	# the site as a fresh one: no enabled System Manager but Administrator (rolled back with the test)
	others = frappe.get_all(
		"Has Role",
		{"role": "System Manager", "parenttype": "User", "parent": ("!=", "Administrator")},
		pluck="parent",
	)
	frappe.db.delete("Has Role", {"role": "System Manager", "parent": ("in", others or [""])})
	with pytest.raises(frappe.ValidationError, match="at least one System Manager"):
		frappe.delete_doc("User", users[0], ignore_permissions=True, force=True)
	load_seed.delete_users(users)
	assert frappe.get_all("User", {"name": ("in", users)}) == []
	assert frappe.get_all("Has Role", {"parent": ("in", users)}) == []
	assert frappe.db.get_value("Has Role", {"parent": "Administrator", "role": "System Manager"})


def test_an_action_loads_the_complaint_once_and_a_change_in_between_is_still_refused(people, monkeypatch):
	"""The action locks the row after reading it; its save compares against the document as read instead of
	loading it whole again (loop/steps.lock_for_action). A change between the read and the lock is refused by
	Frappe's own check at the save, as before."""
	with as_user(SPEC):
		name = make_complaint().name
	call(SPEC, api.transfer, name, SALES)
	loads = []
	real_load = Complaint.load_from_db
	monkeypatch.setattr(Complaint, "load_from_db", lambda self: loads.append(self.name) or real_load(self))
	call(HANDLER, api.acknowledge, name)
	assert loads.count(name) == 1
	assert frappe.db.get_value("Complaint", name, "status") == "Acknowledged"
	monkeypatch.undo()

	doc = frappe.get_doc("Complaint", name)
	later = add_to_date(doc.modified, seconds=1)
	frappe.db.set_value("Complaint", name, "modified", later, update_modified=False)  # saved by someone else
	steps.lock_for_action(doc)
	assert doc.flags.before_action is None  # stale: no shortcut
	doc.customer_name = "Changed meanwhile"
	with pytest.raises(frappe.TimestampMismatchError):
		doc.save()


def test_an_action_closes_the_old_todo_from_its_locked_row_with_frappes_comment_and_version(
	people, monkeypatch
):
	"""The inbox saves the closed ToDo from the row it read under a lock (loop/inbox.open_todos) instead of
	loading it twice (get_doc, then Frappe's check before the save): the ToDo is closed with Frappe's timeline
	comment, its Version records Open -> Closed, and `_assign` names only the new holder."""
	with as_user(SPEC):
		name = make_complaint().name
	call(SPEC, api.transfer, name, SALES)
	(old,) = inbox.open_todos("Complaint", name)
	assert old.allocated_to == HANDLER
	loads = []
	real_load = ToDo.load_from_db
	monkeypatch.setattr(ToDo, "load_from_db", lambda self: loads.append(self.name) or real_load(self))
	monkeypatch.setitem(frappe.local.flags, "in_test", False)  # Frappe writes no Version in tests
	call(HANDLER, api.acknowledge, name)
	monkeypatch.setitem(frappe.local.flags, "in_test", True)
	assert loads == []
	assert frappe.db.get_value("ToDo", old.name, "status") == "Closed"
	comments = frappe.get_all(
		"Comment",
		{"reference_doctype": "Complaint", "reference_name": name, "comment_type": "Assignment Completed"},
		pluck="content",
	)
	assert "cm3-handler removed their assignment." in comments  # Frappe's text: the holder closed it
	version = frappe.get_all("Version", {"ref_doctype": "ToDo", "docname": old.name}, pluck="data")
	assert [c for v in version for c in json.loads(v)["changed"] if c[0] == "status"] == [
		["status", "Open", "Closed"]
	]
	(new,) = inbox.open_todos("Complaint", name)
	assert json.loads(frappe.db.get_value("Complaint", name, "_assign")) == [new.allocated_to]


def test_the_repeat_flag_is_looked_up_when_what_makes_a_repeat_changes(people, monkeypatch):
	with as_user(SPEC):
		first = make_complaint(contact_phone="+86-13911112222")
		other = make_complaint(contact_phone="+86-13933334444")
	assert other.is_repeat == 0
	lookups = []
	real = Complaint.earlier_complaints
	monkeypatch.setattr(
		Complaint, "earlier_complaints", lambda self, **kw: lookups.append(1) or real(self, **kw)
	)
	call(SPEC, api.transfer, other.name, SALES)  # a procedure action: nothing that makes a repeat changed
	assert lookups == []
	with as_user(SPEC):
		doc = frappe.get_doc("Complaint", other.name)
		doc.contact_phone = first.contact_phone  # the same customer after all
		doc.save()
	assert lookups and frappe.db.get_value("Complaint", other.name, "is_repeat") == 1
	with as_user(SPEC), pytest.raises(frappe.ValidationError, match="only be changed through"):
		doc = frappe.get_doc("Complaint", first.name)
		doc.is_repeat = 1  # kept without a lookup, but nobody can write it (security/edit_guard.py)
		doc.save()


def test_reading_the_open_todos_locks_no_gap_a_new_complaints_todo_goes_into():
	"""Registering a complaint reads its (not yet existing) open ToDos, then inserts its first one. A locking read
	there would lock the reference index's gap, and two registrations at once would deadlock (seen under load:
	HTTP 500 on register). Another connection inserts a ToDo next to the one read: it must not wait."""
	import pymysql

	inbox.open_todos("Complaint", "CMP-GAP-TEST-0001")  # in this test's transaction, left open
	other = pymysql.connect(**frappe.db.get_connection_settings())
	try:
		with other.cursor() as cursor:
			cursor.execute("SET SESSION innodb_lock_wait_timeout = 2")
			todo = frappe.qb.DocType("ToDo")
			insert = frappe.qb.into(todo).columns(
				todo.name, todo.status, todo.reference_type, todo.reference_name, todo.description
			)
			sql = insert.insert("gap-test-todo", "Open", "Complaint", "CMP-GAP-TEST-0002", "x").get_sql()
			cursor.execute(sql)  # a lock wait would raise "Lock wait timeout exceeded" after 2 s
	finally:
		other.rollback()
		other.close()
