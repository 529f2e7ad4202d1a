"""Records made in code for the site tier (rolled back after each test)."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime


def make_user(email: str, *roles: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": "System User",
			}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


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
