"""Finance and the general manager over HTTP (issue 19 §6): the GM's overview answers the Complaint Bulletin
Approver (without the customers' contact data) and refuses everyone else with a 403, department users and the
penalty executor included; the bulk execution and the undo refuse the roles that do not execute penalties and
write nothing."""

import re

import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.probe import PHONE_PATTERNS, assert_refused, exc_type

OVERVIEW = "complaint_mgmt.outputs.gm_overview.get_overview"
BULK = "complaint_mgmt.outputs.execution.mark_notices_executed"
UNDO = "complaint_mgmt.outputs.execution.undo_execution"
NOTICE = "Complaint Penalty Notice"


@pytest.mark.parametrize("role", ["handler_a", "deptmgr_a", "executor", "specialist", "manager", "customer"])
def test_the_overview_is_refused_to_everyone_but_the_gm(http, role):
	resp = http.as_(role).get_method(OVERVIEW)
	assert resp.status_code == 403, (role, resp.status_code, resp.text[:300])
	assert_refused(resp)
	assert seeding.DEPT_B not in resp.text and "Bcustomer-ZQX" not in resp.text


def test_the_guest_gets_no_overview(http):
	resp = http.as_("guest").get_method(OVERVIEW)
	assert resp.status_code == 403 and seeding.DEPT_B not in resp.text


def test_the_gm_reads_the_overview_without_contact_data(http):
	resp = http.as_("approver").get_method(OVERVIEW)
	assert resp.status_code == 200, resp.text[:500]
	data = resp.json()["message"]
	departments = {row["department"] for row in data["departments"]}
	assert {seeding.DEPT_A, seeding.DEPT_B} <= departments
	assert len(data["trend"]["weeks"]) == 12
	assert not any(re.search(pattern, resp.text) for pattern in PHONE_PATTERNS)
	assert "bmail-zqx" not in resp.text


@pytest.mark.parametrize("role", ["handler_a", "deptmgr_a", "approver", "manager", "customer"])
def test_bulk_execution_and_undo_are_refused_to_non_executors(http, seed, db, role):
	before = db.get_value(NOTICE, seed.a_notice, ["executed", "modified"], as_dict=True)
	sess = http.as_(role)
	for resp in (
		sess.method(BULK, notices=[seed.a_notice]),
		sess.method(UNDO, notice=seed.a_notice, reason="wrong"),
	):
		assert_refused(resp)
		assert exc_type(resp) == "PermissionError" or resp.status_code == 403
	db.rollback()
	assert db.get_value(NOTICE, seed.a_notice, ["executed", "modified"], as_dict=True) == before


def test_bulk_execution_of_a_notice_under_appeal_is_refused_whole(http, seed, db):
	"""Department B's notice is under appeal: the executor's bulk request naming it with A's is refused as a
	whole, with a message naming it, and neither notice is executed (whatever A's own state)."""
	resp = http.as_("executor").method(BULK, notices=[seed.a_notice, seed.b_notice])
	assert_refused(resp)
	assert seed.b_notice in resp.text and "under appeal" in resp.text
	db.rollback()
	assert db.get_value(NOTICE, seed.a_notice, "executed") == 0
	assert db.get_value(NOTICE, seed.b_notice, "executed") == 0
