"""Recomputing the stored deadlines and next checks of open complaints after their inputs changed.

Each open complaint stores its ``*_due`` deadlines and ``next_check_at``, computed on save from the grade's
hours and Complaint Settings (warning percent, business hours, return visit). When an administrator changes
one of those (``sweep_rules.DEADLINE_SETTINGS`` / ``DEADLINE_GRADE_FIELDS``), the controllers' on_update calls
``on_settings_update`` / ``on_grade_update``, which enqueue ``recompute_open_deadlines`` on the long queue
(after the change is committed). The job recomputes every open complaint (of the changed grade) with the
controller's own methods, as a save would: breached deadlines stay frozen, the others move.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import sweep_rules
from complaint_mgmt.procedure.rules import DUE_FIELDS
from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES

JOB_ID = "complaint_mgmt:recompute_deadlines"
BATCH_SIZE = 200
COLUMNS = (*DUE_FIELDS.values(), "next_check_at")
CHILD_COLUMNS = {
	"working_windows": (("weekday", str), ("start_time", get_time), ("end_time", get_time)),
	"holidays": (("holiday_date", getdate),),
	"channel_targets": (("channel", str), ("response_hours", float)),
}
MAX_ROUNDS = 3


def _snapshot(doc, fields) -> dict:
	"""The plain values of `fields` (table rows as tuples of their deadline columns)."""
	out = {}
	for field in fields:
		value = doc.get(field)
		if field in CHILD_COLUMNS:
			value = [
				tuple(str(cast(row.get(c))) if row.get(c) else "" for c, cast in CHILD_COLUMNS[field])
				for row in value or []
			]
		out[field] = value
	return out


def _changed(doc, fields) -> bool:
	before = doc.get_doc_before_save()
	return sweep_rules.deadline_inputs_changed(
		_snapshot(before, fields) if before else None, _snapshot(doc, fields), fields
	)


def on_settings_update(doc) -> None:
	"""Complaint Settings on_update: recompute every open complaint when a deadline input changed."""
	if _changed(doc, sweep_rules.DEADLINE_SETTINGS):
		enqueue_recompute()


def on_grade_update(doc) -> None:
	"""Complaint Grade on_update: recompute the open complaints of this grade when its hours changed."""
	if _changed(doc, sweep_rules.DEADLINE_GRADE_FIELDS):
		enqueue_recompute(grade=doc.name)


def enqueue_recompute(grade: str | None = None) -> None:
	frappe.enqueue(
		"complaint_mgmt.engine.recompute.recompute_open_deadlines",
		queue="long",
		timeout=7200,
		enqueue_after_commit=True,  # the job must read the committed change
		grade=grade,
	)


def _inputs() -> tuple:
	"""Everything the deadlines are computed from, read fresh from the database (not from a cache)."""
	frappe.clear_document_cache("Complaint Settings", "Complaint Settings")
	adapters.clear_grade_cache()
	settings = _snapshot(adapters.get_settings(), sweep_rules.DEADLINE_SETTINGS)
	grades = {
		name: (grade.is_irrational, grade.transfer_hours, grade.first_reply_hours, grade.close_hours)
		for name, grade in adapters.all_grades().items()
	}
	return repr(sorted(settings.items())), repr(sorted(grades.items()))


def recompute_open_deadlines(grade: str | None = None, batch_size: int = BATCH_SIZE) -> dict:
	"""Recompute the deadlines and next checks of the open complaints (only those of `grade` if given).

	When the inputs change again while the job runs (a second change finds this job running and queues
	another one that may run alongside), the job starts over on every open complaint, at most MAX_ROUNDS
	times, so that the last values written come from the last inputs."""
	totals = {"complaints": 0, "changed": 0, "errors": 0}
	inputs = _inputs()
	for _round in range(MAX_ROUNDS):
		for key, value in _recompute_all(grade, batch_size).items():
			totals[key] += value
		latest = _inputs()
		if latest == inputs:
			break
		inputs, grade = latest, None
	return totals


def _recompute_all(grade: str | None, batch_size: int) -> dict:
	counts = {"complaints": 0, "changed": 0, "errors": 0}
	complaint = frappe.qb.DocType("Complaint")
	after = ""
	while True:
		query = (
			frappe.qb.from_(complaint)
			.select(complaint.name)
			.where(complaint.status.notin(TERMINAL_STATUSES))
			.where(complaint.name > after)
			.orderby(complaint.name)
			.limit(batch_size)
		)
		if grade:
			query = query.where(complaint.grade == grade)
		names = [row[0] for row in query.run()]
		_inputs()  # each batch with the current settings and grades
		for name in names:
			counts["complaints"] += 1
			changed = _recompute_one(name)
			if changed is None:
				counts["errors"] += 1
			elif changed:
				counts["changed"] += 1
		# A background job's deliberate commit per batch: the row locks taken below are held only this long,
		# and a crash loses at most one batch, which the next change's job recomputes.
		frappe.db.commit()  # deliberate, see above  # nosemgrep
		if len(names) < batch_size:
			return counts
		after = names[-1]


def _recompute_one(name: str) -> bool | None:
	"""Recompute one complaint under its row lock; True if a value changed, None on failure (logged)."""
	frappe.db.savepoint("complaint_recompute")
	try:
		doc = frappe.get_doc("Complaint", name, for_update=True)  # no sweep changes it meanwhile
		if doc.status in TERMINAL_STATUSES:
			return False
		stored = {column: doc.get(column) for column in COLUMNS}
		doc.set_deadlines()
		doc.set_next_check_at()
		if all(_same(stored[column], doc.get(column)) for column in COLUMNS):
			return False
		complaint = frappe.qb.DocType("Complaint")
		query = frappe.qb.update(complaint).where(complaint.name == name)
		for column in COLUMNS:
			query = query.set(complaint[column], doc.get(column))
		query.run()
		frappe.clear_document_cache("Complaint", name)
		return True
	except Exception:
		frappe.db.rollback(save_point="complaint_recompute")
		frappe.log_error(
			title=_("Recomputing the deadlines of complaint {0} failed").format(name),
			reference_doctype="Complaint",
			reference_name=name,
		)
		return None


def _same(a, b) -> bool:
	return (get_datetime(a) if a else None) == (get_datetime(b) if b else None)
