"""The e-mails the customer gets (issue 19 §9-10): the acknowledgement with the reference number and the link to
the complaint's page, each reply marked visible to the customer, the satisfaction survey at a close request, and
the closure.

- Only to the complaint's *verified* contact (``verified_address``): the contact address when it is the account
  e-mail of the complaint's owner (a logged-in customer's own complaint) or of the user who proved it by the
  link mailed to it (``portal_identity``). An address nobody proved gets nothing of this (only the proof link,
  ``portal_identity.offer_link``); the acknowledgement then follows when it is proved (``on_contact_verified``).
- Through Frappe's Email Queue (``frappe.sendmail``), when an outgoing Email Account exists.
- From Email Templates an administrator edits in the desk (seeded by ``setup/email_templates.py``): the template
  ``<name> (<language>)`` in the customer's language when it exists (the user's language, else the site's),
  else ``<name>``.
"""

import frappe
from frappe.utils import get_url

from complaint_mgmt.loop import portal_identity

ACKNOWLEDGEMENT = "Complaint Acknowledgement"
REPLY = "Complaint Reply to Customer"
SURVEY = "Complaint Satisfaction Survey"
CLOSURE = "Complaint Closed"
TEMPLATES = (ACKNOWLEDGEMENT, REPLY, SURVEY, CLOSURE)
PAGE_ROUTE = "/my-complaints/"


def verified_user(doc) -> str | None:
	"""The portal user whose account e-mail is the complaint's contact address: the one who proved it, or the
	owner (a logged-in customer filing their own complaint). None when nobody proved it."""
	email = (doc.get("contact_email") or "").strip().lower()
	if not email:
		return None
	for user in (doc.get("contact_verified_by"), doc.get("owner")):
		if user and portal_identity.account_email(user) == email:
			return user
	return None


def verified_address(doc) -> str:
	return (doc.contact_email or "").strip() if verified_user(doc) else ""


def customer_language(user: str | None) -> str:
	"""The customer's language where known (their user's), else the site's."""
	language = frappe.db.get_value("User", user, "language") if user else None
	return language or frappe.db.get_single_value("System Settings", "language") or "en"


def template_for(base: str, language: str) -> str | None:
	"""``<base> (<language>)`` when an administrator has it (zh is seeded), else ``<base>``, else None."""
	for name in (f"{base} ({language})", base):
		if frappe.db.exists("Email Template", name):
			return name
	return None


def page_link(name: str) -> str:
	return get_url(PAGE_ROUTE + name)


def send(doc, base: str, **context) -> str | None:
	"""Queue the template `base` to the complaint's verified contact; returns the address, or None when nothing
	was sent (no verified contact, no outgoing account, no template)."""
	user = verified_user(doc)
	if not user or not portal_identity.can_mail():
		return None
	language = customer_language(user)
	name = template_for(base, language)
	if not name:
		return None
	template = frappe.get_cached_doc("Email Template", name)
	values = {
		"name": doc.name,
		"customer_name": doc.customer_name or "",
		"received_on": frappe.format(doc.received_on, {"fieldtype": "Datetime"}),
		"link": page_link(doc.name),
		**context,
	}
	email = verified_address(doc)
	previous = frappe.local.lang
	frappe.local.lang = language  # _() inside an administrator's template speaks the customer's language
	try:
		subject = frappe.render_template(template.subject, values)
		message = frappe.render_template(
			template.response_html if template.use_html else template.response, values
		)
	finally:
		frappe.local.lang = previous
	frappe.sendmail(
		recipients=[email],
		subject=subject,
		message=message,
		reference_doctype="Complaint",
		reference_name=doc.name,
	)
	return email


def on_insert(doc, method=None) -> None:
	"""Complaint.after_insert: the acknowledgement, when the contact is verified already (a logged-in customer's
	web form); imported history gets none."""
	if doc.get("imported") or frappe.flags.in_import or frappe.flags.in_install:
		return
	send(doc, ACKNOWLEDGEMENT)


def on_contact_verified(name: str) -> None:
	"""The customer proved the contact address (/complaint-contact): the acknowledgement now reaches them."""
	send(frappe.get_doc("Complaint", name), ACKNOWLEDGEMENT)


def on_reply(doc, content: str) -> None:
	"""A reply marked visible to the customer."""
	send(doc, REPLY, reply=content)


def on_closure(doc) -> None:
	send(doc, CLOSURE, resolution=doc.resolution or "")
