"""Issue 17, found item 7 (this engineer's part) over HTTP: requests that Frappe 15 answered with a 500 and a
traceback get a 4xx with a translated message and write nothing (security/bad_input.py): a REST PUT whose body
is not JSON or carries NUL / a lone surrogate, ``get_next`` with a dict of filters, ``client.set_value`` on a child
row, tags on a complaint the user may not write (an IndexError hid Frappe's PermissionError), a multi-document
PDF with bad JSON and the app's chart wrapper with an ad-hoc chart on an unguarded doctype."""

import json

import frappe
import pytest

from complaint_mgmt.tests.http.probe import (
	assert_refused,
	assert_unchanged,
	counts,
	exc_type,
	message_of,
	snapshot,
)

NEXT = "frappe.desk.form.utils.get_next"
CHART = "frappe.desk.doctype.dashboard_chart.dashboard_chart.get"
PDF = "frappe.utils.print_format.download_multi_pdf"
TAG = "frappe.desk.doctype.tag.tag"


def raw_put(path_key: str, body: str):
	return lambda sess, s: sess._go(
		"PUT",
		f"/api/resource/Complaint/{s[path_key]}",
		data=body.encode("utf-8", "surrogatepass"),
		headers={"Content-Type": "application/json"},
	)


def reply_row(s, key="a_open") -> str:
	frappe.db.rollback()
	return frappe.db.get_value("Complaint Reply", {"parent": s[key], "parenttype": "Complaint"}, "name")


def chart(document_type: str) -> str:
	return json.dumps(
		{
			"name": "adhoc-zqx",
			"chart_type": "Count",
			"type": "Line",
			"document_type": document_type,
			"based_on": "creation",
			"timeseries": 1,
			"time_interval": "Monthly",
			"timespan": "Last Year",
			"filters_json": "[]",
		}
	)


# (id, role, complaint key whose rows must stay unchanged or None, request)
CASES = [
	("PUT body not JSON", "handler_a", "a_open", raw_put("a_open", "{not json")),
	("PUT body cut short", "specialist", "a_open", raw_put("a_open", '{"customer_request": ')),
	("PUT NUL in a value", "handler_a", "a_open", raw_put("a_open", '{"customer_request": "a\\u0000b"}')),
	("PUT lone surrogate", "handler_a", "a_open", raw_put("a_open", '{"customer_request": "a\\ud800b"}')),
	(
		"POST NUL in a form value",
		"handler_a",
		"a_spare",
		lambda sess, s: sess.method("complaint_mgmt.api.reply", complaint=s.a_spare, content="x\x00y"),
	),
	(
		"get_next with a dict of filters",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(
			NEXT, doctype="Complaint", value=s.a_open, prev=0, filters="{}", sort_field="modified"
		),
	),
	(
		"get_next with named filters",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(
			NEXT, doctype="Complaint", value=s.a_open, prev=0, filters='{"status": "Replied"}'
		),
	),
	(
		"get_next with SQL as sort field",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(
			NEXT, doctype="Complaint", value=s.a_open, prev=0, sort_field="modified, (select sleep(1))"
		),
	),
	(
		"get_next with text as prev",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(NEXT, doctype="Complaint", value=s.a_open, prev="back"),
	),
	(
		"set_value on a reply row",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			"frappe.client.set_value",
			doctype="Complaint Reply",
			name=reply_row(s),
			fieldname="content",
			value="Rewritten-ZQX",
		),
	),
	(
		"set_value on a missing child row",
		"handler_a",
		None,
		lambda sess, s: sess.method(
			"frappe.client.set_value",
			doctype="Complaint Reply",
			name="no-such-row-zqx",
			fieldname="content",
			value="x",
		),
	),
	(
		"add_tag on B's complaint",
		"handler_a",
		"b_open",
		lambda sess, s: sess.method(f"{TAG}.add_tag", tag="tagzqx", dt="Complaint", dn=s.b_open),
	),
	(
		"add_tags on B's complaint",
		"handler_a",
		"b_open",
		lambda sess, s: sess.method(
			f"{TAG}.add_tags", tags=json.dumps(["tagzqx"]), dt="Complaint", docs=json.dumps([s.b_open])
		),
	),
	(
		"add_tag without write permission",
		"approver",
		"a_open",
		lambda sess, s: sess.method(f"{TAG}.add_tag", tag="tagzqx", dt="Complaint", dn=s.a_open),
	),
	(
		"add_tags with bad JSON",
		"handler_a",
		"a_open",
		lambda sess, s: sess.method(
			f"{TAG}.add_tags", tags="[oops", dt="Complaint", docs=json.dumps([s.a_open])
		),
	),
	(
		"download_multi_pdf with bad JSON",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(PDF, doctype="Complaint", name="[oops"),
	),
	(
		"download_multi_pdf with a plain name",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(PDF, doctype="Complaint", name=s.a_open),
	),
	(
		"download_multi_pdf with bad options",
		"handler_a",
		None,
		lambda sess, s: sess.get_method(PDF, doctype="Complaint", name=json.dumps([s.a_open]), options="{x"),
	),
	(
		"ad-hoc chart on an unguarded doctype without no_cache",
		"handler_a",
		None,
		lambda sess, s: sess.method(CHART, chart=chart("Note")),
	),
	("ad-hoc chart that is not JSON", "handler_a", None, lambda sess, s: sess.method(CHART, chart="{oops")),
	("chart without a chart", "handler_a", None, lambda sess, s: sess.method(CHART)),
	(
		"the app's reply without its content",
		"handler_a",
		"a_spare",
		lambda sess, s: sess.method("complaint_mgmt.api.reply", complaint=s.a_spare),
	),
	(
		"the app's transfer without its department",
		"specialist",
		"a_registered",
		lambda sess, s: sess.method("complaint_mgmt.api.transfer", complaint=s.a_registered),
	),
	(
		"the app's acknowledge without a complaint",
		"handler_a",
		None,
		lambda sess, s: sess.method("complaint_mgmt.api.acknowledge"),
	),
]


@pytest.mark.parametrize("role,key,call", [pytest.param(r, k, c, id=i) for i, r, k, c in CASES])
def test_bad_input_is_a_refusal_not_a_server_error(http, seed, role, key, call):
	before_counts = counts()
	before = snapshot("Complaint", seed[key]) if key else None
	tags_before = frappe.db.count("Tag Link", {"tag": "tagzqx"})
	resp = call(http.as_(role), seed)
	assert_refused(resp)
	assert counts() == before_counts
	assert frappe.db.count("Tag Link", {"tag": "tagzqx"}) == tags_before
	if key:
		assert_unchanged(before, "Complaint", seed[key])
		frappe.db.rollback()
		assert "tagzqx" not in (frappe.db.get_value("Complaint", seed[key], "_user_tags") or "")


def server_messages(resp) -> list[str]:
	return [json.loads(m)["message"] for m in json.loads(resp.json()["_server_messages"])]


def test_a_missing_argument_of_the_apps_method_is_named_in_the_users_language(http, seed):
	"""A whitelisted method of the app called without a required argument: Frappe's validation refusal (417) naming
	it (was a 500, TypeError)."""
	resp = http.as_("handler_a").method("complaint_mgmt.api.reply", complaint=seed.a_spare)
	assert resp.status_code == 417 and exc_type(resp) == "ValidationError", resp.text[:500]
	assert server_messages(resp) == ["The request lacks the argument <strong>content</strong>."]
	resp = http.as_("handler_a").get_method("complaint_mgmt.api.reply", complaint=seed.a_spare, _lang="zh")
	assert resp.status_code == 417, resp.text[:500]
	assert server_messages(resp) == ["请求缺少参数 <strong>content</strong>。"]


def test_a_method_that_is_not_whitelisted_names_none_of_its_arguments(http, seed):
	resp = http.as_("handler_a").method("complaint_mgmt.loop.actions.load")
	assert resp.status_code == 403, resp.text[:500]
	assert "lacks the argument" not in message_of(resp)
	resp = http.as_("guest").method("complaint_mgmt.api.reply")
	assert resp.status_code == 403 and "lacks the argument" not in message_of(resp), resp.text[:500]


def test_the_positive_controls_still_work(http, seed):
	"""Well-formed calls of the same endpoints are not refused."""
	handler = http.as_("handler_a")
	resp = handler.get_method(
		NEXT, doctype="Complaint", value=seed.a_open, prev=0, filters=json.dumps([["status", "!=", "Closed"]])
	)
	assert resp.status_code == 200, resp.text[:500]
	resp = handler.method(f"{TAG}.add_tag", tag="tagzqx-own", dt="Complaint", dn=seed.a_spare)
	assert resp.status_code == 200, resp.text[:500]
	resp = handler.method(f"{TAG}.remove_tag", tag="tagzqx-own", dt="Complaint", dn=seed.a_spare)
	assert resp.status_code == 200, resp.text[:500]
	resp = http.as_("sysmgr").method(CHART, chart=chart("Note"), no_cache=1)
	assert resp.status_code == 200, resp.text[:500]
