"""A separate process (own connection, real commits) for the sweep's concurrency and crash tests.

	python tests/site/sweep_worker.py SITE seed PREFIX COUNT NOW
	python tests/site/sweep_worker.py SITE sweep NOW [START_AT [PAUSE]]
	python tests/site/sweep_worker.py SITE report PREFIX
	python tests/site/sweep_worker.py SITE cleanup PREFIX
	python tests/site/sweep_worker.py SITE schedule JOBS      (the 5-minute schedule with sweep_jobs = JOBS)
	python tests/site/sweep_worker.py SITE job JOB_ID START_AT (one enqueued job, run as an RQ worker runs it)

Run with the bench's python; prints one JSON line.
"""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the checkout (benchmarks and the app)
sys.path.insert(0, str(ROOT))
BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
DEPARTMENT = "Sweep Concurrency Dept"


def main(site: str, command: str, *args: str) -> object:
	import frappe
	from frappe.utils import get_datetime

	os.chdir(BENCH / "sites")
	frappe.init(site=site, sites_path=str(BENCH / "sites"))
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if command == "seed":
			from benchmarks import seeding

			prefix, count, now = args[0], int(args[1]), get_datetime(args[2])
			if not frappe.db.exists("Complaint Department", DEPARTMENT):
				frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert()
			# every complaint has one breach due in the 10 minutes before `now`
			return seeding.seed(
				prefix, count, now=now - timedelta(minutes=10), due=count, department=DEPARTMENT
			)
		if command == "sweep":
			from complaint_mgmt.engine.deadlines import run_sweep

			if len(args) > 1:  # a start instant shared by concurrent workers (epoch seconds): begin together
				time.sleep(max(0.0, float(args[1]) - time.time()))
			if len(args) > 2:  # a pause after each committed batch: a sweep slow enough to be killed half-way
				slow_batches(float(args[2]))
			return run_sweep(now=args[0])
		if command == "report":
			return report(args[0])
		if command == "schedule":
			return schedule(int(args[0]))
		if command == "cleanup":
			from benchmarks import seeding

			seeding.cleanup(args[0])
			frappe.db.delete("Complaint Department", {"name": DEPARTMENT})
			frappe.db.commit()  # clean-up of committed test data  # nosemgrep
			return "ok"
		raise SystemExit(f"unknown command {command}")
	finally:
		frappe.destroy()


def schedule(jobs: int) -> list[str]:
	"""Run the 5-minute schedule with Complaint Settings' sweep_jobs = `jobs` (restored after); the ids of the
	sweep jobs it left queued."""
	import frappe
	from frappe.utils.background_jobs import get_job

	from complaint_mgmt.engine.deadlines import schedule_sweep, sweep_job_id

	slots = [sweep_job_id(slot) for slot in range(2 * max(jobs, 1) + 1)]
	for job_id in slots:  # a leftover of an interrupted run would keep its id taken
		if job := get_job(job_id):
			job.delete()
	before = frappe.db.get_single_value("Complaint Settings", "sweep_jobs")
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", jobs)
	try:
		schedule_sweep()
	finally:
		frappe.db.set_single_value("Complaint Settings", "sweep_jobs", before or 0)
		frappe.db.commit()  # a worker process's own transaction  # nosemgrep
	return [job_id for job_id in slots if get_job(job_id)]


def run_job(site: str, job_id: str, start_at: float) -> dict:
	"""Take the queued job `job_id` off its queue and perform it at `start_at` (epoch seconds) exactly as an RQ
	worker does (Frappe's execute_job: its own connection and commits); the notices it issued."""
	import frappe
	from frappe.utils.background_jobs import get_job
	from rq import Queue

	os.chdir(BENCH / "sites")
	frappe.init(site=site, sites_path=str(BENCH / "sites"))
	job = get_job(job_id)
	taken = job is not None and job.get_status() == "queued"
	if taken:
		Queue(job.origin, connection=job.connection).remove(job)
	frappe.destroy()
	if not taken:  # a worker of the bench ran it: its notices are counted by the report
		return {"notices": 0, "taken": False}
	time.sleep(max(0.0, start_at - time.time()))
	return {**job.perform(), "taken": True}  # execute_job: init, connect, run, commit, destroy


def slow_batches(pause: float) -> None:
	"""Sleep `pause` seconds after each committed batch of the sweep."""
	# test-only, in this throwaway worker process: the kill test needs a sweep slower than its polling
	from complaint_mgmt.engine import sweep_batch  # nosemgrep

	real = sweep_batch.sweep

	def sweep(names, ctx):
		counts = real(names, ctx)
		time.sleep(pause)
		return counts

	sweep_batch.sweep = sweep


def report(prefix: str) -> dict:
	import frappe

	like = ("like", f"{prefix}-%")
	rows = frappe.get_all(
		"Complaint Penalty Notice",
		filters={"complaint": like, "docstatus": 1},
		fields=["complaint", "breach_type", "period", "count(name) as n"],
		group_by="complaint, breach_type, period",
	)
	complaints = frappe.get_all(
		"Complaint",
		filters={"name": like},
		fields=["name", "transfer_breached", "first_reply_breached", "close_breached", "next_check_at"],
	)
	return {
		"notices": sum(r.n for r in rows),
		"keys": len(rows),
		"max_per_key": max((r.n for r in rows), default=0),
		"complaints": len(complaints),
		"with_notice": len({r.complaint for r in rows}),
		"flagged": sum(
			1 for c in complaints if c.transfer_breached or c.first_reply_breached or c.close_breached
		),
	}


if __name__ == "__main__":
	if sys.argv[2:3] == ["job"]:
		print(json.dumps(run_job(sys.argv[1], sys.argv[3], float(sys.argv[4])), default=str))
	else:
		print(json.dumps(main(*sys.argv[1:]), default=str))
