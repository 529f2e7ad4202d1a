# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintDailyRootCause(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category: DF.Link | None
		cause_key: DF.Data | None
		day: DF.Date
		department: DF.Link | None
		n: DF.Int
		root_cause: DF.SmallText | None
	# end: auto-generated types
	"""Kept by complaint_mgmt.outputs.report_stats only (read-only on the desk)."""

	pass
