"""A request that lost a race for a row lock is answered "please try again" (508), not as a server error.

Frappe raises ``QueryTimeoutError`` when a lock wait times out (and for ``delete_doc``'s NOWAIT lock on a row
another transaction holds: "This document can not be deleted right now as it's being modified by another user")
and ``QueryDeadlockError`` when the database chose the request as a deadlock's victim. Frappe's own status for
both is 508, which its desk answers with "Another transaction is blocking this one. Please try again in a few
seconds." But Frappe 15 chooses 508 only for a page request and only for the database's own exception
(``app.handle_exception`` answers every /api/ request's error as JSON first): an /api/ request gets a 500 and the
desk's error report. This ``after_request`` hook gives such an /api/ answer Frappe's 508, with a message when the
answer has none. Nothing was written: Frappe rolls a failed request back before the after-request hooks run. A
load test still counts a 508 as an error (>= 500): a deadlock between the app's own requests is a defect to fix,
not to hide.
"""

import json

from frappe import _

from complaint_mgmt.security.argument_errors import response_exc_type, server_messages

LOCK_CONFLICTS = frozenset({"QueryTimeoutError", "QueryDeadlockError"})
TRY_AGAIN = 508


def answer_lock_conflict(response=None, request=None) -> None:
	"""after_request: an /api/ request's lock conflict gets Frappe's 508 "please try again"."""
	if response is None or request is None or response.status_code != 500:
		return
	if not request.path.startswith("/api/") or response_exc_type() not in LOCK_CONFLICTS:
		return
	response.status_code = TRY_AGAIN
	try:
		body = json.loads(response.get_data(as_text=True) or "{}")
	except ValueError:
		return
	if not isinstance(body, dict) or body.get("_server_messages"):
		return
	body["_server_messages"] = server_messages(
		_("Another transaction is blocking this one. Please try again in a few seconds."),
		_("Please try again"),
		"orange",
	)
	response.set_data(json.dumps(body))
