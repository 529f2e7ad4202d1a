"""Records made in code for the site tier (rolled back after each test)."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

# Every user the site tier acts as: created (and committed) once per session by conftest.ensure_test_users, so
# tests only look them up. Users carry no state the tests change; departments and complaints are made per test.
TEST_USERS = {
	"cm-recv@example.com": ("Complaint Handler",),
	"cm-outsider@example.com": ("Complaint Handler",),
	"cm-a@example.com": ("Complaint Handler",),
	"cm-b@example.com": ("Complaint Handler",),
	"cm-lonely@example.com": ("Complaint Handler",),
	"cm-sales-handler@example.com": ("Complaint Handler",),
	"cm-fin-handler@example.com": ("Complaint Handler",),
	"cm-sales-manager@example.com": ("Complaint Department Manager",),
	"cm-specialist@example.com": ("Complaint Specialist",),
	"cm3-spec@example.com": ("Complaint Specialist",),
	"cm3-mgr@example.com": ("Complaint Manager",),
	"cm3-handler@example.com": ("Complaint Handler",),
	"cm3-handler2@example.com": ("Complaint Handler",),
	"cm3-other@example.com": ("Complaint Handler",),
	"cm3-deptmgr@example.com": ("Complaint Department Manager",),
	"cm3-gm@example.com": ("Complaint Bulletin Approver",),
	"cm-gm-privacy@example.com": ("Complaint Bulletin Approver",),
	"sweep.specialist@example.com": ("Complaint Specialist",),
	"sweep.receiver@example.com": ("Complaint Handler",),
	"sweep.manager@example.com": ("Complaint Department Manager",),
	"cm-w-sales@example.com": ("Complaint Handler",),
	"cm-w-service@example.com": ("Complaint Handler",),
	"cm-w-sales-mgr@example.com": ("Complaint Department Manager",),
	"cm-w-specialist@example.com": ("Complaint Specialist",),
	"cm-portal-a@example.com": (),  # website users (no desk role): the customers' portal and web form
	"cm-portal-b@example.com": (),
	"cm-intake-spec@example.com": ("Complaint Specialist",),
	"cm-director@example.com": ("Complaint Service Director",),
	# compensation tiers (test_authority.py)
	"cm-tier-0@example.com": ("Complaint Front Desk Manager",),
	"cm-tier-1@example.com": ("Complaint Deputy Store Manager",),
	"cm-tier-2@example.com": ("Complaint Store Manager",),
	"cm-tier-3@example.com": ("Complaint Vice President",),
	"cm-sysmgr-retention@example.com": ("System Manager",),  # test_retention.py
	# penalty appeals (test_appeals.py)
	"cm-appeal-mgr@example.com": ("Complaint Department Manager",),
	"cm-appeal-member@example.com": ("Complaint Handler",),
	"cm-appeal-other-mgr@example.com": ("Complaint Department Manager",),
	"cm-appeal-gm@example.com": ("Complaint Bulletin Approver",),
	"cm-appeal-executor@example.com": ("Complaint Penalty Executor",),
}


def make_user(email: str, *roles: str) -> str:
	"""The user with at least `roles` (fast when it exists already: no save)."""
	if frappe.db.exists("User", email):
		missing = set(roles) - set(frappe.get_roles(email))
		if missing:
			frappe.get_doc("User", email).add_roles(*missing)
		return email
	user = frappe.get_doc(
		{
			"doctype": "User",
			"email": email,
			"first_name": email.split("@")[0],
			"send_welcome_email": 0,
			"user_type": "System User",
			"roles": [{"role": role} for role in roles],
		}
	)
	user.flags.no_welcome_mail = True
	user.insert(ignore_permissions=True)  # test fixture, run as Administrator
	return email


def ensure_test_users() -> None:
	for email, roles in TEST_USERS.items():
		make_user(email, *roles)


def make_department(name: str, members=(), receivers=(), manager=None, is_service_center=0, **kw) -> str:
	"""receivers: users, or (user, category, is_default) tuples; receivers are added as members too."""
	receiver_rows = [r if isinstance(r, tuple) else (r, None, 1) for r in receivers]
	member_users = list(dict.fromkeys([*members, *(r[0] for r in receiver_rows)]))
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Department",
			"department_name": name,
			"manager": manager,
			"is_service_center": is_service_center,
			"members": [{"user": u} for u in member_users],
			"receivers": [{"user": u, "category": c, "is_default": d} for u, c, d in receiver_rows],
			**kw,
		}
	)
	doc.insert()
	return doc.name


def make_complaint(received_on: datetime | None = None, **kw):
	values = {
		"doctype": "Complaint",
		"customer_name": "Test Customer",
		"contact_phone": "+86-13800000000",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": "The product broke after two days.",
		"received_on": received_on or (now_datetime() - timedelta(minutes=5)),
	}
	values.update(kw)
	return frappe.get_doc(values).insert()


def set_settings(**values) -> None:
	settings = frappe.get_single("Complaint Settings")
	settings.update(values)
	settings.save()
	frappe.clear_document_cache("Complaint Settings")
