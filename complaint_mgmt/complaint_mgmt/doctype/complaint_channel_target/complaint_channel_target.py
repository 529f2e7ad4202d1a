# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintChannelTarget(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		channel: DF.Literal[
			"Phone",
			"Hotline",
			"Walk-in",
			"E-mail",
			"Web",
			"Return Visit",
			"Media",
			"Consumer Association",
			"Government",
			"Manufacturer Hotline",
		]
		notify_role: DF.Link | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		response_hours: DF.Float
	# end: auto-generated types
	pass
