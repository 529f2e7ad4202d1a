# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintActionReviewRecurrence(Document):
	"""A row of what a corrective-action review found: a complaint of the same department and category received
	since the closure, with the similarity of its root cause (procedure/action_reviews.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		complaint: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		received_on: DF.Datetime | None
		root_cause: DF.SmallText | None
		similar_root_cause: DF.Check
		similarity: DF.Float
	# end: auto-generated types
	pass
