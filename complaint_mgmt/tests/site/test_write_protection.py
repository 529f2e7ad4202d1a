"""What drives the clocks and the penalties changes only through the actions (issue 8, point 2), shares never
reach past the department rule, no contact data in version diffs or action results (point 3)."""

import json
from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt import api
from complaint_mgmt.security import privacy
from complaint_mgmt.tests.site.api_setup import (
	HANDLER,
	OTHER,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
	snapshot,
)
from complaint_mgmt.tests.site.factories import make_user

GM_PRIVACY = "cm-gm-privacy@example.com"


@pytest.fixture(autouse=True)
def people():
	return setup_people()


def plain_save_as(user: str, name: str, **values):
	with as_user(user):
		doc = frappe.get_doc("Complaint", name)
		doc.update(values)
		doc.save()


@pytest.mark.parametrize(
	"field, value",
	[
		("grade", "Medium"),
		("received_on", timedelta(minutes=-1)),
		("category", "Delivery"),
		("channel", "Walk-in"),
		("close_warned", 1),
		("transfer_due", timedelta(days=30)),
		("next_check_at", timedelta(days=300)),
		("status_before_pause", "Replied"),
	],
)
def test_department_cannot_rewrite_what_drives_its_clocks(field, value):
	name = complaint_at("Replied")
	before = snapshot(name)
	if isinstance(value, timedelta):
		value = now_datetime() + value
	with pytest.raises(frappe.ValidationError):
		plain_save_as(HANDLER, name, **{field: value})
	assert snapshot(name) == before


def test_child_tables_are_append_only_through_the_actions():
	name = complaint_at("Replied")
	before = snapshot(name)
	with as_user(HANDLER):
		doc = frappe.get_doc("Complaint", name)
		doc.append("pauses", {"paused_on": now_datetime() - timedelta(hours=5), "reason": "fake"})
		with pytest.raises(frappe.ValidationError, match="actions"):
			doc.save()
	with as_user(HANDLER):
		doc = frappe.get_doc("Complaint", name)
		doc.replies[0].content = "rewritten history"
		with pytest.raises(frappe.ValidationError, match="actions"):
			doc.save()
	with as_user(HANDLER):
		doc = frappe.get_doc("Complaint", name)
		doc.replies = []
		with pytest.raises(frappe.ValidationError, match="actions"):
			doc.save()
	assert snapshot(name) == before


def test_free_fields_stay_editable():
	name = complaint_at("Replied")
	plain_save_as(HANDLER, name, customer_request="A new part and an apology")
	assert frappe.db.get_value("Complaint", name, "customer_request") == "A new part and an apology"


def test_closed_complaint_is_read_only():
	name = complaint_at("Closed")
	with pytest.raises(frappe.ValidationError, match="cannot be edited"):
		plain_save_as(SPEC, name, customer_request="changed after closing")
	assert frappe.db.get_value("Complaint", name, "customer_request") != "changed after closing"


def test_regrade_by_the_service_center_is_logged_and_keeps_started_clocks():
	name = complaint_at("Acknowledged")
	doc = frappe.get_doc("Complaint", name)
	transfer_due, close_due = doc.transfer_due, doc.close_due
	result = call(SPEC, api.regrade, name, "The customer called again, far angrier", grade="Medium")
	doc.reload()
	assert doc.grade == "Medium"
	assert result.grade == "Medium"
	row = doc.escalations[-1]
	assert (row.from_grade, row.to_grade) == ("General", "Medium")
	assert "far angrier" in row.reason
	# both clocks started at received_on: a regrade never moves them
	assert (get_datetime(doc.transfer_due), get_datetime(doc.close_due)) == (
		get_datetime(transfer_due),
		get_datetime(close_due),
	)


def test_regrade_needs_the_service_center_and_a_reason():
	name = complaint_at("Acknowledged")
	before = snapshot(name)
	with pytest.raises(frappe.PermissionError):
		call(HANDLER, api.regrade, name, "we would like a milder grade", grade="General")
	with pytest.raises(frappe.ValidationError, match="reason"):
		call(SPEC, api.regrade, name, "  ", grade="Medium")
	with pytest.raises(frappe.ValidationError, match="nothing"):
		call(SPEC, api.regrade, name, "no change", grade="General")
	assert snapshot(name) == before


def test_share_outside_the_department_is_refused():
	name = complaint_at("Transferred")
	for kwargs in ({"user": OTHER}, {"everyone": 1}):
		with pytest.raises(frappe.PermissionError):
			frappe.share.add_docshare("Complaint", name, flags={"ignore_share_permission": True}, **kwargs)
	assert not frappe.db.exists("DocShare", {"share_doctype": "Complaint", "share_name": name})
	with as_user(OTHER):
		assert not frappe.has_permission("Complaint", "read", name)


def test_assigning_to_another_department_gives_no_access():
	name = complaint_at("Transferred")
	with as_user(SPEC), pytest.raises(frappe.PermissionError):
		frappe.desk.form.assign_to.add({"assign_to": [OTHER], "doctype": "Complaint", "name": name})
	with as_user(OTHER):
		assert not frappe.has_permission("Complaint", "read", name)


def test_version_diffs_keep_no_contact_values(monkeypatch):
	monkeypatch.setattr(frappe.flags, "in_test", False)  # Frappe writes no versions in tests
	name = complaint_at("Transferred", contact_phone="+86-13911112222")
	plain_save_as(SPEC, name, contact_phone="+86-13933334444")
	rows = frappe.get_all("Version", filters={"ref_doctype": "Complaint", "docname": name}, pluck="data")
	text = " ".join(rows)
	assert "13933334444" not in text and "13911112222" not in text
	changed = [c for data in rows for c in json.loads(data).get("changed", []) if c[0] == "contact_phone"]
	assert changed and all(c[1:] == [privacy.MASK, privacy.MASK] for c in changed)


def test_action_results_omit_contact_fields_for_roles_without_level_1():
	name = complaint_at("Transferred", contact_phone="+86-13955556666")
	make_user(GM_PRIVACY, "Complaint Bulletin Approver")
	with as_user(GM_PRIVACY):
		result = privacy.readable(frappe.get_doc("Complaint", name))
	assert "contact_phone" not in result and result["name"] == name
	with as_user(SPEC):
		assert privacy.readable(frappe.get_doc("Complaint", name))["contact_phone"] == "+86-13955556666"


def test_copying_another_departments_private_file_is_refused():
	name = complaint_at("Transferred")
	other = complaint_at("Transferred")
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "secret.txt",
			"attached_to_doctype": "Complaint",
			"attached_to_name": other,
			"is_private": 1,
			"content": b"secret of another complaint",
		}
	).insert()
	frappe.db.set_value("Complaint", other, "department", "Finance API3")
	with as_user(HANDLER), pytest.raises(frappe.PermissionError):
		frappe.get_doc(
			{
				"doctype": "File",
				"file_url": file.file_url,
				"attached_to_doctype": "Complaint",
				"attached_to_name": name,
				"is_private": 1,
			}
		).insert()
	assert frappe.db.count("File", {"file_url": file.file_url}) == 1
