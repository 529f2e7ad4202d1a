"""Exactly once under real concurrency: two sweeps in separate processes (own connections, real commits) on
the same due complaints, and a sweep killed half-way then run again. The data is committed by a worker process
(tests/site/sweep_worker.py) and removed at the end by its name prefix."""

import json
import os
import signal
import subprocess
import time
import uuid
from datetime import timedelta
from pathlib import Path

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt.tests.site.conftest import BENCH, SITE

pytestmark = pytest.mark.concurrency

WORKER = Path(__file__).with_name("sweep_worker.py")
PYTHON = str(BENCH / "env" / "bin" / "python")
ENV = {**os.environ, "FRAPPE_BENCH": str(BENCH)}


def start(*args: str) -> subprocess.Popen:
	return subprocess.Popen(
		[PYTHON, str(WORKER), SITE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
	)


def finish(proc: subprocess.Popen, timeout: float = 300) -> object:
	out, err = proc.communicate(timeout=timeout)
	assert proc.returncode == 0, err[-3000:]
	return json.loads(out.strip().splitlines()[-1])


def run(*args: str) -> object:
	return finish(start(*args))


@pytest.fixture
def seeded():
	"""(prefix, count, now): committed complaints, each with one breach due by `now`; removed afterwards."""
	prefix = f"TSW{uuid.uuid4().hex[:6].upper()}"
	count = 520
	now = (now_datetime() - timedelta(minutes=1)).replace(microsecond=0)
	run("cleanup", "TSW")  # leftovers of an earlier run that was interrupted before its clean-up
	try:
		assert run("seed", prefix, str(count), str(now)) == count
		yield prefix, count, str(now)
	finally:
		run("cleanup", prefix)
		assert run("report", prefix)["complaints"] == 0


def assert_exactly_once(prefix: str, count: int) -> None:
	report = run("report", prefix)
	assert report == {
		"notices": count,
		"keys": count,
		"max_per_key": 1,
		"complaints": count,
		"with_notice": count,
		"flagged": count,
	}


def test_two_concurrent_sweeps_issue_each_notice_once(seeded):
	prefix, count, now = seeded
	start_at = str(time.time() + 8)  # both workers connected and waiting: they sweep at the same moment
	first, second = start("sweep", now, start_at), start("sweep", now, start_at)
	results = [finish(first), finish(second)]
	assert sum(r["notices"] for r in results) == count
	assert sum(r["errors"] for r in results) == 0
	assert all(r["notices"] > 0 for r in results), results  # both really worked on the same complaints
	assert_exactly_once(prefix, count)
	assert run("sweep", now)["notices"] == 0  # and a third run finds nothing left


def test_a_sweep_killed_half_way_then_rerun_issues_each_breach_once(seeded):
	prefix, count, now = seeded
	# a pause after each committed batch: the sweep (a batch of complaints per transaction) takes ~10 s, so it
	# is surely killed half-way however fast the machine
	proc = start("sweep", now, str(time.time()), "1")
	deadline = time.monotonic() + 120
	issued = 0
	while time.monotonic() < deadline:
		issued = run("report", prefix)["notices"]
		if issued >= 40:
			break
		time.sleep(0.2)
	proc.send_signal(signal.SIGKILL)
	proc.wait(timeout=30)
	partial = run("report", prefix)["notices"]
	assert 0 < partial < count, "the sweep must be killed half-way"
	result = run("sweep", now)
	assert result["notices"] == count - partial and result["errors"] == 0
	assert_exactly_once(prefix, count)


def test_the_test_process_sees_none_of_it():
	frappe.db.rollback()
	assert frappe.db.count("Complaint", {"name": ("like", "TSW%")}) == 0
