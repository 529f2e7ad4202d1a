"""The rules of the corrective-action review (issue 18 §3): when a review opens and is overdue, the similar root
cause rule (Latin words and Chinese character bigrams), who may review and what a review must carry."""

from datetime import date, timedelta

import pytest

from complaint_mgmt.procedure import action_reviews as ar
from complaint_mgmt.procedure.calendar_hours import RuleError


def test_a_review_opens_review_days_after_the_closure_and_is_due_allowed_days_later():
	opened = ar.opens_on(date(2026, 1, 10), 90)
	assert opened == date(2026, 4, 10)
	assert ar.due_on(opened, 14) == date(2026, 4, 24)
	assert not ar.is_overdue(ar.OPEN, date(2026, 4, 24), date(2026, 4, 24))
	assert ar.is_overdue(ar.OPEN, date(2026, 4, 24), date(2026, 4, 25))
	assert not ar.is_overdue(ar.EFFECTIVE, date(2026, 4, 24), date(2026, 5, 25))


def test_the_closure_window_takes_the_closures_due_by_today_within_the_catch_up():
	first, end = ar.closure_window(date(2026, 4, 10), 90)
	assert end == date(2026, 1, 11)  # closed on 10 January: its review opens today
	assert first == date(2026, 1, 10) - timedelta(days=ar.CATCH_UP_DAYS)
	assert ar.opens_on(date(2026, 1, 11), 90) > date(2026, 4, 10)  # the next day's closure waits


def test_latin_tokens_drop_stop_words_case_punctuation_and_plurals():
	assert ar.tokens("The seals of the batch were NOT pressure-tested.") == {
		"seal",
		"batch",
		"pressure",
		"tested",
	}
	assert ar.tokens("") == frozenset() and ar.tokens(None) == frozenset()


def test_chinese_becomes_character_bigrams_without_function_characters():
	assert ar.tokens("密封圈的批次") == {"密封", "封圈", "批次"}
	assert ar.tokens("漏") == {"漏"}
	# full-width forms are normalised (NFKC)
	assert ar.tokens("ＳＥＡＬ") == {"seal"}


@pytest.mark.parametrize(
	"a, b",
	[
		(
			"Seal batch not pressure-tested at goods receipt",
			"The seal batch was not pressure tested at receipt",
		),
		("Wrong part shipped from the warehouse", "wrong parts shipped by warehouse"),
		("密封圈批次未在收货时做压力测试", "密封圈未做压力测试"),
		("Driver 未按规定路线送货", "driver未按规定路线送货导致延误"),
	],
)
def test_similar_root_causes(a, b):
	assert ar.is_similar(a, b), ar.similarity(a, b)


@pytest.mark.parametrize(
	"a, b",
	[
		("Seal batch not pressure-tested at goods receipt", "Courier damaged the box in transit"),
		("密封圈批次未做压力测试", "快递员运输途中损坏包装"),
		("Seal batch not pressure-tested", ""),
		(None, "anything"),
	],
)
def test_different_root_causes(a, b):
	assert not ar.is_similar(a, b), ar.similarity(a, b)


def test_similarity_is_symmetric_and_bounded():
	a, b = "wrong part shipped", "part shipped late"
	assert ar.similarity(a, b) == ar.similarity(b, a)
	assert ar.similarity(a, a) == 1.0
	assert 0 < ar.similarity(a, b) < 1


def test_recurrences_carry_each_complaints_score():
	rows = ar.recurrences("wrong part shipped", [("C1", "wrong part shipped again"), ("C2", None)])
	assert [(r.complaint, r.similar) for r in rows] == [("C1", True), ("C2", False)]
	assert rows[1].similarity == 0.0


def test_the_departments_manager_or_a_complaint_manager_reviews():
	ar.check_reviewer("m@x", frozenset({"Complaint Department Manager"}), "Sales", "m@x")
	ar.check_reviewer("cm@x", frozenset({"Complaint Manager"}), "Sales", "m@x")
	with pytest.raises(ar.NotPermitted, match="Only the manager of department Sales"):
		ar.check_reviewer("other@x", frozenset({"Complaint Department Manager"}), "Sales", "m@x")
	with pytest.raises(ar.NotPermitted):
		ar.check_reviewer("h@x", frozenset({"Complaint Handler"}), "Sales", None)


def test_effective_needs_a_note_and_no_new_action():
	assert ar.check_review(ar.OPEN, True, "  No repeat since.  ", None) == (
		ar.EFFECTIVE,
		"No repeat since.",
		"",
	)
	with pytest.raises(RuleError, match="Give a note"):
		ar.check_review(ar.OPEN, True, " ", None)
	with pytest.raises(RuleError, match="only when the corrective action was not effective"):
		ar.check_review(ar.OPEN, True, "fine", "Pressure-test every seal batch at goods receipt")


def test_not_effective_needs_a_concrete_new_action():
	action = "Pressure-test every seal batch at goods receipt from May on"
	assert ar.check_review(ar.OPEN, False, "Two repeats", action) == (ar.NOT_EFFECTIVE, "Two repeats", action)
	with pytest.raises(RuleError, match="needs a new corrective action"):
		ar.check_review(ar.OPEN, False, "Two repeats", "")
	for slogan in ("Strengthen staff training", "加强培训、加强检查"):
		with pytest.raises(RuleError, match="too vague"):
			ar.check_review(ar.OPEN, False, "Two repeats", slogan)


def test_a_recorded_review_is_not_recorded_again():
	with pytest.raises(RuleError, match="recorded already"):
		ar.check_review(ar.EFFECTIVE, True, "again", None)
