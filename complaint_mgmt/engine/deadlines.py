"""The deadline sweep: breaches, escalation, penalty notices, monthly repeats and pre-breach warnings.

Every complaint stores ``next_check_at`` (indexed), the instant of its earliest pending clock event, computed
on each save by the pure ``complaint_mgmt.procedure.sweep_rules``. The sweep reads only the complaints whose
``next_check_at`` has come, in batches, so its cost follows the number of new events, not of open complaints.

Exactly once: the due complaints are handled a batch per transaction (engine/sweep_batch.py), each row locked
with ``SELECT ... FOR UPDATE SKIP LOCKED`` and re-checked after the lock is taken; a batch's notices, flags and
notifications are committed together. A second sweep running at the same time skips the rows the first holds
and takes the others; a sweep killed half-way loses only its uncommitted batch, which the next run handles.
The unique ``breach_key`` of the penalty notice makes a duplicate notice impossible even if all of this were
bypassed. Notices and notifications: engine/notices.py.
"""

import operator
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import frappe
from frappe.query_builder import Order
from frappe.utils import cint, flt, get_datetime, now_datetime
from frappe.utils.background_jobs import get_job

from complaint_mgmt.engine import notice_why, sweep_batch
from complaint_mgmt.engine.state import clock_state, sweep_settings
from complaint_mgmt.loop import adapters
from complaint_mgmt.ops.rq_workers import long_workers
from complaint_mgmt.procedure import clocks, rules, sweep_rules

# Kept importable from here (the controller, the recompute job, seeding and the benchmarks use these names).
__all__ = ("clock_state", "next_check_for", "run_sweep", "schedule_sweep", "sweep_job_id", "sweep_settings")
BREACH_FLAGS, WARNED_FLAGS, DUE_FIELDS = clocks.BREACH_FLAGS, clocks.WARNED_FLAGS, rules.DUE_FIELDS
SWEEP_COLUMNS, DEADLOCK_ATTEMPTS = sweep_batch.SWEEP_COLUMNS, sweep_batch.DEADLOCK_ATTEMPTS
BATCH_SIZE = 200  # due complaints read per query
# Complaints per transaction: one claim, a few loading queries, one series lock and one commit for all of them
# (see benchmarks/README_sweep.md for the measurements behind the number).
TRANSACTION_SIZE = 50
SWEEP_JOB_ID = "complaint_mgmt:deadline_sweep"
TOTALS = ("complaints", "breaches", "notices", "escalations", "warnings", "duplicates", "errors")


def next_check_for(doc) -> datetime | None:
	"""When the sweep must look at `doc` next (None: nothing pending). Called by the controller on save."""
	if not doc.received_on:
		return None
	return sweep_rules.next_check_at(clock_state(doc), sweep_settings())


def schedule_sweep() -> None:
	"""Cron entry (every 5 minutes): one indexed probe of the due complaints. Nothing due: no job. Up to one
	transaction's worth: one sweep job on the long queue. More: several cooperating sweep jobs (Complaint
	Settings' sweep_jobs, automatic: one per long-queue worker seen), which split the due rows between them with
	SKIP LOCKED (engine/sweep_batch.py) on whatever hosts their workers run. Each job has its own id (a slot) and
	is never queued twice: queued jobs count as enqueued, a started one does not and keeps its slot (its worker
	may have been killed mid-sweep: RQ shows its job started until it expires it; sweep_rules.sweep_job_slots)."""
	now = now_datetime()
	due = len(due_query(now, None, TRANSACTION_SIZE + 1).run())
	limit = 1
	if due > TRANSACTION_SIZE:
		setting = cint(frappe.db.get_single_value("Complaint Settings", "sweep_jobs"))
		# the workers are counted (a scan of the queue's Redis) only when the setting leaves it automatic
		limit = sweep_rules.sweep_job_limit(
			setting, long_workers() if sweep_rules.is_automatic(setting) else 0
		)
		if limit > 1:  # how many transactions' worth are due, counted up to what the jobs can take
			due = len(due_query(now, None, limit * TRANSACTION_SIZE).run())
	wanted = sweep_rules.sweep_job_count(due, TRANSACTION_SIZE, limit)
	if not wanted:
		return
	states = {slot: _job_state(slot) for slot in range(sweep_rules.sweep_job_slot_count(limit))}
	for slot in sweep_rules.sweep_job_slots(wanted, states):
		frappe.enqueue(
			"complaint_mgmt.engine.deadlines.run_sweep",
			queue="long",
			job_id=sweep_job_id(slot),
			deduplicate=True,
			timeout=3600,
			descending=sweep_rules.sweep_descending(slot),
		)


def sweep_job_id(slot: int) -> str:
	"""The RQ job id of the `slot`-th cooperating sweep job (the first keeps the id of the single job)."""
	return SWEEP_JOB_ID if slot == 0 else f"{SWEEP_JOB_ID}:{slot}"


def _job_state(slot: int) -> str | None:
	"""RQ's state of the `slot`-th sweep job (None: no such job)."""
	job = get_job(sweep_job_id(slot))
	return job.get_status() if job else None


@dataclass
class SweepContext:
	"""What every complaint of one sweep shares."""

	now: datetime
	settings: sweep_rules.SweepSettings
	multiplier: float
	service_center: str | None
	language: str = "en"  # the site's: the notices' stored explanation
	translate: object = None  # its ``_``, memoised for the sweep (notice_why.sweep_translator)
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
		language=notice_why.site_language(),
	)


def run_sweep(
	now: datetime | str | None = None,
	batch_size: int = BATCH_SIZE,
	transaction_size: int = TRANSACTION_SIZE,
	descending: bool = False,
) -> dict:
	"""Handle every clock event due by `now` (default: the current time); returns the counts. `descending`: walk
	the due rows from the latest to the earliest (every other cooperating job: two jobs start at opposite ends
	and meet, instead of both claiming the same rows first; sweep_rules.sweep_descending)."""
	now = get_datetime(now) if now else now_datetime()
	ctx = _context(now)
	totals = Counter({key: 0 for key in TOTALS})
	cursor: tuple[datetime, str] | None = None
	while True:
		rows = _due_batch(now, cursor, batch_size, descending)
		# End the read transaction so that each batch below starts a fresh one with its locks
		# (a scheduled job's deliberate commit; nothing has been written yet).
		frappe.db.commit()  # deliberate, see above  # nosemgrep
		for start in range(0, len(rows), transaction_size):
			chunk = rows[start : start + transaction_size]
			totals.update(sweep_batch.sweep([name for name, _at in chunk], ctx))
			name, check_at = chunk[-1]
			cursor = (check_at, name)
		if len(rows) < batch_size:
			break
	return dict(totals)


def _due_batch(
	now: datetime, cursor: tuple[datetime, str] | None, limit: int, descending: bool = False
) -> list[tuple[str, datetime]]:
	"""The next complaints whose next check has come, in (next_check_at, name) order after `cursor` (before it,
	in the reverse order, when `descending`)."""
	return [(name, get_datetime(at)) for name, at in due_query(now, cursor, limit, descending).run()]


def due_query(now: datetime, cursor: tuple[datetime, str] | None, limit: int, descending: bool = False):
	"""The query of ``_due_batch`` (the sweep benchmark narrows it to its own rows on a shared site)."""
	complaint = frappe.qb.DocType("Complaint")
	order = Order.desc if descending else Order.asc
	query = (
		frappe.qb.from_(complaint)
		.select(complaint.name, complaint.next_check_at)
		.where(complaint.next_check_at <= now)
		.orderby(complaint.next_check_at, order=order)
		.orderby(complaint.name, order=order)
		.limit(limit)
	)
	if cursor:
		at, name = cursor
		beyond = operator.lt if descending else operator.gt  # past the cursor in the walk's direction
		query = query.where(
			beyond(complaint.next_check_at, at)
			| ((complaint.next_check_at == at) & beyond(complaint.name, name))
		)
	return query


def _sweep_one(name: str, ctx: SweepContext) -> Counter:
	"""One complaint in its own transaction (benchmarks/load_benchmark.py sweeps its own rows with it)."""
	return sweep_batch.sweep_one(name, ctx)
