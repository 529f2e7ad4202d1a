"""A complaint's clocks as the pure sweep rules (``procedure.sweep_rules``) take them, and the settings that
shape its events: shared by the controller (next check on save), the sweep and the recompute job."""

from datetime import datetime

from frappe.utils import cint, flt, get_datetime

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import clocks, rules, sweep_rules, transitions


def _dt(value) -> datetime | None:
	return get_datetime(value) if value else None


def sweep_settings(settings=None) -> sweep_rules.SweepSettings:
	"""The settings that shape the sweep's events, from Complaint Settings."""
	settings = settings or adapters.get_settings()
	return sweep_rules.SweepSettings(
		warning_percent=flt(settings.warning_percent),
		repeat_period_days=flt(settings.repeat_period_days) or 30,
		penalize_return_visit=bool(cint(settings.penalize_return_visit)),
		calendar=adapters.get_calendar(settings),
	)


def clock_state(doc) -> sweep_rules.ClockState:
	"""The complaint's clocks as the pure sweep rules take them."""
	grade = adapters.get_grade(doc.grade) if doc.grade else None
	running = bool(
		doc.status not in transitions.STOPPED_STATUSES
		and not doc.irrational_stage
		and grade is not None
		and not grade.is_irrational
	)
	return sweep_rules.ClockState(
		deadlines=rules.Deadlines(**{f: _dt(doc.get(f)) for f in rules.DUE_FIELDS.values()}),
		milestones=adapters.milestones(doc),
		breached=frozenset(c for c, f in clocks.BREACH_FLAGS.items() if doc.get(f)),
		warned=frozenset(c for c, f in clocks.WARNED_FLAGS.items() if doc.get(f)),
		repeats_issued=cint(doc.repeat_periods_issued),
		running=running,
		pauses=adapters.pauses(doc),
		deferral_requested_on=_dt(doc.deferral_requested_on),
		status=doc.status,
	)
