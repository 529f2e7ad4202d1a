"""Records are kept two years (spec §6, issue 9 item 11): a complaint, its transfer records and its penalty
notices cannot be deleted before the retention period has passed since the closure, by any user."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt.loop import retention
from complaint_mgmt.tests.site.api_setup import complaint_at, setup_people
from complaint_mgmt.tests.site.factories import make_user

SYSMGR = "cm-sysmgr-retention@example.com"  # a session user (factories.TEST_USERS)
USERS = ("Administrator", SYSMGR)


@pytest.fixture(autouse=True)
def people():
	setup_people()
	make_user(SYSMGR, "System Manager")


def closed_days_ago(days: int | None) -> str:
	"""A complaint closed `days` ago (None: still open), with its transfer record and a draft notice."""
	name = complaint_at("Closed" if days is not None else "Replied")
	if days is not None:
		frappe.db.set_value("Complaint", name, "closed_on", now_datetime() - timedelta(days=days))
	doc = frappe.get_doc("Complaint", name)
	frappe.get_doc(
		{
			"doctype": "Complaint Penalty Notice",
			"complaint": name,
			"department": doc.department,
			"breach_type": "Transfer",
			"grade": doc.grade,
			"issued_on": now_datetime(),
		}
	).insert()
	return name


def records(name: str) -> list[tuple[str, str]]:
	"""The complaint's notices and transfer records, then the complaint (the order a deletion must take)."""
	rows = [
		(doctype, row)
		for doctype in ("Complaint Penalty Notice", "Complaint Transfer Record")
		for row in frappe.get_all(doctype, filters={"complaint": name}, pluck="name")
	]
	return [*rows, ("Complaint", name)]


def delete_as(user: str, doctype: str, name: str) -> None:
	frappe.set_user(user)
	try:
		frappe.delete_doc(doctype, name)
	finally:
		frappe.set_user("Administrator")


def test_the_setting_defaults_to_two_years():
	assert frappe.get_single("Complaint Settings").retention_days == 730
	assert retention.retention_days() == 730


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize(("days", "match"), [(None, "is not closed"), (100, "kept for 730 days")])
def test_deletion_is_refused_before_the_retention_period(user, days, match):
	name = closed_days_ago(days)
	rows = records(name)
	assert {doctype for doctype, _row in rows} == {
		"Complaint",
		"Complaint Transfer Record",
		"Complaint Penalty Notice",
	}
	for doctype, row in rows:
		with pytest.raises(frappe.ValidationError, match=match):
			delete_as(user, doctype, row)
		assert frappe.db.exists(doctype, row), (doctype, row)


@pytest.mark.parametrize("user", USERS)
def test_deletion_is_allowed_after_the_retention_period(user):
	name = closed_days_ago(731)
	for doctype, row in records(name):
		delete_as(user, doctype, row)
		assert not frappe.db.exists(doctype, row), (doctype, row)


def test_the_refusal_names_the_date_and_is_translated():
	name = closed_days_ago(100)
	until = (now_datetime() - timedelta(days=100) + timedelta(days=730)).date()
	frappe.local.lang = "zh"
	frappe.local.lang_full_dict = None
	try:
		with pytest.raises(frappe.ValidationError) as err:
			frappe.delete_doc("Complaint", name)
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None
	assert str(until) in str(err.value) and "保存" in str(err.value)


def test_a_longer_setting_keeps_records_longer():
	frappe.db.set_single_value("Complaint Settings", "retention_days", 1000)
	frappe.clear_document_cache("Complaint Settings", "Complaint Settings")
	name = closed_days_ago(731)
	with pytest.raises(frappe.ValidationError, match="kept for 1000 days"):
		frappe.delete_doc("Complaint", name)


def test_a_setting_below_two_years_is_refused():
	settings = frappe.get_single("Complaint Settings")
	settings.retention_days = 365
	with pytest.raises(frappe.ValidationError, match="at least 730"):
		settings.save()
