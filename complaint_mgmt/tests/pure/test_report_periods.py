"""Which period the scheduled report e-mails cover at a given instant (issue 9, items 12 and 13)."""

import datetime

import pytest

from complaint_mgmt.procedure import report_periods

D = datetime.date
T = datetime.datetime
FIVE_PM = datetime.time(17, 0)
EIGHT_AM = datetime.time(8, 0)


@pytest.mark.parametrize(
	"now, day, starts_on, expected",
	[
		# Friday 17:00, weeks Monday..Sunday: the week before the current one, never the rolling 7 days.
		(T(2026, 1, 9, 16, 59), "Friday", "Monday", None),
		(T(2026, 1, 9, 17, 0), "Friday", "Monday", (D(2025, 12, 29), D(2026, 1, 4))),
		(T(2026, 1, 11, 23, 59), "Friday", "Monday", (D(2025, 12, 29), D(2026, 1, 4))),  # Sunday: still due
		(T(2026, 1, 12, 0, 0), "Friday", "Monday", None),  # a new week: nothing before its Friday
		# Weeks Sunday..Saturday, sent on Monday: Monday 2026-01-12 is in the week of Sunday 01-11.
		(T(2026, 1, 12, 17, 0), "Monday", "Sunday", (D(2026, 1, 4), D(2026, 1, 10))),
		# Sent on the first day of the week: the week that has just ended.
		(T(2026, 1, 5, 17, 0), "Monday", "Monday", (D(2025, 12, 29), D(2026, 1, 4))),
		# Weeks Saturday..Friday, sent on Friday: the report day is the current week's last day.
		(T(2026, 1, 9, 17, 0), "Friday", "Saturday", (D(2025, 12, 27), D(2026, 1, 2))),
	],
)
def test_weekly_period(now, day, starts_on, expected):
	assert report_periods.weekly_period_due(now, day, FIVE_PM, starts_on) == expected


@pytest.mark.parametrize(
	"now, send_day, expected",
	[
		(T(2026, 3, 1, 7, 59), 1, None),
		(T(2026, 3, 1, 8, 0), 1, (D(2026, 2, 1), D(2026, 2, 28))),
		(T(2026, 3, 31, 23, 0), 1, (D(2026, 2, 1), D(2026, 2, 28))),
		(T(2026, 1, 2, 9, 0), 1, (D(2025, 12, 1), D(2025, 12, 31))),  # across the year
		(T(2026, 1, 4, 9, 0), 5, None),
		(T(2026, 1, 5, 9, 0), 5, (D(2025, 12, 1), D(2025, 12, 31))),
		(T(2024, 3, 1, 8, 0), 1, (D(2024, 2, 1), D(2024, 2, 29))),  # leap year
		(T(2026, 2, 28, 8, 0), 31, (D(2026, 1, 1), D(2026, 1, 31))),  # 31 = the last day of February
		(T(2026, 2, 27, 23, 0), 31, None),
	],
)
def test_monthly_period(now, send_day, expected):
	assert report_periods.monthly_period_due(now, send_day, EIGHT_AM) == expected
