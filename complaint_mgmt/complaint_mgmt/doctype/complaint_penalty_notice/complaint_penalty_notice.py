# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, now_datetime

from complaint_mgmt.engine import notice_why
from complaint_mgmt.procedure import appeals, rules


class ComplaintPenaltyNotice(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		amount: DF.Currency
		appeal_decision: DF.SmallText | None
		appeal_status: DF.Literal["", "Open", "Upheld", "Annulled", "Reduced"]
		base_amount: DF.Currency
		breach_key: DF.Data | None
		breach_type: DF.Literal["Transfer", "First Reply", "Close", "Monthly Repeat", "Return Visit"]
		cancel_reason: DF.SmallText | None
		complaint: DF.Link
		computation: DF.JSON | None
		department: DF.Link
		due_on: DF.Datetime | None
		executed: DF.Check
		executed_by: DF.Link | None
		executed_on: DF.Datetime | None
		explanation: DF.LongText | None
		grade: DF.Link
		issued_on: DF.Datetime
		multiplier: DF.Float
		period: DF.Int
		responsible_user: DF.Link | None
		title: DF.Data | None

	# end: auto-generated types
	def validate(self):
		self.apply_rules()

	def apply_rules(self, customer_name: str | None = None, customer_known: bool = False):
		"""Everything `validate` checks and sets. The deadline sweep calls it too, on notices it writes with
		one multi-row insert (engine/notices.py), passing the customer's name it already holds (`customer_known`)
		instead of one query per notice."""
		self.validate_breach_type()
		self.validate_period()
		self.set_amount()
		self.set_breach_key()
		self.set_execution()
		self.set_title(customer_name, customer_known)
		self.set_explanation()

	def onload(self):
		"""The form's "Why this notice", in the reader's language (the stored explanation is the site's)."""
		self.set_onload("why", notice_why.notice_why(self))

	def set_explanation(self):
		"""The sweep sets how it reached the notice (engine/notice_why.py) before this runs; a notice issued by
		hand says that it carries no computation."""
		if not self.computation and not self.explanation:
			self.explanation = notice_why.explanation(None, notice_why.site_language(), notice_why.ne.BY_HAND)

	def validate_breach_type(self):
		if self.breach_type not in rules.BREACH_TYPES:
			frappe.throw(_("Unknown breach type {0}.").format(frappe.bold(self.breach_type)))

	def validate_period(self):
		period = self.period or 0
		if period < 0 or (period == 0 and self.breach_type == "Monthly Repeat"):
			frappe.throw(
				_(
					"Period must be 1 or more for a monthly repeat, and 0 or more for a breach (the transfer "
					"round or the close-request cycle it belongs to)."
				),
				title=_("Invalid period"),
			)

	def set_amount(self):
		if flt(self.base_amount) < 0 or flt(self.multiplier) <= 0:
			frappe.throw(
				_("Base amount cannot be negative and the multiplier must be positive."),
				title=_("Invalid amount"),
			)
		self.amount = flt(self.base_amount) * flt(self.multiplier)
		if self.flags.appeal_amount is not None:
			self.amount = flt(self.flags.appeal_amount)  # an appeal's reduction (loop/appeals.amend_notice)

	def set_breach_key(self):
		"""One live notice per (complaint, breach type, period): a unique column, emptied on cancel."""
		if self.docstatus < 2:
			self.breach_key = f"{self.complaint}|{self.breach_type}|{self.period or 0}"

	def set_execution(self):
		self.validate_not_under_appeal()
		if self.executed and self.docstatus != 1:
			frappe.throw(_("Only a submitted penalty notice can be marked executed."), title=_("Not allowed"))
		if self.executed and not self.executed_on:
			self.executed_on = now_datetime()
			self.executed_by = frappe.session.user
		elif not self.executed:
			self.executed_on = None
			self.executed_by = None

	def validate_not_under_appeal(self):
		if self.executed:
			self.refuse_execution_under_appeal()

	def refuse_execution_under_appeal(self):
		"""A notice under appeal is executed once the appeal is decided (outputs/execution.py asks too)."""
		if self.appeal_status == appeals.OPEN:
			frappe.throw(
				_(
					"Penalty notice {0} is under appeal: it can be executed once the appeal is decided."
				).format(self.name),
				title=_("Not allowed"),
			)

	def before_update_after_submit(self):
		self.validate_not_under_appeal()

	def set_title(self, customer: str | None = None, customer_known: bool = False):
		if not customer_known:
			customer = (
				frappe.db.get_value("Complaint", self.complaint, "customer_name") if self.complaint else None
			)
		self.title = notice_title(self.department, self.breach_type, self.period, self.complaint, customer)

	def before_cancel(self):
		if self.appeal_status == appeals.OPEN and not self.flags.appeal_decision:
			frappe.throw(
				_("Penalty notice {0} is under appeal: the appeal's decision annuls or reduces it.").format(
					self.name
				),
				title=_("Not allowed"),
			)
		if not (self.cancel_reason or "").strip():
			frappe.throw(_("Give a reason to cancel a penalty notice."), title=_("Cancel reason missing"))
		if self.executed:
			frappe.throw(_("An executed penalty notice cannot be cancelled."), title=_("Not allowed"))

	def on_cancel(self):
		self.db_set("breach_key", None)

	def on_trash(self):
		if self.docstatus == 1:
			frappe.throw(_("A submitted penalty notice cannot be deleted; cancel it with a reason."))
		if self.docstatus == 2:
			frappe.throw(_("A cancelled penalty notice stays on record and cannot be deleted."))


def notice_title(department, breach_type, period, complaint, customer_name) -> str:
	"""What the form, the list and the search show: the department, the clock it missed and the complaint as
	its Complaint field shows it (the customer's name: Complaint shows its title in links) with its number,
	e.g. "Sales · First Reply · Wang Fang (CMP-2026-00012)". The desk translates the breach type."""
	breach = f"{breach_type} #{period}" if breach_type == "Monthly Repeat" and period else breach_type
	if complaint and customer_name and customer_name != complaint:
		complaint = f"{customer_name} ({complaint})"
	return " · ".join(part for part in (department, breach, complaint) if part)[:TITLE_LENGTH]


TITLE_LENGTH = 140
