"""The general manager's overview (issue 19 §6): weeks, the department table and the 12-week trend."""

import itertools
from datetime import date

from complaint_mgmt.procedure import gm_overview as gm

THIS_WEEK = date(2026, 3, 9)  # a Monday
LAST_WEEK = date(2026, 3, 2)


def test_twelve_weeks_end_with_this_one():
	weeks = gm.week_starts(THIS_WEEK)
	assert len(weeks) == 12 and weeks[-1] == THIS_WEEK and weeks[0] == date(2025, 12, 22)
	assert all((b - a).days == 7 for a, b in itertools.pairwise(weeks))


def test_a_day_belongs_to_the_week_that_holds_it():
	weeks = [LAST_WEEK, THIS_WEEK]
	assert gm.week_of(date(2026, 3, 8), weeks) == LAST_WEEK
	assert gm.week_of(date(2026, 3, 9), weeks) == THIS_WEEK
	assert gm.week_of(date(2026, 3, 15), weeks) == THIS_WEEK
	assert gm.week_of(date(2026, 3, 16), weeks) is None
	assert gm.week_of(date(2026, 3, 1), weeks) is None


def test_department_rows_split_this_week_from_last():
	rows = gm.department_rows(
		["Finance", "Sales"],
		{"Sales": 3, None: 4},
		[
			("Sales", date(2026, 3, 10), 2, 150.0),
			("Sales", date(2026, 3, 8), 1, 50.0),
			("Service", date(2026, 3, 2), 1, 100.0),
			("Sales", date(2026, 2, 20), 5, 999.0),  # before last week: trend only
			(None, date(2026, 3, 10), 1, 50.0),  # no department: not a department's figure
		],
		THIS_WEEK,
	)
	assert rows == [
		{"department": "Finance", "overdue_now": 0, "notices_this_week": 0, "amount_this_week": 0.0,
		 "notices_last_week": 0, "amount_last_week": 0.0},
		{"department": "Sales", "overdue_now": 3, "notices_this_week": 2, "amount_this_week": 150.0,
		 "notices_last_week": 1, "amount_last_week": 50.0},
		{"department": "Service", "overdue_now": 0, "notices_this_week": 0, "amount_this_week": 0.0,
		 "notices_last_week": 1, "amount_last_week": 100.0},
	]  # fmt: skip


def test_the_trend_has_every_clock_per_week():
	weeks = gm.week_starts(THIS_WEEK)
	result = gm.trend(
		weeks,
		[
			(date(2026, 3, 10), "Close", 2, 200.0),
			(date(2026, 3, 9), "Transfer", 1, 50.0),
			(date(2025, 12, 22), "Monthly Repeat", 1, 400.0),
			(date(2025, 12, 21), "Close", 9, 900.0),  # before the 12 weeks
		],
	)
	assert result["weeks"][0] == "2025-12-22" and result["weeks"][-1] == "2026-03-09"
	assert list(result["counts"]) == ["Transfer", "First Reply", "Close", "Monthly Repeat", "Return Visit"]
	assert result["counts"]["Close"][-1] == 2 and result["counts"]["Transfer"][-1] == 1
	assert result["counts"]["Monthly Repeat"][0] == 1 and sum(result["counts"]["Close"]) == 2
	assert (
		result["amounts"][-1] == 250.0 and result["amounts"][0] == 400.0 and sum(result["amounts"]) == 650.0
	)
