"""An action that loses a deadlock with a concurrent one is rolled back and repeated within the web request
(the load benchmark's 500s on transfer / reply / request_close), never outside a request."""

import inspect

import frappe
import pytest

from complaint_mgmt import api
from complaint_mgmt.loop import steps


def flaky(failures: int, calls: list):
	@steps.retry_on_deadlock
	def action(complaint: str) -> str:
		calls.append(complaint)
		if len(calls) <= failures:
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return "done"

	return action


def test_a_lost_deadlock_is_retried_in_a_web_request(monkeypatch):
	monkeypatch.setattr(frappe.local, "request", object(), raising=False)
	calls = []
	assert flaky(2, calls)("CMP-1") == "done"
	assert calls == ["CMP-1"] * 3


def test_the_last_deadlock_reaches_the_caller(monkeypatch):
	monkeypatch.setattr(frappe.local, "request", object(), raising=False)
	pauses = []
	monkeypatch.setattr(steps.time, "sleep", pauses.append)
	calls = []
	with pytest.raises(frappe.QueryDeadlockError):
		flaky(steps.DEADLOCK_ATTEMPTS, calls)("CMP-1")
	assert len(calls) == steps.DEADLOCK_ATTEMPTS == 5
	# a growing, jittered pause between the attempts (two deadlocking requests do not retry in lockstep)
	assert len(pauses) == 4 and all(0.05 * n <= p <= 0.15 * n for n, p in enumerate(pauses, 1))


def test_outside_a_request_the_caller_owns_the_transaction(monkeypatch):
	monkeypatch.setattr(frappe.local, "request", None, raising=False)
	calls = []
	with pytest.raises(frappe.QueryDeadlockError):
		flaky(1, calls)("CMP-1")
	assert calls == ["CMP-1"]


def test_the_actions_keep_their_typed_signature():
	"""Frappe reads the signature to pass and type-check the request's arguments."""
	assert list(inspect.signature(api.transfer).parameters)[:2] == ["complaint", "department"]
	assert inspect.signature(api.reject_closure).parameters["reason"].annotation is str
	assert api.acknowledge in frappe.whitelisted
