"""Complaints that customers file themselves: the web form (guests or website users) and incoming e-mail.

- Web form (``web_form/complaint``): Frappe's ``accept`` copies only the form's fields into a new Complaint
  and inserts it; ``Complaint.before_insert`` then sets the channel "Web", the settings' default grade and
  ``received_on`` = now, and fills the logged-in customer's e-mail, name and Contact. Everything else goes
  through the normal controller validation (procedure fields are refused on insert).
- E-mail: an Email Account whose ``append_to`` is Complaint makes Frappe create the Complaint
  (``InboundMail._create_reference_document``: subject → description, sender → contact_email, sender name →
  customer_name, inserted with ``ignore_mandatory``). ``before_insert`` sets the channel "E-mail", the default
  grade and category and ``received_on`` = the arrival; once the mail's Communication is stored,
  ``on_communication`` puts the mail's text into the description and moves ``received_on`` back to the mail's
  ``Date:`` only when that lies within the settings' tolerance before the arrival (a sender's clock or a forged
  date never starts the clocks years ago). Replies (reference in the subject, or In-Reply-To) are threaded by
  Frappe into the same complaint; the specialist is told.
- Hardening (both paths, ``intake_limits``): markup stripped from the customer's texts, one valid e-mail
  address or none, a per-sender and a global limit per hour, one complaint per Message-ID.
- Portal (``www/my-complaints``): a website user sees the complaints they filed or whose contact address they
  proved (``portal_identity``), nothing else.
"""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, now_datetime

from complaint_mgmt.loop import adapters, intake_limits, portal_identity
from complaint_mgmt.loop.intake_limits import EMAIL, WEB, clean_text, setting
from complaint_mgmt.loop.notify import notify


def customer_status(status: str) -> str:
	"""What the customer sees of the internal status (the procedure's stages are the company's business)."""
	labels = {
		"Registered": _("Received", context="Complaint status shown to the customer"),
		"Waiting on Customer": _("Waiting for your answer"),
		"Close Requested": _("Solution proposed"),
		"Return Visited": _("Solution proposed"),
		"Closed": _("Closed"),
		"Deferred": _("Under follow-up"),
	}
	return labels.get(status) or _("In progress")


def intake_channel(doc) -> str | None:
	"""'Web' for a web form submission, 'E-mail' for Frappe's mail intake, None for any other insert."""
	if frappe.flags.in_web_form:
		return WEB
	# Frappe's mail intake is the only path that inserts a Complaint with no grade and ignore_mandatory
	# (InboundMail._create_reference_document); a desk or REST insert without a grade fails as mandatory.
	# (Not conditional on the sender: a mail whose From: Frappe cannot parse still becomes a complaint.)
	if doc.flags.ignore_mandatory and not doc.grade and incoming_account():
		return EMAIL
	return None


def incoming_account() -> bool:
	"""An incoming Email Account appends to Complaint (POP: the account's append_to, IMAP: a folder's)."""
	if frappe.db.exists("Email Account", {"enable_incoming": 1, "append_to": "Complaint"}):
		return True
	return bool(frappe.db.exists("IMAP Folder", {"parenttype": "Email Account", "append_to": "Complaint"}))


def set_intake_defaults(doc) -> None:
	"""Complaint.before_insert: channel, default grade (and category), received_on, no specialist yet; the
	customer's input sanitised and the intake limits checked (over a limit nothing is written)."""
	channel = intake_channel(doc)
	if not channel:
		return
	settings = adapters.get_settings()
	if not settings.default_grade:
		frappe.throw(
			_("Set a Default Grade in Complaint Settings to receive complaints from customers."),
			title=_("Complaint Settings incomplete"),
		)
	doc.channel = channel
	doc.grade = settings.default_grade
	doc.received_on = now_datetime()  # arrival; a mail's Date: may move it back a little (record_first_mail)
	doc.specialist = None  # the field defaults to the session user: a guest, a customer or the mail job
	if channel == EMAIL:
		intake_limits.clean_mail_input(doc)
		doc.category = doc.category or settings.default_category
		doc.customer_name = doc.customer_name or doc.contact_email
	else:
		# the web form's category is optional: a customer is not made to search the internal classification
		doc.category = doc.category or settings.default_category
		fill_customer(doc)
		validate_web_input(doc)
	intake_limits.check_limits(doc, settings)


def fill_customer(doc) -> None:
	"""A logged-in customer: their e-mail and name when left empty, and their Contact as the party."""
	user = frappe.session.user
	doc.party_type, doc.party = None, None
	if user == "Guest":
		return
	email, full_name = frappe.db.get_value("User", user, ["email", "full_name"])
	# the account's own address, whatever was typed: another customer's address would put this complaint (and
	# the replies meant for the customer) into that customer's portal (portal_identity)
	doc.contact_email = email
	doc.customer_name = doc.customer_name or full_name
	contact = frappe.db.get_value("Contact", {"user": user}, "name")
	if contact:
		doc.party_type, doc.party = "Contact", contact


def validate_web_input(doc) -> None:
	"""The form's texts without markup, one valid e-mail address, a way to reach the customer, no negative
	amount (the doctype's own validation follows: phone format, category, mandatory fields)."""
	intake_limits.clean_web_input(doc)
	if not (doc.contact_phone or doc.contact_email):
		frappe.throw(
			_("Give a phone number or an e-mail address so that we can contact you."),
			title=_("Contact missing"),
		)
	if flt(doc.claim_amount) < 0:
		frappe.throw(_("The amount claimed cannot be negative."), title=_("Invalid amount"))


def on_communication(comm, method=None) -> None:
	"""Communication.after_insert: a received mail on a complaint (see the module docstring)."""
	if comm.communication_type != "Communication" or comm.sent_or_received != "Received":
		return
	if intake_limits.take_refused_mail(comm):
		return  # over the intake limit: kept as a Communication without a complaint
	if comm.reference_doctype != "Complaint" or not comm.reference_name:
		return
	intake_limits.guard_duplicate_delivery(comm)
	doc = frappe.get_doc("Complaint", comm.reference_name)
	earlier = frappe.db.exists(
		"Communication",
		{
			"reference_doctype": "Complaint",
			"reference_name": doc.name,
			"sent_or_received": "Received",
			"name": ("!=", comm.name),
		},
	)
	if doc.channel == EMAIL and not earlier and doc.status == "Registered":
		record_first_mail(doc, comm)
	else:
		tell_about_mail(doc, comm)


def mail_received_on(mail_date, arrival, tolerance_minutes: int):
	"""When the company got a mailed complaint: the mail's Date: when it lies within the tolerance before the
	arrival, else the arrival (a date in the future or long ago is the sender's, not ours)."""
	arrival = get_datetime(arrival)
	if mail_date:
		sent = get_datetime(mail_date)
		if arrival - timedelta(minutes=max(tolerance_minutes, 0)) <= sent <= arrival:
			return sent
	return arrival


def record_first_mail(doc, comm) -> None:
	"""The mail that created the complaint: its text, and its date when close enough to its arrival."""
	tolerance = setting(adapters.get_settings(), "email_date_tolerance_minutes")
	doc.received_on = mail_received_on(comm.communication_date, doc.creation or doc.received_on, tolerance)
	text = clean_text(comm.text_content or comm.content or "")
	if text and text != "[Blank Email]":
		subject = clean_text(comm.subject or "")
		doc.description = intake_limits.cap_text(f"{subject}\n\n{text}" if subject else text)
	doc.flags.ignore_mandatory = True  # like Frappe's own intake insert: the specialist completes it
	# the mail job saves the complaint it just created, as Frappe's intake inserted it
	doc.save(ignore_permissions=True)


def tell_about_mail(doc, comm) -> None:
	users = [u for u in (doc.specialist, doc.receiver) if u]
	if users:
		notify(
			users,
			_("Complaint {0}: the customer wrote an e-mail.").format(doc.name),
			"Complaint",
			doc.name,
			comm.subject,
		)


PORTAL_ROWS = 100


def own_complaints(user: str | None = None) -> list[dict]:
	"""The complaints of a logged-in customer: filed by them, or whose contact address they proved by following
	the link mailed to it (portal_identity: a typed address alone never puts a complaint into a portal)."""
	user = user or frappe.session.user
	if user == "Guest":
		return []
	# the portal shows only these rows, selected by the user's own identity (website users have no DocPerm);
	# one query per identity, each on its index (an OR of the two reads the whole table)
	fields = ["name", "received_on", "category", "status", "channel", "closed_on", "description"]
	found = {}
	for identity in portal_identity.identities(user):
		for row in frappe.get_all(
			"Complaint", filters=identity, fields=fields, order_by="received_on desc", limit=PORTAL_ROWS
		):
			found[row.name] = row
	rows = sorted(found.values(), key=lambda row: (row.received_on, row.name), reverse=True)[:PORTAL_ROWS]
	for row in rows:
		row.customer_status = customer_status(row.status)
	return rows
