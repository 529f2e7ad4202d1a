"""Corrective-action reviews over HTTP (issue 18 §3): another department's handler or manager gets none of the
reviews (REST list and get, frappe.client.get_list / get / get_count / get_value, the report view, the report
Corrective Action Effectiveness), nor do the roles without a read on reviews; the own department's manager and
handler read theirs and the Complaint Manager every department's. Recording another department's review is a
403 without a trace."""

import json

import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.probe import assert_no_leak, assert_refused, message

REVIEW = "Complaint Action Review"
A_USERS = ("handler_a", "deptmgr_a")
NO_READ = ("specialist", "executor", "approver", "customer")


def b_markers(seed) -> dict[str, str]:
	return {"B review": seed.b_review, "B review cause": "Brcause-ZQX", "B complaint": seed.b_open}


def listed(sess) -> list[str] | None:
	resp = sess.get(
		f"/api/resource/{REVIEW}",
		{"fields": json.dumps(["name", "department", "root_cause"]), "limit_page_length": 500},
	)
	if resp.status_code != 200:
		return None
	return [row["name"] for row in resp.json()["data"]]


def count(sess, **filters) -> int | None:
	resp = sess.method("frappe.client.get_count", doctype=REVIEW, filters=json.dumps(filters))
	return resp.json()["message"] if resp.status_code == 200 else None


@pytest.mark.parametrize("role", A_USERS)
def test_department_a_sees_its_review_and_none_of_b(http, seed, role):
	sess = http.as_(role)
	markers = b_markers(seed)
	names = listed(sess)
	assert seed.a_review in names and seed.b_review not in names
	assert_no_leak(sess.history[-1], markers, "list")
	assert count(sess) == len(names)
	assert count(sess, name=seed.b_review) == 0
	assert count(sess, department=seeding.DEPT_B) == 0
	for resp in (
		sess.get(f"/api/resource/{REVIEW}/{seed.b_review}"),
		sess.method("frappe.client.get", doctype=REVIEW, name=seed.b_review),
	):
		assert_refused(resp)
		assert_no_leak(resp, {"B review cause": "Brcause-ZQX"}, "get")
	resp = sess.method(
		"frappe.client.get_value", doctype=REVIEW, filters=seed.b_review, fieldname="root_cause"
	)
	assert resp.status_code < 500 and not message(resp)
	assert_no_leak(resp, {"B review cause": "Brcause-ZQX"}, "get_value")
	for resp in (
		sess.method(
			"frappe.client.get_list",
			doctype=REVIEW,
			fields=json.dumps(["name", "root_cause"]),
			filters=json.dumps({"department": seeding.DEPT_B}),
		),
		sess.method(
			"frappe.desk.reportview.get",
			doctype=REVIEW,
			fields=json.dumps([f"`tab{REVIEW}`.`name`", f"`tab{REVIEW}`.`root_cause`"]),
		),
		sess.method(
			"frappe.desk.query_report.run",
			report_name="Corrective Action Effectiveness",
			filters=json.dumps({"from_date": seed.from_date, "to_date": "2099-12-31"}),
		),
	):
		assert resp.status_code < 500
		assert_no_leak(resp, markers | {"department B": seeding.DEPT_B}, "list paths")
	own = sess.get(f"/api/resource/{REVIEW}/{seed.a_review}")
	assert own.status_code == 200 and own.json()["data"]["complaint"] == seed.a_closed


def test_department_b_sees_its_own_review_only(http, seed):
	for role in ("handler_b", "member_b"):
		names = listed(http.as_(role))
		assert seed.b_review in names and seed.a_review not in names, role


@pytest.mark.parametrize("role", NO_READ)
def test_roles_without_a_read_on_reviews_get_none(http, seed, role):
	sess = http.as_(role)
	assert not listed(sess)
	assert not count(sess)
	for name in (seed.a_review, seed.b_review):
		assert_refused(sess.get(f"/api/resource/{REVIEW}/{name}"))


def test_the_complaint_manager_reads_every_departments_reviews(http, seed):
	names = listed(http.as_("manager"))
	assert {seed.a_review, seed.b_review} <= set(names)


def test_recording_another_departments_review_is_refused_without_a_trace(http, seed, db):
	before = db.get_value(REVIEW, seed.b_review, ["status", "modified", "note"])
	resp = http.as_("deptmgr_a").method(
		"complaint_mgmt.api.review_corrective_action", review=seed.b_review, effective=1, note="not ours-ZQX"
	)
	assert resp.status_code == 403
	assert_no_leak(resp, b_markers(seed) | {"department B": seeding.DEPT_B}, "review of B's")
	assert db.get_value(REVIEW, seed.b_review, ["status", "modified", "note"]) == before
	# B's handler reads its review but may not record it (its department has no manager: the Complaint Manager's)
	resp = http.as_("handler_b").method(
		"complaint_mgmt.api.review_corrective_action", review=seed.b_review, effective=1, note="mine"
	)
	assert resp.status_code == 403 and "Complaint Manager" in resp.text
	assert db.get_value(REVIEW, seed.b_review, ["status", "modified", "note"]) == before
