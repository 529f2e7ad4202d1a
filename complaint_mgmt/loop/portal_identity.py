"""Who follows a complaint on the customer portal (/my-complaints): its owner, or the user who proved its contact
address.

- A logged-in customer who files through the web form owns the complaint, and its contact address is the
  account's e-mail whatever they typed (``intake.fill_customer``): nobody can plant a complaint, nor the replies
  meant for the customer, in another customer's portal by typing their address.
- Any other complaint with a contact address (a guest's web form, an e-mail, a registration in the desk) reaches
  a portal only once the address is proved: ``offer_link`` (Complaint.after_insert) mails a link with a
  single-use key (only its SHA-256 is stored, ``contact_key_hash``, valid ``KEY_HOURS``) through Frappe's Email
  Queue (when an outgoing Email Account exists); following it (``/complaint-contact``) while logged in as the user of that very address sets
  ``contact_verified_by``. A changed contact address drops the proof and the key (``reset_on_change``).
- The three fields are the procedure's own (``PROCEDURE_FIELDS``): cleared on insert, refused in plain edits.
"""

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.email.doctype.email_account.email_account import EmailAccount
from frappe.utils import add_to_date, get_datetime, get_url, now_datetime

KEY_HOURS = 72
ROUTE = "/complaint-contact"
FIELDS = ("contact_verified_by", "contact_key_hash", "contact_key_expires")


def digest(key: str) -> str:
	return hashlib.sha256(key.encode()).hexdigest()


def account_email(user: str | None) -> str:
	if not user or user in ("Guest", "Administrator"):
		return ""
	return (frappe.db.get_value("User", user, "email") or "").strip().lower()


def offer_link(doc) -> None:
	"""Complaint.after_insert: mail the proof link to the contact address, unless the complaint's owner is that
	address's user (a logged-in customer's own complaint) or it is an import of history."""
	email = (doc.contact_email or "").strip()
	if not email or doc.imported or frappe.flags.in_import or frappe.flags.in_install:
		return
	if account_email(doc.owner) == email.lower() or not can_mail():
		return
	send_link(doc.name, email)


def can_mail() -> bool:
	"""An outgoing Email Account exists (without one the address cannot be proved, and Frappe's sendmail
	would refuse the registration itself)."""
	return bool(EmailAccount.find_outgoing(match_by_doctype="Complaint"))


def send_link(name: str, email: str) -> None:
	key = secrets.token_urlsafe(32)
	values = {
		"contact_key_hash": digest(key),
		"contact_key_expires": add_to_date(now_datetime(), hours=KEY_HOURS),
		"contact_verified_by": None,
	}
	frappe.db.set_value("Complaint", name, values, update_modified=False)
	link = get_url(ROUTE + "?" + urlencode({"complaint": name, "key": key}))
	frappe.sendmail(
		recipients=[email],
		subject=_("Follow your complaint {0} online").format(name),
		message=frappe.render_template(
			"templates/emails/complaint_contact.html", {"name": name, "link": link, "hours": KEY_HOURS}
		),
		reference_doctype="Complaint",
		reference_name=name,
	)


def reset_on_change(doc) -> None:
	"""Complaint.validate: another contact address is not proved by the proof of the previous one."""
	before = doc.get_doc_before_save()
	if before is None or (before.contact_email or "").lower() == (doc.contact_email or "").lower():
		return
	for field in FIELDS:
		doc.set(field, None)


def verify(name, key) -> frappe._dict:
	"""The logged-in user follows the link: proves the address when the key is the complaint's, unused and not
	expired, and the user's account e-mail is the complaint's contact address. Returns what the page says."""
	invalid = frappe._dict(ok=False, message=_("This link is not valid, was used already or has expired."))
	if not isinstance(name, str) or not isinstance(key, str) or not name or not key or len(key) > 200:
		return invalid
	row = frappe.db.get_value(
		"Complaint", name, ["name", "contact_email", *FIELDS], as_dict=True, for_update=True
	)
	if not row or not row.contact_key_hash or not hmac.compare_digest(row.contact_key_hash, digest(key)):
		return invalid
	if not row.contact_key_expires or get_datetime(row.contact_key_expires) < now_datetime():
		return invalid
	user = frappe.session.user
	if account_email(user) != (row.contact_email or "").strip().lower():
		return frappe._dict(
			ok=False,
			message=_("This link is for another e-mail address: log in with the account of that address."),
		)
	values = {"contact_verified_by": user, "contact_key_hash": None, "contact_key_expires": None}
	frappe.db.set_value("Complaint", row.name, values, update_modified=False)
	frappe.local.flags.commit = True  # a GET: Frappe commits it only when asked (app.sync_database)
	return frappe._dict(
		ok=True, complaint=row.name, message=_("Complaint {0} is now in My Complaints.").format(row.name)
	)


def identities(user: str) -> list[dict]:
	"""The filters that select a user's complaints on the portal: owned by them, or their proved contact."""
	return [{"owner": user}, {"contact_verified_by": user}]
