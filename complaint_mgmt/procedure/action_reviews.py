"""Corrective actions are verified (issue 18 §3, spec §7): some time after a closure is approved the department's
manager reviews whether its corrective action worked. Pure: no Frappe.

- When: a closed complaint with a corrective action (not imported history) gets one review
  ``effectiveness_review_days`` (default 90) calendar days after the day its closure was approved (site time
  zone); it is due ``effectiveness_review_allowed_days`` (default 14) days after it opened and is overdue (flagged
  to the Complaint Manager, once) from the day after. A closure whose review day lies more than
  ``CATCH_UP_DAYS`` back gets none: a site that installs this (or a job that stopped for a month) does not flood
  the managers with reviews of closures long past.
- What the system found: the complaints of the same department and category received since the closure
  (recurrences), and for each whether its root cause is similar to the reviewed one (``is_similar``).
- Who: the department's manager, or a Complaint Manager. Effective or Not Effective, with a note; Not Effective
  needs a new corrective action, which the slogan check of ``corrective_action`` applies to.

Similar root causes (``similarity``): both texts become sets of tokens — NFKC, lower case; in Latin text every
word of two or more letters or digits that is not a stop word, a plural ``s`` dropped; in Chinese (and other
CJK) text, which writes no spaces, every pair of adjacent characters (character bigrams; a lone character is a
token of its own) after a few function characters (的, 了, 是 ...) are taken out — and their Dice coefficient
``2 |A ∩ B| / (|A| + |B|)`` is compared with ``SIMILARITY_THRESHOLD`` (0.5). Empty texts are similar to
nothing. Deliberately simple: it flags likely repeats of a cause for the manager, who judges.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from complaint_mgmt.procedure.appeals import NotPermitted
from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.corrective_action import validate_corrective_action

OPEN, EFFECTIVE, NOT_EFFECTIVE = "Open", "Effective", "Not Effective"
STATUSES = (OPEN, EFFECTIVE, NOT_EFFECTIVE)
MANAGER_ROLE = "Complaint Manager"
REVIEWED_STEP = "Corrective Action Reviewed"  # the complaint's step log

DEFAULT_REVIEW_DAYS = 90
DEFAULT_ALLOWED_DAYS = 14
SETTING_DEFAULTS = {
	"effectiveness_review_days": DEFAULT_REVIEW_DAYS,
	"effectiveness_review_allowed_days": DEFAULT_ALLOWED_DAYS,
}
CATCH_UP_DAYS = 30
LISTED_RECURRENCES = 50  # rows kept on a review (all are counted)

SIMILARITY_THRESHOLD = 0.5
STOP_WORDS = frozenset(
	"the a an and or of for to in on at by with from as is are was were be been being it its this that these"
	" those not no was has have had did do does than then into onto over under our their his her they we"
	" he she you your".split()
)
CJK_FUNCTION_CHARS = frozenset("的了是在和与及或也就都而且但对把被让给着过吗呢吧啊")


@dataclass(frozen=True)
class Recurrence:
	complaint: str
	similarity: float
	similar: bool


def opens_on(closed_on: date, review_days: int) -> date:
	"""The day the review of a closure approved on `closed_on` opens."""
	return closed_on + timedelta(days=max(int(review_days), 0))


def due_on(opened_on: date, allowed_days: int) -> date:
	"""The last day of the review opened on `opened_on` (overdue from the next day)."""
	return opened_on + timedelta(days=max(int(allowed_days), 0))


def closure_window(today: date, review_days: int) -> tuple[date, date]:
	"""[first, last + 1 day): the closure days whose review opens by `today` and lies at most `CATCH_UP_DAYS`
	back."""
	last = today - timedelta(days=max(int(review_days), 0))
	return last - timedelta(days=CATCH_UP_DAYS), last + timedelta(days=1)


def is_overdue(status: str, due: date | None, today: date) -> bool:
	return status == OPEN and due is not None and today > due


# Similar root causes
# -------------------


def _is_cjk(ch: str) -> bool:
	return unicodedata.name(ch, "").startswith(
		("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA")
	)


def _word(word: str) -> str | None:
	if len(word) < 2 or word in STOP_WORDS:
		return None
	return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _runs(text: str) -> list[tuple[bool, str]]:
	"""(is CJK, run) of the text's letters and digits; anything else separates runs."""
	runs: list[tuple[bool, str]] = []
	current, cjk = "", False
	for ch in unicodedata.normalize("NFKC", text or "").lower():
		kind = _is_cjk(ch)
		if kind and ch in CJK_FUNCTION_CHARS:
			ch, kind = " ", False
		if not (kind or ch.isalnum()):
			if current:
				runs.append((cjk, current))
			current = ""
			continue
		if current and kind != cjk:
			runs.append((cjk, current))
			current = ""
		current, cjk = current + ch, kind
	if current:
		runs.append((cjk, current))
	return runs


def tokens(text: str | None) -> frozenset[str]:
	"""The text's tokens: Latin words (stop words out, plural s dropped) and CJK character bigrams."""
	found = set()
	for cjk, run in _runs(text or ""):
		if not cjk:
			if word := _word(run):
				found.add(word)
		elif len(run) == 1:
			found.add(run)
		else:
			found.update(run[i : i + 2] for i in range(len(run) - 1))
	return frozenset(found)


def similarity(a: str | None, b: str | None) -> float:
	"""Dice coefficient of the two texts' tokens (0.0 when either has none), rounded to 3 decimals."""
	ta, tb = tokens(a), tokens(b)
	if not ta or not tb:
		return 0.0
	return round(2 * len(ta & tb) / (len(ta) + len(tb)), 3)


def is_similar(a: str | None, b: str | None) -> bool:
	return similarity(a, b) >= SIMILARITY_THRESHOLD


def recurrences(root_cause: str | None, found: list[tuple[str, str | None]]) -> list[Recurrence]:
	"""Each later complaint (name, its root cause) with its similarity to `root_cause`."""
	rows = []
	for name, cause in found:
		score = similarity(root_cause, cause)
		rows.append(Recurrence(name, score, score >= SIMILARITY_THRESHOLD))
	return rows


# Recording the review
# --------------------


def check_reviewer(user: str, roles: frozenset[str], department: str | None, manager: str | None) -> None:
	"""The department's manager reviews, or a Complaint Manager."""
	if MANAGER_ROLE in roles or (manager and user == manager):
		return
	raise NotPermitted(
		"Only the manager of department {0} or a Complaint Manager can review this corrective action.",
		department or "",
	)


def check_review(
	status: str, effective: bool, note: str | None, new_action: str | None
) -> tuple[str, str, str]:
	"""(new status, note, new corrective action or "") of a review recorded now; RuleError when refused."""
	if status != OPEN:
		raise RuleError("This review has been recorded already ({0}).", status)
	text = (note or "").strip()
	if not text:
		raise RuleError("Give a note on the review: what was checked and found.")
	action = (new_action or "").strip()
	if effective:
		if action:
			raise RuleError(
				"A new corrective action is given only when the corrective action was not effective."
			)
		return EFFECTIVE, text, ""
	if not action:
		raise RuleError("A corrective action that was not effective needs a new corrective action.")
	validate_corrective_action(action)
	return NOT_EFFECTIVE, text, action
