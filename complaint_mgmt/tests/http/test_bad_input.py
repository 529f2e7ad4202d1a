"""Bad input over HTTP: each case is a 4xx (never a 5xx) with a message, and no row is written (the counts of
complaints, transfer records, notices, ToDos, communications, files and shares, and the targeted complaint,
are the same before and after)."""

import json

import pytest

from complaint_mgmt.tests.http.probe import assert_refused, assert_unchanged, counts, snapshot

API = "complaint_mgmt.api"
SQL = ("' OR 1=1 --", '"; DROP TABLE `tabComplaint`; --')
GOOD_ACTION = "Check every part against the drawing at goods receipt"
BIG = "x" * (2 * 1024 * 1024)


def close_args(complaint, **kw):
	return {
		"complaint": complaint,
		"resolution": "Part replaced",
		"root_cause": "Wrong part shipped",
		"corrective_action": GOOD_ACTION,
		**kw,
	}


def new_complaint(**kw):
	body = {
		"customer_name": "Bad-ZQX",
		"contact_phone": "+86-138-0000-7777",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": "bad input probe",
		"received_on": "2026-01-05 09:00:00",
	}
	body.update(kw)
	return lambda sess, s: sess.post_json("/api/resource/Complaint", body)


def action(name, target="a_open", **kw):
	return lambda sess, s: sess.method(f"{API}.{name}", complaint=s[target] if target in s else target, **kw)


def json_action(name, target="a_open", **kw):
	"""The action with a JSON body, so that a dict or a list arrives as one (form data carries only text)."""
	return lambda sess, s: sess.post_json(
		f"/api/method/{API}.{name}", {"complaint": s[target] if target in s else target, **kw}
	)


def raw(method, path, body, content_type="application/json"):
	return lambda sess, s: sess._go(
		method, path.format(**s), data=body, headers={"Content-Type": content_type}
	)


# (id, role, target complaint key or None, request)
CASES = [
	# malformed JSON bodies and filters
	(
		"malformed JSON body POST",
		"specialist",
		None,
		raw("POST", "/api/resource/Complaint", '{"customer_name": '),
	),
	(
		"malformed JSON body PUT",
		"handler_a",
		"a_open",
		raw("PUT", "/api/resource/Complaint/{a_open}", "{not json"),
	),
	("JSON list body PUT", "handler_a", "a_open", raw("PUT", "/api/resource/Complaint/{a_open}", "[1, 2]")),
	(
		"malformed filters get_count",
		"handler_a",
		None,
		lambda sess, s: sess.get(
			"/api/method/frappe.client.get_count", {"doctype": "Complaint", "filters": "[[oops"}
		),
	),
	(
		"malformed filters resource list",
		"handler_a",
		None,
		lambda sess, s: sess.get("/api/resource/Complaint", {"filters": "{'department': "}),
	),
	# wrong types
	("dict as reply content", "handler_a", "a_spare", json_action("reply", "a_spare", content={"a": 1})),
	("list as reply content", "handler_a", "a_spare", json_action("reply", "a_spare", content=["a", "b"])),
	(
		"dict as complaint name",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(f"{API}.reply", complaint={"name": s.a_open}, content="x"),
	),
	(
		"list as compensation amount",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			f"{API}.request_close", **close_args(s.a_open, compensation_amount=[1, 2])
		),
	),
	(
		"dict as department",
		"specialist",
		"a_registered",
		action("transfer", "a_registered", department={"x": 1}),
	),
	("list as pause reason", "handler_a", "a_spare", json_action("pause", "a_spare", reason=["x"])),
	("dict as category on POST", "specialist", None, new_complaint(category={"name": "Product Quality"})),
	# unknown names
	("unknown complaint acknowledge", "handler_a", None, action("acknowledge", "CMP-1999-99999")),
	("unknown complaint reply", "handler_a", None, action("reply", "CMP-1999-99999", content="x")),
	(
		"unknown department transfer",
		"specialist",
		"a_registered",
		action("transfer", "a_registered", department="No Such Dept ZQX"),
	),
	(
		"receiver outside the department",
		"specialist",
		"a_registered",
		lambda sess, s: sess.method(
			f"{API}.transfer", complaint=s.a_registered, department=s.dept_a, receiver=s.users["handler_b"]
		),
	),
	("unknown grade on POST", "specialist", None, new_complaint(grade="No Such Grade ZQX")),
	("unknown channel on POST", "specialist", None, new_complaint(channel="Telepathy")),
	(
		"unknown notice mark_executed",
		"executor",
		None,
		lambda sess, s: sess.method(
			"complaint_mgmt.outputs.execution.mark_executed", notice="CPN-1999-99999"
		),
	),
	(
		"unknown doctype search_widget",
		"handler_a",
		None,
		lambda sess, s: sess.method(
			"frappe.desk.search.search_widget", doctype="No Such DocType ZQX", txt=""
		),
	),
	(
		"DELETE unknown complaint",
		"manager",
		None,
		lambda sess, s: sess.delete("/api/resource/Complaint/CMP-1999-99999"),
	),
	# SQL in names, fields and filters
	*(
		(f"SQL complaint name {i}", "handler_a", None, action("acknowledge", sql))
		for i, sql in enumerate(SQL)
	),
	*(
		(
			f"SQL department {i}",
			"specialist",
			"a_registered",
			action("transfer", "a_registered", department=sql),
		)
		for i, sql in enumerate(SQL)
	),
	*(
		(
			f"SQL notice name {i}",
			"executor",
			None,
			lambda sess, s, sql=sql: sess.method(
				"complaint_mgmt.outputs.execution.mark_executed", notice=sql
			),
		)
		for i, sql in enumerate(SQL)
	),
	(
		"SQL filter field",
		"handler_a",
		None,
		lambda sess, s: sess.get(
			"/api/method/frappe.client.get_count",
			{"doctype": "Complaint", "filters": json.dumps([["name` or 1=1 -- ", "=", "x"]])},
		),
	),
	(
		"SQL in fields",
		"handler_a",
		None,
		lambda sess, s: sess.get(
			"/api/resource/Complaint",
			{"fields": json.dumps(["name", "(select password from __Auth limit 1) as p"])},
		),
	),
	(
		"SQL in order_by",
		"handler_a",
		None,
		lambda sess, s: sess.get("/api/resource/Complaint", {"order_by": "(select sleep(0.1))"}),
	),
	(
		"SQL in group_by field",
		"handler_a",
		None,
		lambda sess, s: sess.method(
			"frappe.desk.listview.get_group_by_count",
			doctype="Complaint",
			current_filters="[]",
			field="name` or 1=1 --",
		),
	),
	(
		"SQL in root cause on B",
		"handler_a",
		"b_open",
		lambda sess, s: sess.method(f"{API}.request_close", **close_args(s.b_open, root_cause=SQL[1])),
	),
	("SQL in reply on B", "handler_a", "b_open", action("reply", "b_open", content=SQL[0])),
	# huge payloads
	("2 MB description on POST", "specialist", None, new_complaint(description=BIG)),
	("2 MB reply", "handler_a", "a_open", action("reply", content=BIG)),
	("2 MB customer name on POST", "specialist", None, new_complaint(customer_name="Bad-ZQX" + BIG)),
	# amounts
	(
		"negative compensation",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(f"{API}.request_close", **close_args(s.a_open, compensation_amount=-5)),
	),
	(
		"NaN compensation",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			f"{API}.request_close", **close_args(s.a_open, compensation_amount="NaN")
		),
	),
	(
		"1e309 compensation",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			f"{API}.request_close", **close_args(s.a_open, compensation_amount="1e309")
		),
	),
	(
		"text compensation",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			f"{API}.request_close", **close_args(s.a_open, compensation_amount="a lot")
		),
	),
	("negative claim on POST", "specialist", None, new_complaint(claim_amount=-100)),
	("NaN claim on POST", "specialist", None, new_complaint(claim_amount="NaN")),
	("1e309 claim on POST", "specialist", None, new_complaint(claim_amount="1e309")),
	# dates
	("future received_on", "specialist", None, new_complaint(received_on="2099-01-01 09:00:00")),
	("pre-1970 received_on", "specialist", None, new_complaint(received_on="1969-12-31 23:00:00")),
	("year 1 received_on", "specialist", None, new_complaint(received_on="0001-01-01 00:00:00")),
	("impossible date received_on", "specialist", None, new_complaint(received_on="2026-02-30 10:00:00")),
	("text as received_on", "specialist", None, new_complaint(received_on="yesterday-ish")),
	# procedure fields on registration
	("status Closed on POST", "specialist", None, new_complaint(status="Closed")),
	("department on POST", "specialist", None, new_complaint(department="HTTP Dept A")),
	# actions out of order
	(
		"acknowledge a Registered complaint",
		"specialist",
		"a_registered",
		action("acknowledge", "a_registered"),
	),
	(
		"reply to a Registered complaint",
		"handler_a",
		"a_registered",
		action("reply", "a_registered", content="x"),
	),
	(
		"approve_close before the return visit",
		"manager",
		"a_close_requested",
		action("approve_close", "a_close_requested"),
	),
	(
		"return visit without close request",
		"specialist",
		"a_open",
		action("record_return_visit", satisfied=1),
	),
	(
		"transfer a Closed complaint",
		"specialist",
		"a_closed",
		action("transfer", "a_closed", department="HTTP Dept A"),
	),
	("resume a running complaint", "handler_a", "a_open", action("resume")),
	(
		"approve_deferral without request",
		"specialist",
		"a_open",
		action("approve_deferral", follow_up_mode="Watch"),
	),
	("empty deferral reason", "handler_a", "a_open", action("request_deferral", reason="  ")),
	# another department's complaint, a cancelled notice
	("acknowledge B as handler A", "handler_a", "b_transferred", action("acknowledge", "b_transferred")),
	("pause B as handler A", "handler_a", "b_open", action("pause", "b_open", reason="x")),
	(
		"mark a cancelled notice executed",
		"executor",
		None,
		lambda sess, s: sess.method(
			"complaint_mgmt.outputs.execution.mark_executed", notice=s.a_cancelled_notice
		),
	),
	# GET on POST-only methods
	(
		"GET acknowledge",
		"handler_a",
		"a_race",
		lambda sess, s: sess.get_method(f"{API}.acknowledge", complaint=s.a_race),
	),
	(
		"GET reply",
		"handler_a",
		"a_open",
		lambda sess, s: sess.get_method(f"{API}.reply", complaint=s.a_open, content="x"),
	),
	(
		"GET mark_executed",
		"executor",
		None,
		lambda sess, s: sess.get_method("complaint_mgmt.outputs.execution.mark_executed", notice=s.b_notice),
	),
]


@pytest.mark.parametrize("role,key,call", [pytest.param(r, k, c, id=i) for i, r, k, c in CASES])
def test_bad_input_is_refused_without_writing(http, seed, role, key, call):
	before_counts = counts()
	before = snapshot("Complaint", seed[key]) if key else None
	resp = call(http.as_(role), seed)
	# a malformed JSON body fails in Frappe's make_form_dict before any hook: answered 400 after the request
	# (security/bad_input.answer_malformed_body)
	assert_refused(resp)
	assert counts() == before_counts
	if key:
		assert_unchanged(before, "Complaint", seed[key])


def test_there_are_at_least_forty_cases():
	assert len(CASES) >= 40
	assert len({c[0] for c in CASES}) == len(CASES)
