"""Single documents, forms, the app's read functions, reports, the workspace's charts and cards, the web form and
the customer portal x every role."""

import json

import frappe
import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.matrix import ANSWERS, Probe, check_control, check_read, controls, matrix
from complaint_mgmt.tests.http.probe import (
	DEPARTMENT_ROLES,
	OUTSIDERS,
	assert_not_server_error,
	is_refusal,
	message,
)

REPORTS = (
	"Weekly Complaint Summary",
	"Irrational Complaint Statistics",
	"Complaint Penalty Summary",
	"Complaint Closure Performance",
	"Overdue Complaints",
)


def resource(doctype, name_of):
	return lambda sess, s: sess.get(f"/api/resource/{doctype}/{name_of(s)}")


def report_filters(s) -> dict:
	return {"from_date": s.from_date, "to_date": s.to_date}


def run_report(report):
	return lambda sess, s: sess.method(
		"frappe.desk.query_report.run",
		report_name=report,
		filters=report_filters(s),
		ignore_prepared_report=1,
	)


def export_report(report):
	return lambda sess, s: sess.method(
		"frappe.desk.query_report.export_query",
		report_name=report,
		file_format_type="CSV",
		filters=report_filters(s),
		visible_idx=list(range(100)),
		include_indentation=0,
	)


def form_data(name_of):
	return lambda sess, s: sess.get_method(
		"frappe.website.doctype.web_form.web_form.get_form_data",
		doctype="Complaint",
		docname=name_of(s),
		web_form_name="complaint",
	)


PROBES = [
	Probe("resource[Complaint]", resource("Complaint", lambda s: s.b_open)),
	Probe("resource[Transfer Record]", resource("Complaint Transfer Record", lambda s: s.b_records[0])),
	Probe("resource[Penalty Notice]", resource("Complaint Penalty Notice", lambda s: s.b_notice)),
	Probe("resource[File]", resource("File", lambda s: s.b_file.name), control_role="sysmgr"),
	Probe("resource[Communication]", resource("Communication", lambda s: s.b_comm), control_role="sysmgr"),
	Probe("resource[Comment]", resource("Comment", lambda s: s.b_comments[0]), control_role="sysmgr"),
	Probe("resource[Version]", resource("Version", lambda s: s.b_versions[-1]), control_role="sysmgr"),
	Probe("resource[ToDo]", resource("ToDo", lambda s: s.b_todos[0]), control_role="sysmgr"),
	Probe(
		"client.get",
		lambda sess, s: sess.get_method("frappe.client.get", doctype="Complaint", name=s.b_open),
	),
	Probe(
		"client.get_value",
		lambda sess, s: sess.get_method(
			"frappe.client.get_value",
			doctype="Complaint",
			fieldname=["customer_name", "contact_phone", "description"],
			filters={"name": s.b_open},
		),
	),
	Probe(
		"load.getdoc[B]",
		lambda sess, s: sess.get_method("frappe.desk.form.load.getdoc", doctype="Complaint", name=s.b_open),
	),
	# A's own complaint: a role without permission level 1 must not get the phone (versions, docinfo)
	Probe(
		"load.getdoc[A]",
		lambda sess, s: sess.get_method("frappe.desk.form.load.getdoc", doctype="Complaint", name=s.a_open),
		control=ANSWERS,
	),
	Probe(
		"load.getdoc[B transfer record]",
		lambda sess, s: sess.get_method(
			"frappe.desk.form.load.getdoc", doctype="Complaint Transfer Record", name=s.b_records[0]
		),
	),
	Probe(
		"load.getdoctype",
		lambda sess, s: sess.get_method("frappe.desk.form.load.getdoctype", doctype="Complaint"),
		control=ANSWERS,
	),
	Probe(
		"linked_with.get",
		lambda sess, s: sess.method(
			"frappe.desk.form.linked_with.get", doctype="Complaint", docname=s.b_open
		),
		control_role="sysmgr",  # Frappe lists every linked doctype: the complaint manager may not read all
	),
	Probe(
		"linked_with.get_submitted_linked_docs",
		lambda sess, s: sess.method(
			"frappe.desk.form.linked_with.get_submitted_linked_docs", doctype="Complaint", name=s.b_open
		),
		control=ANSWERS,
		control_role="sysmgr",
	),
	Probe(
		"api.earlier_complaints",
		lambda sess, s: sess.method("complaint_mgmt.api.earlier_complaints", complaint=s.b_transferred),
	),
	Probe(
		"api.actions",
		lambda sess, s: sess.method("complaint_mgmt.api.actions", complaint=s.b_open),
		control=ANSWERS,
	),
	*(Probe(f"query_report.run[{r}]", run_report(r), control=ANSWERS) for r in REPORTS),
	*(Probe(f"query_report.export_query[{r}]", export_report(r), control=ANSWERS) for r in REPORTS),
	Probe("web_form.get_form_data[A open]", form_data(lambda s: s.a_open), control=None),
	Probe("web_form.get_form_data[A closed]", form_data(lambda s: s.a_closed), control=None),
	Probe("web_form.get_form_data[A irrational]", form_data(lambda s: s.a_irrational), control=None),
	Probe("web_form.get_form_data[B]", form_data(lambda s: s.b_open), control=None),
	Probe("page[/my-complaints]", lambda sess, s: sess.get("/my-complaints"), control=None),
	Probe("page[/complaint]", lambda sess, s: sess.get("/complaint"), control=None),
]


@matrix(PROBES)
def test_document_endpoints(http, seed, probe, role):
	check_read(http, seed, probe, role)


@controls(PROBES)
def test_document_probe_reaches_department_b_as_control_role(http, seed, probe):
	check_control(http, seed, probe)


def test_customer_sees_own_complaint_in_portal_and_web_form(http, seed):
	"""Positive control of the customer's probes: the portal lists A's complaints, the web form opens them."""
	sess = http.as_("customer")
	page = sess.get("/my-complaints")
	assert page.status_code == 200 and seed.a_open in page.text, page.text[:500]
	resp = form_data(lambda s: s.a_open)(sess, seed)
	assert resp.status_code == 200 and seed.a_open in resp.text, resp.text[:500]


# The workspace's charts and number cards: a department user's totals never exceed its departments' complaints.

CHARTS = ("Complaints by Category", "Complaints by Status", "Weekly Complaint Trend")
CARDS = ("Open Complaints",)
CUSTOM_CARDS = (
	"complaint_mgmt.outputs.dashboards.penalties_last_week",
	"complaint_mgmt.outputs.dashboards.overdue_count",
	"complaint_mgmt.outputs.dashboards.first_closure_rate",
)


def chart_total(resp) -> float:
	data = message(resp) or {}
	return sum(sum(v or 0 for v in ds.get("values", [])) for ds in data.get("datasets", []))


def visible_to_a() -> int:
	frappe.db.rollback()
	return frappe.db.count("Complaint", {"department": seeding.DEPT_A})


@pytest.mark.parametrize("role", [*DEPARTMENT_ROLES, *OUTSIDERS])
@pytest.mark.parametrize("chart", CHARTS)
def test_workspace_chart_counts_only_own_department(http, seed, chart, role):
	url = "frappe.desk.doctype.dashboard_chart.dashboard_chart.get"
	control = http.as_("manager").method(
		url, chart_name=chart, refresh=1
	)  # fills Frappe's shared chart cache
	assert control.status_code == 200 and chart_total(control) > visible_to_a(), control.text[:500]
	for refresh in (0, 1):
		resp = http.as_(role).method(url, chart_name=chart, refresh=refresh)
		assert_not_server_error(resp)
		if not is_refusal(resp):
			assert chart_total(resp) <= visible_to_a(), (
				f"{chart} (refresh={refresh}) counts {resp.text[:500]}"
			)


@pytest.mark.parametrize("role", [*DEPARTMENT_ROLES, *OUTSIDERS])
@pytest.mark.parametrize("card", CARDS)
def test_workspace_number_card_counts_only_own_department(http, seed, card, role):
	frappe.db.rollback()
	doc = frappe.get_doc("Number Card", card).as_dict()
	args = {"doc": json.dumps(doc, default=str), "filters": doc.filters_json}
	url = "frappe.desk.doctype.number_card.number_card.get_result"
	control = http.as_("manager").method(url, **args)
	assert control.status_code == 200, control.text[:500]
	resp = http.as_(role).method(url, **args)
	assert_not_server_error(resp)
	if card == "Open Complaints":
		assert (message(control) or 0) > visible_to_a()
	if not is_refusal(resp):
		limit = visible_to_a() if card == "Open Complaints" else 0
		assert (message(resp) or 0) <= limit, resp.text[:300]


@pytest.mark.parametrize("role", [*DEPARTMENT_ROLES, *OUTSIDERS])
@pytest.mark.parametrize("method", CUSTOM_CARDS)
def test_workspace_custom_cards_answer_within_department(http, seed, method, role):
	resp = http.as_(role).method(method)
	assert_not_server_error(resp)
	if role in OUTSIDERS:
		assert is_refusal(resp), resp.text[:300]
	else:
		value = (message(resp) or {}).get("value", 0)
		assert value <= (100 if "rate" in method else visible_to_a()), resp.text[:300]
