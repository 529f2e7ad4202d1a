"""/my-complaints: a logged-in customer's own complaints and where they stand (complaint_mgmt.intake)."""

import frappe
from frappe import _

from complaint_mgmt.loop.intake import own_complaints

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see your complaints."), frappe.PermissionError)
	context.title = _("My Complaints")
	context.show_sidebar = True
	context.complaints = own_complaints()
	context.parents = [{"route": "me", "title": _("My Account")}]
