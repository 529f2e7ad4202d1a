"""``scripts/cluster [--smoke] [--keep]``: start the multi-host topology (topology.py), run the drills of issue 20
on it, tear it down, and print, last, one JSON line ``{"benchmark": "cluster", "figures": {...}, "details":
{...}}``. Exit status 0 only when every drill run passes.

- full: web1+web2, worker1+worker2; the sweep over worker hosts (speedup), the load through lb (50 users) and
  drill 5 (replica stopped), drill 2 (db1 restarted under load), drill 3 (Redis restarted under load and during a
  sweep), drill 1 (kill -9 of worker2 mid-sweep), drill 4 (worker2's link down mid-batch), drill 6 (backup,
  restore).
- ``--smoke`` (CI, a few minutes): web1, worker1+worker2, drill 1 on a few hundred breaches and the invariant
  checker; the other figures are printed as null.

Drills of other modules (drills_sweep.py, load_lb.py) that are missing fail with a message naming them."""

import argparse
import importlib
import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.cluster import netns, site_seed
from benchmarks.cluster.topology import Cluster

FIGURES = (
	"worker_hosts_speedup",
	"duplicates",
	"missing_notices",
	"invariant_violations",
	"p95_read_ms",
	"p95_action_ms",
	"errors",
	"web_host_shares",
	"lb_throughput_ratio",
	"replica_read_share",
	"db_recovery_s",
	"action_cpu_ms",
	"throughput_rps",
)
DRILLS = ("worker_kill", "db_restart", "redis_restart", "link_down", "replica_stop", "backup_restore")
SUMMED = ("duplicates", "missing_notices", "invariant_violations", "errors")


def parse_args(argv=None) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument(
		"--smoke", action="store_true", help="one web host, drill 1 on a few hundred breaches"
	)
	parser.add_argument("--keep", action="store_true", help="keep the workdir (logs) after the teardown")
	parser.add_argument(
		"--only", help="comma-separated steps (sweep_speedup, worker_kill, link_down, lb_load, ...)"
	)
	parser.add_argument(
		"--breaches", type=int, help="breaches of the sweep drills (default 10000, smoke 800)"
	)
	parser.add_argument("--users", type=int, default=50, help="simulated desk users of the load through lb")
	parser.add_argument("--duration", type=float, default=120, help="seconds of load")
	parser.add_argument("--complaints", type=int, default=100000, help="complaints of the load's site")
	parser.add_argument(
		"--background",
		choices=("history", "open"),
		default="history",
		help="the load's background complaints: two years of history (default) or all open and recent",
	)
	parser.add_argument("--cleanup", type=int, metavar="SLOT", help="remove what a killed run of SLOT left")
	parser.add_argument("--drop-seed", action="store_true", help="delete the kept seed site and exit")
	return parser.parse_args(argv)


def module(name: str):
	"""benchmarks.cluster.<name>, or an error naming the missing module."""
	try:
		return importlib.import_module(f"benchmarks.cluster.{name}")
	except ModuleNotFoundError as exc:
		if exc.name == f"benchmarks.cluster.{name}":
			raise RuntimeError(f"benchmarks/cluster/{name}.py is missing: this drill cannot run") from exc
		raise


def steps(c: Cluster, args) -> list[tuple[str, object]]:
	breaches = args.breaches or (800 if args.smoke else 10000)
	sweep = lambda fn, *a: lambda: getattr(module("drills_sweep"), fn)(c, *a)  # noqa: E731
	infra = lambda fn: lambda: getattr(module("drills_infra"), fn)(c)  # noqa: E731
	if args.smoke:
		return [("worker_kill", sweep("drill_worker_kill", breaches))]
	load = lambda fn, *a: lambda: getattr(module("load_lb"), fn)(c, *a)  # noqa: E731
	# The drills that kill or cut off worker2 come last: the restart drills run on an undisturbed topology.
	return [
		("sweep_speedup", sweep("sweep_speedup", breaches)),
		("lb_load", load("lb_load", args.users, args.duration, args.complaints, args.background)),
		("replica_stop", lambda: module("drills_replica").drill_replica_stop(c)),
		("db_restart", infra("drill_db_restart")),
		("redis_restart", infra("drill_redis_restart")),
		("worker_kill", sweep("drill_worker_kill", breaches)),
		("link_down", sweep("drill_link_down")),
		("backup_restore", sweep("drill_backup_restore")),
	]


def merge(figures: dict, details: dict, name: str, result: dict) -> None:
	details[name] = {k: v for k, v in result.items() if k not in FIGURES}
	for key, value in result.items():
		if key in SUMMED and value is not None:
			figures[key] = (figures.get(key) or 0) + value
		elif key in FIGURES or key.startswith("drill_"):
			figures[key] = value


def final_invariants(c: Cluster, figures: dict, details: dict) -> None:
	from benchmarks.cluster.drills_infra import invariants

	count, detail = invariants(c)
	details["final_invariants"] = {"violations": count, "detail": detail}
	if count is None:
		details["final_invariants"]["error"] = detail
		figures["invariant_violations"] = None if figures.get("invariant_violations") is None else -1
	elif figures.get("invariant_violations") is None:
		figures["invariant_violations"] = count


def main(argv=None) -> int:
	args = parse_args(argv)
	if args.drop_seed:
		site_seed.drop()
		return 0
	if args.cleanup is not None:
		left = netns.cleanup_slot(args.cleanup)
		print("left: " + "; ".join(left) if left else f"slot {args.cleanup} clean")
		return 1 if left else 0
	figures: dict = dict.fromkeys(FIGURES)
	wanted = DRILLS[:1] if args.smoke else DRILLS
	figures.update({f"drill_{d}": None for d in wanted})
	details: dict = {}
	t0 = time.monotonic()
	try:
		with Cluster(smoke=args.smoke, web_hosts=1 if args.smoke else 2, worker_hosts=2, keep=args.keep,
			scheduler_tick=10) as c:  # fmt: skip
			details["start"] = dict(c.timings)
			only = set(args.only.split(",")) if args.only else None
			for name, fn in steps(c, args):
				if only and name not in only:
					continue
				c.say(f"step {name}")
				t1 = time.monotonic()
				try:
					merge(figures, details, name, fn())
				except Exception as exc:
					details[name] = {
						"error": f"{type(exc).__name__}: {exc}",
						"trace": traceback.format_exc()[-3000:],
					}
					# a drill that could not run failed; other steps leave no verdict
					if f"drill_{name}" in figures:
						figures[f"drill_{name}"] = "fail"
				details.setdefault(name, {})["seconds"] = round(time.monotonic() - t1, 1)
				c.say(f"step {name}: {json.dumps(details[name], default=str)[:600]}")
			final_invariants(c, figures, details)
	# a signal too (SystemExit from the Cluster's handler, Ctrl-C): the figures measured so far are still printed
	except (Exception, SystemExit, KeyboardInterrupt) as exc:
		details["cluster_error"] = f"{type(exc).__name__}: {exc}"[-4000:]
	details["total_s"] = round(time.monotonic() - t0, 1)
	print(
		json.dumps({"benchmark": "cluster", "figures": figures, "details": details}, default=str), flush=True
	)
	verdicts = [v for k, v in figures.items() if k.startswith("drill_") and v is not None]
	# every step ran (a step without a verdict, e.g. --only lb_load, counts by not failing) and every drill passed
	errors = [name for name, d in details.items() if isinstance(d, dict) and "error" in d]
	ran_ok = "cluster_error" not in details and not errors and all(v == "pass" for v in verdicts)
	clean = figures.get("invariant_violations") == 0
	return 0 if ran_ok and clean else 1


if __name__ == "__main__":
	sys.exit(main())
