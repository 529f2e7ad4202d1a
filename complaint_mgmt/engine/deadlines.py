"""The deadline sweep: breaches, escalation, penalty notices, monthly repeats and pre-breach warnings.

Every complaint stores ``next_check_at`` (indexed), the instant of its earliest pending clock event, computed
on each save by the pure ``complaint_mgmt.procedure.sweep_rules``. The sweep reads only the complaints whose
``next_check_at`` has come, in batches, so its cost follows the number of new events, not of open complaints.

Exactly once: each complaint is handled in its own transaction under a row lock (``SELECT ... FOR UPDATE SKIP
LOCKED``) and re-checked after the lock is taken; its notices, flags and notifications are committed together. A
second sweep running at the same time skips the rows the first holds and takes the others; a sweep killed half-way loses
only its uncommitted complaint, which the next run handles. The unique ``breach_key`` of the penalty notice
makes a duplicate notice impossible even if all of this were bypassed.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import frappe
from frappe import _
from frappe.model.naming import set_new_name
from frappe.utils import cint, flt, get_datetime, now_datetime

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.procedure import clocks, rules, sweep_rules, transitions

BREACH_FLAGS, WARNED_FLAGS, DUE_FIELDS = clocks.BREACH_FLAGS, clocks.WARNED_FLAGS, rules.DUE_FIELDS
BATCH_SIZE = 200
SWEEP_JOB_ID = "complaint_mgmt:deadline_sweep"
# The only columns the sweep writes (see _record).
SWEEP_COLUMNS = (
	*BREACH_FLAGS.values(),
	*WARNED_FLAGS.values(),
	"repeat_periods_issued",
	*DUE_FIELDS.values(),
	"next_check_at",
	"grade",
	"original_grade",
	"escalation_count",
	"sla_status",
)
DEADLOCK_ATTEMPTS = 3
TOTALS = ("complaints", "breaches", "notices", "escalations", "warnings", "duplicates", "errors")


def _dt(value) -> datetime | None:
	return get_datetime(value) if value else None


def sweep_settings(settings=None) -> sweep_rules.SweepSettings:
	"""The settings that shape the sweep's events, from Complaint Settings."""
	settings = settings or adapters.get_settings()
	return sweep_rules.SweepSettings(
		warning_percent=flt(settings.warning_percent),
		repeat_period_days=flt(settings.repeat_period_days) or 30,
		penalize_return_visit=bool(cint(settings.penalize_return_visit)),
		calendar=adapters.get_calendar(settings),
	)


def clock_state(doc) -> sweep_rules.ClockState:
	"""The complaint's clocks as the pure sweep rules take them."""
	grade = adapters.get_grade(doc.grade) if doc.grade else None
	running = bool(
		doc.status not in transitions.STOPPED_STATUSES
		and not doc.irrational_stage
		and grade is not None
		and not grade.is_irrational
	)
	return sweep_rules.ClockState(
		deadlines=rules.Deadlines(**{f: _dt(doc.get(f)) for f in DUE_FIELDS.values()}),
		milestones=adapters.milestones(doc),
		breached=frozenset(c for c, f in BREACH_FLAGS.items() if doc.get(f)),
		warned=frozenset(c for c, f in WARNED_FLAGS.items() if doc.get(f)),
		repeats_issued=cint(doc.repeat_periods_issued),
		running=running,
		pauses=adapters.pauses(doc),
		deferral_requested_on=_dt(doc.deferral_requested_on),
		status=doc.status,
	)


def next_check_for(doc) -> datetime | None:
	"""When the sweep must look at `doc` next (None: nothing pending). Called by the controller on save."""
	if not doc.received_on:
		return None
	return sweep_rules.next_check_at(clock_state(doc), sweep_settings())


def schedule_sweep() -> None:
	"""Cron entry (every 5 minutes): run the sweep on the long queue, never two queued at once."""
	frappe.enqueue(
		"complaint_mgmt.engine.deadlines.run_sweep",
		queue="long",
		job_id=SWEEP_JOB_ID,
		deduplicate=True,
		timeout=3600,
	)


@dataclass
class SweepContext:
	"""What every complaint of one sweep shares."""

	now: datetime
	settings: sweep_rules.SweepSettings
	multiplier: float
	service_center: str | None
	managers: dict[str, str | None] = field(default_factory=dict)

	def manager(self, department: str | None) -> str | None:
		if not department:
			return None
		if department not in self.managers:
			self.managers[department] = frappe.db.get_value("Complaint Department", department, "manager")
		return self.managers[department]


def _context(now: datetime) -> SweepContext:
	adapters.clear_grade_cache()
	settings = adapters.get_settings()
	return SweepContext(
		now=now,
		settings=sweep_settings(settings),
		multiplier=flt(settings.monthly_multiplier) or 2,
		service_center=frappe.db.get_value("Complaint Department", {"is_service_center": 1}, "name"),
	)


def run_sweep(now: datetime | str | None = None, batch_size: int = BATCH_SIZE) -> dict:
	"""Handle every clock event due by `now` (default: the current time); returns the counts."""
	now = get_datetime(now) if now else now_datetime()
	ctx = _context(now)
	totals = Counter({key: 0 for key in TOTALS})
	cursor: tuple[datetime, str] | None = None
	while True:
		rows = _due_batch(now, cursor, batch_size)
		# End the read transaction so that each complaint below starts a fresh one with its lock
		# (a scheduled job's deliberate commit; nothing has been written yet).
		frappe.db.commit()  # deliberate, see above  # nosemgrep
		for name, check_at in rows:
			totals.update(_sweep_one(name, ctx))
			cursor = (check_at, name)
		if len(rows) < batch_size:
			break
	return dict(totals)


def _due_batch(now: datetime, cursor: tuple[datetime, str] | None, limit: int) -> list[tuple[str, datetime]]:
	"""The next complaints whose next check has come, in (next_check_at, name) order after `cursor`."""
	complaint = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(complaint)
		.select(complaint.name, complaint.next_check_at)
		.where(complaint.next_check_at <= now)
		.orderby(complaint.next_check_at)
		.orderby(complaint.name)
		.limit(limit)
	)
	if cursor:
		at, name = cursor
		query = query.where(
			(complaint.next_check_at > at) | ((complaint.next_check_at == at) & (complaint.name > name))
		)
	return [(name, get_datetime(at)) for name, at in query.run()]


def _sweep_one(name: str, ctx: SweepContext) -> Counter:
	"""Handle one complaint in its own transaction; a failure is logged and undone, never stops the sweep. A
	deadlock with a concurrent sweep (both issuing notices: the naming series row) is retried."""
	for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
		frappe.db.savepoint("complaint_sweep")
		try:
			counts = _handle(name, ctx)
			break
		except frappe.QueryDeadlockError:
			frappe.db.rollback()  # the server rolled the whole transaction back already
			frappe.local.complaint_grades = None
			if attempt == DEADLOCK_ATTEMPTS:
				counts = _failed(name)
		except Exception:
			try:
				frappe.db.rollback(save_point="complaint_sweep")
			except Exception:
				frappe.db.rollback()  # the server already rolled the whole transaction back
			counts = _failed(name)
			break
	# A scheduled job's deliberate per-row commit: one complaint's notices, flags and notifications become
	# durable together, so neither a crash nor a concurrent sweep can repeat or lose a breach.
	frappe.db.commit()  # deliberate, see above  # nosemgrep
	return counts


def _failed(name: str) -> Counter:
	frappe.log_error(
		title=_("Complaint deadline sweep failed for {0}").format(name),
		reference_doctype="Complaint",
		reference_name=name,
	)
	return Counter(errors=1)


def _claimed(name: str) -> bool:
	"""Lock the complaint's row unless another transaction holds it (``FOR UPDATE SKIP LOCKED``): several
	sweeps, on any host, split the due rows instead of queueing behind each other; a row skipped here is still
	due and the next sweep takes it."""
	complaint = frappe.qb.DocType("Complaint")
	query = frappe.qb.from_(complaint).select(complaint.name).where(complaint.name == name)
	return bool(query.for_update(skip_locked=True).run())


def _handle(name: str, ctx: SweepContext) -> Counter:
	if not _claimed(name):
		return Counter()  # another sweep is handling it right now
	doc = _load(name)
	if doc is None:
		return Counter()  # deleted meanwhile
	if not doc.next_check_at or get_datetime(doc.next_check_at) > ctx.now:
		return Counter()  # handled meanwhile by a concurrent sweep, or changed by a user
	events = sweep_rules.due_events(clock_state(doc), ctx.settings, ctx.now)
	# the state before the sweep, kept only when a close breach may escalate (for the Version of the change)
	before = frappe.get_doc(doc.as_dict()) if any(_escalates(e) for e in events) else None
	counts = Counter(complaints=1)
	escalation = None
	notices = []
	for event in events:
		if event.kind == sweep_rules.WARNING:
			doc.set(WARNED_FLAGS[event.clock], 1)
			if not event.superseded:
				_warn(doc, event, ctx)
				counts["warnings"] += 1
			continue
		counts["breaches"] += 1
		if event.kind == sweep_rules.BREACH:
			# The flag first: the deadlines below then keep this clock's due as it is (breached deadlines
			# never move, whatever the escalation below does to the grade).
			doc.set(BREACH_FLAGS[event.clock], 1)
			if _escalates(event):
				escalation = _escalate(doc, event, ctx)
				counts["escalations"] += int(escalation is not None)
		else:
			doc.repeat_periods_issued = max(cint(doc.repeat_periods_issued), event.period)
		notices.append(_notice(doc, event, ctx))  # built now: the grade and amounts of this moment
	_record(doc, before, escalation)
	# Inserted last: a notice takes the naming series' row lock until the commit, which every sweep worker
	# needs; taken last, it is held for the shortest time and concurrent workers wait least.
	for notice in notices:
		counts["notices" if _issue_notice(notice, doc, ctx) else "duplicates"] += 1
	return counts


# The child tables the sweep reads (pauses: the clocks) or appends to (escalations); the step log and the
# replies, the longest tables, stay unloaded (the sweep writes only SWEEP_COLUMNS and the escalation row).
SWEEP_CHILD_TABLES = {"pauses": "Complaint Pause", "escalations": "Complaint Escalation"}


def _load(name: str):
	"""The complaint with the row lock (ours already) and the child tables the sweep needs; None if gone."""
	row = frappe.db.get_value("Complaint", name, "*", as_dict=True, for_update=True)
	if not row:
		return None
	children = {
		field: frappe.get_all(
			doctype,
			filters={"parent": name, "parenttype": "Complaint", "parentfield": field},
			fields=["*"],
			order_by="idx asc",
		)
		for field, doctype in SWEEP_CHILD_TABLES.items()
	}
	return frappe.get_doc({**row, "doctype": "Complaint", **children})


def _escalates(event: sweep_rules.Event) -> bool:
	return event.kind == sweep_rules.BREACH and event.clock == "Close"


def _record(doc, before, escalation) -> None:
	"""Write what the sweep changed: the bookkeeping columns with one update, plus, for an escalation, its
	log row and a Version (the complaint's history of the grade change).

	Not a full save on purpose: the sweep changes only SWEEP_COLUMNS (under the row lock), and a save would
	re-run validations of fields the sweep does not touch (a receiver who has left the department would make
	the breach fail forever) and Frappe's per-save work (workflow actions, ~3/4 of the sweep's time). The
	deadlines and the next check are recomputed by the controller's own methods, exactly as a save does.
	"""
	doc.set_deadlines()
	doc.set_next_check_at()
	doc.set_sla_status()
	doc.modified = now_datetime()
	doc.modified_by = frappe.session.user
	complaint = frappe.qb.DocType("Complaint")
	query = frappe.qb.update(complaint).where(complaint.name == doc.name)
	for column in (*SWEEP_COLUMNS, "modified", "modified_by"):
		query = query.set(complaint[column], doc.get(column))
	query.run()
	if escalation is not None:
		set_new_name(escalation)
		escalation.update(
			{
				"owner": doc.modified_by,
				"creation": doc.modified,
				"modified": doc.modified,
				"modified_by": doc.modified_by,
			}
		)
		escalation.db_insert()
		doc._doc_before_save = before
		doc.save_version()
	inbox.refresh_priority(doc)  # a breach makes the open ToDo High
	doc.clear_cache()
	doc.notify_update()


def _escalate(doc, event: sweep_rules.Event, ctx: SweepContext):
	"""Close breach: one grade up (the log keeps from, to, when and why); returns the new log row, None at the
	top grade."""
	target = rules.escalation_target(adapters.get_grade(doc.grade))
	if not target:
		return None
	row = doc.append(
		"escalations",
		{
			"from_grade": doc.grade,
			"to_grade": target,
			"escalated_on": ctx.now,
			"reason": _("Closing deadline {0} missed").format(event.at),
		},
	)
	doc.original_grade = doc.original_grade or doc.grade
	doc.grade = target
	doc.escalation_count = cint(doc.escalation_count) + 1
	return row


def _responsible(doc, clock: str, at: datetime, ctx: SweepContext) -> tuple[str | None, str | None]:
	"""(department, user) late for `clock` at `at`, per the procedure's table."""
	transferred = bool(doc.department and doc.transferred_on and get_datetime(doc.transferred_on) <= at)
	if rules.late_party(clock, transferred) == rules.DEPARTMENT and doc.department:
		return doc.department, doc.receiver or None
	return ctx.service_center, doc.specialist or None


def _notice(doc, event: sweep_rules.Event, ctx: SweepContext):
	"""The submitted penalty notice of a breach or monthly repeat (not inserted yet)."""
	breach_type = sweep_rules.REPEAT if event.kind == sweep_rules.REPEAT else event.clock
	department, user = _responsible(doc, event.clock, event.at, ctx)
	if not department:
		frappe.throw(_("No service center department is set up to receive the penalty notice."))
	period = (
		event.period
		if event.kind == sweep_rules.REPEAT
		else clocks.breach_period(event.clock, cint(doc.transfer_round), cint(doc.close_request_cycle))
	)
	base, multiplier, _amount = rules.penalty(
		adapters.get_grade(doc.grade), breach_type, event.period, ctx.multiplier
	)
	notice = frappe.get_doc(
		{
			"doctype": "Complaint Penalty Notice",
			"complaint": doc.name,
			"department": department,
			"responsible_user": user,
			"breach_type": breach_type,
			"period": period,
			"grade": doc.grade,
			"base_amount": base,
			"multiplier": multiplier,
			"issued_on": ctx.now,
			"due_on": event.at,
			"docstatus": 1,  # notices are issued submitted
		}
	)
	# Every link comes from the locked complaint, the settings or the grade table, so Frappe's link checks
	# (one query per link) would only repeat what is already known.
	notice.flags.ignore_links = True
	return notice


def _issue_notice(notice, doc, ctx: SweepContext) -> str | None:
	"""Insert the submitted penalty notice and tell who must know; None when it exists already (exactly
	once)."""
	frappe.db.savepoint("complaint_notice")
	try:
		notice.insert(ignore_permissions=True)  # issued by the procedure itself, not by a user
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
		frappe.db.rollback(save_point="complaint_notice")
		frappe.clear_last_message()
		return None
	subject = _("Penalty notice {0}: complaint {1} missed its {2} deadline ({3}), amount {4}.").format(
		notice.name, doc.name, _(notice.breach_type), notice.due_on, notice.amount
	)
	notify(
		[ctx.manager(notice.department), notice.responsible_user, doc.specialist],
		subject,
		notice.doctype,
		notice.name,
	)
	return notice.name


def _warn(doc, event: sweep_rules.Event, ctx: SweepContext) -> None:
	"""Tell whoever must act that the clock has used up its warning share."""
	department, user = _responsible(doc, event.clock, ctx.now, ctx)
	due = doc.get(DUE_FIELDS[event.clock])
	subject = _("Complaint {0}: the {1} deadline ends at {2}.").format(doc.name, _(event.clock), due)
	notify([user or ctx.manager(department)], subject, doc.doctype, doc.name)
