"""Benchmarks never rot: each one runs in its --smoke mode (tiny counts, a few seconds) in its own process,
from the bench's sites folder as documented, against the test site; it must end with its JSON line carrying
every figure name, and leave none of its rows behind (the benchmarks commit, then delete what they made)."""

import json
import os
import subprocess
from pathlib import Path

import frappe
import pytest

from complaint_mgmt.tests.site.conftest import BENCH, SITE, SITES

pytestmark = pytest.mark.concurrency  # real commits in another process, like the sweep concurrency tests

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
PYTHON = str(BENCH / "env" / "bin" / "python")
CASES = {
	"sweep_benchmark.py": (
		"sweep",
		{"idle_ms_100k", "idle_ms_1m", "breach_1000_s", "two_workers_speedup", "duplicates"},
		"BENCHSMOKESWEEP",
	),
	"reports_benchmark.py": ("reports", {"max_s", "aggregate_mismatches"}, "BENCHSMOKE"),
}


_RUNS: dict[str, dict] = {}


def run_smoke(script: str) -> dict:
	"""The benchmark's JSON line (each benchmark runs once per test session)."""
	if script not in _RUNS:
		_RUNS[script] = _run(script)
	return _RUNS[script]


def _run(script: str) -> dict:
	proc = subprocess.run(
		[PYTHON, str(BENCHMARKS / script), "--site", SITE, "--smoke"],
		cwd=SITES,
		capture_output=True,
		text=True,
		timeout=600,
		env={**os.environ, "FRAPPE_BENCH": str(BENCH)},
	)
	assert proc.returncode == 0, proc.stderr[-3000:]
	return json.loads(proc.stdout.strip().splitlines()[-1])


def seeded_rows(prefix: str) -> int:
	frappe.db.rollback()  # a fresh snapshot: see what the benchmark's process committed
	return frappe.db.count("Complaint", {"name": ("like", f"{prefix}-%")}) + frappe.db.count(
		"Complaint Penalty Notice", {"complaint": ("like", f"{prefix}-%")}
	)


@pytest.mark.parametrize("script", sorted(CASES))
def test_benchmark_smoke_mode_prints_its_figures_and_cleans_up(script):
	name, figure_names, prefix = CASES[script]
	out = run_smoke(script)
	assert out["benchmark"] == name
	assert set(out["figures"]) >= figure_names, out["figures"]
	assert all(isinstance(out["figures"][f], int | float) for f in figure_names), out["figures"]
	assert out["details"]["smoke"] is True
	assert out["details"]["left_behind"] == 0
	assert seeded_rows(prefix) == 0


def test_sweep_smoke_issues_every_breach_exactly_once():
	"""The two-worker run is checked, not only timed: no breach with two notices, none without."""
	out = run_smoke("sweep_benchmark.py")
	parallel = out["details"]["parallel"]
	assert out["figures"]["duplicates"] == 0
	for workers in ("workers_1", "workers_2"):
		assert parallel[workers]["duplicates"] == 0, parallel
		assert parallel[workers]["without_notice"] == 0, parallel
		assert parallel[workers]["errors"] == 0, parallel
	assert sum(parallel["workers_2"]["notices"]) == 40
	assert out["details"]["breach_result"]["breaches"] == 20
	assert out["details"]["breach_result"]["errors"] == 0
	# issue 18: every notice the benchmark's sweeps issued agrees with its complaint's history
	assert out["details"]["notices_verified"] >= 20 + 40 and out["details"]["notices_differing"] == []


def test_import_smoke_reports_its_figures_writes_no_bad_row_and_cleans_up():
	out = run_smoke("import_benchmark.py")
	figures = out["figures"]
	assert out["benchmark"] == "import" and figures["rows"] == 500
	assert figures["rows_per_s"] > 0 and figures["bad_rows_written"] == 0
	assert figures["written_and_flagged"] == figures["imported"] > 0 and figures["sweep_selectable"] == 0
	assert figures["left_behind"] == 0


def test_replica_smoke_serves_the_reports_from_a_real_second_mariadb():
	"""A real second mariadbd on loopback, seeded from the site's database: the reports' reads go there, none to
	the primary connection, and its data directory is gone afterwards."""
	out = run_smoke("replica_benchmark.py")
	figures = out["figures"]
	assert out["benchmark"] == "replica" and figures["served_by_replica"] is True
	assert figures["report_calls"] == 6 and figures["replica_com_select_delta"] > 0
	assert figures["primary_session_com_select_delta"] == 0
	assert figures["replica_dir_removed"] is True
