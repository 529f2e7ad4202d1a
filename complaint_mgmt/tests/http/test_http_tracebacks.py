"""Issue 17, build item 5 over HTTP: no traceback reaches a caller who is not a System Manager, whatever the
site's error-traceback setting (security/tracebacks.py). The site's ``allow_error_traceback`` is switched on for
this module; a System Manager still gets the traceback (the control that shows the probes would see one)."""

import json
import shutil

import frappe
import pytest
from werkzeug.wrappers import Response

from complaint_mgmt.security import tracebacks
from complaint_mgmt.tests.http import seed as s

TRACE = "Traceback (most recent call last)"


@pytest.fixture(scope="module", autouse=True)
def tracebacks_allowed(seed):
	before = frappe.db.get_single_value("System Settings", "allow_error_traceback")
	frappe.db.set_single_value("System Settings", "allow_error_traceback", 1)
	frappe.clear_document_cache("System Settings", "System Settings")
	frappe.db.commit()  # nosemgrep -- the server (another process) reads the setting
	yield
	frappe.db.set_single_value("System Settings", "allow_error_traceback", before)
	frappe.clear_document_cache("System Settings", "System Settings")
	frappe.db.commit()  # nosemgrep -- the site's own setting back


def reply_row(seed) -> str:
	frappe.db.rollback()
	return frappe.db.get_value("Complaint Reply", {"parent": seed.a_open, "parenttype": "Complaint"}, "name")


def failing_calls(seed):
	"""(what, request) pairs that fail on the server: a validation error, a permission error, a body Frappe
	cannot parse (before any hook runs) and an HTML page request for a missing document."""
	return [
		(
			"refused action",
			lambda sess: sess.method("complaint_mgmt.api.reply", complaint=seed.a_registered, content="x"),
		),
		(
			"list without permission",
			lambda sess: sess.get("/api/resource/Error Log", {"fields": '["name"]'}),
		),
		(
			"malformed body",
			lambda sess: sess._go(
				"PUT",
				f"/api/resource/Complaint/{seed.a_open}",
				data=b"{oops",
				headers={"Content-Type": "application/json"},
			),
		),
		(
			"set_value on a child row",
			lambda sess: sess.method(
				"frappe.client.set_value",
				doctype="Complaint Reply",
				name=reply_row(seed),
				fieldname="content",
				value="x",
			),
		),
	] + ([] if shutil.which("wkhtmltopdf") else [("server error", pdf_without_engine)])


def pdf_without_engine(sess):
	"""A real 500 of Frappe's: the PDF of a complaint the caller may read, without wkhtmltopdf (an OSError)."""
	resp = sess.get_method(
		"frappe.utils.print_format.download_pdf",
		doctype="Complaint",
		name=sess.client.seed.a_open,
		format="Complaint Handling Document",
	)
	if sess.role in ("handler_a", "sysmgr"):
		assert resp.status_code == 500, resp.text[:300]
	return resp


@pytest.mark.parametrize("role", ["handler_a", "executor", "customer", "guest"])
def test_no_traceback_for_a_caller_who_is_not_a_system_manager(http, seed, role):
	sess = http.as_(role)
	for what, call in failing_calls(seed):
		resp = call(sess)
		assert resp.status_code >= 400, (what, resp.status_code)
		assert TRACE not in resp.text and 'File \\"apps/' not in resp.text, (what, resp.text[:600])
		body = resp.json()
		assert not {"exc", "exception", "_exc_source"} & set(body), (what, sorted(body))


def test_a_system_manager_still_gets_the_traceback(http, seed):
	resp = http.as_("sysmgr").method("complaint_mgmt.api.reply", complaint=seed.a_registered, content="x")
	assert resp.status_code >= 400
	assert TRACE in json.loads(resp.json()["exc"])[0]
	if not shutil.which("wkhtmltopdf"):
		resp = pdf_without_engine(http.as_("sysmgr"))
		assert TRACE in json.loads(resp.json()["exc"])[0] and "wkhtmltopdf" in resp.text


def fake(body, mimetype="application/json", status=500) -> Response:
	data = json.dumps(body) if mimetype == "application/json" else body
	return Response(data, status=status, mimetype=mimetype)


def test_a_server_error_is_stripped_after_the_request(seed):
	"""The 500 path (no endpoint of the app or Frappe is left that crashes on purpose): Frappe's JSON error and
	its HTML error page, as handle_exception builds them with the setting on, pass through the after_request
	hook as a customer and as a System Manager."""
	trace = f'{TRACE}:\n  File "apps/frappe/frappe/app.py", line 114, in application\nZeroDivisionError'
	json_error = {
		"exception": "ZeroDivisionError: division by zero",
		"exc_type": "ZeroDivisionError",
		"exc": json.dumps([trace]),
		"_exc_source": "frappe (app)",
		"_server_messages": json.dumps([json.dumps({"message": trace})]),
	}
	page = f"<html><body><h1>Server Error</h1><pre>{trace}</pre><p>Contact us</p></body></html>"
	previous = frappe.session.user
	try:
		frappe.set_user(s.user("customer"))
		response = fake(json_error)
		tracebacks.strip_tracebacks(response)
		body = json.loads(response.get_data())
		assert TRACE not in response.get_data(as_text=True)
		assert body["exc_type"] == "ZeroDivisionError" and not {"exc", "exception", "_exc_source"} & set(body)
		response = fake(page, "text/html")
		tracebacks.strip_tracebacks(response)
		assert TRACE not in response.get_data(as_text=True) and "Contact us" in response.get_data(
			as_text=True
		)

		frappe.set_user(s.user("sysmgr"))
		response = fake(json_error)
		tracebacks.strip_tracebacks(response)
		assert json.loads(response.get_data())["exc"] == json_error["exc"]
	finally:
		frappe.set_user(previous)
