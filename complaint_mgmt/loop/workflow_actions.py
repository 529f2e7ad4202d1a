"""Frappe's Workflow Action bookkeeping is left out for the Complaint: the app's ToDo inbox (loop/inbox.py) is
its list of pending steps.

Frappe 15 runs ``process_workflow_actions`` as a doc event of every doctype ("*" on_update): for a doctype with
an active Workflow it completes the previous state's Workflow Action row, evaluates every transition row of the
new state (one query per row for the state's "optional" flag, the rows' conditions) and inserts a Workflow
Action naming the roles that may act next. For the Complaint that was about a fifth of an action's server CPU
(issue 20 §4), for a list nobody works from: the procedure's next step is the inbox ToDo of exactly the user who
must act (procedure/inbox.py: the department's receiver, not every user of a role), the Workflow sends no e-mail
(``send_email_alert`` 0), and its buttons are the API's dialogs (complaint.js). Frappe offers no switch per
doctype and an app cannot remove a "*" doc event, so the event's function is replaced (``install``, called when
loop/inbox.py is imported, i.e. with the Complaint's controller: before any complaint is saved in a process):
for a complaint's update it does nothing; a deleted complaint still takes its old rows along; every other
doctype gets Frappe's own function. Rows written before this change are removed by patch
v1.complaint_workflow_actions.
"""

# the one replacement of Frappe's function is install()'s, for the Complaint only: no framework hook does it
from frappe.workflow.doctype.workflow_action import workflow_action  # nosemgrep

DOCTYPE = "Complaint"
frappe_process_workflow_actions = workflow_action.process_workflow_actions


def process_workflow_actions(doc, state):
	"""Frappe's doc event, except for a complaint's update (see the module's docstring)."""
	if doc.get("doctype") == DOCTYPE and state != "on_trash":
		return None
	return frappe_process_workflow_actions(doc, state)


def install() -> None:
	"""Put ``process_workflow_actions`` in the place of Frappe's, once per process (Frappe resolves the doc
	event by its dotted path at each call, through frappe.get_attr).

	No hook of the framework does this: Frappe's only switch, a Workflow Document State's "Is Optional State",
	stops the row's insert but not the work before it (measured on 15 actions: the event still took 18 % of
	their CPU, against 22 % without the switch); a doc event cannot be removed by an app; the Workflow cannot be
	deactivated (its buttons are the desk's procedure actions)."""
	if workflow_action.process_workflow_actions is not process_workflow_actions:
		# replaced for the Complaint only, Frappe's own function for every other doctype (see above)
		workflow_action.process_workflow_actions = process_workflow_actions
