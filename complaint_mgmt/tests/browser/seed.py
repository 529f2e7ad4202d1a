"""The browser tier's data: its own users (one per role, the HTTP tier's password), two departments and the
complaints the UI tests start from, made in-process through complaint_mgmt.api and committed (the server is
another process). Everything made here, and by the tests through the desk, is removed again by `cleanup`:
complaints by the "-BRW" marker in the customer name or by an owner among the tier's users.
"""

import json
import time
from datetime import datetime, timedelta
from urllib.parse import quote

import frappe
from frappe.utils import now_datetime

from complaint_mgmt import api
from complaint_mgmt.deadlines import run_sweep
from complaint_mgmt.tests.cleanup import delete_complaints, delete_with_traces, tier_complaints
from complaint_mgmt.tests.http import seed as http_seed
from complaint_mgmt.weekly import make_penalty_bulletin

PASSWORD = http_seed.PASSWORD  # the HTTP tier's users' password, for ours too
ensure_user, ensure_department = http_seed.ensure_user, http_seed.ensure_department
DOMAIN = "browser-probe.example.com"
# role key -> (user, roles); the customer is a Website User without any role
USERS = {
	"specialist": (f"specialist@{DOMAIN}", ("Complaint Specialist",)),
	"handler_a": (f"handler-a@{DOMAIN}", ("Complaint Handler",)),
	"member_a": (f"member-a@{DOMAIN}", ("Complaint Handler",)),
	"handler_b": (f"handler-b@{DOMAIN}", ("Complaint Handler",)),
	"outsider": (f"outsider@{DOMAIN}", ("Complaint Handler",)),  # in no department
	# the compensation tier up to 50 (seeded, spec §6) approves closures with a compensation of 30
	"approver": (f"approver@{DOMAIN}", ("Complaint Front Desk Manager",)),
	"gm": (f"gm@{DOMAIN}", ("Complaint Bulletin Approver",)),
	"executor": (f"executor@{DOMAIN}", ("Complaint Penalty Executor",)),
	"customer": (f"customer@{DOMAIN}", ()),
	"sysadmin": (f"sysadmin@{DOMAIN}", ("System Manager",)),  # the replica's state on Complaint Settings
}
DEPT_A, DEPT_B = "Browser Dept A", "Browser Dept B"
MARK = "-BRW"
COMPENSATION = 30
ABOVE_TIER = 150  # the Deputy Store Manager's tier: not the approver's
GOOD_ACTION = "Check every part against the drawing at goods receipt"
# the overdue complaint and its penalty notice lie in a fixed past week (the bulletin of that week is ours;
# the HTTP tier uses 2025-03-10)
BULLETIN_WEEK = datetime(2025, 2, 3)
OVERDUE_RECEIVED = datetime(2025, 2, 3, 8, 0)
SWEEP_AT = datetime(2025, 2, 4, 12, 0)


def only(names) -> str:
	"""Route options of a list showing only these documents (by primary key: the site may hold a million
	others, and a filter on a text field would scan them all)."""
	return "?name=" + quote(json.dumps(["in", list(names)]))


def user(key: str) -> str:
	return USERS[key][0]


def as_user(key: str, fn, *args, **kwargs):
	previous = frappe.session.user
	frappe.set_user(user(key))
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user(previous)


def new_complaint(customer: str, description: str, **kw) -> str:
	values = {
		"doctype": "Complaint",
		"customer_name": customer,
		"contact_phone": "+86-138-2222-0000",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": description,
		"received_on": now_datetime().replace(microsecond=0) - timedelta(minutes=30),
		**kw,
	}
	return as_user("specialist", lambda: frappe.get_doc(values).insert().name)


def set_language(keys, language: str) -> None:
	for key in keys:
		frappe.db.set_value("User", user(key), "language", language)
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	frappe.clear_cache()


def seed(attempts: int = 3) -> frappe._dict:
	"""The tier's data; other processes work on the same site: after a deadlock, clean up and start again."""
	for attempt in range(attempts):
		try:
			return _seed()
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			cleanup()


def _seed() -> frappe._dict:
	frappe.set_user("Administrator")
	# a test site made by `new-site` never ran the setup wizard: the desk would send every user there. What the
	# wizard's end does to leave it (frappe.desk.page.setup_wizard: disable_future_access): the flag and the
	# desk's home page (a fresh site's is "setup-wizard", which the desk opens for users without a workspace)
	if not frappe.db.get_single_value("System Settings", "setup_complete"):
		frappe.db.set_single_value("System Settings", "setup_complete", 1)
	if frappe.db.get_default("desktop:home_page") == "setup-wizard":
		frappe.db.set_default("desktop:home_page", "workspace")
	for email, roles in USERS.values():
		ensure_user(email, roles)
		frappe.db.set_value("User", email, "language", "en")
	ensure_department(DEPT_A, [user("handler_a")], [user("member_a")], None)
	ensure_department(DEPT_B, [user("handler_b")], [], None)
	s = frappe._dict(users={k: v[0] for k, v in USERS.items()}, dept_a=DEPT_A, dept_b=DEPT_B)

	# acknowledged, the first-reply clock running: the zh pass, then the deferral path (the department asks
	# for a deferral, the service center accepts it)
	s.running = new_complaint("Running" + MARK, "The customer cannot be reached for weeks")
	as_user("specialist", api.transfer, s.running, DEPT_A)
	as_user("handler_a", api.acknowledge, s.running)
	# waiting in the approver's inbox (compensation 30): the zh pass, then the approver rejects the closure
	s.awaiting_approval = new_complaint("Approval" + MARK, "The repair did not hold")
	as_user("specialist", api.transfer, s.awaiting_approval, DEPT_A)
	as_user("handler_a", api.acknowledge, s.awaiting_approval)
	as_user("handler_a", api.reply, s.awaiting_approval, "We are checking the part" + MARK)
	args = ("Repaired", "Worn seal", GOOD_ACTION, COMPENSATION)
	as_user("handler_a", api.request_close, s.awaiting_approval, *args)
	as_user("specialist", api.record_return_visit, s.awaiting_approval, True, "Satisfied" + MARK)
	# a compensation above the approver's tier (150 > 50): its Actions menu offers neither approve nor reject
	s.above_tier = new_complaint("Above tier" + MARK, "The whole unit must be replaced")
	as_user("specialist", api.transfer, s.above_tier, DEPT_A)
	as_user("handler_a", api.acknowledge, s.above_tier)
	as_user("handler_a", api.reply, s.above_tier, "We replace the unit" + MARK)
	as_user("handler_a", api.request_close, s.above_tier, *args[:3], ABOVE_TIER)
	as_user("specialist", api.record_return_visit, s.above_tier, True, "Satisfied" + MARK)
	# an overdue complaint of a past week: the deadline sweep issues its penalty notice, the bulletin lists it
	s.overdue = new_complaint("Overdue" + MARK, "Nobody transferred it in time", received_on=OVERDUE_RECEIVED)
	frappe.db.commit()  # nosemgrep
	run_sweep(now=SWEEP_AT)
	s.notice = frappe.db.get_value(
		"Complaint Penalty Notice", {"complaint": s.overdue, "docstatus": 1}, "name", order_by="creation asc"
	)
	s.bulletin = make_penalty_bulletin(BULLETIN_WEEK.date())
	frappe.db.commit()  # the server (another process) must see it  # nosemgrep
	return s


def cleanup(attempts: int = 5) -> None:
	"""Remove every record of this tier (and what the tests made), committed. Users and departments stay.
	Other processes work on the same site: a deadlock is rolled back and the whole cleanup retried."""
	for attempt in range(attempts):
		try:
			return _cleanup()
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(0.5 * (attempt + 1))


def _cleanup() -> None:
	frappe.db.rollback()
	names = tier_complaints(MARK, USERS)
	bulletins = frappe.get_all(
		"Complaint Penalty Bulletin", {"week_start": BULLETIN_WEEK.date()}, pluck="name"
	)
	delete_complaints(names)
	if bulletins:
		frappe.db.delete("Complaint Penalty Bulletin Item", {"parent": ("in", bulletins)})
		delete_with_traces("Complaint Penalty Bulletin", bulletins)
	frappe.db.commit()  # test data of another process must really go  # nosemgrep
