"""Compensation approval authority (spec §6): an editable matrix amount ceiling → approving role, pure Python
(no Frappe), re-exported by ``complaint_mgmt.procedure.rules``.

A tier is ``(up_to_amount, role)``. A row whose ceiling is empty or 0 is the *open* top tier: it has no ceiling
and covers every amount above the highest bounded row. The role of a tier may approve its own amounts and, as
a higher authority, every smaller amount.
"""

from __future__ import annotations

from collections.abc import Sequence

from complaint_mgmt.procedure.calendar_hours import RuleError

Tier = tuple[float | None, str]
# Approves a closure without compensation (and is always among the approvers).
DEFAULT_APPROVER_ROLE = "Complaint Manager"


def is_open_tier(ceiling: float | None) -> bool:
	"""True for the top tier without a ceiling (empty or 0)."""
	return ceiling is None or ceiling == 0


def validate_tiers(tiers: Sequence[Tier]) -> None:
	"""Rows in ascending order: bounded ceilings > 0 and strictly ascending, at most one open tier (the last
	row), a role on every row."""
	previous: float | None = None
	for index, (ceiling, role) in enumerate(tiers, start=1):
		if not role or not str(role).strip():
			raise RuleError("Row {0}: an approving role is required.", index)
		if is_open_tier(ceiling):
			if index != len(tiers):
				raise RuleError(
					"Row {0}: only the last row may have no ceiling (it approves every higher amount).", index
				)
			continue
		if ceiling < 0:
			raise RuleError("Row {0}: the amount ceiling must be more than 0.", index)
		if previous is not None and ceiling <= previous:
			raise RuleError(
				"Row {0}: ceilings must be strictly ascending ({1} after {2}).", index, ceiling, previous
			)
		previous = ceiling


def _ordered(tiers: Sequence[Tier]) -> list[Tier]:
	"""Bounded tiers by ascending ceiling, then the open tier(s), whatever the rows' order."""
	return sorted(tiers, key=lambda row: (is_open_tier(row[0]), row[0] or 0))


def approver_roles(amount: float | None, tiers: Sequence[Tier]) -> tuple[str, ...]:
	"""The roles that may approve a compensation of `amount`: the tier's role first, then the roles of every
	higher tier. Empty when there is no compensation or no tier (the default approver decides).

	An amount above every bounded ceiling needs the open tier; without one, nobody may approve it (RuleError).
	"""
	if not tiers or amount is None or amount <= 0:
		return ()
	ordered = _ordered(tiers)
	for index, (ceiling, _role) in enumerate(ordered):
		if is_open_tier(ceiling) or amount <= ceiling:
			return tuple(dict.fromkeys(role for _ceiling, role in ordered[index:]))
	highest = ordered[-1][0]
	raise RuleError(
		"No compensation tier approves {0}: it is above the highest ceiling {1}. Add a last tier without"
		" ceiling (empty amount) in Complaint Settings.",
		amount,
		highest,
	)


def approvers(amount: float | None, tiers: Sequence[Tier]) -> tuple[str, ...]:
	"""Who may decide the closure (approve it, or reject it) of a compensation of `amount`: the roles of
	``approver_roles``, or the Complaint Manager without compensation or without any tier. The one rule the
	server refuses by (``loop.steps.begin``) and the desk offers by (``approval_condition``).

	RuleError when no tier covers the amount (nobody may decide it)."""
	return approver_roles(amount, tiers) or (DEFAULT_APPROVER_ROLE,)


# What a Frappe Workflow condition reads of the complaint (the compensation as the server reads it: flt()).
AMOUNT = "(doc.compensation_amount or 0)"


def approval_condition(role: str, tiers: Sequence[Tier]) -> str | None:
	"""The Workflow condition (a Python expression on the complaint `doc`, evaluated by Frappe's
	``get_transitions``) under which `role` may decide the closure: the amounts for which `role` is among
	``approvers``. None: every amount; "False": none.

	Tabulated from ``approvers`` itself, so the rule stays in one place: between two consecutive ceilings (and
	at or below 0, and above the highest ceiling) ``approvers`` answers the same for every amount, so one
	amount of each stretch decides it (its upper end, or just above the highest ceiling)."""
	ceilings = sorted({float(c) for c, _role in tiers if not is_open_tier(c)})
	lows = [None, 0.0, *ceilings]
	highs = [0.0, *ceilings, None]
	allowed = []
	for low, high in zip(lows, highs, strict=True):
		sample = high if high is not None else low + 1
		try:
			allowed.append(role in approvers(sample, tiers))
		except RuleError:
			allowed.append(False)
	if all(allowed):
		return None
	ranges = []  # adjacent allowed stretches merged: (low exclusive or None, high inclusive or None)
	for low, high, ok in zip(lows, highs, allowed, strict=True):
		if not ok:
			continue
		if ranges and ranges[-1][1] == low:
			ranges[-1] = (ranges[-1][0], high)
		else:
			ranges.append((low, high))
	return " or ".join(_range_expression(low, high) for low, high in ranges) or "False"


def _range_expression(low: float | None, high: float | None) -> str:
	if low is None:
		return f"{AMOUNT} <= {high!r}"
	if high is None:
		return f"{AMOUNT} > {low!r}"
	return f"{low!r} < {AMOUNT} <= {high!r}"


def approver_role(amount: float | None, tiers: Sequence[Tier]) -> str | None:
	"""The role of the tier that covers `amount`; None when there is no compensation or no tier."""
	roles = approver_roles(amount, tiers)
	return roles[0] if roles else None
