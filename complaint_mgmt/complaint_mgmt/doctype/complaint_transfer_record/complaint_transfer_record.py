# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class ComplaintTransferRecord(Document):
	def validate(self):
		self.validate_receiver()

	def validate_receiver(self):
		if not self.receiver:
			return
		frappe.get_cached_doc("Complaint Department", self.department).validate_receiver(self.receiver)
