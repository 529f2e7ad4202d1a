"""Penalty notices issued before notices stored how they were reached (issue 18): each gets its computation and
explanation recomputed from its complaint's history when the recomputation agrees with what the notice says
(its amount, deadline and grade), else an explanation that says plainly that it is not available. Uses only
the app's tables, the grades and the settings (nothing after_migrate creates)."""

import frappe
from frappe.utils import flt, get_datetime

from complaint_mgmt.engine import notice_why
from complaint_mgmt.procedure import notice_computation as nc
from complaint_mgmt.procedure import notice_explanation as ne

NOTICE = "Complaint Penalty Notice"
CHUNK = 500


def execute() -> None:
	notices = frappe.get_all(
		NOTICE,
		filters=[["computation", "is", "not set"], ["explanation", "is", "not set"], ["docstatus", "!=", 0]],
		fields=[*notice_why.NOTICE_FIELDS, "due_on", "amount", "base_amount", "multiplier", "grade"],
		order_by="creation asc",
	)
	if not notices:
		return
	lang = notice_why.site_language()
	try:
		rules_now = notice_why.current_rules()
	except Exception:
		rules_now = None  # no grades or an unreadable calendar: nothing can be recomputed
	for start in range(0, len(notices), CHUNK):
		chunk = notices[start : start + CHUNK]
		found = notice_why.histories(sorted({n.complaint for n in chunk if n.complaint})) if rules_now else {}
		for notice in chunk:
			computation = recompute(notice, found.get(notice.complaint), rules_now)
			if computation is not None and not agrees(notice, computation):
				computation = None
			values = {
				"computation": notice_why.dumps(computation),
				"explanation": notice_why.explanation(computation, lang, ne.NOT_AVAILABLE),
			}
			frappe.db.set_value(NOTICE, notice.name, values, update_modified=False)


def recompute(notice, history, rules_now) -> dict | None:
	"""The recomputation, None when it is not possible: a migrate never stops on one odd notice."""
	if rules_now is None:
		return None
	try:
		return notice_why.recompute(notice, history, rules_now)
	except Exception:
		return None


def agrees(notice, computation: dict) -> bool:
	"""The recomputation says what the notice says: its deadline, grade, base, multiplier and amount (an
	amended notice's reduced amount aside)."""
	due, recomputed = notice.due_on, computation.get("due_on")
	same_due = (
		bool(due and recomputed) and abs(get_datetime(due) - nc.parse(recomputed)) <= nc.INSTANT_TOLERANCE
	)
	return (
		same_due
		and computation.get("penalty_grade") == notice.grade
		and abs(flt(computation.get("base_amount")) - flt(notice.base_amount)) < 0.005
		and abs(flt(computation.get("multiplier")) - flt(notice.multiplier)) < 0.005
	)
