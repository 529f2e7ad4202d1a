"""Web-tier load test of complaint_mgmt (issue 12, item 4; not part of CI): loopback only, bounded in time.

	cd ~/frappe-bench/sites && ../env/bin/python ../apps/complaint_mgmt/benchmarks/load_benchmark.py \\
		--site complaint-test.localhost [--users 50] [--duration 120] [--smoke] [--url http://127.0.0.1:PORT]

Seeds its own users (70 % Complaint Handlers in departments of five, 20 % Specialists, 10 % Managers),
departments and complaints under a unique prefix, starts gunicorn with the bench's worker count on a free
loopback port (or uses --url: a server already serving the site), runs the simulated users
(benchmarks/load_users.py) for --duration seconds while two concurrent deadline sweeps run every --sweep-every
seconds in-process (over the run's own complaints; --sweep-scope site: the whole site), then checks exactly-once and isolation on what the run wrote, deletes everything it made
and prints, last, one JSON line:

	{"benchmark": "load", "figures": {"p95_read_ms", "p95_action_ms", "errors", "requests", "duplicates",
	"isolation_violations", ...}}

Targets: p95 <= 300 ms for reads (lists, forms, reports), <= 800 ms for actions, 0 errors, 0 duplicates,
0 isolation violations. --smoke: 3 users for 10 s, no sweeps.
"""

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
TARGETS = {"p95_read_ms": 300, "p95_action_ms": 800}


def percentile(values: list[float], pct: float) -> float:
	if not values:
		return 0.0
	ordered = sorted(values)
	k = (len(ordered) - 1) * pct / 100
	low = int(k)
	high = min(low + 1, len(ordered) - 1)
	return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def parse_args(argv=None) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--users", type=int, default=50)
	parser.add_argument("--duration", type=float, default=120, help="seconds of load")
	parser.add_argument("--smoke", action="store_true", help="3 users, 10 s, no sweeps")
	parser.add_argument("--url", help="a server already serving the site (else gunicorn is started)")
	parser.add_argument("--workers", type=int, help="gunicorn workers (default: the bench's)")
	parser.add_argument("--complaints-per-dept", type=int, default=12)
	parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
	parser.add_argument("--warmup", type=float, default=20, help="seconds of untimed load first")
	parser.add_argument(
		"--sweep-every", type=float, help="seconds between sweeps; 0: none (default 20, --smoke: 0)"
	)
	parser.add_argument(
		"--sweep-scope",
		choices=("run", "site"),
		default="run",
		help="the run's complaints, or the whole site",
	)
	parser.add_argument("--keep", action="store_true", help="keep the seeded data (no clean-up)")
	args = parser.parse_args(argv)
	if args.smoke:
		args.users, args.duration, args.complaints_per_dept = 3, 10, 3
		args.warmup = min(args.warmup, 5)
	if args.sweep_every is None:
		args.sweep_every = 0 if args.smoke else 20
	if args.users < 3:
		parser.error("--users: at least 3 (a handler, a specialist and a manager)")
	return args


class Sweeper:
	"""Two deadline sweeps started together every `every` seconds, each in its own thread and connection.

	scope "run" (default): the sweep's own per-complaint step (``engine.deadlines._sweep_one``: row claimed with
	FOR UPDATE SKIP LOCKED, re-checked, notices committed with the complaint) over the run's due complaints only,
	so other data on a shared site is left alone; "site": ``complaint_mgmt.deadlines.run_sweep`` itself."""

	def __init__(self, site: str, sites_path: str, every: float, prefix: str, scope: str = "run"):
		self.site, self.sites_path, self.every, self.prefix, self.scope = (
			site,
			sites_path,
			every,
			prefix,
			scope,
		)
		self.stop = threading.Event()
		self.totals: Counter = Counter()
		self.runs, self.failures = 0, []
		self.lock = threading.Lock()
		self.threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(2 if every else 0)]

	def start(self) -> None:
		for thread in self.threads:
			thread.start()

	def finish(self) -> None:
		self.stop.set()
		for thread in self.threads:
			thread.join(timeout=300)

	def sweep_run(self) -> dict:
		import frappe
		from frappe.utils import now_datetime

		from complaint_mgmt.engine import deadlines

		now = now_datetime()
		ctx = deadlines._context(now)
		due = frappe.get_all(
			"Complaint",
			filters={"customer_name": ("like", f"{self.prefix} %"), "next_check_at": ("<=", now)},
			order_by="next_check_at asc",
			pluck="name",
		)
		frappe.db.commit()  # as run_sweep: each complaint in its own transaction  # nosemgrep
		totals: Counter = Counter()
		for name in due:
			totals.update(deadlines._sweep_one(name, ctx))
		return dict(totals)

	def _loop(self) -> None:
		import frappe

		from complaint_mgmt.deadlines import run_sweep

		frappe.init(site=self.site, sites_path=self.sites_path)
		frappe.connect()
		try:
			while not self.stop.wait(self.every):
				try:
					result = run_sweep() if self.scope == "site" else self.sweep_run()
				except Exception as exc:
					frappe.db.rollback()
					with self.lock:
						self.failures.append(repr(exc))
					continue
				with self.lock:
					self.runs += 1
					self.totals.update({k: v for k, v in result.items() if isinstance(v, int)})
		finally:
			frappe.destroy()


def cpu_figures(cpu: list) -> dict:
	"""Server CPU per request (ops/request_cpu.py's header): mean and p50 per endpoint, and per kind."""
	by_endpoint: dict[str, list[float]] = {}
	by_kind: dict[str, list[float]] = {}
	for kind, endpoint, ms in cpu:
		by_endpoint.setdefault(endpoint, []).append(ms)
		by_kind.setdefault(kind, []).append(ms)

	def stats(values: list[float]) -> dict:
		return {
			"requests": len(values),
			"mean_ms": round(sum(values) / len(values), 1),
			"p50_ms": round(percentile(values, 50), 1),
		}

	return {
		"action_cpu_ms": round(sum(by_kind["action"]) / len(by_kind["action"]), 1)
		if by_kind.get("action")
		else None,
		"read_cpu_ms": round(sum(by_kind["read"]) / len(by_kind["read"]), 1) if by_kind.get("read") else None,
		"cpu_by_endpoint": {name: stats(values) for name, values in sorted(by_endpoint.items())},
	}


class CpuProbe:
	"""Sets ``complaint_mgmt_cpu_probe`` in the site's config for the run (every server of the site reads it per
	request) and removes it afterwards, unless it was set before."""

	def __init__(self, enabled: bool = True):
		self.enabled, self.was_set = enabled, False

	def __enter__(self) -> "CpuProbe":
		import frappe
		from frappe.installer import update_site_config

		from complaint_mgmt.ops.request_cpu import FLAG

		self.was_set = bool(frappe.get_site_config().get(FLAG))
		if self.enabled and not self.was_set:
			update_site_config(FLAG, 1)
		return self

	def __exit__(self, *exc) -> None:
		from frappe.installer import update_site_config

		from complaint_mgmt.ops.request_cpu import FLAG

		if self.enabled and not self.was_set:
			update_site_config(FLAG, "None")


def summarize(samples: list, duration: float) -> dict:
	reads = [ms for kind, _e, ms, outcome in samples if kind == "read" and outcome != "error"]
	actions = [ms for kind, _e, ms, outcome in samples if kind == "action" and outcome != "error"]
	by_endpoint: dict[str, list] = {}
	for _kind, endpoint, ms, outcome in samples:
		by_endpoint.setdefault(endpoint, []).append((ms, outcome))
	endpoints = {
		name: {
			"requests": len(rows),
			"p50_ms": round(percentile([ms for ms, _o in rows], 50), 1),
			"p95_ms": round(percentile([ms for ms, _o in rows], 95), 1),
			"max_ms": round(max(ms for ms, _o in rows), 1),
			"refused": sum(o == "refused" for _ms, o in rows),
			"errors": sum(o == "error" for _ms, o in rows),
		}
		for name, rows in sorted(by_endpoint.items())
	}
	return {
		"p95_read_ms": round(percentile(reads, 95), 1),
		"p95_action_ms": round(percentile(actions, 95), 1),
		"p50_read_ms": round(percentile(reads, 50), 1),
		"p50_action_ms": round(percentile(actions, 50), 1),
		"errors": sum(outcome == "error" for *_rest, outcome in samples),
		"requests": len(samples),
		"refused_races": sum(outcome == "refused" for *_rest, outcome in samples),
		"requests_per_s": round(len(samples) / duration, 1) if duration else 0,
		"endpoints": endpoints,
	}


def fresh_snapshot() -> None:
	"""End this process's transaction, to see what the server and the sweeps committed since. Its connection
	may have died meanwhile (the cluster's drill 2 restarts the database under the load): then a new one."""
	import frappe
	import pymysql

	try:
		frappe.db.rollback()
	except (pymysql.err.OperationalError, pymysql.err.InterfaceError):
		frappe.db.connect()


def main(argv=None) -> dict:
	args = parse_args(argv)
	sites_path = str(BENCH / "sites")
	os.chdir(sites_path)

	import frappe
	from frappe.utils import now_datetime

	from benchmarks import load_seed
	from benchmarks.load_server import Server, bench_workers
	from benchmarks.load_users import Runner
	from benchmarks.machine_ref import reference_ms

	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	prefix = load_seed.new_prefix()
	password = f"Load#Bench-2026!{prefix[-6:]}"
	server = None
	out: dict = {"site": args.site, "prefix": prefix, "users": args.users, "duration_s": args.duration}
	figures: dict = {}
	machine_before = reference_ms()  # this machine's speed now (benchmarks/machine_ref.py)
	try:
		t0 = time.monotonic()
		plan = load_seed.seed(prefix, args.users, args.complaints_per_dept, password)
		plan["server_clock_offset_s"] = (now_datetime() - datetime.now()).total_seconds()
		out["seed_s"] = round(time.monotonic() - t0, 1)
		out["departments"], out["seeded_complaints"] = len(plan["departments"]), len(plan["complaints"])
		out["setup_jobs"] = load_seed.settle_background_jobs()
		if args.url:
			base = args.url.rstrip("/")
			out["workers"] = "external server"
		else:
			server = Server(BENCH, args.site, args.workers).start()
			base, out["workers"] = server.base, server.workers
		out["bench_workers"] = bench_workers(Path(sites_path))
		runner = Runner(base, args.site, plan, password, args.duration, tuple(args.think), args.warmup)
		sweeper = Sweeper(args.site, sites_path, args.sweep_every, prefix, args.sweep_scope)
		out["load_start"] = str(now_datetime())
		since = now_datetime()  # full precision: the last seeded step may be in the same second
		sweeper.start()
		with CpuProbe():
			started = time.monotonic()
			results = runner.run()
			elapsed = time.monotonic() - started
		sweeper.finish()
		out["sweeps"] = {"runs": sweeper.runs, **sweeper.totals, "failures": sweeper.failures[:5]}
		if server:
			server.stop()
		out["load_s"], out["warmup_s"] = round(elapsed, 1), args.warmup
		out["timed_window"] = [round(t, 3) for t in runner.timed_window]
		summary = summarize(results.samples, args.duration)

		fresh_snapshot()  # what the server and the sweeps committed
		users = set(load_seed.all_users(prefix))
		complaints = load_seed.run_complaints(prefix, list(users))
		steps = load_seed.steps_of(complaints)
		dup_notices = load_seed.duplicate_notices(complaints)
		dup_steps = load_seed.duplicate_steps(steps, results.tokens)
		unmatched = load_seed.unmatched_steps(steps, results.successes, users, since)
		out["complaints_checked"] = len(complaints)
		out["notices_issued"] = frappe.db.count("Complaint Penalty Notice", {"complaint": ("in", complaints)})
		out["actions_confirmed"] = sum(results.successes.values())
		out["registered"] = len(results.registered)
		out["refusal_reasons"] = dict(results.refusals.most_common(8))
		out["problems"] = results.problems[:15]
		out["duplicate_details"] = [str(d) for d in dup_notices][:10] + dup_steps[:10]
		out["unmatched_details"] = unmatched[:10]
		out["isolation_details"] = results.violations[:10]
		out["endpoints"] = summary.pop("endpoints")
		cpu = cpu_figures(results.cpu)
		out["cpu_by_endpoint"] = cpu.pop("cpu_by_endpoint")
		figures = {
			**summary,
			**cpu,
			"duplicates": len(dup_notices) + len(dup_steps),
			"unmatched_steps": len(unmatched),
			"isolation_violations": len(results.violations),
			"machine_ref_ms": [machine_before, reference_ms()],
		}
	finally:
		if server:
			server.stop()
		if not args.keep:
			fresh_snapshot()
			out["cleanup"] = load_seed.cleanup(prefix)
			out["left_behind"] = load_seed.left_behind(prefix)
		frappe.destroy()
	figures["targets_met"] = bool(
		figures
		and figures["p95_read_ms"] <= TARGETS["p95_read_ms"]
		and figures["p95_action_ms"] <= TARGETS["p95_action_ms"]
		and figures["errors"] == 0
		and figures["duplicates"] == 0
		and figures["isolation_violations"] == 0
	)
	print(json.dumps(out, indent=1, default=str))
	print(
		json.dumps(
			{"benchmark": "load", "figures": figures, "timed_window": out.get("timed_window")}, default=str
		)
	)
	return figures


if __name__ == "__main__":
	main()
