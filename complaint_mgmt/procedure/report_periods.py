"""When the scheduled report e-mails are due and which period they cover (pure: no Frappe import).

- Weekly: from the current week's report moment (the report day at the report time, in a week that starts on
  the settings' Week Starts On) the previous full week is due: the seven days before the current week's start.
  The same moment and week as the penalty bulletin (rules.bulletin_week_due).
- Monthly: from the send day of the current month (past the month's last day: its last day) at the report
  time, the previous calendar month is due.

A period is a (first day, last day) pair of dates, both included, as the reports' From Date / To Date filters.
"""

import calendar
import datetime

from complaint_mgmt.procedure import rules

Period = tuple[datetime.date, datetime.date]


def weekly_period_due(
	now: datetime.datetime, report_day: str, report_time: datetime.time, week_starts_on: str
) -> Period | None:
	"""The week whose reports are due at `now`, None before this week's report moment."""
	start = rules.bulletin_week_due(now, report_day, report_time, week_starts_on)
	if start is None:
		return None
	return start, start + datetime.timedelta(days=6)


def monthly_period_due(now: datetime.datetime, send_day: int, report_time: datetime.time) -> Period | None:
	"""The previous calendar month once this month's send day and time have passed, else None.

	`send_day` 1..31; a day past the end of a short month means its last day (31 sends on 28/29 February).
	"""
	last_day = calendar.monthrange(now.year, now.month)[1]
	day = min(max(int(send_day or 1), 1), last_day)
	if now < datetime.datetime.combine(datetime.date(now.year, now.month, day), report_time):
		return None
	end = datetime.date(now.year, now.month, 1) - datetime.timedelta(days=1)
	return end.replace(day=1), end
