"""``frappe.client.save`` with the permission checked on the stored document first.

Frappe 15.41 gap: ``client.save`` builds the document from the posted JSON and ``Document._save`` checks the
permission on that posted document (a made-up department passes the department rule), then ``check_if_latest``
compares the posted ``modified`` with the stored one and answers a TimestampMismatchError that quotes the stored
``modified``: of a complaint of another department, before any check of the stored document. Here the user must
be allowed to write the stored document before Frappe's own function runs; a document the user may not write is
refused exactly like one that does not exist.
"""

import json

import frappe
from frappe import _, client

from complaint_mgmt.security.permissions import refuse_unreadable


def posted_document(doc) -> dict:
	if isinstance(doc, str):
		try:
			doc = json.loads(doc)
		except ValueError:
			doc = None
	if not isinstance(doc, dict) or not isinstance(doc.get("doctype"), str):
		frappe.throw(
			_("The document to save must be a JSON object with its doctype."), title=_("Invalid value")
		)
	return doc


@frappe.whitelist(methods=["POST", "PUT"])
def save(doc: str | dict):
	posted = posted_document(doc)
	doctype, name = posted["doctype"], posted.get("name")
	if not frappe.db.exists("DocType", doctype):
		refuse_unreadable(doctype)
	meta = frappe.get_meta(doctype)
	if meta.issingle or meta.istable:
		return client.save(posted)  # a single has no other record; a child row saves with its parent
	if isinstance(name, str) and name and not posted.get("__islocal"):
		if not frappe.db.exists(doctype, name) or not frappe.has_permission(doctype, "write", doc=name):
			refuse_unreadable(doctype)
	return client.save(posted)
