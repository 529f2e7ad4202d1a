"""Customer contact data (phone, e-mail, party: permission level 1) reaches only the roles that may read it.

- ``readable(doc)``: what an action returns to its caller, without the fields the caller may not read.
- ``mask_version``: Version rows of the app's doctypes never store the values of protected fields (the desk
  shows version diffs to anyone who may read the document, whatever the field's permission level).
- ``guard_request``: a ``before_request`` hook refusing list requests that *filter, sort or group* by a field
  the user may not read. Frappe 15's ``DatabaseQuery.apply_fieldlevel_read_permissions`` removes such fields
  from the selected columns only, so a filter on ``contact_phone`` is a yes/no oracle on its value.
"""

import json

import frappe
from frappe import _

from complaint_mgmt.permissions import DEPARTMENT_DOCTYPES

MASK = "***"
# the request keys that filter, sort or group a list (desk list, report view, REST, counts, search, charts)
QUERY_KEYS = (
	"filters",
	"or_filters",
	"order_by",
	"group_by",
	"current_filters",
	"field",
	"filter_fields",
	"searchfield",
	"sort_by",
	"aggregate_on",
	"group_by_field",
)


def protected_fields(doctype: str) -> set[str]:
	"""Fields of `doctype` above permission level 0."""
	return {df.fieldname for df in frappe.get_meta(doctype).fields if df.permlevel}


def unreadable_fields(doctype: str, user: str | None = None) -> set[str]:
	"""The protected fields of `doctype` that `user` may not read."""
	user = user or frappe.session.user
	fields = protected_fields(doctype)
	if not fields or user == "Administrator":
		return set()
	levels = frappe.get_meta(doctype).get_permlevel_access("read", user=user)
	return {f for f in fields if frappe.get_meta(doctype).get_field(f).permlevel not in levels}


def readable(doc) -> dict:
	"""The document as a dict without the fields the session user may not read."""
	doc.apply_fieldlevel_read_permissions()
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


def request_doctype() -> str | None:
	"""The doctype a request is about: REST's /api/resource/<doctype>, else the form's doctype argument."""
	path = frappe.request.path if getattr(frappe.local, "request", None) else ""
	if path.startswith("/api/resource/"):
		return frappe.utils.unquote(path.split("/")[3]) if len(path.split("/")) > 3 else None
	doctype = frappe.form_dict.get("doctype") or frappe.form_dict.get("reference_doctype")
	if not doctype:
		doctype = posted_definition().get("document_type")
	return doctype if isinstance(doctype, str) else None


def posted_definition() -> dict:
	"""An ad-hoc dashboard chart or number card posted as JSON (``chart`` / ``doc``) with its document type."""
	for key in ("chart", "doc"):
		try:
			value = frappe.parse_json(frappe.form_dict.get(key))
		except ValueError:
			continue
		if isinstance(value, dict) and value.get("document_type"):
			return value
	return {}


def guard_request() -> None:
	"""before_request: refuse filtering / sorting / grouping by a field the user may not read."""
	doctype = request_doctype()
	if doctype not in DEPARTMENT_DOCTYPES or frappe.session.user == "Administrator":
		return
	hidden = unreadable_fields(doctype)
	if not hidden:
		return
	definition = posted_definition()
	text = " ".join(
		[str(frappe.form_dict.get(key) or "") for key in QUERY_KEYS]
		+ [str(definition.get(key) or "") for key in ("filters_json", "aggregate_function_based_on")]
	)
	used = sorted(f for f in hidden if f in text)
	if used:
		frappe.throw(
			_("You may not filter, sort or group by {0}.").format(
				", ".join(_(frappe.get_meta(doctype).get_label(f)) for f in used)
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
