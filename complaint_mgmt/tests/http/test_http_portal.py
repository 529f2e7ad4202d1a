"""Issue 11, item 12 over HTTP: the customer opens one of their complaints on /my-complaints?name=... and sees its
reference, status, date, description and only the replies marked for the customer; another customer's complaint
and a missing one are both "not found"; a guest is sent to the login page; the web form's submission returns the
new complaint's reference and the form page shows it."""

import json
from urllib.parse import quote

import frappe
import pytest

from complaint_mgmt import api
from complaint_mgmt.tests.http import seed as s
from complaint_mgmt.tests.http.probe import assert_no_leak, assert_not_server_error, forbidden

VISIBLE = "Visible-ZQX we replace the part on Monday"
INTERNAL = "Internal-ZQX the supplier is at fault"
PHONE = "+86-138-0000-0099"


@pytest.fixture(scope="module")
def own(seed, http) -> str:
	"""A complaint of the portal customer with an internal reply and one marked for the customer (committed:
	the server is another process; the package's cleanup removes it by its -ZQX customer name)."""
	customer = seed.users["customer"]
	name = s.new_complaint(
		"Portal-ZQX", PHONE, "Portal-ZQX sofa scratched", owner=customer, contact_email=customer
	)
	s.walk(name, s.DEPT_A, "handler_a", INTERNAL)
	s.as_user("handler_a", api.reply, name, VISIBLE)
	row = frappe.db.get_value("Complaint Reply", {"parent": name, "content": VISIBLE}, "name")
	frappe.db.set_value("Complaint Reply", row, "visible_to_customer", 1)
	frappe.db.commit()  # nosemgrep -- the server must see it
	return name


def test_the_customer_sees_their_complaint_with_the_replies_meant_for_them(http, seed, own):
	resp = http.as_("customer").get("/my-complaints", {"name": own})
	assert resp.status_code == 200, resp.text[:500]
	text = resp.text
	assert f"Your complaint reference is <strong>{own}</strong>." in text
	assert '<span class="complaint-status">In progress</span>' in text
	assert "Portal-ZQX sofa scratched" in text and VISIBLE in text
	for hidden in (INTERNAL, "Internal-ZQX", s.DEPT_A, seed.users["handler_a"], PHONE, "138-0000-0099"):
		assert hidden not in text, hidden
	assert_no_leak(resp, forbidden(seed, "customer"), "my-complaints detail")


def test_the_list_links_each_complaint(http, own):
	resp = http.as_("customer").get("/my-complaints")
	assert resp.status_code == 200
	assert f'<a href="/my-complaints/{own}">{own}</a>' in resp.text
	assert VISIBLE not in resp.text


@pytest.mark.parametrize("which", ["another customer's", "missing"])
def test_a_complaint_that_is_not_the_customers_is_not_found(http, seed, own, which):
	name = seed.b_open if which == "another customer's" else "CMP-1999-99999"
	resp = http.as_("customer").get("/my-complaints", {"name": name})
	assert resp.status_code == 404, resp.text[:500]
	assert name not in resp.text
	assert_no_leak(resp, forbidden(seed, "customer"), f"my-complaints {which}")


def test_the_404_is_not_cached_for_the_owner(http, seed, own):
	"""Frappe caches the 404 of a URL: the portal's must not be, or the owner would get another's 404."""
	assert http.as_("handler_a").get("/my-complaints", {"name": own}).status_code == 404
	assert http.as_("customer").get("/my-complaints", {"name": own}).status_code == 200


def test_a_guest_is_sent_to_the_login_page(http, own):
	resp = http.as_("guest").get("/my-complaints", {"name": own})
	assert resp.status_code == 302
	assert resp.headers["Location"].endswith("/login?redirect-to=" + quote(f"/my-complaints/{own}", safe=""))
	assert own not in resp.text and VISIBLE not in resp.text


def test_the_web_form_returns_the_reference_and_shows_it(http, seed):
	data = {
		"customer_name": "Webref-ZQX",
		"contact_phone": "+86-138-0000-0098",
		"description": "Webref-ZQX the door does not close",
		"category": "Product Quality",
	}
	sess = http.as_("guest")
	resp = sess.method(
		"frappe.website.doctype.web_form.web_form.accept", web_form="complaint", data=json.dumps(data)
	)
	assert_not_server_error(resp)
	assert resp.status_code == 200, resp.text[:500]
	answer = resp.json()["message"]
	assert answer == {
		"doctype": "Complaint",
		"name": answer["name"],
	}  # the reference, not the internal record
	name = answer["name"]
	frappe.db.rollback()
	assert name.startswith("CMP-") and frappe.db.get_value("Complaint", name, "customer_name") == "Webref-ZQX"
	page = sess.get("/complaint/new")
	assert page.status_code == 200
	assert "Your complaint reference is {0}." in page.text and "handle_success" in page.text
