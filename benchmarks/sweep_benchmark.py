"""Benchmark of the deadline sweep (not part of the test suite; its --smoke mode is: tests/site/test_benchmarks_smoke.py).

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/complaint_mgmt/benchmarks/sweep_benchmark.py \\
		--site complaint-test.localhost [--sizes 100000,1000000] [--count 100000] [--breaches 1000] \\
		[--parallel-breaches 10000] [--naive-sample 2000] [--smoke]

Bulk-seeds open complaints (a realistic spread of states and deadlines, nothing due yet) up to the first of SIZES,
then grows the table to each next size with copies of them (seeding.copy: INSERT ... SELECT) and measures the idle sweep (nothing due; median of --idle-runs) at each size. At COUNT open complaints it
also measures a sweep with BREACHES new breaches (one worker), a naive sweep that loads open complaints as
documents (--naive-sample of them, extrapolated to COUNT; 0 = skip), and the sweep of PARALLEL_BREACHES breaches
by one worker and by two OS processes running ``run_sweep`` at the same moment (throughput ratio; every breach
must get exactly one notice). Everything seeded or issued is deleted at the end, also when it fails.

The benchmark's clock lies DAYS_AHEAD days in the future: none of its complaints ever falls due for a real-time
sweep (the scheduler, other test runs on the same site), and its rows stay out of every report period of today.
By that clock every other open complaint of the site is due too, so the benchmark's sweeps are limited to its
own rows (``own_rows_only``: the sweep's batch query plus ``name LIKE 'BENCHSWEEP-%'``, same index).

The last line printed is one JSON object: {"benchmark": "sweep", "figures": {...}, "details": {...}}.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREFIX = "BENCHSWEEP"
DEPARTMENT = "Sweep Benchmark Dept"
MANAGER = "sweep.benchmark.manager@example.com"
DAYS_AHEAD = 400
FIGURES = ("idle_ms_100k", "idle_ms_1m", "breach_1000_s", "two_workers_speedup", "duplicates")
# --smoke: tiny counts standing in for the defaults (same figure names, meaningless values)
SMOKE = {"sizes": "300,600", "count": 300, "breaches": 20, "parallel_breaches": 40, "naive_sample": 10,
		 "idle_runs": 3}  # fmt: skip
SMOKE_STANDS_FOR = {300: 100_000, 600: 1_000_000, 20: 1000}
SMOKE_PREFIX = "BENCHSMOKESWEEP"  # not matched by a full run's "BENCHSWEEP%" (nor the reverse)


def use_smoke_names() -> None:
	"""A smoke run's own prefix, department and manager: it never touches a full run going on at the same time
	(each one deletes everything named by its prefix, before and after)."""
	global PREFIX, DEPARTMENT, MANAGER
	PREFIX, DEPARTMENT, MANAGER = SMOKE_PREFIX, f"{DEPARTMENT} (smoke)", f"smoke.{MANAGER}"


def label(size: int, smoke: bool = False) -> str:
	"""100000 -> 100k, 1000000 -> 1m (the figure names); a smoke run's sizes are named as the defaults."""
	if smoke:
		size = SMOKE_STANDS_FOR.get(size, size)
	if size >= 1_000_000 and size % 1_000_000 == 0:
		return f"{size // 1_000_000}m"
	if size >= 1000 and size % 1000 == 0:
		return f"{size // 1000}k"
	return str(size)


def naive_sweep(now, limit: int = 0) -> tuple[int, int]:
	"""The anchors' style: every open complaint loaded as a document and checked in Python."""
	import frappe

	from complaint_mgmt.loop import adapters
	from complaint_mgmt.procedure import rules

	names = frappe.get_all(
		"Complaint",
		filters={"status": ("not in", ("Closed", "Deferred")), "name": ("like", f"{PREFIX}-%")},
		pluck="name",
		limit=limit or None,
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


def load() -> float:
	return round(os.getloadavg()[0], 2)


def setup_people() -> None:
	import frappe

	if not frappe.db.exists("User", MANAGER):
		# The bare row (the manager only receives notifications): User.validate writes site defaults, whose
		# rows other test runs on a shared site keep locked for seconds.
		user = frappe.get_doc(
			{"doctype": "User", "name": MANAGER, "email": MANAGER, "first_name": "Sweep benchmark",
			 "enabled": 1, "user_type": "System User", "send_welcome_email": 0}
		)  # fmt: skip
		user.db_insert()
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


def duplicates(prefix: str) -> dict:
	"""Breaches of the complaints `prefix`... with more than one notice, and complaints without any."""
	import frappe
	from frappe.query_builder.functions import Count

	n = frappe.qb.DocType("Complaint Penalty Notice")
	keys = (
		frappe.qb.from_(n)
		.select(n.complaint, Count("*").as_("notices"))
		.where(n.complaint.like(f"{prefix}-%") & (n.docstatus == 1))
		.groupby(n.complaint, n.breach_type, n.period)
		.run(as_dict=True)
	)
	complaints = frappe.db.count("Complaint", {"name": ("like", f"{prefix}-%")})
	return {
		"duplicates": sum(1 for k in keys if k.notices > 1),
		"without_notice": complaints - len({k.complaint for k in keys}),
	}


def own_rows_only() -> None:
	"""Make ``run_sweep`` take only the benchmark's complaints: its batch query (``deadlines.due_query``, same
	index and order) with the name prefix added. Never touches the site's other complaints."""
	import frappe

	# a benchmark-only scope on a shared site (no hook for it: run_sweep takes every due complaint)
	from complaint_mgmt.engine import deadlines  # nosemgrep

	sweep_query = deadlines.due_query

	def own_rows(now, cursor, limit, descending=False):
		complaint = frappe.qb.DocType("Complaint")
		return sweep_query(now, cursor, limit, descending).where(complaint.name.like(f"{PREFIX}-%"))

	deadlines.due_query = own_rows


def sweep_processes(site: str, now, workers: int, smoke: bool = False) -> tuple[float, list[dict]]:
	"""`workers` OS processes (own connections, real commits) run ``run_sweep(now)`` at the same moment (each
	connects, says "ready", and starts on "go"); the seconds from the first start to the last end, and their
	results."""
	command = [sys.executable, str(Path(__file__).resolve()), "--site", site, "--sweep-worker", str(now)]
	command += ["--smoke"] if smoke else []
	procs = [
		subprocess.Popen(
			command,
			stdin=subprocess.PIPE,
			stdout=subprocess.PIPE,
			stderr=subprocess.PIPE,
			text=True,
			cwd=os.getcwd(),
		)
		for _worker in range(workers)
	]
	for proc in procs:
		while (line := proc.stdout.readline()) and line.strip() != "ready":
			pass
	for proc in procs:
		proc.stdin.write("go\n")
		proc.stdin.flush()
	results = []
	for proc in procs:
		out, err = proc.communicate(timeout=3600)
		if proc.returncode:
			raise RuntimeError(f"sweep worker failed: {err[-3000:]}")
		results.append(json.loads(out.strip().splitlines()[-1]))
	return max(r["ended_at"] for r in results) - min(r["started_at"] for r in results), results


def sweep_worker(site: str, now: str) -> None:
	"""One worker process of sweep_processes: prints its run_sweep result, when it started and ended."""
	import frappe

	from complaint_mgmt.engine.deadlines import run_sweep

	frappe.init(site=site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	own_rows_only()
	try:
		print("ready", flush=True)
		sys.stdin.readline()
		started_at, cpu = time.time(), time.process_time()
		result = run_sweep(now=now)
		# the worker's own CPU seconds: with the wall time, tells CPU contention (other load) from lock waits
		cpu_s = round(time.process_time() - cpu, 2)
		print(
			json.dumps({**result, "started_at": started_at, "ended_at": time.time(), "cpu_s": cpu_s}),
			flush=True,
		)
	finally:
		frappe.destroy()


def parallel(site: str, now, count: int, seed) -> dict:
	"""The same number of breaches swept by one process, then (fresh rows) by two at once."""
	out: dict = {}
	for workers in (1, 2):
		prefix = f"{PREFIX}-P{workers}"
		seed(prefix, count, now=now - timedelta(minutes=20), due=count, seed_value=100 + workers)
		seconds, results = sweep_processes(site, now, workers, smoke=PREFIX == SMOKE_PREFIX)
		out[f"workers_{workers}"] = {
			"s": round(seconds, 2),
			"breaches_per_s": round(count / seconds, 1),
			"notices": [r["notices"] for r in results],
			"errors": sum(r["errors"] for r in results),
			"cpu_s": [r["cpu_s"] for r in results],
			**duplicates(prefix),
			"load": load(),
		}
	out["speedup"] = round(out["workers_2"]["breaches_per_s"] / out["workers_1"]["breaches_per_s"], 2)
	return out


def parse(argv: list[str] | None) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--sizes", default="100000,1000000", help="open complaints for the idle sweep")
	parser.add_argument("--count", type=int, default=100_000, help="open complaints for the breach sweeps")
	parser.add_argument("--breaches", type=int, default=1000)
	parser.add_argument("--parallel-breaches", type=int, default=10_000)
	parser.add_argument("--naive-sample", type=int, default=2000)
	parser.add_argument("--idle-runs", type=int, default=5)
	parser.add_argument(
		"--smoke", action="store_true", help="tiny counts: a few seconds, figures meaningless"
	)
	parser.add_argument("--sweep-worker", help=argparse.SUPPRESS)
	args = parser.parse_args(argv)
	if args.smoke:
		for key, value in SMOKE.items():
			setattr(args, key, value)
	args.sizes = sorted({int(s) for s in str(args.sizes).split(",")} | {args.count})
	return args


def verify_own_notices() -> tuple[int, list]:
	"""Every notice the benchmark's sweeps issued, recomputed from its complaint's history (issue 18: what
	complaint_mgmt.api.verify_notices does): (checked, the differing ones)."""
	import frappe

	from complaint_mgmt.engine import notice_why

	notices = frappe.get_all(
		"Complaint Penalty Notice",
		filters=[["complaint", "like", f"{PREFIX}-%"], ["computation", "is", "set"]],
		fields=notice_why.NOTICE_FIELDS,
	)
	return notice_why.check(notices)


def main(argv: list[str] | None = None) -> dict:
	args = parse(argv)
	if args.smoke:
		use_smoke_names()
	if args.sweep_worker:
		sweep_worker(args.site, args.sweep_worker)
		return {}

	import frappe
	from frappe.utils import now_datetime

	from benchmarks import seeding
	from complaint_mgmt.engine.deadlines import run_sweep

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	own_rows_only()
	details: dict = {"site": args.site, "sizes": args.sizes, "count": args.count, "smoke": args.smoke}
	figures: dict = {}

	def seed(prefix, count, **kwargs):
		return seeding.seed(prefix, count, department=DEPARTMENT, receiver=None, **kwargs)

	try:
		seeding.cleanup(PREFIX)
		setup_people()
		now = (now_datetime() + timedelta(days=DAYS_AHEAD)).replace(microsecond=0)
		seeded, seed_s = 0, 0.0
		for step, size in enumerate(args.sizes):
			if step == 0:
				seconds, _n = timed(seed, f"{PREFIX}-S0", size, now=now)
			else:  # more of the same idle complaints, copied inside the database
				seconds, _n = timed(seeding.copy, f"{PREFIX}-S0", f"{PREFIX}-S{step}C", size - seeded)
			seed_s, seeded = seed_s + seconds, size
			# fresh index statistics after the bulk load (ANALYZE has no query-builder form)
			frappe.db.sql("analyze table `tabComplaint`")  # nosemgrep
			idle = []
			for _run in range(args.idle_runs):
				seconds, result = timed(run_sweep, now=now)
				assert result["complaints"] == 0, result
				idle.append(seconds)
			name = label(size, args.smoke)
			figures[f"idle_ms_{name}"] = round(statistics.median(idle) * 1000, 2)
			details[f"idle_ms_max_{name}"] = round(max(idle) * 1000, 2)
			details[f"load_{name}"] = load()
			print(f"idle sweep over {size:,} open: {figures[f'idle_ms_{name}']} ms", flush=True)
			if size != args.count:
				continue
			if args.naive_sample:
				seconds, (loaded, _found) = timed(naive_sweep, now, args.naive_sample)
				details["naive_sweep_s"] = round(seconds / max(loaded, 1) * size, 1)
				details["naive_loaded"] = loaded
			seconds, _n = timed(seed, f"{PREFIX}-B", args.breaches, now=now, due=args.breaches, seed_value=99)
			seed_s += seconds
			later = now + timedelta(minutes=10)
			seconds, result = timed(run_sweep, now=later)
			named = SMOKE_STANDS_FOR.get(args.breaches, args.breaches) if args.smoke else args.breaches
			breach_figure = f"breach_{named}_s"
			figures[breach_figure] = round(seconds, 2)
			details["breach_result"] = result
			details["breach_ms_each"] = round(seconds * 1000 / max(result["breaches"], 1), 1)
			details["load_breach"] = load()
			seconds, result = timed(run_sweep, now=later)
			details["idle_ms_after_breaches"] = round(seconds * 1000, 2)
			print(f"{args.breaches:,} breaches: {figures[breach_figure]} s", flush=True)
			if args.parallel_breaches:
				details["parallel"] = parallel(args.site, later, args.parallel_breaches, seed)
				figures["two_workers_speedup"] = details["parallel"]["speedup"]
				figures["duplicates"] = details["parallel"]["workers_2"]["duplicates"]
				print(f"two workers: {json.dumps(details['parallel'])}", flush=True)
		details["seed_s"] = round(seed_s, 1)
		details["notices_verified"], details["notices_differing"] = verify_own_notices()
		print(f"notices verified against history: {details['notices_verified']:,}, differing: "
			  f"{len(details['notices_differing'])}", flush=True)  # fmt: skip
		details["notices_differing"] = details["notices_differing"][:3]
	finally:
		frappe.db.rollback()
		details["cleanup_s"], _ = timed(seeding.cleanup, PREFIX)
		details["cleanup_s"] = round(details["cleanup_s"], 1)
		teardown_people()
		details["left_behind"] = frappe.db.count("Complaint", {"name": ("like", f"{PREFIX}-%")})
		frappe.destroy()
	out = {"benchmark": "sweep", "figures": figures, "details": details}
	print(json.dumps(out, default=str), flush=True)
	return out


if __name__ == "__main__":
	main()
