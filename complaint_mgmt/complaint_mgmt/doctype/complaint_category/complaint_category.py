# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.utils.nestedset import NestedSet


class ComplaintCategory(NestedSet):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category_name: DF.Data
		description: DF.SmallText | None
		is_group: DF.Check
		lft: DF.Int
		old_parent: DF.Link | None
		parent_complaint_category: DF.Link | None
		rgt: DF.Int
	# end: auto-generated types
	nsm_parent_field = "parent_complaint_category"

	def on_update(self):
		super().on_update()
		self.validate_one_root()
