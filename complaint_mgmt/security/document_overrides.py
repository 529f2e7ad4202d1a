"""Frappe 15 endpoints that act on one document, wrapped where they reach past the document's rules (found by the
canary matrix, complaint_mgmt/tests/http/test_canary_matrix.py). Each wrapper names the gap and calls Frappe's own
function once it has checked (``override_whitelisted_methods`` in hooks.py).
"""

import frappe
from frappe import _, handler
from frappe.core.api import file as file_api
from frappe.templates.includes.comments import comments
from frappe.templates.includes.likes import likes

from complaint_mgmt.security.permissions import refuse_unreadable
from complaint_mgmt.security.privacy import unreadable_fields
from complaint_mgmt.security.registry import APP_RULES


def refuse(message: str) -> None:
	frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))


@frappe.whitelist()
def run_doc_method(method: str, docs=None, dt: str | None = None, dn: str | None = None, arg=None, args=None):
	"""``frappe.handler.run_doc_method`` appends the whole document to the response (``docs``), with the fields
	above the caller's permission level (a penalty executor who comments on a complaint got the customer's
	phone and e-mail). The documents go back without the fields the caller may not read."""
	result = handler.run_doc_method(method, docs=docs, dt=dt, dn=dn, arg=arg, args=args)
	frappe.response.docs = [readable_doc(doc) for doc in frappe.response.get("docs") or []]
	return result


def readable_doc(doc):
	"""`doc` (a Document or a dict) as a dict without the fields of its doctype (and its child rows') that the
	session user may not read."""
	data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
	doctype = data.get("doctype")
	if not doctype:
		return data
	hidden = unreadable_fields(doctype)
	data = {key: value for key, value in data.items() if key not in hidden}
	for key, value in data.items():
		if isinstance(value, list) and value and isinstance(value[0], dict) and value[0].get("doctype"):
			data[key] = [readable_doc(row) for row in value]
	return data


@frappe.whitelist()
def unzip_file(name: str):
	"""``unzip_file`` loads the File and answers "<file name> is not a zip file" before any permission check:
	the name of another department's attachment. The caller must be allowed to write the File first."""
	if not frappe.db.exists("File", name) or not frappe.has_permission("File", "write", doc=name):
		refuse_unreadable("File")
	return file_api.unzip_file(name)


def refuse_app_doctype(reference_doctype) -> None:
	if reference_doctype in APP_RULES:
		refuse(_("{0} takes no comments or likes from the website.").format(_(reference_doctype)))


@frappe.whitelist(allow_guest=True)
def add_website_comment(comment, comment_email, comment_by, reference_doctype, reference_name, route=None):
	"""The website's ``add_comment`` adds a published comment to any document for any logged-in user, without
	a permission check (and mails its owner). The app's documents are worked in the desk, not commented on from
	the website."""
	refuse_app_doctype(reference_doctype)
	return comments.add_comment(comment, comment_email, comment_by, reference_doctype, reference_name, route)


@frappe.whitelist(allow_guest=True)
def website_like(reference_doctype, reference_name, like, route=""):
	"""The website's ``like``: the same gap as ``add_website_comment``."""
	refuse_app_doctype(reference_doctype)
	return likes.like(reference_doctype, reference_name, like, route)
