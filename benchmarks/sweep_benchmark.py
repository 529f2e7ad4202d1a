"""Benchmark of the deadline sweep (not part of the test suite).

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/complaint_mgmt/benchmarks/sweep_benchmark.py \\
		--site complaint-b.localhost [--count 100000] [--breaches 1000] [--naive-sample 0]

Bulk-seeds COUNT open complaints (realistic spread of states and deadlines, nothing due yet), then measures
(a) an idle sweep, (b) a sweep with BREACHES new breaches, (c) a naive sweep that loads every open complaint
as a document and checks its clocks in Python, and reports a/c. --naive-sample N times only N documents of
(c) and extrapolates (0 = all). Everything seeded or issued is deleted at the end.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREFIX = "BENCHSWEEP"
DEPARTMENT = "Sweep Benchmark Dept"
MANAGER = "sweep.benchmark.manager@example.com"


def naive_sweep(now, limit: int = 0) -> tuple[int, int]:
	"""The anchors' style: every open complaint loaded as a document and checked in Python."""
	import frappe

	from complaint_mgmt.loop import adapters
	from complaint_mgmt.procedure import rules

	names = frappe.get_all(
		"Complaint", filters={"status": ("not in", ("Closed", "Deferred"))}, pluck="name", limit=limit or None
	)
	found = 0
	for name in names:
		doc = frappe.get_doc("Complaint", name)
		d = rules.Deadlines(
			**{
				f: frappe.utils.get_datetime(doc.get(f)) if doc.get(f) else None
				for f in rules.DUE_FIELDS.values()
			}
		)
		for clock in rules.breached_clocks(d, adapters.milestones(doc), now):
			if not doc.get(f"{frappe.scrub(clock)}_breached"):
				found += 1
	return len(names), found


def timed(fn, *args, **kwargs) -> tuple[float, object]:
	start = time.perf_counter()
	result = fn(*args, **kwargs)
	return time.perf_counter() - start, result


def setup_people() -> None:
	import frappe

	if not frappe.db.exists("User", MANAGER):
		user = frappe.get_doc(
			{"doctype": "User", "email": MANAGER, "first_name": "Sweep benchmark", "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)  # benchmark setup, run as Administrator
	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc(
			{"doctype": "Complaint Department", "department_name": DEPARTMENT, "manager": MANAGER}
		).insert(
			ignore_permissions=True  # benchmark setup
		)
	frappe.db.commit()  # the benchmark's own setup, visible to the sweep  # nosemgrep


def teardown_people() -> None:
	import frappe

	frappe.db.delete("Complaint Department", {"name": DEPARTMENT})
	frappe.db.delete("Notification Log", {"for_user": MANAGER})
	frappe.db.delete("Has Role", {"parent": MANAGER, "parenttype": "User"})
	frappe.db.delete("User", {"name": MANAGER})
	frappe.db.commit()  # the benchmark leaves nothing behind  # nosemgrep


def main() -> dict:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--count", type=int, default=100_000)
	parser.add_argument("--breaches", type=int, default=1000)
	parser.add_argument("--naive-sample", type=int, default=0)
	parser.add_argument("--idle-runs", type=int, default=5)
	args = parser.parse_args()

	import frappe
	from frappe.utils import now_datetime

	from benchmarks import seeding
	from complaint_mgmt.engine.deadlines import run_sweep

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	out: dict = {"site": args.site, "open_complaints": args.count, "new_breaches": args.breaches}
	try:
		seeding.cleanup(PREFIX)
		setup_people()
		now = now_datetime().replace(microsecond=0)
		out["seed_s"], _ = timed(
			seeding.seed, PREFIX, args.count, now=now, due=args.breaches, department=DEPARTMENT, receiver=None
		)
		# fresh index statistics after the bulk load (ANALYZE has no query-builder form)
		frappe.db.sql("analyze table `tabComplaint`")  # nosemgrep
		idle = []
		for _run in range(args.idle_runs):
			seconds, result = timed(run_sweep, now=now)
			assert result["complaints"] == 0, result
			idle.append(seconds)
		out["a_idle_sweep_ms"] = round(statistics.median(idle) * 1000, 2)
		out["a_idle_sweep_ms_max"] = round(max(idle) * 1000, 2)

		seconds, (loaded, _found) = timed(naive_sweep, now, args.naive_sample)
		per_doc = seconds / max(loaded, 1)
		out["c_naive_sweep_s"] = round(per_doc * args.count, 2)
		out["c_naive_loaded"] = loaded
		out["c_naive_extrapolated"] = loaded < args.count
		out["a_over_c"] = f"1/{round(out['c_naive_sweep_s'] * 1000 / out['a_idle_sweep_ms'])}"

		seconds, result = timed(run_sweep, now=now + timedelta(minutes=10))
		out["b_breach_sweep_s"] = round(seconds, 2)
		out["b_result"] = result
		out["b_ms_per_breach"] = round(seconds * 1000 / max(result["breaches"], 1), 1)
		seconds, result = timed(run_sweep, now=now + timedelta(minutes=10))
		out["after_b_idle_sweep_ms"] = round(seconds * 1000, 2)
	finally:
		frappe.db.rollback()
		out["cleanup_s"], _ = timed(seeding.cleanup, PREFIX)
		teardown_people()
		out["left_behind"] = frappe.db.count("Complaint", {"name": ("like", f"{PREFIX}-%")})
		frappe.destroy()
	return out


if __name__ == "__main__":
	print(json.dumps(main(), indent=1, default=str))
