"""/complaint-survey?survey=CSV-…&key=…: the customer's satisfaction survey (complaint_mgmt.loop.survey), no login.
The page shows the form while the link counts (unused, not expired, its close request still waiting for the return
visit); the answer is posted to complaint_mgmt.loop.survey.answer, which checks the key again."""

import frappe
from frappe import _

from complaint_mgmt.loop import survey

no_cache = 1


def get_context(context):
	frappe.local.no_cache = 1
	row = survey.find(frappe.form_dict.get("survey"), frappe.form_dict.get("key"))
	context.title = _("How did we do?")
	context.valid = bool(row)
	context.invalid_message = survey.invalid_message()
	context.complaint = row.complaint if row else None
	context.scores = (1, 2, 3, 4, 5)
