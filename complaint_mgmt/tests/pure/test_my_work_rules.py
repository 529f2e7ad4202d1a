"""My work: the actions of each step and the order by urgency
(complaint_mgmt.procedure.my_work, no Frappe)."""

from datetime import datetime, timedelta

import pytest

from complaint_mgmt.procedure import my_work, transitions

NOW = datetime(2026, 11, 23, 10, 0)  # a Monday


@pytest.mark.parametrize(
	"status, actions",
	[
		("Registered", ["Transfer"]),
		("Transferred", ["Acknowledge"]),
		("Acknowledged", ["Reply", "Request Deferral"]),
		("Replied", ["Request Close", "Reply", "Request Deferral"]),
		("Waiting on Customer", ["Resume"]),
		("Close Requested", ["Record Return Visit", "Reject Close"]),
		("Return Visited", ["Approve Close", "Reject Closure"]),
		("Deferral Requested", ["Approve Deferral", "Reject Deferral"]),
		("Closed", []),
		("Deferred", []),
	],
)
def test_each_step_offers_its_own_actions(status, actions):
	assert my_work.step_actions(status) == actions


def test_every_offered_action_is_allowed_by_the_order_of_steps():
	for status in transitions.STATUSES:
		assert set(my_work.step_actions(status)) <= set(transitions.allowed_actions(status))


def test_urgency_overdue_first_then_earliest_deadline_then_undated():
	created = NOW - timedelta(days=1)
	items = {
		"later": my_work.urgency_key(NOW + timedelta(days=2), NOW, False, "Medium", created),
		"soon": my_work.urgency_key(NOW + timedelta(hours=1), NOW, False, "Medium", created),
		"late": my_work.urgency_key(NOW - timedelta(hours=1), NOW, False, "Medium", created),
		"very late": my_work.urgency_key(NOW - timedelta(days=3), NOW, False, "Medium", created),
		# a clock breached earlier while the next one still runs: overdue all the same
		"breached": my_work.urgency_key(NOW + timedelta(days=5), NOW, True, "High", created),
		"undated": my_work.urgency_key(None, NOW, False, "Medium", created),
		"undated high": my_work.urgency_key(None, NOW, False, "High", created + timedelta(hours=1)),
	}
	order = sorted(items, key=items.get)
	assert order == ["very late", "late", "breached", "soon", "later", "undated high", "undated"]
