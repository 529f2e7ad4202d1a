"""What one complaint adds to the reports' pre-aggregated daily rows (pure: plain values, no Frappe).

The script reports answer a period in two parts: the daily rows of the *settled* complaints (counted once by a
job, complaint_mgmt.outputs.report_stats) and the complaints not counted yet, read as before. A complaint may
be counted only when its contribution can no longer change with time: it is closed or deferred, the sweep has
nothing pending for it, and every clock with a due has stopped or is past its due (``settled``). From then on
its rows stay exact until a write changes what it contributes; that write takes it out of the rows again.

``contribution`` is the single definition of what a complaint adds; the reports' raw queries compute the same
measures in SQL, and ``complaint_mgmt.outputs.report_stats.mismatches`` compares both on the real data.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from complaint_mgmt.procedure.clocks import stopped_on
from complaint_mgmt.procedure.rules import CLOCKS, DUE_FIELDS
from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES

DAY, COUNT, CAUSE = "day", "count", "cause"  # the three kinds of daily rows
CATEGORY, GRADE = "Category", "Grade"  # the dimensions of the count rows
CLOCK_KEYS = {
	"Transfer": "transfer",
	"First Reply": "first_reply",
	"Close": "close",
	"Return Visit": "return_visit",
}
# step key -> (start field, end field): the steps Complaint Closure Performance and Monthly Complaint Analysis
# average (wall-clock time of the complaints that completed the step).
STEPS = {
	"transfer": ("received_on", "transferred_on"),
	"acknowledge": ("transferred_on", "acknowledged_on"),
	"first_reply": ("acknowledged_on", "first_replied_on"),
	"close_request": ("first_replied_on", "close_requested_on"),
	"return_visit": ("close_requested_on", "return_visited_on"),
	"approval": ("return_visited_on", "closed_on"),
	"received_to_close_request": ("received_on", "close_requested_on"),
	"close_request_to_closure": ("close_requested_on", "closed_on"),
}
# the measures of a day row, by the complaints received that day (closures: approved that day)
RECEIVED_MEASURES = (
	"received",
	"first_irrational",
	"secondary_irrational",
	"watch",
	"monitor",
	"closed",
	"first_closures",
	"second_closures",
	"repeats",
	*(f"{key}_{part}" for key in CLOCK_KEYS.values() for part in ("on_time", "decided")),
	*(f"{step}_{part}" for step in STEPS for part in ("s", "n")),
)
CLOSED_MEASURES = ("closed_first", "closed_second")
DAY_MEASURES = (*RECEIVED_MEASURES, *CLOSED_MEASURES)
# every complaint field a contribution (or settled) reads
FIELDS = tuple(
	dict.fromkeys(
		(
			"received_on",
			"department",
			"category",
			"is_external",
			"grade",
			"irrational_stage",
			"follow_up_mode",
			"status",
			"closure_type",
			"is_repeat",
			"closed_on",
			"root_cause",
			"next_check_at",
			"deferral_requested_on",
			*DUE_FIELDS.values(),
			*(field for pair in STEPS.values() for field in pair),
		)
	)
)

Key = tuple  # (kind, day, department, ...dimensions)
Rows = dict[Key, dict[str, Any]]


def seconds(start: datetime.datetime, end: datetime.datetime) -> int:
	"""Whole wall-clock seconds from start to end, truncated toward zero like SQL's TIMESTAMPDIFF(SECOND, ...).
	Whole seconds keep every sum exact: the database driver hands sums back as floats, exact up to 2**53."""
	delta = end - start
	micro = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
	return micro // 1_000_000 if micro >= 0 else -(-micro // 1_000_000)


def cause_text(root_cause: str | None) -> str:
	"""The root cause as the reports compare and show it: whitespace collapsed ("" = none given)."""
	return " ".join((root_cause or "").split())


def settled(values: Mapping[str, Any], now: datetime.datetime) -> bool:
	"""True when the complaint's contribution can no longer change with time alone: closed or deferred, nothing
	pending for the sweep, and every clock with a due stopped or past its due (its on-time verdict is final)."""
	if (
		values.get("status") not in TERMINAL_STATUSES
		or values.get("next_check_at")
		or not values.get("received_on")
	):
		return False
	for clock in CLOCKS:
		due = values.get(DUE_FIELDS[clock])
		if due is not None and due >= now and stopped_on(clock, values, values.get("status")) is None:
			return False
	return True


def _received_measures(values: Mapping[str, Any], now: datetime.datetime) -> dict[str, Any]:
	status, closure = values.get("status"), values.get("closure_type")
	measures: dict[str, Any] = {
		"received": 1,
		"first_irrational": int(values.get("irrational_stage") == "First"),
		"secondary_irrational": int(values.get("irrational_stage") == "Secondary"),
		"watch": int(values.get("follow_up_mode") == "Watch"),
		"monitor": int(values.get("follow_up_mode") == "Monitor"),
		"closed": int(status == "Closed"),
		"first_closures": int(closure == "First Closure"),
		"second_closures": int(closure == "Second Closure"),
		"repeats": int(bool(values.get("is_repeat"))),
	}
	for clock, key in CLOCK_KEYS.items():
		due = values.get(DUE_FIELDS[clock])
		stop = stopped_on(clock, values, status)
		measures[f"{key}_on_time"] = int(due is not None and stop is not None and stop <= due)
		measures[f"{key}_decided"] = int(due is not None and (stop is not None or due < now))
	for step, (begin, finish) in STEPS.items():
		start, end = values.get(begin), values.get(finish)
		done = start is not None and end is not None
		measures[f"{step}_s"] = seconds(start, end) if done else 0
		measures[f"{step}_n"] = int(done)
	return measures


def _add(rows: Rows, key: Key, measures: Mapping[str, Any]) -> None:
	row = rows.setdefault(key, {})
	for name, value in measures.items():
		row[name] = row.get(name, 0) + value


def contribution(values: Mapping[str, Any], now: datetime.datetime) -> Rows:
	"""The daily rows one complaint adds to, and by how much: {(kind, day, department, ...): {measure: n}}.

	- (DAY, received day, department): the received-day measures (RECEIVED_MEASURES);
	- (DAY, closed day, department): the closure approved that day (CLOSED_MEASURES);
	- (COUNT, received day, department, CATEGORY | GRADE, value, is_external): 1;
	- (CAUSE, closed day, department, category, root cause): 1, for a closure with a root cause.
	"""
	rows: Rows = {}
	received = values.get("received_on")
	if received is None:
		return rows
	department, day = values.get("department") or None, received.date()
	external = int(bool(values.get("is_external")))
	_add(rows, (DAY, day, department), _received_measures(values, now))
	for dimension, field in ((CATEGORY, "category"), (GRADE, "grade")):
		_add(rows, (COUNT, day, department, dimension, values.get(field) or None, external), {"n": 1})
	closed_on = values.get("closed_on")
	if closed_on is not None:
		closure = values.get("closure_type")
		_add(
			rows,
			(DAY, closed_on.date(), department),
			{
				"closed_first": int(closure == "First Closure"),
				"closed_second": int(closure == "Second Closure"),
			},
		)
		cause = cause_text(values.get("root_cause"))
		if cause:
			_add(rows, (CAUSE, closed_on.date(), department, values.get("category") or None, cause), {"n": 1})
	return rows


def negate(rows: Rows) -> Rows:
	return {key: {name: -value for name, value in measures.items()} for key, measures in rows.items()}


def merge(*parts: Rows) -> Rows:
	"""The sum of several contributions (one batch's rows)."""
	total: Rows = {}
	for rows in parts:
		for key, measures in rows.items():
			_add(total, key, measures)
	return total
