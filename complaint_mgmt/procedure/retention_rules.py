"""Records retention (spec §6: records are kept for two years at least), pure Python (no Frappe).

A complaint, its transfer records and its penalty notices can be deleted only once the retention period has
passed since the complaint's closure; an open (or deferred) complaint has no closure and is kept.
"""

from __future__ import annotations

import datetime

from complaint_mgmt.procedure.calendar_hours import RuleError

DEFAULT_RETENTION_DAYS = 730
MIN_RETENTION_DAYS = 730


def validate_retention_days(days: int | None) -> None:
	if days is None or days < MIN_RETENTION_DAYS:
		raise RuleError(
			"Retention (Days) must be at least {0}: records are kept for two years at least.",
			MIN_RETENTION_DAYS,
		)


def deletable_from(closed_on: datetime.datetime | None, retention_days: int) -> datetime.datetime | None:
	"""The first instant at which the records may be deleted; None while the complaint is not closed."""
	if closed_on is None:
		return None
	return closed_on + datetime.timedelta(days=retention_days)


def check_deletable(
	complaint: str, closed_on: datetime.datetime | None, retention_days: int, now: datetime.datetime
) -> None:
	"""RuleError unless the retention period has passed since the complaint's closure."""
	if closed_on is None:
		raise RuleError(
			"Complaint {0} is not closed: it and its transfer records and penalty notices are kept and"
			" cannot be deleted.",
			complaint,
		)
	until = deletable_from(closed_on, retention_days)
	if now < until:
		raise RuleError(
			"Complaint {0} was closed on {1}: it and its transfer records and penalty notices are kept for"
			" {2} days and cannot be deleted before {3}.",
			complaint,
			closed_on.date(),
			retention_days,
			until.date(),
		)
