"""The fault drills' invariant checker (benchmarks/cluster/invariants.py, issue 20 §5): none on a clean history
(a transfer, a breach swept into its notice, a monthly repeat), and each kind found once it is injected (in the
test's transaction, rolled back)."""

from datetime import datetime, timedelta

import frappe
import pytest

from benchmarks.cluster.invariants import invariant_violations, snapshot
from complaint_mgmt import api
from complaint_mgmt.engine import deadlines
from complaint_mgmt.tests.site.api_setup import SALES, SPEC, call, setup_people
from complaint_mgmt.tests.site.factories import make_complaint

R = datetime(2026, 1, 5, 9, 0)
SWEPT = R + timedelta(hours=4, minutes=1)  # the transfer clock (General: 4 h) has breached


@pytest.fixture
def complaint():
	"""A complaint transferred (one step, one record) and left unacknowledged until its transfer breach was
	swept into a notice."""
	setup_people()
	doc = make_complaint(received_on=R)
	call(SPEC, api.transfer, doc.name, SALES, note="Please call the customer")
	deadlines.run_sweep(now=SWEPT)
	return frappe.get_doc("Complaint", doc.name)


def kinds(name: str, **kw) -> list[tuple[str, str]]:
	return sorted((v["kind"], v["name"].split("/")[0]) for v in invariant_violations(prefix=name, **kw))


def test_clean_history_has_no_violation(complaint):
	assert complaint.transfer_breached == 1
	assert frappe.db.count("Complaint Penalty Notice", {"complaint": complaint.name, "docstatus": 1}) == 1
	assert (
		invariant_violations(prefix=complaint.name, before=snapshot(prefix=complaint.name), settled_by=SWEPT)
		== []
	)


def test_a_second_notice_for_one_breach_is_a_duplicate(complaint):
	notice = frappe.get_last_doc("Complaint Penalty Notice", filters={"complaint": complaint.name})
	copy = frappe.copy_doc(notice)
	copy.breach_key = f"{notice.breach_key}-copy"  # the unique key would refuse an exact copy
	copy.flags.ignore_permissions = True  # the test plays a broken writer
	copy.db_insert()
	frappe.db.set_value("Complaint Penalty Notice", copy.name, "docstatus", 1)
	assert kinds(complaint.name) == [("duplicate_notice", complaint.name)]


def test_a_breach_without_its_notice_is_missing(complaint):
	frappe.db.set_value("Complaint", complaint.name, "first_reply_breached", 1, update_modified=False)
	found = kinds(complaint.name)
	assert ("missing_notice", complaint.name) in found


def test_a_notice_whose_breach_is_not_recorded_is_an_orphan(complaint):
	frappe.db.set_value("Complaint", complaint.name, "transfer_breached", 0, update_modified=False)
	assert ("orphan_notice", complaint.name) in kinds(complaint.name)


def test_a_stored_deadline_the_procedure_does_not_compute_is_stale(complaint):
	wrong = complaint.close_due + timedelta(hours=5)
	frappe.db.set_value("Complaint", complaint.name, "close_due", wrong, update_modified=False)
	found = invariant_violations(prefix=complaint.name)
	assert [(v["kind"], v["name"]) for v in found] == [("stale_deadlines", complaint.name)]
	assert "close_due" in found[0]["detail"]


def test_a_due_event_left_unhandled_is_unswept(complaint):
	later = R + timedelta(hours=80)  # the closing deadline (72 h) has passed, no sweep ran since
	assert kinds(complaint.name, settled_by=later) == [("unswept", complaint.name)]


def test_a_record_step_or_reply_gone_is_lost(complaint):
	before = snapshot(prefix=complaint.name)
	assert len(before["transfer_records"]) == 1 and len(before["steps"]) == 1
	frappe.db.delete("Complaint Step", {"parent": complaint.name})
	found = kinds(complaint.name, before=before)
	assert ("lost_record", before["steps"][0]) in found


def test_a_step_without_its_status_change_is_half_written(complaint):
	frappe.db.set_value("Complaint", complaint.name, "status", "Registered", update_modified=False)
	assert ("half_written", complaint.name) in kinds(complaint.name)


def test_a_transfer_without_its_record_is_half_written(complaint):
	frappe.db.delete("Complaint Transfer Record", {"complaint": complaint.name})
	assert kinds(complaint.name) == [("half_written", complaint.name)]
