# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintCompensationTier(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		approver_role: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		up_to_amount: DF.Currency
	# end: auto-generated types
	pass
