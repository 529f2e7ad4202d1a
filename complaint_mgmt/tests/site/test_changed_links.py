"""A stored complaint's save looks up only the links that changed (loop/changed_links.py, issue 20 §4): an
action does not look up the category, grades, people and doctypes it did not touch, while a changed link and a
new child row's links are looked up with Frappe's own message and letter case, and a new complaint gets Frappe's
whole validation."""

import frappe
import pytest
from frappe.model.base_document import BaseDocument
from frappe.utils import now

from complaint_mgmt import api
from complaint_mgmt.loop import changed_links
from complaint_mgmt.tests.site.api_setup import HANDLER, SALES, SPEC, as_user, call, setup_people
from complaint_mgmt.tests.site.factories import make_complaint


@pytest.fixture
def people():
	return setup_people()


def category(name: str) -> str:
	with as_user("Administrator"):
		return frappe.get_doc({"doctype": "Complaint Category", "category_name": name}).insert().name


def test_an_action_does_not_look_up_the_links_it_did_not_change(people, monkeypatch):
	with as_user(SPEC):
		name = make_complaint(category=category("Links unchanged cat")).name
	call(SPEC, api.transfer, name, SALES)
	looked_up = []
	lookup = frappe.db.get_value
	monkeypatch.setattr(
		frappe.db,
		"get_value",
		lambda *a, **k: looked_up.append(tuple(map(str, a[:2]))) or lookup(*a, **k),
	)
	call(HANDLER, api.acknowledge, name)
	monkeypatch.undo()
	assert frappe.db.get_value("Complaint", name, "status") == "Acknowledged"
	# the new step row's user is looked up; not the category or the grade (nothing else reads them here)
	assert ("User", HANDLER) in looked_up
	untouched = {("Complaint Category", "Links unchanged cat"), ("Complaint Grade", "General")}
	assert untouched & set(looked_up) == set()


def test_an_action_runs_frappes_whole_link_validation_on_neither_the_complaint_nor_its_record(
	people, monkeypatch
):
	with as_user(SPEC):
		name = make_complaint().name
	call(SPEC, api.transfer, name, SALES)
	validated = []
	whole = BaseDocument.get_invalid_links

	def spy(self, *args, **kwargs):
		validated.append(self.doctype)
		return whole(self, *args, **kwargs)

	monkeypatch.setattr(BaseDocument, "get_invalid_links", spy)
	call(HANDLER, api.acknowledge, name)  # saves the complaint and signs its transfer record
	monkeypatch.undo()
	assert frappe.db.get_value("Complaint Transfer Record", {"complaint": name}, "status") == "Acknowledged"
	assert not {"Complaint", "Complaint Transfer Record", "Complaint Step"} & set(validated)


def test_a_link_the_save_did_not_change_is_not_looked_up_again(people):
	"""The stored category is gone (removed under the table, not through Frappe, which refuses it while linked):
	the next action still works, as it changed no link to it; Frappe's whole validation refuses it."""
	with as_user(SPEC):
		name = make_complaint(category=category("Links gone cat")).name
	call(SPEC, api.transfer, name, SALES)
	frappe.db.delete("Complaint Category", {"name": "Links gone cat"})
	frappe.db.value_cache.clear()  # the request's cache of lookups still knows it
	call(HANDLER, api.acknowledge, name)
	assert frappe.db.get_value("Complaint", name, "status") == "Acknowledged"
	doc = frappe.get_doc("Complaint", name)
	doc._action = "save"
	with pytest.raises(frappe.LinkValidationError, match="Links gone cat"):
		frappe.model.document.Document._validate_links(doc)


def test_a_changed_link_is_looked_up_with_frappes_message(people):
	with as_user(SPEC):
		doc = make_complaint()
	doc.category = "No such category anywhere"
	with pytest.raises(frappe.LinkValidationError, match=r"Could not find .*No such category anywhere"):
		doc.save()
	frappe.clear_messages()


def test_a_changed_link_takes_the_stored_letter_case(people):
	stored = category("Links Case Cat")
	with as_user(SPEC):
		doc = make_complaint()
	doc.category = stored.lower()
	assert changed_links.validate_changed_links(load_as_stored(doc)) is True
	assert doc.category == stored


def test_a_new_child_rows_links_are_looked_up(people):
	with as_user(SPEC):
		doc = make_complaint()
	doc.append("steps", {"action": "Reply", "done_on": now(), "done_by": "ghost-of-links@example.com"})
	doc.flags.procedure_action = True
	with pytest.raises(frappe.LinkValidationError, match=r"Row #1: .*ghost-of-links@example\.com"):
		doc.save()
	frappe.clear_messages()


def test_a_new_complaint_gets_frappes_whole_validation(people):
	doc = frappe.get_doc(
		{"doctype": "Complaint", "customer_name": "Links new", "category": "Product Quality"}
	)
	assert changed_links.validate_changed_links(doc) is False


def load_as_stored(doc):
	"""`doc` with the stored copy as its document before save (as Frappe's save has it at link validation)."""
	doc._doc_before_save = frappe.get_doc("Complaint", doc.name)
	return doc


def test_a_save_told_to_ignore_links_looks_up_none(people):
	"""As Frappe's: flags.ignore_links (e.g. a data import) leaves even a changed link alone."""
	with as_user(SPEC):
		doc = make_complaint()
	doc.category = "No such category, ignored"
	doc.flags.ignore_links = True
	assert changed_links.validate_changed_links(load_as_stored(doc)) is False
	doc._action = "save"
	doc._validate_links()  # no LinkValidationError
	assert doc.category == "No such category, ignored"
