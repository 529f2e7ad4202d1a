"""Arguments that Frappe 15.41 endpoints answer with a server error (and its traceback), refused here with a
translated 4xx before the endpoint runs (``before_request``), nothing written:

- any text value with NUL or a lone surrogate (``"\\u0000"``, ``"\\ud800"`` in a JSON body): the database
  driver fails on it (UnicodeEncodeError) or stores a NUL;
- ``frappe.desk.form.utils.get_next``: filters that are not a list (it appends to them), a ``prev`` that is not a
  number, a sort order or sort field that is not one (the field goes into its ORDER BY as text);
- ``frappe.client.set_value`` on a child doctype: a missing row is an AttributeError; a complaint's child rows
  change only through the complaint's actions;
- ``frappe.desk.doctype.tag.tag`` (add_tag, add_tags, remove_tag): Frappe writes ``_user_tags`` before it checks the
  write permission, and its PermissionError then turns into an IndexError (``DocTags.update``);
- ``frappe.utils.print_format.download_multi_pdf(_async)``: names or options that are not JSON;
- a whitelisted method of this app called without one of its required arguments (Python's TypeError, a 500
  with Frappe's traceback, from ``frappe.call``): refused with the argument's name (no other function's
  parameters are named: only a whitelisted method of this app is inspected);
- the chart endpoint (``dashboard_chart.get``, the app's wrapper in overrides.py): an ad-hoc chart that is not a
  JSON object naming a doctype the user may read, or one sent without ``no_cache`` (Frappe's cache_source calls
  the chart function without it and fails with ``'str' object has no attribute 'doctype'``; the desk's preview
  always sends ``no_cache``).

A JSON body Frappe cannot parse fails in ``app.make_form_dict``, before any hook of an app runs:
``answer_malformed_body`` (``after_request``) turns that 500 into a 400 with a translated message.
The reportview / filters / fields family is ``request_guard.py``'s.
"""

import functools
import inspect
import json

import frappe
from frappe import _
from frappe.model import default_fields

from complaint_mgmt.security.argument_errors import resolved_method, server_messages
from complaint_mgmt.security.permissions import refuse_unreadable

TAG = "frappe.desk.doctype.tag.tag."
MAX_DEPTH = 32


def refuse(message: str, exc=frappe.ValidationError) -> None:
	frappe.throw(message, exc, title=_("Invalid value"))


def called_method() -> str | None:
	path = frappe.local.request.path
	for prefix in ("/api/method/", "/api/v1/method/", "/api/v2/method/"):
		if path.startswith(prefix):
			return path[len(prefix) :].strip("/")
	cmd = frappe.form_dict.get("cmd")
	return cmd if isinstance(cmd, str) else None


# --- every request ---------------------------------------------------------------------------------------------


def unsafe_text(value: str) -> bool:
	if "\x00" in value:
		return True
	try:
		value.encode("utf-8")
	except UnicodeEncodeError:  # a lone surrogate
		return True
	return False


def check_text_values(value, depth: int = 0) -> None:
	if depth > MAX_DEPTH:
		refuse(_("The request's arguments are nested too deeply."))
	if isinstance(value, str):
		if unsafe_text(value):
			refuse(_("A value contains a character that cannot be stored (NUL or a lone surrogate)."))
	elif isinstance(value, dict):
		for key, item in value.items():
			check_text_values(key, depth + 1)
			check_text_values(item, depth + 1)
	elif isinstance(value, list | tuple):
		for item in value:
			check_text_values(item, depth + 1)


# --- helpers ---------------------------------------------------------------------------------------------------


def json_value(name: str, value, kind: type | tuple, required: bool = False):
	"""`value` decoded from JSON text (or as sent in a JSON body) and of type `kind`; None when empty."""
	if value is None or value == "":
		if required:
			refuse(_("{0} is missing.").format(name))
		return None
	if isinstance(value, str):
		try:
			value = json.loads(value)
		except ValueError:
			refuse(_("{0} is not valid JSON.").format(name))
	if not isinstance(value, kind):
		refuse(_("{0} has the wrong form: see the method's documentation.").format(name))
	return value


def names(name: str, value) -> list[str]:
	"""A JSON list of document names."""
	found = json_value(name, value, list, required=True)
	if not all(isinstance(item, str) and item for item in found):
		refuse(_("{0} must be a list of document names.").format(name))
	return found


def doctype_of(form: dict, key: str = "doctype") -> str:
	doctype = form.get(key)
	if not isinstance(doctype, str) or not doctype or not frappe.db.exists("DocType", doctype):
		refuse(_("{0} is not a DocType.").format(frappe.bold(str(doctype)[:80])))
	return doctype


# --- per endpoint ----------------------------------------------------------------------------------------------


def check_get_next(form: dict) -> None:
	doctype = doctype_of(form)
	prev = form.get("prev")
	if isinstance(prev, bool) or not (isinstance(prev, int) or str(prev).strip().lstrip("-").isdigit()):
		refuse(_("{0} must be a whole number.").format("prev"))
	filters = json_value("filters", form.get("filters"), list)
	if filters is not None:
		form["filters"] = filters
	if str(form.get("sort_order") or "desc").lower() not in ("asc", "desc"):
		refuse(_("The sort order is either asc or desc."))
	field = form.get("sort_field") or "modified"
	meta = frappe.get_meta(doctype)
	if not isinstance(field, str) or not (field in default_fields or meta.has_field(field)):
		refuse(_("{0} is not a field of {1}.").format(frappe.bold(str(field)[:80]), _(doctype)))


def check_set_value(form: dict) -> None:
	doctype = doctype_of(form)
	meta = frappe.get_meta(doctype)
	if not meta.istable:
		return
	if doctype in {df.options for df in frappe.get_meta("Complaint").get_table_fields()}:
		refuse(
			_("{0} rows change only through the complaint's actions.").format(_(doctype)),
			frappe.PermissionError,
		)
	name = form.get("name")
	if not isinstance(name, str) or not frappe.db.exists(doctype, name):
		frappe.throw(
			_("{0} {1} not found.").format(_(doctype), frappe.bold(str(name)[:80])), frappe.DoesNotExistError
		)


def check_tags(form: dict, method: str) -> None:
	doctype = doctype_of(form, "dt")
	if method.endswith("add_tags"):
		tags = json_value("tags", form.get("tags"), list, required=True)
		documents = names("docs", form.get("docs"))
	else:
		tags, documents = [form.get("tag")], [form.get("dn")]
	if not all(isinstance(tag, str) and tag.strip() for tag in tags):
		refuse(_("A tag must be a text."))
	for name in documents:
		if not isinstance(name, str) or not frappe.db.exists(doctype, name):
			refuse_unreadable(doctype)
		if not frappe.has_permission(doctype, "write", doc=name):
			refuse_unreadable(doctype)


def check_multi_pdf(form: dict) -> None:
	doctype = form.get("doctype")
	if isinstance(doctype, dict):
		for key, value in doctype.items():
			if (
				not isinstance(key, str)
				or not isinstance(value, list)
				or not all(isinstance(v, str) for v in value)
			):
				refuse(_("{0} must map each DocType to a list of document names.").format("doctype"))
	elif isinstance(doctype, str) and doctype:
		names("name", form.get("name"))
	else:
		refuse(_("{0} is missing.").format("doctype"))
	json_value("options", form.get("options"), dict)


def check_chart(form: dict) -> None:
	if form.get("chart_name"):
		return
	chart = json_value("chart", form.get("chart"), dict, required=True)
	doctype = doctype_of(chart, "document_type")
	if not frappe.has_permission(doctype, "read"):
		refuse(_("You may not read {0}.").format(_(doctype)), frappe.PermissionError)
	if not form.get("no_cache"):
		# Frappe's cache_source calls the chart function without the unsaved chart and fails on it
		refuse(_("An unsaved chart can only be previewed (no_cache=1)."))


CHECKS = {
	"frappe.desk.form.utils.get_next": check_get_next,
	"frappe.client.set_value": check_set_value,
	"frappe.utils.print_format.download_multi_pdf": check_multi_pdf,
	"frappe.utils.print_format.download_multi_pdf_async": check_multi_pdf,
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": check_chart,
	TAG + "add_tag": lambda form: check_tags(form, "add_tag"),
	TAG + "add_tags": lambda form: check_tags(form, "add_tags"),
	TAG + "remove_tag": lambda form: check_tags(form, "remove_tag"),
}


def check_app_arguments(cmd: str, form: dict) -> None:
	"""A whitelisted method of this app gets every argument it requires (else frappe.call's TypeError: a 500)."""
	method = resolved_method(cmd)
	if not method.startswith("complaint_mgmt."):
		return
	try:
		fn = frappe.get_attr(method)
	except (ImportError, AttributeError, frappe.ValidationError):
		return  # Frappe answers an unknown method itself
	if fn not in frappe.whitelisted or (frappe.session.user == "Guest" and fn not in frappe.guest_methods):
		return  # Frappe refuses it, naming nothing of its parameters
	for name in required_arguments(fn):
		if name not in form:
			refuse(_("The request lacks the argument {0}.").format(frappe.bold(name)))


@functools.cache
def required_arguments(fn) -> tuple[str, ...]:
	"""The parameters of a function that have no default (read once per function and process)."""
	return tuple(
		param.name
		for param in inspect.signature(inspect.unwrap(fn)).parameters.values()
		if param.default is inspect.Parameter.empty
		and param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)
	)


def guard_request() -> None:
	"""before_request: the checks above, on the decoded arguments."""
	if not getattr(frappe.local, "request", None):
		return
	check_text_values(dict(frappe.form_dict))
	cmd = called_method() or ""
	check = CHECKS.get(cmd)
	if check:
		check(frappe.form_dict)
	if cmd:
		check_app_arguments(cmd, frappe.form_dict)


def answer_malformed_body(response=None, request=None) -> None:
	"""after_request: a JSON body that is not JSON is the client's error (400), not the server's (Frappe 15:
	a 500 raised in ``make_form_dict``, before any app hook, before anything is read or written)."""
	if response is None or request is None or response.status_code != 500 or not request.is_json:
		return
	try:
		json.loads(request.get_data(as_text=True))
		return
	except ValueError:
		pass
	messages = server_messages(_("The request body is not valid JSON."), _("Invalid request"))
	body = {"exc_type": "ValidationError", "_server_messages": messages}
	response.status_code = 400
	response.mimetype = "application/json"
	response.set_data(json.dumps(body))
