# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import add_days, get_datetime, now_datetime

from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import adapters, inbox, intake, party, portal_identity, response_targets
from complaint_mgmt.loop.as_read import SavesAsRead
from complaint_mgmt.loop.changed_links import ChecksChangedLinks
from complaint_mgmt.procedure import calendar_hours, clocks, rules, transitions
from complaint_mgmt.procedure import inbox as inbox_rules
from complaint_mgmt.security import edit_guard, input_checks

# Fields only the procedure's actions (complaint_mgmt.api, the deadline sweep) may change.
PROCEDURE_FIELDS = (
	"status",
	"department",
	"receiver",
	"original_grade",
	"irrational_stage",
	"transferred_on",
	"acknowledged_on",
	"first_replied_on",
	"close_requested_on",
	"return_visited_on",
	"closed_on",
	"closure_type",
	"escalation_count",
	"resolution",
	"root_cause",
	"corrective_action",
	"compensation_amount",
	"satisfied",
	"approved_by",
	"deferral_requested_on",
	"transfer_breached",
	"first_reply_breached",
	"close_breached",
	"return_visit_breached",
	"repeat_periods_issued",
	"transfer_round",
	"transfer_started_on",
	"close_request_cycle",
	"close_due_at_deferral",
	"deferral_approved_on",
	"imported",
	# the portal's proof of the contact address (loop/portal_identity.py)
	*portal_identity.FIELDS,
)


class Complaint(SavesAsRead, ChecksChangedLinks, Document):
	# a procedure action saves it from the copy it read under its lock (loop/steps.lock_for_action)
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from complaint_mgmt.complaint_mgmt.doctype.complaint_escalation.complaint_escalation import (
			ComplaintEscalation,
		)
		from complaint_mgmt.complaint_mgmt.doctype.complaint_pause.complaint_pause import ComplaintPause
		from complaint_mgmt.complaint_mgmt.doctype.complaint_reply.complaint_reply import ComplaintReply
		from complaint_mgmt.complaint_mgmt.doctype.complaint_step.complaint_step import ComplaintStep

		acknowledged_on: DF.Datetime | None
		approved_by: DF.Link | None
		category: DF.Link
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
		claim_amount: DF.Currency
		close_breached: DF.Check
		close_due: DF.Datetime | None
		close_due_at_deferral: DF.Datetime | None
		close_request_cycle: DF.Int
		close_requested_on: DF.Datetime | None
		close_warned: DF.Check
		closed_on: DF.Datetime | None
		closure_type: DF.Literal["", "First Closure", "Second Closure"]
		compensation_amount: DF.Currency
		contact_email: DF.Data | None
		contact_key_expires: DF.Datetime | None
		contact_key_hash: DF.Data | None
		contact_phone: DF.Data | None
		contact_verified_by: DF.Link | None
		corrective_action: DF.SmallText | None
		customer_name: DF.Data
		customer_request: DF.SmallText | None
		deferral_approved_on: DF.Datetime | None
		deferral_reason: DF.SmallText | None
		deferral_requested_on: DF.Datetime | None
		department: DF.Link | None
		description: DF.Text
		escalation_count: DF.Int
		escalations: DF.Table[ComplaintEscalation]
		first_replied_on: DF.Datetime | None
		first_reply_breached: DF.Check
		first_reply_due: DF.Datetime | None
		first_reply_warned: DF.Check
		follow_up_mode: DF.Literal["", "Watch", "Monitor"]
		grade: DF.Link
		imported: DF.Check
		irrational_reason: DF.SmallText | None
		irrational_stage: DF.Literal["", "First", "Secondary"]
		is_external: DF.Check
		is_repeat: DF.Check
		naming_series: DF.Literal["CMP-.YYYY.-.#####"]
		next_check_at: DF.Datetime | None
		next_due: DF.Datetime | None
		original_grade: DF.Link | None
		party: DF.DynamicLink | None
		party_type: DF.Link | None
		pauses: DF.Table[ComplaintPause]
		received_on: DF.Datetime
		receiver: DF.Link | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		repeat_periods_issued: DF.Int
		replies: DF.Table[ComplaintReply]
		resolution: DF.SmallText | None
		return_visit_breached: DF.Check
		return_visit_due: DF.Datetime | None
		return_visit_notes: DF.SmallText | None
		return_visit_warned: DF.Check
		return_visited_on: DF.Datetime | None
		root_cause: DF.SmallText | None
		satisfied: DF.Check
		sla_status: DF.Literal["", "On Time", "Due Soon", "Overdue", "Paused", "Met", "Missed"]
		specialist: DF.Link | None
		stats_counted: DF.Check
		status: DF.Literal[
			"Registered",
			"Transferred",
			"Acknowledged",
			"Replied",
			"Waiting on Customer",
			"Close Requested",
			"Return Visited",
			"Deferral Requested",
			"Closed",
			"Deferred",
		]
		status_before_pause: DF.Data | None
		steps: DF.Table[ComplaintStep]
		transfer_breached: DF.Check
		transfer_due: DF.Datetime | None
		transfer_round: DF.Int
		transfer_started_on: DF.Datetime | None
		transfer_warned: DF.Check
		transferred_on: DF.Datetime | None

	# end: auto-generated types
	def before_insert(self):
		intake.set_intake_defaults(
			self
		)  # after _validate_links: the values' types are checked already  # web form and e-mail: channel, default grade, received_on

	def after_insert(self):
		response_targets.on_registration(self)  # a channel with a response target: its role is told at once
		# the service center's ToDo: complete and transfer it; told when it came from the web form or e-mail
		inbox.sync(self, notify_new=not self.specialist)
		portal_identity.offer_link(self)  # the contact address reaches a portal once proved

	def _validate_links(self):
		"""Values of the right type and range, then party and reference, with messages that say what is wrong
		(Frappe's: a server error, "Could not find")."""
		input_checks.validate_document(self)
		party.validate_party(self)
		party.validate_reference(self)
		super()._validate_links()  # a stored complaint: only what changed (ChecksChangedLinks)

	def validate_workflow(self):
		"""A procedure action (complaint_mgmt.api, the sweep) checked the order of steps and the Workflow's
		roles itself; any other status change (e.g. a raw apply_workflow) is refused by
		validate_procedure_fields."""
		if not self.flags.procedure_action:
			super().validate_workflow()

	def validate(self):
		self.validate_procedure_fields()
		self.set_contact_email()
		self.validate_received_on()
		self.validate_grade_change()
		self.set_is_external()
		self.set_original_grade()
		self.set_irrational_stage()
		self.validate_follow_up_mode()
		self.validate_receiver()
		self.set_repeat_flag()
		self.set_deadlines()
		self.set_next_check_at()
		self.set_sla_status()
		self.set_next_due()

	def validate_procedure_fields(self):
		"""A new complaint starts as Registered, with none of the procedure's results (later saves: see
		validate_higher_perm_levels)."""
		if self.flags.procedure_action or self.get_doc_before_save() is not None:
			return
		if self.status not in (None, "", "Registered") or self.department or self.receiver:
			frappe.throw(
				_("A new complaint starts as Registered; transfer it with the Transfer action."),
				title=_("Not allowed"),
			)
		for field in PROCEDURE_FIELDS:
			if field not in ("status", "original_grade", "irrational_stage") and self.get(field):
				self.set(field, None)

	def set_contact_email(self):
		"""The bare address whatever the path (desk, REST, web form, e-mail intake): a display name is never
		stored; another contact address drops the portal's proof of the previous one."""
		label = _(self.meta.get_label("contact_email"))
		self.contact_email = input_checks.contact_email(label, self.contact_email)
		portal_identity.reset_on_change(self)

	def validate_higher_perm_levels(self):
		"""A plain save changes nothing the procedure's actions own (``edit_guard``): checked here, the first
		step of every save of an existing document, before Frappe quietly drops the fields of permission
		levels the user may not write (the caller learns why nothing changed)."""
		edit_guard.validate_plain_edit(self)
		super().validate_higher_perm_levels()

	def validate_received_on(self):
		try:
			rules.validate_received_on(get_datetime(self.received_on), now_datetime())
		except calendar_hours.RuleError as err:
			adapters.throw(err, title=_("Invalid date"))

	def validate_grade_change(self):
		if self.status == "Registered" or (self.flags.procedure_action and not self.flags.regrade):
			return
		before = self.get_doc_before_save()
		if (
			before
			and before.grade != self.grade
			and (self.grade_doc().is_irrational or self.irrational_stage)
		):
			frappe.throw(
				_("The grade of a transferred complaint cannot be changed to or from an irrational grade."),
				title=_("Not allowed"),
			)

	def grade_doc(self) -> rules.Grade:
		grade = adapters.get_grade(self.grade)
		if grade is None:
			frappe.throw(_("Complaint Grade {0} not found.").format(frappe.bold(self.grade)))
		return grade

	def set_is_external(self):
		self.is_external = int(rules.is_external_channel(self.channel))

	def set_original_grade(self):
		if not self.original_grade:
			self.original_grade = self.grade

	def set_irrational_stage(self):
		"""Graded irrational at registration: a first irrational complaint."""
		if self.status != "Registered":
			return
		self.irrational_stage = "First" if self.grade_doc().is_irrational else ""

	def validate_follow_up_mode(self):
		if self.irrational_stage and self.status != "Registered" and not self.follow_up_mode:
			frappe.throw(
				_(
					"An irrational complaint needs a follow-up mode (Watch or Monitor) once it is transferred."
				),
				title=_("Follow-up mode missing"),
			)

	def validate_receiver(self):
		if not (self.receiver and self.department):
			return
		frappe.get_cached_doc("Complaint Department", self.department).validate_receiver(self.receiver)

	def set_repeat_flag(self):
		"""Same customer (phone, e-mail or party), same category, within the repeat window. Looked up when the
		complaint is new or one of those changed: a procedure action changes none of them, and the window looks
		back from the complaint's own receipt, so a complaint received after it never changes the answer (the
		flag itself only the procedure writes: security/edit_guard.py)."""
		if (
			self.is_new()
			or self.get_doc_before_save() is None
			or any(self.has_value_changed(field) for field in rules.REPEAT_FIELDS)
		):
			self.is_repeat = int(bool(self.earlier_complaints(limit=1)))

	def earlier_complaints(self, limit: int = 20) -> list[dict]:
		identifiers = [(field, self.get(field)) for field in rules.REPEAT_CUSTOMER_FIELDS if self.get(field)]
		if not identifiers or not self.category or not self.received_on:
			return []
		days = adapters.get_settings().repeat_complaint_days or 30
		since = add_days(get_datetime(self.received_on), -days)
		found = {}
		for field, value in identifiers:
			filters = {
				field: value,
				"category": self.category,
				"received_on": ("between", (since, self.received_on)),
				"name": ("!=", self.name or ""),
			}
			for row in frappe.get_all(
				"Complaint",
				filters=filters,
				fields=["name", "customer_name", "status", "received_on", "grade"],
				order_by="received_on desc",
				limit=limit,
			):
				found[row.name] = row
		return sorted(found.values(), key=lambda r: r.received_on, reverse=True)[:limit]

	def set_deadlines(self):
		"""The stored deadlines after this change (``clocks.settle_deadlines``): a started clock keeps its due,
		only a pause that ended now moves it; a clock that starts now follows the current grade."""
		if self.status in transitions.TERMINAL_STATUSES:
			return
		settings = adapters.get_settings()
		calendar = adapters.get_calendar(settings)
		m = adapters.milestones(self)
		stored = self.stored_deadlines()
		for paused_on, resumed_on in self.pauses_ended_now():
			stored = clocks.shift_for_pause(stored, m, paused_on, resumed_on, calendar)
		deadlines = clocks.settle_deadlines(
			self.grade_doc(),
			m,
			stored,
			return_visit_hours=settings.return_visit_hours or 12,
			channel_hours=adapters.channel_hours(self.channel, settings),
			calendar=calendar,
			pauses=adapters.pauses(self),
			runs_clocks=not self.irrational_stage,
			keep=frozenset(self.breached_clocks()),
			previous=adapters.milestones(before) if (before := self.get_doc_before_save()) else None,
		)
		for clock in clocks.moved_clocks(self.stored_deadlines(), deadlines):
			self.set(clocks.WARNED_FLAGS[clock], 0)  # a moved deadline gets its warning again
		for clock, field in rules.DUE_FIELDS.items():
			self.set(field, deadlines.due(clock))

	def pauses_ended_now(self) -> list[tuple]:
		"""Pauses whose end was recorded by this save (none without a stored state to compare: an insert
		computes its deadlines with every pause, the sweep records no pause)."""
		before = self.get_doc_before_save()
		if before is None:
			return []
		ended_before = {p.name for p in before.get("pauses") or [] if p.resumed_on}
		return [
			(get_datetime(p.paused_on), get_datetime(p.resumed_on))
			for p in self.get("pauses") or []
			if p.resumed_on and p.name not in ended_before
		]

	def stored_deadlines(self) -> rules.Deadlines:
		return rules.Deadlines(
			**{
				field: get_datetime(self.get(field)) if self.get(field) else None
				for field in rules.DUE_FIELDS.values()
			}
		)

	def set_next_check_at(self):
		"""The earliest pending clock event: the deadline sweep's indexed work list."""
		self.next_check_at = deadlines.next_check_for(self)

	def set_sla_status(self):
		"""The list's SLA column: Overdue once a clock is breached, Due Soon once a running one is warned."""
		running = {clock for clock, _due in self.running_clocks()}
		self.sla_status = inbox_rules.sla_state(
			self.status,
			any(self.get(flag) for flag in clocks.BREACH_FLAGS.values()),
			any(self.get(clocks.WARNED_FLAGS[clock]) for clock in running),
		)

	def set_next_due(self):
		"""The list's Next Due column: the deadline of the earliest running clock."""
		running = self.running_clocks()
		self.next_due = running[0][1] if running else None

	def running_clocks(self) -> list[tuple]:
		"""(clock, due) of the clocks running now, earliest first."""
		return inbox_rules.running_clocks(
			self.status,
			{
				clock: get_datetime(self.get(f)) if self.get(f) else None
				for clock, f in rules.DUE_FIELDS.items()
			},
			{clock: bool(self.get(rules.STOP_FIELDS[clock])) for clock in rules.CLOCKS},
		)

	def breached_clocks(self) -> list[str]:
		return [
			clock
			for clock, flag in clocks.BREACH_FLAGS.items()
			if self.get(flag) and self.get(rules.DUE_FIELDS[clock])
		]
