"""The Frappe Workflow "Complaint Procedure", seeded from the pure table ``transitions.TRANSITIONS``.

Desk users see the procedure's actions as workflow buttons (complaint.js turns each into a dialog that calls
``complaint_mgmt.api``); administrators adjust the allowed roles in the Workflow doctype, and the API reads
them from there while the workflow is active. Seeding only creates what is missing, so an administrator's
changes survive every migrate.
"""

import frappe

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import authority, transitions
from complaint_mgmt.procedure.authority import DEFAULT_APPROVER_ROLE
from complaint_mgmt.procedure.transitions import DEPARTMENT_ROLES, SPECIALIST_ROLES, STATUSES

WORKFLOW_NAME = "Complaint Procedure"
STATE_STYLES = {
	"Registered": "Info",
	"Transferred": "Primary",
	"Acknowledged": "Primary",
	"Replied": "Primary",
	"Waiting on Customer": "Warning",
	"Close Requested": "Warning",
	"Return Visited": "Warning",
	"Deferral Requested": "Warning",
	"Closed": "Success",
	"Deferred": "Inverse",
}


def state_editors(state: str) -> tuple[str, ...]:
	"""Roles that may edit the complaint's free fields (contact, description...) in `state`."""
	if state == "Registered":
		return SPECIALIST_ROLES
	if state in ("Closed", "Deferred"):
		return (DEFAULT_APPROVER_ROLE,)
	return SPECIALIST_ROLES + DEPARTMENT_ROLES


def approver_roles() -> list[str]:
	"""Every role that can approve a closure: the Complaint Manager and each compensation tier's role."""
	tiers = frappe.get_all(
		"Complaint Compensation Tier", filters={"parent": "Complaint Settings"}, pluck="approver_role"
	)
	return list(dict.fromkeys([DEFAULT_APPROVER_ROLE, *tiers]))


def transition_rows(tier_decided_only: bool = False) -> list[dict]:
	"""The Workflow's transition rows of the table (only those the compensation tier decides, if asked)."""
	rows = []
	tiers = adapters.compensation_tiers()
	for t in transitions.TRANSITIONS:
		if tier_decided_only and t.roles:
			continue
		for role in t.roles or approver_roles():
			rows.append(
				{
					"state": t.state,
					"action": t.action,
					"next_state": t.next_state,
					"allowed": role,
					"allow_self_approval": 1,
					"condition": t.condition if t.roles else row_condition(t, role, tiers),
				}
			)
	return rows


def row_condition(transition: transitions.Transition, role: str, tiers) -> str | None:
	"""The condition of a row the compensation tier decides (Approve Close, Reject Closure): the table's own
	and the amounts `role` may decide (``authority.approval_condition``, tabulated from the rule the server
	refuses by), so Frappe's get_transitions offers the action to exactly the users the API accepts."""
	parts = [c for c in (transition.condition, authority.approval_condition(role, tiers)) if c]
	return " and ".join(f"({c})" for c in parts) if len(parts) > 1 else (parts[0] if parts else None)


def sync_approval_conditions() -> None:
	"""Rewrite the conditions of the rows the compensation tier decides after the tiers changed (every row,
	also one an administrator added for another role: the API accepts that role only within its tier)."""
	if not frappe.db.exists("Workflow", WORKFLOW_NAME):
		return
	tiers = adapters.compensation_tiers()
	decided = {(t.state, t.action, t.next_state): t for t in transitions.TRANSITIONS if not t.roles}
	workflow = frappe.get_doc("Workflow", WORKFLOW_NAME)
	changed = False
	for row in workflow.transitions:
		transition = decided.get((row.state, row.action, row.next_state))
		wanted = row_condition(transition, row.allowed, tiers) if transition else row.condition
		if (row.condition or None) != (wanted or None):
			row.condition = wanted
			changed = True
	if changed:
		# the settings' editor may not write Workflows: the app keeps the approvers in step with the tiers
		workflow.save(ignore_permissions=True)


def make_workflow() -> None:
	if frappe.db.exists("Workflow", WORKFLOW_NAME):
		update_workflow()
		return
	make_states()
	make_actions()
	workflow = frappe.get_doc(
		{
			"doctype": "Workflow",
			"workflow_name": WORKFLOW_NAME,
			"document_type": "Complaint",
			"workflow_state_field": "status",
			"is_active": 1,
			"send_email_alert": 0,
			# the list and the form show the app's stage colours (complaint_list.js: red once a clock is
			# breached), not the Workflow State's few styles
			"override_status": 1,
			"states": [
				{"state": state, "doc_status": "0", "allow_edit": role}
				for state in STATUSES
				for role in state_editors(state)
			],
			"transitions": transition_rows(),
		}
	)
	workflow.insert(ignore_permissions=True)  # installer context: runs as Administrator, no user session
	mark_all_offered()


def update_workflow() -> None:
	"""Bring an existing workflow up to today's table: the Workflow States and Actions it names, then the
	transitions added since. Only creates what is missing, so it is cheap when there is nothing to do."""
	make_states()
	make_actions()
	add_missing_transitions()


# Transitions the table gained after the first release (state, action, next_state): an existing workflow gets
# them once on migrate; one an administrator removes afterwards stays removed (OFFERED_KEY remembers them).
ADDED_LATER = (
	("Deferred", "Request Close", "Close Requested"),
	("Close Requested", "Reject Close", "Deferred"),
	("Return Visited", "Reject Closure", "Replied"),
	("Return Visited", "Reject Closure", "Deferred"),
)
OFFERED_KEY = "complaint_mgmt_workflow_offered"


def add_missing_transitions() -> None:
	"""Give an existing workflow the transitions added to the table since (once each): an upgrade brings the
	new steps, an administrator's own changes are kept."""
	offered = set(frappe.parse_json(frappe.db.get_default(OFFERED_KEY) or "[]"))
	new = [key for key in ADDED_LATER if "|".join(key) not in offered]
	if not new:
		return
	workflow = frappe.get_doc("Workflow", WORKFLOW_NAME)
	existing = {transition_key(row) for row in workflow.transitions}
	for row in transition_rows():
		if (row["state"], row["action"], row["next_state"]) in new and transition_key(row) not in existing:
			workflow.append("transitions", row)
	known_states = {row.state for row in workflow.states}
	for state in STATUSES:
		if state not in known_states:
			for role in state_editors(state):
				workflow.append("states", {"state": state, "doc_status": "0", "allow_edit": role})
	workflow.save(ignore_permissions=True)  # installer context: the app brings its new steps
	frappe.db.set_default(OFFERED_KEY, frappe.as_json(sorted(offered | {"|".join(k) for k in new})))


def mark_all_offered() -> None:
	"""A new workflow holds every transition of the table already."""
	frappe.db.set_default(OFFERED_KEY, frappe.as_json(sorted("|".join(k) for k in ADDED_LATER)))


def make_states() -> None:
	for state in STATUSES:
		if not frappe.db.exists("Workflow State", state):
			frappe.get_doc(
				{"doctype": "Workflow State", "workflow_state_name": state, "style": STATE_STYLES[state]}
			).insert(ignore_permissions=True)  # installer context


def make_actions() -> None:
	for action in dict.fromkeys(t.action for t in transitions.TRANSITIONS):
		if not frappe.db.exists("Workflow Action Master", action):
			frappe.get_doc({"doctype": "Workflow Action Master", "workflow_action_name": action}).insert(
				ignore_permissions=True  # installer context
			)


def sync_approver_roles() -> None:
	"""Give every compensation tier's role the transitions the tier decides (Approve Close...): a role added
	in Complaint Settings can approve at once. Only adds rows; the API still checks the amount's tier."""
	if not frappe.db.exists("Workflow", WORKFLOW_NAME):
		return
	# The rows below name today's Workflow States and Actions, and a patch that saves the settings runs this
	# before after_migrate seeds them (issue 17: an upgrade from the first release stopped on "Could not find
	# Action: Reject Closure"): the workflow is brought up to today's table first, so the sync never depends
	# on what a later step of the same migrate creates.
	update_workflow()
	workflow = frappe.get_doc("Workflow", WORKFLOW_NAME)
	existing = {transition_key(row) for row in workflow.transitions}
	missing = [row for row in transition_rows(tier_decided_only=True) if transition_key(row) not in existing]
	for row in missing:
		workflow.append("transitions", row)
	if missing:
		# the settings' editor may not write Workflows: the app keeps the approvers in step with the tiers
		workflow.save(ignore_permissions=True)


def transition_key(row) -> tuple:
	"""What makes a transition row unique: from, action, to and the role allowed."""
	return (row.get("state"), row.get("action"), row.get("next_state"), row.get("allowed"))
