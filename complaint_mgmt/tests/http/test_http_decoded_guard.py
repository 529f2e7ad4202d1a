"""Issue 17's probes, over HTTP as each role meets them: the guard judges decoded arguments (escapes, case,
JSON in JSON), child rows and Frappe's rows follow the registry's rules, link columns do not reach another
department's record, generic writes on an unreadable document are refused, malformed list arguments are 4xx."""

import json

import frappe
import pytest

from complaint_mgmt.tests.http import seed as s
from complaint_mgmt.tests.http.probe import (
	assert_no_leak,
	assert_not_server_error,
	assert_refused,
	assert_unchanged,
	forbidden,
	message,
	snapshot,
)

ESCAPED = '[["contact\\u005fphone", "like", "%4242%"]]'  # "contact_phone" once Frappe decodes the JSON
NO_CONTACT_LEVEL = ("executor", "approver")


def oracle_calls(filters: str):
	"""Every endpoint family that takes filters, with the escaped filter on the customer's phone."""
	return {
		"client.get_count": lambda x: x.get_method(
			"frappe.client.get_count", doctype="Complaint", filters=filters
		),
		"client.get_list": lambda x: x.get_method(
			"frappe.client.get_list", doctype="Complaint", filters=filters, fields='["name"]'
		),
		"client.get_value": lambda x: x.get_method(
			"frappe.client.get_value", doctype="Complaint", filters=filters, fieldname="name"
		),
		"resource filters": lambda x: x.get("/api/resource/Complaint", {"filters": filters}),
		"resource or_filters": lambda x: x.get("/api/resource/Complaint", {"or_filters": filters}),
		"reportview.get": lambda x: x.post(
			"/api/method/frappe.desk.reportview.get",
			{"doctype": "Complaint", "filters": filters, "fields": '["name"]'},
		),
		"reportview.get_stats": lambda x: x.post(
			"/api/method/frappe.desk.reportview.get_stats",
			{"doctype": "Complaint", "filters": filters, "stats": '["status"]'},
		),
		"search_widget": lambda x: x.post(
			"/api/method/frappe.desk.search.search_widget",
			{"doctype": "Complaint", "txt": "", "filters": filters},
		),
		"number_card": lambda x: x.post(
			"/api/method/frappe.desk.doctype.number_card.number_card.get_result",
			{
				"doc": json.dumps(
					{
						"document_type": "Complaint",
						"function": "Count",
						"type": "Document Type",
						"filters_json": filters,
					}
				),
				"filters": filters,
			},
		),
	}


@pytest.mark.parametrize("call", list(oracle_calls(ESCAPED)))
@pytest.mark.parametrize("role", NO_CONTACT_LEVEL)
def test_an_escaped_contact_field_is_refused_like_the_plain_one(http, seed, role, call):
	resp = oracle_calls(ESCAPED)[call](http.as_(role))
	assert_refused(resp)


@pytest.mark.parametrize(
	"order_by", ["CONTACT_PHONE asc", "`tabComplaint`.`Contact_Phone` desc", "contact_email"]
)
def test_sorting_by_a_contact_field_in_any_case_is_refused(http, seed, order_by):
	resp = http.as_("executor").get(
		"/api/resource/Complaint", {"fields": '["name"]', "order_by": order_by, "limit_page_length": 500}
	)
	assert_refused(resp)


def test_the_escaped_filter_still_works_for_a_role_that_reads_contacts(http, seed):
	resp = http.as_("manager").get_method("frappe.client.get_count", doctype="Complaint", filters=ESCAPED)
	assert resp.status_code == 200 and message(resp) >= 2, resp.text[:300]


@pytest.mark.parametrize("role", ["handler_a", "deptmgr_a"])
def test_complaint_steps_of_another_department_are_not_listed(http, seed, role):
	resp = http.as_(role).get(
		"/api/resource/Complaint Step",
		{"parent": "Complaint", "fields": '["parent","action","done_by","note"]', "limit_page_length": 0},
	)
	assert_not_server_error(resp)
	assert_no_leak(resp, forbidden(seed, role), "Complaint Step list")
	rows = resp.json()["data"] if resp.status_code == 200 else []
	assert all(row["parent"] not in (seed.b_open, seed.b_transferred) for row in rows)
	count = http.as_(role).get_method(
		"frappe.client.get_count", doctype="Complaint Step", filters='[["note","like","%ZQX%"]]'
	)
	assert count.status_code >= 400 or message(count) == frappe.db.count(
		"Complaint Step", {"note": ("like", "%ZQX%"), "parent": ("not in", [seed.b_open, seed.b_transferred])}
	)


def test_the_steps_are_listed_for_their_own_department(http, seed):
	resp = http.as_("handler_b").get(
		"/api/resource/Complaint Step",
		{"parent": "Complaint", "fields": '["parent"]', "limit_page_length": 0},
	)
	assert resp.status_code == 200 and seed.b_open in {r["parent"] for r in resp.json()["data"]}, resp.text[
		:300
	]


@pytest.mark.parametrize(
	"role,doctype,fields",
	[
		("handler_a", "Complaint Transfer Record", ["name", "complaint.description", "complaint.status"]),
		("handler_a", "Complaint Penalty Notice", ["name", "complaint.department"]),
		("executor", "Complaint Penalty Notice", ["name", "complaint.contact_phone"]),
		("handler_a", "Complaint Transfer Record", ["name", "`tabComplaint`.`description`"]),
	],
)
def test_link_columns_into_a_complaint_are_refused_where_the_record_is_not_readable(
	http, seed, role, doctype, fields
):
	resp = http.as_(role).get(
		f"/api/resource/{doctype}", {"fields": json.dumps(fields), "limit_page_length": 0}
	)
	assert_refused(resp)
	assert_no_leak(resp, forbidden(seed, role), doctype)


def test_link_columns_work_for_a_role_that_reads_every_complaint(http, seed):
	resp = http.as_("manager").get(
		"/api/resource/Complaint Transfer Record",
		{"fields": '["name","complaint.status"]', "filters": json.dumps([["complaint", "=", seed.b_open]])},
	)
	assert resp.status_code == 200 and resp.json()["data"], resp.text[:300]


def test_a_filter_through_a_link_is_refused_not_a_server_error(http, seed):
	resp = http.as_("manager").get(
		"/api/resource/Complaint Transfer Record", {"filters": '[["complaint.department","=","x"]]'}
	)
	assert_refused(resp)


@pytest.mark.parametrize("role", ["customer", "executor", "handler_a"])
def test_notification_logs_naming_a_complaint_are_not_counted_for_others(http, seed, role):
	resp = http.as_(role).get_method(
		"frappe.client.get_count", doctype="Notification Log", filters='[["subject","like","%CMP-%"]]'
	)
	assert_not_server_error(resp)
	if resp.status_code == 200:
		own = frappe.db.count("Notification Log", {"for_user": s.user(role), "subject": ("like", "%CMP-%")})
		assert message(resp) == own


@pytest.mark.parametrize(
	"method,args",
	[
		("frappe.desk.like.toggle_like", {"doctype": "Complaint", "name": "{b_open}", "add": "Yes"}),
		("frappe.desk.doctype.tag.tag.add_tag", {"tag": "zqx", "dt": "Complaint", "dn": "{b_open}"}),
		("frappe.desk.form.utils.add_comment", {"reference_doctype": "Complaint", "reference_name": "{b_open}",
			"content": "x", "comment_email": "handler-a@http-probe.example.com", "comment_by": "A"}),
		("frappe.desk.form.document_follow.follow_document", {"doctype": "Complaint", "doc_name": "{b_open}",
			"following": "1"}),
		("frappe.client.set_value", {"doctype": "Complaint", "name": "{b_open}", "fieldname": "description",
			"value": "x"}),
	],
)  # fmt: skip
def test_generic_writes_on_another_departments_complaint_write_nothing(http, seed, method, args):
	before = snapshot("Complaint", seed.b_open)
	args = {k: v.format(**seed) for k, v in args.items()}
	resp = http.as_("handler_a").post(f"/api/method/{method}", args)
	assert_refused(resp)
	assert resp.status_code == 403, resp.text[:300]
	assert_unchanged(before, "Complaint", seed.b_open)


def test_a_missing_complaint_is_answered_like_another_departments(http, seed):
	other = http.as_("handler_a").post(
		"/api/method/frappe.desk.like.toggle_like",
		{"doctype": "Complaint", "name": seed.b_open, "add": "Yes"},
	)
	missing = http.as_("handler_a").post(
		"/api/method/frappe.desk.like.toggle_like",
		{"doctype": "Complaint", "name": "CMP-NOPE-1", "add": "Yes"},
	)
	assert (other.status_code, message(other)) == (missing.status_code, message(missing))


BAD_LISTS = [
	("parent of another doctype", {"parent": "ToDo"}),
	("function as a field", {"fields": '["sleep(1)"]'}),
	("SQL after a field", {"fields": "name; drop table x"}),
	("dict as a filter value", {"filters": '{"name": {"a": 1}}'}),
	("negative paging", {"page_length": "-1", "start": "-5"}),
	("impossible date", {"filters": '[["received_on", ">", "9999-99-99"]]'}),
	("raw SQL condition", {"filters": '["1=1"]'}),
]


@pytest.mark.parametrize("label,args", BAD_LISTS, ids=[b[0] for b in BAD_LISTS])
@pytest.mark.parametrize("role", ["handler_a", "manager"])
def test_malformed_list_arguments_are_a_refusal(http, seed, label, args, role):
	before = frappe.db.count("Complaint")
	resp = http.as_(role).post(
		"/api/method/frappe.desk.reportview.get", {"doctype": "Complaint", "fields": '["name"]', **args}
	)
	assert_refused(resp)
	frappe.db.rollback()
	assert frappe.db.count("Complaint") == before


def test_a_raw_sql_condition_is_refused_on_frappe_doctypes_too(http, seed):
	resp = http.as_("handler_a").get(
		"/api/resource/ToDo",
		{"filters": json.dumps(["exists(select 1 from tabComplaint where contact_phone like '%4242')"])},
	)
	assert_refused(resp)


def test_next_and_previous_never_start_from_another_departments_complaint(http, seed):
	args = {"doctype": "Complaint", "value": seed.b_open, "prev": "1", "filters": "[]"}
	resp = http.as_("handler_a").get_method("frappe.desk.form.utils.get_next", **args)
	missing = http.as_("handler_a").get_method(
		"frappe.desk.form.utils.get_next", **{**args, "value": "CMP-1999-99999"}
	)
	assert_refused(resp)
	assert (resp.status_code, message(resp)) == (missing.status_code, message(missing))
	own = http.as_("handler_a").get_method(
		"frappe.desk.form.utils.get_next", **{**args, "value": seed.a_open}
	)
	assert own.status_code == 200, own.text[:300]


FRAPPE_ARGUMENT_ERRORS = [
	("get_common_transition_actions", "frappe.model.workflow.get_common_transition_actions",
		{"doctype": "ToDo", "docs": '["nope-zqx"]'}),  # AttributeError in Frappe
	("update_page", "frappe.desk.doctype.workspace.workspace.update_page",
		{"name": "zqx", "title": "zqx", "icon": "zqx", "indicator_color": "zqx", "parent": "zqx", "public": "zqx"}),
]  # fmt: skip


@pytest.mark.parametrize(
	"label,method,args", FRAPPE_ARGUMENT_ERRORS, ids=[c[0] for c in FRAPPE_ARGUMENT_ERRORS]
)
def test_frappes_server_error_on_unusable_arguments_is_a_translated_400(http, seed, label, method, args):
	resp = http.as_("handler_a").post(f"/api/method/{method}", args)
	assert resp.status_code == 400, resp.text[:300]
	assert "could not be used" in resp.text
	assert "Traceback" not in resp.text
