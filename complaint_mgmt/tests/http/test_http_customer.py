"""Issue 19 §10-11 over HTTP: the customer's page /my-complaints/<reference> (another customer's reference answers
404, like a missing one) and the satisfaction survey's link: no login needed, single use, refused once expired."""

import re
from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt import api
from complaint_mgmt.loop import survey
from complaint_mgmt.tests.http import seed as s
from complaint_mgmt.tests.http.probe import forbidden

INVALID = "This link is not valid, was used already or has expired."


def close_requested(seed, customer_name: str) -> str:
	customer = seed.users["customer"]
	name = s.new_complaint(
		customer_name, "+86-138-0000-0098", "Survey-ZQX sofa", owner=customer, contact_email=customer
	)
	s.walk(name, s.DEPT_A, "handler_a", "We replace it")
	s.as_user("handler_a", api.request_close, name, s.A_RESOLUTION, s.A_ROOT_CAUSE, s.GOOD_ACTION)
	return name


@pytest.fixture(scope="module")
def surveyed(seed, http) -> frappe._dict:
	"""Two complaints of the portal customer at Close Requested, each with its survey link (committed: the
	server is another process; the package's cleanup removes them by their -ZQX customer name)."""
	fresh = close_requested(seed, "Survey-ZQX fresh")
	old = close_requested(seed, "Survey-ZQX expired")
	fresh_survey, fresh_key = survey.open_survey(frappe.get_doc("Complaint", fresh))
	old_survey, old_key = survey.open_survey(frappe.get_doc("Complaint", old))
	frappe.db.set_value("Complaint Survey", old_survey, "expires_on", now_datetime() - timedelta(minutes=1))
	frappe.db.commit()  # nosemgrep -- the server must see it
	return frappe._dict(
		fresh=fresh,
		fresh_survey=fresh_survey,
		fresh_key=fresh_key,
		old=old,
		old_survey=old_survey,
		old_key=old_key,
	)


def test_the_customers_page_by_reference(http, seed, surveyed):
	resp = http.as_("customer").get(f"/my-complaints/{surveyed.fresh}")
	assert resp.status_code == 200, resp.text[:300]
	assert "Solution proposed" in resp.text and "Survey-ZQX sofa" in resp.text


def test_another_customers_reference_answers_404(http, seed, surveyed):
	"""Like a missing one: the same page (the 404 page repeats the requested path), nothing of B's besides."""
	pages = {}
	for name in (seed.b_open, "CMP-1999-99999"):
		resp = http.as_("customer").get(f"/my-complaints/{name}")
		assert resp.status_code == 404
		pages[name] = resp.text.replace(name, "<reference>")
		for label, pattern in forbidden(seed, "customer").items():
			assert not re.search(pattern, pages[name]), f"{label} on the 404 of {name}"
	assert pages[seed.b_open] == pages["CMP-1999-99999"]
	# a department user of another department is no customer of it either
	assert http.as_("handler_b").get(f"/my-complaints/{surveyed.fresh}").status_code == 404


def test_the_survey_needs_no_login_and_is_single_use(http, db, surveyed):
	query = {"survey": surveyed.fresh_survey, "key": surveyed.fresh_key}
	page = http.as_("guest").get("/complaint-survey", query)
	assert page.status_code == 200 and 'class="survey-form"' in page.text
	data = {**query, "satisfied": "1", "score": "5", "comment": "Survey-ZQX thanks"}
	resp = http.as_("guest").post("/api/method/complaint_mgmt.loop.survey.answer", data)
	assert resp.status_code == 200, resp.text[:500]
	assert db.get_value("Complaint", surveyed.fresh, "status") == "Return Visited"
	assert db.get_value("Complaint Survey", surveyed.fresh_survey, ["status", "score"]) == ("Answered", 5)
	again = http.as_("guest").post(
		"/api/method/complaint_mgmt.loop.survey.answer", {**data, "satisfied": "0"}
	)
	assert again.status_code == 417 and INVALID in again.text
	assert db.get_value("Complaint", surveyed.fresh, "status") == "Return Visited"
	page = http.as_("guest").get("/complaint-survey", query)
	assert page.status_code == 200 and INVALID in page.text and 'class="survey-form"' not in page.text


def test_an_expired_survey_link_is_refused(http, db, surveyed):
	query = {"survey": surveyed.old_survey, "key": surveyed.old_key}
	assert INVALID in http.as_("guest").get("/complaint-survey", query).text
	data = {**query, "satisfied": "0", "score": "1"}
	resp = http.as_("guest").post("/api/method/complaint_mgmt.loop.survey.answer", data)
	assert resp.status_code == 417 and INVALID in resp.text
	assert db.get_value("Complaint", surveyed.old, "status") == "Close Requested"
	assert db.get_value("Complaint Survey", surveyed.old_survey, "status") == "Sent"
