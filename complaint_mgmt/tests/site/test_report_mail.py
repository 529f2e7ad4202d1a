"""Issue 9, items 12 and 13: the report e-mails cover the configured previous week (Weekly Report Day / Time,
Week Starts On) and the previous calendar month (Monthly Report Day / Time), are queued through Frappe's e-mail
queue once per period (a rerun sends nothing), and the Auto Email Reports of earlier versions (rolling 7 days)
are switched off."""

import frappe
import pytest
from frappe.utils import getdate

from complaint_mgmt.outputs import weekly, weekly_mail
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.report_week import SALES, SERVICE

BOSS, FINANCE, GM = "boss@example.com", "finance@example.com", "gm@example.com"


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture
def outbox(people):
	"""An outgoing account (never connects: e-mails stay queued) and settings with a clean slate."""
	frappe.get_doc(
		{
			"doctype": "Email Account",
			"email_id": "reports@example.com",
			"email_account_name": "Complaint Reports Test",
			"enable_outgoing": 1,
			"default_outgoing": 1,
			"smtp_server": "localhost",
			"password": "unused",
		}
	).insert(ignore_permissions=True)  # test fixture
	set_settings(
		week_starts_on="Monday",
		weekly_report_day="Friday",
		weekly_report_time="17:00:00",
		weekly_report_recipients=f"{BOSS}\n{FINANCE}",
		monthly_report_recipients="",
		monthly_report_day=1,
		monthly_report_time="08:00:00",
	)
	for marker in ("weekly_report_last_sent", "monthly_report_last_sent"):
		frappe.db.set_single_value("Complaint Settings", marker, None)
	frappe.clear_document_cache("Complaint Settings")


def queued() -> list[str]:
	"""Reports of the queued e-mails, oldest first."""
	return frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Report"}, order_by="creation asc, name asc",
		pluck="reference_name",
	)  # fmt: skip


def recipients_of(report: str) -> set[str]:
	name = frappe.get_all(
		"Email Queue", filters={"reference_doctype": "Report", "reference_name": report}, pluck="name"
	)[0]
	return set(frappe.get_all("Email Queue Recipient", filters={"parent": name}, pluck="recipient"))


def test_weekly_mail_is_the_previous_configured_week_sent_once(outbox):
	before = len(queued())
	assert weekly_mail.send_due_reports("2019-03-15 16:59")["weekly"] is None  # Friday before 17:00
	assert len(queued()) == before
	sent = weekly_mail.send_due_reports("2019-03-15 17:00")
	assert sent["weekly"] == (
		getdate("2019-03-04"),
		getdate("2019-03-10"),
	)  # Monday..Sunday, not 03-08..03-15
	assert queued()[before:] == list(weekly.WEEKLY_REPORTS)
	assert recipients_of("Complaint Penalty Summary") == {BOSS, FINANCE}
	assert frappe.db.get_single_value("Complaint Settings", "weekly_report_last_sent") == getdate(
		"2019-03-04"
	)
	# Reruns in the same week send nothing.
	for moment in ("2019-03-15 17:15", "2019-03-16 09:00", "2019-03-17 23:59"):
		assert weekly_mail.send_due_reports(moment)["weekly"] is None
	assert len(queued()) == before + 3
	# The next week: nothing before its Friday 17:00, then that week once.
	assert weekly_mail.send_due_reports("2019-03-22 16:45")["weekly"] is None
	sent = weekly_mail.send_due_reports("2019-03-22 17:00")
	assert sent["weekly"] == (getdate("2019-03-11"), getdate("2019-03-17"))
	assert weekly_mail.send_due_reports("2019-03-22 17:15")["weekly"] is None
	assert len(queued()) == before + 6


def test_weekly_mail_follows_week_starts_on(outbox):
	set_settings(week_starts_on="Sunday", weekly_report_day="Monday", weekly_report_time="09:00:00")
	assert weekly_mail.send_due_reports("2019-03-11 08:59")["weekly"] is None
	# Monday 2019-03-11 lies in the week of Sunday 03-10: the previous week is Sunday 03-03 .. Saturday 03-09.
	sent = weekly_mail.send_due_reports("2019-03-11 09:00")
	assert sent["weekly"] == (getdate("2019-03-03"), getdate("2019-03-09"))


def test_the_mail_holds_the_reports_rows_for_the_period(outbox):
	report_week.build()
	html = weekly_mail.render_report(
		"Complaint Penalty Summary", getdate("2019-03-04"), getdate("2019-03-10"), "Penalties"
	)
	assert SALES in html and SERVICE in html and "200" in html
	empty = weekly_mail.render_report(
		"Complaint Penalty Summary", getdate("2019-03-18"), getdate("2019-03-24"), "Penalties"
	)
	assert SALES not in empty


def test_monthly_mail_is_the_previous_calendar_month_sent_once(outbox):
	set_settings(weekly_report_recipients="", monthly_report_recipients=GM)
	before = len(queued())
	assert weekly_mail.send_due_reports("2019-04-01 07:59")["monthly"] is None
	sent = weekly_mail.send_due_reports("2019-04-01 08:00")
	assert sent["monthly"] == (getdate("2019-03-01"), getdate("2019-03-31"))
	assert queued()[before:] == ["Monthly Complaint Analysis"]
	assert recipients_of("Monthly Complaint Analysis") == {GM}
	assert weekly_mail.send_due_reports("2019-04-01 08:15")["monthly"] is None
	assert weekly_mail.send_due_reports("2019-04-30 23:45")["monthly"] is None
	assert len(queued()) == before + 1
	set_settings(monthly_report_day=31)  # a short month sends on its last day
	assert weekly_mail.send_due_reports("2019-05-30 08:00")["monthly"] is None
	sent = weekly_mail.send_due_reports("2019-05-31 08:00")
	assert sent["monthly"] == (getdate("2019-04-01"), getdate("2019-04-30"))
	assert len(queued()) == before + 2


def test_nothing_is_sent_or_marked_without_recipients(outbox):
	set_settings(weekly_report_recipients="", monthly_report_recipients="")
	before = len(queued())
	assert weekly_mail.send_due_reports("2019-04-05 17:00") == {"weekly": None, "monthly": None}
	assert len(queued()) == before
	assert not frappe.db.get_singles_dict("Complaint Settings").get("weekly_report_last_sent")
	# Recipients set later in the same week: the week is sent then.
	set_settings(weekly_report_recipients=BOSS)
	assert weekly_mail.send_due_reports("2019-04-06 10:00")["weekly"] == (
		getdate("2019-03-25"),
		getdate("2019-03-31"),
	)


def test_auto_email_reports_of_earlier_versions_are_switched_off(outbox):
	legacy = frappe.get_doc(
		{
			"doctype": "Auto Email Report",
			"report": "Weekly Complaint Summary",
			"user": "Administrator",
			"enabled": 1,
			"email_to": BOSS,
			"frequency": "Weekly",
			"day_of_week": "Friday",
			"format": "HTML",
			"filters": "{}",
			"dynamic_date_period": "Weekly",
			"from_date_field": "from_date",
			"to_date_field": "to_date",
		}
	)
	legacy.flags.ignore_mandatory = True
	legacy.insert(ignore_permissions=True)  # test fixture: what the app made before
	set_settings(orders_per_week=10)  # any settings save
	assert frappe.db.get_value("Auto Email Report", legacy.name, "enabled") == 0


def test_cron_entry_runs_the_mail_job_every_quarter_hour():
	crons = frappe.get_hooks("scheduler_events")["cron"]
	assert "complaint_mgmt.outputs.weekly_mail.send_due_reports" in crons["*/15 * * * *"]
