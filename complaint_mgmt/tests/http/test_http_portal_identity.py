"""Issue 17, found item 6 over HTTP: a typed contact address is no portal identity. A logged-in customer's web
form complaint carries the account's e-mail (whatever was typed); any other complaint with a contact address
reaches the portal of that address's user only after the link mailed to it (Email Queue, single-use, expiring)
is followed while logged in as that user; REST cannot plant the proof; another address drops it."""

import email
import html
import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import frappe
import pytest
import requests
from frappe.utils import now_datetime

from complaint_mgmt import api
from complaint_mgmt.loop.intake_limits import ip_key
from complaint_mgmt.tests.http import seed as s
from complaint_mgmt.tests.http.probe import Session, assert_not_server_error

OTHER = f"customer-two@{s.DOMAIN}"  # a second website user: the victim whose address is typed
VISIBLE = "Plantvisible-ZQX we call you tomorrow"


def login(http, user: str) -> Session:
	"""A session of `user` (not one of the tier's roles), logged in like the tier's own."""
	sess = requests.Session()
	sess.headers.update({"Host": http.site, "Accept": "application/json"})
	resp = sess.post(f"{http.base}/api/method/login", data={"usr": user, "pwd": s.PASSWORD}, timeout=60)
	assert resp.status_code == 200 and "sid" in sess.cookies, resp.text[:300]
	return Session(http, sess, "customer")


@pytest.fixture(scope="module")
def outbox(seed):
	"""An outgoing account for this module only (it never connects: the tier runs no scheduler)."""
	account = frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_id": f"portal-proof@{s.DOMAIN}",
			"email_account_name": "Portal Proof ZQX",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"password": "unused",
		}
	).insert(ignore_permissions=True)  # test fixture
	frappe.db.commit()  # nosemgrep -- the server must see it
	yield account.name
	frappe.db.rollback()
	frappe.delete_doc("Email Account", account.name, ignore_permissions=True)  # test fixture
	frappe.db.commit()  # nosemgrep -- and no longer after this module


@pytest.fixture(scope="module")
def victim(seed, http, outbox):
	s.ensure_user(OTHER, ())
	frappe.db.commit()  # nosemgrep -- the server (another process) logs this user in
	return login(http, OTHER)


def listed(sess, name: str) -> bool:
	page = sess.get("/my-complaints")
	assert page.status_code == 200, page.text[:300]
	return f'data-name="{name}"' in page.text


def detail_status(sess, name: str) -> int:
	return sess.get("/my-complaints", {"name": name}).status_code


def with_visible_reply(name: str) -> None:
	s.walk(name, s.DEPT_A, "handler_a", "Planted-ZQX internal")
	s.as_user("handler_a", api.reply, name, VISIBLE, True)


def mailed_path(name: str, to: str) -> str:
	"""The proof link of the last mail queued for complaint `name`, sent to `to` (path and query only)."""
	frappe.db.rollback()
	queued = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Complaint", "reference_name": name},
		fields=["name", "message"],
		order_by="creation desc",
		limit=1,
	)
	assert queued, f"no mail queued for {name}"
	recipients = frappe.get_all("Email Queue Recipient", {"parent": queued[0].name}, pluck="recipient")
	assert recipients == [to]
	text = ""
	for part in email.message_from_string(queued[0].message).walk():
		if part.get_content_maintype() == "text":
			text += (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
	link = re.search(r'href="([^"]*/complaint-contact\?[^"]*)"', html.unescape(text))
	assert link, text[:1500]
	parts = urlsplit(html.unescape(link.group(1)))
	return f"{parts.path}?{parts.query}"


def proved_by(name: str):
	frappe.db.rollback()
	return frappe.db.get_value("Complaint", name, "contact_verified_by")


def test_a_logged_in_customer_cannot_plant_a_complaint_in_another_customers_portal(http, seed, victim):
	data = {
		"customer_name": "Plant-ZQX",
		"contact_phone": "+86-138-0000-0097",
		"contact_email": OTHER,
		"description": "Plant-ZQX planted into another portal",
		"category": "Product Quality",
	}
	customer = http.as_("customer")
	resp = customer.method(
		"frappe.website.doctype.web_form.web_form.accept", web_form="complaint", data=json.dumps(data)
	)
	assert resp.status_code == 200, resp.text[:500]
	name = resp.json()["message"]["name"]
	frappe.db.rollback()
	assert frappe.db.get_value("Complaint", name, ["owner", "contact_email"]) == (
		seed.users["customer"],
		seed.users["customer"],
	)
	with_visible_reply(name)
	frappe.db.commit()  # nosemgrep -- the server must see the reply
	assert listed(customer, name) and detail_status(customer, name) == 200
	assert not listed(victim, name)
	assert detail_status(victim, name) == 404
	# the same page by path (/my-complaints/<name>, the contract's customer page)
	own = customer.get(f"/my-complaints/{name}")
	assert own.status_code == 200 and VISIBLE in own.text, own.text[:300]
	theirs = victim.get(f"/my-complaints/{name}")
	assert theirs.status_code == 404 and VISIBLE not in theirs.text
	assert VISIBLE not in victim.get("/my-complaints", {"name": name}).text


def test_a_typed_address_alone_reaches_no_portal(http, victim):
	name = s.new_complaint("Typed-ZQX", "+86-138-0000-0096", "Typed-ZQX by phone", contact_email=OTHER)
	with_visible_reply(name)
	frappe.db.commit()  # nosemgrep -- the server must see it
	assert not listed(victim, name)
	assert detail_status(victim, name) == 404


def test_a_guest_complaint_reaches_the_portal_once_the_mailed_link_is_followed(http, seed, victim):
	frappe.cache.delete_value(ip_key("127.0.0.1"))  # the tier's earlier guest submissions count per hour
	data = {
		"customer_name": "Proof-ZQX",
		"contact_email": OTHER,
		"description": "Proof-ZQX filed as a guest",
		"category": "Product Quality",
	}
	guest = http.as_("guest")
	resp = guest.method(
		"frappe.website.doctype.web_form.web_form.accept", web_form="complaint", data=json.dumps(data)
	)
	assert resp.status_code == 200, resp.text[:500]
	name = resp.json()["message"]["name"]
	path = mailed_path(name, OTHER)
	assert not listed(victim, name) and detail_status(victim, name) == 404

	# a guest (or a mail scanner) following the link is sent to the login page; nothing is proved
	resp = guest.get(path)
	assert resp.status_code == 302 and "/login?redirect-to=" in resp.headers["Location"]
	# another customer following it proves nothing
	resp = http.as_("customer").get(path)
	assert_not_server_error(resp)
	assert "This link is for another e-mail address" in resp.text
	assert proved_by(name) is None

	resp = victim.get(path)
	assert resp.status_code == 200 and "is now in My Complaints" in resp.text, resp.text[:500]
	assert proved_by(name) == OTHER
	assert listed(victim, name) and detail_status(victim, name) == 200
	# single use: the same link a second time proves nothing more (and undoes nothing)
	again = victim.get(path)
	assert "not valid, was used already or has expired" in again.text
	assert proved_by(name) == OTHER

	# a changed contact address drops the proof
	resp = http.as_("specialist").put_json(
		f"/api/resource/Complaint/{name}", {"contact_email": "someone-else@example.com"}
	)
	assert resp.status_code == 200, resp.text[:500]
	assert proved_by(name) is None and not listed(victim, name)


def test_an_expired_link_proves_nothing(http, victim):
	name = s.new_complaint("Expired-ZQX", "+86-138-0000-0095", "Expired-ZQX by phone", contact_email=OTHER)
	frappe.db.commit()  # nosemgrep -- the mail is queued on commit
	path = mailed_path(name, OTHER)
	frappe.db.set_value(
		"Complaint", name, "contact_key_expires", now_datetime() - timedelta(minutes=1), update_modified=False
	)
	frappe.db.commit()  # nosemgrep -- the server must see it
	resp = victim.get(path)
	assert "not valid, was used already or has expired" in resp.text
	assert proved_by(name) is None and not listed(victim, name)


def test_the_proof_cannot_be_planted_through_rest(http, victim):
	specialist = http.as_("specialist")
	resp = specialist.post_json(
		"/api/resource/Complaint",
		{
			"customer_name": "Restplant-ZQX",
			"contact_phone": "+86-138-0000-0094",
			"contact_email": OTHER,
			"contact_verified_by": OTHER,
			"channel": "Phone",
			"category": "Product Quality",
			"grade": "General",
			"description": "Restplant-ZQX",
			"received_on": str(now_datetime().replace(microsecond=0) - timedelta(hours=1)),
		},
	)
	assert resp.status_code == 200, resp.text[:500]
	name = resp.json()["data"]["name"]
	assert proved_by(name) is None
	resp = specialist.put_json(f"/api/resource/Complaint/{name}", {"contact_verified_by": OTHER})
	assert 400 <= resp.status_code < 500, resp.text[:500]
	assert proved_by(name) is None and not listed(victim, name)
