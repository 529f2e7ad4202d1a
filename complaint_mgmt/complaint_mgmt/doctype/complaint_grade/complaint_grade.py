# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from complaint_mgmt.engine import recompute
from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import calendar_hours, rules


class ComplaintGrade(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		close_hours: DF.Float
		close_penalty: DF.Currency
		description: DF.SmallText | None
		escalate_to: DF.Link | None
		first_reply_hours: DF.Float
		first_reply_penalty: DF.Currency
		grade_name: DF.Data
		is_irrational: DF.Check
		rank: DF.Int
		transfer_hours: DF.Float
		transfer_penalty: DF.Currency

	# end: auto-generated types
	def validate(self):
		self.set_irrational_defaults()
		self.validate_rules()

	def set_irrational_defaults(self):
		"""Irrational grades run no clocks, penalties or escalation."""
		if self.is_irrational:
			self.escalate_to = None
			for field in (
				"transfer_hours",
				"first_reply_hours",
				"close_hours",
				"transfer_penalty",
				"first_reply_penalty",
				"close_penalty",
			):
				self.set(field, 0)

	def validate_rules(self):
		grades = dict(adapters.all_grades())
		grade = adapters.grade_from_row(self.as_dict())
		grades[grade.name] = grade
		try:
			rules.validate_grade(grade, grades)
		except calendar_hours.RuleError as err:
			adapters.throw(err, title=frappe._("Invalid grade"))

	def on_update(self):
		adapters.clear_grade_cache()
		recompute.on_grade_update(self)  # stored deadlines of its open complaints follow the new hours

	def on_trash(self):
		adapters.clear_grade_cache()
