"""/complaint-contact?complaint=CMP-…&key=…: the link mailed to a complaint's contact address
(complaint_mgmt.loop.portal_identity). A guest is sent to the login page first; a logged-in user whose account
e-mail is the contact address proves it, and the complaint appears in their My Complaints."""

from urllib.parse import quote, urlencode

import frappe
from frappe import _

from complaint_mgmt.loop import customer_mail, portal_identity

no_cache = 1


def get_context(context):
	frappe.local.no_cache = 1
	if frappe.session.user == "Guest":
		args = {k: frappe.form_dict.get(k) or "" for k in ("complaint", "key")}
		path = portal_identity.ROUTE + "?" + urlencode(args)
		frappe.local.flags.redirect_location = "/login?redirect-to=" + quote(path, safe="")
		raise frappe.Redirect(302)
	context.result = portal_identity.verify(frappe.form_dict.get("complaint"), frappe.form_dict.get("key"))
	if context.result.ok:  # the acknowledgement, now to a proved address
		customer_mail.on_contact_verified(context.result.complaint)
	context.title = _("Follow your complaint online")
	context.show_sidebar = True
