"""The Workflow "Complaint Procedure": seeded from the transition table, its roles used by the API, and the
procedure still consistent when an administrator deactivates it."""

import frappe
import pytest
from frappe.cache_manager import clear_defaults_cache
from frappe.model.workflow import get_transitions

from complaint_mgmt import api
from complaint_mgmt.loop.workflow import (
	OFFERED_KEY,
	WORKFLOW_NAME,
	make_workflow,
	transition_key,
	transition_rows,
)
from complaint_mgmt.procedure import transitions
from complaint_mgmt.procedure.transitions import STATUSES
from complaint_mgmt.tests.site.api_setup import (
	GOOD_ACTION,
	HANDLER,
	MGR,
	SALES,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
	snapshot,
)


def forget_workflow_cache() -> None:
	frappe.cache.hdel("workflow", "Complaint")
	frappe.clear_document_cache("Workflow", WORKFLOW_NAME)
	frappe.clear_cache(doctype="Complaint")


@pytest.fixture(autouse=True)
def people():
	forget_workflow_cache()
	yield setup_people()
	frappe.db.rollback()
	forget_workflow_cache()  # the rollback restores the workflow row, the cache must follow


def workflow():
	return frappe.get_doc("Workflow", WORKFLOW_NAME)


def edit_workflow(change) -> None:
	doc = workflow()
	change(doc)
	doc.save()
	forget_workflow_cache()


def test_seeded_workflow_matches_the_transition_table():
	doc = workflow()
	assert (doc.document_type, doc.workflow_state_field, doc.is_active) == ("Complaint", "status", 1)
	assert doc.override_status == 1  # the list's stage colours (complaint_list.js), not the states' styles
	assert doc.states[0].state == "Registered"
	assert {s.state for s in doc.states} == set(STATUSES)
	assert {s.doc_status for s in doc.states} == {"0"}
	seeded = {(t.state, t.action, t.next_state) for t in doc.transitions}
	assert seeded == {(t.state, t.action, t.next_state) for t in transitions.TRANSITIONS}
	approvers = {t.allowed for t in doc.transitions if t.action == "Approve Close"}
	tiers = frappe.get_single("Complaint Settings").compensation_tiers
	assert {"Complaint Manager", *(t.approver_role for t in tiers)} <= approvers  # one per compensation tier
	assert all(t.allow_self_approval for t in doc.transitions)  # the specialist who registered may transfer
	for state in STATUSES:
		assert frappe.db.exists("Workflow State", state)
	for action in {t.action for t in transitions.TRANSITIONS}:
		assert frappe.db.exists("Workflow Action Master", action)


def test_seeding_is_idempotent_and_keeps_admin_changes():
	edit_workflow(lambda d: d.set("transitions", [t for t in d.transitions if t.action != "Pause"]))
	rows = len(workflow().transitions)
	make_workflow()
	make_workflow()
	assert len(workflow().transitions) == rows
	assert frappe.db.count("Workflow", {"document_type": "Complaint"}) == 1


def test_settings_saved_by_a_patch_bring_what_the_workflow_rows_name():
	"""Issue 17: a site of the first release has no "Reject Closure" (action, transitions, offered key); the patch
	spec_authority_matrix saves the settings before after_migrate seeds the workflow. The settings' sync brings
	the action first (it failed with "Could not find ... Action: Reject Closure"), and after_migrate then adds
	no row twice."""
	edit_workflow(lambda d: d.set("transitions", [t for t in d.transitions if t.action != "Reject Closure"]))
	frappe.db.delete("Workflow Action Master", {"name": "Reject Closure"})
	frappe.db.delete("DefaultValue", {"defkey": OFFERED_KEY})
	clear_defaults_cache("__default")
	try:
		frappe.get_single("Complaint Settings").save()  # what the patch does, before after_migrate
		forget_workflow_cache()
		assert frappe.db.exists("Workflow Action Master", "Reject Closure")
		make_workflow()  # after_migrate
		rows = [transition_key(t) for t in workflow().transitions]
		assert len(rows) == len(set(rows))
		wanted = {transition_key(r) for r in transition_rows() if r["action"] == "Reject Closure"}
		assert wanted and wanted <= set(rows)
	finally:
		frappe.db.rollback()
		clear_defaults_cache("__default")


def test_desk_buttons_follow_roles_and_state():
	name = complaint_at("Registered")
	with as_user(SPEC):
		assert [t.action for t in get_transitions(frappe.get_doc("Complaint", name))] == ["Transfer", "Pause"]
	call(SPEC, api.transfer, name, SALES)
	with as_user(HANDLER):
		actions = {t.action for t in get_transitions(frappe.get_doc("Complaint", name))}
	assert actions == {"Acknowledge", "Pause"}


def test_resume_button_goes_back_to_the_state_before_the_pause():
	name = complaint_at("Acknowledged")
	call(HANDLER, api.pause, name, "Customer abroad")
	with as_user(SPEC):
		rows = get_transitions(frappe.get_doc("Complaint", name))
	assert [(t.action, t.next_state) for t in rows if t.allowed == "Complaint Specialist"] == [
		("Resume", "Acknowledged")
	]


def test_api_uses_the_roles_set_in_the_workflow():
	def only_manager_transfers(doc):
		doc.set(
			"transitions",
			[
				t
				for t in doc.transitions
				if not (t.action == "Transfer" and t.allowed == "Complaint Specialist")
			],
		)

	edit_workflow(only_manager_transfers)
	name = complaint_at("Registered")
	before = snapshot(name)
	with pytest.raises(frappe.PermissionError):
		call(SPEC, api.transfer, name, SALES)
	assert snapshot(name) == before
	assert call(MGR, api.transfer, name, SALES).status == "Transferred"


def test_action_missing_in_the_workflow_is_refused():
	edit_workflow(lambda d: d.set("transitions", [t for t in d.transitions if t.action != "Acknowledge"]))
	name = complaint_at("Transferred")
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match="has no action"):
		call(HANDLER, api.acknowledge, name)
	assert snapshot(name) == before


def test_deactivated_workflow_keeps_the_procedure_consistent():
	def strip(doc):
		doc.is_active = 0
		doc.set("transitions", [t for t in doc.transitions if t.action != "Transfer"])

	edit_workflow(strip)
	assert not frappe.get_meta("Complaint").get_workflow()
	name = complaint_at("Closed")  # the whole loop, roles from the transition table
	doc = frappe.get_doc("Complaint", name)
	assert (doc.status, doc.closure_type) == ("Closed", "First Closure")
	other = complaint_at("Transferred")
	before = snapshot(other)
	with pytest.raises(frappe.ValidationError, match="not possible"):
		call(HANDLER, api.request_close, other, "Done", "Cause", GOOD_ACTION)
	with pytest.raises(frappe.PermissionError):
		call(HANDLER, api.transfer, other, SALES)  # handlers never transfer
	assert snapshot(other) == before
	assert call(SPEC, api.transfer, other, SALES).status == "Transferred"
