"""scripts/cluster (issue 20): the JSON line's figure names, how drills' figures add up, the hosts' names and
addresses, and the CI step that fails (never skips) on a machine that cannot make the topology."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

APP_DIR = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(APP_DIR))

from benchmarks.cluster.netns import HOSTS, SLOTS, Network  # noqa: E402
from benchmarks.cluster.run import DRILLS, FIGURES, merge  # noqa: E402

ISSUE_FIGURES = (
	"worker_hosts_speedup duplicates missing_notices invariant_violations p95_read_ms p95_action_ms errors "
	"web_host_shares lb_throughput_ratio replica_read_share db_recovery_s action_cpu_ms throughput_rps"
).split()


def test_every_figure_of_the_issue_is_printed():
	assert set(ISSUE_FIGURES) <= set(FIGURES)
	assert {
		"worker_kill",
		"db_restart",
		"redis_restart",
		"link_down",
		"replica_stop",
		"backup_restore",
	} == set(DRILLS)


def test_counts_add_up_over_drills_and_verdicts_are_kept():
	figures, details = dict.fromkeys(FIGURES), {}
	merge(
		figures, details, "worker_kill", {"duplicates": 0, "missing_notices": 1, "drill_worker_kill": "pass"}
	)
	merge(figures, details, "link_down", {"duplicates": 2, "drill_link_down": "fail", "rollback_s": 7})
	assert figures["duplicates"] == 2 and figures["missing_notices"] == 1
	assert figures["drill_worker_kill"] == "pass" and figures["drill_link_down"] == "fail"
	assert details["link_down"] == {"drill_link_down": "fail", "rollback_s": 7}  # the rest, for the report


@pytest.mark.parametrize("slot", [0, 1, SLOTS - 1])
def test_hosts_names_and_addresses(slot):
	net = Network(slot)
	net.slot = slot
	assert net.bridge == f"cmbr{slot}" and net.gateway == f"10.77.{slot}.1"
	assert net.ns("db1") == ("cm-db1" if slot == 0 else f"cm{slot}-db1")
	assert net.addr("lb") == f"10.77.{slot}.30" and net.addr("worker2") == f"10.77.{slot}.42"
	veths = {net.veth(host) for host in HOSTS}
	assert len(veths) == len(HOSTS) and all(len(v) <= 15 for v in veths)  # Linux interface names: 15 bytes


def test_ci_runs_the_smoke_and_fails_without_root():
	run_tests = (APP_DIR / "scripts" / "run-tests").read_text()
	assert '"$APP_DIR/scripts/cluster" --smoke' in run_tests
	if os.geteuid() != 0:
		pytest.fail("this check drops root to show the failure: run the pure tier as root (CI does)")
	done = subprocess.run(
		["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", str(APP_DIR / "scripts/cluster"),
			"--check"],
		capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": "/tmp"},
	)  # fmt: skip
	assert done.returncode != 0
	assert "cannot run on this machine" in done.stderr and "root" in done.stderr
