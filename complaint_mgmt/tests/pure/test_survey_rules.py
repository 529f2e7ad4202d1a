"""Issue 19 §10: what a survey answer must hold and when its link counts (procedure/survey_rules.py)."""

from datetime import datetime, timedelta

import pytest

from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.survey_rules import answer_values, link_counts

NOW = datetime(2026, 12, 6, 10)


@pytest.mark.parametrize(
	"satisfied, score, comment, expected",
	[
		("1", "5", " Good ", (True, 5, "Good")),
		("0", "1", None, (False, 1, "")),
		(True, 3, "", (True, 3, "")),
		("false", " 2 ", "x", (False, 2, "x")),
	],
)
def test_a_complete_answer(satisfied, score, comment, expected):
	assert answer_values(satisfied, score, comment) == expected


@pytest.mark.parametrize(
	"satisfied, score, comment, message",
	[
		("yes", "5", "", "whether you are satisfied"),
		(None, "5", "", "whether you are satisfied"),
		("1", "0", "", "score from 1 to 5"),
		("1", "6", "", "score from 1 to 5"),
		("1", "", "", "score from 1 to 5"),
		("1", True, "", "score from 1 to 5"),
		("1", "4.5", "", "score from 1 to 5"),
		("1", "4", ["a"], "must be text"),
		("1", "4", "x" * 2001, "too long"),
	],
)
def test_an_incomplete_answer_is_refused(satisfied, score, comment, message):
	with pytest.raises(RuleError, match=message):
		answer_values(satisfied, score, comment)


def test_the_link_counts_only_unused_unexpired_and_for_its_close_request():
	later = NOW + timedelta(hours=1)
	assert link_counts(later, False, NOW, "Close Requested", 1, 1)
	assert not link_counts(later, True, NOW, "Close Requested", 1, 1)  # used
	assert not link_counts(NOW, False, NOW, "Close Requested", 1, 1)  # expired at that instant
	assert not link_counts(None, False, NOW, "Close Requested", 1, 1)
	assert not link_counts(later, False, NOW, "Return Visited", 1, 1)  # recorded by phone
	assert not link_counts(later, False, NOW, "Close Requested", 2, 1)  # a later close request
