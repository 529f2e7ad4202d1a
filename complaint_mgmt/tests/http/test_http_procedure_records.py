"""The procedure's records over HTTP (issue 8, point 2): a reply, pause, escalation or step row of a complaint and
the transfer records are written only by the complaint's actions — REST on the child doctype or on the transfer
record is refused, even for one's own department or for the service center, and nothing changes."""

import frappe
import pytest

from complaint_mgmt.tests.http.probe import assert_refused, assert_unchanged, counts, snapshot


def first_row(doctype: str, complaint: str) -> str:
	frappe.db.rollback()
	return frappe.get_all(doctype, filters={"parent": complaint, "parenttype": "Complaint"}, pluck="name")[0]


def record_of(complaint: str) -> str:
	frappe.db.rollback()
	return frappe.get_all("Complaint Transfer Record", filters={"complaint": complaint}, pluck="name")[0]


CHILD_WRITES = [
	("PUT own reply", "handler_a", "Complaint Reply", {"content": "rewritten-ZQX"}),
	("PUT own step", "handler_a", "Complaint Step", {"note": "rewritten-ZQX"}),
	("PUT reply as specialist", "specialist", "Complaint Reply", {"content": "rewritten-ZQX"}),
]


@pytest.mark.parametrize("role,doctype,body", [pytest.param(r, d, b, id=i) for i, r, d, b in CHILD_WRITES])
def test_child_rows_are_not_written_directly(http, seed, role, doctype, body):
	before = snapshot("Complaint", seed.a_open)
	row = first_row(doctype, seed.a_open)
	assert_refused(http.as_(role).put_json(f"/api/resource/{doctype}/{row}", body))
	assert_unchanged(before, "Complaint", seed.a_open)


@pytest.mark.parametrize("role", ["handler_a", "specialist"])
def test_child_rows_are_not_deleted_directly(http, seed, role):
	before = snapshot("Complaint", seed.a_open)
	row = first_row("Complaint Reply", seed.a_open)
	assert_refused(http.as_(role).delete(f"/api/resource/Complaint Reply/{row}"))
	assert_unchanged(before, "Complaint", seed.a_open)


def test_a_transfer_record_is_not_edited_by_rest(http, seed):
	before = snapshot("Complaint", seed.a_open)
	record = record_of(seed.a_open)
	resp = http.as_("specialist").put_json(
		f"/api/resource/Complaint Transfer Record/{record}", {"acknowledged_on": None, "status": "Issued"}
	)
	assert_refused(resp)
	assert_unchanged(before, "Complaint", seed.a_open)


def test_a_transfer_record_is_not_made_by_rest(http, seed):
	before = counts()
	resp = http.as_("specialist").post_json(
		"/api/resource/Complaint Transfer Record",
		{"complaint": seed.a_open, "department": seed.dept_b, "status": "Acknowledged"},
	)
	assert_refused(resp)
	assert counts() == before
