# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, flt, getdate


class ComplaintPenaltyBulletin(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_bulletin_item.complaint_penalty_bulletin_item import (
			ComplaintPenaltyBulletinItem,
		)

		amended_from: DF.Link | None
		cancel_reason: DF.SmallText | None
		items: DF.Table[ComplaintPenaltyBulletinItem]
		signed_by: DF.Link | None
		total_amount: DF.Currency
		week_end: DF.Date
		week_start: DF.Date

	# end: auto-generated types
	def validate(self):
		self.validate_week()
		self.validate_items()
		self.set_total()

	def validate_week(self):
		if getdate(self.week_end) != getdate(add_days(self.week_start, 6)):
			frappe.throw(
				_("A bulletin covers exactly one week: the week end must be 6 days after its start.")
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
		self.total_amount = sum(flt(row.amount) for row in self.items)

	def before_submit(self):
		self.signed_by = frappe.session.user

	def on_submit(self):
		from complaint_mgmt.weekly import on_bulletin_submit

		on_bulletin_submit(self)

	def before_cancel(self):
		if not (self.cancel_reason or "").strip():
			frappe.throw(_("Give a reason to cancel a penalty bulletin."), title=_("Cancel reason missing"))
