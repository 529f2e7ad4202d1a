"""No traceback for a caller who is not a System Manager, whatever the site's error-traceback setting.

Frappe 15.41 sends the server's traceback to any caller when System Settings ``allow_error_traceback`` is on
(``utils.response.report_error``: ``exc`` and ``exception`` in the JSON, ``errors[].exception`` in API v2;
``_make_logs_v1`` adds every ``frappe.errprint``), and on the HTML error page when it is on or in a developer's
server (``app.handle_exception``): file paths, code and values of the app, to a customer or a guest too.

- ``before_request``: ``frappe.local.flags.disable_traceback`` (Frappe's own switch, read by both places above)
  for every caller but a System Manager;
- ``after_request``: what the switch does not reach (an error before the hooks ran, e.g. a body Frappe could not
  parse; ``errprint`` output; a traceback put into a message) is taken out of the response.
"""

import json
import re

import frappe
from frappe import _

SYSTEM_MANAGER = "System Manager"
TRACEBACK = "Traceback (most recent call last)"
JSON_KEYS = ("exc", "_exc_source", "exception", "_debug_messages")
MARKERS = (TRACEBACK.encode(), b'"exc"', b'"exception"', b'"_exc_source"', b'"_debug_messages"')
PRE_BLOCK = re.compile(r"<pre>(?:(?!</pre>).)*Traceback(?:(?!</pre>).)*</pre>", re.DOTALL)


def sees_tracebacks() -> bool:
	user = getattr(getattr(frappe.local, "session", None), "user", None)
	if not user or user == "Guest" or not getattr(frappe.local, "db", None):
		return False
	try:
		return SYSTEM_MANAGER in frappe.get_roles(user)
	except Exception:  # no database, no user: nobody to show a traceback to
		return False


def hide_tracebacks() -> None:
	"""before_request: Frappe's own switch, for everyone but a System Manager."""
	if not sees_tracebacks():
		frappe.local.flags.disable_traceback = True


def strip_tracebacks(response=None, request=None) -> None:
	"""after_request: the response without any traceback for everyone but a System Manager."""
	if response is None or getattr(response, "is_streamed", False) or response.direct_passthrough:
		return
	mimetype = response.mimetype or ""
	if mimetype not in ("application/json", "text/html"):
		return
	data = response.get_data()
	if not any(marker in data for marker in MARKERS) or sees_tracebacks():
		return
	if mimetype == "application/json":
		stripped = stripped_json(data)
		if stripped is not None:
			response.set_data(stripped)
	elif TRACEBACK.encode() in data:
		text = data.decode("utf-8", "replace")
		response.set_data(PRE_BLOCK.sub("", text).replace(TRACEBACK, ""))


def stripped_json(data: bytes) -> str | None:
	try:
		body = json.loads(data)
	except ValueError:
		return None
	if not isinstance(body, dict):
		return None
	for key in JSON_KEYS:
		body.pop(key, None)
	for error in body.get("errors") or []:  # API v2
		if isinstance(error, dict):
			error.pop("exception", None)
	if isinstance(body.get("_server_messages"), str) and TRACEBACK in body["_server_messages"]:
		body["_server_messages"] = json.dumps(
			[json.dumps({"message": _("The server could not complete this.")})]
		)
	if isinstance(body.get("message"), str) and TRACEBACK in body["message"]:
		body["message"] = _("The server could not complete this.")
	return json.dumps(body, default=str)
