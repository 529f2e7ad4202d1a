"""Whose turn it is, how urgent, and the SLA state: complaint_mgmt.procedure.inbox (no Frappe)."""

from datetime import datetime, timedelta

import pytest

from complaint_mgmt.procedure import inbox
from complaint_mgmt.procedure.calendar_hours import Calendar, parse_windows
from complaint_mgmt.procedure.transitions import STATUSES, TERMINAL_STATUSES

NOW = datetime(2026, 11, 23, 10, 0)


@pytest.mark.parametrize(
	"status, actor, task, clock",
	[
		("Registered", inbox.SERVICE_CENTER, "transfer", "Transfer"),
		("Transferred", inbox.RECEIVER, "acknowledge", "Transfer"),
		("Acknowledged", inbox.RECEIVER, "first_reply", "First Reply"),
		("Replied", inbox.RECEIVER, "request_close", "Close"),
		("Waiting on Customer", inbox.SERVICE_CENTER, "resume", None),
		("Close Requested", inbox.SERVICE_CENTER, "return_visit", "Return Visit"),
		("Return Visited", inbox.APPROVER, "approve", None),
		("Deferral Requested", inbox.SERVICE_CENTER, "review_deferral", "Close"),
	],
)
def test_every_open_status_waits_on_exactly_one_actor(status, actor, task, clock):
	step = inbox.next_step(status)
	assert (step.actor, step.task, step.clock) == (actor, task, clock)


def test_nobody_has_to_act_on_a_closed_or_deferred_complaint():
	assert [inbox.next_step(s) for s in TERMINAL_STATUSES] == [None, None]
	# every other status of the procedure has a next step
	assert all(inbox.next_step(s) for s in STATUSES if s not in TERMINAL_STATUSES)


@pytest.mark.parametrize(
	"rejection, task",
	[
		("Reject Close", "close_again_not_satisfied"),
		("Reject Closure", "close_again_rejected"),
		("Reject Deferral", "deferral_rejected"),
	],
)
def test_after_a_rejection_the_department_is_told_why(rejection, task):
	step = inbox.next_step("Replied", rejection)
	assert (step.actor, step.task, step.clock) == (inbox.RECEIVER, task, "Close")
	# the service center's steps are the same after a rejection
	assert inbox.next_step("Registered", rejection).task == "transfer"


def test_the_last_action_skips_regrades():
	assert inbox.last_action(["Transfer", "Reject Closure", "Regrade", None]) == "Reject Closure"
	assert inbox.last_action([]) is None


def test_only_approval_notifies_from_the_inbox():
	"""The actions tell the other actors themselves; registration from the web form or e-mail notifies too
	(``loop.inbox.sync(notify_new=True)``)."""
	notifying = {s for s in STATUSES if inbox.next_step(s) and inbox.next_step(s).notify}
	assert notifying == {"Return Visited"}


def test_every_task_key_is_listed():
	keys = {inbox.next_step(s).task for s in STATUSES if inbox.next_step(s)}
	assert keys | set(inbox.REJECTED_TASKS.values()) == set(inbox.TASKS)


@pytest.mark.parametrize(
	"external, due, breached, expected",
	[
		(False, NOW + timedelta(hours=1), False, "Medium"),
		(True, NOW + timedelta(hours=1), False, "High"),
		(False, NOW, False, "High"),
		(False, NOW + timedelta(hours=1), True, "High"),
		(False, None, False, "Medium"),
	],
)
def test_priority(external, due, breached, expected):
	assert inbox.priority(external, due, NOW, breached) == expected


@pytest.mark.parametrize(
	"status, breached, warned, expected",
	[
		("Replied", False, False, "On Time"),
		("Replied", False, True, "Due Soon"),
		("Replied", True, True, "Overdue"),
		("Waiting on Customer", True, False, "Paused"),
		("Closed", False, True, "Met"),
		("Closed", True, False, "Missed"),
		("Deferred", True, False, "Missed"),
	],
)
def test_sla_state(status, breached, warned, expected):
	assert inbox.sla_state(status, breached, warned) == expected


def test_running_clocks_skip_stopped_paused_and_pending_deferral():
	dues = {
		"Transfer": NOW - timedelta(hours=2),
		"First Reply": NOW + timedelta(hours=3),
		"Close": NOW + timedelta(hours=1),
		"Return Visit": None,
	}
	stopped = {"Transfer": True}
	assert inbox.running_clocks("Acknowledged", dues, stopped) == [
		("Close", dues["Close"]),
		("First Reply", dues["First Reply"]),
	]
	assert inbox.running_clocks("Deferral Requested", dues, stopped) == [("First Reply", dues["First Reply"])]
	assert inbox.running_clocks("Waiting on Customer", dues, stopped) == []
	assert inbox.running_clocks("Closed", dues, {}) == []


def test_time_left_on_the_wall_clock():
	assert inbox.time_left(NOW + timedelta(hours=5, minutes=12, seconds=59), NOW) == (False, 5, 12)
	assert inbox.time_left(NOW - timedelta(hours=2, minutes=1), NOW) == (True, 2, 1)
	assert inbox.time_left(NOW, NOW) == (False, 0, 0)


def test_time_left_counts_business_hours_only():
	calendar = Calendar(windows=parse_windows([(d, "09:00", "18:00") for d in range(5)]))
	friday_17 = datetime(2026, 11, 27, 17, 0)
	monday_10 = datetime(2026, 11, 30, 10, 0)
	# Friday 17:00 to Monday 10:00: one hour on Friday, one on Monday
	assert inbox.time_left(monday_10, friday_17, calendar.hours_between) == (False, 2, 0)
	assert inbox.time_left(friday_17, monday_10, calendar.hours_between) == (True, 2, 0)


# Issue 17 item 7: a step never waits on nobody ------------------------------------------------------------------


def test_the_first_source_that_names_someone_holds_the_step():
	found = {inbox.CENTER_MEMBERS: ["a@x", "b@x"], inbox.SPECIALIST_ROLE: ["s@x"]}
	asked = []

	def lookup(source):
		asked.append(source)
		return found.get(source, [])

	assert inbox.actor_users(inbox.SERVICE_CENTER, lookup) == ["a@x", "b@x"]
	assert asked == [
		inbox.SPECIALIST,
		inbox.REGISTRAR,
		inbox.CENTER_RECEIVER,
		inbox.CENTER_MANAGER,
		inbox.CENTER_MEMBERS,
	]


def test_the_service_center_falls_back_to_its_members_then_to_every_specialist():
	assert inbox.ACTOR_SOURCES[inbox.SERVICE_CENTER][-2:] == (inbox.CENTER_MEMBERS, inbox.SPECIALIST_ROLE)
	assert inbox.actor_users(
		inbox.SERVICE_CENTER, lambda s: ["s@x"] if s == inbox.SPECIALIST_ROLE else []
	) == ["s@x"]
	assert inbox.actor_users(inbox.SERVICE_CENTER, lambda s: []) == []


def test_a_department_without_receiver_or_manager_falls_to_its_members():
	assert inbox.ACTOR_SOURCES[inbox.RECEIVER] == (
		inbox.DEPARTMENT_RECEIVER,
		inbox.DEPARTMENT_MANAGER,
		inbox.DEPARTMENT_MEMBERS,
	)
	assert inbox.actor_users(inbox.RECEIVER, lambda s: ["m@x"] if s == inbox.DEPARTMENT_MEMBERS else []) == [
		"m@x"
	]


def test_every_actor_has_its_sources():
	assert set(inbox.ACTOR_SOURCES) == {step.actor for step in inbox.NEXT_STEPS.values()}
