"""Durations as people read them (pure Python, no Frappe): "4 d 23 h", "5 h 12 min", "4 天 23 小时".

One formatter for every place that shows time left or time late (the form's headline, the complaint list's
"Next due", the reports, the notices). Its JavaScript twin is ``complaint_mgmt/public/js/durations.js``
(``complaint_mgmt.durations.format``): the same words and the same rounding, checked by tests/pure.

Rules: the two largest units that matter, rounded down to the minute: days and hours from one day on (the
minutes are noise then), hours and minutes from one hour on, minutes below; a zero second unit is left out
("2 d", "3 h"); under a minute reads "< 1 min". The sign is ignored: `left`/`overdue` word the direction.
"""

from __future__ import annotations

MINUTE, HOUR, DAY = 60, 3600, 86400

# The words of each language: unit suffixes, joined by a space; "left"/"overdue" templates around the duration.
WORDS = {
	"en": {
		"d": "{0} d",
		"h": "{0} h",
		"min": "{0} min",
		"under_minute": "< 1 min",
		"left": "{0} left",
		"overdue": "overdue by {0}",
		"due_in": "{1} due in {0}",
		"overdue_clock": "{1} overdue by {0}",
	},
	"zh": {
		"d": "{0} 天",
		"h": "{0} 小时",
		"min": "{0} 分钟",
		"under_minute": "不到 1 分钟",
		"left": "剩余 {0}",
		"overdue": "逾期 {0}",
		"due_in": "{1}剩余 {0}",
		"overdue_clock": "{1}逾期 {0}",
	},
}


def words(lang: str | None) -> dict[str, str]:
	"""The words of `lang` ("zh", "zh-CN", "zh-TW" read Chinese); any other language reads English."""
	return WORDS["zh"] if (lang or "").lower().startswith("zh") else WORDS["en"]


def parts(seconds: float) -> tuple[int, int, int]:
	"""(days, hours, minutes) of abs(`seconds`), rounded down to the minute."""
	minutes = int(abs(float(seconds or 0)) // MINUTE)
	days, rest = divmod(minutes, 24 * 60)
	return days, rest // 60, rest % 60


def format_duration(seconds: float, lang: str = "en") -> str:
	"""abs(`seconds`) as "4 d 23 h" / "5 h 12 min" / "12 min" / "< 1 min" (en), "4 天 23 小时" (zh)."""
	w = words(lang)
	days, hours, minutes = parts(seconds)
	if days:
		units = [("d", days), ("h", hours)]
	elif hours:
		units = [("h", hours), ("min", minutes)]
	elif minutes:
		units = [("min", minutes)]
	else:
		return w["under_minute"]
	return " ".join(w[unit].format(n) for unit, n in units if n)


def format_left(seconds: float, lang: str = "en") -> str:
	"""Time left until a deadline: "4 d 23 h left", "剩余 4 天 23 小时"."""
	return words(lang)["left"].format(format_duration(seconds, lang))


def format_overdue(seconds: float, lang: str = "en") -> str:
	"""Time past a deadline: "overdue by 2 h 5 min", "逾期 2 小时 5 分钟"."""
	return words(lang)["overdue"].format(format_duration(seconds, lang))


def format_due(seconds: float, lang: str = "en") -> str:
	"""Signed time to a deadline (due - now): left when positive, overdue when negative."""
	return format_overdue(seconds, lang) if seconds < 0 else format_left(seconds, lang)


def format_clock(clock_label: str, seconds: float, lang: str = "en") -> str:
	"""A clock's state, `clock_label` already in `lang`: "Close due in 4 d 23 h", "结案逾期 2 小时"."""
	w = words(lang)
	key = "overdue_clock" if seconds < 0 else "due_in"
	return w[key].format(format_duration(seconds, lang), clock_label)
