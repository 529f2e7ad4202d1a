"""Smoke run of the web-tier load benchmark (benchmarks/load_benchmark.py --smoke: 3 users for 10 s) against this
tier's running server: the benchmark seeds its own users, departments and complaints, drives them over HTTP,
checks exactly-once and department isolation on what they wrote, removes everything and prints its figures as
the last line of its output."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from complaint_mgmt.tests.http.conftest import SITE, SITES

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "load_benchmark.py"
FIGURES = ("p95_read_ms", "p95_action_ms", "errors", "requests", "duplicates", "isolation_violations")


def run_smoke(url: str) -> tuple[dict, dict]:
	done = subprocess.run(
		[sys.executable, str(BENCHMARK), "--smoke", "--url", url, "--site", SITE],
		cwd=SITES,
		capture_output=True,
		text=True,
		timeout=900,
	)
	assert done.returncode == 0, (
		f"benchmark failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
	)
	lines = done.stdout.strip().splitlines()
	last = json.loads(lines[-1])
	start = lines.index("{")  # the detail document printed before the figures line
	detail = json.loads("\n".join(lines[start:-1]))
	return last, detail


def test_load_smoke_against_the_tier_server(server):
	last, detail = run_smoke(server)

	assert last["benchmark"] == "load"
	figures = last["figures"]
	assert set(FIGURES) <= set(figures), figures
	assert figures["errors"] == 0, detail["problems"]
	assert figures["requests"] > 0
	assert figures["duplicates"] == 0, detail["duplicate_details"]
	assert figures["unmatched_steps"] == 0, detail["unmatched_details"]
	assert figures["isolation_violations"] == 0, detail["isolation_details"]
	# the users really worked: lists, forms and reports read, complaints registered and moved on
	assert {"list", "report"} <= set(detail["endpoints"]), detail["endpoints"]
	assert detail["actions_confirmed"] > 0 and detail["registered"] > 0, detail
	# the timed part on the wall clock (the cluster samples the machine's CPU in it): the smoke's 10 s
	started, ended = last["timed_window"]
	assert ended - started == pytest.approx(10, abs=0.01) and started > 0
	# and nothing of the run is left on the site
	assert detail["left_behind"] == 0
	assert detail["cleanup"]["users"] >= 3 and detail["cleanup"]["departments"] >= 2
