"""The HTTP tier's data, made in-process through the app's real API and committed (the server is another process).

Two departments: A (handler A receives, department manager A manages) and B (handler B receives, member B is
a second member). Everything of department B carries unique markers ("...-ZQX") that must never reach a user
of department A; the customer phone and e-mail are permission level 1. Everything made here (and by the tests)
is removed again by `cleanup`: complaints are found by the "-ZQX" marker in the customer name or by an owner
among the tier's users.
"""

from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, now_datetime
from frappe.utils.password import update_password

from complaint_mgmt import api
from complaint_mgmt.tests.cleanup import delete_complaints, tier_complaints
from complaint_mgmt.tests.site.factories import make_user

PASSWORD = "Http#Probe-2026!zqx"
DOMAIN = "http-probe.example.com"

# role key -> (user, roles); the customer is a Website User without any role
USERS = {
	"handler_a": (f"handler-a@{DOMAIN}", ("Complaint Handler",)),
	"handler_b": (f"handler-b@{DOMAIN}", ("Complaint Handler",)),
	"member_b": (f"member-b@{DOMAIN}", ("Complaint Handler",)),
	"deptmgr_a": (f"deptmgr-a@{DOMAIN}", ("Complaint Department Manager",)),
	"specialist": (f"specialist@{DOMAIN}", ("Complaint Specialist",)),
	"manager": (f"manager@{DOMAIN}", ("Complaint Manager",)),
	"approver": (f"approver@{DOMAIN}", ("Complaint Bulletin Approver",)),
	"executor": (f"executor@{DOMAIN}", ("Complaint Penalty Executor",)),
	"customer": (f"customer@{DOMAIN}", ()),
	"sysmgr": (f"sysmgr@{DOMAIN}", ("System Manager",)),  # positive controls on Frappe's own doctypes
}
DEPT_A, DEPT_B = "HTTP Dept A", "HTTP Dept B"
MARK = "-ZQX"  # every complaint of this tier has it in its customer name (cleanup finds them by it)

A_CUSTOMER, A_PHONE, A_REPLY = "Acustomer-ZQX", "+86-138-5555-3131", "Areply-ZQX answer"
A_PHONE_OLD = "+86-138-5555-3130"
A_ROOT_CAUSE, A_RESOLUTION = "Arootcause-ZQX wrong part shipped", "Aresolution-ZQX part replaced"
A_IRRATIONAL = "Airrational-ZQX no basis"
B_CUSTOMER, B_PHONE, B_EMAIL = "Bcustomer-ZQX", "+86-139-7777-4242", "bmail-zqx@b-customer.example.net"
B_REPLY, B_DESC, B_FILE, B_COMM = "Breply-ZQX secret", "Bdesc-ZQX the B product", "Bfile-ZQX", "Bcomm-ZQX"
B_PAUSE, B_ESCALATION = "Bpause-ZQX customer away", "Besc-ZQX escalated"
A_APPEAL, B_APPEAL = "Aappeal-ZQX the deadline was wrong", "Bappeal-ZQX the customer hid"  # appeal reasons
B_REVIEW_CAUSE = "Brcause-ZQX the B supplier's seals"  # root cause on B's corrective-action review
B_SURVEY = "Bsurvey-ZQX the B customer is unhappy"  # comment of B's customer's satisfaction survey
B_TRANSFER_NOTE = "Btnote-ZQX call the plant first"  # on B's transfer record and its transfer step (canaries)
GOOD_ACTION = "Check every part against the drawing at goods receipt"
# The penalty notices are dated in a fixed past week (the bulletin of that week is this tier's own).
NOTICE_WEEK = datetime(2025, 3, 10)
NOTICE_ISSUED = datetime(2025, 3, 12, 10, 0)


def user(key: str) -> str:
	return USERS[key][0]


def as_user(key_or_user: str, fn, *args, **kwargs):
	previous = frappe.session.user
	frappe.set_user(USERS[key_or_user][0] if key_or_user in USERS else key_or_user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user(previous)


def ensure_user(email: str, roles: tuple[str, ...]) -> None:
	"""The user with at least `roles` (none: a Website User, Frappe derives the type from the roles) and the
	tier's password."""
	make_user(email, *roles)
	update_password(email, PASSWORD)


def ensure_department(name: str, receivers: list[str], members: list[str], manager: str | None) -> None:
	rows = {
		"manager": manager,
		"members": [{"user": u} for u in dict.fromkeys([*receivers, *members])],
		"receivers": [{"user": u, "is_default": 1} for u in receivers],
	}
	if frappe.db.exists("Complaint Department", name):
		doc = frappe.get_doc("Complaint Department", name)
		current = (doc.manager, sorted(r.user for r in doc.members), sorted(r.user for r in doc.receivers))
		wanted = (manager, sorted(r["user"] for r in rows["members"]), sorted(receivers))
		if current == wanted and not doc.disabled:
			return
		doc.members, doc.receivers = [], []
		doc.update({**rows, "disabled": 0})
		doc.save()
		return
	frappe.get_doc({"doctype": "Complaint Department", "department_name": name, **rows}).insert()


def new_complaint(customer: str, phone: str, description: str, owner: str | None = None, **kw) -> str:
	"""A complaint registered by the specialist (owner optionally rewritten: the customer who filed it)."""
	values = {
		"doctype": "Complaint",
		"customer_name": customer,
		"contact_phone": phone,
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": description,
		"received_on": now_datetime().replace(microsecond=0) - timedelta(hours=2),
		**kw,
	}
	name = as_user("specialist", lambda: frappe.get_doc(values).insert().name)
	if owner:
		frappe.db.set_value("Complaint", name, "owner", owner, update_modified=False)
	return name


def walk(
	name: str, dept: str, handler: str, reply: str | None = None, close: bool = False, note: str | None = None
) -> None:
	"""Transfer (with an optional note), acknowledge, reply and (optionally) close a complaint through
	complaint_mgmt.api."""
	as_user("specialist", api.transfer, name, dept, None, note)
	if handler is None:
		return
	as_user(handler, api.acknowledge, name)
	if reply is None:
		return
	as_user(handler, api.reply, name, reply)
	if close:
		as_user(handler, api.request_close, name, A_RESOLUTION, A_ROOT_CAUSE, GOOD_ACTION)
		as_user("specialist", api.record_return_visit, name, True, "Satisfied-ZQX")
		as_user("manager", api.approve_close, name)


def pause_and_escalate(name: str) -> None:
	"""A finished pause (through the API) and an escalation row (as the sweep writes it) on the complaint."""
	try:
		as_user("handler_b", api.pause, name, B_PAUSE)
		as_user("handler_b", api.resume, name)
	except frappe.PermissionError:
		frappe.clear_last_message()
		as_user("specialist", api.pause, name, B_PAUSE)
		as_user("specialist", api.resume, name)
	doc = frappe.get_doc("Complaint", name)
	row = doc.append(
		"escalations",
		{
			"from_grade": "General",
			"to_grade": "Medium",
			"escalated_on": now_datetime(),
			"reason": B_ESCALATION,
		},
	)
	row.db_insert()


def notice(complaint: str, dept: str, breach_type: str, responsible: str | None, cancel: bool = False) -> str:
	"""A submitted penalty notice as the deadline sweep issues it (optionally cancelled with a reason)."""
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Penalty Notice",
			"complaint": complaint,
			"department": dept,
			"responsible_user": responsible,
			"breach_type": breach_type,
			"period": 0,
			"grade": "General",
			"base_amount": 50,
			"multiplier": 1,
			"issued_on": NOTICE_ISSUED,
			"due_on": NOTICE_ISSUED,
			"docstatus": 1,
		}
	)
	doc.insert(ignore_permissions=True)  # issued by the procedure (as the sweep does), not by a user
	if cancel:
		doc.cancel_reason = "Cancelled-ZQX by the HTTP tier"
		doc.cancel()
	return doc.name


def appeal(notice_name: str, reason: str, requested_by: str) -> str:
	"""An open appeal of a notice as complaint_mgmt.api.appeal_notice writes it (the seeded notices are issued in
	a past week: too old to appeal through the API now)."""
	notice = frappe.get_doc("Complaint Penalty Notice", notice_name)
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Penalty Appeal",
			"notice": notice.name,
			"department": notice.department,
			"complaint": notice.complaint,
			"notice_amount": notice.amount,
			"status": "Open",
			"reason": reason,
			"requested_by": requested_by,
			"requested_on": now_datetime(),
		}
	)
	doc.flags.procedure_action = True
	doc.insert(ignore_permissions=True)  # written as the appeal action writes it
	notice.db_set("appeal_status", "Open")
	return doc.name


def action_review(complaint: str, dept: str, root_cause: str | None = None) -> str:
	"""An open corrective-action review as the daily job writes it (engine/action_reviews.py; B's complaint is
	open: what is probed is who sees the review)."""
	c = frappe.get_doc("Complaint", complaint)
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Action Review",
			"complaint": c.name,
			"department": dept,
			"category": c.category,
			"closed_on": c.closed_on or now_datetime(),
			"root_cause": root_cause or c.root_cause,
			"corrective_action": c.corrective_action or GOOD_ACTION,
			"status": "Open",
			"opened_on": now_datetime().date(),
			"due_on": add_days(now_datetime().date(), 14),
			"recurrences": 1,
			"recurrence_rows": [{"complaint": c.name, "root_cause": root_cause or c.root_cause}],
		}
	)
	doc.flags.procedure_action = True
	doc.insert(ignore_permissions=True)  # written as the review job writes it
	return doc.name


def answered_survey(complaint: str, dept: str, comment: str) -> str:
	"""A satisfaction survey as the customer's answer leaves it (loop/survey.py; what is probed is who sees it)."""
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Survey",
			"complaint": complaint,
			"department": dept,
			"category": "Product Quality",
			"status": "Answered",
			"sent_on": now_datetime(),
			"expires_on": now_datetime(),
			"answered_on": now_datetime(),
			"satisfied": 0,
			"score": 2,
			"comment": comment,
		}
	)
	doc.insert(ignore_permissions=True)  # written as the survey's answer writes it
	return doc.name


def private_file(complaint: str) -> frappe._dict:
	doc = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": "bfile-zqx.txt",
			"attached_to_doctype": "Complaint",
			"attached_to_name": complaint,
			"is_private": 1,
			"content": B_FILE.encode(),
		}
	)
	doc.insert(ignore_permissions=True)
	return frappe._dict(name=doc.name, url=doc.file_url)


def communication(complaint: str) -> str:
	doc = frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Phone",
			"sent_or_received": "Sent",
			"subject": f"Call {B_COMM}",
			"content": f"{B_COMM} called the customer {B_CUSTOMER}",
			"reference_doctype": "Complaint",
			"reference_name": complaint,
		}
	)
	doc.insert(ignore_permissions=True)
	return doc.name


def seed() -> frappe._dict:
	"""Make the whole data set (after `cleanup`); returns the names the tests need."""
	frappe.set_user("Administrator")
	in_test, frappe.flags.in_test = (
		frappe.flags.in_test,
		False,
	)  # in tests Frappe keeps no Version: we need them
	try:
		return _seed()
	finally:
		frappe.flags.in_test = in_test


def _seed() -> frappe._dict:
	for email, roles in USERS.values():
		ensure_user(email, roles)
	ensure_department(DEPT_A, [user("handler_a")], [], user("deptmgr_a"))
	ensure_department(DEPT_B, [user("handler_b")], [user("member_b")], None)
	customer = user("customer")
	s = frappe._dict(users={k: v[0] for k, v in USERS.items()}, dept_a=DEPT_A, dept_b=DEPT_B)

	s.a_open = new_complaint(
		A_CUSTOMER, A_PHONE_OLD, "Adesc-ZQX broke", owner=customer, contact_email=customer
	)
	# the phone corrected after registration: a Version holds it (what getdoc's docinfo.versions returns)
	as_user(
		"specialist", lambda: frappe.get_doc("Complaint", s.a_open).update({"contact_phone": A_PHONE}).save()
	)
	walk(s.a_open, DEPT_A, "handler_a", A_REPLY)
	s.a_closed = new_complaint(A_CUSTOMER, A_PHONE, "Adesc-ZQX closed one", owner=customer)
	walk(s.a_closed, DEPT_A, "handler_a", A_REPLY, close=True)
	s.a_close_requested = new_complaint("Acr-ZQX", "+86-138-0000-0001", "Adesc-ZQX close requested")
	walk(s.a_close_requested, DEPT_A, "handler_a", A_REPLY)
	as_user("handler_a", api.request_close, s.a_close_requested, A_RESOLUTION, A_ROOT_CAUSE, GOOD_ACTION)
	s.a_registered = new_complaint("Areg-ZQX", "+86-138-0000-0002", "Adesc-ZQX registered")
	s.a_share = new_complaint("Ashare-ZQX", "+86-138-0000-0003", "Adesc-ZQX share")
	walk(s.a_share, DEPT_A, None)
	s.a_assign = new_complaint("Aassign-ZQX", "+86-138-0000-0004", "Adesc-ZQX assign")
	walk(s.a_assign, DEPT_A, None)
	s.a_spare = new_complaint("Aspare-ZQX", "+86-138-0000-0008", "Adesc-ZQX spare")
	walk(s.a_spare, DEPT_A, "handler_a", A_REPLY)
	s.a_race = new_complaint("Arace-ZQX", "+86-138-0000-0005", "Adesc-ZQX race")
	walk(s.a_race, DEPT_A, None)
	s.a_markup = new_complaint("Amarkup-ZQX", "+86-138-0000-0006", "Adesc-ZQX markup")
	walk(s.a_markup, DEPT_A, "handler_a", A_REPLY)
	s.a_irrational = new_complaint(
		"Airr-ZQX", "+86-138-0000-0007", "Adesc-ZQX irrational", owner=customer, grade="Irrational"
	)
	as_user("specialist", api.transfer, s.a_irrational, DEPT_A, None, None, "Watch", A_IRRATIONAL)

	s.b_open = new_complaint(B_CUSTOMER, B_PHONE, B_DESC, contact_email=B_EMAIL)
	walk(s.b_open, DEPT_B, "handler_b", B_REPLY, note=B_TRANSFER_NOTE)
	pause_and_escalate(s.b_open)
	s.b_transferred = new_complaint(B_CUSTOMER, B_PHONE, B_DESC, contact_email=B_EMAIL)
	walk(s.b_transferred, DEPT_B, None)

	s.b_notice = notice(s.b_open, DEPT_B, "Transfer", user("handler_b"))
	s.a_notice = notice(s.a_open, DEPT_A, "Transfer", user("handler_a"))
	s.a_cancelled_notice = notice(s.a_open, DEPT_A, "First Reply", user("handler_a"), cancel=True)
	s.b_appeal = appeal(s.b_notice, B_APPEAL, user("handler_b"))
	s.a_appeal = appeal(s.a_notice, A_APPEAL, user("deptmgr_a"))
	s.a_review = action_review(s.a_closed, DEPT_A)
	s.b_review = action_review(s.b_open, DEPT_B, B_REVIEW_CAUSE)
	s.b_survey = answered_survey(s.b_open, DEPT_B, B_SURVEY)
	s.b_file = private_file(s.b_open)
	s.b_comm = communication(s.b_open)
	s.b_records = frappe.get_all("Complaint Transfer Record", {"complaint": s.b_open}, pluck="name")
	s.b_records += frappe.get_all("Complaint Transfer Record", {"complaint": s.b_transferred}, pluck="name")
	s.b_todos = frappe.get_all(
		"ToDo", {"reference_type": "Complaint", "reference_name": s.b_open}, pluck="name"
	)
	s.b_comments = frappe.get_all(
		"Comment", {"reference_doctype": "Complaint", "reference_name": s.b_open}, pluck="name"
	)
	s.b_versions = frappe.get_all("Version", {"ref_doctype": "Complaint", "docname": s.b_open}, pluck="name")
	s.a_versions = frappe.get_all("Version", {"ref_doctype": "Complaint", "docname": s.a_open}, pluck="name")
	from complaint_mgmt.outputs.weekly import make_penalty_bulletin

	s.bulletin = make_penalty_bulletin(NOTICE_WEEK.date())
	s.service_center = frappe.db.get_value("Complaint Department", {"is_service_center": 1}, "name")
	s.from_date = str(NOTICE_WEEK.date())
	s.to_date = str(add_days(now_datetime().date(), 1))
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	return s


def cleanup() -> None:
	"""Remove every record of this tier (and what the tests made), committed. Users and departments stay."""
	frappe.db.rollback()
	delete_complaints(tier_complaints(MARK, USERS))
	bulletins = frappe.get_all("Complaint Penalty Bulletin", {"week_start": NOTICE_WEEK.date()}, pluck="name")
	if bulletins:
		frappe.db.delete("Complaint Penalty Bulletin Item", {"parent": ("in", bulletins)})
		frappe.db.delete("Complaint Penalty Bulletin", {"name": ("in", bulletins)})
	# report views the tier's users saved (the canary matrix calls save_report with the documents' names)
	owners = [user for user, _roles in USERS.values()]
	frappe.db.delete("Report", {"is_standard": "No", "owner": ("in", owners)})
	frappe.db.commit()  # test data of another process must really go  # nosemgrep
