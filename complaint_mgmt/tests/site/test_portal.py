"""The customers' side: the web form (guests and website users) and the portal page of one's own complaints."""

import json
from datetime import timedelta
from urllib.parse import parse_qsl

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime
from frappe.website.doctype.web_form.web_form import accept, get_form_data

from complaint_mgmt import api
from complaint_mgmt.loop.intake import own_complaints
from complaint_mgmt.tests.site.api_setup import (
	HANDLER,
	SALES,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint, set_settings

CUSTOMER_A = "cm-portal-a@example.com"
CUSTOMER_B = "cm-portal-b@example.com"
FORM = {
	"customer_name": "Wang Fang",
	"contact_phone": "+86-13912345678",
	"contact_email": "wang.fang@example.com",
	"category": "Delivery",
	"description": "The sofa arrived scratched.",
	"customer_request": "Replace the sofa",
	"claim_amount": 300,
}


@pytest.fixture(autouse=True)
def web_request(monkeypatch):
	"""No HTTP request (no rate limit); accept() leaves frappe.flags.in_web_form set: reset it."""
	monkeypatch.setattr(frappe.local, "request", None, raising=False)
	yield
	frappe.flags.in_web_form = False
	frappe.flags.web_form_doc = None


def proved(name: str, user: str) -> str:
	"""The complaint's contact address proved by `user` (what following the mailed link sets:
	loop/portal_identity.py; tested over HTTP in tests/http/test_http_portal_identity.py)."""
	frappe.db.set_value("Complaint", name, "contact_verified_by", user, update_modified=False)
	return name


def submit(user: str = "Guest", **values):
	with as_user(user):
		return accept("complaint", json.dumps({**FORM, **values}))


def count() -> int:
	return frappe.db.count("Complaint")


def test_guest_files_a_web_complaint():
	before = now_datetime()
	doc = frappe.get_doc("Complaint", submit().name)
	assert (doc.channel, doc.grade, doc.original_grade, doc.status) == (
		"Web",
		"General",
		"General",
		"Registered",
	)
	assert (doc.customer_name, doc.contact_phone, doc.contact_email) == (
		"Wang Fang",
		"+86-13912345678",
		"wang.fang@example.com",
	)
	assert (doc.category, doc.description, doc.customer_request, doc.claim_amount) == (
		"Delivery",
		"The sofa arrived scratched.",
		"Replace the sofa",
		300,
	)
	assert before - timedelta(seconds=1) <= get_datetime(doc.received_on) <= now_datetime()
	assert doc.owner == "Guest" and not doc.specialist and not doc.party and doc.is_external == 0
	assert not doc.department and not doc.receiver
	# the General grade's 4-hour transfer clock runs from the submission
	assert get_datetime(doc.transfer_due) == get_datetime(doc.received_on) + timedelta(hours=4)


def test_default_grade_comes_from_the_settings():
	set_settings(default_grade="Medium")
	doc = frappe.get_doc("Complaint", submit().name)
	assert (doc.grade, doc.channel) == ("Medium", "Web")
	assert get_datetime(doc.transfer_due) == get_datetime(doc.received_on) + timedelta(hours=2)


def test_a_guest_cannot_set_procedure_or_internal_fields():
	injected = {
		"status": "Closed",
		"department": SALES,
		"receiver": SPEC,
		"grade": "Strong",
		"channel": "Media",
		"specialist": SPEC,
		"received_on": "2020-01-01 00:00:00",
		"closed_on": "2020-01-02 00:00:00",
		"closure_type": "First Closure",
		"irrational_stage": "Secondary",
		"party_type": "Contact",
		"party": "Someone",
		"reference_doctype": "User",
		"reference_name": "Administrator",
		"escalations": [{"from_grade": "General", "to_grade": "Strong"}],
		"owner": CUSTOMER_B,
	}
	doc = frappe.get_doc("Complaint", submit(**injected).name)
	assert (doc.status, doc.grade, doc.channel, doc.owner) == ("Registered", "General", "Web", "Guest")
	for field in ("department", "receiver", "specialist", "closed_on", "closure_type", "irrational_stage",
				"party_type", "party", "reference_doctype", "reference_name"):  # fmt: skip
		assert not doc.get(field), field
	assert not doc.escalations
	assert get_datetime(doc.received_on) > now_datetime() - timedelta(minutes=1)


@pytest.mark.parametrize(
	("values", "message"),
	[
		({"contact_phone": "call me maybe"}, "not a valid Phone Number"),
		({"contact_email": "wang.fang-at-example"}, "not a valid Email Address"),
		({"contact_phone": "", "contact_email": ""}, "Give a phone number or an e-mail address"),
		({"claim_amount": -5}, "cannot be negative"),
		({"category": "No Such Category"}, "Could not find"),
	],
)
def test_bad_web_input_is_refused_and_nothing_is_written(values, message):
	before = count()
	with pytest.raises(frappe.ValidationError) as err:
		submit(**values)
	assert message in str(err.value)
	assert count() == before


def test_a_logged_in_customer_gets_their_email_name_and_contact():
	contact = frappe.get_doc(
		{"doctype": "Contact", "first_name": "Portal A", "user": CUSTOMER_A, "email_ids": []}
	).insert(ignore_permissions=True)  # test fixture
	doc = frappe.get_doc("Complaint", submit(CUSTOMER_A, contact_email="", customer_name="").name)
	assert doc.owner == CUSTOMER_A
	assert doc.contact_email == CUSTOMER_A
	assert doc.customer_name == frappe.db.get_value("User", CUSTOMER_A, "full_name")
	assert (doc.party_type, doc.party) == ("Contact", contact.name)
	assert not doc.specialist  # the field's default (the session user) is not kept for a customer


def test_the_portal_lists_only_the_customers_own_complaints():
	own_by_form = submit(CUSTOMER_A, contact_email="a.other@example.com").name
	assert frappe.db.get_value("Complaint", own_by_form, "contact_email") == CUSTOMER_A  # the account's
	own_by_email = proved(
		make_complaint(contact_email=CUSTOMER_A, customer_name="A by phone").name, CUSTOMER_A
	)
	others = [
		submit(CUSTOMER_B).name,
		submit(contact_email=CUSTOMER_A).name,  # a guest's, with A's address typed: not proved
		make_complaint(contact_email=CUSTOMER_A).name,  # registered with A's address: not proved
		make_complaint(contact_email=CUSTOMER_B).name,
	]
	with as_user(CUSTOMER_A):
		rows = own_complaints()
	assert sorted(r.name for r in rows) == sorted([own_by_form, own_by_email])
	assert not set(others) & {r.name for r in rows}
	assert {r.customer_status for r in rows} == {"Received"}
	with as_user("Guest"):
		assert own_complaints() == []


def test_the_portal_shows_the_customer_status_not_the_internal_stage():
	setup_people()
	name = proved(make_complaint(contact_email=CUSTOMER_A).name, CUSTOMER_A)
	call(SPEC, api.transfer, name, SALES)
	with as_user(CUSTOMER_A):
		(row,) = own_complaints()
	assert (row.status, row.customer_status) == ("Transferred", "In progress")
	assert "department" not in row and "receiver" not in row


def test_the_portal_page_renders_for_the_customer_and_refuses_guests():
	from frappe.utils import get_html_for_route

	mine = make_complaint(contact_email=CUSTOMER_A, description="My washing machine leaks").name
	proved(mine, CUSTOMER_A)
	theirs = proved(
		make_complaint(contact_email=CUSTOMER_B, description="Someone else's fridge").name, CUSTOMER_B
	)
	try:
		with as_user(CUSTOMER_A):
			html = get_html_for_route("/my-complaints")
		assert mine in html and "My washing machine leaks" in html
		assert theirs not in html and "fridge" not in html
		with as_user("Guest"):
			html = get_html_for_route("/my-complaints")
		assert mine not in html
	finally:
		frappe.local.request = None


def test_the_web_form_page_renders_for_a_guest():
	import frappe.boot  # the web form page reads it (the web server has it imported)
	from frappe.utils import get_html_for_route

	try:
		with as_user("Guest"):
			html = get_html_for_route("/complaint/new")
	finally:
		frappe.local.request = None
	assert "File a Complaint" in html and "Submit Complaint" in html
	for field in ("customer_name", "contact_phone", "contact_email", "category", "claim_amount"):
		assert f'"{field}"' in html, field
	assert '"grade"' not in html and '"department"' not in html


def test_a_website_user_cannot_read_complaints_through_the_api():
	mine = make_complaint(contact_email=CUSTOMER_A).name
	theirs = make_complaint(contact_email=CUSTOMER_B).name
	with as_user(CUSTOMER_A):
		assert frappe.db.get_value("User", CUSTOMER_A, "user_type") == "Website User"
		assert not frappe.has_permission("Complaint", "read")
		assert not frappe.has_permission("Complaint", "read", theirs)
		with pytest.raises(frappe.PermissionError):
			frappe.client.get_list("Complaint", fields=["name", "customer_name"])
		for name in (mine, theirs):
			with pytest.raises(frappe.PermissionError):
				frappe.client.get("Complaint", name)
			with pytest.raises(frappe.PermissionError):
				frappe.client.get_value("Complaint", "customer_name", {"name": name})
		with pytest.raises(frappe.PermissionError):
			frappe.client.insert({"doctype": "Complaint", **FORM, "grade": "General"})


def test_the_web_form_shows_a_customer_only_what_they_filed():
	mine = submit(CUSTOMER_A).name
	theirs = submit(CUSTOMER_B).name
	guests = submit().name
	with as_user(CUSTOMER_A):
		assert get_form_data("Complaint", mine, "complaint").doc.name == mine
		for name in (theirs, guests):
			with pytest.raises(frappe.PermissionError):
				get_form_data("Complaint", name, "complaint")
	with as_user("Guest"), pytest.raises(frappe.PermissionError):
		get_form_data("Complaint", guests, "complaint")


def test_the_web_form_cannot_edit_a_complaint():
	name = submit(CUSTOMER_A).name
	with pytest.raises(frappe.ValidationError, match="not allowed to update"):
		submit(CUSTOMER_A, name=name, description="changed")
	assert frappe.db.get_value("Complaint", name, "description") == FORM["description"]


def test_my_complaints_is_in_the_portal_menu():
	settings = frappe.get_single("Portal Settings")
	settings.sync_menu()
	(item,) = [m for m in settings.menu if m.route == "/my-complaints"]
	assert (item.title, item.enabled, item.role) == ("My Complaints", 1, None)


# Issue 11, item 12: the reference number after submitting, and one's own complaint with the replies meant for
# the customer (/my-complaints?name=...).

INTERNAL_REPLY = "Internal: the supplier is at fault, do not tell the customer"
CUSTOMER_REPLY = "We will replace your sofa on Monday."
PHONE = "+86-13911112222"


def render(user: str, query: str = "") -> tuple[int, str, str | None]:
	"""GET /my-complaints[?query] as `user`, as the web server renders it: (status, body, Location)."""
	from frappe.utils import set_request
	from frappe.website.serve import get_response

	no_cache = getattr(frappe.local, "no_cache", None)
	try:
		with as_user(user):
			set_request(method="GET", path="/my-complaints", query_string=query)
			frappe.local.form_dict = frappe._dict(parse_qsl(query))
			frappe.local.flags.redirect_location = None
			response = get_response()
		return response.status_code, frappe.safe_decode(response.get_data()), response.headers.get("Location")
	finally:
		frappe.local.request = None
		frappe.local.form_dict = frappe._dict()
		frappe.local.flags.redirect_location = None
		frappe.local.no_cache = no_cache


def replied_complaint(email: str) -> str:
	"""A complaint of `email` (proved by its user) with an internal reply and one marked for the customer."""
	setup_people()
	name = complaint_at(
		"Acknowledged", contact_email=email, contact_phone=PHONE, description="Sofa scratched"
	)
	call(HANDLER, api.reply, name, INTERNAL_REPLY)
	call(HANDLER, api.reply, name, CUSTOMER_REPLY)
	rows = frappe.get_all("Complaint Reply", filters={"parent": name}, fields=["name", "content"])
	(visible,) = [r.name for r in rows if r.content == CUSTOMER_REPLY]
	frappe.db.set_value("Complaint Reply", visible, "visible_to_customer", 1)
	return proved(name, frappe.db.get_value("User", {"email": email}) or email)


def test_the_complaint_reply_has_a_customer_visible_flag_off_by_default():
	df = frappe.get_meta("Complaint Reply").get_field("visible_to_customer")
	assert (df.fieldtype, df.default, df.read_only) == ("Check", "0", 1)


def test_the_portal_detail_shows_the_customer_visible_replies_only():
	name = replied_complaint(CUSTOMER_A)
	received_on = frappe.db.get_value("Complaint", name, "received_on")
	status, html, _ = render(CUSTOMER_A, f"name={name}")
	assert status == 200
	assert f"Your complaint reference is <strong>{name}</strong>." in html
	assert '<span class="complaint-status">In progress</span>' in html  # Replied, as the customer sees it
	assert frappe.utils.format_date(received_on) in html and "Sofa scratched" in html
	assert CUSTOMER_REPLY in html
	for hidden in (
		INTERNAL_REPLY,
		"supplier",
		SALES,
		HANDLER,
		HANDLER.split("@")[0],
		PHONE,
		"13911112222",
		"Replied",
	):
		assert hidden not in html, hidden


def test_the_portal_detail_speaks_the_customers_language():
	name = replied_complaint(CUSTOMER_A)
	frappe.local.lang, frappe.local.lang_full_dict = "zh", None
	try:
		status, html, _ = render(CUSTOMER_A, f"name={name}")
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None
	assert status == 200
	assert f"您的投诉编号是 <strong>{name}</strong>。" in html
	assert '<span class="complaint-status">处理中</span>' in html
	assert "我们的回复" in html and CUSTOMER_REPLY in html and INTERNAL_REPLY not in html


def test_another_customers_complaint_is_not_found_like_a_missing_one():
	theirs = replied_complaint(CUSTOMER_B)
	status, html, _ = render(CUSTOMER_A, f"name={theirs}")
	missing_status, missing_html, _ = render(CUSTOMER_A, "name=CMP-1999-99999")
	assert (status, missing_status) == (404, 404)
	for leaked in (theirs, "Sofa scratched", CUSTOMER_REPLY, INTERNAL_REPLY, "Your complaint reference"):
		assert leaked not in html, leaked
	assert html == missing_html  # nothing tells an existing complaint from a missing one
	# the owner does see it
	assert render(CUSTOMER_B, f"name={theirs}")[0] == 200


def test_a_guest_is_sent_to_the_login_page():
	name = replied_complaint(CUSTOMER_A)
	for query, back in (("", "%2Fmy-complaints"), (f"name={name}", f"%2Fmy-complaints%2F{name}")):
		status, html, location = render("Guest", query)
		assert status == 302 and location == f"/login?redirect-to={back}"
		assert name not in html and CUSTOMER_REPLY not in html


def test_each_row_of_my_complaints_opens_the_complaint():
	name = replied_complaint(CUSTOMER_A)
	status, html, _ = render(CUSTOMER_A)
	assert status == 200
	assert f'<a href="/my-complaints/{name}">{name}</a>' in html
	assert CUSTOMER_REPLY not in html  # the list shows no replies, the detail does


def test_the_web_form_returns_and_shows_the_reference():
	doc = submit()
	assert doc.name.startswith("CMP-") and frappe.db.exists("Complaint", doc.name)
	from frappe.utils import get_html_for_route

	try:
		with as_user("Guest"):
			html = get_html_for_route("/complaint/new")
		frappe.local.lang, frappe.local.lang_full_dict = "zh", None
		with as_user("Guest"):
			html_zh = get_html_for_route("/complaint/new")
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None
		frappe.local.request = None
	# the success handler of complaint.js, and the translations of its texts (Frappe sends the form's only)
	assert "handle_success" in html and '__("Your complaint reference is {0}.", [' in html
	assert '"Your complaint reference is {0}.": "Your complaint reference is {0}."' in html
	assert '"Your complaint reference is {0}.": "\\u60a8' in html_zh or "您的投诉编号是 {0}。" in html_zh
