"""Print views, PDFs, print formats rendered from made-up documents, private files and attaching another
department's file x every role."""

import shutil

import frappe
import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.matrix import (
	ANSWERS,
	Probe,
	check_control,
	check_read,
	closed_for_everybody,
	controls,
	matrix,
)
from complaint_mgmt.tests.http.probe import assert_no_leak, assert_refused, forbidden, markers_b

HANDLING = "Complaint Handling Document"


def made_up_complaint(s) -> dict:
	"""A document that claims to be B's complaint but carries department A (passes a naive permission check)."""
	return {
		"doctype": "Complaint",
		"name": s.b_open,
		"department": seeding.DEPT_A,
		"customer_name": "Made-up",
		"status": "Replied",
		"grade": "General",
		"category": "Product Quality",
		"channel": "Phone",
		"received_on": "2026-01-05 09:00:00",
		"description": "made up",
		"docstatus": 0,
	}


def made_up_notice(s) -> dict:
	return {
		"doctype": "Complaint Penalty Notice",
		"name": "CPN-MADE-UP",
		"department": seeding.DEPT_A,
		"complaint": s.b_open,
		"breach_type": "Transfer",
		"grade": "General",
		"docstatus": 1,
	}


def html_and_style(doc_of, print_format):
	return lambda sess, s: sess.method(
		"frappe.www.printview.get_html_and_style", doc=doc_of(s), print_format=print_format, no_letterhead=1
	)


PROBES = [
	Probe(
		"printview[B, handling document]",
		lambda sess, s: sess.get(
			"/printview", {"doctype": "Complaint", "name": s.b_open, "format": HANDLING}
		),
	),
	Probe(
		"printview[B, standard]",
		lambda sess, s: sess.get("/printview", {"doctype": "Complaint", "name": s.b_open}),
	),
	Probe(
		"printview[B notice]",
		lambda sess, s: sess.get(
			"/printview",
			{"doctype": "Complaint Penalty Notice", "name": s.b_notice, "format": "Complaint Penalty Notice"},
		),
	),
	# The bulletin is company-wide (department totals are its content); the notices' lines are not.
	Probe(
		"printview[Penalty Bulletin]",
		lambda sess, s: sess.get(
			"/printview",
			{"doctype": "Complaint Penalty Bulletin", "name": s.bulletin, "format": "Penalty Bulletin"},
		),
		department_name=False,
	),
	Probe(
		"get_html_and_style[Penalty Bulletin]",
		lambda sess, s: sess.method(
			"frappe.www.printview.get_html_and_style",
			doc="Complaint Penalty Bulletin",
			name=s.bulletin,
			print_format="Penalty Bulletin",
		),
		department_name=False,
	),
	Probe(
		"get_html_and_style[made-up complaint]", html_and_style(made_up_complaint, HANDLING), closable=True
	),
	Probe(
		"get_html_and_style[made-up notice]",
		html_and_style(made_up_notice, "Complaint Penalty Notice"),
		closable=True,
	),
	Probe(
		"download_pdf[B]",
		lambda sess, s: sess.get_method(
			"frappe.utils.print_format.download_pdf", doctype="Complaint", name=s.b_open, format=HANDLING
		),
		control=ANSWERS if shutil.which("wkhtmltopdf") else None,  # without it: test_pdf_of_b_is_refused...
	),
	Probe(
		"private file[B]",
		lambda sess, s: sess.get(s.b_file.url),
		control_role="sysmgr",
	),
	Probe(
		"download_file[B]",
		lambda sess, s: sess.get_method("frappe.handler.download_file", file_url=s.b_file.url),
		control_role="sysmgr",
	),
]


@matrix(PROBES)
def test_print_and_file_endpoints(http, seed, probe, role):
	check_read(http, seed, probe, role)


@controls(PROBES)
def test_print_probe_reaches_department_b_as_control_role(http, seed, probe):
	check_control(http, seed, probe)


def test_made_up_complaint_renders_for_the_specialist_with_b_records(http, seed):
	"""Control of the made-up document probe: rendered for a role that may read B, it does show B's records."""
	resp = html_and_style(made_up_complaint, HANDLING)(http.as_("specialist"), seed)
	if closed_for_everybody(resp):
		return  # printing posted documents is closed altogether
	assert resp.status_code == 200, resp.text[:500]
	assert seed.b_records[0] in resp.text or seeding.DEPT_B in resp.text, resp.text[:500]


@pytest.mark.parametrize("role", ("handler_a", "deptmgr_a", "customer", "guest"))
def test_pdf_of_b_is_refused_before_rendering(http, seed, role):
	"""Refused on permission (4xx), whether or not wkhtmltopdf is installed."""
	resp = http.as_(role).get_method(
		"frappe.utils.print_format.download_pdf", doctype="Complaint", name=seed.b_open, format=HANDLING
	)
	assert_refused(resp)
	assert_no_leak(resp, forbidden(seed, role))


def new_files(url: str) -> int:
	frappe.db.rollback()
	return frappe.db.count("File", {"file_url": url})


def test_attaching_another_departments_private_file_is_refused(http, seed):
	"""upload_file with file_url = B's private file, attached to A's complaint, as handler A: refused, no File row;
	the file itself stays unreadable to handler A."""
	sess = http.as_("handler_a")
	before = new_files(seed.b_file.url)
	resp = sess.post(
		"/api/method/upload_file",
		{
			"file_url": seed.b_file.url,
			"doctype": "Complaint",
			"docname": seed.a_open,
			"is_private": 1,
			"file_name": "stolen.txt",
		},
	)
	assert_refused(resp)
	assert new_files(seed.b_file.url) == before
	for path in (seed.b_file.url, f"/api/method/frappe.handler.download_file?file_url={seed.b_file.url}"):
		got = sess.get(path)
		assert seeding.B_FILE not in got.text
		assert got.status_code >= 400, f"{path}: {got.status_code}"


def test_attaching_own_file_works_for_handler_a(http, seed):
	"""Control: the same upload of a new file to A's complaint is accepted (the probe's parameters are right)."""
	sess = http.as_("handler_a")
	resp = sess.post(
		"/api/method/upload_file",
		{"doctype": "Complaint", "docname": seed.a_markup, "is_private": 1},
		files={"file": ("a-note-zqx.txt", b"A note ZQX", "text/plain")},
	)
	assert resp.status_code == 200, resp.text[:500]
	assert_no_leak(resp, forbidden(seed, "handler_a"))


def test_markers_of_b_are_complete(seed):
	"""The B markers name every kind of record the probes look for."""
	labels = " ".join(markers_b(seed))
	for kind in ("complaint", "transfer record", "notice", "customer", "reply", "phone", "file", "receiver"):
		assert kind in labels
