"""The reports' pre-aggregated daily rows: kept exact, read by the script reports, checked against the raw data.

A year of a million complaints is too many rows to aggregate per request, whatever the index. So every
complaint whose figures can no longer change with time (``procedure.report_stats.settled``: closed or deferred,
nothing pending, every clock's verdict final) is *counted* once into three small tables, by day and department:
Complaint Daily Stat (the measures), Complaint Daily Count (category and grade mixes) and Complaint Daily Root
Cause. A report then reads those rows for its period plus the complaints not counted yet (``stats_counted = 0``:
the running ones and the freshly closed ones, a small slice, read as before through the covering indexes).

Exactness:
- counting (``count_settled``, a job on the long queue) locks each complaint (``SKIP LOCKED``), adds its
  contribution and sets its flag in one transaction: a complaint is in the rows or read raw, never both;
- any later save of a counted complaint that changes its contribution (``on_complaint_update``) takes it out
  again in the same transaction, and so does deleting it; the flag is read under the save's own row lock, so a
  concurrent count can neither be lost nor doubled;
- ``mismatches`` runs the reports with and without the rows and compares every figure (the benchmark's and the
  site tests' exactness check).
"""

import hashlib
import json
from contextlib import contextmanager
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime
from pypika.terms import Values

from complaint_mgmt.procedure import report_stats as rules
from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES

TABLES = {
	rules.DAY: "Complaint Daily Stat",
	rules.COUNT: "Complaint Daily Count",
	rules.CAUSE: "Complaint Daily Root Cause",
}
# the key columns after (day, department), per kind of row
KEY_COLUMNS = {
	rules.DAY: (),
	rules.COUNT: ("dimension", "value", "is_external"),
	rules.CAUSE: ("category", "root_cause"),
}
# a root cause row also carries the digest of its text: the reports group by it (grouping the text itself would
# merge causes that differ only in case, by the database's collation)
CAUSE_KEY = "cause_key"
BATCH_SIZE = 500
JOB_ID = "complaint_mgmt:count_settled"


# -- the flag: reading the raw rows or the aggregated ones -----------------------------------------------


def use_rows() -> bool:
	"""False inside ``raw_reports()``: the reports then read every complaint (the exactness check)."""
	return not frappe.flags.complaint_reports_raw


@contextmanager
def raw_reports():
	"""Run the reports on the complaints alone, as if nothing were counted (for ``mismatches``)."""
	frappe.flags.complaint_reports_raw = True
	try:
		yield
	finally:
		frappe.flags.complaint_reports_raw = False


def uncounted(c):
	"""SQL condition for a report's raw part: the complaints not in the daily rows (all of them in raw mode;
	written as a range over the flag so the covering indexes, which start with it, serve both)."""
	return c.stats_counted == 0 if use_rows() else c.stats_counted.isin([0, 1])


# -- writing the rows --------------------------------------------------------------------------------


def row_name(key: tuple) -> str:
	"""A row's name is a digest of its key: adding to a row is an upsert on the primary key."""
	parts = [part.isoformat() if isinstance(part, date) else part for part in key]
	return hashlib.sha1(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def apply(rows: rules.Rows) -> None:
	"""Add `rows` (a contribution, or a negated one) to the tables: one upsert per kind of row."""
	now, user = now_datetime(), frappe.session.user
	for kind, doctype in TABLES.items():
		keyed = {key: measures for key, measures in rows.items() if key[0] == kind}
		if not keyed:
			continue
		measures = rules.DAY_MEASURES if kind == rules.DAY else ("n",)
		columns = ("name", "creation", "modified", "owner", "modified_by", "day", "department")
		columns += KEY_COLUMNS[kind] + measures + ((CAUSE_KEY,) if kind == rules.CAUSE else ())
		table = frappe.qb.DocType(doctype)
		query = frappe.qb.into(table).columns(*columns)
		for key, values in keyed.items():
			extra = (row_name((key[-1],)),) if kind == rules.CAUSE else ()
			query = query.insert(
				(row_name(key), now, now, user, user, *key[1:], *(values.get(m, 0) for m in measures), *extra)
			)
		for measure in measures:
			query = query.on_duplicate_key_update(table[measure], table[measure] + Values(table[measure]))
		query.run()
		if any(value < 0 for values in keyed.values() for value in values.values()):
			_prune(table, kind, [row_name(key) for key in keyed])


def _prune(table, kind: str, names: list[str]) -> None:
	"""Delete the rows a subtraction left empty (no complaint received, no closure approved that day): the
	tables hold only days with something to report."""
	if kind == rules.DAY:
		empty = (table.received == 0) & (table.closed_first == 0) & (table.closed_second == 0)
	else:
		empty = table.n == 0
	frappe.qb.from_(table).delete().where(table.name.isin(names) & empty).run()


def _complaint_rows(names: list[str], lock: bool = False) -> list[dict]:
	if not names:
		return []
	c = frappe.qb.DocType("Complaint")
	query = frappe.qb.from_(c).select(c.name, c.stats_counted, *(c[f] for f in rules.FIELDS))
	query = query.where(c.name.isin(names))
	if lock:
		query = query.for_update(skip_locked=True)
	return [_typed(row) for row in query.run(as_dict=True)]


def _typed(row: dict) -> dict:
	"""Datetimes as datetimes (the pure rules compare them)."""
	for field in rules.FIELDS:
		if field.endswith(("_on", "_due", "_at")) and row.get(field) and not isinstance(row[field], datetime):
			row[field] = get_datetime(row[field])
	return row


# -- counting the settled complaints (the job) ---------------------------------------------------------


def schedule_count() -> None:
	"""Cron entry: count the newly settled complaints on the long queue, never two runs queued at once."""
	frappe.enqueue(
		"complaint_mgmt.outputs.report_stats.count_settled",
		queue="long",
		job_id=JOB_ID,
		deduplicate=True,
		timeout=3600,
	)


def count_settled(now: datetime | str | None = None, batch_size: int = BATCH_SIZE) -> dict:
	"""Count every settled complaint not counted yet; returns {"counted", "waiting", "errors"}. Selects by state,
	so a rerun finds nothing; several runs at once split the rows (SKIP LOCKED)."""
	now = get_datetime(now) if now else now_datetime()
	totals = {"counted": 0, "waiting": 0, "errors": 0}
	after = ""
	while True:
		names = _candidates(after, batch_size)
		if not names:
			return totals
		after = names[-1]
		try:
			counted, waiting = _count(names, now)
		except Exception:
			frappe.db.rollback()
			counted, waiting = _count_one_by_one(names, now, totals)
		totals["counted"] += counted
		totals["waiting"] += waiting
		# A background job's deliberate commit per batch: the flags and the rows they stand for become
		# durable together, and the row locks are held one batch long.
		frappe.db.commit()  # deliberate, see above  # nosemgrep


def rebuild() -> dict:
	"""Empty the daily rows and count every settled complaint again (an administrator's repair, `bench execute`).
	The reset commits first: until the complaints are counted again the reports read them raw, still exact."""
	for doctype in TABLES.values():
		frappe.db.delete(doctype)
	c = frappe.qb.DocType("Complaint")
	frappe.qb.update(c).set(c.stats_counted, 0).where(c.stats_counted == 1).run()
	frappe.db.commit()  # deliberate: an administrator's batch job, see the docstring  # nosemgrep
	return count_settled()


def _candidates(after: str, limit: int) -> list[str]:
	"""The next closed or deferred complaints not counted, with nothing pending for the sweep (by name)."""
	c = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(c)
		.select(c.name)
		.where(
			(c.stats_counted == 0)
			& c.status.isin(TERMINAL_STATUSES)
			& c.next_check_at.isnull()
			& (c.name > after)
		)
		.orderby(c.name)
		.limit(limit)
	)
	return query.run(pluck=True)


def _count(names: list[str], now: datetime) -> tuple[int, int]:
	"""Count the settled ones among `names` (locked, skipping rows another transaction holds)."""
	rows = [row for row in _complaint_rows(names, lock=True) if not row["stats_counted"]]
	settled = [row for row in rows if rules.settled(row, now)]
	if settled:
		apply(rules.merge(*(rules.contribution(row, now) for row in settled)))
		_set_flag([row["name"] for row in settled], 1)
	return len(settled), len(rows) - len(settled)


def _count_one_by_one(names: list[str], now: datetime, totals: dict) -> tuple[int, int]:
	"""After a failed batch: each complaint alone, a failure logged and skipped (it stays raw, still exact)."""
	counted = waiting = 0
	for name in names:
		frappe.db.savepoint("complaint_stats")
		try:
			one, other = _count([name], now)
			counted, waiting = counted + one, waiting + other
		except Exception:
			frappe.db.rollback(save_point="complaint_stats")
			totals["errors"] += 1
			frappe.log_error(
				title=_("Counting complaint {0} into the report rows failed").format(name),
				reference_doctype="Complaint",
				reference_name=name,
			)
	return counted, waiting


def _set_flag(names: list[str], value: int) -> None:
	# The flag is bookkeeping, not a change of the complaint: no new `modified` (an open form stays saveable).
	c = frappe.qb.DocType("Complaint")
	frappe.qb.update(c).set(c.stats_counted, value).where(c.name.isin(names)).run()


# -- keeping them exact when a counted complaint changes -------------------------------------------------


def before_complaint_validate(doc, method=None) -> None:
	"""The flag as the database has it (read under the save's row lock by Frappe's check_if_latest), never
	what the client sent or what an older copy of the document held."""
	before = doc.get_doc_before_save()
	doc.stats_counted = int(bool(before and before.stats_counted))


def on_complaint_update(doc, method=None) -> None:
	"""A counted complaint whose contribution changed (or that is no longer settled) leaves the rows in the same
	transaction; the job counts it again once it is settled."""
	before = doc.get_doc_before_save()
	if not (doc.stats_counted and before):
		return
	now = now_datetime()
	old = rules.contribution(_values(before), now)
	new = _values(doc)
	if rules.settled(new, now) and rules.contribution(new, now) == old:
		return
	apply(rules.negate(old))
	_set_flag([doc.name], 0)
	doc.stats_counted = 0


def on_complaint_trash(doc, method=None) -> None:
	forget([doc.name])


def forget(names: list[str]) -> int:
	"""Take the counted ones among `names` out of the rows (before they are deleted); returns how many."""
	now, total = now_datetime(), 0
	for start in range(0, len(names), BATCH_SIZE):
		rows = [row for row in _complaint_rows(names[start : start + BATCH_SIZE]) if row["stats_counted"]]
		if rows:
			apply(rules.negate(rules.merge(*(rules.contribution(row, now) for row in rows))))
			_set_flag([row["name"] for row in rows], 0)
			total += len(rows)
	return total


def _values(doc) -> dict:
	return _typed({field: doc.get(field) for field in rules.FIELDS})
