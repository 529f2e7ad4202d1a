"""My work over HTTP (issue 19 §1): a user's work lists only their own open ToDos on complaints they may read;
another department's user sees none of department B's complaints, not even through a ToDo assigned to them on
one; a guest is refused and a website user has no work."""

import re

import frappe
import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.probe import assert_no_leak, assert_refused, message

METHOD = "complaint_mgmt.api.my_work"


def b_markers(seed) -> dict[str, str]:
	"""Patterns (regular expressions) of department B's complaints."""
	texts = {
		"B open": seed.b_open,
		"B transferred": seed.b_transferred,
		"B customer": seeding.B_CUSTOMER,
		"B description": "Bdesc-ZQX",
		"B phone": seeding.B_PHONE,
	}
	return {label: re.escape(text) for label, text in texts.items()}


def items(resp) -> list[dict]:
	assert resp.status_code == 200, resp.text[:500]
	return message(resp)["items"]


@pytest.fixture
def todo_on_b(seed):
	"""A ToDo on B's complaint allocated to A's handler (Frappe lets an administrator assign anyone)."""
	frappe.db.rollback()
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": seed.users["handler_a"],
			"reference_type": "Complaint",
			"reference_name": seed.b_transferred,
			"description": "Look at " + seeding.B_CUSTOMER,
		}
	).insert(ignore_permissions=True)  # test setup as Administrator
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	yield todo.name
	frappe.db.rollback()
	frappe.delete_doc("ToDo", todo.name, force=True, ignore_permissions=True)  # test clean-up
	frappe.db.commit()  # nosemgrep


@pytest.mark.parametrize("role", ("handler_a", "deptmgr_a"))
def test_department_a_sees_none_of_b(http, seed, todo_on_b, role):
	sess = http.as_(role)
	for resp in (sess.method(METHOD), sess.get_method(METHOD)):
		listed = [i["reference_name"] for i in items(resp)]
		assert seed.b_open not in listed and seed.b_transferred not in listed
		assert_no_leak(resp, b_markers(seed), "my_work")


def test_own_open_todos_are_listed(http, seed):
	frappe.db.rollback()
	for role, complaint in (("handler_a", seed.a_open), ("handler_b", seed.b_transferred)):
		user = seed.users[role]
		own = frappe.get_all(
			"ToDo",
			filters={"allocated_to": user, "status": "Open", "reference_type": "Complaint"},
			pluck="reference_name",
		)
		listed = [i["reference_name"] for i in items(http.as_(role).method(METHOD))]
		assert complaint in listed
		assert set(listed) <= set(own)


@pytest.mark.parametrize("role", ("guest",))
def test_guest_is_refused(http, seed, role):
	resp = http.as_(role).method(METHOD)
	assert_refused(resp)
	assert_no_leak(resp, b_markers(seed), "my_work")


def test_a_website_user_has_no_work(http, seed):
	resp = http.as_("customer").method(METHOD)
	assert resp.status_code < 500
	if resp.status_code == 200:
		assert items(resp) == []
	assert_no_leak(resp, b_markers(seed), "my_work")
