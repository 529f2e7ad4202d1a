"""Deletion guard (spec §6, records kept two years): the ``on_trash`` doc event of Complaint, Complaint
Transfer Record and Complaint Penalty Notice. It runs for every user, System Manager and Administrator
included; the rule itself is ``complaint_mgmt.procedure.retention_rules``.

Uninstalling the app is not affected: Frappe drops the app's tables without deleting records one by one.
"""

import frappe
from frappe.utils import cint, get_datetime, now_datetime

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import calendar_hours, retention_rules


def retention_days() -> int:
	"""The setting, at least the spec's two years (settings saved before the field existed: the default)."""
	days = cint(adapters.get_settings().get("retention_days")) or retention_rules.DEFAULT_RETENTION_DAYS
	return max(days, retention_rules.MIN_RETENTION_DAYS)


def on_trash(doc, method=None) -> None:
	"""Refuse to delete the record before the retention period has passed since its complaint's closure."""
	complaint = doc.name if doc.doctype == "Complaint" else doc.get("complaint")
	if not complaint:
		return
	# the stored closure, not the in-memory document
	closed = frappe.db.get_value("Complaint", complaint, ["name", "closed_on"], as_dict=True)
	if not closed:
		return  # the complaint itself is gone (deleted after its retention period)
	try:
		retention_rules.check_deletable(
			complaint,
			get_datetime(closed.closed_on) if closed.closed_on else None,
			retention_days(),
			now_datetime(),
		)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=frappe._("Records are kept"))
