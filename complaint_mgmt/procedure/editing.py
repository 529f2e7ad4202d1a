"""What a plain save (no action of the procedure) may change on a complaint, pure Python.

Once a complaint has left Registered, what drives its clocks and penalties changes only through the actions:
the clock inputs through the service center's regrade, everything else of the procedure through its steps. A
Closed or Deferred complaint is read-only outside the actions that leave those states.
"""

from __future__ import annotations

from collections.abc import Iterable

# Anyone who may write the complaint may correct these (customer data, the request).
FREE_FIELDS = frozenset(
	{
		"customer_name",
		"contact_phone",
		"contact_email",
		"party_type",
		"party",
		"reference_doctype",
		"reference_name",
		"description",
		"customer_request",
		"claim_amount",
	}
)
# The service center also keeps these up to date.
SERVICE_CENTER_FIELDS = frozenset({"specialist", "follow_up_mode", "irrational_reason"})
# Inputs of the clocks: after registration only the service center's regrade action changes them.
CLOCK_INPUTS = ("received_on", "grade", "channel", "category")
READ_ONLY_STATUSES = ("Closed", "Deferred")

READ_ONLY, CLOCK_INPUT, ACTIONS_ONLY = "read-only", "clock input", "actions only"


def refused_edit(status: str | None, changed: Iterable[str], service_center: bool) -> tuple[str, str] | None:
	"""(why, field) for the first change a plain save may not make on a complaint in `status`, else None.

	`why` is READ_ONLY (a Closed / Deferred complaint), CLOCK_INPUT (after registration: the regrade action) or
	ACTIONS_ONLY (a step, a milestone, a deadline, a flag or a child row of the procedure).
	"""
	changed = list(changed)
	if not changed:
		return None
	if status in READ_ONLY_STATUSES:
		return READ_ONLY, changed[0]
	allowed = FREE_FIELDS | SERVICE_CENTER_FIELDS if service_center else FREE_FIELDS
	if status in (None, "", "Registered"):
		allowed = allowed | set(CLOCK_INPUTS)
	for field in changed:
		if field in CLOCK_INPUTS and field not in allowed:
			return CLOCK_INPUT, field
	refused = [field for field in changed if field not in allowed]
	return (ACTIONS_ONLY, refused[0]) if refused else None
