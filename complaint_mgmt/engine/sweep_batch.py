"""One transaction of the deadline sweep: a batch of due complaints claimed, handled and committed together.

Claimed with one ``SELECT ... FOR UPDATE SKIP LOCKED`` over the batch's names: the rows another sweep holds
are skipped (it handles them), so several workers on any host split the due complaints; every claimed row is
re-checked under its lock (a concurrent sweep may have handled it just before). The rows and the child tables
the sweep uses are loaded with one query each for the whole batch.

Each complaint is handled under its own savepoint: a failure rolls back only that complaint (logged with
``frappe.log_error``; the sweep goes on, the complaint stays due). The notices and notifications of the batch
are written last, together (engine/notices.py), and the batch is committed once. When the batch as a whole
fails (a deadlock with a concurrent sweep rolls the whole transaction back, or writing the notices fails) it
is retried one complaint per transaction (``sweep_one``), each retried on a deadlock, so a failure is always
pinned on the complaint that caused it.
"""

from collections import Counter

import frappe
from frappe import _
from frappe.model.naming import set_new_name
from frappe.utils import cint, get_datetime, now_datetime

from complaint_mgmt.engine import notices
from complaint_mgmt.engine.state import clock_state
from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.procedure import clocks, rules, sweep_rules

BREACH_FLAGS, WARNED_FLAGS = clocks.BREACH_FLAGS, clocks.WARNED_FLAGS
# The only columns the sweep writes (see _record).
SWEEP_COLUMNS = (
	*BREACH_FLAGS.values(),
	*WARNED_FLAGS.values(),
	"repeat_periods_issued",
	*rules.DUE_FIELDS.values(),
	"next_check_at",
	"grade",
	"original_grade",
	"escalation_count",
	"sla_status",
)
# The child tables the sweep reads (pauses: the clocks) or appends to (escalations); the step log and the
# replies, the longest tables, stay unloaded (the sweep writes only SWEEP_COLUMNS and the escalation row).
SWEEP_CHILD_TABLES = {"pauses": "Complaint Pause", "escalations": "Complaint Escalation"}
DEADLOCK_ATTEMPTS = 3


def sweep(names: list[str], ctx) -> Counter:
	"""Handle the due complaints `names` in one transaction (committed); one per transaction if that fails."""
	if len(names) > 1:
		frappe.db.savepoint("complaint_sweep_batch")
		try:
			counts, issued = handle_batch(names, ctx)
		except frappe.QueryDeadlockError:
			_undo(None)  # the server rolled the whole transaction back already
		except Exception:
			# Undone; the complaints one by one find out which one failed, and do the others.
			_undo("complaint_sweep_batch")
		else:
			# A scheduled job's deliberate commit per batch: the batch's notices, flags and notifications become
			# durable together, so neither a crash nor a concurrent sweep can repeat or lose a breach.
			frappe.db.commit()  # deliberate, see above  # nosemgrep
			notices.announce(issued)
			return counts
	totals = Counter()
	for name in names:
		totals.update(sweep_one(name, ctx))
	return totals


def sweep_one(name: str, ctx) -> Counter:
	"""Handle one complaint in its own transaction; a failure is logged and undone, never stops the sweep. A
	deadlock with a concurrent sweep (both issuing notices: the naming series row) is retried."""
	issued = []
	for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
		frappe.db.savepoint("complaint_sweep_one")
		try:
			counts, issued = handle_batch([name], ctx)
			break
		except frappe.QueryDeadlockError:
			_undo(None)
			if attempt == DEADLOCK_ATTEMPTS:
				counts = failed(name)
		except Exception:
			_undo("complaint_sweep_one")
			counts = failed(name)
			break
	# A scheduled job's deliberate per-complaint commit (see sweep).
	frappe.db.commit()  # deliberate, see above  # nosemgrep
	notices.announce(issued)
	return counts


def _undo(savepoint: str | None) -> None:
	"""Roll back to `savepoint`; everything when there is none or the server has rolled the transaction back
	already (a deadlock)."""
	if savepoint:
		try:
			frappe.db.rollback(save_point=savepoint)
			return
		except Exception:
			pass  # the savepoint went with the transaction
	frappe.db.rollback()
	frappe.local.complaint_grades = None


def failed(name: str) -> Counter:
	frappe.log_error(
		title=_("Complaint deadline sweep failed for {0}").format(name),
		reference_doctype="Complaint",
		reference_name=name,
	)
	return Counter(errors=1)


def handle_batch(names: list[str], ctx) -> tuple[Counter, list]:
	"""Claim, handle and issue; the caller commits, then announces the notices issued (returned with the
	counts). Raises when the batch as a whole fails."""
	counts = Counter()
	pending, warnings = [], []  # the notices and warnings of the complaints handled so far
	for doc in claim(names, ctx.now):
		frappe.db.savepoint("complaint_sweep")
		try:
			done = handle(doc, ctx)
		except frappe.QueryDeadlockError:
			raise  # the transaction is gone: the caller retries
		except Exception:
			frappe.db.rollback(save_point="complaint_sweep")
			counts.update(failed(doc.name))
			continue
		counts.update(done.counts)
		pending.extend(done.notices)
		warnings.extend(done.warnings)
	counts.update(notices.issue(pending, warnings, ctx))
	# issued = named by the series (a breach that had its notice already keeps none)
	return counts, [notice for notice, _doc in pending if notice.name]


def claim(names: list[str], now) -> list:
	"""Lock the complaints `names` unless another transaction holds them (skipped: still due, the other sweep
	or the next one takes them) and load those still due, in the order of `names`, with the child tables the
	sweep needs."""
	complaint = frappe.qb.DocType("Complaint")
	query = frappe.qb.from_(complaint).select("*").where(complaint.name.isin(names))
	rows = {row.name: row for row in query.for_update(skip_locked=True).run(as_dict=True)}
	# handled meanwhile by a concurrent sweep, or changed by a user: not due any more
	due = [
		n for n in names if n in rows and rows[n].next_check_at and get_datetime(rows[n].next_check_at) <= now
	]
	if not due:
		return []
	children = {name: {field: [] for field in SWEEP_CHILD_TABLES} for name in due}
	for field, doctype in SWEEP_CHILD_TABLES.items():
		for row in frappe.get_all(
			doctype,
			filters={"parent": ("in", due), "parenttype": "Complaint", "parentfield": field},
			fields=["*"],
			order_by="parent asc, idx asc",
		):
			children[row.parent][field].append(row)
	docs = []
	for name in due:
		doc = frappe.get_doc({**rows[name], "doctype": "Complaint", **children[name]})
		doc.flags.sweep_loaded = {column: rows[name][column] for column in SWEEP_COLUMNS}  # see _record
		docs.append(doc)
	return docs


class Handled:
	"""What handling one complaint produced: its counts and what is written with the batch."""

	def __init__(self):
		self.counts = Counter(complaints=1)
		self.notices: list[tuple] = []  # (notice, complaint)
		self.warnings: list[tuple] = []  # (users, subject, doctype, name)


def handle(doc, ctx) -> Handled:
	events = sweep_rules.due_events(clock_state(doc), ctx.settings, ctx.now)
	# the state before the sweep, kept only when a close breach may escalate (for the Version of the change)
	before = frappe.get_doc(doc.as_dict()) if any(_escalates(e) for e in events) else None
	done = Handled()
	escalation = None
	for event in events:
		if event.kind == sweep_rules.WARNING:
			doc.set(WARNED_FLAGS[event.clock], 1)
			if not event.superseded:
				users = notices.warning_recipients(doc, event, ctx)
				done.warnings.append((users, notices.warning_subject(doc, event), doc.doctype, doc.name))
				done.counts["warnings"] += 1
			continue
		done.counts["breaches"] += 1
		if event.kind == sweep_rules.BREACH:
			# The flag first: the deadlines below then keep this clock's due as it is (breached deadlines
			# never move, whatever the escalation below does to the grade).
			doc.set(BREACH_FLAGS[event.clock], 1)
			if _escalates(event):
				escalation = _escalate(doc, event, ctx)
				done.counts["escalations"] += int(escalation is not None)
		else:
			doc.repeat_periods_issued = max(cint(doc.repeat_periods_issued), event.period)
		row = escalation if _escalates(event) else None
		done.notices.append((notices.build_notice(doc, event, ctx, row), doc))
	_record(doc, before, escalation)
	return done


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
	# Only the columns that changed (a breach: its flag, the next check, the SLA column): the others hold what
	# was read under this lock, and building the statement is a good part of the update's cost.
	loaded = doc.flags.sweep_loaded or {}
	complaint = frappe.qb.DocType("Complaint")
	query = frappe.qb.update(complaint).where(complaint.name == doc.name)
	for column in (*SWEEP_COLUMNS, "modified", "modified_by"):
		if column not in loaded or _plain(column, loaded[column]) != _plain(column, doc.get(column)):
			query = query.set(complaint[column], doc.get(column))
	query.run()
	if escalation is not None:
		_insert_row(escalation, doc)
		# The Version a save records (the grade change and the new log row), by Frappe's own path: its
		# before_insert hook masks contact data (security/privacy.py); ~1/6 of an escalating breach's time.
		doc._doc_before_save = before
		doc.save_version()
	inbox.refresh_priority(doc)  # a breach makes the open ToDo High
	doc.clear_cache()
	doc.notify_update()


def _insert_row(row, doc) -> None:
	"""Insert a new row written along with the sweep's change of `doc`, stamped like that change."""
	set_new_name(row)
	row.update(
		{
			"owner": doc.modified_by,
			"creation": doc.modified,
			"modified": doc.modified,
			"modified_by": doc.modified_by,
		}
	)
	row.db_insert()


DATETIME_COLUMNS = frozenset((*rules.DUE_FIELDS.values(), "next_check_at"))


def _plain(column: str, value):
	"""A column's value as loaded or as set by the controller, comparable (datetimes may come as strings)."""
	if value in (None, ""):
		return None
	return get_datetime(value) if column in DATETIME_COLUMNS else value


def _escalate(doc, event: sweep_rules.Event, ctx):
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
