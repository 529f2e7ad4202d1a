"""Issue 19 §9: the customer's e-mails (acknowledgement, replies marked visible, closure) go through Frappe's Email
Queue from the Email Templates an administrator edits, in the customer's language, and only ever to the
complaint's verified contact."""

import json

import frappe
import pytest
from frappe.website.doctype.web_form.web_form import accept

from complaint_mgmt import api
from complaint_mgmt.loop import customer_mail
from complaint_mgmt.tests.site.api_setup import (
	HANDLER,
	MGR,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
)
from complaint_mgmt.tests.site.customer_setup import (
	CUSTOMER_EN,
	CUSTOMER_ZH,
	STRANGER,
	forget_outgoing_account,
	outbox,
	queued,
)

__all__ = ["outbox"]
FORM = {
	"customer_name": "Wang Fang",
	"contact_phone": "+86-13912345678",
	"description": "The sofa arrived scratched.",
}


@pytest.fixture(autouse=True)
def web_request(monkeypatch):
	monkeypatch.setattr(frappe.local, "request", None, raising=False)
	yield
	frappe.flags.in_web_form = False
	frappe.flags.web_form_doc = None


def file_as(user: str, **values) -> str:
	with as_user(user):
		return accept("complaint", json.dumps({**FORM, **values})).name


def proved_complaint(customer: str, stage: str) -> str:
	name = complaint_at(stage, contact_email=customer)
	frappe.db.set_value("Complaint", name, "contact_verified_by", customer, update_modified=False)
	return name


def test_a_logged_in_customer_gets_the_acknowledgement_with_reference_and_page(outbox):
	name = file_as(CUSTOMER_EN, contact_email="typed-by-someone@example.com")
	(mail,) = queued(name)
	assert mail.recipients == [CUSTOMER_EN]  # the account's address, never the typed one
	assert mail.subject == f"We received your complaint {name}"
	assert f"<strong>{name}</strong>" in mail.body
	assert customer_mail.page_link(name) in mail.body and f"/my-complaints/{name}" in mail.body


def test_the_acknowledgement_speaks_the_customers_language(outbox):
	name = file_as(CUSTOMER_ZH)
	(mail,) = queued(name)
	assert mail.recipients == [CUSTOMER_ZH]
	assert mail.subject == f"我们已收到您的投诉 {name}"
	assert "投诉编号" in mail.body and "We received" not in mail.body


def test_the_template_an_administrator_edits_is_the_one_sent(outbox):
	template = frappe.get_doc("Email Template", customer_mail.ACKNOWLEDGEMENT)
	template.subject = "Edited: {{ name }} is registered"
	template.save()
	frappe.clear_document_cache("Email Template", customer_mail.ACKNOWLEDGEMENT)
	name = file_as(CUSTOMER_EN)
	assert [m.subject for m in queued(name)] == [f"Edited: {name} is registered"]


def test_an_unproved_address_gets_only_the_proof_link_then_the_acknowledgement(outbox):
	with as_user("Guest"):
		name = accept("complaint", json.dumps({**FORM, "contact_email": STRANGER})).name
	mails = queued(name)
	assert [m.subject for m in mails] == [f"Follow your complaint {name} online"]  # no acknowledgement
	frappe.db.set_value("Complaint", name, "contact_verified_by", CUSTOMER_EN, update_modified=False)
	customer_mail.on_contact_verified(name)  # a user of ANOTHER address: still not the verified contact
	assert len(queued(name)) == 1
	frappe.db.set_value("Complaint", name, "contact_email", CUSTOMER_EN, update_modified=False)
	customer_mail.on_contact_verified(name)  # now the proved contact
	assert [(m.recipients, m.subject) for m in queued(name)[1:]] == [
		([CUSTOMER_EN], f"We received your complaint {name}")
	]


def test_a_desk_registration_with_a_typed_address_sends_no_acknowledgement(outbox):
	name = complaint_at("Registered", contact_email=CUSTOMER_EN)  # typed by the specialist, not proved
	assert all("We received" not in m.subject for m in queued(name))


def test_a_reply_marked_visible_is_mailed_an_internal_one_is_not(outbox):
	name = proved_complaint(CUSTOMER_EN, "Replied")
	before = len(queued(name))
	call(HANDLER, api.reply, name, "Internal: supplier batch 42 is faulty.")
	assert len(queued(name)) == before
	call(HANDLER, api.reply, name, "We will replace your sofa on Monday.", visible_to_customer=True)
	mails = queued(name)[before:]
	assert [(m.recipients, m.subject) for m in mails] == [
		([CUSTOMER_EN], f"A reply to your complaint {name}")
	]
	assert "We will replace your sofa on Monday." in mails[0].body and "supplier" not in mails[0].body


def test_a_visible_reply_to_an_unverified_contact_is_not_mailed(outbox):
	name = complaint_at("Replied", contact_email=CUSTOMER_EN)
	before = len(queued(name))
	call(HANDLER, api.reply, name, "We will replace your sofa on Monday.", visible_to_customer=True)
	assert len(queued(name)) == before


def test_the_closure_is_mailed_in_the_customers_language(outbox):
	name = proved_complaint(CUSTOMER_ZH, "Return Visited")
	before = len(queued(name))
	call(MGR, api.approve_close, name)
	mails = queued(name)[before:]
	assert [(m.recipients, m.subject) for m in mails] == [([CUSTOMER_ZH], f"您的投诉 {name} 已关闭")]
	assert "Part replaced" in mails[0].body


def test_no_outgoing_account_no_mail_and_the_step_still_works():
	setup_people()
	frappe.db.set_value("Email Account", {"enable_outgoing": 1}, "enable_outgoing", 0)  # rolled back
	forget_outgoing_account()
	name = complaint_at("Replied", contact_email=SPEC)
	call(HANDLER, api.reply, name, "Visible text", visible_to_customer=True)
	assert frappe.db.get_value("Complaint", name, "status") == "Replied" and not queued(name)
