"""The sweep's penalty notices and warnings: who is late, the notice of a breach or monthly repeat, and issuing
the notices of a batch of complaints together with everyone's notifications.

Issuing is the batch's last step on purpose: the notices' names come from the naming series row (``tabSeries``),
which every sweep worker must lock; reserving all of a batch's names with one locked update just before the
commit holds that lock for the shortest time (two workers mostly run side by side, not one after the other).
The notices are written with one multi-row insert after the controller's own rules
(``ComplaintPenaltyNotice.apply_rules``: amount, breach key, title); the unique ``breach_key`` still makes a
second notice for a breach impossible.

Not through ``Document.insert`` on purpose: insert's post-save work (Frappe's generic hooks, and whatever
automation a site administrator may set on penalty notices: Notification alerts, webhooks, server scripts,
assignment rules) cost ~0.7 ms a notice, measured, inside the series lock. That work runs instead right after
the batch's commit (``announce``), outside the lock, with the events an insert of a submitted document fires:
such automations see every notice of the sweep, once it is durable.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import cint, get_datetime

from complaint_mgmt.engine import notice_why
from complaint_mgmt.loop import adapters
from complaint_mgmt.loop.naming import reserve_names
from complaint_mgmt.loop.notify import NotificationBatch, insert_documents
from complaint_mgmt.procedure import clocks, rules, sweep_rules

NOTICE = "Complaint Penalty Notice"


def responsible(doc, clock: str, at: datetime, ctx) -> tuple[str | None, str | None]:
	"""(department, user) late for `clock` at `at`, per the procedure's table."""
	transferred = bool(doc.department and doc.transferred_on and get_datetime(doc.transferred_on) <= at)
	if rules.late_party(clock, transferred) == rules.DEPARTMENT and doc.department:
		return doc.department, doc.receiver or None
	return ctx.service_center, doc.specialist or None


def build_notice(doc, event: sweep_rules.Event, ctx, escalation=None):
	"""The submitted penalty notice of a breach or monthly repeat, checked and complete but not inserted yet
	(built at once: the grade and amounts of this moment), with how it was reached (`escalation`: the log row
	of this close breach's escalation, applied first)."""
	breach_type = sweep_rules.REPEAT if event.kind == sweep_rules.REPEAT else event.clock
	department, user = responsible(doc, event.clock, event.at, ctx)
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
			"doctype": NOTICE,
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
	notice_why.set_sweep_computation(notice, doc, event, ctx, escalation)
	# The controller's validate, with the customer's name of the locked complaint (no query per notice). Its
	# links come from the locked complaint, the settings or the grade table: nothing for link checks to find.
	notice.apply_rules(customer_name=doc.customer_name, customer_known=True)
	return notice


def warning_recipients(doc, event: sweep_rules.Event, ctx) -> list[str | None]:
	"""Whoever must act on the clock that has used up its warning share."""
	department, user = responsible(doc, event.clock, ctx.now, ctx)
	return [user or ctx.manager(department)]


def warning_subject(doc, event: sweep_rules.Event) -> str:
	due = doc.get(rules.DUE_FIELDS[event.clock])
	return _("Complaint {0}: the {1} deadline ends at {2}.").format(doc.name, _(event.clock), due)


def notice_recipients(notice, doc, ctx) -> list[str | None]:
	return [ctx.manager(notice.department), notice.responsible_user, doc.specialist]


def notice_subject(notice, doc) -> str:
	return _("Penalty notice {0}: complaint {1} missed its {2} deadline ({3}), amount {4}.").format(
		notice.name, doc.name, _(notice.breach_type), notice.due_on, notice.amount
	)


def issue(pending: list[tuple], warnings: list[tuple], ctx) -> dict[str, int]:
	"""Insert the notices of `pending` ((notice, complaint) pairs) and write every notification of the batch
	(`warnings`: (users, subject, doctype, name)); counts "notices" and "duplicates" (a breach that has its
	notice already: exactly once)."""
	existing = set()
	keys = [notice.breach_key for notice, _doc in pending]
	if keys:
		existing = set(frappe.get_all(NOTICE, filters={"breach_key": ("in", keys)}, pluck="breach_key"))
	new = [(notice, doc) for notice, doc in pending if notice.breach_key not in existing]
	batch = NotificationBatch()
	batch.resolve(
		[u for notice, doc in new for u in notice_recipients(notice, doc, ctx)]
		+ [u for users, *_rest in warnings for u in users]
	)
	for users, subject, doctype, name in warnings:
		batch.add(users, subject, doctype, name)
	# From here to the commit the naming series row stays locked: nothing but writes follow.
	for (notice, doc), name in zip(new, reserve_names(NOTICE, len(new)), strict=True):
		notice.name = name
		batch.add(notice_recipients(notice, doc, ctx), notice_subject(notice, doc), NOTICE, name)
	insert_documents([notice for notice, _doc in new])
	batch.flush()
	return {"notices": len(new), "duplicates": len(pending) - len(new)}


# what Document.insert runs after writing a submitted document (Frappe 15: insert, then run_post_save_methods)
INSERT_EVENTS = ("after_insert", "on_update", "on_submit", "on_change")


def announce(issued: list) -> None:
	"""After the commit: the events of an insert on each notice issued (controller methods, doc_events hooks,
	Notification alerts, webhooks, server scripts). A failing automation is logged and does not stop the sweep;
	what the events write is committed (a background job's deliberate commit)."""
	for notice in issued:
		frappe.db.savepoint("complaint_notice_events")
		try:
			for event in INSERT_EVENTS:
				notice.run_method(event)
		except Exception:
			frappe.db.rollback(save_point="complaint_notice_events")
			frappe.log_error(
				title=_("An automation on penalty notice {0} failed").format(notice.name),
				reference_doctype=NOTICE,
				reference_name=notice.name,
			)
	if issued:
		frappe.db.commit()  # deliberate: the events' writes of a scheduled job  # nosemgrep
