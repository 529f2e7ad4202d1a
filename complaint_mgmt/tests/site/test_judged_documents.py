"""The request guard judges a named document as Frappe's own read permission would (security/target_guard.py),
from the parent's row when nothing else can matter (no User Permissions, only this app's permission hooks), and
finds the tables a list names without a lookup per column (security/request_guard.py, issue 20 §4)."""

import frappe
import pytest

from complaint_mgmt.security import request_guard, target_guard
from complaint_mgmt.tests.site.api_setup import (
	DEPT_MGR,
	HANDLER,
	HANDLER2,
	MGR,
	OTHER,
	SPEC,
	as_user,
	complaint_at,
	setup_people,
)

USERS = (HANDLER, HANDLER2, OTHER, SPEC, MGR, DEPT_MGR)


@pytest.fixture
def acknowledged():
	setup_people()
	return complaint_at("Acknowledged")


@pytest.fixture
def counted(monkeypatch):
	"""The SQL statements run while the fixture's list is open."""
	statements: list[str] = []
	sql = frappe.db.sql
	monkeypatch.setattr(
		frappe.db, "sql", lambda query, *a, **k: statements.append(str(query)) or sql(query, *a, **k)
	)
	return statements


def frappe_reads(user: str, name: str) -> bool:
	"""Frappe's own decision: the whole document loaded, every check of frappe.has_permission."""
	with as_user(user):
		return bool(frappe.has_permission("Complaint", "read", doc=frappe.get_doc("Complaint", name)))


def guard_reads(user: str, name: str) -> bool:
	with as_user(user):
		return target_guard.readable("Complaint", name)


def test_the_guard_decides_as_frappe_does_for_every_user(acknowledged):
	decisions = {user: guard_reads(user, acknowledged) for user in USERS}
	assert decisions == {user: frappe_reads(user, acknowledged) for user in USERS}
	assert decisions[HANDLER] and decisions[SPEC] and not decisions[OTHER]


def test_without_user_permissions_the_parent_row_alone_is_judged(acknowledged, counted):
	assert frappe.get_doc("Complaint", acknowledged).steps, "the complaint has steps"
	counted.clear()
	with as_user(HANDLER):
		doc = target_guard.document_to_judge("Complaint", acknowledged)
	assert doc.name == acknowledged and doc.department and doc.owner
	assert not doc.steps and not doc.replies
	assert counted == ["SELECT * FROM `tabComplaint` WHERE `name`=%(param1)s LIMIT 1"], (
		"one query, no child table"
	)


def test_a_child_rows_link_outside_the_users_permissions_refuses(acknowledged):
	"""With a User Permission the whole document is judged, child rows included, as Frappe does."""
	for field in ("specialist", "receiver", "approved_by", "contact_verified_by"):
		frappe.db.set_value("Complaint", acknowledged, field, None, update_modified=False)
	steps = frappe.get_all("Complaint Step", {"parent": acknowledged}, pluck="name")
	frappe.db.set_value("Complaint Step", steps[0], "done_by", SPEC, update_modified=False)
	assert guard_reads(HANDLER, acknowledged)
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": HANDLER,
			"allow": "User",
			"for_value": HANDLER,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)  # test fixture, as Administrator
	try:
		with as_user(HANDLER):
			doc = target_guard.document_to_judge("Complaint", acknowledged)
		assert len(doc.steps) == len(steps)
		assert not frappe_reads(HANDLER, acknowledged), "Frappe refuses it for the step's user"
		assert not guard_reads(HANDLER, acknowledged)
	finally:
		frappe.db.rollback()
		frappe.cache.hdel("user_permissions", HANDLER)


def test_another_apps_permission_hook_gets_the_whole_document(acknowledged, monkeypatch):
	get_hooks = frappe.get_hooks

	def with_foreign_hook(hook=None, *args, **kwargs):
		hooks = get_hooks(hook, *args, **kwargs)
		if hook == "has_permission":
			hooks = {**hooks, "*": [*hooks.get("*", []), "other_app.permissions.has_permission"]}
		return hooks

	monkeypatch.setattr(frappe, "get_hooks", with_foreign_hook)
	with as_user(HANDLER):
		doc = target_guard.document_to_judge("Complaint", acknowledged)
	assert doc.steps, "the whole document, as Frappe's own check loads it"


def test_a_name_that_is_not_stored_is_refused_unless_the_desk_made_it(acknowledged):
	assert not guard_reads(HANDLER, acknowledged + "-none")
	assert not guard_reads(OTHER, acknowledged + "-none")
	assert guard_reads(HANDLER, "new-complaint-1")
	assert guard_reads(HANDLER, acknowledged.lower()), "the collation's match, as Frappe loads it"
	assert not guard_reads(OTHER, acknowledged.lower())


@pytest.mark.parametrize("doctype", ["Audit Trail", "Permission Inspector"])
def test_a_single_protected_doctype_is_judged_the_way_frappe_loads_it(acknowledged, doctype):
	"""No row to read for a single (or virtual) doctype: the guard refuses it to a department user, no error."""
	with as_user(HANDLER):
		assert not target_guard.readable(doctype, doctype)
		assert not target_guard.readable(doctype, acknowledged)


def test_a_lists_own_tables_are_found_without_a_lookup(counted):
	fields = request_guard.Fields(frozenset({"Complaint"}))
	assert fields.doctype_named("tabcomplaint") == "Complaint"
	assert fields.doctype_named("tabCOMPLAINT") == "Complaint"
	assert fields.is_doctype("Complaint")
	assert fields.joined(["Complaint"]) >= {"Complaint", "Complaint Step", "Complaint Reply"}
	assert not [q for q in counted if "tabDocType" in q]
	# any other name is looked up in the database, in its collation
	assert fields.doctype_named("tabcomplaint step") == "Complaint Step"
	assert fields.doctype_named("tabno such doctype") is None
	assert fields.is_doctype("complaint reply") and not fields.is_doctype("Not A Doctype")
	assert len([q for q in counted if "tabDocType" in q]) == 4
