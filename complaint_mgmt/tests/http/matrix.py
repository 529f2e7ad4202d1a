"""The read matrix: a probe is one request (or a few) against an endpoint, aimed at department B's data; it runs
as every role and the body must hold none of the markers that role may not see (probe.forbidden).

Positive control: each probe also runs as a role that may see department B (the complaint manager, or a
System Manager for Frappe's own doctypes) and must then return B's data (or at least answer 200), which proves
that the probe reaches the data and cannot pass by silently failing."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from complaint_mgmt.tests.http.probe import (
	ROLES,
	assert_no_leak,
	assert_not_server_error,
	body_text,
	exc_type,
	forbidden,
	leaks,
	markers_b,
)

# control kinds
SEES_B = "sees-b"  # the control role's body holds at least one marker of department B
ANSWERS = "answers"  # the control role gets a 200


@dataclass(frozen=True)
class Probe:
	id: str
	call: Callable  # (session, seed) -> Response | list[Response]
	control: str | None = SEES_B
	control_role: str = "manager"
	department_name: bool = True  # is department B's name itself a marker here?
	# The endpoint may be closed for everybody (e.g. printing a document posted as JSON): a PermissionError for
	# the control role then passes the control (the probe itself was proved against the unfixed app).
	closable: bool = False

	def responses(self, session, seed) -> list:
		result = self.call(session, seed)
		return result if isinstance(result, list) else [result]


def matrix(probes: list[Probe]):
	"""parametrize over probe x role, with readable ids (probe-role)."""
	return pytest.mark.parametrize(
		"probe,role", [pytest.param(p, r, id=f"{p.id}-{r}") for p in probes for r in ROLES]
	)


def controls(probes: list[Probe]):
	return pytest.mark.parametrize(
		"probe", [pytest.param(p, id=f"{p.id}-{p.control_role}") for p in probes if p.control]
	)


def closed_for_everybody(resp) -> bool:
	return resp.status_code == 403 and exc_type(resp) == "PermissionError"


def check_read(http, seed, probe: Probe, role: str) -> None:
	for resp in probe.responses(http.as_(role), seed):
		assert_not_server_error(resp)
		assert_no_leak(resp, forbidden(seed, role, probe.department_name), probe.id)


def check_control(http, seed, probe: Probe) -> None:
	responses = probe.responses(http.as_(probe.control_role), seed)
	if probe.closable and all(closed_for_everybody(r) for r in responses):
		return
	for resp in responses:
		assert resp.status_code == 200, f"{probe.id}: {resp.url} -> {resp.status_code} {resp.text[:1000]}"
	if probe.control == SEES_B:
		seen = [leaks(body_text(r), markers_b(seed)) for r in responses]
		assert any(seen), f"{probe.id}: the control role sees none of B's data: {responses[0].text[:1000]}"


__all__ = [
	"ANSWERS",
	"SEES_B",
	"Probe",
	"assert_no_leak",
	"check_control",
	"check_read",
	"controls",
	"matrix",
]
