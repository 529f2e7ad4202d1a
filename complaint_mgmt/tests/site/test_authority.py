"""Compensation authority (spec §6, issue 9 item 4): the seeded 50 / 200 / 2,000 / above matrix, approval by
the tier's role through api.approve_close with the Workflow active, higher roles approving smaller amounts, a
role added in the settings approving at once, and clear refusals."""

import frappe
import pytest

from complaint_mgmt import api
from complaint_mgmt.loop.workflow import WORKFLOW_NAME
from complaint_mgmt.setup import seed
from complaint_mgmt.tests.site.api_setup import (
	GOOD_ACTION,
	HANDLER,
	MGR,
	SPEC,
	call,
	complaint_at,
	setup_people,
	snapshot,
)
from complaint_mgmt.tests.site.factories import make_user

FD, DSM, SM, VP = (role for _amount, role in seed.COMPENSATION_TIERS)
APPROVERS = {role: f"cm-tier-{i}@example.com" for i, role in enumerate((FD, DSM, SM, VP))}
NEW_ROLE = "CM Test Regional Director"


def forget_workflow_cache() -> None:
	frappe.cache.hdel("workflow", "Complaint")
	frappe.clear_document_cache("Workflow", WORKFLOW_NAME)
	frappe.clear_cache(doctype="Complaint")


@pytest.fixture(autouse=True)
def people():
	forget_workflow_cache()
	setup_people()  # the approvers are session users (factories.TEST_USERS)
	set_tiers(seed.COMPENSATION_TIERS)  # the spec's matrix, whatever the site's settings
	yield
	frappe.db.rollback()
	forget_workflow_cache()


def set_tiers(tiers) -> None:
	settings = frappe.get_single("Complaint Settings")
	settings.set("compensation_tiers", [{"up_to_amount": a, "approver_role": r} for a, r in tiers])
	settings.save()
	frappe.clear_document_cache("Complaint Settings", "Complaint Settings")
	forget_workflow_cache()


def awaiting_approval(amount: float) -> str:
	name = complaint_at("Replied")
	call(HANDLER, api.request_close, name, "Refunded", "Price label wrong", GOOD_ACTION, amount)
	call(SPEC, api.record_return_visit, name, True)
	return name


def approve_close_roles() -> set[str]:
	workflow = frappe.get_doc("Workflow", WORKFLOW_NAME)
	return {t.allowed for t in workflow.transitions if t.action == "Approve Close"}


def test_the_spec_matrix_is_seeded_with_its_roles():
	assert [role for _amount, role in seed.COMPENSATION_TIERS] == [
		"Complaint Front Desk Manager",
		"Complaint Deputy Store Manager",
		"Complaint Store Manager",
		"Complaint Vice President",
	]
	assert [amount for amount, _role in seed.COMPENSATION_TIERS] == [50, 200, 2000, 0]  # 0: no ceiling
	for role in (FD, DSM, SM, VP):
		assert frappe.db.exists("Role", role) and role in seed.ROLES
	assert {FD, DSM, SM, VP, "Complaint Manager"} <= approve_close_roles()


@pytest.mark.parametrize(
	("amount", "role"), [(30, FD), (50, FD), (150, DSM), (2000, SM), (2000.5, VP), (250000, VP)]
)
def test_the_tier_role_approves_with_the_workflow_active(amount, role):
	assert frappe.get_meta("Complaint").get_workflow() == WORKFLOW_NAME
	name = awaiting_approval(amount)
	doc = call(APPROVERS[role], api.approve_close, name)
	assert (doc.status, doc.approved_by) == ("Closed", APPROVERS[role])


@pytest.mark.parametrize(("amount", "role"), [(30, DSM), (30, VP), (150, SM), (1500, VP)])
def test_a_higher_tier_role_approves_a_smaller_amount(amount, role):
	name = awaiting_approval(amount)
	assert call(APPROVERS[role], api.approve_close, name).status == "Closed"


@pytest.mark.parametrize(
	("amount", "user", "needed"),
	[(150, FD, DSM), (2500, SM, VP), (60, FD, DSM), (30, "manager", FD)],
)
def test_a_lower_tier_role_is_refused_with_the_needed_role(amount, user, needed):
	name = awaiting_approval(amount)
	before = snapshot(name)
	with pytest.raises(
		frappe.PermissionError, match=f"Approve Close needs (the role|one of the roles) {needed}"
	):
		call(MGR if user == "manager" else APPROVERS[user], api.approve_close, name)
	assert snapshot(name) == before


def test_no_compensation_is_approved_by_the_complaint_manager_only():
	name = awaiting_approval(0)
	with pytest.raises(frappe.PermissionError, match="needs the role Complaint Manager"):
		call(APPROVERS[VP], api.approve_close, name)
	assert call(MGR, api.approve_close, name).approved_by == MGR


def test_above_every_ceiling_without_an_open_tier_has_no_approver():
	set_tiers(seed.COMPENSATION_TIERS[:3])
	name = awaiting_approval(5000)
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match="above the highest ceiling"):
		call(APPROVERS[SM], api.approve_close, name)
	assert snapshot(name) == before


def test_a_role_added_in_the_settings_can_approve_at_once():
	if not frappe.db.exists("Role", NEW_ROLE):
		frappe.get_doc({"doctype": "Role", "role_name": NEW_ROLE, "desk_access": 1}).insert()
	# a specialist reads every complaint but is no approver: only the new tier role can let her approve
	user = make_user("cm-tier-new@example.com", "Complaint Specialist", NEW_ROLE)
	assert NEW_ROLE not in approve_close_roles()
	set_tiers([*seed.COMPENSATION_TIERS[:3], (0, NEW_ROLE)])
	assert NEW_ROLE in approve_close_roles()  # added to the Workflow on save
	name = awaiting_approval(9000)
	assert call(user, api.approve_close, name).approved_by == user


def test_desk_shows_the_approve_button_to_the_tier_role():
	from frappe.model.workflow import get_transitions

	name = awaiting_approval(150)
	frappe.set_user(APPROVERS[DSM])
	try:
		assert "Approve Close" in {t.action for t in get_transitions(frappe.get_doc("Complaint", name))}
	finally:
		frappe.set_user("Administrator")


# Issue 17 item 7: what the desk offers a tier approver is what the API accepts ---------------------------------


def offered(user: str, name: str) -> set[str]:
	"""The Actions menu of the form: Frappe's own get_transitions (the desk calls it), as `user`."""
	from frappe.model.workflow import get_transitions

	frappe.set_user(user)
	try:
		return {t.action for t in get_transitions(frappe.get_doc("Complaint", name))}
	finally:
		frappe.set_user("Administrator")


def accepted(user: str, name: str, action: str) -> bool:
	"""Whether the API lets `user` take `action` (tried in a savepoint, undone)."""
	frappe.db.savepoint("cm_try_action")
	try:
		if action == "Approve Close":
			call(user, api.approve_close, name)
		else:
			call(user, api.reject_closure, name, "The corrective action is not the real one")
		return True
	except frappe.PermissionError:
		return False
	finally:
		frappe.db.rollback(save_point="cm_try_action")


@pytest.mark.parametrize("amount", [0, 30, 150, 2500])
def test_the_actions_menu_offers_exactly_what_the_api_accepts(amount):
	name = awaiting_approval(amount)
	users = {**APPROVERS, "Complaint Manager": MGR, "Complaint Specialist": SPEC}
	for role, user in users.items():
		menu = offered(user, name)
		for action in ("Approve Close", "Reject Closure"):
			assert (action in menu) == accepted(user, name, action), (role, amount, action, menu)
	assert frappe.db.get_value("Complaint", name, "status") == "Return Visited"


def test_a_lower_tier_approver_is_not_offered_to_reject():
	name = awaiting_approval(150)  # Deputy Store Manager's tier and above
	assert not {"Approve Close", "Reject Closure"} & offered(APPROVERS[FD], name)
	assert {"Approve Close", "Reject Closure"} <= offered(APPROVERS[DSM], name)
	assert {"Approve Close", "Reject Closure"} <= offered(APPROVERS[VP], name)
	assert not {"Approve Close", "Reject Closure"} & offered(MGR, name)  # no tier of its own


def test_the_menu_follows_a_change_of_the_tiers():
	name = awaiting_approval(150)
	assert "Reject Closure" not in offered(APPROVERS[FD], name)
	set_tiers([(500, FD), (0, VP)])
	assert {"Approve Close", "Reject Closure"} <= offered(APPROVERS[FD], name)
	assert "Reject Closure" not in offered(APPROVERS[DSM], name)  # no tier any more
	assert accepted(APPROVERS[FD], name, "Reject Closure")
	assert not accepted(APPROVERS[DSM], name, "Reject Closure")


# Issue 17 item 7: a role put into a tier can open the complaint it must approve --------------------------------


def new_tier_role(role: str = NEW_ROLE, **values) -> str:
	if not frappe.db.exists("Role", role):
		frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1, **values}).insert()
	return role


def test_a_new_tier_role_alone_can_open_and_approve_its_complaint():
	new_tier_role()
	user = make_user("cm-tier-only@example.com", NEW_ROLE)  # no other complaint role at all
	set_tiers([*seed.COMPENSATION_TIERS[:3], (0, NEW_ROLE)])
	name = awaiting_approval(9000)
	frappe.set_user(user)
	try:
		doc = frappe.get_doc("Complaint", name)
		assert doc.has_permission("read")
		assert not doc.has_permission("write")  # like the seeded tier roles: read, print, report, export
		assert frappe.get_list("Complaint", filters={"name": name}, pluck="name") == [name]
	finally:
		frappe.set_user("Administrator")
	assert {"Approve Close", "Reject Closure"} <= offered(user, name)
	result = call(user, api.approve_close, name)
	assert (result.status, result.approved_by) == ("Closed", user)
	assert "contact_phone" not in result and "contact_email" not in result  # level 1 stays out of reach


def test_a_new_tier_role_gets_what_the_seeded_tier_roles_have():
	new_tier_role()
	set_tiers([*seed.COMPENSATION_TIERS[:3], (0, NEW_ROLE)])
	perms = frappe.get_meta("Complaint").permissions
	rights = ("read", "write", "create", "delete", "submit", "print", "report", "export", "email", "share")

	def of(role):
		return [(p.permlevel, {r: p.get(r) or 0 for r in rights}) for p in perms if p.role == role]

	assert (
		of(NEW_ROLE) == of(VP) == [(0, {r: int(r in ("read", "print", "report", "export")) for r in rights})]
	)
	for role in ("Complaint Manager", "Complaint Handler", "Complaint Specialist"):
		assert of(role), role  # the standard rules are kept beside the new one


@pytest.mark.parametrize(
	("role", "match"),
	[
		("All", "every user"),
		("Guest", "every user"),
		("Complaint Handler", "department role"),
		("CM Test No Desk Role", "no desk access"),
	],
)
def test_a_role_that_cannot_approve_is_refused_with_what_is_missing(role, match):
	if role == "CM Test No Desk Role":
		new_tier_role(role, desk_access=0)

	def tiers():
		return [
			(t.up_to_amount, t.approver_role)
			for t in frappe.get_single("Complaint Settings").compensation_tiers
		]

	before, rules = tiers(), frappe.db.count("Custom DocPerm", {"parent": "Complaint"})
	with pytest.raises(frappe.ValidationError, match=match):
		set_tiers([*seed.COMPENSATION_TIERS[:3], (0, role)])
	assert tiers() == before
	assert frappe.db.count("Custom DocPerm", {"parent": "Complaint"}) == rules  # no rule given to anyone
	assert role not in approve_close_roles()


def test_a_role_saved_in_the_tiers_before_the_check_does_not_stop_a_save_and_gets_nothing():
	from complaint_mgmt.loop import tier_roles

	top = frappe.get_single("Complaint Settings").compensation_tiers[-1]
	frappe.db.set_value("Complaint Compensation Tier", top.name, "approver_role", "All")  # an earlier choice
	frappe.clear_document_cache("Complaint Settings", "Complaint Settings")
	rules = frappe.db.count("Custom DocPerm", {"parent": "Complaint"})
	settings = frappe.get_single("Complaint Settings")
	settings.warning_percent = 75
	settings.save()  # e.g. a migrate that saves the settings: not stranded on it
	assert frappe.db.get_single_value("Complaint Settings", "warning_percent") == 75
	assert frappe.db.count("Custom DocPerm", {"parent": "Complaint"}) == rules
	assert not tier_roles.reads_complaints("All")  # never every user's: complaints stay closed to them
