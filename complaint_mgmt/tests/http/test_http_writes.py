"""Writes over HTTP: every write aimed at department B's records by a role that may not write them, and every
write of department A's handler to what drives its own deadlines and penalties, is refused (4xx with a
message) and leaves the database row, its child rows and what hangs on it exactly as they were."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime

from complaint_mgmt.tests.http.probe import assert_refused, assert_unchanged, snapshot

WRITERS = ("handler_a", "deptmgr_a", "approver", "executor", "customer", "guest")
PUT_B = {"customer_request": "hacked-ZQX"}


def b_doc(s) -> dict:
	frappe.db.rollback()
	doc = frappe.get_doc("Complaint", s.b_open).as_dict(convert_dates_to_str=True)
	doc["customer_request"] = "hacked-ZQX"
	return doc


# (id, doctype of the target, name of the target, request)
B_WRITES = [
	(
		"PUT resource",
		"Complaint",
		"b_open",
		lambda sess, s: sess.put_json(f"/api/resource/Complaint/{s.b_open}", PUT_B),
	),
	(
		"DELETE resource",
		"Complaint",
		"b_open",
		lambda sess, s: sess.delete(f"/api/resource/Complaint/{s.b_open}"),
	),
	(
		"client.set_value",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method(
			"frappe.client.set_value",
			doctype="Complaint",
			name=s.b_open,
			fieldname="customer_request",
			value="x",
		),
	),
	(
		"client.delete",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method("frappe.client.delete", doctype="Complaint", name=s.b_open),
	),
	("client.save", "Complaint", "b_open", lambda sess, s: sess.method("frappe.client.save", doc=b_doc(s))),
	(
		"run_doc_method add_comment",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method(
			"run_doc_method",
			dt="Complaint",
			dn=s.b_open,
			method="add_comment",
			args={"comment_type": "Comment", "text": "hacked-ZQX"},
		),
	),
	(
		"api.reply",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method("complaint_mgmt.api.reply", complaint=s.b_open, content="hacked-ZQX"),
	),
	(
		"api.request_close",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method(
			"complaint_mgmt.api.request_close",
			complaint=s.b_open,
			resolution="done",
			root_cause="none",
			corrective_action="Check every part against the drawing at goods receipt",
		),
	),
	(
		"api.request_deferral",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method(
			"complaint_mgmt.api.request_deferral", complaint=s.b_open, reason="hacked"
		),
	),
	(
		"api.pause",
		"Complaint",
		"b_open",
		lambda sess, s: sess.method("complaint_mgmt.api.pause", complaint=s.b_open, reason="hacked"),
	),
	(
		"api.acknowledge",
		"Complaint",
		"b_transferred",
		lambda sess, s: sess.method("complaint_mgmt.api.acknowledge", complaint=s.b_transferred),
	),
	(
		"PUT transfer record",
		"Complaint Transfer Record",
		"b_records[0]",
		lambda sess, s: sess.put_json(
			f"/api/resource/Complaint Transfer Record/{s.b_records[0]}", {"note": "x"}
		),
	),
	(
		"DELETE penalty notice",
		"Complaint Penalty Notice",
		"b_notice",
		lambda sess, s: sess.delete(f"/api/resource/Complaint Penalty Notice/{s.b_notice}"),
	),
	(
		"run_doc_method cancel notice",
		"Complaint Penalty Notice",
		"b_notice",
		lambda sess, s: sess.method(
			"run_doc_method", dt="Complaint Penalty Notice", dn=s.b_notice, method="cancel"
		),
	),
	(
		"execution.mark_executed",
		"Complaint Penalty Notice",
		"b_notice",
		lambda sess, s: sess.method("complaint_mgmt.outputs.execution.mark_executed", notice=s.b_notice),
	),
]


def target(seed, key: str) -> str:
	return seed.b_records[0] if key == "b_records[0]" else seed[key]


CASES = [
	pytest.param(call, doctype, key, role, id=f"{wid}-{role}")
	for wid, doctype, key, call in B_WRITES
	for role in WRITERS
	if not (wid == "execution.mark_executed" and role == "executor")  # the executor's own job
	# Frappe lets every reader of a document comment on it (add_comment needs read only): the cross-department
	# read-only roles may, the roles that cannot read B may not
	and not (wid == "run_doc_method add_comment" and role in ("approver", "executor"))
]


@pytest.mark.parametrize("call,doctype,key,role", CASES)
def test_write_to_department_b_is_refused(http, seed, call, doctype, key, role):
	name = target(seed, key)
	before = snapshot(doctype, name)
	resp = call(http.as_(role), seed)
	assert_refused(resp)
	assert_unchanged(before, doctype, name)


# Department A's handler (and manager) on A's own complaint: what drives the clocks and penalties


def shifted(value, delta):
	return str((get_datetime(value) if value else get_datetime("2026-01-05 09:00:00")) + delta)


def other(options, current):
	return next(o for o in options if o != current)


def category_other(current):
	frappe.db.rollback()
	return other(frappe.get_all("Complaint Category", pluck="name", order_by="name asc"), current)


# field -> new value computed from the current row (always a real change)
FIELD_CHANGES = {
	"grade": lambda d: other(("Strong", "Medium", "General"), d.grade),
	"received_on": lambda d: shifted(d.received_on, timedelta(hours=1)),
	"received_on (earlier)": lambda d: shifted(d.received_on, -timedelta(days=3)),
	"category": lambda d: category_other(d.category),
	"channel": lambda d: other(("Hotline", "Walk-in"), d.channel),
	"status_before_pause": lambda d: other(("Acknowledged", "Replied"), d.status_before_pause),
	"transfer_warned": lambda d: 0 if d.transfer_warned else 1,
	"first_reply_warned": lambda d: 0 if d.first_reply_warned else 1,
	"close_warned": lambda d: 0 if d.close_warned else 1,
	"next_check_at": lambda d: shifted(d.next_check_at, timedelta(days=400)),
	"transfer_due": lambda d: shifted(d.transfer_due, timedelta(days=30)),
	"first_reply_due": lambda d: shifted(d.first_reply_due, timedelta(days=30)),
	"close_due": lambda d: shifted(d.close_due, timedelta(days=30)),
	"return_visit_due": lambda d: shifted(d.return_visit_due, timedelta(days=30)),
}


def child_change(kind: str, doc) -> list[dict]:
	replies = [dict(r) for r in doc["replies"]]
	if kind == "replies (edit)":
		replies[0]["content"] = "edited-ZQX"
		return {"replies": replies}
	if kind == "replies (delete)":
		return {"replies": []}
	if kind == "replies (add)":
		return {"replies": [*replies, {"content": "forged-ZQX", "replied_on": str(doc["received_on"])}]}
	if kind == "pauses (fake open pause)":
		return {"pauses": [{"paused_on": str(doc["received_on"]), "reason": "fake-ZQX"}]}
	if kind == "escalations":
		return {"escalations": [{"from_grade": "General", "to_grade": "Medium", "reason": "fake-ZQX"}]}
	raise KeyError(kind)


CHILD_CHANGES = (
	"replies (edit)",
	"replies (delete)",
	"replies (add)",
	"pauses (fake open pause)",
	"escalations",
)


def current(name: str):
	frappe.db.rollback()
	return frappe.get_doc("Complaint", name).as_dict(convert_dates_to_str=True)


@pytest.mark.parametrize("role", ("handler_a", "deptmgr_a"))
@pytest.mark.parametrize("field", [*FIELD_CHANGES, *CHILD_CHANGES])
def test_put_of_clock_and_penalty_inputs_on_own_complaint_is_refused(http, seed, field, role):
	doc = current(seed.a_open)
	body = (
		child_change(field, doc)
		if field in CHILD_CHANGES
		else {field.split(" ")[0]: FIELD_CHANGES[field](doc)}
	)
	before = snapshot("Complaint", seed.a_open)
	resp = http.as_(role).put_json(f"/api/resource/Complaint/{seed.a_open}", body)
	assert_refused(resp)
	assert_unchanged(before, "Complaint", seed.a_open)


@pytest.mark.parametrize("field", ("grade", "received_on", "category", "channel", "close_due"))
def test_set_value_of_clock_inputs_on_own_complaint_is_refused(http, seed, field):
	doc = current(seed.a_open)
	before = snapshot("Complaint", seed.a_open)
	resp = http.as_("handler_a").method(
		"frappe.client.set_value",
		doctype="Complaint",
		name=seed.a_open,
		fieldname=field,
		value=FIELD_CHANGES[field](doc),
	)
	assert_refused(resp)
	assert_unchanged(before, "Complaint", seed.a_open)


CLOSED_CHANGES = {
	"customer_request": "changed-ZQX",
	"description": "changed-ZQX",
	"customer_name": "Changed-ZQX",
	"contact_phone": "+86-138-0000-9999",
	"claim_amount": 999,
	"follow_up_mode": "Monitor",
	"irrational_reason": "changed-ZQX",
}


@pytest.mark.parametrize("role", ("handler_a", "deptmgr_a", "specialist"))
@pytest.mark.parametrize("field", CLOSED_CHANGES)
def test_closed_complaint_is_read_only(http, seed, field, role):
	before = snapshot("Complaint", seed.a_closed)
	resp = http.as_(role).put_json(f"/api/resource/Complaint/{seed.a_closed}", {field: CLOSED_CHANGES[field]})
	assert_refused(resp)
	assert_unchanged(before, "Complaint", seed.a_closed)


def test_put_of_a_free_field_on_own_complaint_works_for_handler_a(http, seed):
	"""Control: the same PUT with a field the handler may edit is accepted (the probe is well-formed)."""
	resp = http.as_("handler_a").put_json(
		f"/api/resource/Complaint/{seed.a_markup}", {"customer_request": "A callback please (ZQX)"}
	)
	assert resp.status_code == 200, resp.text[:800]


# Shares and assignments


def shares(name: str) -> int:
	frappe.db.rollback()
	return frappe.db.count("DocShare", {"share_doctype": "Complaint", "share_name": name})


@pytest.mark.parametrize(
	"kwargs",
	[{"user": "handler_b"}, {"user": "customer"}, {"everyone": 1}],
	ids=["to-handler_b", "to-customer", "everyone"],
)
@pytest.mark.parametrize("role", ("handler_a", "deptmgr_a"))
def test_share_is_refused_and_leaves_no_docshare(http, seed, kwargs, role):
	data = {"doctype": "Complaint", "name": seed.a_share, "read": 1, "write": 1, "share": 1}
	data.update({k: seed.users[v] if k == "user" else v for k, v in kwargs.items()})
	before = snapshot("Complaint", seed.a_share)
	resp = http.as_(role).method("frappe.share.add", **data)
	assert_refused(resp)
	assert shares(seed.a_share) == 0
	assert_unchanged(before, "Complaint", seed.a_share)
	for other_role in ("member_b", "customer"):
		got = http.as_(other_role).get(f"/api/resource/Complaint/{seed.a_share}")
		assert got.status_code >= 400 and "Ashare-ZQX" not in got.text


def test_assignment_to_another_department_gives_no_access(http, seed):
	"""Assigning A's complaint to a member of B (Frappe shares the document on assignment) must not open it to
	B: whatever Frappe records, member B still cannot read it on any path."""
	member_b = seed.users["member_b"]
	resp = http.as_("handler_a").method(
		"frappe.desk.form.assign_to.add",
		assign_to=[member_b],
		doctype="Complaint",
		name=seed.a_assign,
		description="please look",
	)
	assert resp.status_code < 500, resp.text[:800]
	sess = http.as_("member_b")
	reads = [
		sess.get(f"/api/resource/Complaint/{seed.a_assign}"),
		sess.get_method("frappe.client.get", doctype="Complaint", name=seed.a_assign),
		sess.get_method("frappe.desk.form.load.getdoc", doctype="Complaint", name=seed.a_assign),
		sess.get(
			"/api/resource/Complaint",
			{"filters": [["name", "=", seed.a_assign]], "fields": ["customer_name"]},
		),
	]
	for got in reads:
		assert "Aassign-ZQX" not in got.text, f"{got.url} -> {got.status_code}: {got.text[:500]}"
	assert all(got.status_code >= 400 for got in reads[:3]), [got.status_code for got in reads]
