"""Install, migrate and uninstall hooks."""

import frappe

from complaint_mgmt.setup.email_templates import make_email_templates
from complaint_mgmt.setup.report_indexes import ensure_report_indexes
from complaint_mgmt.setup.seed import ROLES, seed_all
from complaint_mgmt.setup.workspace_defaults import apply_desk_defaults

APP_DOCTYPES = (
	"Complaint",
	"Complaint Transfer Record",
	"Complaint Penalty Notice",
	"Complaint Penalty Bulletin",
	"Complaint Department",
	"Complaint Grade",
	"Complaint Category",
)


def after_install() -> None:
	seed_all()
	make_email_templates()  # the customer's e-mails, editable by an administrator (loop/customer_mail.py)
	ensure_report_indexes()
	apply_desk_defaults()  # the Complaints workspace for complaint users, the app's print formats as default


def after_migrate() -> None:
	seed_all()
	make_email_templates()
	ensure_report_indexes()
	apply_desk_defaults()


def before_uninstall() -> None:
	"""Remove what the app made outside its own doctypes, so no role, workflow or link is left behind."""
	for workflow in frappe.get_all("Workflow", filters={"document_type": ("in", APP_DOCTYPES)}, pluck="name"):
		frappe.delete_doc("Workflow", workflow, force=True, ignore_permissions=True)  # uninstall: admin only
	for report in frappe.get_all(
		"Auto Email Report", filters={"report": ("like", "%Complaint%")}, pluck="name"
	):
		frappe.delete_doc("Auto Email Report", report, force=True, ignore_permissions=True)  # uninstall
	for doctype in ("ToDo", "Notification Log"):
		field = "reference_type" if doctype == "ToDo" else "document_type"
		frappe.db.delete(doctype, {field: ("in", APP_DOCTYPES)})
	for doctype in ("Custom Field", "Property Setter"):
		frappe.db.delete(doctype, {"dt" if doctype == "Custom Field" else "doc_type": ("in", APP_DOCTYPES)})
	frappe.db.delete("Singles", {"doctype": "Complaint Settings"})
	# the complaint list's saved views (setup/saved_views.py) and any saved filter of the app's lists
	frappe.db.delete("List Filter", {"reference_doctype": ("in", APP_DOCTYPES)})
	# customers' intake (intake.py): the portal menu entry and mail accounts appending to complaints
	frappe.db.delete("Portal Menu Item", {"route": "/my-complaints"})
	for doctype in ("Email Account", "IMAP Folder"):
		frappe.db.set_value(doctype, {"append_to": ("in", APP_DOCTYPES)}, "append_to", None)
	frappe.db.delete("Custom DocPerm", {"role": ("in", ROLES)})
	frappe.db.delete("Has Role", {"role": ("in", ROLES)})
	for role in ROLES:
		frappe.delete_doc("Role", role, force=True, ignore_permissions=True, ignore_missing=True)  # uninstall
