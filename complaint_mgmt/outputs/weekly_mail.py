"""Scheduled e-mail of the reports (issue 9, items 12 and 13): the weekly reports for the configured previous
week, the Monthly Complaint Analysis for the previous calendar month.

The app sends them itself rather than through Frappe's Auto Email Report scheduler, whose "Weekly" period is the
rolling 7 days up to the (daily, midnight) run and which ignores the report time and the week boundaries:

- `send_due_reports` (a cron entry in hooks.py, every 15 minutes) finds the due periods with the pure rules of
  report_periods.py (Weekly Report Day / Time / Week Starts On; Monthly Report Day / Time of Complaint
  Settings) and sends each report once per period to the settings' recipients;
- a report is rendered like Auto Email Report does (Frappe's report runner and its e-mail table template) and
  queued with frappe.sendmail (Email Queue), so failures and retries are Frappe's e-mail queue's;
- idempotent: the first day of the last period sent is kept in Complaint Settings (Weekly / Monthly Report
  Last Sent), read under a row lock and written in the same transaction as the queued e-mails; a rerun in the
  same week or month sends nothing. Without recipients nothing is sent (and nothing is marked sent).
"""

import datetime

import frappe
from frappe import _
from frappe.email.doctype.auto_email_report.auto_email_report import make_links, update_field_types
from frappe.utils import (
	format_time,
	get_datetime,
	get_link_to_form,
	get_time,
	get_url_to_report,
	getdate,
	global_date_format,
	now,
	now_datetime,
)

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import calendar_hours, report_periods

SETTINGS = "Complaint Settings"
WEEKLY_REPORTS = ("Weekly Complaint Summary", "Irrational Complaint Statistics", "Complaint Penalty Summary")
MONTHLY_REPORTS = ("Monthly Complaint Analysis",)
REPORT_OWNER = "Administrator"  # the reports run for the recipients (leaders): every department
TEMPLATE = "frappe/templates/emails/auto_email_report.html"
# kind -> (reports, recipients field, marker field)
MAILINGS = {
	"weekly": (WEEKLY_REPORTS, "weekly_report_recipients", "weekly_report_last_sent"),
	"monthly": (MONTHLY_REPORTS, "monthly_report_recipients", "monthly_report_last_sent"),
}


def send_due_reports(now: str | datetime.datetime | None = None) -> dict[str, tuple | None]:
	"""Cron job: queue the e-mails of every mailing whose period is due at `now` and not yet sent.

	Returns {kind: (first day, last day) sent, or None}; `now` replaces the clock (tests, replays).
	"""
	moment = get_datetime(now) if now else now_datetime()
	settings = frappe.get_cached_doc(SETTINGS)
	periods = due_periods(settings, moment)
	return {kind: send_period(kind, period) if period else None for kind, period in periods.items()}


def due_periods(settings, moment: datetime.datetime) -> dict[str, tuple | None]:
	try:
		return {
			"weekly": report_periods.weekly_period_due(
				moment,
				settings.weekly_report_day or "Friday",
				get_time(settings.weekly_report_time or "17:00:00"),
				settings.week_starts_on or "Monday",
			),
			"monthly": report_periods.monthly_period_due(
				moment,
				settings.get("monthly_report_day") or 1,
				get_time(settings.get("monthly_report_time") or "08:00:00"),
			),
		}
	except calendar_hours.RuleError as err:
		adapters.throw(err)


def send_period(kind: str, period: tuple[datetime.date, datetime.date]) -> tuple | None:
	"""Queue the mailing's reports for `period` unless it was sent already; mark it sent."""
	reports, recipients_field, marker = MAILINGS[kind]
	start, end = period
	# Lock the settings' rows: a concurrent run waits here and then finds the marker set.
	values = frappe.db.get_singles_dict(SETTINGS, for_update=True)
	last_sent = values.get(marker)
	if last_sent and getdate(last_sent) >= start:
		return None
	recipients = address_list(values.get(recipients_field))
	if not recipients:
		return None
	for report in reports:
		if frappe.db.exists("Report", report):
			send_report(report, start, end, recipients)
	frappe.db.set_single_value(SETTINGS, marker, start)  # also moves `modified`: a stale settings form cannot
	frappe.clear_document_cache(SETTINGS, SETTINGS)  # write an older marker back
	return start, end


def address_list(text: str | None) -> list[str]:
	"""E-mail addresses of a recipients field (one per line; commas accepted)."""
	return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


def send_report(report: str, start: datetime.date, end: datetime.date, recipients: list[str]) -> None:
	subject = _("{0}: {1} to {2}").format(_(report), frappe.format(start, "Date"), frappe.format(end, "Date"))
	frappe.sendmail(
		recipients=recipients,
		subject=subject,
		message=render_report(report, start, end, subject),
		reference_doctype="Report",
		reference_name=report,
	)


def render_report(report: str, start: datetime.date, end: datetime.date, title: str) -> str:
	"""The report's rows for [start, end] as the HTML table Auto Email Report e-mails."""
	doc = frappe.get_doc("Report", report)
	columns, data = doc.get_data(
		filters={"from_date": str(start), "to_date": str(end)},
		user=REPORT_OWNER,
		as_dict=True,
		ignore_prepared_report=True,
		are_default_filters=False,
	)
	columns.insert(0, frappe._dict(fieldname="idx", label="", width="30px"))
	for index, row in enumerate(data, 1):
		row["idx"] = index
	columns, data = make_links(columns, data)
	columns = update_field_types(columns)
	return frappe.render_template(
		TEMPLATE,
		{
			"title": title,
			"description": _("Sent by the complaint procedure for the period {0} to {1}.").format(
				frappe.format(start, "Date"), frappe.format(end, "Date")
			),
			"date_time": global_date_format(now()) + " " + format_time(now()),
			"columns": columns,
			"data": data,
			"report_url": get_url_to_report(report, "Script Report", doc.ref_doctype),
			"report_name": _(report),
			"edit_report_settings": get_link_to_form(SETTINGS, SETTINGS),
		},
	)
