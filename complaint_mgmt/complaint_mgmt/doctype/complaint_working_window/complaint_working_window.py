# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintWorkingWindow(Document):
	pass
