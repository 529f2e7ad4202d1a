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


def test_cpu_interval_counts_reaped_children_once():
	from benchmarks.cluster.cpu_sample import interval_jiffies

	# pid: (host, parent, own jiffies, reaped children's jiffies)
	before = {10: ("worker1", 1, 100, 0), 11: ("worker1", 10, 40, 0), 20: ("web1", 1, 500, 0)}
	# the work horse 11 used 15 more and ended; its parent reaped it (cutime += its whole 55); web1 used 30
	after = {10: ("worker1", 1, 102, 55), 20: ("web1", 1, 530, 0)}
	assert interval_jiffies(before, after) == {"worker1": 2 + 15, "web1": 30}
	# a child reaped by a parent that is not sampled (outside the hosts) is not subtracted from anything
	assert interval_jiffies({12: ("lb", 999, 9, 0)}, {}) == {}


def test_cpu_sampler_sees_a_busy_process_and_its_reaped_child():
	from types import SimpleNamespace

	from benchmarks.cluster.cpu_sample import HostCpu

	child = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"
	# the parent sleeps, then starts a busy child and reaps it, then sleeps
	script = (
		f"import subprocess, sys, time\ntime.sleep(0.5)\nsubprocess.run([sys.executable, '-c', {child!r}])\n"
	)
	parent = subprocess.Popen([sys.executable, "-c", script + "time.sleep(1.5)\n"])
	net = SimpleNamespace(hosts=["h1"], pids=lambda host: [parent.pid])
	try:
		with HostCpu(SimpleNamespace(net=net), every=0.2) as cpu:
			parent.wait(timeout=30)
	finally:
		parent.kill()
	cores = cpu.cores(cpu.samples[0][0], cpu.samples[-1][0])
	seconds = cpu.samples[-1][0] - cpu.samples[0][0]
	# the child's 0.6 s of CPU (and the interpreters' start-up) counted through the parent, once
	assert 0.55 <= cores["h1"] * seconds <= 1.5, (cores, seconds)
	assert cores["machine"] >= cores["h1"] - 0.05


@pytest.mark.parametrize(
	"args, expected",
	[
		((), "0 0"),  # the README's command: the whole suite, the upgrade test and the cluster smoke with it
		(("-q", "-p", "no:cacheprovider"), "0 0"),  # an option's value is no test path
		(("--maxfail", "3", "-x"), "0 0"),
		(("-k", "sweep"), "0 1"),
		(("-mnot slow",), "0 1"),
		(("complaint_mgmt/tests/pure", "-q"), "1 1"),
		(("complaint_mgmt/tests/pure/test_rules.py::test_x",), "1 1"),
	],
)
def test_run_tests_knows_a_narrowed_run(args, expected):
	done = subprocess.run(
		["bash", "-c", 'source "$0"; narrowing "$@"', str(APP_DIR / "scripts" / "lib.sh"), *args],
		capture_output=True, text=True, timeout=30, cwd="/",
	)  # fmt: skip
	assert done.returncode == 0, done.stderr
	assert done.stdout.strip() == expected
