"""A ``before_request`` guard (hooks.py) for what Frappe 15 lets through before any permission or controller:

- filtering, sorting or grouping by a field the user may not read (``DatabaseQuery`` drops unreadable fields
  from the selected columns only: a filter on ``contact_phone`` is a yes/no oracle on its value);
- ``order_by`` / ``group_by`` that are not plain column names on the app's doctypes (``get_list`` accepts
  ``(select sleep(1))``);
- list arguments (filters, fields) that are not valid JSON, and REST writes whose body is not one JSON object
  (Frappe answers both with a server error).

Every refusal is a translated 4xx; nothing has run yet, so nothing is written.
"""

import json
import re

import frappe
from frappe import _

from complaint_mgmt.security.overrides import GUARDED_DOCTYPES
from complaint_mgmt.security.permissions import DEPARTMENT_DOCTYPES
from complaint_mgmt.security.privacy import unreadable_fields

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


def request_doctype(definition: dict) -> str | None:
	"""The doctype a request is about: REST's /api/resource/<doctype>, else the form's doctype argument."""
	path = frappe.request.path if getattr(frappe.local, "request", None) else ""
	if path.startswith("/api/resource/"):
		parts = path.split("/")  # Werkzeug's path is decoded already
		return parts[3] if len(parts) > 3 else None
	doctype = frappe.form_dict.get("doctype") or frappe.form_dict.get("reference_doctype")
	if not doctype:
		doctype = definition.get("document_type")
	return doctype if isinstance(doctype, str) else None


# the endpoints that take an ad-hoc chart or number card definition as JSON
DEFINITION_METHODS = (
	"/api/method/frappe.desk.doctype.dashboard_chart.",
	"/api/method/frappe.desk.doctype.number_card.",
)


def posted_definition() -> dict:
	"""An ad-hoc dashboard chart or number card posted as JSON (``chart`` / ``doc``) with its document type
	(only read for the chart and card endpoints: other requests' ``doc`` is a whole document)."""
	if not frappe.request.path.startswith(DEFINITION_METHODS):
		return {}
	for key in ("chart", "doc"):
		try:
			value = frappe.parse_json(frappe.form_dict.get(key))
		except ValueError:
			continue
		if isinstance(value, dict) and value.get("document_type"):
			return value
	return {}


def check_unreadable_filters(doctype: str | None, definition: dict) -> None:
	"""Refuse filtering / sorting / grouping by a field the user may not read."""
	if doctype not in DEPARTMENT_DOCTYPES or frappe.session.user == "Administrator":
		return
	hidden = unreadable_fields(doctype)
	if not hidden:
		return
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


JSON_KEYS = ("filters", "or_filters", "fields", "current_filters", "filter_fields")
# a column, optionally `tab...`-qualified, with an optional direction; several separated by commas
SAFE_ORDER = re.compile(
	r"^\s*(`?[\w ]+`?\.)?`?\w+`?(\s+(asc|desc))?(\s*,\s*(`?[\w ]+`?\.)?`?\w+`?(\s+(asc|desc))?)*\s*$", re.I
)


def refuse(message: str, exc=frappe.ValidationError) -> None:
	frappe.throw(message, exc, title=_("Invalid request"))


def check_json_arguments() -> None:
	for key in JSON_KEYS:
		value = frappe.form_dict.get(key)
		if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
			try:
				json.loads(value)
			except ValueError:
				refuse(_("{0} is not valid JSON.").format(key))


def check_rest_body() -> None:
	path = frappe.request.path
	if frappe.request.method in ("POST", "PUT") and path.startswith("/api/resource/"):
		if isinstance(frappe.form_dict.get("data"), list):
			refuse(_("The request body must be one JSON object."))


def check_sorting(doctype: str | None) -> None:
	if doctype not in GUARDED_DOCTYPES:
		return
	for key in ("order_by", "group_by", "sort_by"):
		value = frappe.form_dict.get(key)
		if isinstance(value, str) and value.strip() and not SAFE_ORDER.match(value):
			refuse(_("{0} may only name columns.").format(key))


def guard_request() -> None:
	"""before_request: the checks of this module's docstring."""
	if not getattr(frappe.local, "request", None):
		return
	check_json_arguments()
	check_rest_body()
	definition = posted_definition()
	doctype = request_doctype(definition)
	check_sorting(doctype)
	check_unreadable_filters(doctype, definition)
