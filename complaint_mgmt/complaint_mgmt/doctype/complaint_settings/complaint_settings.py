# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import re

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, escape_html, validate_email_address

from complaint_mgmt.engine import recompute
from complaint_mgmt.loop import adapters, intake_limits, tier_roles, workflow
from complaint_mgmt.loop import appeals as appeals_loop
from complaint_mgmt.outputs import weekly
from complaint_mgmt.outputs.weekly_mail import address_list
from complaint_mgmt.procedure import appeals, authority, calendar_hours, retention_rules

HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


class ComplaintSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_channel_target.complaint_channel_target import (
			ComplaintChannelTarget,
		)
		from complaint_mgmt.complaint_mgmt.doctype.complaint_compensation_tier.complaint_compensation_tier import (
			ComplaintCompensationTier,
		)
		from complaint_mgmt.complaint_mgmt.doctype.complaint_holiday.complaint_holiday import ComplaintHoliday
		from complaint_mgmt.complaint_mgmt.doctype.complaint_working_window.complaint_working_window import (
			ComplaintWorkingWindow,
		)

		appeal_days: DF.Int
		appeal_decider_role: DF.Link | None
		appeal_decision_days: DF.Int
		channel_targets: DF.Table[ComplaintChannelTarget]
		compensation_tiers: DF.Table[ComplaintCompensationTier]
		default_category: DF.Link | None
		default_grade: DF.Link | None
		effectiveness_review_allowed_days: DF.Int
		effectiveness_review_days: DF.Int
		email_date_tolerance_minutes: DF.Int
		holidays: DF.Table[ComplaintHoliday]
		intake_limit_global: DF.Int
		intake_limit_per_sender: DF.Int
		monthly_multiplier: DF.Float
		monthly_report_day: DF.Int
		monthly_report_last_sent: DF.Date | None
		monthly_report_recipients: DF.SmallText | None
		monthly_report_time: DF.Time | None
		orders_per_week: DF.Int
		penalize_return_visit: DF.Check
		repeat_complaint_days: DF.Int
		repeat_period_days: DF.Int
		retention_days: DF.Int
		return_visit_hours: DF.Int
		trusted_proxy_ip_header: DF.Data | None
		use_business_hours: DF.Check
		warning_percent: DF.Percent
		week_starts_on: DF.Literal[
			"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
		]
		weekly_report_day: DF.Literal[
			"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
		]
		weekly_report_last_sent: DF.Date | None
		weekly_report_recipients: DF.SmallText | None
		weekly_report_time: DF.Time | None
		working_windows: DF.Table[ComplaintWorkingWindow]

	# end: auto-generated types
	def validate(self):
		self.validate_positive_numbers()
		self.validate_warning_percent()
		self.validate_business_hours()
		self.validate_compensation_tiers()
		self.validate_channel_targets()
		self.validate_retention_days()
		self.validate_recipients()
		self.validate_default_grade()
		self.validate_intake_limits()
		self.validate_appeals()

	def validate_positive_numbers(self):
		for field in (
			"return_visit_hours",
			"monthly_multiplier",
			"repeat_period_days",
			"repeat_complaint_days",
		):
			if (self.get(field) or 0) <= 0:
				frappe.throw(
					_("{0} must be greater than zero.").format(_(self.meta.get_label(field))),
					title=_("Invalid setting"),
				)

	def validate_warning_percent(self):
		if not 0 <= (self.warning_percent or 0) < 100:
			frappe.throw(_("Warning Percent must be between 0 and 99."), title=_("Invalid setting"))

	def validate_business_hours(self):
		if not self.use_business_hours:
			return
		if not self.working_windows:
			frappe.throw(
				_("Add at least one working window to use business hours."), title=_("Invalid setting")
			)
		try:
			calendar_hours.parse_windows((w.weekday, w.start_time, w.end_time) for w in self.working_windows)
		except calendar_hours.RuleError as err:
			adapters.throw(err, title=_("Invalid working window"))
		dates = [str(h.holiday_date) for h in self.holidays]
		if len(dates) != len(set(dates)):
			frappe.throw(_("A holiday date is listed twice."), title=_("Invalid setting"))

	def validate_compensation_tiers(self):
		try:
			authority.validate_tiers(
				[(row.up_to_amount, row.approver_role) for row in self.compensation_tiers]
			)
		except calendar_hours.RuleError as err:
			adapters.throw(err, title=_("Invalid compensation tiers"))
		before = self.get_doc_before_save()
		saved = {row.approver_role for row in before.compensation_tiers} if before else set()
		tier_roles.validate_tiers(self.compensation_tiers, saved)

	def validate_channel_targets(self):
		"""One row per channel, with a response time."""
		seen = set()
		for row in self.channel_targets:
			if row.channel in seen:
				frappe.throw(
					_("Row {0}: channel {1} has a response target already.").format(row.idx, _(row.channel)),
					title=_("Invalid response targets"),
				)
			if not row.response_hours or row.response_hours <= 0:
				frappe.throw(
					_("Row {0}: the response time must be more than 0 hours.").format(row.idx),
					title=_("Invalid response targets"),
				)
			seen.add(row.channel)

	def validate_retention_days(self):
		"""Records are kept for two years at least (spec §6); empty takes the default."""
		if not cint(self.retention_days):
			self.retention_days = retention_rules.DEFAULT_RETENTION_DAYS
		try:
			retention_rules.validate_retention_days(cint(self.retention_days))
		except calendar_hours.RuleError as err:
			adapters.throw(err, title=_("Invalid setting"))

	def validate_recipients(self):
		for address in [*self.recipient_list(), *address_list(self.monthly_report_recipients)]:
			validate_email_address(address, throw=True)
		if self.monthly_report_day in (None, ""):
			self.monthly_report_day = 1
		if not 1 <= cint(self.monthly_report_day) <= 31:
			frappe.throw(_("Monthly Report Day must be between 1 and 31."), title=_("Invalid setting"))

	def validate_default_grade(self):
		"""Customers' web and e-mail complaints start at this grade: it must run the normal clocks."""
		if self.default_grade and frappe.db.get_value("Complaint Grade", self.default_grade, "is_irrational"):
			frappe.throw(_("The Default Grade cannot be an irrational grade."), title=_("Invalid setting"))

	def validate_intake_limits(self):
		"""Empty limits take their defaults (settings saved before the fields existed); limits are at least 1."""
		for field, default in intake_limits.SETTING_DEFAULTS.items():
			if self.get(field) in (None, ""):
				self.set(field, default)
		for field in ("intake_limit_per_sender", "intake_limit_global"):
			if cint(self.get(field)) < 1:
				frappe.throw(
					_("{0} must be at least 1.").format(_(self.meta.get_label(field))),
					title=_("Invalid setting"),
				)
		if cint(self.email_date_tolerance_minutes) < 0:
			frappe.throw(
				_("{0} cannot be negative.").format(_(self.meta.get_label("email_date_tolerance_minutes"))),
				title=_("Invalid setting"),
			)
		self.trusted_proxy_ip_header = (self.trusted_proxy_ip_header or "").strip()
		if self.trusted_proxy_ip_header and not HEADER_NAME.fullmatch(self.trusted_proxy_ip_header):
			frappe.throw(
				_(
					"{0} is not a valid HTTP header name (letters, digits and hyphens, e.g. X-Real-IP)."
				).format(frappe.bold(escape_html(self.trusted_proxy_ip_header))),
				title=_("Invalid setting"),
			)

	def validate_appeals(self):
		"""Empty appeal settings take their defaults (settings saved before the fields existed); days >= 1."""
		for field, default in appeals.SETTING_DEFAULTS.items():
			if self.get(field) in (None, "", 0):
				self.set(field, default)
		for field in ("appeal_days", "appeal_decision_days"):
			if cint(self.get(field)) < 1:
				frappe.throw(
					_("{0} must be at least 1.").format(_(self.meta.get_label(field))),
					title=_("Invalid setting"),
				)
		before = self.get_doc_before_save()
		appeals_loop.validate_decider_role(self.appeal_decider_role, before and before.appeal_decider_role)

	def recipient_list(self) -> list[str]:
		text = (self.weekly_report_recipients or "").replace(",", "\n")
		return [line.strip() for line in text.splitlines() if line.strip()]

	def on_update(self):
		frappe.clear_document_cache(self.doctype, self.name)
		recompute.on_settings_update(self)  # stored deadlines of open complaints follow the new settings
		tier_roles.grant_complaint_access()  # a compensation tier's role reads the complaints it approves
		workflow.sync_approver_roles()  # a compensation tier's role may approve at once
		workflow.sync_approval_conditions()  # ... and is offered to only within its tier
		appeals_loop.grant_decider_access()  # the appeal decider role reads the appeals it decides
		weekly.sync_auto_email_reports()  # Auto Email Reports of earlier versions stay switched off
