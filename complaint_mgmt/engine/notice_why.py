"""Why a penalty notice: the computation the sweep stores on each notice it issues, its explanation in a
language, and the recomputation from the complaint's history that ``complaint_mgmt.api.verify_notices`` and the
patch for earlier notices use. The rules themselves are pure: procedure/notice_computation.py (the dict),
notice_history.py (from history), notice_explanation.py (the text).
"""

import functools
import json
from collections import defaultdict
from datetime import datetime

import frappe
from frappe.utils import cint, flt, get_datetime

from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import clocks, rules, sweep_rules
from complaint_mgmt.procedure import notice_computation as nc
from complaint_mgmt.procedure import notice_explanation as ne
from complaint_mgmt.procedure import notice_history as nh
from complaint_mgmt.procedure.calendar_hours import RuleError

NOTICE = "Complaint Penalty Notice"
STOP_VALUES = ("acknowledged_on", "first_replied_on", "close_requested_on", "return_visited_on")


def _dt(value) -> datetime | None:
	return get_datetime(value) if value else None


def translator(lang: str | None = None):
	"""Frappe's ``_`` in `lang` (None: the request's language) for the explanation's templates."""
	# The templates are string literals of procedure/notice_explanation.py and notice_computation.py, each
	# listed in translations/zh.csv (checked by tests/pure/test_notice_computation.py).
	return functools.partial(frappe._, lang=lang) if lang else frappe._  # nosemgrep


def site_language() -> str:
	return frappe.db.get_default("lang") or "en"


def dumps(computation: dict | None) -> str | None:
	return json.dumps(computation, ensure_ascii=False, sort_keys=True) if computation else None


def loads(value) -> dict | None:
	if not value:
		return None
	if isinstance(value, dict):
		return value
	try:
		loaded = json.loads(value)
	except (TypeError, ValueError):
		return None
	return loaded if isinstance(loaded, dict) else None


def explanation(
	computation: dict | None, lang: str | None = None, unavailable: str = ne.NOT_AVAILABLE
) -> str:
	return ne.text(computation, translator(lang), unavailable=unavailable)


# The sweep ------------------------------------------------------------------------------------------------


def start_event(clock: str, doc) -> str:
	if clock == "Transfer":
		return nc.RETRANSFERRED if doc.get("transfer_started_on") else nc.RECEIVED
	return {"First Reply": nc.ACKNOWLEDGED, "Return Visit": nc.CLOSE_REQUESTED}.get(clock, nc.RECEIVED)


def escalation_rows(doc) -> list[tuple]:
	return [(r.from_grade, r.to_grade, _dt(r.escalated_on)) for r in doc.get("escalations") or []]


def set_sweep_computation(notice, doc, event: sweep_rules.Event, ctx, escalation=None) -> None:
	"""Store on `notice` how the sweep reached it (at ``ctx.now``, on the locked complaint `doc` after any
	escalation of this event), with its explanation in the site's language."""
	clock = event.clock
	start = rules.clock_start(clock, adapters.milestones(doc))
	deadline = event.at if event.kind == sweep_rules.BREACH else _dt(doc.get(rules.DUE_FIELDS[clock]))
	values = {field: _dt(doc.get(field)) for field in (*STOP_VALUES, "deferral_requested_on")}
	stop = clocks.stopped_on(clock, values, doc.status)
	computation = nc.compute(
		nc.NoticeInputs(
			breach_type=notice.breach_type,
			period=cint(notice.period),
			started_on=start,
			start_event=start_event(clock, doc),
			deadline=deadline,
			checked_on=ctx.now,
			done_on=stop if stop is not None and stop <= ctx.now else None,
			grade=nc.grade_at(doc.original_grade or doc.grade, escalation_rows(doc), start)
			if start
			else None,
			calendar=ctx.settings.calendar,
			pauses=adapters.pauses(doc),
			repeat_period_days=ctx.settings.repeat_period_days,
			escalated_from=escalation.from_grade if escalation is not None else None,
			escalated_to=escalation.to_grade if escalation is not None else None,
			penalty_grade=notice.grade,
			base_amount=flt(notice.base_amount),
			multiplier=flt(notice.multiplier),
		)
	)
	notice.computation = dumps(computation)
	notice.explanation = ne.text(computation, sweep_translator(ctx))


def sweep_translator(ctx):
	"""The site language's ``_`` for one sweep, memoised: the explanation's few templates cost ~0.2 ms a notice
	through Frappe's lookup, 0.03 ms memoised (measured on 1,000)."""
	if ctx.translate is None:
		ctx.translate = functools.lru_cache(maxsize=512)(translator(ctx.language))
	return ctx.translate


# The recomputation from history ------------------------------------------------------------------------------


def current_rules() -> nh.Rules:
	settings = adapters.get_settings()
	return nh.Rules(
		grades=adapters.all_grades(),
		calendar=adapters.get_calendar(settings),
		return_visit_hours=settings.return_visit_hours or 12,
		repeat_period_days=flt(settings.repeat_period_days) or 30,
		multiplier=flt(settings.monthly_multiplier) or 2,
	)


def histories(names: list[str]) -> dict[str, nh.History]:
	"""The history of each complaint `names`, with one query per table."""
	if not names:
		return {}
	fields = [
		"name",
		"received_on",
		"original_grade",
		"grade",
		"status",
		"channel",
		"transfer_round",
		"transfer_started_on",
		"close_request_cycle",
		"deferral_requested_on",
		*STOP_VALUES,
	]
	complaints = frappe.get_all("Complaint", filters={"name": ("in", names)}, fields=fields)
	children = defaultdict(lambda: defaultdict(list))
	for field, doctype, columns in (
		("steps", "Complaint Step", ["action", "done_on"]),
		("escalations", "Complaint Escalation", ["from_grade", "to_grade", "escalated_on"]),
		("pauses", "Complaint Pause", ["paused_on", "resumed_on"]),
	):
		for row in frappe.get_all(
			doctype,
			filters={"parent": ("in", names), "parenttype": "Complaint", "parentfield": field},
			fields=["parent", *columns],
			order_by="parent asc, idx asc",
		):
			children[row.parent][field].append(
				tuple(_dt(row[c]) if c.endswith("_on") else row[c] for c in columns)
			)
	for row in frappe.get_all(
		"Complaint Transfer Record",
		filters={"complaint": ("in", names)},
		fields=["complaint", "issued_on", "acknowledged_on", "first_replied_on"],
		order_by="issued_on asc, creation asc",
	):
		children[row.complaint]["records"].append(
			(_dt(row.issued_on), _dt(row.acknowledged_on), _dt(row.first_replied_on))
		)
	result = {}
	for c in complaints:
		kids = children[c.name]
		result[c.name] = nh.History(
			received_on=_dt(c.received_on),
			original_grade=c.original_grade or c.grade,
			status=c.status,
			channel_hours=adapters.channel_hours(c.channel),
			transfer_round=cint(c.transfer_round),
			transfer_started_on=_dt(c.transfer_started_on),
			acknowledged_on=_dt(c.acknowledged_on),
			first_replied_on=_dt(c.first_replied_on),
			close_request_cycle=cint(c.close_request_cycle),
			close_requested_on=_dt(c.close_requested_on),
			return_visited_on=_dt(c.return_visited_on),
			deferral_requested_on=_dt(c.deferral_requested_on),
			records=kids["records"],
			steps=kids["steps"],
			escalations=kids["escalations"],
			pauses=kids["pauses"],
		)
	return result


def recompute(notice, history: nh.History | None, rules_now: nh.Rules) -> dict | None:
	"""The notice's computation from its complaint's history (None: the history does not allow it)."""
	if history is None or not notice.issued_on:
		return None
	try:
		return nh.recompute(
			notice.breach_type, cint(notice.period), _dt(notice.issued_on), history, rules_now
		)
	except RuleError:
		return None


NOTICE_FIELDS = ["name", "complaint", "breach_type", "period", "issued_on", "computation"]


def verify(from_date, to_date) -> tuple[int, list[dict]]:
	"""(notices checked, the notices whose stored computation differs from the recomputation) among the
	notices issued from `from_date` to `to_date` (whole days) that carry a computation (the sweep's)."""
	return check(
		frappe.get_all(
			NOTICE,
			filters=[
				[
					"issued_on",
					">=",
					get_datetime(from_date).replace(hour=0, minute=0, second=0, microsecond=0),
				],
				["issued_on", "<", frappe.utils.add_days(get_datetime(to_date).date(), 1)],
				["computation", "is", "set"],
			],
			fields=NOTICE_FIELDS,
			order_by="issued_on asc, name asc",
		)
	)


def check(notices: list) -> tuple[int, list[dict]]:
	"""(len(notices), those whose stored computation differs from the recomputation from history, each with
	the keys that differ and both values of each)."""
	found = histories(sorted({n.complaint for n in notices if n.complaint}))
	rules_now = current_rules()
	differing = []
	for notice in notices:
		stored = loads(notice.computation)
		recomputed = recompute(notice, found.get(notice.complaint), rules_now)
		keys = nc.differences(stored, recomputed) if recomputed else ["history"]
		if keys:
			differing.append(
				{
					"notice": notice.name,
					"complaint": notice.complaint,
					"differs": keys,
					"stored": {k: (stored or {}).get(k) for k in keys},
					"recomputed": {k: (recomputed or {}).get(k) for k in keys},
				}
			)
	return len(notices), differing


# Reading ------------------------------------------------------------------------------------------------------


def by_hand(notice) -> bool:
	"""A notice issued by hand (the controller said so in its explanation) rather than one issued before
	notices stored their computation."""
	text = notice.get("explanation") or ""
	return text.startswith(ne.BY_HAND) or text.startswith(translator(site_language())(ne.BY_HAND))


def notice_why(notice) -> dict:
	"""{"paragraph", "rows"} of a notice (a document or a row with computation and explanation) in the
	reader's language: the form's "Why this notice", the notice's and the bulletin's print (a Jinja method)."""
	unavailable = ne.BY_HAND if by_hand(notice) else ne.NOT_AVAILABLE
	amount = notice.get("amount")
	return ne.render(
		loads(notice.get("computation")),
		translator(),
		unavailable=unavailable,
		amount=flt(amount) if amount is not None else None,
	)
