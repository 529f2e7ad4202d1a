"""Durations as people read them (procedure/durations.py) and their JavaScript twin (public/js/durations.js)."""

import json
import os
import shutil
import subprocess

import pytest

from complaint_mgmt.procedure.durations import (
	format_clock,
	format_due,
	format_duration,
	format_left,
	format_overdue,
	parts,
)

M, H, D = 60, 3600, 86400
JS = os.path.join(
	os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
	"public",
	"js",
	"durations.js",
)


@pytest.mark.parametrize(
	"seconds, en, zh",
	[
		(0, "< 1 min", "不到 1 分钟"),
		(59, "< 1 min", "不到 1 分钟"),
		(60, "1 min", "1 分钟"),
		(25 * M + 59, "25 min", "25 分钟"),
		(H, "1 h", "1 小时"),
		(5 * H + 12 * M + 40, "5 h 12 min", "5 小时 12 分钟"),
		(23 * H + 59 * M, "23 h 59 min", "23 小时 59 分钟"),
		(D, "1 d", "1 天"),
		(D + 5 * M, "1 d", "1 天"),
		(4 * D + 23 * H + 59 * M, "4 d 23 h", "4 天 23 小时"),
		(120 * D + H, "120 d 1 h", "120 天 1 小时"),
	],
)
def test_two_largest_units_rounded_down(seconds, en, zh):
	assert format_duration(seconds, "en") == en
	assert format_duration(seconds, "zh") == zh
	assert format_duration(-seconds, "en") == en  # the sign is the caller's word


def test_language_variants_and_fallback():
	assert format_duration(2 * H, "zh-TW") == "2 小时"
	assert format_duration(2 * H, "zh-CN") == "2 小时"
	assert format_duration(2 * H, "de") == "2 h"
	assert format_duration(2 * H, None) == "2 h"


def test_parts():
	assert parts(4 * D + 23 * H + 59 * M + 59) == (4, 23, 59)
	assert parts(-90) == (0, 0, 1)
	assert parts(None) == (0, 0, 0)


def test_left_overdue_and_due():
	assert format_left(25 * M, "en") == "25 min left"
	assert format_left(25 * M, "zh") == "剩余 25 分钟"
	assert format_overdue(-(2 * H + 5 * M), "en") == "overdue by 2 h 5 min"
	assert format_overdue(2 * D, "zh") == "逾期 2 天"
	assert format_due(-3 * H, "en") == "overdue by 3 h"
	assert format_due(3 * H, "zh") == "剩余 3 小时"
	assert format_clock("Close", 4 * D + 23 * H, "en") == "Close due in 4 d 23 h"
	assert format_clock("结案", -2 * H, "zh") == "结案逾期 2 小时"


SAMPLES = [0, 59, 60, 61, 3599, 3600, 3660, 86399, 86400, 86460, 4 * D + 23 * H + 59 * M + 59, 1e7, 37.5 * H]


@pytest.mark.skipif(not shutil.which("node"), reason="node is not installed")
def test_the_javascript_twin_reads_the_same():
	"""durations.js loaded outside the desk (node) gives the same text for the same seconds and language."""
	script = (
		f"const d = require({json.dumps(JS)});"
		f"const s = {json.dumps(SAMPLES + [-x for x in SAMPLES])};"
		"const out = {};"
		"for (const lang of ['en', 'zh', 'zh-TW', 'fr']) out[lang] = s.map((x) => [d.format(x, lang),"
		" d.left(x, lang), d.overdue(x, lang), d.due(x, lang), d.clock('C', x, lang)]);"
		"console.log(JSON.stringify(out));"
	)
	result = json.loads(
		subprocess.run(["node", "-e", script], capture_output=True, check=True, text=True).stdout
	)
	for lang, rows in result.items():
		expected = [
			[
				format_duration(x, lang),
				format_left(x, lang),
				format_overdue(x, lang),
				format_due(x, lang),
				format_clock("C", x, lang),
			]
			for x in SAMPLES + [-x for x in SAMPLES]
		]
		assert rows == expected, lang
