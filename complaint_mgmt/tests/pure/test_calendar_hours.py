"""Tests of the business-hours calendar (wall clock, windows, holidays, pauses)."""

from datetime import date, datetime, time, timedelta

import pytest

from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, RuleError, Window, parse_windows

# 2024-01-01 is a Monday.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2024, 1, d) for d in range(1, 8))
NEXT_MON, NEXT_TUE = date(2024, 1, 8), date(2024, 1, 9)


def at(day: date, hh: int, mm: int = 0, ss: int = 0) -> datetime:
	return datetime.combine(day, time(hh, mm, ss))


OFFICE = Calendar(
	parse_windows([(d, "08:30", "12:00") for d in range(5)] + [(d, "13:30", "17:30") for d in range(5)])
)  # 7.5 h a day, Monday to Friday
NIGHT = Calendar((Window(4, time(22), time(6)),))  # Friday 22:00 to Saturday 06:00


# --- RuleError ---------------------------------------------------------------------------------------------


def test_rule_error_keeps_template_and_values() -> None:
	err = RuleError("Grade {0} escalates to unknown grade {1}.", "General", "Huge")
	assert isinstance(err, ValueError)
	assert err.template == "Grade {0} escalates to unknown grade {1}."
	assert err.values == ("General", "Huge")
	assert err.message == "Grade General escalates to unknown grade Huge."
	assert str(err) == "Grade General escalates to unknown grade Huge."


# --- wall clock --------------------------------------------------------------------------------------------


def test_wall_clock_adds_plain_hours() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 4) == at(MON, 14)
	assert WALL_CLOCK.add_hours(at(MON, 10), 72) == at(THU, 10)


def test_wall_clock_half_hour_exact_to_the_second() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10, 0, 15), 0.5) == at(MON, 10, 30, 15)
	assert WALL_CLOCK.add_hours(at(MON, 10), 1 / 3600) == at(MON, 10, 0, 1)


def test_wall_clock_zero_hours_is_start() -> None:
	assert WALL_CLOCK.add_hours(at(SAT, 3, 7), 0) == at(SAT, 3, 7)


def test_negative_hours_rejected() -> None:
	with pytest.raises(RuleError):
		WALL_CLOCK.add_hours(at(MON, 10), -1)


def test_wall_clock_hours_between() -> None:
	assert WALL_CLOCK.hours_between(at(MON, 10), at(MON, 13, 30)) == 3.5
	assert WALL_CLOCK.hours_between(at(MON, 10), at(MON, 10)) == 0
	assert WALL_CLOCK.hours_between(at(MON, 10), at(MON, 9)) == 0


def test_holidays_ignored_without_windows() -> None:
	cal = Calendar((), frozenset({MON, TUE}))
	assert cal.add_hours(at(MON, 10), 24) == at(TUE, 10)


# --- business hours, several windows a day -----------------------------------------------------------------


def test_office_inside_one_window() -> None:
	assert OFFICE.add_hours(at(MON, 9), 2) == at(MON, 11)


def test_office_skips_lunch_break() -> None:
	assert OFFICE.add_hours(at(MON, 11), 2) == at(MON, 14, 30)


def test_office_deadline_exactly_on_day_end_stays_there() -> None:
	assert OFFICE.add_hours(at(MON, 9), 7) == at(MON, 17, 30)


def test_office_deadline_exactly_on_lunch_start() -> None:
	assert OFFICE.add_hours(at(MON, 8, 30), 3.5) == at(MON, 12)


def test_office_full_day_rolls_to_next_morning() -> None:
	assert OFFICE.add_hours(at(MON, 9), 7.5) == at(TUE, 9)


def test_office_start_on_weekend_begins_monday() -> None:
	assert OFFICE.add_hours(at(SAT, 10), 1) == at(NEXT_MON, 9, 30)


def test_office_start_at_window_end() -> None:
	assert OFFICE.add_hours(at(MON, 17, 30), 0.5) == at(TUE, 9)


def test_office_start_at_window_start() -> None:
	assert OFFICE.add_hours(at(MON, 8, 30), 0.5) == at(MON, 9)


def test_office_zero_hours_moves_to_next_counting_instant() -> None:
	assert OFFICE.add_hours(at(MON, 12, 30), 0) == at(MON, 13, 30)
	assert OFFICE.add_hours(at(MON, 10), 0) == at(MON, 10)


def test_office_friday_evening_to_monday() -> None:
	assert OFFICE.add_hours(at(FRI, 17), 1) == at(NEXT_MON, 9)


def test_office_multi_day() -> None:
	# 3 full days = 22.5 h, then 1.5 h on Thursday
	assert OFFICE.add_hours(at(MON, 8, 30), 24) == at(THU, 10)


def test_office_hours_between_across_days_and_weekend() -> None:
	assert OFFICE.hours_between(at(MON, 9), at(TUE, 10)) == 8.5
	assert OFFICE.hours_between(at(FRI, 16), at(NEXT_MON, 9)) == 2.0
	assert OFFICE.hours_between(at(SAT, 0), at(SUN, 23)) == 0


def test_overlapping_windows_are_not_counted_twice() -> None:
	cal = Calendar((Window(0, time(8), time(12)), Window(0, time(10), time(14))))
	assert cal.hours_between(at(MON, 0), at(TUE, 0)) == 6
	assert cal.add_hours(at(MON, 8), 6) == at(MON, 14)


def test_full_day_window_when_end_equals_start() -> None:
	cal = Calendar((Window(0, time(0), time(0)),))
	assert cal.hours_between(at(MON, 0), at(TUE, 0)) == 24
	assert cal.add_hours(at(MON, 10), 20) == at(NEXT_MON, 6)


# --- windows crossing midnight -----------------------------------------------------------------------------


def test_night_window_crosses_midnight() -> None:
	assert NIGHT.add_hours(at(FRI, 23), 2) == at(SAT, 1)


def test_night_window_deadline_on_window_end() -> None:
	assert NIGHT.add_hours(at(FRI, 21), 8) == at(SAT, 6)


def test_night_window_start_after_midnight_inside_previous_day_window() -> None:
	assert NIGHT.add_hours(at(SAT, 5), 0.5) == at(SAT, 5, 30)


def test_night_window_start_after_it_waits_a_week() -> None:
	assert NIGHT.add_hours(at(SAT, 7), 1) == at(date(2024, 1, 12), 23)


def test_night_window_hours_between() -> None:
	assert NIGHT.hours_between(at(MON, 0), at(NEXT_MON, 0)) == 8
	assert NIGHT.hours_between(at(FRI, 23), at(SAT, 2)) == 3


# --- holidays ----------------------------------------------------------------------------------------------


def test_holiday_block_spanning_weekend() -> None:
	cal = Calendar(OFFICE.windows, frozenset({FRI, SAT, SUN, NEXT_MON}))
	assert cal.add_hours(at(THU, 17), 1) == at(NEXT_TUE, 9)
	assert cal.hours_between(at(THU, 17), at(NEXT_TUE, 9)) == 1


def test_holiday_cuts_night_window_after_midnight() -> None:
	cal = Calendar(NIGHT.windows, frozenset({SAT}))
	assert cal.add_hours(at(FRI, 21), 3) == at(date(2024, 1, 12), 23)
	assert cal.hours_between(at(FRI, 0), at(SUN, 0)) == 2


def test_holiday_cuts_night_window_before_midnight() -> None:
	cal = Calendar(NIGHT.windows, frozenset({FRI}))
	assert cal.add_hours(at(FRI, 21), 3) == at(SAT, 3)


def test_no_working_time_within_three_years_raises() -> None:
	every_day = frozenset(date(2024, 1, 1) + timedelta(days=n) for n in range(5 * 366))
	cal = Calendar(OFFICE.windows, every_day)
	with pytest.raises(RuleError):
		cal.add_hours(at(MON, 9), 1)


def test_hours_between_on_all_holiday_calendar_is_zero() -> None:
	every_day = frozenset(date(2024, 1, 1) + timedelta(days=n) for n in range(5 * 366))
	cal = Calendar(OFFICE.windows, every_day)
	assert cal.hours_between(at(MON, 9), at(date(2028, 1, 1), 0)) == 0


def test_working_time_found_after_long_holiday() -> None:
	year = frozenset(date(2024, 1, 1) + timedelta(days=n) for n in range(366))
	cal = Calendar(OFFICE.windows, year)
	assert cal.add_hours(at(MON, 9), 1) == at(date(2025, 1, 1), 9, 30)  # 2025-01-01 is a Wednesday


# --- pauses ------------------------------------------------------------------------------------------------


def test_closed_pause_excluded_wall_clock() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 4, [(at(MON, 11), at(MON, 12))]) == at(MON, 15)
	assert WALL_CLOCK.hours_between(at(MON, 10), at(MON, 14), [(at(MON, 11), at(MON, 12))]) == 3


def test_open_pause_means_no_deadline_yet() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 4, [(at(MON, 11), None)]) is None
	assert WALL_CLOCK.hours_between(at(MON, 10), at(MON, 14), [(at(MON, 12), None)]) == 2


def test_open_pause_after_deadline_keeps_deadline() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 1, [(at(MON, 12), None)]) == at(MON, 11)


def test_pause_before_start_is_ignored() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 1, [(at(MON, 8), at(MON, 9))]) == at(MON, 11)


def test_start_inside_pause() -> None:
	assert WALL_CLOCK.add_hours(at(MON, 10), 1, [(at(MON, 9), at(MON, 11))]) == at(MON, 12)


def test_overlapping_pauses_merged() -> None:
	pauses = [(at(MON, 11, 30), at(MON, 13)), (at(MON, 11), at(MON, 12))]
	assert WALL_CLOCK.add_hours(at(MON, 10), 4) == at(MON, 14)
	assert WALL_CLOCK.add_hours(at(MON, 10), 4, pauses) == at(MON, 16)


def test_pause_in_business_hours() -> None:
	# 09:00-10:00 counts (1 h), pause 10:00-14:00, then 14:00 + 3 h
	assert OFFICE.add_hours(at(MON, 9), 4, [(at(MON, 10), at(MON, 14))]) == at(MON, 17)
	assert OFFICE.hours_between(at(MON, 9), at(MON, 17), [(at(MON, 10), at(MON, 14))]) == 4


def test_pause_spanning_several_windows() -> None:
	pauses = [(at(MON, 10), at(WED, 10))]
	assert OFFICE.add_hours(at(MON, 9), 2) == at(MON, 11)
	assert OFFICE.add_hours(at(MON, 9), 2, pauses) == at(WED, 11)


def test_open_pause_in_business_hours() -> None:
	assert OFFICE.add_hours(at(MON, 9), 8, [(at(MON, 16), None)]) is None


# --- hours_between is the inverse of add_hours --------------------------------------------------------------


@pytest.mark.parametrize(
	"calendar",
	[
		WALL_CLOCK,
		OFFICE,
		NIGHT,
		Calendar(OFFICE.windows + NIGHT.windows, frozenset({WED, date(2024, 1, 12), date(2024, 1, 15)})),
	],
	ids=["wall", "office", "night", "mixed-holidays"],
)
def test_hours_between_inverts_add_hours(calendar: Calendar) -> None:
	pauses = [(at(TUE, 15), at(TUE, 16, 45))]
	start = at(MON, 0, 0, 13)
	checked = 0
	for _ in range(60):
		for hours in (0.25, 0.5, 1, 3.25, 7.5, 8, 20, 40):
			for pause_set in ((), pauses):
				due = calendar.add_hours(start, hours, pause_set)
				assert due is not None
				assert calendar.hours_between(start, due, pause_set) == hours
				# the deadline is the earliest such instant
				assert calendar.hours_between(start, due - timedelta(seconds=1), pause_set) < hours
				checked += 1
		start += timedelta(minutes=97)
	assert checked == 60 * 8 * 2


# --- parse_windows -----------------------------------------------------------------------------------------


def test_parse_windows_names_and_strings() -> None:
	assert parse_windows([("Monday", "08:30", "12:00"), ("sunday", "22:00:15", "06:00")]) == (
		Window(0, time(8, 30), time(12)),
		Window(6, time(22, 0, 15), time(6)),
	)


def test_parse_windows_ints_times_and_abbreviations() -> None:
	assert parse_windows(
		[(2, time(9), time(17)), ("Fri", "9:00", "17:00:00.000000"), ("3", "07:05", "08:00")]
	) == (
		Window(2, time(9), time(17)),
		Window(4, time(9), time(17)),
		Window(3, time(7, 5), time(8)),
	)


def test_parse_windows_24_00_and_timedelta() -> None:
	(window,) = parse_windows([("Tuesday", timedelta(hours=18), "24:00")])
	assert window == Window(1, time(18), time(0))
	cal = Calendar((window,))
	assert cal.hours_between(at(TUE, 0), at(WED, 0)) == 6


@pytest.mark.parametrize(
	"row",
	[
		("Funday", "08:00", "12:00"),
		(7, "08:00", "12:00"),
		(-1, "08:00", "12:00"),
		(True, "08:00", "12:00"),
		("Monday", "25:00", "26:00"),
		("Monday", "8h", "12:00"),
		("Monday", "08:60", "12:00"),
		("Monday", None, "12:00"),
	],
)
def test_parse_windows_rejects_bad_rows(row: tuple) -> None:
	with pytest.raises(RuleError):
		parse_windows([row])
