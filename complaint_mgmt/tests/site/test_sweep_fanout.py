"""The 5-minute schedule fans the sweep out (issue 20 §2): nothing due costs one indexed probe and starts no job;
one transaction's worth starts one job; a larger backlog starts several cooperating jobs on the long queue (up to
Complaint Settings' sweep_jobs, automatic: one per long-queue worker), which together issue each breach's notice
exactly once. The first tests run in the test's transaction (rolled back); the last one commits its data through
a worker process (tests/site/sweep_worker.py) and removes it by its name prefix."""

import time
import uuid
from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime
from frappe.utils.background_jobs import get_job

from benchmarks import seeding
from complaint_mgmt.engine import deadlines
from complaint_mgmt.procedure import sweep_rules
from complaint_mgmt.tests.site.test_sweep_concurrency import assert_exactly_once, finish, run, start

DEPARTMENT = "Sweep Fanout Dept"


def _nothing_due() -> None:
	"""No complaint of the site due now (in the test's transaction, rolled back afterwards)."""
	complaint = frappe.qb.DocType("Complaint")
	(
		frappe.qb.update(complaint)
		.set(complaint.next_check_at, now_datetime() + timedelta(days=3650))
		.where(complaint.next_check_at <= now_datetime() + timedelta(minutes=5))
	).run()


def _seed_due(count: int) -> None:
	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert()
	prefix = f"TFO{uuid.uuid4().hex[:6].upper()}"
	seeding.seed(prefix, count, now=now_datetime() - timedelta(minutes=15), due=count, department=DEPARTMENT)


@pytest.fixture
def sweep_jobs():
	"""The sweep jobs the schedule enqueued (real RQ jobs of this site), removed before and after the test."""

	def queued() -> list[str]:
		return [job_id for job_id in ids if (job := get_job(job_id)) and job.get_status() == "queued"]

	ids = [deadlines.sweep_job_id(slot) for slot in range(16)]
	for job_id in ids:
		if job := get_job(job_id):
			job.delete()
	yield queued
	for job_id in ids:
		if job := get_job(job_id):
			job.delete()


def test_nothing_due_is_one_probe_and_no_job(monkeypatch, sweep_jobs):
	_nothing_due()
	queries, enqueued = [], []
	real_sql, real_enqueue = frappe.db.sql, frappe.enqueue
	monkeypatch.setattr(
		frappe.db, "sql", lambda query, *a, **k: queries.append(query) or real_sql(query, *a, **k)
	)
	monkeypatch.setattr(frappe, "enqueue", lambda *a, **k: enqueued.append(a) or real_enqueue(*a, **k))
	deadlines.schedule_sweep()
	assert len(queries) == 1, queries
	assert "next_check_at" in queries[0] and "LIMIT" in queries[0].upper()
	assert enqueued == [] and sweep_jobs() == []


def test_one_transaction_of_due_complaints_is_one_job(sweep_jobs):
	_nothing_due()
	_seed_due(deadlines.TRANSACTION_SIZE)
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", 4)
	deadlines.schedule_sweep()
	assert sweep_jobs() == [deadlines.SWEEP_JOB_ID]


def test_a_backlog_is_split_over_the_configured_jobs(sweep_jobs):
	_nothing_due()
	_seed_due(3 * deadlines.TRANSACTION_SIZE + 1)
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", 3)
	deadlines.schedule_sweep()
	assert sweep_jobs() == [deadlines.sweep_job_id(slot) for slot in range(3)]
	jobs = [get_job(job_id) for job_id in sweep_jobs()]
	assert {job.kwargs["method"] for job in jobs} == {"complaint_mgmt.engine.deadlines.run_sweep"}
	assert {job.origin.rsplit(":", 1)[-1] for job in jobs} == {"long"}
	# the second job starts at the other end of the backlog, the third at the start again
	assert [job.kwargs["kwargs"]["descending"] for job in jobs] == [False, True, False]
	deadlines.schedule_sweep()  # the next schedule while they are still queued: no job twice
	assert len(sweep_jobs()) == 3


def test_a_job_left_started_by_a_killed_worker_does_not_block_the_schedule(sweep_jobs):
	"""A worker killed with its sweep job leaves the job "started" in RQ until RQ expires it: the next schedule
	enqueues the work under another id."""
	_nothing_due()
	_seed_due(10)
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", 1)
	deadlines.schedule_sweep()
	assert sweep_jobs() == [deadlines.SWEEP_JOB_ID]
	get_job(deadlines.SWEEP_JOB_ID).set_status("started")  # what a worker does on taking it; then killed
	deadlines.schedule_sweep()
	assert sweep_jobs() == [deadlines.sweep_job_id(1)]
	assert get_job(deadlines.SWEEP_JOB_ID).get_status() == "started"  # left alone for RQ to expire


def test_automatic_count_is_one_job_per_long_worker(sweep_jobs):
	_nothing_due()
	_seed_due(10 * deadlines.TRANSACTION_SIZE)
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", 0)
	workers = deadlines.long_workers()  # the bench's workers on the long queue, as RQ sees them now
	deadlines.schedule_sweep()
	assert len(sweep_jobs()) == min(10, max(1, workers))
	assert sweep_rules.sweep_job_limit(0, workers) == max(1, workers)


def test_a_descending_sweep_walks_the_due_rows_from_the_latest_and_handles_each_once():
	_nothing_due()
	_seed_due(3 * deadlines.TRANSACTION_SIZE + 7)
	now = now_datetime()
	ascending = [name for name, _at in deadlines._due_batch(now, None, 1000)]
	descending = [name for name, _at in deadlines._due_batch(now, None, 1000, descending=True)]
	assert len(ascending) == 3 * deadlines.TRANSACTION_SIZE + 7
	assert descending == ascending[::-1]
	# the cursor walks on from the last row seen, in either direction, without a gap or a repeat
	first = deadlines._due_batch(now, None, 20, descending=True)[-1]
	rest = [name for name, _at in deadlines._due_batch(now, (first[1], first[0]), 1000, descending=True)]
	assert descending[:20] + rest == descending
	result = deadlines.run_sweep(now=now, batch_size=40, transaction_size=9, descending=True)
	assert result["notices"] == len(ascending) and result["duplicates"] == 0 and result["errors"] == 0
	assert deadlines._due_batch(now, None, 10) == []
	assert deadlines.run_sweep(now=now, descending=True)["notices"] == 0


@pytest.mark.concurrency
def test_several_scheduled_jobs_issue_each_notice_once():
	"""The schedule's jobs run at the same moment in separate processes, as workers on two hosts would."""
	prefix = f"TFJ{uuid.uuid4().hex[:6].upper()}"
	count = 400
	now = (now_datetime() - timedelta(minutes=1)).replace(microsecond=0)
	run("cleanup", "TFJ")  # leftovers of an interrupted run
	try:
		assert run("seed", prefix, str(count), str(now)) == count
		job_ids = run("schedule", "3")
		assert len(job_ids) == 3, job_ids  # 400 due (at least): more than three transactions' worth
		start_at = str(time.time() + 8)
		results = [finish(proc) for proc in [start("job", job_id, start_at) for job_id in job_ids]]
		assert sum(r.get("errors", 0) for r in results) == 0
		if all(r["taken"] for r in results):  # none taken by a worker of the bench: the three shared the rows
			assert sum(r["notices"] for r in results) >= count
			assert sum(1 for r in results if r["notices"] > 0) >= 2, results
		assert_exactly_once(prefix, count)
	finally:
		run("cleanup", prefix)
		assert run("report", prefix)["complaints"] == 0
