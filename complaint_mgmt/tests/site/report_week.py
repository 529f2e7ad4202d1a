"""A crafted week of complaints and penalty notices with known report answers (week of Monday 2019-03-04).

Two departments (Sales W, Service W), a category subtree (Test Vehicles > Test Engine / Test Paint), complaints
whose milestones and deadlines are set directly (no procedure actions involved), notices inserted and submitted.
The expected numbers are worked out by hand in tests/site/test_reports.py.
"""

from datetime import datetime, timedelta

import frappe

from complaint_mgmt.outputs import report_stats
from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES
from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user

WEEK = {"from_date": "2019-03-04", "to_date": "2019-03-10"}
SALES, SERVICE = "Sales W", "Service W"
SALES_HANDLER = "cm-w-sales@example.com"
SERVICE_HANDLER = "cm-w-service@example.com"
SALES_MANAGER = "cm-w-sales-mgr@example.com"
SPECIALIST = "cm-w-specialist@example.com"


def make_categories() -> None:
	frappe.get_doc(
		{"doctype": "Complaint Category", "category_name": "Test Vehicles", "is_group": 1,
		 "parent_complaint_category": "All Complaint Categories"}
	).insert()  # fmt: skip
	for name in ("Test Engine", "Test Paint"):
		frappe.get_doc(
			{
				"doctype": "Complaint Category",
				"category_name": name,
				"parent_complaint_category": "Test Vehicles",
			}
		).insert()


def complaint(received: datetime, department: str | None, category: str, channel="Phone", grade="General",
			  receiver=None, **hours_and_values) -> str:  # fmt: skip
	"""A complaint received at `received`; `*_h` keyword arguments are milestones/dues in hours after it."""
	doc = make_complaint(received_on=received, category=category, channel=channel, grade=grade)
	values = {"department": department, "receiver": receiver, "specialist": SPECIALIST}
	values.update({f: None for f in ("transfer_due", "first_reply_due", "close_due", "return_visit_due")})
	for key, value in hours_and_values.items():
		if key.endswith("_h"):
			values[key[:-2]] = received + timedelta(hours=value)
		else:
			values[key] = value
	frappe.db.set_value("Complaint", doc.name, values, update_modified=False)
	return doc.name


def notice(complaint_name: str, department: str, breach_type: str, base: float, issued_on: datetime,
		   period: int = 0, multiplier: float = 1, submit: bool = True):  # fmt: skip
	doc = frappe.get_doc(
		{"doctype": "Complaint Penalty Notice", "complaint": complaint_name, "department": department,
		 "breach_type": breach_type, "period": period, "grade": "General", "base_amount": base,
		 "multiplier": multiplier, "issued_on": issued_on}
	).insert()  # fmt: skip
	if submit:
		doc.submit()
	return doc


def make_people(*extra: tuple[str, str]) -> None:
	"""The week's users (and `extra` (email, role) pairs), committed once per session: creating users is the
	slow part of the fixture and they carry no state the tests change."""
	for email, role in (
		(SALES_HANDLER, "Complaint Handler"),
		(SERVICE_HANDLER, "Complaint Handler"),
		(SALES_MANAGER, "Complaint Department Manager"),
		(SPECIALIST, "Complaint Specialist"),
		*extra,
	):
		make_user(email, role)
	frappe.db.commit()  # nosemgrep -- session fixture (before the per-test rollback): users are reused


def build() -> frappe._dict:
	make_department(SALES, receivers=[SALES_HANDLER], manager=SALES_MANAGER)
	make_department(SERVICE, receivers=[SERVICE_HANDLER])
	make_categories()
	d = datetime(2019, 3, 4)  # Monday
	k = frappe._dict()
	# Sales W: one closed late (second closure), one open and overdue, one closed in time, two irrational.
	k.k1 = complaint(d + timedelta(hours=8), SALES, "Test Engine", receiver=SALES_HANDLER, status="Closed",
		closure_type="Second Closure", transfer_due_h=4, transferred_on_h=1, acknowledged_on_h=3,
		first_reply_due_h=27, first_replied_on_h=13, close_due_h=72, close_requested_on_h=80,
		return_visit_due_h=92, return_visited_on_h=82, closed_on_h=86)  # fmt: skip
	k.k2 = complaint(d + timedelta(days=1, hours=9), SALES, "Test Engine", channel="Media",
		receiver=SALES_HANDLER, status="Acknowledged", transfer_due_h=4, transferred_on_h=2,
		acknowledged_on_h=3, first_reply_due_h=27, close_due_h=72)  # fmt: skip
	k.k3 = complaint(d + timedelta(days=2, hours=10), SALES, "Test Paint", receiver=SALES_HANDLER,
		status="Closed", closure_type="First Closure", transfer_due_h=4, transferred_on_h=1,
		acknowledged_on_h=6, first_reply_due_h=30, first_replied_on_h=10, close_due_h=72,
		close_requested_on_h=24, return_visit_due_h=36, return_visited_on_h=30, closed_on_h=32)  # fmt: skip
	k.k4 = complaint(d + timedelta(days=3, hours=11), SALES, "Test Paint", grade="Irrational",
		status="Transferred", irrational_stage="First", follow_up_mode="Watch")  # fmt: skip
	k.k5 = complaint(d + timedelta(days=4, hours=12), SALES, "Product Quality", status="Deferred",
		irrational_stage="Secondary", follow_up_mode="Monitor")  # fmt: skip
	# Service W: one closed in time (external), one irrational, one transferred and never acknowledged.
	k.k6 = complaint(d + timedelta(days=5, hours=13), SERVICE, "Product Quality", channel="Government",
		receiver=SERVICE_HANDLER, status="Closed", closure_type="First Closure", transfer_due_h=4,
		transferred_on_h=1, acknowledged_on_h=2, first_reply_due_h=26, first_replied_on_h=3, close_due_h=72,
		close_requested_on_h=20, return_visit_due_h=32, return_visited_on_h=21, closed_on_h=22)  # fmt: skip
	k.k7 = complaint(d + timedelta(days=6, hours=23), SERVICE, "Delivery", grade="Irrational",
		status="Transferred", irrational_stage="First", follow_up_mode="Monitor")  # fmt: skip
	k.k8 = complaint(d + timedelta(hours=14), SERVICE, "Delivery", receiver=SERVICE_HANDLER,
		status="Transferred", transfer_due_h=4, transferred_on_h=1, close_due_h=72)  # fmt: skip
	# Not transferred yet: the service center is late.
	k.k11 = complaint(d + timedelta(days=1, hours=15), None, "Delivery", status="Registered",
		transfer_due_h=4, close_due_h=72)  # fmt: skip
	# Outside the week (one second after it, one second before it).
	k.k9 = complaint(datetime(2019, 3, 11), SALES, "Test Engine", status="Transferred")
	k.k10 = complaint(datetime(2019, 3, 3, 23, 59, 59), SALES, "Test Engine", status="Transferred")

	# Penalty notices.
	notice(k.k1, SALES, "Transfer", 50, d + timedelta(days=1))
	notice(k.k1, SALES, "Close", 100, d + timedelta(days=3))
	k.executed_notice = notice(k.k3, SALES, "First Reply", 50, d + timedelta(days=2)).name
	frappe.db.set_value("Complaint Penalty Notice", k.executed_notice, "executed", 1)
	cancelled = notice(k.k1, SALES, "Monthly Repeat", 100, d + timedelta(days=4), period=1, multiplier=2)
	cancelled.cancel_reason = "Issued by mistake"
	cancelled.cancel()
	notice(k.k8, SERVICE, "Transfer", 50, d + timedelta(hours=20))
	notice(k.k8, SERVICE, "Close", 100, d + timedelta(days=5), submit=False)  # draft: not counted
	notice(k.k6, SERVICE, "Transfer", 50, datetime(2019, 3, 11))  # next week
	return k


def count(names) -> int:
	"""Count the crafted complaints into the reports' daily rows, as the job does once they are settled. The
	factory left the sweep's next check of registration on them (their milestones were set afterwards): the
	closed and deferred ones get none, as a real closure or deferral leaves them. Returns how many were counted
	(the job's own count of this site's other settled complaints is not asserted)."""
	c = frappe.qb.DocType("Complaint")
	frappe.qb.update(c).set(c.next_check_at, None).where(
		c.name.isin(list(names)) & c.status.isin(TERMINAL_STATUSES)
	).run()
	report_stats.count_settled()
	return frappe.db.count("Complaint", {"name": ("in", list(names)), "stats_counted": 1})
