"""E-mail intake: an incoming mail on an Email Account appending to Complaint, through Frappe's own InboundMail
path with raw RFC 822 messages (no network)."""

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import frappe
import pytest
from frappe.email.receive import InboundMail, SentEmailInInboxError
from frappe.utils import convert_utc_to_system_timezone, get_datetime, now_datetime

from complaint_mgmt.loop import inbox
from complaint_mgmt.tests.site.factories import make_complaint, set_settings

SPEC = "cm-intake-spec@example.com"
SENDER = '"Li Lei" <Li.Lei@Example.com>'


def sent_ago(minutes: float) -> datetime:
	"""A mail's Date: `minutes` before now, in UTC to the second (as a Date: header carries it)."""
	return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).replace(microsecond=0)


def header(moment: datetime) -> str:
	return format_datetime(moment)


def local(moment: datetime) -> datetime:
	"""A UTC moment as the site's naive local time (how Frappe stores the mail's date)."""
	return convert_utc_to_system_timezone(moment.replace(tzinfo=None)).replace(tzinfo=None)


def arrived(value, before: datetime) -> bool:
	"""`value` is the arrival: between `before` (taken just before the delivery) and now."""
	return before - timedelta(seconds=1) <= get_datetime(value) <= now_datetime()


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


def raw_mail(
	subject: str, body: str, message_id: str, date: str = "", in_reply_to: str = "", sender: str = SENDER
) -> str:
	headers = [
		f"From: {sender}",
		"To: complaints@example.com",
		f"Subject: {subject}",
		f"Date: {date or header(sent_ago(2))}",
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
	sent = sent_ago(2)
	comm = receive(
		account,
		subject="Broken heater",
		body="It stopped after a week.",
		message_id="m1@example.com",
		date=header(sent),
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
	# sent 2 minutes before it arrived: within the tolerance (15 minutes), the mail's own date counts
	mail_time = get_datetime(comm.communication_date)
	assert mail_time == local(sent)
	assert get_datetime(doc.received_on) == mail_time
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
	# besides the new complaint's ToDo (every specialist's while the service center has no receiver): each reply
	task = inbox.task_text("transfer", name)
	assert [a for a in alerts if a != task] == [f"Complaint {name}: the customer wrote an e-mail."] * 2


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
	assert arrived(doc.received_on, before)


def test_a_mail_dated_1990_is_received_at_its_arrival(account):
	"""A forged or broken Date: never starts the clocks in the past (no monthly repeats since 1990)."""
	before = now_datetime()
	comm = receive(
		account, subject="Old news", body="Dated long ago.", message_id="m8@example.com",
		date="Mon, 01 Jan 1990 10:00:00 +0000",
	)  # fmt: skip
	assert get_datetime(comm.communication_date).year == 1990  # Frappe keeps the header on the mail itself
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert arrived(doc.received_on, before)
	assert get_datetime(doc.transfer_due) == get_datetime(doc.received_on) + timedelta(hours=4)
	assert get_datetime(doc.close_due) > now_datetime() + timedelta(hours=71)


def test_a_mail_dated_minutes_ago_keeps_its_date(account):
	sent = sent_ago(5)
	comm = receive(account, subject="Noisy fan", body="Loud.", message_id="m9@example.com", date=header(sent))
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert get_datetime(doc.received_on) == local(sent)
	assert get_datetime(doc.transfer_due) == local(sent) + timedelta(hours=4)


@pytest.mark.parametrize("tolerance", [3, 0])
def test_a_mail_dated_before_the_tolerance_is_received_at_its_arrival(account, tolerance):
	set_settings(email_date_tolerance_minutes=tolerance)
	before = now_datetime()
	comm = receive(
		account, subject="Noisy fan", body="Loud.", message_id="m10@example.com", date=header(sent_ago(5))
	)
	assert arrived(frappe.get_doc("Complaint", comm.reference_name).received_on, before)


def test_settings_saved_before_the_tolerance_existed_use_15_minutes(account):
	frappe.db.delete("Singles", {"doctype": "Complaint Settings", "field": "email_date_tolerance_minutes"})
	frappe.clear_document_cache("Complaint Settings")
	sent = sent_ago(14)
	comm = receive(
		account, subject="Noisy fan", body="Loud.", message_id="m11@example.com", date=header(sent)
	)
	assert get_datetime(frappe.get_doc("Complaint", comm.reference_name).received_on) == local(sent)


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


def test_a_concurrent_second_delivery_of_the_same_mail_is_dropped(account, monkeypatch):
	"""Two workers receive one mail (e.g. sent to two intake addresses): both pass Frappe's Message-ID check
	before either commits. The later one finds the first committed and is dropped without an error."""
	# unique: the cache remembers committed Message-IDs for an hour
	message_id = f"{frappe.generate_hash()}@example.com"
	first = receive(account, subject="Late delivery", body="Ten days late.", message_id=message_id)
	frappe.db.after_commit.run()  # the first worker commits (what EmailAccount.receive does after each mail)
	# the second worker's check ran before that commit: Frappe does not see the first delivery
	monkeypatch.setattr(InboundMail, "is_exist_in_system", lambda self: None)
	frappe.db.savepoint("second_delivery")
	with pytest.raises(SentEmailInInboxError):  # EmailAccount.receive rolls back and goes on, no Error Log
		receive(account, subject="Late delivery", body="Ten days late.", message_id=message_id)
	frappe.db.rollback(save_point="second_delivery")
	assert complaints_from("li.lei@example.com") == [first.reference_name]
	assert frappe.db.count("Communication", {"message_id": message_id}) == 1


def test_other_mails_are_not_taken_for_duplicates(account):
	first_id, second_id = (f"{frappe.generate_hash()}@example.com" for _ in range(2))
	first = receive(account, subject="Late delivery", body="Ten days late.", message_id=first_id)
	frappe.db.after_commit.run()
	second = receive(account, subject="Broken lamp", body="Flickers.", message_id=second_id)
	assert first.reference_name != second.reference_name
	assert len(complaints_from("li.lei@example.com")) == 2


def test_markup_is_stripped_from_a_mail(account):
	comm = receive(
		account,
		subject="<b>Broken</b> heater<script>alert(1)</script>",
		body="<p>It <i>stopped</i>.</p><img src=x onerror=alert(1)>",
		message_id="m15@example.com",
		sender='"<b>Li</b> Lei<script>x()</script>" <li.lei@example.com>',
	)
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert doc.description == "Broken heater\n\nIt stopped."
	assert doc.contact_email == "li.lei@example.com"
	# (Frappe's address parser already drops the brackets in the sender's name)
	assert "<" not in doc.customer_name + doc.description


def test_a_mail_without_a_usable_sender_address_keeps_no_contact_email(account):
	"""Frappe finds no address in the From: header: still a complaint (the specialist reads the mail), no contact."""
	comm = receive(
		account,
		subject="Broken heater",
		body="It stopped.",
		message_id="m16@example.com",
		sender='"Li Lei" <li.lei@@example.com>',
	)
	doc = frappe.get_doc("Complaint", comm.reference_name)
	assert (doc.channel, doc.grade, doc.contact_email) == ("E-mail", "General", None)
	assert doc.description == "Broken heater\n\nIt stopped."
