"""Week arithmetic of the weekly bulletin (pure rules)."""

import datetime

import pytest

from complaint_mgmt.procedure import calendar_hours, rules

D = datetime.date
T = datetime.datetime


@pytest.mark.parametrize(
	"day, starts_on, expected",
	[
		(D(2026, 1, 9), "Monday", D(2026, 1, 5)),  # a Friday
		(D(2026, 1, 5), "Monday", D(2026, 1, 5)),  # the Monday itself
		(D(2026, 1, 4), "Monday", D(2025, 12, 29)),  # a Sunday belongs to the week before
		(D(2026, 1, 4), "Sunday", D(2026, 1, 4)),
		(D(2026, 1, 9), "Saturday", D(2026, 1, 3)),
	],
)
def test_week_start_of(day, starts_on, expected):
	assert rules.week_start_of(day, starts_on) == expected


def test_bulletin_due_from_the_report_moment_for_the_previous_week():
	five_pm = datetime.time(17, 0)
	# Friday 2026-01-09, weeks Monday..Sunday: due from 17:00 for the week of Monday 2025-12-29.
	assert rules.bulletin_week_due(T(2026, 1, 9, 16, 59), "Friday", five_pm, "Monday") is None
	assert rules.bulletin_week_due(T(2026, 1, 9, 17, 0), "Friday", five_pm, "Monday") == D(2025, 12, 29)
	assert rules.bulletin_week_due(T(2026, 1, 11, 23, 0), "Friday", five_pm, "Monday") == D(2025, 12, 29)
	# Monday to Thursday of the next week: not yet due again.
	assert rules.bulletin_week_due(T(2026, 1, 12, 9, 0), "Friday", five_pm, "Monday") is None
	# Weeks starting on Sunday, report on Monday morning.
	assert rules.bulletin_week_due(T(2026, 1, 5, 8, 0), "Monday", datetime.time(8), "Sunday") == D(
		2025, 12, 28
	)


def test_unknown_weekday_is_a_rule_error():
	with pytest.raises(calendar_hours.RuleError):
		rules.week_start_of(D(2026, 1, 9), "Funday")
