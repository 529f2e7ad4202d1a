"""Default records the app needs on every site: roles, grades, categories, service center, settings.

Every function only creates what is missing, so it runs safely on each install and migrate.
"""

import frappe

from complaint_mgmt.loop.tier_roles import grant_complaint_access
from complaint_mgmt.loop.workflow import make_workflow, sync_approval_conditions, sync_approver_roles
from complaint_mgmt.outputs.weekly import sync_auto_email_reports

# The spec's authority matrix (§6): up to 50 the front-desk manager, up to 200 a deputy store manager, up to
# 2,000 the store manager, above that (open tier, no ceiling) a group vice president. Seeded only into an empty
# table; administrators edit it in Complaint Settings.
COMPENSATION_TIERS = (
	(50, "Complaint Front Desk Manager"),
	(200, "Complaint Deputy Store Manager"),
	(2000, "Complaint Store Manager"),
	(0, "Complaint Vice President"),
)
# What earlier versions seeded: replaced by the spec's matrix where an administrator never changed it (patch).
PREVIOUS_COMPENSATION_TIERS = ((2000, "Complaint Manager"), (100000, "Complaint Bulletin Approver"))

ROLES = (
	"Complaint Manager",
	"Complaint Specialist",
	"Complaint Handler",
	"Complaint Department Manager",
	"Complaint Bulletin Approver",
	"Complaint Penalty Executor",
	*(role for _amount, role in COMPENSATION_TIERS),
	"Complaint Service Director",
)
# Spec §6 (a car dealer's rules): media, consumer association and government go to the service director within
# 30 minutes; the manufacturer's hotline is answered within 3 hours. Seeded only into an empty table.
CHANNEL_TARGETS = (
	("Media", 0.5, "Complaint Service Director"),
	("Consumer Association", 0.5, "Complaint Service Director"),
	("Government", 0.5, "Complaint Service Director"),
	("Manufacturer Hotline", 3, None),
)

# The spec's suggested defaults (administrators change them in Complaint Grade).
GRADES = (
	{"grade_name": "General", "rank": 10, "transfer_hours": 4, "first_reply_hours": 24, "close_hours": 72,
	 "escalate_to": "Medium", "transfer_penalty": 50, "first_reply_penalty": 50, "close_penalty": 50},
	{"grade_name": "Medium", "rank": 20, "transfer_hours": 2, "first_reply_hours": 8, "close_hours": 120,
	 "escalate_to": "Strong", "transfer_penalty": 100, "first_reply_penalty": 100, "close_penalty": 100},
	{"grade_name": "Strong", "rank": 30, "transfer_hours": 0.5, "first_reply_hours": 4, "close_hours": 168,
	 "escalate_to": None, "transfer_penalty": 200, "first_reply_penalty": 200, "close_penalty": 200},
	{"grade_name": "Irrational", "rank": 0, "is_irrational": 1},
)  # fmt: skip

ROOT_CATEGORY = "All Complaint Categories"
CATEGORIES = (
	"Product Quality",
	"Sales Service",
	"After-sales Service",
	"Delivery",
	"Billing and Price",
	"Staff Attitude",
	"Policy Misunderstanding",
)
SERVICE_CENTER = "Customer Service Center"
# Link defaults of Complaint Settings: set here, not in the JSON, because Frappe saves Singles with their JSON
# defaults before after_install has created the grades and categories they point to.
SETTINGS_LINKS = {
	"default_grade": "General",
	"default_category": "Product Quality",
	"appeal_decider_role": "Complaint Bulletin Approver",  # a seeded role (ROLES)
}


def seed_all() -> None:
	make_roles()
	make_grades()
	make_categories()
	make_service_center()
	make_settings()
	sync_auto_email_reports()  # the weekly reports' scheduled e-mail, disabled until recipients are set
	make_workflow()  # after the settings: one transition per compensation tier role
	sync_approver_roles()  # tier roles added in the settings since
	sync_approval_conditions()  # each tier role offered the approval of its own tier only
	grant_complaint_access()  # tier roles added before saving the tiers gave them read access


def make_roles() -> None:
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True  # installer context: runs as Administrator, no user session
			)


def make_grades() -> None:
	# Insert the targets of escalations first (Strong before Medium before General).
	for values in sorted(GRADES, key=lambda g: -g["rank"]):
		if not frappe.db.exists("Complaint Grade", values["grade_name"]):
			frappe.get_doc({"doctype": "Complaint Grade", **values}).insert(
				ignore_permissions=True  # installer context
			)


def make_categories() -> None:
	if not frappe.db.exists("Complaint Category", ROOT_CATEGORY):
		frappe.get_doc(
			{"doctype": "Complaint Category", "category_name": ROOT_CATEGORY, "is_group": 1}
		).insert(ignore_permissions=True)  # installer context
	for name in CATEGORIES:
		if not frappe.db.exists("Complaint Category", name):
			frappe.get_doc(
				{
					"doctype": "Complaint Category",
					"category_name": name,
					"parent_complaint_category": ROOT_CATEGORY,
				}
			).insert(ignore_permissions=True)  # installer context


def make_service_center() -> None:
	if frappe.db.exists("Complaint Department", {"is_service_center": 1}):
		return
	if frappe.db.exists("Complaint Department", SERVICE_CENTER):
		frappe.db.set_value("Complaint Department", SERVICE_CENTER, "is_service_center", 1)
		return
	frappe.get_doc(
		{"doctype": "Complaint Department", "department_name": SERVICE_CENTER, "is_service_center": 1}
	).insert(ignore_permissions=True)  # installer context


def make_settings() -> None:
	"""Store the defaults once (a Single has no row until it is saved) and the default compensation tiers."""
	settings = frappe.get_single("Complaint Settings")
	changed = False
	for field in settings.meta.fields:
		if field.default and settings.get(field.fieldname) in (None, ""):
			settings.set(field.fieldname, field.default)
			changed = True
	for field, value in SETTINGS_LINKS.items():
		if not settings.get(field):
			settings.set(field, value)
			changed = True
	if not frappe.db.exists("Complaint Compensation Tier", {"parent": "Complaint Settings"}):
		for amount, role in COMPENSATION_TIERS:
			settings.append("compensation_tiers", {"up_to_amount": amount, "approver_role": role})
		changed = True
	if not frappe.db.exists("Complaint Channel Target", {"parent": "Complaint Settings"}):
		for channel, hours, role in CHANNEL_TARGETS:
			settings.append(
				"channel_targets", {"channel": channel, "response_hours": hours, "notify_role": role}
			)
		changed = True
	if changed:
		settings.save(ignore_permissions=True)  # installer context
