"""Shared setup of the customer-in-the-loop tests (issue 19 §9-11): an outgoing e-mail account, customers with a
website login (one English, one Chinese) and what Frappe's Email Queue holds for a complaint."""

import email
from email.header import decode_header, make_header

import frappe
import pytest

from complaint_mgmt.tests.site.api_setup import setup_people

CUSTOMER_EN = "cm-cust-en@example.com"
CUSTOMER_ZH = "cm-cust-zh@example.com"
STRANGER = "cm-cust-stranger@example.com"


def make_customer(address: str, language: str) -> str:
	if not frappe.db.exists("User", address):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": address,
				"first_name": address.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"language": language,
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)  # test fixture, run as Administrator
	frappe.db.set_value("User", address, "language", language)
	return address


def forget_outgoing_account() -> None:
	"""Frappe memoises the outgoing account per process (frappe.local): not across the tests' rollbacks."""
	frappe.local.outgoing_email_account = {}


@pytest.fixture
def outbox():
	"""An outgoing account (never connects: e-mails stay queued), the people and two customers."""
	forget_outgoing_account()
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_id": "complaints@example.com",
			"email_account_name": "Complaint Customer Mail Test",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"password": "unused",
		}
	).insert(ignore_permissions=True)  # test fixture
	setup_people()
	make_customer(CUSTOMER_EN, "en")
	make_customer(CUSTOMER_ZH, "zh")
	yield
	frappe.db.rollback()
	forget_outgoing_account()


def queued(name: str) -> list[frappe._dict]:
	"""The e-mails queued for complaint `name`: recipients, decoded subject and HTML body."""
	mails = []
	for row in frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Complaint", "reference_name": name},
		fields=["name", "message"],
		order_by="creation asc",
	):
		message = email.message_from_string(row.message)
		body = ""
		for part in message.walk():
			if part.get_content_type() == "text/html":
				body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		mails.append(
			frappe._dict(
				recipients=frappe.get_all(
					"Email Queue Recipient", filters={"parent": row.name}, pluck="recipient"
				),
				subject=str(make_header(decode_header(message["Subject"]))),
				body=body,
			)
		)
	return mails
