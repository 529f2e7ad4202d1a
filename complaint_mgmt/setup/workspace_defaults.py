"""Desk defaults of the app (issue 11, items 7 and 10): people with a complaint role land on the Complaints
workspace, and the app's print formats are what the print view opens on.

Both only fill what is empty, so an administrator's choice (another default workspace for a user, another
default print format for a doctype) is kept on every migrate.
"""

import frappe

from complaint_mgmt.setup import saved_views
from complaint_mgmt.setup.seed import ROLES

WORKSPACE = "Complaints"
# doctype -> the app's print format for it (complaint_mgmt/complaint_mgmt/print_format/*)
PRINT_FORMATS = {
	"Complaint": "Complaint Handling Document",
	"Complaint Penalty Notice": "Complaint Penalty Notice",
	"Complaint Penalty Bulletin": "Penalty Bulletin",
}


def apply_desk_defaults() -> None:
	"""after_migrate: the default workspace of complaint users, the default print formats and the complaint
	list's saved views per role (setup/saved_views.py)."""
	set_default_workspaces()
	set_default_print_formats()
	saved_views.sync_all()


def complaint_users_without_workspace() -> list[str]:
	"""Enabled desk users holding a complaint role whose default workspace is empty."""
	holders = frappe.get_all(
		"Has Role",
		filters={"parenttype": "User", "role": ("in", ROLES)},
		pluck="parent",
		distinct=True,
	)
	if not holders:
		return []
	return frappe.get_all(
		"User",
		filters={
			"name": ("in", holders),
			"enabled": 1,
			"user_type": "System User",
			"default_workspace": ("is", "not set"),
		},
		pluck="name",
	)


def set_default_workspaces() -> list[str]:
	"""Give the Complaints workspace to every complaint user without a default workspace; returns them."""
	if not frappe.db.exists("Workspace", WORKSPACE):
		return []
	users = complaint_users_without_workspace()
	for user in users:
		set_workspace(user)
	return users


def set_workspace(user: str) -> None:
	frappe.db.set_value("User", user, "default_workspace", WORKSPACE, update_modified=False)
	frappe.cache.hdel("bootinfo", user)  # the desk reads the default workspace from the cached boot


def on_user_update(doc, method=None) -> None:
	"""User on_update: a user given a complaint role gets the Complaints workspace when none is set."""
	if doc.default_workspace or doc.user_type != "System User" or not doc.enabled:
		return
	if not any(row.role in ROLES for row in doc.get("roles") or []):
		return
	if not frappe.db.exists("Workspace", WORKSPACE):
		return
	set_workspace(doc.name)
	doc.default_workspace = WORKSPACE


def set_default_print_formats() -> list[str]:
	"""A Property Setter `default_print_format` per app doctype that has none yet; returns the doctypes set."""
	done = []
	for doctype, print_format in PRINT_FORMATS.items():
		if not frappe.db.exists("Print Format", print_format):
			continue
		if frappe.db.exists(
			"Property Setter",
			{"doc_type": doctype, "property": "default_print_format", "doctype_or_field": "DocType"},
		):
			continue  # an administrator's (or an earlier run's) choice stays
		setter = frappe.get_doc(
			{
				"doctype": "Property Setter",
				"doctype_or_field": "DocType",
				"doc_type": doctype,
				"property": "default_print_format",
				"value": print_format,
				"property_type": "Data",
				"is_system_generated": 1,
			}
		)
		setter.insert(ignore_permissions=True)  # installer context: runs as Administrator, no user session
		frappe.clear_cache(doctype=doctype)
		done.append(doctype)
	return done
