"""Penalty appeals over HTTP (issue 18 §2): another department's handler or manager gets none of the appeals
(REST list and get, frappe.client.get_list / get_count / get_value, the report view, the link search), nor
do the roles without a read on appeals (specialist, executor); the own department's manager and handlers do, and
the decider reads every department's. An appeal of another department's notice is refused without a trace."""

import json

import pytest

from complaint_mgmt.tests.http import seed as seeding
from complaint_mgmt.tests.http.probe import assert_no_leak, assert_refused, message, message_of

APPEAL = "Complaint Penalty Appeal"
A_USERS = ("handler_a", "deptmgr_a")  # department A: its handler (member) and manager
B_USERS = ("handler_b", "member_b")
NO_READ = ("specialist", "executor", "customer")


def b_markers(seed) -> dict[str, str]:
	return {"B appeal": seed.b_appeal, "B appeal reason": "Bappeal-ZQX", "B notice": seed.b_notice}


def listed(sess) -> list[str] | None:
	"""The appeals the REST list returns (None: refused)."""
	resp = sess.get(
		f"/api/resource/{APPEAL}",
		{"fields": json.dumps(["name", "department", "reason"]), "limit_page_length": 500},
	)
	if resp.status_code != 200:
		return None
	return [row["name"] for row in resp.json()["data"]]


def count(sess, **filters) -> int | None:
	resp = sess.method("frappe.client.get_count", doctype=APPEAL, filters=json.dumps(filters))
	return resp.json()["message"] if resp.status_code == 200 else None


@pytest.mark.parametrize("role", A_USERS)
def test_department_a_sees_its_appeal_and_none_of_b(http, seed, role):
	sess = http.as_(role)
	markers = b_markers(seed)
	names = listed(sess)
	assert seed.a_appeal in names and seed.b_appeal not in names
	assert_no_leak(sess.history[-1], markers, "list")
	assert count(sess) == len(names)
	assert count(sess, name=seed.b_appeal) == 0
	assert count(sess, department=seeding.DEPT_B) == 0
	for resp in (
		sess.get(f"/api/resource/{APPEAL}/{seed.b_appeal}"),
		sess.method("frappe.client.get", doctype=APPEAL, name=seed.b_appeal),
	):
		assert_refused(resp)
		assert_no_leak(resp, {"B appeal reason": "Bappeal-ZQX"}, "get")
	resp = sess.method("frappe.client.get_value", doctype=APPEAL, filters=seed.b_appeal, fieldname="reason")
	assert resp.status_code < 500 and not message(resp)  # read through get_list: nothing
	assert_no_leak(resp, {"B appeal reason": "Bappeal-ZQX"}, "get_value")
	for resp in (
		sess.method(
			"frappe.client.get_list",
			doctype=APPEAL,
			fields=json.dumps(["name", "reason"]),
			filters=json.dumps({"department": seeding.DEPT_B}),
		),
		sess.method(
			"frappe.desk.reportview.get",
			doctype=APPEAL,
			fields=json.dumps([f"`tab{APPEAL}`.`name`", f"`tab{APPEAL}`.`reason`"]),
		),
		sess.method("frappe.desk.search.search_link", doctype=APPEAL, txt=""),
	):
		assert resp.status_code < 500
		assert_no_leak(resp, markers, "list paths")
	own = sess.get(f"/api/resource/{APPEAL}/{seed.a_appeal}")
	assert own.status_code == 200 and own.json()["data"]["reason"] == seeding.A_APPEAL


def test_department_b_sees_its_own_appeal_only(http, seed):
	for role in B_USERS:
		names = listed(http.as_(role))
		assert seed.b_appeal in names and seed.a_appeal not in names, role


@pytest.mark.parametrize("role", NO_READ)
def test_roles_without_a_read_on_appeals_get_none(http, seed, role):
	sess = http.as_(role)
	assert not listed(sess)  # refused (no read on the doctype) or empty
	assert not count(sess)
	for name in (seed.a_appeal, seed.b_appeal):
		resp = sess.get(f"/api/resource/{APPEAL}/{name}")
		assert_refused(resp)
		assert_no_leak(resp, {"A appeal reason": "Aappeal-ZQX", "B appeal reason": "Bappeal-ZQX"}, role)


def test_the_decider_and_the_manager_read_every_departments_appeals(http, seed):
	for role in ("approver", "manager"):
		names = listed(http.as_(role))
		assert {seed.a_appeal, seed.b_appeal} <= set(names), role


def test_appealing_another_departments_notice_is_refused_without_a_trace(http, seed, db):
	before = db.count(APPEAL)
	resp = http.as_("deptmgr_a").method(
		"complaint_mgmt.api.appeal_notice", notice=seed.b_notice, reason="not ours-ZQX"
	)
	assert resp.status_code == 403
	assert_no_leak(resp, b_markers(seed) | {"department B": seeding.DEPT_B}, "appeal of B's notice")
	assert db.count(APPEAL) == before
	# the own notice: appealed already (the seed's appeal) — a clear message, 4xx
	resp = http.as_("deptmgr_a").method(
		"complaint_mgmt.api.appeal_notice", notice=seed.a_notice, reason="again"
	)
	assert 400 <= resp.status_code < 500 and "appealed already" in message_of(resp)
	assert db.count(APPEAL) == before


def test_the_appellant_attaches_evidence_and_another_department_cannot(http, seed, db):
	def upload(role, name):
		return http.as_(role).post(
			"/api/method/upload_file",
			{"doctype": APPEAL, "docname": name, "is_private": 1},
			files={"file": ("evidence-zqx.txt", f"call log of {role}".encode())},
		)

	resp = upload("deptmgr_a", seed.a_appeal)
	assert resp.status_code == 200, resp.text[:500]
	assert db.exists("File", {"attached_to_doctype": APPEAL, "attached_to_name": seed.a_appeal})
	resp = upload("deptmgr_a", seed.b_appeal)
	assert_refused(resp)
	assert_no_leak(resp, {"B appeal reason": "Bappeal-ZQX"}, "upload to B's appeal")
	assert not db.exists("File", {"attached_to_doctype": APPEAL, "attached_to_name": seed.b_appeal})
