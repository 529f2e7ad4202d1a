"""frappe.client.save through the app's override (security/client_save.py): the stored document's permission
first, so another department's complaint gets a PermissionError, never Frappe's TimestampMismatchError that
quotes its `modified`; one's own complaint still saves."""

import frappe
import pytest

from complaint_mgmt.security import client_save
from complaint_mgmt.tests.site.api_setup import FINANCE, OTHER, SALES, as_user, complaint_at, setup_people


@pytest.fixture
def sales_complaint():
	setup_people()
	return complaint_at("Acknowledged")


def test_another_departments_complaint_is_refused_before_the_timestamp(sales_complaint):
	modified = str(frappe.db.get_value("Complaint", sales_complaint, "modified"))
	doc = {
		"doctype": "Complaint",
		"name": sales_complaint,
		"modified": "2001-01-01 00:00:00",
		"department": FINANCE,  # the posted department would pass the department rule
		"customer_name": "Changed",
	}
	with as_user(OTHER), pytest.raises(frappe.PermissionError) as err:
		client_save.save(frappe.as_json(doc))
	assert modified not in str(err.value) and "or it does not exist" in str(err.value)
	assert frappe.db.get_value("Complaint", sales_complaint, ["department", "customer_name"]) == (
		SALES,
		"Test Customer",
	)


@pytest.mark.parametrize("doc", ["{not json", "[1, 2]", '{"name": "x"}', '{"doctype": "No Such Doctype"}'])
def test_a_malformed_document_is_refused(doc):
	with pytest.raises((frappe.ValidationError, frappe.PermissionError)):
		client_save.save(doc)


def test_ones_own_complaint_still_saves(sales_complaint):
	from complaint_mgmt.tests.site.api_setup import HANDLER

	with as_user(HANDLER):
		doc = frappe.get_doc("Complaint", sales_complaint).as_dict()
		doc["customer_request"] = "A new sofa"
		client_save.save(frappe.as_json(doc))
	assert frappe.db.get_value("Complaint", sales_complaint, "customer_request") == "A new sofa"
