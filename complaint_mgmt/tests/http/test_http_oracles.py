"""Oracles: an aggregate endpoint must not answer differently for a true and a false guess about data the caller
may not read. Each endpoint runs twice with filters that differ only in the guess:

- "department": department B (or B's complaint name) against a department / name that matches nothing, for
  the department roles, the customer and the guest (the complaint manager's answers must differ: control);
- "phone": B's true phone prefix against a false one (permission level 1), for every role without it and for
  department A (the complaint manager and the specialist must see the difference: control).
"""

import json

import pytest

from complaint_mgmt.tests.http.probe import assert_not_server_error, body_text, forbidden, leaks

TRUE_FALSE = {
	"department": (
		lambda s: [["department", "=", s.dept_b]],
		lambda s: [["department", "=", "HTTP Dept NONE-ZQX"]],
	),
	"name": (lambda s: [["name", "=", s.b_open]], lambda s: [["name", "=", "CMP-1999-99999"]]),
	"phone": (
		lambda s: [["contact_phone", "like", "+86-139-7777-42%"]],
		lambda s: [["contact_phone", "like", "+86-139-0000-00%"]],
	),
}
BLIND = {
	"department": ("handler_a", "deptmgr_a", "customer", "guest"),
	"name": ("handler_a", "deptmgr_a", "customer", "guest"),
	"phone": ("handler_a", "deptmgr_a", "approver", "executor", "customer", "guest"),
}
SEEING = {"department": ("manager",), "name": ("manager",), "phone": ("manager", "specialist")}


def qualify(filters, doctype="Complaint"):
	return [[doctype, *f] for f in filters]


def heatmap(chart_type):
	def call(sess, filters):
		chart = {
			"name": "probe-zqx",
			"chart_type": chart_type,
			"type": "Heatmap",
			"document_type": "Complaint",
			"based_on": "received_on",
			"filters_json": json.dumps(qualify(filters)),
		}
		# no_cache: Frappe's cache_source then drops every argument but the chart (the year is the current one)
		return sess.method("frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart=chart, no_cache=1)

	return call


def timeseries(sess, filters):
	chart = {
		"name": "probe-zqx-line",
		"chart_type": "Count",
		"type": "Line",
		"document_type": "Complaint",
		"based_on": "received_on",
		"timeseries": 1,
		"timespan": "Last Year",
		"time_interval": "Daily",
		"filters_json": json.dumps(qualify(filters)),
	}
	return sess.method("frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart=chart, no_cache=1)


def group_by_chart(sess, filters):
	chart = {
		"name": "probe-zqx-group",
		"chart_type": "Group By",
		"type": "Bar",
		"document_type": "Complaint",
		"group_by_type": "Count",
		"group_by_based_on": "status",
		"filters_json": json.dumps(qualify(filters)),
	}
	return sess.method("frappe.desk.doctype.dashboard_chart.dashboard_chart.get", chart=chart, no_cache=1)


ENDPOINTS = {
	"client.get_count": lambda sess, f: sess.get_method(
		"frappe.client.get_count", doctype="Complaint", filters=f
	),
	"reportview.get_count": lambda sess, f: sess.method(
		"frappe.desk.reportview.get_count", doctype="Complaint", filters=qualify(f)
	),
	"client.get_list": lambda sess, f: sess.get_method(
		"frappe.client.get_list",
		doctype="Complaint",
		fields=["name", "status"],
		filters=f,
		limit_page_length=500,
	),
	"resource_list": lambda sess, f: sess.get(
		"/api/resource/Complaint", {"fields": ["name", "status"], "filters": f, "limit_page_length": 500}
	),
	"reportview.get": lambda sess, f: sess.method(
		"frappe.desk.reportview.get",
		doctype="Complaint",
		fields=["`tabComplaint`.`name`"],
		filters=qualify(f),
	),
	"get_group_by_count[status]": lambda sess, f: sess.method(
		"frappe.desk.listview.get_group_by_count",
		doctype="Complaint",
		current_filters=qualify(f),
		field="status",
	),
	"get_group_by_count[assigned_to]": lambda sess, f: sess.method(
		"frappe.desk.listview.get_group_by_count",
		doctype="Complaint",
		current_filters=qualify(f),
		field="assigned_to",
	),
	"reportview.get_stats": lambda sess, f: sess.method(
		"frappe.desk.reportview.get_stats", stats=["status"], doctype="Complaint", filters=qualify(f)
	),
	"dashboard_chart[Heatmap Count]": heatmap("Count"),
	"dashboard_chart[Heatmap Sum]": heatmap("Sum"),
	"dashboard_chart[Line Count]": timeseries,
	"dashboard_chart[Group By]": group_by_chart,
	"number_card.get_result": lambda sess, f: sess.method(
		"frappe.desk.doctype.number_card.number_card.get_result",
		doc={"function": "Count", "document_type": "Complaint"},
		filters=qualify(f),
	),
	"search_widget": lambda sess, f: sess.method(
		"frappe.desk.search.search_widget",
		doctype="Complaint",
		txt="",
		filters=f,
		ignore_user_permissions=1,
		page_length=500,
	),
}


def payload(resp):
	try:
		return resp.json()
	except ValueError:
		return resp.text


def answer(responses) -> list:
	"""What a caller learns from the responses: status and payload (or the refusal's kind)."""
	responses = responses if isinstance(responses, list) else [responses]
	out = []
	for resp in responses:
		assert_not_server_error(resp)
		out.append((resp.status_code, payload(resp) if resp.status_code == 200 else "refused"))
	return out


# Endpoints the fix may close for everybody (then the control has nothing to distinguish).
CLOSABLE = {e for e in ENDPOINTS if e.startswith("dashboard_chart")}

# Endpoints the fix may close for everybody (then the control has nothing to distinguish).
CLOSABLE = {e for e in ENDPOINTS if e.startswith("dashboard_chart")}

CASES = [
	pytest.param(endpoint, oracle, role, id=f"{endpoint}-{oracle}-{role}")
	for endpoint in ENDPOINTS
	for oracle in TRUE_FALSE
	for role in BLIND[oracle]
]
CONTROLS = [
	pytest.param(endpoint, oracle, role, id=f"{endpoint}-{oracle}-{role}")
	for endpoint in ENDPOINTS
	for oracle in TRUE_FALSE
	for role in SEEING[oracle]
]


@pytest.mark.parametrize("endpoint,oracle,role", CASES)
def test_no_oracle(http, seed, endpoint, oracle, role):
	sess = http.as_(role)
	true, false = TRUE_FALSE[oracle]
	got_true, got_false = ENDPOINTS[endpoint](sess, true(seed)), ENDPOINTS[endpoint](sess, false(seed))
	assert answer(got_true) == answer(got_false), f"{endpoint} tells a true {oracle} guess from a false one"
	for resp in got_true if isinstance(got_true, list) else [got_true]:
		found = leaks(
			body_text(resp), {k: v for k, v in forbidden(seed, role).items() if "department B" not in k}
		)
		assert not found, f"{endpoint} leaks {found}: {resp.text[:500]}"


@pytest.mark.parametrize("endpoint,oracle,role", CONTROLS)
def test_oracle_probe_distinguishes_for_a_role_that_may_see(http, seed, endpoint, oracle, role):
	sess = http.as_(role)
	true, false = TRUE_FALSE[oracle]
	got_true, got_false = (
		answer(ENDPOINTS[endpoint](sess, true(seed))),
		answer(ENDPOINTS[endpoint](sess, false(seed))),
	)
	if endpoint in CLOSABLE and got_true == got_false == [(403, "refused")]:
		return  # ad-hoc charts closed for everybody (the probe was proved against the unfixed app)
	assert all(status == 200 for status, _ in got_true), got_true
	assert got_true != got_false, f"{endpoint}: the probe cannot tell the guesses apart even for {role}"
