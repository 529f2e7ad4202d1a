"""Shared setup of the API tests: people, departments and a helper to act as a user."""

from contextlib import contextmanager
from datetime import datetime, timedelta

import frappe
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt import api
from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user

SPEC = "cm3-spec@example.com"
MGR = "cm3-mgr@example.com"
HANDLER = "cm3-handler@example.com"
HANDLER2 = "cm3-handler2@example.com"
OTHER = "cm3-other@example.com"
DEPT_MGR = "cm3-deptmgr@example.com"
GM = "cm3-gm@example.com"
SALES, FINANCE = "Sales API3", "Finance API3"
GOOD_ACTION = "Check every part against the drawing at goods receipt"


def setup_people() -> frappe._dict:
	make_user(SPEC, "Complaint Specialist")
	make_user(MGR, "Complaint Manager")
	make_user(HANDLER, "Complaint Handler")
	make_user(HANDLER2, "Complaint Handler")
	make_user(OTHER, "Complaint Handler")
	make_user(DEPT_MGR, "Complaint Department Manager")
	make_user(GM, "Complaint Bulletin Approver")
	make_department(SALES, receivers=[(HANDLER, None, 1), (HANDLER2, "Delivery", 1)], manager=DEPT_MGR)
	make_department(FINANCE, receivers=[OTHER])
	return frappe._dict(sales=SALES, finance=FINANCE)


@contextmanager
def as_user(user: str):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		yield
	finally:
		frappe.set_user(previous)


def call(user: str, fn, *args, **kwargs) -> frappe._dict:
	with as_user(user):
		return frappe._dict(fn(*args, **kwargs))


def recent(value, before: datetime) -> bool:
	"""`value` was recorded between `before` and now."""
	return value is not None and before <= get_datetime(value) <= now_datetime() + timedelta(seconds=1)


def snapshot(name: str) -> dict:
	"""Every stored value of the complaint (to assert that a refused action changed nothing)."""
	doc = frappe.get_doc("Complaint", name).as_dict()
	for key in ("modified", "_assign", "_comments", "_liked_by"):
		doc.pop(key, None)
	return doc


def complaint_at(stage: str, **kw) -> str:
	"""A complaint of department SALES brought to `stage` through the API."""
	doc = make_complaint(**kw)
	steps = [
		("Transferred", lambda: call(SPEC, api.transfer, doc.name, SALES)),
		("Acknowledged", lambda: call(HANDLER, api.acknowledge, doc.name)),
		("Replied", lambda: call(HANDLER, api.reply, doc.name, "We are replacing the part.")),
		(
			"Close Requested",
			lambda: call(
				HANDLER, api.request_close, doc.name, "Part replaced", "Wrong part shipped", GOOD_ACTION
			),
		),
		("Return Visited", lambda: call(SPEC, api.record_return_visit, doc.name, True, "Happy")),
		("Closed", lambda: call(MGR, api.approve_close, doc.name)),
	]
	for status, step in steps:
		if stage == "Registered":
			break
		step()
		if status == stage:
			break
	return doc.name
