"""Party (Contact, or Customer with ERPNext) and reference of a complaint; closure on a plain Frappe site."""

import frappe
import pytest

from complaint_mgmt.loop import party
from complaint_mgmt.tests.site.api_setup import SPEC, as_user, complaint_at, setup_people
from complaint_mgmt.tests.site.factories import make_complaint


@pytest.fixture
def contact() -> str:
	return (
		frappe.get_doc({"doctype": "Contact", "first_name": "Zhang", "last_name": "Wei"})
		.insert(ignore_permissions=True)  # test fixture
		.name
	)


def test_this_site_is_plain_frappe():
	assert "erpnext" not in frappe.get_installed_apps()
	assert party.party_types() == ("Contact",)


def test_a_contact_is_a_valid_party(contact):
	doc = make_complaint(party_type="Contact", party=contact)
	assert (doc.party_type, doc.party) == ("Contact", contact)


def test_the_party_counts_for_repeat_complaints(contact):
	make_complaint(party_type="Contact", party=contact, contact_phone="")
	later = make_complaint(party_type="Contact", party=contact, contact_phone="")
	assert later.is_repeat == 1


@pytest.mark.parametrize(
	("values", "message"),
	[
		({"party_type": "Customer", "party": "Acme"}, "needs ERPNext, which is not installed"),
		({"party_type": "User", "party": "Administrator"}, "Party Type must be one of: Contact."),
		(
			{"party_type": "Contact", "party": "Nobody Known"},
			"Contact <strong>Nobody Known</strong> not found.",
		),
		({"party": "Zhang Wei"}, "Select a Party Type for party"),
	],
)
def test_a_wrong_party_is_refused(values, message):
	before = frappe.db.count("Complaint")
	with pytest.raises(frappe.ValidationError) as err:
		make_complaint(**values)
	assert message in str(err.value)
	assert frappe.db.count("Complaint") == before


def test_a_party_cannot_be_changed_to_a_wrong_one(contact):
	doc = make_complaint(party_type="Contact", party=contact)
	doc.party_type, doc.party = "User", "Administrator"
	with pytest.raises(frappe.ValidationError, match="Party Type must be one of"):
		doc.save()
	assert frappe.db.get_value("Complaint", doc.name, "party_type") == "Contact"


def test_a_reference_must_exist():
	todo = frappe.get_doc({"doctype": "ToDo", "description": "Deliver the sofa"}).insert()
	doc = make_complaint(reference_doctype="ToDo", reference_name=todo.name)
	assert (doc.reference_doctype, doc.reference_name) == ("ToDo", todo.name)
	assert make_complaint(reference_doctype="ToDo").reference_name is None  # the name is optional


@pytest.mark.parametrize(
	("values", "message"),
	[
		(
			{"reference_doctype": "ToDo", "reference_name": "no-such-todo"},
			"ToDo <strong>no-such-todo</strong> not found.",
		),
		({"reference_name": "no-such-todo"}, "Select a Reference Type for reference"),
		(
			{"reference_doctype": "Complaint Reply", "reference_name": "x"},
			"cannot be a complaint's reference",
		),
		({"reference_doctype": "Complaint Settings"}, "cannot be a complaint's reference"),
	],
)
def test_a_wrong_reference_is_refused(values, message):
	before = frappe.db.count("Complaint")
	with pytest.raises(frappe.ValidationError) as err:
		make_complaint(**values)
	assert message in str(err.value)
	assert frappe.db.count("Complaint") == before


def test_a_reference_the_user_cannot_read_is_refused():
	setup_people()
	todo = frappe.get_doc({"doctype": "ToDo", "description": "Private to Administrator"}).insert()
	with as_user(SPEC):
		assert not frappe.has_permission("ToDo", "read", todo.name)
		with pytest.raises(frappe.PermissionError, match="you have no access to it"):
			make_complaint(reference_doctype="ToDo", reference_name=todo.name)
		own = frappe.get_doc({"doctype": "ToDo", "description": "Mine", "allocated_to": SPEC}).insert()
		assert make_complaint(reference_doctype="ToDo", reference_name=own.name).reference_name == own.name


def test_closure_on_plain_frappe_creates_nothing_erpnext_specific():
	setup_people()
	assert not frappe.db.exists("DocType", "Quality Action")
	doctypes_before = frappe.db.count("DocType")
	name = complaint_at("Closed")
	doc = frappe.get_doc("Complaint", name)
	assert (doc.status, doc.closure_type) == ("Closed", "First Closure")
	assert frappe.db.count("DocType") == doctypes_before
	comments = frappe.get_all(
		"Comment", filters={"reference_doctype": "Complaint", "reference_name": name}, pluck="content"
	)
	assert not [c for c in comments if "Quality Action" in (c or "")]
