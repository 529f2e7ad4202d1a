# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintStep(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Data
		done_by: DF.Link | None
		done_on: DF.Datetime
		note: DF.SmallText | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types
	pass
