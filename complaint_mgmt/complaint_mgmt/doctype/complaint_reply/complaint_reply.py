# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document

from complaint_mgmt.security.edit_guard import refuse_direct_write


class ComplaintReply(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		content: DF.Text | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		replied_by: DF.Link | None
		replied_on: DF.Datetime | None
		visible_to_customer: DF.Check
	# end: auto-generated types

	def validate(self):
		"""Rows of the procedure's record are written with the complaint by its actions; a direct save of the row
		(REST on the child doctype) is refused."""
		refuse_direct_write(self)

	def on_trash(self):
		refuse_direct_write(self)
