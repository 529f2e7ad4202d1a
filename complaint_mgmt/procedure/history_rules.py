"""Historic complaints brought in from a spreadsheet (pure Python, no Frappe): what one row must satisfy and the
values it is stored with.

Only complaints that were handled already come in this way (status Closed or Deferred); open ones are registered
with Frappe's Data Import like any new complaint. A historic row keeps its own milestones and closure type; it is
checked against the procedure, never replayed:

- **Order of steps.** received_on ≤ transferred_on ≤ acknowledged_on ≤ first_replied_on ≤ deferral_requested_on
  ≤ deferral_approved_on ≤ close_requested_on ≤ return_visited_on ≤ closed_on, none in the future.
- **Missing steps.** Every step the procedure requires on the way to the row's status must be there (a handled
  complaint was transferred and acknowledged; a closed one replied, asked to close, got its return visit and was
  closed; a deferred one asked for the deferral and had it approved). The one step the procedure lets a complaint
  skip is the first reply before a deferral (deferral can be asked from Acknowledged), so first_replied_on may be
  empty only on a row with a deferral. A deferred row has no close request, return visit or closure.
- **Closure type.** First Closure iff the close request came by the closing deadline: received_on plus the close
  hours of the grade at registration (original_grade, else grade) in the deadline calendar; after a deferral
  the deadline it had when deferred (the same instant); none for an irrational grade (First Closure). An empty
  closure_type is filled in, a wrong one refused.
- **Clocks.** None runs: the deadlines of the past are stored as they were, every clock missed in the past is
  marked breached and warned (monthly repeats counted up to the close request), ``next_check_at`` stays empty,
  so the sweep never picks the complaint up and no penalty is issued for the past.

Errors are ``(column, RuleError)`` pairs; the templates are marked with ``_`` for Frappe's message extractor
and translated by the caller (``complaint_mgmt.loop.history_import``).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from complaint_mgmt.procedure import clocks, corrective_action, inbox, rules, transitions
from complaint_mgmt.procedure.calendar_hours import WALL_CLOCK, Calendar, RuleError


def _(message: str) -> str:
	"""Marks `message` for translation (Frappe's extractor collects ``_("...")``); the caller translates it."""
	return message


HISTORIC_STATUSES = ("Closed", "Deferred")
CLOSURE_TYPES = (rules.FIRST_CLOSURE, rules.SECOND_CLOSURE)
# The steps in the order the procedure takes them.
MILESTONES = ("received_on", "transferred_on", "acknowledged_on", "first_replied_on", "deferral_requested_on",
	"deferral_approved_on", "close_requested_on", "return_visited_on", "closed_on")  # fmt: skip
LONG_TEXTS = ("description", "customer_request", "irrational_reason", "deferral_reason", "resolution", "root_cause",
	"corrective_action")  # fmt: skip
SHORT_TEXTS = ("source_reference", "customer_name", "contact_phone", "contact_email")
TEXT_LIMITS = {**dict.fromkeys(SHORT_TEXTS, 140), **dict.fromkeys(LONG_TEXTS, 20000)}
CHOICE_COLUMNS = ("status", "channel", "category", "grade", "original_grade", "department", "follow_up_mode",
	"closure_type")  # fmt: skip
AMOUNT_COLUMNS = ("claim_amount", "compensation_amount")
# The template's columns, in order (the header may also use each field's English label).
COLUMNS = ("source_reference", "status", "customer_name", "contact_phone", "contact_email", "channel", "category",
	"grade", "original_grade", "department", "description", "customer_request", "claim_amount", *MILESTONES,
	"irrational_reason", "deferral_reason", "follow_up_mode", "resolution", "root_cause", "corrective_action",
	"compensation_amount", "closure_type")  # fmt: skip
# Every row needs these; the others depend on the status (see the module's docstring).
REQUIRED_COLUMNS = ("status", "customer_name", "channel", "category", "grade", "department", "description",
	"received_on", "transferred_on", "acknowledged_on")  # fmt: skip
CLOSED_REQUIRED = ("close_requested_on", "return_visited_on", "closed_on", "resolution", "root_cause",
	"corrective_action")  # fmt: skip
DEFERRAL_REQUIRED = ("deferral_requested_on", "deferral_approved_on", "deferral_reason", "follow_up_mode")
NOT_WHEN_DEFERRED = (*CLOSED_REQUIRED, "closure_type", "compensation_amount")
# Option values that appear in messages (the caller translates them).
OPTION_VALUES = frozenset((*transitions.STATUSES, *CLOSURE_TYPES, *transitions.FOLLOW_UP_MODES))
# Frappe's phone check (frappe.utils.validate_phone_number)
PHONE_RE = re.compile(r"^[0-9 +_\-,.*#()]{1,20}$")
# one bare address: no display name, no markup, no list (the app stores contact addresses bare everywhere)
EMAIL_RE = re.compile(r"^[^@\s<>\"'`(),;:\[\]\\]+@[^@\s<>\"'`(),;:\[\]\\]+\.[^@\s<>\"'`(),;:\[\]\\]+$")
DATE_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y.%m.%d %H:%M")


@dataclass(frozen=True)
class Context:
	"""What a row is checked against: master data, the deadline settings and the present instant."""

	grades: Mapping[str, rules.Grade]
	categories: frozenset[str]
	departments: frozenset[str]
	channels: tuple[str, ...] = rules.CHANNELS
	now: datetime.datetime = field(default_factory=datetime.datetime.now)
	calendar: Calendar = WALL_CLOCK
	return_visit_hours: float | None = 12
	channel_hours: Mapping[str, float] = field(default_factory=dict)
	repeat_period_days: float = 30


@dataclass
class Checked:
	"""One row after the check: `values` (the Complaint's fields) when `errors` is empty."""

	values: dict | None
	errors: list[tuple[str, RuleError]]


def parse_datetime(value: object) -> datetime.datetime | None:
	"""A spreadsheet cell as a naive datetime (ISO ``2024-03-01 09:30[:00]``, ``2024/3/1 9:30``, a date alone is
	midnight, an XLSX date cell as it is); None when empty; RuleError when it is not a date."""
	if value is None or value == "":
		return None
	if isinstance(value, datetime.date):
		if not isinstance(value, datetime.datetime):
			return datetime.datetime.combine(value, datetime.time())
		return value if value.tzinfo is None else value.replace(tzinfo=None)
	text = str(value).strip()
	try:
		parsed = datetime.datetime.fromisoformat(text)
		return parsed if parsed.tzinfo is None else parsed.replace(tzinfo=None)
	except ValueError:
		pass
	for fmt in DATE_FORMATS:
		try:
			return datetime.datetime.strptime(text, fmt)
		except ValueError:
			continue
	raise RuleError(_("{0} is not a date and time (use 2024-03-01 09:30)."), text[:40])


def _text(value: object) -> str | None:
	if value is None:
		return None
	if isinstance(value, float) and value.is_integer():
		value = int(value)  # a phone number typed into a spreadsheet cell
	text = str(value).strip()
	return text or None


def _amount(value: object) -> float:
	if value is None or value == "":
		return 0.0
	try:
		number = float(str(value).replace(",", ""))
	except ValueError:
		raise RuleError(_("{0} is not a number."), str(value)[:40]) from None
	if not math.isfinite(number) or number < 0 or number > 1e12:
		raise RuleError(_("{0} must be an amount from 0 to 1,000,000,000,000."), str(value)[:40])
	return number


def _clean(raw: Mapping[str, object], errors: list) -> dict:
	"""The row's cells as typed values; a cell that cannot be read is an error of its column."""
	values: dict = {}
	for column, parse, limit in _PARSERS:
		try:
			value = parse(raw.get(column))
		except RuleError as err:
			errors.append((column, err))
			value = None
		if limit and value and len(value) > limit:
			errors.append((column, RuleError(_("Too long: at most {0} characters."), limit)))
			value = None
		values[column] = value
	return values


_PARSERS = tuple(
	(c, parse_datetime if c in MILESTONES else _amount if c in AMOUNT_COLUMNS else _text, TEXT_LIMITS.get(c))
	for c in COLUMNS
)


def _check_choices(v: dict, ctx: Context, errors: list) -> None:
	allowed = {
		"status": HISTORIC_STATUSES,
		"channel": ctx.channels,
		"category": ctx.categories,
		"grade": ctx.grades,
		"original_grade": ctx.grades,
		"department": ctx.departments,
		"follow_up_mode": transitions.FOLLOW_UP_MODES,
		"closure_type": CLOSURE_TYPES,
	}
	for column in CHOICE_COLUMNS:
		value = v[column]
		if value is None or value in allowed[column]:
			continue
		if column == "status" and value in transitions.STATUSES:
			message = _(
				"Only handled complaints (Closed or Deferred) are imported here; register {0} ones with Data Import."
			)
			errors.append((column, RuleError(message, value)))
		elif column in ("status", "channel", "follow_up_mode", "closure_type"):
			options = ", ".join(allowed[column])
			errors.append((column, RuleError(_("{0} is not one of: {1}."), value, options)))
		else:
			errors.append((column, RuleError(_("{0} does not exist."), value)))
		v[column] = None


def _check_contact(v: dict, errors: list) -> None:
	if v["contact_phone"] and not PHONE_RE.match(v["contact_phone"]):
		errors.append(("contact_phone", RuleError(_("{0} is not a valid phone number."), v["contact_phone"])))
	if v["contact_email"] and not EMAIL_RE.match(v["contact_email"]):
		errors.append(
			("contact_email", RuleError(_("{0} is not a valid e-mail address."), v["contact_email"]))
		)


def _check_required(v: dict, deferral: bool, errors: list) -> None:
	needed = list(REQUIRED_COLUMNS)
	if v["status"] == "Closed":
		needed += CLOSED_REQUIRED
		if not deferral:
			needed.append("first_replied_on")
	if deferral or v["status"] == "Deferred":
		needed += DEFERRAL_REQUIRED
	if v["_grade_irrational"]:
		needed += ["follow_up_mode", "irrational_reason"]
	for column in dict.fromkeys(needed):
		if v[column] is None and not any(c == column for c, _err in errors):
			errors.append((column, RuleError(_("This column is required here."))))


def _check_status_fields(v: dict, deferral: bool, errors: list) -> None:
	if v["status"] == "Deferred":
		for column in NOT_WHEN_DEFERRED:
			if v[column]:
				message = _(
					"A deferred complaint has no close request, return visit or closure: leave it empty or set the status Closed."
				)
				errors.append((column, RuleError(message)))
	if v["follow_up_mode"] and not deferral and v["status"] != "Deferred" and not v["_grade_irrational"]:
		message = _("Only a deferred or irrational complaint has a follow-up mode.")
		errors.append(("follow_up_mode", RuleError(message)))


def _check_order(v: dict, now: datetime.datetime, errors: list) -> None:
	previous = None
	for column in MILESTONES:
		at = v[column]
		if at is None:
			continue
		if column == "received_on":
			try:
				rules.validate_received_on(at, now)
			except RuleError as err:
				errors.append((column, err))
		elif at > now:
			errors.append((column, RuleError(_("{0} lies in the future."), at)))
		if previous is not None and at < v[previous]:
			message = _("{0} lies before {1} ({2}): the steps must follow the procedure's order.")
			errors.append((column, RuleError(message, at, previous, v[previous])))
		previous = column


def _check_grades(v: dict, ctx: Context, errors: list) -> None:
	grade, original = ctx.grades.get(v["grade"] or ""), ctx.grades.get(v["original_grade"] or "")
	if grade and original and grade.is_irrational != original.is_irrational:
		message = _("The grade of a transferred complaint cannot be changed to or from an irrational grade.")
		errors.append(("grade", RuleError(message)))


def historic_clocks(v: dict, grade: rules.Grade, ctx: Context) -> dict:
	"""The clock fields of a handled complaint: its past deadlines, every clock missed in the past marked breached
	(and warned), monthly repeats counted up to the close request; nothing left for the sweep to do."""
	deferral = v["deferral_approved_on"] is not None
	m = rules.Milestones(
		received_on=v["received_on"],
		acknowledged_on=v["acknowledged_on"],
		first_replied_on=v["first_replied_on"],
		close_requested_on=v["close_requested_on"],
		return_visited_on=v["return_visited_on"],
	)
	d = rules.compute_deadlines(
		grade,
		m,
		return_visit_hours=None
		if deferral
		else ctx.return_visit_hours,  # a deferred complaint's runs no clock
		channel_hours=ctx.channel_hours.get(v["channel"] or ""),
		calendar=ctx.calendar,
	)
	stops = {
		"Transfer": v["acknowledged_on"],
		"First Reply": v["first_replied_on"] or v["deferral_approved_on"],
		"Close": v["deferral_requested_on"] if deferral else v["close_requested_on"],
		"Return Visit": v["return_visited_on"],
	}
	out: dict = {"close_due_at_deferral": d.close_due if deferral else None, "repeat_periods_issued": 0}
	for clock in rules.CLOCKS:
		due, stop = d.due(clock), stops[clock]
		breached = due is not None and (stop is None or stop > due)
		# after a deferral only the breached deadlines stay on record (as approve_deferral leaves them)
		out[rules.DUE_FIELDS[clock]] = due if (breached or not deferral) else None
		out[clocks.BREACH_FLAGS[clock]] = int(breached)
		out[clocks.WARNED_FLAGS[clock]] = int(out[rules.DUE_FIELDS[clock]] is not None)
	if out[clocks.BREACH_FLAGS["Close"]] and stops["Close"] is not None:
		before_stop = stops["Close"] - datetime.timedelta(
			microseconds=1
		)  # a period due at the stop is in time
		out["repeat_periods_issued"] = len(
			clocks.due_repeats(d.close_due, before_stop, ctx.repeat_period_days)
		)
	out["_closure_type"] = (
		rules.closure_type(
			v["close_requested_on"], d.close_due, deferred=deferral, close_due_at_deferral=d.close_due
		)
		if v["close_requested_on"]
		else None
	)
	out["_close_due"] = d.close_due
	return out


def _check_closure(v: dict, clock_values: dict, errors: list) -> None:
	if v["status"] != "Closed":
		return
	try:
		corrective_action.validate_corrective_action(v["corrective_action"])
	except RuleError as err:
		errors.append(("corrective_action", err))
	expected, given = clock_values["_closure_type"], v["closure_type"]
	if given is None or given == expected:
		return
	due, requested = clock_values["_close_due"], v["close_requested_on"]
	if due is None:
		message = _(
			"Closure type {0} does not fit: an irrational complaint has no closing deadline, so it is a {1}."
		)
		errors.append(("closure_type", RuleError(message, given, expected)))
	elif requested <= due:
		message = _(
			"Closure type {0} does not fit: the close request {1} came by the closing deadline {2}, so it is a {3}."
		)
		errors.append(("closure_type", RuleError(message, given, requested, due, expected)))
	else:
		message = _(
			"Closure type {0} does not fit: the close request {1} came after the closing deadline {2}, so it is a {3}."
		)
		errors.append(("closure_type", RuleError(message, given, requested, due, expected)))


def check_row(raw: Mapping[str, object], ctx: Context) -> Checked:
	"""Check one spreadsheet row (column -> cell); the Complaint's values when it passes, else every error."""
	errors: list[tuple[str, RuleError]] = []
	v = _clean(raw, errors)
	_check_choices(v, ctx, errors)
	_check_contact(v, errors)
	grade = ctx.grades.get(v["original_grade"] or v["grade"] or "")
	v["_grade_irrational"] = bool(grade and grade.is_irrational)
	deferral = v["deferral_requested_on"] is not None or v["deferral_approved_on"] is not None
	_check_required(v, deferral, errors)
	_check_status_fields(v, deferral, errors)
	_check_order(v, ctx.now, errors)
	_check_grades(v, ctx, errors)
	if errors or grade is None:
		return Checked(None, errors)
	clock_values = historic_clocks(v, grade, ctx)
	_check_closure(v, clock_values, errors)
	if errors:
		return Checked(None, errors)
	return Checked(_values(v, clock_values, deferral), [])


def _values(v: dict, clock_values: dict, deferral: bool) -> dict:
	stage = transitions.SECONDARY if deferral else ("First" if v["_grade_irrational"] else "")
	closed = v["status"] == "Closed"
	values = {c: v[c] for c in COLUMNS}  # source_reference: no field, kept for the "Imported" step
	values.update({k: val for k, val in clock_values.items() if not k.startswith("_")})
	values.update(
		original_grade=v["original_grade"] or v["grade"],
		irrational_stage=stage,
		is_external=int(rules.is_external_channel(v["channel"])),
		closure_type=clock_values["_closure_type"] if closed else "",
		satisfied=int(closed),  # the return visit of an approved closure was a satisfied one
		next_check_at=None,
		imported=1,
		sla_status=inbox.sla_state(
			v["status"], any(clock_values[f] for f in clocks.BREACH_FLAGS.values()), False
		),
	)
	return values


def duplicate_key(values: Mapping[str, object]) -> tuple:
	"""What makes two historic rows the same complaint: the customer, the instant received and the category."""
	return ((str(values.get("customer_name") or "")).strip().casefold(), values.get("received_on"),
		values.get("category"))  # fmt: skip


def repeat_indexes(rows: Iterable[tuple[int, Mapping[str, object]]], days: float) -> set[int]:
	"""Indexes of the rows that repeat an earlier row of the same customer (``rules.REPEAT_CUSTOMER_FIELDS``:
	phone or e-mail, history has no party) and category within `days` (the repeat-complaint window)."""
	window = datetime.timedelta(days=days or 30)
	latest: dict[tuple, datetime.datetime] = {}
	repeats = set()
	for index, values in sorted(rows, key=lambda r: r[1]["received_on"]):
		for key in rules.REPEAT_CUSTOMER_FIELDS:
			if not values.get(key):
				continue
			ident = (key, values[key], values.get("category"))
			seen = latest.get(ident)
			if seen is not None and values["received_on"] - seen <= window:
				repeats.add(index)
			latest[ident] = values["received_on"]
	return repeats
