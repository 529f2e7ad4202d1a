"""Customer contact data (phone, e-mail, party: permission level 1) reaches only the roles that may read it.

- ``readable(doc)``: what an action returns to its caller, without the fields the caller may not read.
- ``mask_version``: Version rows of the app's doctypes never store the values of protected fields (the desk
  shows version diffs to anyone who may read the document, whatever the field's permission level).
- ``complaint_mgmt.security.request_guard`` refuses requests that *filter, sort or group* by a field the user may not
  read (Frappe 15 removes such fields from the selected columns only: a filter is a yes/no oracle on them).
"""

import json

import frappe

from complaint_mgmt.security.registry import DEPARTMENT_DOCTYPES

MASK = "***"


def protected_fields(doctype: str) -> set[str]:
	"""Fields of `doctype` above permission level 0."""
	return {df.fieldname for df in frappe.get_meta(doctype).fields if df.permlevel}


def unreadable_fields(doctype: str, user: str | None = None) -> set[str]:
	"""The protected fields of `doctype` that `user` may not read."""
	user = user or frappe.session.user
	fields = protected_fields(doctype)
	if not fields or user == "Administrator":
		return set()
	meta = frappe.get_meta(doctype)
	levels = meta.get_permlevel_access("read", user=user)
	return {f for f in fields if meta.get_field(f).permlevel not in levels}


def readable(doc) -> dict:
	"""The document as a dict without the fields the session user may not read."""
	hidden = unreadable_fields(doc.doctype)
	return {k: v for k, v in doc.as_dict().items() if k not in hidden}


def mask_version(doc, method=None) -> None:
	"""Version.before_insert: protected fields of the app's doctypes keep their history without values."""
	if doc.ref_doctype not in DEPARTMENT_DOCTYPES or not doc.data:
		return
	fields = protected_fields(doc.ref_doctype)
	if not fields:
		return
	data = json.loads(doc.data) if isinstance(doc.data, str) else doc.data
	for change in data.get("changed") or []:
		if change and change[0] in fields:
			change[1:] = [MASK for _value in change[1:]]
	doc.data = json.dumps(data, default=str)
