"""A penalty notice's computation as readable text (pure Python, no Frappe): a short paragraph and a small
table, "Why this notice", in the reader's language.

Every sentence and label is an English template with ``{0}``-style placeholders, translated by the caller's
`translate` (Frappe's ``_`` in the reader's language; the templates are listed in translations/zh.csv).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from complaint_mgmt.procedure import notice_computation as nc

Translate = Callable[[str], str]
NOT_AVAILABLE = (
	"How this notice was reached is not available: it was issued before notices stored their computation, "
	"and the complaint's history no longer allows recomputing it."
)
BY_HAND = "This notice was issued by hand, not by the deadline sweep: it carries no computation."


def _same(text: str) -> str:
	return text


def hours(value) -> str:
	"""Hours as a short number: 4, 0.5, 12.25."""
	return f"{float(value or 0):.4f}".rstrip("0").rstrip(".")


def calendar_time(start: str | None, end: str | None, t: Translate = _same) -> str:
	"""The calendar time between two stored instants: "2 d 3 h 15 min"."""
	if not start or not end:
		return ""
	seconds = max(int((nc.parse(end) - nc.parse(start)).total_seconds()), 0)
	days, rest = divmod(seconds, 86400)
	parts = []
	if days:
		parts.append(t("{0} d").format(days))
	if rest // 3600:
		parts.append(t("{0} h").format(rest // 3600))
	if rest % 3600 // 60 or not parts:
		parts.append(t("{0} min").format(rest % 3600 // 60))
	return " ".join(parts)


def basis_text(basis: Mapping | None, t: Translate = _same) -> str:
	if not basis or basis.get("type") != nc.BUSINESS:
		return t("wall-clock hours (every hour counts)")
	windows = ", ".join(f"{t(day)} {a}-{b}" for day, a, b in basis.get("windows") or [])
	text = t("business hours: {0}").format(windows)
	if basis.get("holidays"):
		text += "; " + t("holidays {0}").format(", ".join(basis["holidays"]))
	return text


def paragraph(c: Mapping, t: Translate = _same) -> str:
	"""The explanation as a short paragraph."""
	late_end = c.get("done_on") or c.get("checked_on")
	late = calendar_time(c.get("clock_due_on"), late_end, t)
	pauses = c.get("pauses") or []
	parts = [
		t("The {0} clock started at {1} ({2}).").format(
			t(c["clock"]), c.get("started_on"), t(c.get("start_event") or "")
		),
		t("Grade {0} allows {1} hours, counted in {2}.").format(
			t(c.get("grade") or ""), hours(c.get("allowed_hours")), basis_text(c.get("basis"), t)
		),
	]
	if pauses:
		parts.append(
			t("{0} pause(s) waiting on the customer were left out: {1} hours.").format(
				len(pauses), hours(c.get("paused_hours"))
			)
		)
	parts.append(t("The deadline was {0}.").format(c.get("clock_due_on")))
	if c.get("breach_type") == nc.REPEAT:
		parts.append(
			t(
				"Monthly repeat {0} fell due {0} x {1} days after the closing deadline (time waiting on the "
				"customer left out), at {2}."
			).format(c.get("period"), hours(c.get("period_days")), c.get("due_on"))
		)
	if c.get("done_on"):
		parts.append(
			t("The step that stops the clock was done at {0}, {1} hours late ({2}).").format(
				c["done_on"], hours(c.get("late_hours")), late
			)
		)
	else:
		parts.append(
			t("The step that stops the clock was not done by the sweep at {0}: {1} hours late ({2}).").format(
				c.get("checked_on"), hours(c.get("late_hours")), late
			)
		)
	if c.get("escalated_to"):
		parts.append(
			t(
				"The closing deadline was missed: the grade was escalated from {0} to {1} first, so the close penalty of {1} applies."
			).format(t(c.get("escalated_from") or ""), t(c["escalated_to"]))
		)
	parts.append(
		t("Penalty of grade {0}: {1} x {2} = {3}.").format(
			t(c.get("penalty_grade") or ""),
			_money(c.get("base_amount")),
			hours(c.get("multiplier")),
			_money(c.get("amount")),
		)
	)
	return " ".join(parts)


def rows(c: Mapping, t: Translate = _same) -> list[tuple[str, str]]:
	"""The explanation as a small table: (label, value) rows."""
	pauses = "; ".join(f"{a} - {b}" for a, b in c.get("pauses") or []) or t("No pauses")
	done = c.get("done_on") or t("Not done by the sweep at {0}").format(c.get("checked_on"))
	late_end = c.get("done_on") or c.get("checked_on")
	table = [
		(t("Clock"), t(c["clock"])),
		(t("Started On"), f"{c.get('started_on')} ({t(c.get('start_event') or '')})"),
		(
			t("Hours Allowed"),
			t("{0} hours (grade {1})").format(hours(c.get("allowed_hours")), t(c.get("grade") or "")),
		),
		(t("Basis"), basis_text(c.get("basis"), t)),
		(t("Pauses"), pauses),
		(t("Paused Hours"), hours(c.get("paused_hours"))),
		(t("Deadline"), c.get("clock_due_on") or ""),
	]
	if c.get("breach_type") == nc.REPEAT:
		table.append((t("Period"), t("{0} (due {1})").format(c.get("period"), c.get("due_on"))))
	table += [
		(t("Done On"), done),
		(
			t("Late"),
			t("{0} hours ({1})").format(
				hours(c.get("late_hours")), calendar_time(c.get("clock_due_on"), late_end, t)
			),
		),
	]
	if c.get("escalated_to"):
		table.append((t("Escalation"), f"{t(c.get('escalated_from') or '')} → {t(c['escalated_to'])}"))
	table.append(
		(
			t("Amount"),
			f"{_money(c.get('base_amount'))} x {hours(c.get('multiplier'))} = {_money(c.get('amount'))}",
		)
	)
	return table


def render(
	c: Mapping | None, t: Translate = _same, *, unavailable: str = NOT_AVAILABLE, amount: float | None = None
) -> dict:
	"""{"paragraph": ..., "rows": [[label, value], ...]} of a computation (`unavailable` without one).
	`amount`: the notice's own amount, when it was changed after the computation (an appeal's reduction)."""
	if not c:
		return {"paragraph": t(unavailable), "rows": []}
	text, table = paragraph(c, t), [list(row) for row in rows(c, t)]
	if amount is not None and abs(float(amount) - float(c.get("amount") or 0)) >= 0.005:
		text += " " + t(
			"The notice's amount was changed to {0} afterwards (see its appeal decision)."
		).format(_money(amount))
		table.append([t("Amount Now"), _money(amount)])
	return {"paragraph": text, "rows": table}


def text(c: Mapping | None, t: Translate = _same, *, unavailable: str = NOT_AVAILABLE) -> str:
	"""The stored ``explanation``: the paragraph, then the table's rows as "label: value" lines."""
	rendered = render(c, t, unavailable=unavailable)
	return "\n".join([rendered["paragraph"], *(f"{label}: {value}" for label, value in rendered["rows"])])


def _money(value) -> str:
	return f"{float(value or 0):,.2f}"
