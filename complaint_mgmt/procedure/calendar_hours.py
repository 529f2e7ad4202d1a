"""Business-hours calendar for complaint deadlines (pure Python, no Frappe).

Naive datetimes are in the site's time zone; arithmetic is plain (no DST).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

__all__ = ["WALL_CLOCK", "WEEKDAYS", "Calendar", "Pause", "RuleError", "Window", "parse_windows"]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEARCH_DAYS = 3 * 366  # give up when no working time is found within about three years
_FOREVER = datetime.datetime.max
_DAY = datetime.timedelta(days=1)
_TIME_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*$")

Pause = tuple[datetime.datetime, "datetime.datetime | None"]
Interval = tuple[datetime.datetime, datetime.datetime]


class RuleError(ValueError):
	"""A broken business rule.

	`template` is an English sentence with `{0}`-style placeholders and `values` its arguments, so
	a caller can translate with `_(err.template).format(*err.values)`; `message` / `str(err)` is
	the English text.
	"""

	def __init__(self, template: str, *values: object) -> None:
		self.template = template
		self.values = values
		self.message = template.format(*values)
		super().__init__(self.message)

	def __str__(self) -> str:
		return self.message


@dataclass(frozen=True)
class Window:
	"""One weekly working window; `end <= start` crosses midnight (`end == start`: 24 hours)."""

	weekday: int
	start: datetime.time
	end: datetime.time

	def __post_init__(self) -> None:
		if isinstance(self.weekday, bool) or not isinstance(self.weekday, int) or not 0 <= self.weekday <= 6:
			raise RuleError("Weekday must be a number from 0 (Monday) to 6 (Sunday), not {0}.", self.weekday)
		for value in (self.start, self.end):
			if not isinstance(value, datetime.time):
				raise RuleError("Invalid time of day: {0}.", value)

	def span(self, day: datetime.date) -> Interval:
		"""The window's interval when it starts on `day`."""
		begin = datetime.datetime.combine(day, self.start)
		end = datetime.datetime.combine(day, self.end)
		if end <= begin:
			end += _DAY
		return begin, end


def merge_pauses(pauses: Iterable[Pause]) -> list[Interval]:
	"""Sorted, merged pause intervals; an open pause (end None) runs forever."""
	rows = sorted((s, _FOREVER if e is None else e) for s, e in pauses if s is not None)
	merged: list[Interval] = []
	for start, end in rows:
		if end <= start:
			continue
		if merged and start <= merged[-1][1]:
			merged[-1] = (merged[-1][0], max(merged[-1][1], end))
		else:
			merged.append((start, end))
	return merged


def _subtract(intervals: Iterable[Interval], pauses: list[Interval]) -> Iterator[Interval]:
	"""Remove the (sorted, merged) pauses from sorted disjoint intervals; stops at an open pause."""
	first = 0
	for begin, end in intervals:
		while first < len(pauses) and pauses[first][1] <= begin:
			first += 1
		cursor, index = begin, first
		while cursor < end:
			if index < len(pauses) and pauses[index][0] < end:
				pause_start, pause_end = pauses[index]
				if pause_start > cursor:
					yield cursor, pause_start
				if pause_end == _FOREVER:
					return
				cursor = max(cursor, pause_end)
				index += 1
			else:
				yield cursor, end
				break


@dataclass(frozen=True)
class Calendar:
	"""Weekly working windows plus holidays; no windows means wall clock (every hour counts)."""

	windows: tuple[Window, ...] = ()
	holidays: frozenset[datetime.date] = frozenset()

	def __post_init__(self) -> None:
		object.__setattr__(self, "windows", tuple(self.windows))
		object.__setattr__(self, "holidays", frozenset(self.holidays))

	@property
	def is_wall_clock(self) -> bool:
		"""True when every hour counts."""
		return not self.windows

	def _minus_holidays(self, begin: datetime.datetime, end: datetime.datetime) -> Iterator[Interval]:
		if not self.holidays:
			yield begin, end
			return
		piece_start: datetime.datetime | None = None
		cursor = begin
		while cursor < end:
			midnight = datetime.datetime.combine(cursor.date(), datetime.time()) + _DAY
			if cursor.date() in self.holidays:
				if piece_start is not None:
					yield piece_start, cursor
					piece_start = None
			elif piece_start is None:
				piece_start = cursor
			cursor = min(midnight, end)
		if piece_start is not None:
			yield piece_start, end

	def _working(
		self, start: datetime.datetime, until: datetime.datetime | None = None
	) -> Iterator[Interval]:
		"""Sorted, merged working intervals from `start` on (clipped), holidays removed."""
		if not self.windows:
			yield start, _FOREVER
			return
		by_day: dict[int, list[Window]] = {}
		for window in sorted(self.windows, key=lambda w: w.start):
			by_day.setdefault(window.weekday, []).append(window)
		day = start.date() - _DAY  # a window of the previous day may cross midnight into `start`
		last_found = start.date()
		pending: Interval | None = None
		while True:
			day_start = datetime.datetime.combine(day, datetime.time())
			if until is not None and day_start >= until:
				break
			if pending is not None and pending[1] < day_start:
				yield pending
				pending = None
			if until is None and (day - last_found).days > SEARCH_DAYS:
				raise RuleError("No working time found in the business calendar after {0}.", start)
			for window in by_day.get(day.weekday(), ()):
				for begin, end in self._minus_holidays(*window.span(day)):
					if end <= start:
						continue
					begin = max(begin, start)
					last_found = day
					if pending is not None and begin <= pending[1]:
						pending = (pending[0], max(pending[1], end))
					else:
						if pending is not None:
							yield pending
						pending = (begin, end)
			day += _DAY
		if pending is not None:
			yield pending

	def _counting(
		self, start: datetime.datetime, pauses: Sequence[Pause], until: datetime.datetime | None = None
	) -> Iterator[Interval]:
		return _subtract(self._working(start, until), merge_pauses(pauses))

	def add_hours(
		self, start: datetime.datetime, hours: float, pauses: Sequence[Pause] = ()
	) -> datetime.datetime | None:
		"""Earliest instant at which the counted time since `start` reaches `hours`.

		Returns None when an open pause (end None) stops the clock before that: no deadline yet.
		A deadline landing exactly on a window end returns that end; `hours == 0` gives the next
		counting instant.
		"""
		if hours is None or hours < 0:
			raise RuleError("Hours must not be negative: {0}.", hours)
		remaining = datetime.timedelta(hours=hours)
		for begin, end in self._counting(start, pauses):
			if end - begin >= remaining:
				return begin + remaining
			remaining -= end - begin
		return None

	def hours_between(
		self, start: datetime.datetime, end: datetime.datetime, pauses: Sequence[Pause] = ()
	) -> float:
		"""Counted hours in [start, end); 0 if end <= start."""
		if end <= start:
			return 0.0
		total = datetime.timedelta()
		for begin, stop in self._counting(start, pauses, until=end):
			if begin >= end:
				break
			total += min(stop, end) - begin
		return total.total_seconds() / 3600


WALL_CLOCK = Calendar()


def _parse_weekday(value: int | str) -> int:
	if isinstance(value, str):
		text = value.strip().lower()
		if text.isdigit():
			return int(text)
		for index, name in enumerate(WEEKDAYS):
			if len(text) >= 3 and name.lower().startswith(text):
				return index
		raise RuleError("Unknown weekday: {0}.", value)
	return value


def _parse_time(value: str | datetime.time | datetime.timedelta) -> datetime.time:
	if isinstance(value, datetime.time):
		return value
	if isinstance(value, datetime.timedelta):  # Frappe returns Time fields as timedelta
		seconds = value.total_seconds()
		if not 0 <= seconds <= 86400:
			raise RuleError("Invalid time of day: {0}.", value)
		value = f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
	match = _TIME_RE.match(value) if isinstance(value, str) else None
	if not match:
		raise RuleError("Invalid time of day: {0}.", value)
	hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
	micro = int((match[4] or "0").ljust(6, "0"))
	if (hour, minute, second, micro) == (24, 0, 0, 0):
		return datetime.time()  # "24:00" as an end means midnight
	if hour > 23 or minute > 59 or second > 59:
		raise RuleError("Invalid time of day: {0}.", value)
	return datetime.time(hour, minute, second, micro)


def parse_windows(
	rows: Iterable[tuple[int | str, str | datetime.time, str | datetime.time]],
) -> tuple[Window, ...]:
	"""Windows from (weekday, start, end) rows; weekday 0-6 or an English day name, times "HH:MM[:SS]"."""
	return tuple(
		Window(_parse_weekday(day), _parse_time(start), _parse_time(end)) for day, start, end in rows
	)
