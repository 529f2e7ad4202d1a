"""The daily job of the corrective-action reviews (issue 18 §3): opens a review ``effectiveness_review_days``
after each approved closure with a corrective action (not imported history), with what the system found, and
flags the overdue ones to the Complaint Manager, once.

Selects by state, so a rerun does nothing: a closure gets a review only while it has none (the review's
``complaint`` is unique), an overdue review is flagged only while ``overdue_flagged`` is 0. Each complaint and
each review is handled in its own savepoint and committed alone; a failure is logged (Error Log) and the job goes
on. Cron entry ``schedule_reviews`` (daily) enqueues ``run_reviews`` on the long queue, deduplicated.
"""

from datetime import date, datetime, time
from functools import partial

import frappe
from frappe import _
from frappe.utils import cint, get_datetime, getdate, now_datetime
from frappe.utils.user import get_users_with_role

from complaint_mgmt.loop import adapters, inbox
from complaint_mgmt.loop.action_reviews import REVIEW, sync_inbox
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.procedure import action_reviews as rules

JOB_ID = "complaint_mgmt:action_reviews"
SAVEPOINT = "action_review"


def schedule_reviews() -> None:
	"""Cron entry (daily): run the job on the long queue, never two queued at once."""
	frappe.enqueue(
		"complaint_mgmt.engine.action_reviews.run_reviews",
		queue="long",
		job_id=JOB_ID,
		deduplicate=True,
		timeout=3600,
	)


def setting(field: str) -> int:
	"""A review setting of Complaint Settings, its default while unset (sites migrated before it existed)."""
	value = adapters.get_settings().get(field)
	return cint(value) if value not in (None, "") else rules.SETTING_DEFAULTS[field]


def run_reviews(now: datetime | str | None = None) -> dict:
	"""Open the reviews that are due and flag the overdue ones; returns {"opened", "flagged", "errors"}."""
	today = getdate(get_datetime(now) if now else now_datetime())
	totals = {"opened": 0, "flagged": 0, "errors": 0}
	for row in due_closures(today):
		if each(partial(open_review, row, today, now), "Complaint", row.name, totals):
			totals["opened"] += 1
	for name in overdue_reviews(today):
		if each(partial(flag_overdue, name, today), REVIEW, name, totals):
			totals["flagged"] += 1
	return totals


def each(work, doctype: str, name: str, totals: dict) -> bool:
	"""`work()` in a savepoint, committed; a failure undone alone, logged and counted."""
	frappe.db.savepoint(SAVEPOINT)
	try:
		work()
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		totals["errors"] += 1
		frappe.log_error(
			title=_("Corrective action review of {0} {1} failed").format(_(doctype), name),
			reference_doctype=doctype,
			reference_name=name,
		)
		return False
	# A background job's deliberate commit per row: each review (its ToDo, its notification) is durable
	# alone, and a later row's failure cannot undo it.
	frappe.db.commit()  # deliberate, see above  # nosemgrep
	return True


def due_closures(today: date) -> list:
	"""The closed complaints with a corrective action (not imported) whose review opens by `today`, within the
	catch-up window, that have no review yet."""
	first, end = rules.closure_window(today, setting("effectiveness_review_days"))
	c, r = frappe.qb.DocType("Complaint"), frappe.qb.DocType(REVIEW)
	return (
		frappe.qb.from_(c)
		.left_join(r)
		.on(r.complaint == c.name)
		.select(c.name, c.department, c.category, c.closed_on, c.root_cause, c.corrective_action)
		.where(
			(c.closed_on >= datetime.combine(first, time.min))
			& (c.closed_on < datetime.combine(end, time.min))
			& (c.status == "Closed")
			& (c.imported == 0)
			& c.corrective_action.isnotnull()
			& (c.corrective_action != "")
			& c.department.isnotnull()
			& r.name.isnull()
		)
		.orderby(c.closed_on)
		.run(as_dict=True)
	)


def found_since(row, now: datetime) -> list:
	"""The complaints of the same department and category received since the closure (up to `now`)."""
	c = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(c)
		.select(c.name, c.received_on, c.root_cause)
		.where(
			(c.department == row.department)
			& (c.received_on >= row.closed_on)
			& (c.received_on <= now)
			& (c.name != row.name)
		)
		.orderby(c.received_on)
	)
	query = query.where(c.category == row.category) if row.category else query.where(c.category.isnull())
	return query.run(as_dict=True)


def open_review(row, today: date, now) -> str:
	"""The review of one closure, with what the system found, and its reviewer's ToDo."""
	found = found_since(row, get_datetime(now) if now else now_datetime())
	scored = rules.recurrences(row.root_cause, [(f.name, f.root_cause) for f in found])
	opened = max(today, rules.opens_on(getdate(row.closed_on), setting("effectiveness_review_days")))
	doc = frappe.get_doc(
		{
			"doctype": REVIEW,
			"complaint": row.name,
			"department": row.department,
			"category": row.category,
			"closed_on": row.closed_on,
			"root_cause": row.root_cause,
			"corrective_action": row.corrective_action,
			"status": rules.OPEN,
			"opened_on": opened,
			"due_on": rules.due_on(opened, setting("effectiveness_review_allowed_days")),
			"recurrences": len(scored),
			"similar_root_causes": sum(1 for s in scored if s.similar),
			"recurrence_rows": [
				{
					"complaint": s.complaint,
					"received_on": f.received_on,
					"root_cause": f.root_cause,
					"similarity": s.similarity,
					"similar_root_cause": int(s.similar),
				}
				for s, f in list(zip(scored, found, strict=True))[: rules.LISTED_RECURRENCES]
			],
		}
	)
	doc.flags.procedure_action = True
	doc.insert(ignore_permissions=True)  # the scheduler opens reviews; nobody has create on them
	sync_inbox(doc, today)
	return doc.name


def overdue_reviews(today: date) -> list[str]:
	r = frappe.qb.DocType(REVIEW)
	return (
		frappe.qb.from_(r)
		.select(r.name)
		.where((r.status == rules.OPEN) & (r.overdue_flagged == 0) & (r.due_on < today))
		.orderby(r.due_on)
		.run(pluck=True)
	)


def flag_overdue(name: str, today: date) -> None:
	"""Tell the Complaint Managers once; the reviewer's ToDo becomes High."""
	doc = frappe.get_doc(REVIEW, name)
	doc.db_set("overdue_flagged", 1, update_modified=False)
	notify(
		inbox.enabled(get_users_with_role(rules.MANAGER_ROLE)),
		_("Corrective action review {0} of complaint {1} ({2}) is overdue since {3}.").format(
			doc.name, doc.complaint, doc.department, doc.due_on
		),
		REVIEW,
		doc.name,
	)
	sync_inbox(doc, today)
