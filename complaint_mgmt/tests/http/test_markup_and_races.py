"""Markup in text fields (refused, or stored so that no raw markup ever comes back) and a concurrent double
submit of the same action, over HTTP."""

import json
import threading

import frappe
import pytest

from complaint_mgmt.tests.http.test_bad_input import API, new_complaint

MARKUP = "<script>alert(1)</script>"


def stored_markup_is_escaped(http, seed, name):
	for role in ("specialist", "handler_a"):
		for path in (
			f"/api/resource/Complaint/{name}",
			f"/api/method/frappe.desk.form.load.getdoc?doctype=Complaint&name={name}",
		):
			resp = http.as_(role).get(path)
			assert MARKUP not in resp.text, f"raw markup comes back from {path}: {resp.text[:500]}"


@pytest.mark.parametrize(
	"field,call",
	[
		(
			"reply",
			lambda sess, s: sess.method(f"{API}.reply", complaint=s.a_markup, content=f"{MARKUP}Amarkup-ZQX"),
		),
		(
			"customer_request",
			lambda sess, s: sess.put_json(
				f"/api/resource/Complaint/{s.a_markup}", {"customer_request": MARKUP}
			),
		),
		(
			"add_comment",
			lambda sess, s: sess.method(
				"run_doc_method",
				dt="Complaint",
				dn=s.a_markup,
				method="add_comment",
				args={"comment_type": "Comment", "text": MARKUP},
			),
		),
	],
)
def test_markup_in_text_fields_is_refused_or_stored_escaped(http, seed, field, call):
	resp = call(http.as_("handler_a"), seed)
	assert resp.status_code < 500, resp.text[:500]
	stored_markup_is_escaped(http, seed, seed.a_markup)


@pytest.mark.parametrize("field", ("customer_name", "description", "customer_request", "contact_email"))
def test_markup_on_registration_is_refused_or_stored_escaped(http, seed, field):
	value = f"{MARKUP}@x.example.com" if field == "contact_email" else f"{MARKUP}-ZQX"
	body = {"customer_name": "Markup-ZQX", field: value}
	resp = new_complaint(**body)(http.as_("specialist"), seed)
	assert resp.status_code < 500, resp.text[:500]
	if resp.status_code == 200:
		assert MARKUP not in resp.text
		stored_markup_is_escaped(http, seed, resp.json()["data"]["name"])


def test_web_form_markup_in_contact_email_is_refused_or_escaped(http, seed):
	data = {
		"customer_name": "Webform-ZQX",
		"contact_email": f"{MARKUP}@x.example.com",
		"description": "web markup",
		"category": "Product Quality",
	}
	resp = http.as_("guest").method(
		"frappe.website.doctype.web_form.web_form.accept", web_form="complaint", data=json.dumps(data)
	)
	assert resp.status_code < 500, resp.text[:500]
	frappe.db.rollback()
	stored = frappe.get_all("Complaint", {"customer_name": "Webform-ZQX"}, pluck="contact_email")
	assert all(MARKUP not in (v or "") for v in stored), stored


def test_concurrent_double_acknowledge_signs_once(http, seed):
	"""Two sessions of handler A acknowledge the same transfer at once: one 2xx, one 4xx, one signature."""
	sessions = [http.new_session("handler_a"), http.new_session("handler_a")]
	results = [None, None]
	barrier = threading.Barrier(2)

	def run(i):
		barrier.wait()
		results[i] = sessions[i].method(f"{API}.acknowledge", complaint=seed.a_race)

	threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
	for t in threads:
		t.start()
	for t in threads:
		t.join(timeout=120)
	statuses = sorted(r.status_code for r in results)
	assert statuses[0] == 200 and 400 <= statuses[1] < 500, [r.text[:300] for r in results]
	frappe.db.rollback()
	signed = frappe.get_all(
		"Complaint Transfer Record",
		{"complaint": seed.a_race, "status": "Acknowledged"},
		pluck="acknowledged_on",
	)
	assert len(signed) == 1
	assert frappe.db.get_value("Complaint", seed.a_race, "status") == "Acknowledged"


def test_a_delete_that_meets_a_held_row_lock_is_told_to_try_again(http, seed):
	"""Frappe's delete_doc takes the row's lock without waiting; while another transaction (here the test's own
	connection) holds it, the answer is Frappe's 508 "please try again" with its message, not a 500, and nothing
	is deleted (ops/lock_conflicts.py). Without the lock the same call is the plain refusal (a submitted notice
	cannot be deleted)."""
	notice = frappe.qb.DocType("Complaint Penalty Notice")
	frappe.db.rollback()
	frappe.qb.from_(notice).select(notice.name).where(notice.name == seed.a_notice).for_update().run()
	try:
		resp = http.as_("manager").method(
			"frappe.client.delete", doctype="Complaint Penalty Notice", name=seed.a_notice
		)
	finally:
		frappe.db.rollback()  # releases the lock
	assert resp.status_code == 508, resp.text[:500]
	body = resp.json()
	assert body["exc_type"] == "QueryTimeoutError" and "exc" not in body
	messages = [json.loads(m)["message"] for m in json.loads(body["_server_messages"])]
	assert any("can not be deleted right now" in m for m in messages), messages
	assert frappe.db.exists("Complaint Penalty Notice", seed.a_notice)
	resp = http.as_("manager").method(
		"frappe.client.delete", doctype="Complaint Penalty Notice", name=seed.a_notice
	)
	assert resp.status_code in (403, 417) and "Submitted Record cannot be deleted" in resp.text, resp.text[
		:500
	]
	assert frappe.db.exists("Complaint Penalty Notice", seed.a_notice)
