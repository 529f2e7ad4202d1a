"""Records are kept two years (spec §6): nothing of a complaint is deleted before the retention period has passed
since its closure; an open complaint is kept."""

from datetime import datetime, timedelta

import pytest

from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.retention_rules import (
	DEFAULT_RETENTION_DAYS,
	check_deletable,
	deletable_from,
	validate_retention_days,
)

NOW = datetime(2026, 11, 23, 10, 0)


def test_default_is_two_years():
	assert DEFAULT_RETENTION_DAYS == 730


def test_open_complaint_is_never_deletable():
	assert deletable_from(None, 730) is None
	with pytest.raises(RuleError, match="is not closed"):
		check_deletable("CMP-1", None, 730, NOW)


@pytest.mark.parametrize("days_ago", [0, 100, 729])
def test_closed_within_the_period_is_kept(days_ago):
	with pytest.raises(RuleError, match="cannot be deleted before") as err:
		check_deletable("CMP-1", NOW - timedelta(days=days_ago), 730, NOW)
	assert err.value.values[2] == 730


@pytest.mark.parametrize("days_ago", [730, 731, 2000])
def test_closed_longer_ago_is_deletable(days_ago):
	check_deletable("CMP-1", NOW - timedelta(days=days_ago), 730, NOW)


def test_longer_retention_setting():
	with pytest.raises(RuleError):
		check_deletable("CMP-1", NOW - timedelta(days=800), 1000, NOW)


@pytest.mark.parametrize("days", [None, 0, 365, 729])
def test_retention_below_two_years_is_refused(days):
	with pytest.raises(RuleError, match="at least 730"):
		validate_retention_days(days)


def test_retention_of_two_years_or_more_is_valid():
	validate_retention_days(730)
	validate_retention_days(3650)
