"""The bridge between Frappe records and the pure rules in ``complaint_mgmt.procedure.rules``.

Everything here only reads records and turns them into the plain values the rules take; no rule lives here.
"""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import flt, get_datetime

from complaint_mgmt.procedure import authority, calendar_hours, clocks, rules

GRADE_FIELDS = (
	"name",
	"rank",
	"is_irrational",
	"transfer_hours",
	"first_reply_hours",
	"close_hours",
	"escalate_to",
	"transfer_penalty",
	"first_reply_penalty",
	"close_penalty",
)


def throw(err: calendar_hours.RuleError, title: str | None = None) -> None:
	"""Raise a rule violation as a translated ValidationError."""
	# The template is a string literal of complaint_mgmt.procedure.rules and is listed in translations/zh.csv.
	message = _(err.template).format(*err.values)  # nosemgrep: frappe-semgrep-rules.rules.translate-variable
	frappe.throw(message, title=title or _("Not allowed"))


def grade_from_row(row) -> rules.Grade:
	return rules.Grade(
		name=row.get("name") or row.get("grade_name"),
		rank=int(row.get("rank") or 0),
		is_irrational=bool(row.get("is_irrational")),
		transfer_hours=float(row.get("transfer_hours") or 0),
		first_reply_hours=float(row.get("first_reply_hours") or 0),
		close_hours=float(row.get("close_hours") or 0),
		escalate_to=row.get("escalate_to") or None,
		transfer_penalty=float(row.get("transfer_penalty") or 0),
		first_reply_penalty=float(row.get("first_reply_penalty") or 0),
		close_penalty=float(row.get("close_penalty") or 0),
	)


def all_grades() -> dict[str, rules.Grade]:
	"""Every grade by name, cached for the request."""
	cache = getattr(frappe.local, "complaint_grades", None)
	if cache is None:
		rows = frappe.get_all("Complaint Grade", fields=list(GRADE_FIELDS))
		cache = {row.name: grade_from_row(row) for row in rows}
		frappe.local.complaint_grades = cache
	return cache


def get_grade(name: str) -> rules.Grade | None:
	return all_grades().get(name)


def clear_grade_cache() -> None:
	frappe.local.complaint_grades = None


def get_settings():
	return frappe.get_cached_doc("Complaint Settings")


def get_calendar(settings=None) -> calendar_hours.Calendar:
	"""The deadline calendar: wall clock, or the working windows and holidays of the settings."""
	settings = settings or get_settings()
	if not settings.use_business_hours:
		return calendar_hours.WALL_CLOCK
	try:
		windows = calendar_hours.parse_windows(
			(w.weekday, w.start_time, w.end_time) for w in settings.working_windows
		)
	except calendar_hours.RuleError as err:
		throw(err)
	holidays = frozenset(get_datetime(h.holiday_date).date() for h in settings.holidays)
	return calendar_hours.Calendar(windows=windows, holidays=holidays)


def _dt(value) -> datetime | None:
	return get_datetime(value) if value else None


def milestones(doc) -> rules.Milestones:
	return rules.Milestones(
		received_on=_dt(doc.received_on),
		acknowledged_on=_dt(doc.acknowledged_on),
		first_replied_on=_dt(doc.first_replied_on),
		close_requested_on=_dt(doc.close_requested_on),
		return_visited_on=_dt(doc.return_visited_on),
		transfer_started_on=_dt(doc.get("transfer_started_on")),
	)


def channel_hours(channel: str | None, settings=None) -> float | None:
	"""The response target (hours) of `channel` in Complaint Settings, None without one."""
	settings = settings or get_settings()
	targets = {row.channel: row.response_hours for row in settings.get("channel_targets") or []}
	return clocks.channel_target(targets, channel)


def pauses(doc) -> list[tuple[datetime, datetime | None]]:
	return [(_dt(p.paused_on), _dt(p.resumed_on)) for p in doc.get("pauses") or []]


def category_ancestors(category: str) -> list[str]:
	"""The category and its ancestors, nearest first."""
	bounds = frappe.db.get_value("Complaint Category", category, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return [category]
	return frappe.get_all(
		"Complaint Category",
		filters={"lft": ("<=", bounds.lft), "rgt": (">=", bounds.rgt)},
		order_by="lft desc",
		pluck="name",
	)


def compensation_tiers() -> list[tuple[float, str]]:
	return [(row.up_to_amount, row.approver_role) for row in get_settings().compensation_tiers]


def approver_roles(doc) -> tuple[str, ...]:
	"""The roles that may approve the closure: the compensation tier's role and the roles of the higher
	tiers; the Complaint Manager without compensation. An amount no tier covers: a clear error."""
	try:
		return authority.approvers(flt(doc.compensation_amount), compensation_tiers())
	except calendar_hours.RuleError as err:
		throw(err, title=_("No approver"))


def approver_role(doc) -> str:
	"""The role of the compensation tier that covers the amount, else the Complaint Manager."""
	return approver_roles(doc)[0]
