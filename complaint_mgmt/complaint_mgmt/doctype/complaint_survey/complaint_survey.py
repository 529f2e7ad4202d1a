# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintSurvey(Document):
	"""The customer's satisfaction survey of one close request (issue 19 §10): made and answered only by
	complaint_mgmt.loop.survey (a single-use key, only its SHA-256 stored, valid survey.KEY_HOURS)."""

	pass
