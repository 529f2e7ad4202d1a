"""E-mail intake: an incoming mail on an Email Account appending to Complaint, through Frappe's own InboundMail
path with raw RFC 822 messages (no network)."""

from datetime import datetime, timedelta

import frappe
import pytest
from frappe.email.receive import InboundMail
from frappe.utils import convert_utc_to_system_timezone, get_datetime, now_datetime

from tests.site.factories import make_complaint, set_settings

SPEC = "cm-intake-spec@example.com"
MAIL_DATE = "Mon, 02 Mar 2026 09:15:00 +0000"


@pytest.fixture
def account():
	return frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_id": "complaints@example.com",
			"email_account_name": "Complaints Intake",
			"enable_incoming": 1,
			"use_imap": 0,
			"append_to": "Complaint",
			"password": "unused",  # never connects: the tests hand the raw message to InboundMail
			"email_server": "localhost",
		}
	).insert(ignore_permissions=True)  # test fixture


def raw_mail(subject: str, body: str, message_id: str, date: str = MAIL_DATE, in_reply_to: str = "") -> str:
	headers = [
		'From: "Li Lei" <Li.Lei@Example.com>',
		"To: complaints@example.com",
		f"Subject: {subject}",
		f"Date: {date}",
		f"Message-ID: <{message_id}>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
	]
	if in_reply_to:
		headers.append(f"In-Reply-To: <{in_reply_to}>")
	return "\r\n".join(headers) + "\r\n\r\n" + body + "\r\n"


def receive(account, **kw):
	"""What EmailAccount.receive does with each fetched message."""
	return InboundMail(raw_mail(**kw), account).process()


def complaints_from(sender: str) -> list[str]:
	return frappe.get_all("Complaint", filters={"contact_email": sender}, pluck="name")


def received(complaint: str) -> list[str]:
	return frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "Complaint",
			"reference_name": complaint,
			"sent_or_received": "Received",
		},
		pluck="subject",
		order_by="creation asc",
	)


def test_a_mail_creates_a_valid_email_complaint(account):
	comm = receive(
		account, subject="Broken heater", body="It stopped after a week.", message_id="m1@example.com"
	)
	assert comm.reference_doctype == "Complaint"
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert (doc.channel, doc.grade, doc.category, doc.status) == (
		"E-mail",
		"General",
		"Product Quality",
		"Registered",
	)
	assert (doc.contact_email, doc.customer_name) == ("li.lei@example.com", "Li Lei")
	assert doc.description == "Broken heater\n\nIt stopped after a week."
	assert get_datetime(doc.received_on) == get_datetime(comm.communication_date)
	mail_time = get_datetime(comm.communication_date)
	assert mail_time == convert_utc_to_system_timezone(datetime(2026, 3, 2, 9, 15)).replace(tzinfo=None)
	assert not doc.specialist and not doc.department and doc.is_external == 0
	# the clocks run from the mail's date: General grade, 4 h to transfer, 72 h to close
	assert get_datetime(doc.transfer_due) == mail_time + timedelta(hours=4)
	assert get_datetime(doc.close_due) == mail_time + timedelta(hours=72)
	doc.save()  # a valid complaint: saves again without any change
	assert received(doc.name) == ["Broken heater"]


def test_defaults_come_from_the_settings(account):
	set_settings(default_grade="Strong", default_category="Billing and Price")
	comm = receive(account, subject="Charged twice", body="Two payments.", message_id="m2@example.com")
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert (doc.grade, doc.category, doc.channel) == ("Strong", "Billing and Price", "E-mail")


def test_replies_thread_into_the_same_complaint(account):
	first = receive(account, subject="Broken heater", body="It stopped.", message_id="m3@example.com")
	name = first.reference_name
	frappe.db.set_value("Complaint", name, "specialist", SPEC)
	by_subject = receive(
		account, subject=f"Re: Broken heater (#{name})", body="Any news?", message_id="m4@example.com"
	)
	by_header = receive(
		account,
		subject="Another subject entirely",
		body="Still waiting.",
		message_id="m5@example.com",
		in_reply_to=first.message_id,
	)
	assert by_subject.reference_name == by_header.reference_name == name
	assert by_header.in_reply_to == first.name
	assert complaints_from("li.lei@example.com") == [name]
	assert received(name) == ["Broken heater", f"Re: Broken heater (#{name})", "Another subject entirely"]
	doc = frappe.get_doc("Complaint", name)
	assert doc.description == "Broken heater\n\nIt stopped."  # replies do not rewrite the complaint
	assert get_datetime(doc.received_on) == get_datetime(first.communication_date)
	alerts = frappe.get_all(
		"Notification Log", filters={"for_user": SPEC, "document_name": name}, pluck="subject"
	)
	assert alerts == [f"Complaint {name}: the customer wrote an e-mail."] * 2


def test_the_same_mail_fetched_twice_makes_one_complaint(account):
	receive(account, subject="Late delivery", body="Ten days late.", message_id="m6@example.com")
	receive(account, subject="Late delivery", body="Ten days late.", message_id="m6@example.com")
	assert len(complaints_from("li.lei@example.com")) == 1


def test_a_mail_dated_in_the_future_is_received_now(account):
	before = now_datetime()
	comm = receive(
		account, subject="Wrong size", body="Too small.", message_id="m7@example.com",
		date="Fri, 01 Jan 2100 10:00:00 +0000",
	)  # fmt: skip
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert before - timedelta(seconds=1) <= get_datetime(doc.received_on) <= now_datetime()


def test_without_an_intake_account_an_insert_without_grade_is_refused():
	doc = frappe.get_doc(
		{
			"doctype": "Complaint",
			"contact_email": "x@example.com",
			"description": "No grade",
			"customer_name": "X",
		}
	)
	doc.flags.ignore_mandatory = True
	with pytest.raises(frappe.ValidationError, match="Complaint Grade"):
		doc.insert()


def test_a_desk_complaint_keeps_its_channel_and_grade(account):
	doc = make_complaint(channel="Hotline", grade="Medium")
	assert (doc.channel, doc.grade) == ("Hotline", "Medium")


def test_the_default_grade_cannot_be_irrational():
	with pytest.raises(frappe.ValidationError, match="cannot be an irrational grade"):
		set_settings(default_grade="Irrational")
	assert frappe.db.get_single_value("Complaint Settings", "default_grade") == "General"
