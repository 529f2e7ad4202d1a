"""The site side of the load through the balancer (load_lb.py), run with the bench's python from the cluster's
sites folder:

	python benchmarks/cluster/load_site.py SITE seed PREFIX COUNT     COUNT open complaints, nothing due for 40 min
	python benchmarks/cluster/load_site.py SITE cleanup PREFIX        delete them

The background the desk users' lists and reports run over (issue 20 §3: a site with 100,000 complaints): 2,000
rows from benchmarks/seeding.py, then copies inside the database (seeding.copy). Prints one JSON line."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: benchmarks and the app

DEPARTMENT = "Cluster Load Background Dept"
BASE = 2000


def seed(prefix: str, count: int) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from benchmarks import seeding

	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert()
		frappe.db.commit()  # nosemgrep -- a benchmark's seeding script
	base = min(BASE, count)
	seeding.seed(prefix, base, now=now_datetime(), due=0, department=DEPARTMENT)
	copied = seeding.copy(prefix, f"{prefix}c", count - base) if count > base else 0
	return {"seeded": base + copied, "complaints": frappe.db.count("Complaint")}


def cleanup(prefix: str) -> dict:
	from benchmarks import seeding

	seeding.cleanup(prefix)
	return {"cleaned": prefix}


COMMANDS = {"seed": lambda prefix, count: seed(prefix, int(count)), "cleanup": cleanup}


if __name__ == "__main__":
	from benchmarks.cluster import site_cli

	site_cli.serve(COMMANDS)
