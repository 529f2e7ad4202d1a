"""Frappe 15's own endpoints answer many malformed arguments with a server error: ``export_query`` (KeyError),
``reportview.get_count`` with fields (IndexError), ``get_common_transition_actions`` (AttributeError), kanban,
workspace and number card methods fed text where JSON goes (JSONDecodeError), a filter on a column the doctype
lacks (the database's "unknown column"), ... (the canary matrix calls every one of them). Whatever the endpoint, a
request whose arguments Frappe's code could not use is the caller's error: a 400 with a translated message.

Only Frappe's code is judged so: a failure in the app's own methods (``complaint_mgmt.*``) stays a 500, as a
defect of the app must. A database that does not answer stays a 5xx too (checked before answering 400).
Nothing was written: Frappe rolls a failed request back before the after-request hooks run.
"""

import json

import frappe
from frappe import _

# Python's and the database driver's errors that Frappe's code raises on arguments it cannot use
ARGUMENT_ERRORS = frozenset(
	{
		"TypeError",
		"KeyError",
		"IndexError",
		"AttributeError",
		"ValueError",
		"JSONDecodeError",
		"UnboundLocalError",
		"ImportError",
		"ModuleNotFoundError",
		"ProgrammingError",
		"OperationalError",
		"DataError",
		"InvalidColumnName",
		"SQLError",
	}
)
APP_PREFIX = "complaint_mgmt."


def called_method(path: str) -> str:
	"""The whitelisted method an /api/method/ request runs (after the app's and Frappe's overrides)."""
	cmd = path.removeprefix("/api/method/").strip("/") if path.startswith("/api/method/") else ""
	overrides = frappe.get_hooks("override_whitelisted_methods", {}).get(cmd) or []
	return overrides[-1] if overrides else cmd


def app_method(path: str) -> bool:
	return called_method(path).startswith(APP_PREFIX) and not called_method(path).startswith(
		"complaint_mgmt.security."
	)


def database_answers() -> bool:
	try:
		return bool(frappe.db.exists("DocType", "DocType"))  # one query: does the database answer?
	except Exception:  # the database itself failed: a server error, not the caller's
		return False


def answer_argument_errors(response=None, request=None) -> None:
	"""after_request: Frappe's server error on arguments it could not use becomes a 400."""
	if response is None or response.status_code != 500 or request is None:
		return
	if not request.path.startswith("/api/") or app_method(request.path):
		return
	local = frappe.local.response or {}
	errors = local.get("errors") or [{}]  # API v2 names the error there
	exc_type = local.get("exc_type") or (errors[0] or {}).get("type")
	if exc_type not in ARGUMENT_ERRORS or not getattr(frappe.local, "db", None) or not database_answers():
		return
	message = _("This request's arguments could not be used: check their names, types and JSON.")
	response.status_code = 400
	response.mimetype = "application/json"
	response.set_data(
		json.dumps(
			{
				"exc_type": "ValidationError",
				"_server_messages": json.dumps(
					[json.dumps({"message": message, "title": _("Invalid request"), "indicator": "red"})]
				),
			}
		)
	)
