# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ComplaintActionReview(Document):
	"""The review of a closed complaint's corrective action (issue 18 §3): opened by the daily job and recorded
	by complaint_mgmt.api.review_corrective_action (engine/action_reviews.py, loop/action_reviews.py)."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_action_review_recurrence.complaint_action_review_recurrence import (
			ComplaintActionReviewRecurrence,
		)

		category: DF.Link | None
		closed_on: DF.Datetime | None
		complaint: DF.Link
		corrective_action: DF.SmallText | None
		department: DF.Link
		due_on: DF.Date
		new_corrective_action: DF.SmallText | None
		note: DF.SmallText | None
		opened_on: DF.Date | None
		overdue_flagged: DF.Check
		recurrence_rows: DF.Table[ComplaintActionReviewRecurrence]
		recurrences: DF.Int
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		root_cause: DF.SmallText | None
		similar_root_causes: DF.Int
		status: DF.Literal["Open", "Effective", "Not Effective"]
	# end: auto-generated types

	def validate(self):
		self.validate_procedure_action()

	def validate_procedure_action(self):
		"""A review is opened by the daily job and recorded by the review action only, never by a plain save."""
		if not self.flags.procedure_action:
			frappe.throw(
				_("A corrective action review is written only by its job and by the review action."),
				frappe.PermissionError,
				title=_("Not allowed"),
			)
