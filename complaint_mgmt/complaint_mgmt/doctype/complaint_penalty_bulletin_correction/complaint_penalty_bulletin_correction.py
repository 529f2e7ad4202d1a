# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintPenaltyBulletinCorrection(Document):
	"""A row of a bulletin's corrections: per department and decision, the appeals decided in the bulletin's week
	on notices of earlier weeks (outputs/appeal_outputs.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount_after: DF.Currency
		amount_before: DF.Currency
		decision: DF.Literal["Upheld", "Annulled", "Reduced"]
		department: DF.Link
		notice_count: DF.Int
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
