# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintDailyCount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		day: DF.Date
		department: DF.Link | None
		dimension: DF.Literal["Category", "Grade"]
		is_external: DF.Check
		n: DF.Int
		value: DF.Data | None
	# end: auto-generated types
	"""Kept by complaint_mgmt.outputs.report_stats only (read-only on the desk)."""

	pass
