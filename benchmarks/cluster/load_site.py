"""The site side of the load through the balancer (load_lb.py), run with the bench's python from the cluster's
sites folder:

	python benchmarks/cluster/load_site.py SITE seed PREFIX COUNT [BACKGROUND]     COUNT background complaints
	python benchmarks/cluster/load_site.py SITE cleanup PREFIX                     delete them

The background the desk users' lists and reports run over (issue 20 §3: a site with 100,000 complaints), one of
BACKGROUNDS:

- ``history`` (default): a site's history — COUNT complaints received over the last two years, most of them
  closed long ago, the last weeks' still running, and a penalty notice for every tenth (benchmarks/
  report_seeding.py, the report benchmark's generator, here ending now), the settled ones counted into the
  reports' daily rows by the app's own job (``report_stats.count_settled``, as the hourly schedule would have).
  The running ones carry no sweep check (``next_check_at`` empty): the sweep finds only what the desk users'
  own complaints breach.
- ``open``: the worst case — COUNT complaints all open and received in the last days, nothing due for 40 minutes
  (2,000 rows from benchmarks/seeding.py, then copies inside the database, seeding.copy), so every report over
  the last 30 days reads all of them.

Prints one JSON line."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: benchmarks and the app

DEPARTMENT = "Cluster Load Background Dept"
BASE = 2000
BACKGROUNDS = ("history", "open")


def seed(prefix: str, count: int, background: str = "history") -> dict:
	if background not in BACKGROUNDS:
		raise SystemExit(f"unknown background {background}: one of {', '.join(BACKGROUNDS)}")
	return seed_history(prefix, count) if background == "history" else seed_open(prefix, count)


def seed_history(prefix: str, count: int) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from benchmarks import report_seeding
	from complaint_mgmt.outputs import report_stats

	report_seeding.use_prefix(prefix)
	report_seeding.seed(count, count // 10, now=now_datetime())
	counted = report_stats.count_settled()
	frappe.db.commit()  # nosemgrep -- a benchmark's seeding script (the job commits per batch itself)
	running = frappe.db.count("Complaint", {"name": ("like", f"{prefix}-%"), "status": ("!=", "Closed")})
	return {
		"background": "history",
		"seeded": report_seeding.seeded_count(),
		"running": running,
		"counted": counted["counted"],
		"complaints": frappe.db.count("Complaint"),
	}


def seed_open(prefix: str, count: int) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from benchmarks import seeding

	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert()
		frappe.db.commit()  # nosemgrep -- a benchmark's seeding script
	base = min(BASE, count)
	seeding.seed(prefix, base, now=now_datetime(), due=0, department=DEPARTMENT)
	copied = seeding.copy(prefix, f"{prefix}c", count - base) if count > base else 0
	return {"background": "open", "seeded": base + copied, "complaints": frappe.db.count("Complaint")}


def cleanup(prefix: str) -> dict:
	"""Either background: the history (out of the daily rows first), then whatever else is named `prefix`."""
	from benchmarks import report_seeding, seeding

	report_seeding.use_prefix(prefix)
	report_seeding.cleanup()
	seeding.cleanup(prefix)
	return {"cleaned": prefix}


COMMANDS = {"seed": lambda prefix, count, *bg: seed(prefix, int(count), *bg), "cleanup": cleanup}


if __name__ == "__main__":
	from benchmarks.cluster import site_cli

	site_cli.serve(COMMANDS)
