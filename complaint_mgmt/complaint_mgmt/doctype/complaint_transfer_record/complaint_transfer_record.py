# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ComplaintTransferRecord(Document):
	def validate(self):
		self.validate_receiver()

	def validate_receiver(self):
		if not self.receiver:
			return
		department = frappe.get_cached_doc("Complaint Department", self.department)
		if not department.is_member(self.receiver):
			frappe.throw(
				_("{0} is not a receiver or member of department {1}.").format(
					frappe.bold(self.receiver), frappe.bold(self.department)
				),
				title=_("Receiver not a member"),
			)
