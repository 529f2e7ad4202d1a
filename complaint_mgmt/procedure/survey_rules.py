"""The customer's satisfaction survey (issue 19 §10): what an answer must hold and when its link still counts.
Pure: no Frappe."""

from __future__ import annotations

from datetime import datetime

from complaint_mgmt.procedure.calendar_hours import RuleError

SCORES = (1, 2, 3, 4, 5)
COMMENT_CHARS = 2000


def answer_values(satisfied, score, comment) -> tuple[bool, int, str]:
	"""(satisfied, score, comment) of an answer, or RuleError: satisfied yes or no, a score 1-5, a comment of
	at most COMMENT_CHARS characters (optional)."""
	if satisfied not in (True, False, 1, 0, "1", "0", "true", "false"):
		raise RuleError("Tell us whether you are satisfied.")
	if isinstance(score, bool) or str(score).strip() not in {str(s) for s in SCORES}:
		raise RuleError("Give a score from 1 to 5.")
	if comment is not None and not isinstance(comment, str):
		raise RuleError("The comment must be text.")
	comment = (comment or "").strip()
	if len(comment) > COMMENT_CHARS:
		raise RuleError("The comment is too long.")
	return satisfied in (True, 1, "1", "true"), int(str(score).strip()), comment


def link_counts(
	expires_on: datetime | None,
	answered: bool,
	now: datetime,
	status: str,
	cycle: int,
	survey_cycle: int,
) -> bool:
	"""A survey link counts when it was not used, has not expired, and its close request is the one waiting
	for the return visit (a return visit made by phone, or a rejected request, ends it)."""
	return (
		not answered
		and expires_on is not None
		and now < expires_on
		and status == "Close Requested"
		and cycle == survey_cycle
	)
