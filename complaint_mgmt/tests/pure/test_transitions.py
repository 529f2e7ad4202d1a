"""The order of the procedure's steps (pure state machine)."""

import pytest

from complaint_mgmt.procedure import calendar_hours, transitions
from complaint_mgmt.procedure.transitions import STATUSES, TRANSITIONS, find_transition

HAPPY_PATH = [
	("Transfer", "Registered", "Transferred"),
	("Acknowledge", "Transferred", "Acknowledged"),
	("Reply", "Acknowledged", "Replied"),
	("Reply", "Replied", "Replied"),
	("Request Close", "Replied", "Close Requested"),
	("Record Return Visit", "Close Requested", "Return Visited"),
	("Approve Close", "Return Visited", "Closed"),
]


@pytest.mark.parametrize(("action", "state", "next_state"), HAPPY_PATH)
def test_happy_path(action, state, next_state):
	assert find_transition(action, state).next_state == next_state


@pytest.mark.parametrize(
	("action", "state"),
	[
		("Acknowledge", "Registered"),  # acknowledge before transfer
		("Reply", "Transferred"),  # reply before acknowledge
		("Request Close", "Acknowledged"),  # close request before any reply
		("Approve Close", "Close Requested"),  # approve without return visit
		("Record Return Visit", "Replied"),
		("Approve Deferral", "Replied"),
		("Transfer", "Close Requested"),
		("Transfer", "Closed"),
		("Reply", "Closed"),
		("Pause", "Closed"),
		("Resume", "Replied"),
		("Request Deferral", "Deferred"),
	],
)
def test_wrong_order_is_refused(action, state):
	with pytest.raises(calendar_hours.RuleError) as err:
		find_transition(action, state)
	assert err.value.template == "{0} is not possible while the complaint is {1}."
	assert tuple(err.value.values) == (action, state)


def test_empty_state_is_registered():
	assert find_transition("Transfer", None).state == "Registered"
	assert find_transition("Transfer", "").next_state == "Transferred"


def test_unknown_action():
	with pytest.raises(calendar_hours.RuleError, match="Unknown action"):
		find_transition("Fly", "Registered")


def test_closed_is_final_and_deferred_can_still_close():
	assert transitions.allowed_actions("Closed") == []
	assert transitions.allowed_actions("Deferred") == ["Request Close"]


def test_every_state_is_known_and_reachable():
	for t in TRANSITIONS:
		assert t.state in STATUSES and t.next_state in STATUSES
	reachable = {"Registered"}
	for _ in STATUSES:
		reachable |= {t.next_state for t in TRANSITIONS if t.state in reachable}
	assert reachable == set(STATUSES)


def test_re_transfer_possible_until_close_request():
	for state in ("Transferred", "Acknowledged", "Replied"):
		assert find_transition("Transfer", state).next_state == "Transferred"


def test_return_visit_outcomes():
	assert find_transition("Reject Close", "Close Requested").next_state == "Replied"
	assert find_transition("Record Return Visit", "Close Requested").next_state == "Return Visited"


def test_department_actions_need_membership():
	by_dept = {t.action for t in TRANSITIONS if t.by_department}
	assert by_dept == {"Acknowledge", "Reply", "Request Close", "Request Deferral"}
	assert find_transition("Transfer", "Registered").roles == transitions.SPECIALIST_ROLES
	assert find_transition("Acknowledge", "Transferred").roles == transitions.DEPARTMENT_ROLES
	assert find_transition("Approve Close", "Return Visited").roles == ()  # the compensation tier decides


@pytest.mark.parametrize("state", transitions.PAUSABLE_STATUSES)
def test_pause_and_resume_to_the_same_state(state):
	assert find_transition("Pause", state).next_state == transitions.WAITING
	back = find_transition("Resume", transitions.WAITING, transitions.resume_state(state))
	assert back.next_state == state
	assert back.condition == f'doc.status_before_pause == "{state}"'


def test_resume_needs_a_known_state():
	with pytest.raises(calendar_hours.RuleError):
		transitions.resume_state(None)
	with pytest.raises(calendar_hours.RuleError):
		transitions.resume_state("Closed")


def test_deferral_paths():
	assert find_transition("Request Deferral", "Acknowledged").next_state == "Deferral Requested"
	assert find_transition("Approve Deferral", "Deferral Requested").next_state == "Deferred"
	assert transitions.deferral_rejected_state(True) == "Replied"
	assert transitions.deferral_rejected_state(False) == "Acknowledged"
	assert find_transition("Reject Deferral", "Deferral Requested", "Acknowledged").condition


def test_transition_per_action_state_target_is_unique():
	keys = [(t.action, t.state, t.next_state) for t in TRANSITIONS]
	assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
	("resolution", "root_cause", "action", "amount", "message"),
	[
		("", "cause", "Replace the supplier of the part", 0, "resolution"),
		("Refunded", "  ", "Replace the supplier of the part", 0, "root cause"),
		("Refunded", "cause", "", 0, "too vague"),
		("Refunded", "cause", "training", 0, "too vague"),
		("Refunded", "cause", "Strengthen training!", 0, "too vague"),
		("Refunded", "cause", "加强培训", 0, "too vague"),
		("Refunded", "cause", "Replace the supplier of the part", -1, "negative"),
	],
)
def test_close_request_needs_concrete_content(resolution, root_cause, action, amount, message):
	with pytest.raises(calendar_hours.RuleError, match=message):
		transitions.validate_close_request(resolution, root_cause, action, amount)


def test_close_request_accepted():
	transitions.validate_close_request("Refunded", "Wrong part", "Check every part at goods receipt", 50)


@pytest.mark.parametrize("mode", ["Watch", "Monitor"])
def test_follow_up_mode(mode):
	transitions.validate_follow_up_mode(mode)


@pytest.mark.parametrize("mode", [None, "", "Ignore"])
def test_follow_up_mode_refused(mode):
	with pytest.raises(calendar_hours.RuleError, match="Watch or Monitor"):
		transitions.validate_follow_up_mode(mode)


def test_rules_re_exports_the_table():
	assert transitions.TRANSITIONS is TRANSITIONS
	assert transitions.find_transition is find_transition
