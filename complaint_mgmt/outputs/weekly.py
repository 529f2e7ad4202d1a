"""Weekly outputs of the procedure (spec section 5).

- The penalty bulletin: `make_penalty_bulletin` gathers the week's submitted, uncancelled penalty notices per
  department into a draft Complaint Penalty Bulletin (one per week, named CPB-<week start>); the scheduler
  (`scheduled_bulletin`, a cron entry in hooks.py) makes it once the settings' report day and time have passed;
  the Complaint Bulletin Approver signs it by submitting; on submit it goes to the leaders and departments.
- The scheduled e-mail of the weekly (and monthly) reports is complaint_mgmt.weekly_mail; Auto Email Reports that
  earlier versions made for them are switched off (`sync_auto_email_reports`).
"""

import datetime

import frappe
from frappe import _
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, flt, get_datetime, get_time, getdate, now_datetime, today

from complaint_mgmt.loop import adapters
from complaint_mgmt.loop.notify import notify
from complaint_mgmt.outputs import appeal_outputs
from complaint_mgmt.outputs.weekly_mail import MONTHLY_REPORTS, REPORT_OWNER, WEEKLY_REPORTS
from complaint_mgmt.procedure import calendar_hours, rules

BULLETIN = "Complaint Penalty Bulletin"
BULLETIN_ROLES = ("Complaint Manager", "Complaint Bulletin Approver")


def previous_week_start(day: datetime.date | None = None) -> datetime.date:
	"""Start of the week before the one containing `day` (weeks start on the settings' week_starts_on)."""
	settings = adapters.get_settings()
	try:
		current = rules.week_start_of(getdate(day or today()), settings.week_starts_on or "Monday")
	except calendar_hours.RuleError as err:
		adapters.throw(err)
	return current - datetime.timedelta(days=7)


def make_penalty_bulletin(week_start: str | datetime.date | None = None) -> str:
	"""The draft bulletin of the week starting `week_start` (default: the previous week); idempotent per week.

	A live (draft or submitted) bulletin of that week is returned as it is; when only cancelled ones exist, a
	new one is made as an amendment of the latest.
	"""
	start = validate_week_start(week_start) if week_start else previous_week_start()
	validate_past_week(start)
	existing = live_bulletin(start)
	if existing:
		return existing
	end = start + datetime.timedelta(days=6)
	doc = frappe.new_doc(BULLETIN)
	doc.update(
		{
			"week_start": start,
			"week_end": end,
			"items": penalty_totals(start, end),
			"amended_from": frappe.db.get_value(
				BULLETIN, {"week_start": start, "docstatus": 2}, "name", order_by="creation desc"
			),
		}
	)
	try:
		# The scheduler (or `bench execute`) runs this as Administrator; the whitelisted `generate_bulletin`
		# checks the caller's create permission first.
		doc.insert(ignore_permissions=True)
	except frappe.DuplicateEntryError:
		# A concurrent run made it first (the name CPB-<week start> is the lock).
		return live_bulletin(start)
	return doc.name


def validate_week_start(week_start) -> datetime.date:
	start = getdate(week_start)  # throws a ValidationError for a string that is not a date
	starts_on = adapters.get_settings().week_starts_on or "Monday"
	if rules.week_start_of(start, starts_on) != start:
		frappe.throw(
			_(
				"{0} is not the first day of a week (weeks start on the day set in Complaint Settings)."
			).format(frappe.format(start, "Date")),
			title=_("Invalid week"),
		)
	return start


def validate_past_week(week_start) -> None:
	"""A bulletin is made for a week that has ended: the current week (settings' week boundaries, site time
	zone) and later ones are refused, since notices may still be issued in them."""
	start = getdate(week_start)
	current = previous_week_start() + datetime.timedelta(days=7)
	if start + datetime.timedelta(days=6) >= current:
		frappe.throw(
			_(
				"A penalty bulletin can only be made for a week that has ended: the week of {0} is the current or a future week."
			).format(frappe.format(start, "Date")),
			title=_("Week not over"),
		)


def live_bulletin(start: datetime.date) -> str | None:
	return frappe.db.get_value(BULLETIN, {"week_start": start, "docstatus": ("<", 2)}, "name")


def penalty_totals(start: datetime.date, end: datetime.date) -> list[dict]:
	"""Per department: the count and amount of the submitted notices issued in [start, end] (cancelled ones
	have docstatus 2 and drafts 0, so docstatus 1 is exactly "confirmed"), and of those under appeal now."""
	n = frappe.qb.DocType("Complaint Penalty Notice")
	rows = (
		frappe.qb.from_(n)
		.select(
			n.department,
			Count("*").as_("notice_count"),
			Sum(n.amount).as_("amount"),
			*appeal_outputs.under_appeal_terms(n),
		)
		.where(
			(n.docstatus == 1)
			& n.department.isnotnull()
			& (n.issued_on >= get_datetime(start))
			& (n.issued_on < get_datetime(add_days(end, 1)))
		)
		.groupby(n.department)
		.orderby(n.department)
		.run(as_dict=True)
	)
	return [
		{
			"department": r.department,
			"notice_count": int(r.notice_count),
			"amount": flt(r.amount, 2),
			"appeal_count": int(r.appeal_count or 0),
			"appeal_amount": flt(r.appeal_amount, 2),
		}
		for r in rows
	]


@frappe.whitelist(methods=["POST"])
def generate_bulletin(week_start: str | None = None) -> str:
	"""Desk action: make (or open) the bulletin of a week now, without waiting for the scheduler."""
	frappe.has_permission(BULLETIN, "create", throw=True)
	return make_penalty_bulletin(week_start or None)


def scheduled_bulletin(now: str | datetime.datetime | None = None) -> str | None:
	"""Cron job: once this week's report day and time (settings) have passed, make the previous week's
	bulletin if there is none yet. Returns the bulletin's name, None before the report moment."""
	settings = adapters.get_settings()
	try:
		week = rules.bulletin_week_due(
			get_datetime(now) if now else now_datetime(),
			settings.weekly_report_day or "Friday",
			get_time(settings.weekly_report_time or "17:00:00"),
			settings.week_starts_on or "Monday",
		)
	except calendar_hours.RuleError as err:
		adapters.throw(err)
	if week is None:
		return None
	return make_penalty_bulletin(week)


def on_bulletin_submit(doc) -> None:
	"""Send the signed bulletin to every department manager and the leaders (Notification Log; Frappe e-mails
	it to users whose notification settings ask for e-mail)."""
	managers = frappe.get_all("Complaint Department", filters={"manager": ("is", "set")}, pluck="manager")
	leaders = frappe.get_all(
		"Has Role", filters={"role": ("in", BULLETIN_ROLES), "parenttype": "User"}, pluck="parent"
	)
	subject = _("Penalty bulletin {0} to {1} signed: {2} notices, total {3}").format(
		frappe.format(doc.week_start, "Date"),
		frappe.format(doc.week_end, "Date"),
		sum(row.notice_count or 0 for row in doc.items),
		frappe.format(doc.total_amount, "Currency"),
	)
	lines = [
		_("{0}: {1} notices, {2}").format(
			row.department, row.notice_count, frappe.format(row.amount, "Currency")
		)
		for row in doc.items
	]
	notify([*managers, *leaders], subject, doc.doctype, doc.name, "<br>".join([subject, *lines]))


# Auto Email Reports of earlier versions ----------------------------------------------------------------------


def sync_auto_email_reports(doc=None, method=None) -> None:
	"""The report e-mails are sent by complaint_mgmt.outputs.weekly_mail (the configured previous week / calendar month,
	once per period). Earlier versions made one Auto Email Report per weekly report with Frappe's dynamic
	"Weekly" period (the rolling 7 days up to Frappe's daily run): those are switched off, so no report goes out
	twice or for the wrong days. Runs on install/migrate (seed) and whenever Complaint Settings is saved."""
	legacy = frappe.get_all(
		"Auto Email Report",
		filters={
			"report": ("in", (*WEEKLY_REPORTS, *MONTHLY_REPORTS)),
			"user": REPORT_OWNER,
			"enabled": 1,
			"dynamic_date_period": ("is", "set"),
		},
		pluck="name",
	)
	for name in legacy:
		frappe.db.set_value("Auto Email Report", name, "enabled", 0)
