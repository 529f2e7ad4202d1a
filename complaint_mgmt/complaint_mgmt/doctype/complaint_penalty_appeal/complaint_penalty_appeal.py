# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from complaint_mgmt.loop import appeals


class ComplaintPenaltyAppeal(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_notice: DF.Link | None
		complaint: DF.Link | None
		decided_by: DF.Link | None
		decided_on: DF.Datetime | None
		decision_reason: DF.SmallText | None
		department: DF.Link
		notice: DF.Link
		notice_amount: DF.Currency
		reason: DF.SmallText
		reduced_amount: DF.Currency
		requested_by: DF.Link | None
		requested_on: DF.Datetime | None
		status: DF.Literal["Open", "Upheld", "Annulled", "Reduced"]

	# end: auto-generated types
	def onload(self):
		self.set_onload("can_decide", appeals.can_decide(self))  # the form's Decide buttons

	def validate(self):
		self.validate_procedure_action()

	def validate_procedure_action(self):
		"""An appeal is filed and decided by the API only (complaint_mgmt.loop.appeals: appeal_notice,
		decide_appeal), never written by a plain insert or save; attachments go through the sidebar."""
		if not self.flags.procedure_action:
			frappe.throw(
				_(
					"A penalty appeal is written only by the appeal actions (appeal a notice, decide an appeal)."
				),
				frappe.PermissionError,
				title=_("Not allowed"),
			)

	def on_trash(self):
		frappe.throw(_("A penalty appeal stays on record and cannot be deleted."), title=_("Not allowed"))
