"""Wrong order, wrong user, bad input: a clear error and nothing changed; tier-based approval."""

import frappe
import pytest
from frappe.model.workflow import apply_workflow

from complaint_mgmt import api
from complaint_mgmt.tests.site.api_setup import (
	FINANCE,
	GOOD_ACTION,
	HANDLER,
	MGR,
	OTHER,
	SALES,
	SPEC,
	call,
	complaint_at,
	setup_people,
	snapshot,
)
from complaint_mgmt.tests.site.factories import make_complaint, make_department


@pytest.fixture(autouse=True)
def people():
	return setup_people()


def counts() -> tuple[int, int, int]:
	return (
		frappe.db.count("Complaint Transfer Record"),
		frappe.db.count("ToDo"),
		frappe.db.count("Notification Log"),
	)


def refused(user, error, fn, name, *args, match=None, **kwargs):
	"""Call as `user`, expect `error`, and check that nothing was written."""
	before, before_counts = snapshot(name), counts()
	with pytest.raises(error, match=match):
		call(user, fn, name, *args, **kwargs)
	assert snapshot(name) == before
	assert counts() == before_counts


CLOSE_ARGS = ("Part replaced", "Wrong part shipped", GOOD_ACTION)

WRONG_ORDER = [
	(
		"Registered",
		"Administrator",
		api.acknowledge,
		(),
	),  # acknowledge before transfer (handlers can't see it)
	("Registered", "Administrator", api.reply, ("Hello",)),
	("Transferred", HANDLER, api.reply, ("Hello",)),  # reply before acknowledge
	("Acknowledged", HANDLER, api.request_close, CLOSE_ARGS),  # close request before any reply
	("Replied", SPEC, api.record_return_visit, (True,)),  # return visit before a close request
	("Close Requested", MGR, api.approve_close, ()),  # approve without return visit
	("Replied", MGR, api.approve_close, ()),
	("Replied", SPEC, api.approve_deferral, ("Watch",)),  # approve a deferral nobody asked for
	("Transferred", HANDLER, api.request_deferral, ("Later",)),
	("Close Requested", SPEC, api.transfer, (FINANCE,)),
	("Closed", SPEC, api.transfer, (FINANCE,)),
	("Closed", HANDLER, api.reply, ("Hello",)),
	("Closed", SPEC, api.pause, ("Holiday",)),
	("Replied", SPEC, api.resume, ()),
	("Transferred", HANDLER, api.acknowledge, ()),  # twice: the second is out of order
]


@pytest.mark.parametrize(("stage", "user", "fn", "args"), WRONG_ORDER)
def test_wrong_order_is_refused_and_changes_nothing(stage, user, fn, args):
	name = complaint_at(stage)
	if fn is api.acknowledge and stage == "Transferred":
		call(HANDLER, api.acknowledge, name)
	refused(user, frappe.ValidationError, fn, name, *args, match="not possible|unknown")


@pytest.mark.parametrize(
	("stage", "user", "fn", "args"),
	[
		("Registered", HANDLER, api.transfer, (SALES,)),  # handlers do not transfer
		("Transferred", SPEC, api.acknowledge, ()),  # not a department member
		("Transferred", OTHER, api.acknowledge, ()),  # a handler of another department
		("Acknowledged", OTHER, api.reply, ("Hello",)),
		("Acknowledged", SPEC, api.reply, ("Hello",)),
		("Replied", SPEC, api.request_close, CLOSE_ARGS),
		("Close Requested", HANDLER, api.record_return_visit, (True,)),
		("Return Visited", SPEC, api.approve_close, ()),  # no compensation: the Complaint Manager approves
		("Return Visited", HANDLER, api.approve_close, ()),
		("Replied", OTHER, api.request_deferral, ("Later",)),
	],
)
def test_wrong_user_is_refused(stage, user, fn, args):
	name = complaint_at(stage)
	refused(user, frappe.PermissionError, fn, name, *args)


def test_handler_cannot_acknowledge_a_transfer_of_another_department():
	make_department("Delivery API3", members=[OTHER])  # OTHER belongs to two departments
	name = complaint_at("Transferred")
	refused(OTHER, frappe.PermissionError, api.acknowledge, name)


def close_requested_with(amount: float) -> str:
	name = complaint_at("Replied")
	call(HANDLER, api.request_close, name, *CLOSE_ARGS, compensation_amount=amount)
	call(SPEC, api.record_return_visit, name, True)
	return name


STORE_MANAGER, VICE_PRESIDENT = "cm-tier-2@example.com", "cm-tier-3@example.com"  # factories.TEST_USERS


def test_tier_approval_store_manager_up_to_its_ceiling():
	name = close_requested_with(2000)
	refused(MGR, frappe.PermissionError, api.approve_close, name, match="Complaint Store Manager")
	assert call(STORE_MANAGER, api.approve_close, name).approved_by == STORE_MANAGER


def test_tier_approval_above_every_ceiling_needs_the_open_tier():
	name = close_requested_with(5000)
	refused(STORE_MANAGER, frappe.PermissionError, api.approve_close, name, match="Complaint Vice President")
	doc = call(VICE_PRESIDENT, api.approve_close, name)  # the approver only reads complaints otherwise
	assert (doc.status, doc.approved_by) == ("Closed", VICE_PRESIDENT)


@pytest.mark.parametrize(
	("args", "match"),
	[
		(("", "Wrong part", GOOD_ACTION), "resolution"),
		(("Replaced", "", GOOD_ACTION), "root cause"),
		(("Replaced", "Wrong part", ""), "vague"),
		(("Replaced", "Wrong part", "training"), "vague"),
		(("Replaced", "Wrong part", "加强培训"), "vague"),
		(("Replaced", "Wrong part", "加强培训，加强检查"), "generic measures"),
		(("Replaced", "Wrong part", "加强管理、加强培训"), "generic measures"),
		(("Replaced", "Wrong part", "Strengthen staff training"), "generic measures"),
	],
)
def test_vague_close_request_is_refused(args, match):
	name = complaint_at("Replied")
	refused(HANDLER, frappe.ValidationError, api.request_close, name, *args, match=match)


def test_negative_compensation_is_refused():
	name = complaint_at("Replied")
	refused(
		HANDLER,
		frappe.ValidationError,
		api.request_close,
		name,
		*CLOSE_ARGS,
		compensation_amount=-5,
		match="negative",
	)


@pytest.mark.parametrize(
	("stage", "user", "fn", "args", "match"),
	[
		("Acknowledged", HANDLER, api.reply, ("  ",), "text"),
		("Replied", HANDLER, api.request_deferral, ("",), "reason"),
		("Deferral Requested", SPEC, api.approve_deferral, ("Ignore",), "Watch or Monitor"),
		("Replied", HANDLER, api.pause, ("",), "reason"),
		("Registered", SPEC, api.transfer, ("No Such Department",), "not found"),
	],
)
def test_bad_input_is_refused(stage, user, fn, args, match):
	if stage == "Deferral Requested":
		name = complaint_at("Replied")
		call(HANDLER, api.request_deferral, name, "Later")
	else:
		name = complaint_at(stage)
	refused(user, frappe.ValidationError, fn, name, *args, match=match)


def test_department_without_receiver_is_refused():
	make_department("Empty API3")
	name = complaint_at("Registered")
	refused(SPEC, frappe.ValidationError, api.transfer, name, "Empty API3", match="no designated receiver")


def test_raw_apply_workflow_is_refused():
	name = complaint_at("Registered")
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match="actions"):
		apply_workflow(frappe.get_doc("Complaint", name), "Transfer")
	assert snapshot(name) == before


def test_editing_status_directly_is_refused():
	name = complaint_at("Transferred")
	doc = frappe.get_doc("Complaint", name)
	doc.status = "Closed"
	with pytest.raises(frappe.ValidationError):
		doc.save()
	assert frappe.db.get_value("Complaint", name, "status") == "Transferred"


def test_unknown_complaint():
	"""Refused like another department's complaint (no name oracle: tests/http/test_http_names_and_contacts)."""
	with pytest.raises(frappe.PermissionError, match="or it does not exist"):
		call(SPEC, api.acknowledge, "CMP-NOPE")


def test_guest_is_refused():
	name = make_complaint().name
	refused("Guest", frappe.PermissionError, api.transfer, name, SALES)
