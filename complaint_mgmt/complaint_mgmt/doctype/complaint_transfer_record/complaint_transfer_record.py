# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from complaint_mgmt.loop.changed_links import ChecksChangedLinks


class ComplaintTransferRecord(ChecksChangedLinks, Document):
	# a stored record (acknowledged, superseded) looks up only the links that changed (loop/changed_links.py)
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledged_by: DF.Link | None
		acknowledged_on: DF.Datetime | None
		complaint: DF.Link
		first_replied_on: DF.Datetime | None
		department: DF.Link
		issued_by: DF.Link | None
		issued_on: DF.Datetime | None
		note: DF.SmallText | None
		receiver: DF.Link | None
		status: DF.Literal["Issued", "Acknowledged", "Superseded"]

	# end: auto-generated types
	def validate(self):
		self.validate_procedure_action()
		self.validate_receiver()

	def validate_procedure_action(self):
		"""Transfer records are the procedure's record of each hand-over: issued, signed and superseded by the
		complaint's actions only (complaint_mgmt.loop.steps), never written by a plain insert or save."""
		if not self.flags.procedure_action:
			frappe.throw(
				_("A transfer record is written only by the complaint's actions (transfer, acknowledge)."),
				frappe.PermissionError,
				title=_("Not allowed"),
			)

	def validate_receiver(self):
		if not self.receiver:
			return
		frappe.get_cached_doc("Complaint Department", self.department).validate_receiver(self.receiver)
