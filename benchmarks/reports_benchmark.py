"""Benchmark of the five script reports over a large complaint table (not part of the test suite).

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/complaint_mgmt/benchmarks/reports_benchmark.py \\
		--site complaint-c.localhost [--count 1000000] [--notices 100000] [--no-cleanup] [--json out.json]

Seeds COUNT complaints received over the last two years and NOTICES submitted penalty notices ONCE
(benchmarks/report_seeding.py; names carry the marker prefix BENCHREPORT): when a seed of that size is already
there (a previous run with --no-cleanup) it is reused, a partial one is removed and seeded again. Then times
each report's execute() for one week (the weekly use), one month, one quarter (the 2 s target) and one year
(for information), as Administrator and as a Complaint Handler restricted to two of the ten departments:
"cold" is the first call of that report, period and user in this process, "warm" the best of three more.
Everything seeded is deleted at the end unless --no-cleanup. The report indexes must exist
(complaint_mgmt.setup.report_indexes, created by migrate).
"""

import argparse
import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REPORTS = (
	"Weekly Complaint Summary",
	"Irrational Complaint Statistics",
	"Complaint Closure Performance",
	"Overdue Complaints",
	"Complaint Penalty Summary",
)
LIMIT_S = 2.0
TARGET_PERIODS = ("week", "month", "quarter")  # the 2 s target; the year is measured for information


def periods(today: date) -> dict[str, tuple[date, date]]:
	"""The last full week (Monday to Sunday), the last 30, 91 and 365 days (the year: beyond the target)."""
	last_sunday = today - timedelta(days=today.weekday() + 1)
	return {
		"week": (last_sunday - timedelta(days=6), last_sunday),
		"month": (today - timedelta(days=30), today - timedelta(days=1)),
		"quarter": (today - timedelta(days=91), today - timedelta(days=1)),
		"year": (today - timedelta(days=365), today - timedelta(days=1)),
	}


def ensure_seed(count: int, notices: int) -> float | None:
	"""Seed unless a seed of this size is there; the seeding time in seconds, None when reused."""
	import frappe

	from benchmarks import report_seeding

	have = report_seeding.seeded_count(), report_seeding.seeded_count("Complaint Penalty Notice")
	if have == (count, notices):
		print(f"reusing the seeded {count:,} complaints and {notices:,} notices", flush=True)
		report_seeding.setup_people()
		return None
	if any(have):
		print(f"removing a partial seed {have}", flush=True)
		report_seeding.cleanup()
	start = time.perf_counter()
	report_seeding.seed(count, notices, datetime.now().replace(microsecond=0))
	seconds = time.perf_counter() - start
	print(f"seeded {count:,} complaints and {notices:,} notices in {seconds:.0f} s", flush=True)
	frappe.db.commit()  # nosemgrep -- benchmark: the seed stays for later runs when --no-cleanup
	return seconds


def time_reports(users: dict[str, str]) -> list[dict]:
	import frappe

	results = []
	for report in REPORTS:
		module = frappe.scrub(report)
		execute = frappe.get_attr(f"complaint_mgmt.complaint_mgmt.report.{module}.{module}.execute")
		for label, (from_date, to_date) in periods(date.today()).items():
			filters = {"from_date": str(from_date), "to_date": str(to_date)}
			for who, user in users.items():
				frappe.set_user(user)
				timings = []
				for _run in range(4):
					start = time.perf_counter()
					rows = execute(filters)[1]
					timings.append(time.perf_counter() - start)
				results.append(
					{"report": report, "period": label, "user": who, "rows": len(rows),
					 "cold_s": round(timings[0], 3), "warm_s": round(min(timings[1:]), 3)}
				)  # fmt: skip
				print(
					f"{report:<32} {label:<8} {who:<10} {len(rows):>6} {timings[0]:>8.3f} {min(timings[1:]):>8.3f}",
					flush=True,
				)
	frappe.set_user("Administrator")
	return results


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-c.localhost"))
	parser.add_argument("--count", type=int, default=1_000_000)
	parser.add_argument("--notices", type=int, default=100_000)
	parser.add_argument(
		"--cleanup",
		action=argparse.BooleanOptionalAction,
		default=True,
		help="delete the seeded rows at the end (default); --no-cleanup keeps them for the next run",
	)
	parser.add_argument("--json", help="also write the results to this file")
	args = parser.parse_args()

	import frappe

	from benchmarks import report_seeding

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	out: dict = {"site": args.site}
	try:
		out["seed_s"] = ensure_seed(args.count, args.notices)
		out["complaints"] = frappe.db.count("Complaint")
		out["notices"] = frappe.db.count("Complaint Penalty Notice")
		print(f"\n{out['complaints']:,} complaints, {out['notices']:,} notices on {args.site}\n")
		print(f"{'report':<32} {'period':<8} {'user':<10} {'rows':>6} {'cold s':>8} {'warm s':>8}")
		users = {"admin": "Administrator", "restricted": report_seeding.HANDLER}
		out["results"] = time_reports(users)
		for label in TARGET_PERIODS, ("year",):
			worst = max(max(r["cold_s"], r["warm_s"]) for r in out["results"] if r["period"] in label)
			verdict = "OK" if worst <= LIMIT_S else "TOO SLOW"
			print(f"slowest of {'/'.join(label)}: {worst:.3f} s (limit {LIMIT_S} s): {verdict}")
		if args.json:
			Path(args.json).write_text(json.dumps(out, indent=1, default=str))
	finally:
		frappe.set_user("Administrator")
		if args.cleanup:
			start = time.perf_counter()
			report_seeding.cleanup()
			print(f"seeded rows deleted in {time.perf_counter() - start:.0f} s")
		frappe.destroy()


if __name__ == "__main__":
	main()
