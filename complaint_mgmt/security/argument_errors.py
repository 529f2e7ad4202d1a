"""Frappe 15's own endpoints answer many malformed arguments with a server error: ``export_query`` (KeyError),
``reportview.get_count`` with fields (IndexError), ``get_common_transition_actions`` (AttributeError), kanban,
workspace and number card methods fed text where JSON goes (JSONDecodeError), a filter on a column the doctype
lacks (the database's "unknown column"), ... (the canary matrix calls every one of them). Whatever the endpoint, a
request whose arguments Frappe's code could not use is the caller's error: a 400 with a translated message.

Only Frappe's code is judged so: a failure in the app's own methods (``complaint_mgmt.*``) stays a 500, as a
defect of the app must. A database that does not answer stays a 5xx too (checked before answering 400), and so
does a request whose OperationalError came from the database going away (issue 20 drill 2: its connection could
not be made or was lost, or the server has restarted since the request began), even when it answers again by now.
Nothing was written: Frappe rolls a failed request back before the after-request hooks run.
"""

import json
import time

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


def resolved_method(cmd: str) -> str:
	"""The function Frappe runs for `cmd`: the last override (frappe.handler.execute_cmd's order)."""
	overrides = frappe.get_hooks("override_whitelisted_methods", {}).get(cmd) or []
	return overrides[-1] if overrides else cmd


def called_method(path: str) -> str:
	"""The whitelisted method an /api/method/ request runs (after the app's and Frappe's overrides)."""
	cmd = path.removeprefix("/api/method/").strip("/") if path.startswith("/api/method/") else ""
	return resolved_method(cmd)


def response_exc_type() -> str | None:
	"""The exception Frappe's answer to this request names (API v1: exc_type; v2: its first error's type)."""
	local = frappe.local.response or {}
	errors = local.get("errors") or [{}]
	return local.get("exc_type") or (errors[0] or {}).get("type")


def server_messages(message: str, title: str, indicator: str = "red") -> str:
	"""One message as Frappe's answer carries it (``_server_messages``: a JSON list of JSON objects)."""
	return json.dumps([json.dumps({"message": message, "title": title, "indicator": indicator})])


def app_method(path: str) -> bool:
	method = called_method(path)
	# the app's overrides that run Frappe's own code: the security guards, the replica fallback (ops/replica.py)
	overridden = method != path.removeprefix("/api/method/").strip("/")
	wraps_frappe = method.startswith("complaint_mgmt.security.") or (
		overridden and method.startswith("complaint_mgmt.ops.replica.")
	)
	return method.startswith(APP_PREFIX) and not wraps_frappe


def database_answers() -> bool:
	try:
		return bool(frappe.db.exists("DocType", "DocType"))  # one query: does the database answer?
	except Exception:  # the database itself failed: a server error, not the caller's
		return False


def note_request_start() -> None:
	"""before_request: when the request began (a database restarted since cannot be the caller's fault)."""
	frappe.local.cm_request_started = time.monotonic()


def database_went_away() -> bool:
	"""The request's database connection was never made or was lost (pymysql closes it on a lost server), or the
	server restarted while the request ran (its uptime is shorter than the request: the connection got "server
	shutdown in progress" first)."""
	conn = getattr(frappe.db, "_conn", None)
	if conn is None or not getattr(conn, "open", False):
		return True
	started = getattr(frappe.local, "cm_request_started", None)
	if started is None:
		return False
	try:
		# a server status (no table: neither frappe.qb nor the Database API reads it), constant, no argument
		uptime = int(frappe.db.sql("SHOW GLOBAL STATUS LIKE 'Uptime'")[0][1])  # nosemgrep
	except Exception:  # the database does not answer: it went away
		return True
	return uptime <= time.monotonic() - started + 1


def answer_argument_errors(response=None, request=None) -> None:
	"""after_request: Frappe's server error on arguments it could not use becomes a 400."""
	if response is None or response.status_code != 500 or request is None:
		return
	if not request.path.startswith("/api/") or app_method(request.path):
		return
	exc_type = response_exc_type()
	if exc_type not in ARGUMENT_ERRORS or not getattr(frappe.local, "db", None):
		return
	if exc_type == "OperationalError" and database_went_away():
		return
	if not database_answers():
		return
	message = _("This request's arguments could not be used: check their names, types and JSON.")
	response.status_code = 400
	response.mimetype = "application/json"
	body = {"exc_type": "ValidationError", "_server_messages": server_messages(message, _("Invalid request"))}
	response.set_data(json.dumps(body))
