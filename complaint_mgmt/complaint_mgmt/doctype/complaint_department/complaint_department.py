# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from complaint_mgmt.loop.adapters import category_ancestors
from complaint_mgmt.security.permissions import clear_department_cache


class ComplaintDepartment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_department_member.complaint_department_member import (
			ComplaintDepartmentMember,
		)
		from complaint_mgmt.complaint_mgmt.doctype.complaint_department_receiver.complaint_department_receiver import (
			ComplaintDepartmentReceiver,
		)

		department_name: DF.Data
		disabled: DF.Check
		is_service_center: DF.Check
		manager: DF.Link | None
		members: DF.Table[ComplaintDepartmentMember]
		receivers: DF.Table[ComplaintDepartmentReceiver]

	# end: auto-generated types
	def validate(self):
		self.validate_single_service_center()
		self.validate_unique_members()
		self.validate_receivers_are_members()
		self.validate_default_receivers()
		self.warn_without_receiver()

	def validate_single_service_center(self):
		if not self.is_service_center:
			return
		other = frappe.db.get_value(
			"Complaint Department", {"is_service_center": 1, "name": ("!=", self.name)}, "name"
		)
		if other:
			frappe.throw(
				_(
					"{0} is already the service center. Exactly one department can be the service center."
				).format(frappe.bold(other)),
				title=_("Two service centers"),
			)

	def validate_unique_members(self):
		seen = set()
		for row in self.members:
			if row.user in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice as a member.").format(row.idx, frappe.bold(row.user))
				)
			seen.add(row.user)

	def validate_receivers_are_members(self):
		members = {row.user for row in self.members}
		for row in self.receivers:
			if row.user not in members:
				frappe.throw(
					_("Row {0}: receiver {1} is not a member of department {2}.").format(
						row.idx, frappe.bold(row.user), frappe.bold(self.name)
					),
					title=_("Receiver not a member"),
				)

	def validate_default_receivers(self):
		"""At most one default receiver per category (and one for all categories)."""
		seen = set()
		for row in self.receivers:
			if not row.is_default:
				continue
			key = row.category or ""
			if key in seen:
				frappe.throw(
					_("Row {0}: only one default receiver is allowed per category.").format(row.idx),
					title=_("Duplicate default receiver"),
				)
			seen.add(key)

	def warn_without_receiver(self):
		"""Saved all the same (a department is set up step by step), but told: complaints cannot be transferred
		to it and its steps fall to its members (the service center's: to every specialist), as the form's
		intro says too (complaint_department.js)."""
		if not self.receivers and not self.manager:
			frappe.msgprint(
				_(
					"Department {0} has no receiver and no manager: nobody is designated to take its"
					" complaints, so they go to its members. Add a receiver or a manager."
				).format(frappe.bold(self.name or self.department_name)),
				title=_("No receiver"),
				indicator="orange",
			)

	def receiver_for(self, category: str | None = None) -> str | None:
		"""The designated receiver: category-specific (nearest ancestor category) first, else the default."""

		def pick(rows):
			return next((r.user for r in rows if r.is_default), rows[0].user if rows else None)

		for cat in category_ancestors(category) if category else []:
			if user := pick([r for r in self.receivers if r.category == cat]):
				return user
		return pick([r for r in self.receivers if not r.category])

	def validate_receiver(self, user: str) -> None:
		"""Refuse a receiver who is not a receiver or member (or the manager) of this department."""
		if not self.is_member(user):
			frappe.throw(
				_("{0} is not a receiver or member of department {1}.").format(
					frappe.bold(user), frappe.bold(self.name)
				),
				title=_("Receiver not a member"),
			)

	def is_member(self, user: str) -> bool:
		return user == self.manager or any(r.user == user for r in (*self.members, *self.receivers))

	def on_update(self):
		clear_department_cache()

	def on_trash(self):
		clear_department_cache()

	def after_rename(self, old, new, merge=False):
		clear_department_cache()
