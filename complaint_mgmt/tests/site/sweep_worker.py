"""A separate process (own connection, real commits) for the sweep's concurrency and crash tests.

	python tests/site/sweep_worker.py SITE seed PREFIX COUNT NOW
	python tests/site/sweep_worker.py SITE sweep NOW [START_AT [PAUSE]]
	python tests/site/sweep_worker.py SITE report PREFIX
	python tests/site/sweep_worker.py SITE cleanup PREFIX

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
		if command == "cleanup":
			from benchmarks import seeding

			seeding.cleanup(args[0])
			frappe.db.delete("Complaint Department", {"name": DEPARTMENT})
			frappe.db.commit()  # clean-up of committed test data  # nosemgrep
			return "ok"
		raise SystemExit(f"unknown command {command}")
	finally:
		frappe.destroy()


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
	print(json.dumps(main(*sys.argv[1:]), default=str))
