"""Issue 17, found item 8 over HTTP: a contact e-mail is stored as the bare address (a display name full of markup
never is), on every path that sets it; the actions answer a complaint of another department exactly as one that
does not exist (no name oracle); ``frappe.client.save`` checks the permission on the stored document before
anything else (no ``modified`` of another department's complaint in a TimestampMismatchError)."""

import json
from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt.tests.http import seed as s
from complaint_mgmt.tests.http.probe import assert_refused, assert_unchanged, counts, snapshot

MARKUP = '"<img src=x onerror=alert(1)>" <markup-zqx@example.com>'
BARE = "markup-zqx@example.com"
API = "complaint_mgmt.api"


def words(resp, name: str) -> list[str]:
	"""The refusal's messages (without Frappe's random exception id), with the named complaint blanked out."""
	messages = [json.loads(m) for m in json.loads(resp.json().get("_server_messages") or "[]")]
	return [str(m.get("message")).replace(name, "?") for m in messages]


def stored_email(name: str) -> str | None:
	frappe.db.rollback()
	return frappe.db.get_value("Complaint", name, "contact_email")


def registration(**kw) -> dict:
	return {
		"customer_name": "Contactmarkup-ZQX",
		"contact_phone": "+86-138-0000-0093",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": "Contactmarkup-ZQX",
		"received_on": str(now_datetime().replace(microsecond=0) - timedelta(hours=1)),
		**kw,
	}


def test_rest_registration_stores_the_bare_address(http):
	resp = http.as_("specialist").post_json("/api/resource/Complaint", registration(contact_email=MARKUP))
	assert resp.status_code == 200, resp.text[:500]
	assert stored_email(resp.json()["data"]["name"]) == BARE


@pytest.mark.parametrize("how", ["PUT", "set_value"])
def test_an_edit_stores_the_bare_address(http, how):
	specialist = http.as_("specialist")
	resp = specialist.post_json("/api/resource/Complaint", registration())
	name = resp.json()["data"]["name"]
	if how == "PUT":
		resp = specialist.put_json(f"/api/resource/Complaint/{name}", {"contact_email": MARKUP})
	else:
		resp = specialist.method(
			"frappe.client.set_value", doctype="Complaint", name=name, fieldname="contact_email", value=MARKUP
		)
	assert resp.status_code == 200, resp.text[:500]
	assert stored_email(name) == BARE


@pytest.mark.parametrize("value", ["a@example.com, b@example.com", "<script>@example.com", "not an address"])
def test_anything_but_one_address_is_refused(http, value):
	before = counts()
	resp = http.as_("specialist").post_json("/api/resource/Complaint", registration(contact_email=value))
	assert_refused(resp)
	assert counts() == before


def test_the_web_form_refuses_a_display_name(http):
	before = counts()
	resp = http.as_("customer").method(
		"frappe.website.doctype.web_form.web_form.accept",
		web_form="complaint",
		data=frappe.as_json({**registration(), "contact_email": MARKUP}),
	)
	# a logged-in customer's complaint carries the account's address: the typed one is ignored, never stored
	if resp.status_code == 200:
		assert stored_email(resp.json()["message"]["name"]) == s.user("customer")
	else:
		assert_refused(resp)
		assert counts() == before


@pytest.mark.parametrize(
	"action,args", [("acknowledge", {}), ("reply", {"content": "x"}), ("pause", {"reason": "x"})]
)
def test_another_departments_complaint_is_answered_like_a_missing_one(http, seed, action, args):
	handler = http.as_("handler_a")
	before = snapshot("Complaint", seed.b_transferred)
	theirs = handler.method(f"{API}.{action}", complaint=seed.b_transferred, **args)
	missing = handler.method(f"{API}.{action}", complaint="CMP-1999-99999", **args)
	assert_refused(theirs)
	assert (theirs.status_code, theirs.json().get("exc_type")) == (
		missing.status_code,
		missing.json().get("exc_type"),
	)
	# the same words, the name itself aside
	assert words(theirs, seed.b_transferred) == words(missing, "CMP-1999-99999")
	assert_unchanged(before, "Complaint", seed.b_transferred)


def test_client_save_checks_the_stored_document_before_the_timestamp(http, seed):
	before = snapshot("Complaint", seed.b_open)
	modified = str(frappe.db.get_value("Complaint", seed.b_open, "modified"))
	doc = {
		"doctype": "Complaint",
		"name": seed.b_open,
		"modified": "2001-01-01 00:00:00.000000",
		"department": s.DEPT_A,
		"customer_name": "Saved-ZQX",
	}
	resp = http.as_("handler_a").method("frappe.client.save", doc=doc)
	assert resp.status_code == 403, resp.text[:800]
	assert resp.json().get("exc_type") == "PermissionError"
	assert modified not in resp.text and modified[:19] not in resp.text
	assert_unchanged(before, "Complaint", seed.b_open)


def test_client_save_still_saves_ones_own_complaint(http, seed):
	handler = http.as_("handler_a")
	doc = handler.get(f"/api/resource/Complaint/{seed.a_open}").json()["data"]
	doc["customer_request"] = "Savedrequest-ZQX"
	resp = handler.method("frappe.client.save", doc=doc)
	assert resp.status_code == 200, resp.text[:800]
	frappe.db.rollback()
	assert frappe.db.get_value("Complaint", seed.a_open, "customer_request") == "Savedrequest-ZQX"
