"""Appeals in the outputs (issue 18 §2): the weekly bulletin and the penalty report show the notices under appeal,
and a bulletin lists the appeal decisions of its week on notices of earlier weeks as corrections.

The design, kept minimal: a signed bulletin is never edited. Its rows carry, per department, the notices under
appeal when it was made or signed (``appeal_count`` / ``appeal_amount``: "pending"). A decision changes the notices
themselves (Annulled: cancelled; Reduced: cancelled and amended with the new amount, the same issue instant), so a
bulletin of the notice's week made or recomputed after the decision shows the outcome directly; the bulletin of the
week in which the decision falls lists it under ``corrections`` (per department and decision: how many notices, the
amount before and after) when the notice was issued before that week (``procedure.appeals.is_correction``).
"""

import datetime

import frappe
from frappe.query_builder import Case
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, flt, get_datetime

from complaint_mgmt.procedure import appeals

APPEAL = "Complaint Penalty Appeal"
NOTICE = "Complaint Penalty Notice"


def under_appeal_terms(notice_table) -> tuple:
	"""The count and amount of the notices under appeal (SQL terms over the notice table)."""
	under = notice_table.appeal_status == appeals.OPEN
	return (
		Sum(Case().when(under, 1).else_(0)).as_("appeal_count"),
		Sum(Case().when(under, notice_table.amount).else_(0)).as_("appeal_amount"),
	)


def amount_after(row) -> float:
	"""What the notice costs the department after the decision."""
	if row.status == appeals.UPHELD:
		return flt(row.notice_amount)
	if row.status == appeals.REDUCED:
		return flt(row.reduced_amount)
	return 0.0


def bulletin_corrections(start: datetime.date, end: datetime.date) -> list[dict]:
	"""Per department and decision: the appeals decided in [start, end] on notices issued before `start`."""
	a, n = frappe.qb.DocType(APPEAL), frappe.qb.DocType(NOTICE)
	rows = (
		frappe.qb.from_(a)
		.join(n)
		.on(n.name == a.notice)
		.select(
			a.department,
			a.status,
			a.decided_on,
			a.notice_amount,
			a.reduced_amount,
			n.issued_on.as_("issued_on"),
		)
		.where(a.status.isin(appeals.DECISIONS))
		.where(a.decided_on >= get_datetime(start))
		.where(a.decided_on < get_datetime(add_days(end, 1)))
		.run(as_dict=True)
	)
	totals: dict[tuple[str, str], dict] = {}
	for row in rows:
		if not appeals.is_correction(
			get_datetime(row.decided_on).date(), get_datetime(row.issued_on).date(), start
		):
			continue
		entry = totals.setdefault(
			(row.department, row.status),
			{
				"department": row.department,
				"decision": row.status,
				"notice_count": 0,
				"amount_before": 0.0,
				"amount_after": 0.0,
			},
		)
		entry["notice_count"] += 1
		entry["amount_before"] = flt(entry["amount_before"] + flt(row.notice_amount), 2)
		entry["amount_after"] = flt(entry["amount_after"] + amount_after(row), 2)
	return [totals[key] for key in sorted(totals, key=lambda k: (k[0], appeals.DECISIONS.index(k[1])))]
