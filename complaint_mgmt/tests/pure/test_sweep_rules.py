"""The deadline sweep's pure rules: pending events, next_check_at and the events due at an instant."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from complaint_mgmt.procedure import calendar_hours, rules
from complaint_mgmt.procedure.sweep_rules import (
	BREACH,
	REPEAT,
	WARNING,
	ClockState,
	Event,
	SweepSettings,
	due_events,
	next_check_at,
	pending_events,
	sweep_descending,
	sweep_job_count,
	sweep_job_limit,
	sweep_job_slot_count,
	sweep_job_slots,
)

T0 = datetime(2026, 3, 2, 9, 0)  # a Monday
GENERAL = rules.Grade("General", 10, transfer_hours=4, first_reply_hours=24, close_hours=72)
SETTINGS = SweepSettings(warning_percent=80, repeat_period_days=30, penalize_return_visit=True)
SEC = timedelta(seconds=1)


def state(m: rules.Milestones | None = None, grade: rules.Grade = GENERAL, **kw) -> ClockState:
	m = m or rules.Milestones(received_on=T0)
	d = rules.compute_deadlines(grade, m, pauses=kw.get("pauses", ()))
	return ClockState(deadlines=d, milestones=m, **kw)


def kinds(events: list[Event]) -> list[tuple]:
	return [(e.kind, e.clock, e.period, e.superseded) for e in events]


def apply(s: ClockState, events: list[Event]) -> ClockState:
	"""What the sweep records after handling `events`."""
	breached = set(s.breached) | {e.clock for e in events if e.kind == BREACH}
	warned = set(s.warned) | {e.clock for e in events if e.kind == WARNING}
	repeats = max([s.repeats_issued] + [e.period for e in events if e.kind == REPEAT])
	return replace(s, breached=frozenset(breached), warned=frozenset(warned), repeats_issued=repeats)


def test_fresh_complaint_is_next_checked_at_the_transfer_warning():
	s = state()
	assert next_check_at(s, SETTINGS) == T0 + timedelta(hours=3.2)
	assert kinds(pending_events(s, SETTINGS)) == [
		(WARNING, "Transfer", 0, False),
		(BREACH, "Transfer", 0, False),
		(WARNING, "Close", 0, False),
		(BREACH, "Close", 0, False),
		(REPEAT, "Close", 1, False),
	]


def test_not_running_means_no_events():
	s = state(running=False)
	assert pending_events(s, SETTINGS) == []
	assert next_check_at(s, SETTINGS) is None
	assert due_events(s, SETTINGS, T0 + timedelta(days=400)) == []


@pytest.mark.parametrize(
	"clock,start_field,hours",
	[("Transfer", None, 4), ("First Reply", "acknowledged_on", 24), ("Close", None, 72)],
)
def test_breach_exactly_at_the_boundary(clock, start_field, hours):
	acknowledged = T0 + timedelta(hours=1) if start_field else None  # acknowledging stops the Transfer clock
	m = rules.Milestones(received_on=T0, acknowledged_on=acknowledged)
	s = state(m, warned=frozenset(rules.CLOCKS))
	start = T0 + timedelta(hours=1) if start_field else T0
	due = start + timedelta(hours=hours)
	assert [e for e in due_events(s, SETTINGS, due - SEC) if e.clock == clock] == []
	assert [(e.kind, e.at) for e in due_events(s, SETTINGS, due) if e.clock == clock] == [(BREACH, due)]


def test_return_visit_breach_only_when_penalized():
	m = rules.Milestones(received_on=T0, acknowledged_on=T0, first_replied_on=T0, close_requested_on=T0)
	d = rules.compute_deadlines(GENERAL, m, return_visit_hours=12)
	s = ClockState(deadlines=d, milestones=m, warned=frozenset(rules.CLOCKS))
	due = T0 + timedelta(hours=12)
	assert kinds(due_events(s, SETTINGS, due)) == [(BREACH, "Return Visit", 0, False)]
	off = replace(SETTINGS, penalize_return_visit=False)
	assert due_events(s, off, due) == []
	assert next_check_at(s, off) is None


def test_clock_stopped_in_time_never_breaches_but_stopped_late_still_does():
	in_time = rules.Milestones(received_on=T0, acknowledged_on=T0 + timedelta(hours=4))
	late = rules.Milestones(received_on=T0, acknowledged_on=T0 + timedelta(hours=4) + SEC)
	now = T0 + timedelta(hours=5)
	assert [e for e in due_events(state(in_time), SETTINGS, now) if e.clock == "Transfer"] == []
	transfer = [e for e in due_events(state(late), SETTINGS, now) if e.clock == "Transfer"]
	assert [(e.kind, e.at) for e in transfer] == [
		(BREACH, T0 + timedelta(hours=4))
	]  # no warning once stopped


def test_warning_once_and_superseded_when_the_clock_is_due():
	s = state()
	warn = T0 + timedelta(hours=3.2)
	assert due_events(s, SETTINGS, warn - SEC) == []
	assert kinds(due_events(s, SETTINGS, warn)) == [(WARNING, "Transfer", 0, False)]
	warned = apply(s, due_events(s, SETTINGS, warn))
	assert due_events(warned, SETTINGS, warn + timedelta(minutes=30)) == []
	assert next_check_at(warned, SETTINGS) == T0 + timedelta(hours=4)
	# a sweep that only runs after the due sends the breach, not the stale warning
	assert kinds(due_events(s, SETTINGS, T0 + timedelta(hours=4))) == [
		(WARNING, "Transfer", 0, True),
		(BREACH, "Transfer", 0, False),
	]


def test_no_warning_when_percent_is_off():
	s = state()
	assert all(e.kind != WARNING for e in pending_events(s, replace(SETTINGS, warning_percent=0)))


def test_monthly_repeats_one_per_period_even_when_several_are_due():
	close_due = T0 + timedelta(hours=72)
	s = state(breached=frozenset({"Transfer", "Close"}), warned=frozenset(rules.CLOCKS))
	assert next_check_at(s, SETTINGS) == close_due + timedelta(days=30)
	assert due_events(s, SETTINGS, close_due + timedelta(days=30) - SEC) == []
	now = close_due + timedelta(days=90)
	assert [(e.period, e.at) for e in due_events(s, SETTINGS, now)] == [
		(k, close_due + timedelta(days=30 * k)) for k in (1, 2, 3)
	]
	done = replace(s, repeats_issued=2)
	assert [e.period for e in due_events(done, SETTINGS, now)] == [3]
	assert next_check_at(replace(s, repeats_issued=3), SETTINGS) == close_due + timedelta(days=120)


def test_repeats_stop_with_the_close_request_or_a_pending_deferral():
	close_due = T0 + timedelta(hours=72)
	asked = close_due + timedelta(days=45)
	m = rules.Milestones(received_on=T0, acknowledged_on=T0, first_replied_on=T0, close_requested_on=asked)
	d = rules.compute_deadlines(GENERAL, m, return_visit_hours=None)
	s = ClockState(deadlines=d, milestones=m, breached=frozenset({"Close"}), warned=frozenset(rules.CLOCKS))
	assert [e.period for e in due_events(s, SETTINGS, close_due + timedelta(days=200))] == [1]
	assert next_check_at(replace(s, repeats_issued=1), SETTINGS) is None
	deferring = state(
		deferral_requested_on=close_due - SEC, status="Deferral Requested", warned=frozenset(rules.CLOCKS)
	)
	assert [e.clock for e in due_events(deferring, SETTINGS, close_due + timedelta(days=90))] == ["Transfer"]


def test_business_hours_warning_counts_working_time_only():
	windows = calendar_hours.parse_windows([(day, "09:00", "17:00") for day in range(5)])
	calendar = calendar_hours.Calendar(windows=windows)
	friday = datetime(2026, 3, 6, 16, 0)
	m = rules.Milestones(received_on=friday)
	d = rules.compute_deadlines(GENERAL, m, calendar=calendar)
	assert d.transfer_due == datetime(2026, 3, 9, 12, 0)
	s = ClockState(deadlines=d, milestones=m)
	settings = replace(SETTINGS, calendar=calendar)
	assert next_check_at(s, settings) == datetime(2026, 3, 9, 11, 12)  # 3.2 working hours


def test_paused_time_is_excluded_from_the_warning():
	pauses = [(T0 + timedelta(hours=1), T0 + timedelta(hours=3))]
	s = state(pauses=pauses)
	assert s.deadlines.transfer_due == T0 + timedelta(hours=6)
	assert next_check_at(s, SETTINGS) == T0 + timedelta(hours=5.2)


@pytest.mark.parametrize("hours", [0, 3.2, 4, 23, 72, 72 + 24 * 30, 72 + 24 * 95])
def test_after_recording_the_due_events_the_next_check_lies_in_the_future(hours):
	m = rules.Milestones(received_on=T0, acknowledged_on=T0 + timedelta(hours=5))
	s = state(m)
	now = T0 + timedelta(hours=hours)
	after = apply(s, due_events(s, SETTINGS, now))
	nxt = next_check_at(after, SETTINGS)
	assert nxt is None or nxt > now


def test_deadline_inputs_changed_compares_only_the_deadline_fields():
	from complaint_mgmt.procedure.sweep_rules import DEADLINE_SETTINGS, deadline_inputs_changed

	window = [("Monday", "09:00:00", "17:00:00")]
	before = {"warning_percent": 80, "working_windows": window, "weekly_report_day": "Monday"}
	assert not deadline_inputs_changed(before, {**before, "weekly_report_day": "Friday"}, DEADLINE_SETTINGS)
	assert not deadline_inputs_changed(before, {**before, "warning_percent": 80.0}, DEADLINE_SETTINGS)
	assert deadline_inputs_changed(before, {**before, "warning_percent": 70}, DEADLINE_SETTINGS)
	later = [("Monday", "10:00:00", "17:00:00")]
	assert deadline_inputs_changed(before, {**before, "working_windows": later}, DEADLINE_SETTINGS)
	assert deadline_inputs_changed({"holidays": []}, {"holidays": [("2026-01-01",)]}, DEADLINE_SETTINGS)
	assert not deadline_inputs_changed(None, before, DEADLINE_SETTINGS)


@pytest.mark.parametrize(
	("due", "limit", "jobs"),
	[
		(0, 4, 0),  # nothing due: no job
		(1, 4, 1),
		(50, 4, 1),  # one transaction's worth: one job, as before
		(51, 4, 2),  # more than one transaction: the rows are split
		(150, 4, 3),
		(151, 4, 4),
		(10_000, 4, 4),  # never more than the limit
		(10_000, 1, 1),
	],
)
def test_sweep_job_count(due, limit, jobs):
	assert sweep_job_count(due, 50, limit) == jobs


@pytest.mark.parametrize(
	("setting", "workers", "limit"),
	[(None, 0, 1), (0, 0, 1), (0, 2, 2), (None, 3, 3), (5, 2, 5), (1, 4, 1), (-1, 2, 2)],
)
def test_sweep_job_limit(setting, workers, limit):
	assert sweep_job_limit(setting, workers) == limit


@pytest.mark.parametrize(
	("wanted", "states", "slots"),
	[
		(1, {0: None, 1: None, 2: None}, [0]),
		(2, {0: "finished", 1: "failed", 2: None, 3: None, 4: None}, [0, 1]),
		(1, {0: "queued", 1: None, 2: None}, []),  # still queued: it will run
		(1, {0: "started", 1: None, 2: None}, [1]),  # started, perhaps by a worker killed since: another job
		(2, {0: "started", 1: "queued", 2: None, 3: None, 4: None}, [2]),
		(1, {0: "started", 1: "started", 2: "started"}, []),  # every slot taken: the next schedule
		(0, {0: None}, []),
	],
)
def test_sweep_job_slots(wanted, states, slots):
	assert sweep_job_slots(wanted, states) == slots


def test_sweep_job_slot_count_leaves_room_for_jobs_of_killed_workers():
	assert [sweep_job_slot_count(limit) for limit in (0, 1, 2, 4)] == [3, 3, 5, 9]


def test_every_other_sweep_job_walks_the_backlog_from_its_end():
	assert [sweep_descending(slot) for slot in range(5)] == [False, True, False, True, False]
