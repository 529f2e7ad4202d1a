# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, flt, getdate

from complaint_mgmt.outputs import appeal_outputs
from complaint_mgmt.outputs.weekly import (
	on_bulletin_submit,
	penalty_totals,
	validate_past_week,
	validate_week_start,
)


class ComplaintPenaltyBulletin(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_bulletin_correction.complaint_penalty_bulletin_correction import (
			ComplaintPenaltyBulletinCorrection,
		)
		from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_bulletin_item.complaint_penalty_bulletin_item import (
			ComplaintPenaltyBulletinItem,
		)

		amended_from: DF.Link | None
		cancel_reason: DF.SmallText | None
		corrections: DF.Table[ComplaintPenaltyBulletinCorrection]
		items: DF.Table[ComplaintPenaltyBulletinItem]
		signed_by: DF.Link | None
		total_amount: DF.Currency
		week_end: DF.Date
		week_start: DF.Date

	# end: auto-generated types
	def onload(self):
		# A draft shows the figures the approver would sign now (a notice may have been cancelled or issued
		# since it was made); the stored rows follow at the next save. A signed bulletin stays as signed.
		if self.docstatus == 0 and not self.is_new():
			self.recompute()

	def before_print(self, settings=None):
		if self.docstatus == 0:
			self.recompute()

	def before_insert(self):
		if self.week_start:
			validate_week_start(self.week_start)
			validate_past_week(self.week_start)

	def validate(self):
		self.refuse_week_change()
		self.validate_week()
		self.refuse_typed_items()
		if self.docstatus == 0:
			self.recompute()
		self.validate_items()
		self.set_total()

	def recompute(self):
		"""Items and total from the week's submitted, uncancelled notices (never typed in), with their notices
		under appeal; the corrections: the week's appeal decisions on notices of earlier weeks."""
		start, end = getdate(self.week_start), getdate(self.week_end)
		self.set("items", penalty_totals(start, end))
		self.set("corrections", appeal_outputs.bulletin_corrections(start, end))
		self.set_total()

	def validate_week(self):
		if self.is_new() and self.week_start and not self.week_end:
			self.week_end = add_days(self.week_start, 6)
		if getdate(self.week_end) != getdate(add_days(self.week_start, 6)):
			frappe.throw(
				_("A bulletin covers exactly one week: the week end must be 6 days after its start.")
			)

	def refuse_week_change(self):
		"""The week is fixed once the bulletin exists (its name is CPB-<week start>)."""
		before = self.get_doc_before_save()
		if before and self.week_of(before) != self.week_of(self):
			frappe.throw(
				_(
					"The week of a penalty bulletin cannot be changed. Make the bulletin of the other week from the "
					"Complaint Penalty Bulletin list instead."
				),
				title=_("Not allowed"),
			)

	def refuse_typed_items(self):
		"""The rows are the week's notices as make_penalty_bulletin gathered them, or as they stand now: a save
		that types in other figures is refused and nothing is written (a draft is then recomputed anyway)."""
		before = self.get_doc_before_save()
		if self.docstatus > 1 or (before and before.docstatus > 0):
			return
		rows = item_rows(self.items)
		if not rows and not before:
			return  # a new bulletin typed in the desk: the rows are computed below
		allowed = [item_rows(penalty_totals(getdate(self.week_start), getdate(self.week_end)))]
		if before:
			allowed.append(item_rows(before.items))
		elif self.amended_from:
			allowed.append(item_rows(frappe.get_all(
				"Complaint Penalty Bulletin Item",
				filters={"parent": self.amended_from, "parenttype": self.doctype, "parentfield": "items"},
				fields=["department", "notice_count", "amount"],
			)))  # fmt: skip
		if rows not in allowed:
			frappe.throw(
				_(
					"The items of a penalty bulletin are the week's submitted penalty notices and cannot be typed "
					"in or changed. To correct them, cancel or amend the penalty notices."
				),
				title=_("Not allowed"),
			)

	@staticmethod
	def week_of(doc) -> tuple:
		return (
			getdate(doc.week_start) if doc.week_start else None,
			getdate(doc.week_end) if doc.week_end else None,
		)

	def validate_items(self):
		seen = set()
		for row in self.items:
			if row.department in seen:
				frappe.throw(_("Row {0}: department {1} is listed twice.").format(row.idx, row.department))
			if flt(row.amount) < 0 or (row.notice_count or 0) < 0:
				frappe.throw(_("Row {0}: amounts and counts cannot be negative.").format(row.idx))
			seen.add(row.department)

	def set_total(self):
		self.total_amount = flt(sum(flt(row.amount) for row in self.items), 2)

	def before_submit(self):
		self.recompute()  # the general manager signs the totals of this moment
		self.signed_by = frappe.session.user

	def on_submit(self):
		on_bulletin_submit(self)

	def before_cancel(self):
		if not (self.cancel_reason or "").strip():
			frappe.throw(_("Give a reason to cancel a penalty bulletin."), title=_("Cancel reason missing"))


def item_rows(rows) -> list[tuple]:
	"""Bulletin rows (documents or dicts) as comparable (department, count, amount), in department order."""
	return sorted(
		(row.get("department"), int(row.get("notice_count") or 0), flt(row.get("amount"), 2)) for row in rows
	)
