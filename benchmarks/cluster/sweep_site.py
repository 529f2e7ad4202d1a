"""The site side of the sweep drills (drills_sweep.py), run with the bench's python from the cluster's sites folder:

	python benchmarks/cluster/sweep_site.py SITE seed PREFIX COUNT     due breaches under a benchmark prefix
	python benchmarks/cluster/sweep_site.py SITE schedule              the scheduled job, as the scheduler enqueues it
	python benchmarks/cluster/sweep_site.py SITE status PREFIX         notices, duplicates, breaches without notice
	python benchmarks/cluster/sweep_site.py SITE sweep                 one sweep in this process (a restored site)
	python benchmarks/cluster/sweep_site.py SITE counts                rows of the tables a restore must bring back
	python benchmarks/cluster/sweep_site.py SITE workers               the long-queue workers the sweep's fan-out counts

Prints one JSON line. Seeding is benchmarks/seeding.py's (bulk rows, one breach due on each, warnings sent)."""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: benchmarks and the app

DEPARTMENT = "Cluster Sweep Drill Dept"
SCHEDULE = "complaint_mgmt.engine.deadlines.schedule_sweep"
COUNTED = (
	"Complaint",
	"Complaint Transfer Record",
	"Complaint Step",
	"Complaint Reply",
	"Complaint Escalation",
	"Complaint Penalty Notice",
	"File",
)


def seed(prefix: str, count: int) -> dict:
	import frappe
	from frappe.utils import now_datetime

	from benchmarks import seeding

	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert()
		frappe.db.commit()  # nosemgrep -- a drill's seeding script
	# every breach due 5 to 15 minutes ago: all of them due at the next schedule
	seeding.seed(prefix, count, now=now_datetime() - timedelta(minutes=15), due=count, department=DEPARTMENT)
	return {"seeded": count}


def schedule() -> dict:
	"""What the scheduler does when the 5-minute cron comes: the Scheduled Job Type's enqueue (on the default
	queue, deduplicated), whose job then runs schedule_sweep on a worker."""
	import frappe

	job_type = frappe.get_doc("Scheduled Job Type", {"method": SCHEDULE})
	queued = job_type.enqueue(force=True)
	frappe.db.commit()  # nosemgrep -- a drill's script
	return {"queued": bool(queued)}


def status(prefix: str) -> dict:
	import frappe

	notices = frappe.qb.DocType("Complaint Penalty Notice")
	complaint = frappe.qb.DocType("Complaint")
	from frappe.query_builder.functions import Count

	rows = (
		frappe.qb.from_(notices)
		.select(notices.complaint, notices.breach_type, notices.period, Count("*"))
		.where(notices.complaint.like(f"{prefix}-%") & (notices.docstatus == 1))
		.groupby(notices.complaint, notices.breach_type, notices.period)
	).run()
	seeded = frappe.db.count("Complaint", {"name": ("like", f"{prefix}-%")})
	with_notice = len({row[0] for row in rows})
	flagged = (
		frappe.qb.from_(complaint)
		.select(Count("*"))
		.where(
			complaint.name.like(f"{prefix}-%")
			& (
				(complaint.transfer_breached == 1)
				| (complaint.first_reply_breached == 1)
				| (complaint.close_breached == 1)
			)
		)
	).run()[0][0]
	return {
		"complaints": seeded,
		"notices": sum(row[3] for row in rows),
		"duplicates": sum(row[3] - 1 for row in rows),
		"missing_notices": seeded - with_notice,
		"flagged": flagged,
	}


def sweep() -> dict:
	from complaint_mgmt.engine.deadlines import run_sweep

	return run_sweep()


def counts() -> dict:
	import frappe

	return {doctype: frappe.db.count(doctype) for doctype in COUNTED}


def workers() -> dict:
	"""The workers the automatic fan-out counts (the drill reads RQ's registry itself)."""
	from complaint_mgmt.ops.rq_workers import long_workers

	return {"long_workers": long_workers()}


COMMANDS = {
	"seed": lambda prefix, count: seed(prefix, int(count)),
	"schedule": schedule,
	"status": status,
	"sweep": sweep,
	"counts": counts,
	"workers": workers,
}


if __name__ == "__main__":
	from benchmarks.cluster import site_cli

	site_cli.serve(COMMANDS)
