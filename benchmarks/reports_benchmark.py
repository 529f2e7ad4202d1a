"""Benchmark of the five script reports over a large complaint table (not part of the test suite).

	cd ~/frappe-bench/sites && ../env/bin/python /path/to/complaint_mgmt/benchmarks/reports_benchmark.py \\
		--site complaint-c.localhost [--count 1000000] [--notices 200000] [--keep] [--reuse]

Bulk-seeds COUNT complaints received over the last two years (frappe.db.bulk_insert, no controllers; a
realistic spread: ~92 % closed, first/secondary irrational, a few open and overdue, 5 % external) over ten
departments and the seeded categories, plus NOTICES submitted penalty notices, ANALYZEs the tables, then times
each report's execute() for a week, a quarter, a year and the whole two years: "cold" is the first call of
that report and period in this process, "warm" the median of three more. Everything seeded is deleted at the
end unless --keep (then --reuse times an existing seed without seeding again).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PREFIX = "BENCHREPORT"
DEPARTMENTS = [f"Report Benchmark Dept {i:02d}" for i in range(1, 11)]
REPORTS = (
	"Irrational Complaint Statistics",
	"Weekly Complaint Summary",
	"Complaint Penalty Summary",
	"Complaint Closure Performance",
	"Overdue Complaints",
)
# grade -> (transfer, first reply, close) hours, as seeded by complaint_mgmt.seed
HOURS = {"General": (4, 24, 72), "Medium": (2, 8, 120), "Strong": (0.5, 4, 168)}
COMPLAINT_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series", "customer_name",
	"channel", "is_external", "category", "grade", "original_grade", "received_on", "status", "department",
	"specialist", "irrational_stage", "follow_up_mode", "closure_type",
	"transfer_due", "first_reply_due", "close_due", "return_visit_due",
	"transferred_on", "acknowledged_on", "first_replied_on", "close_requested_on", "return_visited_on", "closed_on",
)  # fmt: skip
NOTICE_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "complaint", "department", "breach_type",
	"period", "grade", "base_amount", "multiplier", "amount", "issued_on", "breach_key", "executed",
)  # fmt: skip
BREACHES = ("Transfer", "First Reply", "Close", "Close", "Return Visit")


def complaint_row(i: int, now: datetime, rnd: random.Random, categories: list[str]) -> tuple:
	h = lambda base, hours: base + timedelta(hours=hours)  # noqa: E731
	received = now - timedelta(seconds=rnd.randrange(2, 730 * 86400))
	channel = rnd.choices(("Phone", "Hotline", "Web", "Media", "Government"), (60, 20, 15, 3, 2))[0]
	grade = rnd.choices(("General", "Medium", "Strong"), (70, 20, 10))[0]
	v = dict.fromkeys(COMPLAINT_FIELDS)
	v.update(
		name=f"{PREFIX}-{i:07d}", creation=received, modified=received, owner="Administrator",
		modified_by="Administrator", docstatus=0, naming_series="CMP-.YYYY.-.#####",
		customer_name=f"Customer {i}", channel=channel, is_external=int(channel in ("Media", "Government")),
		category=rnd.choice(categories), grade=grade, original_grade=grade, received_on=received,
		department=rnd.choice(DEPARTMENTS), specialist="Administrator",
	)  # fmt: skip
	t, f, c = HOURS[grade]
	u = rnd.random()
	if u < 0.03:  # first irrational: no clocks
		v.update(grade="Irrational", original_grade="Irrational", status="Transferred", irrational_stage="First",
				 follow_up_mode=rnd.choice(("Watch", "Monitor")), transferred_on=h(received, 1))  # fmt: skip
		return tuple(v[k] for k in COMPLAINT_FIELDS)
	transferred = h(received, rnd.uniform(0.1, 3))
	ack = h(transferred, rnd.uniform(0.1, 3))
	first = h(ack, rnd.uniform(0.5, f * 1.3))
	v.update(transfer_due=h(received, t), close_due=h(received, c), first_reply_due=h(ack, f),
			 transferred_on=transferred, acknowledged_on=ack)  # fmt: skip
	if u < 0.06:  # secondary irrational (deferral accepted)
		v.update(status="Deferred", irrational_stage="Secondary", follow_up_mode=rnd.choice(("Watch", "Monitor")),
				 first_replied_on=first)  # fmt: skip
	elif u < 0.08:  # still open (most of them overdue by now)
		v.update(status=rnd.choice(("Registered", "Transferred", "Acknowledged", "Replied")))
		if v["status"] == "Registered":
			v.update(department=None, transferred_on=None, acknowledged_on=None, first_reply_due=None)
		elif v["status"] == "Transferred":
			v.update(acknowledged_on=None, first_reply_due=None)
		elif v["status"] == "Replied":
			v.update(first_replied_on=first)
	else:  # closed, 80 % inside the closing deadline
		requested = h(received, rnd.uniform(c * 0.2, c * (0.95 if rnd.random() < 0.8 else 1.6)))
		requested = max(requested, h(first, 0.5))
		visited = h(requested, rnd.uniform(0.5, 14))
		second = requested > v["close_due"]
		v.update(status="Closed", first_replied_on=first, close_requested_on=requested,
				 return_visit_due=h(requested, 12), return_visited_on=visited, closed_on=h(visited, rnd.uniform(0.5, 8)),
				 closure_type="Second Closure" if second else "First Closure")  # fmt: skip
	return tuple(v[k] for k in COMPLAINT_FIELDS)


def notice_row(i: int, now: datetime, rnd: random.Random, count: int) -> tuple:
	issued = now - timedelta(seconds=rnd.randrange(2, 730 * 86400))
	breach = rnd.choice(BREACHES)
	base = rnd.choice((50, 100, 200))
	complaint = f"{PREFIX}-{rnd.randrange(count):07d}"
	name = f"{PREFIX}-N-{i:07d}"
	return (name, issued, issued, "Administrator", "Administrator", 1, complaint, rnd.choice(DEPARTMENTS), breach,
			0, "General", base, 1, base, issued, name, int(rnd.random() < 0.6))  # fmt: skip


def seed(count: int, notices: int, chunk: int = 10_000) -> None:
	import frappe

	for department in DEPARTMENTS:
		if not frappe.db.exists("Complaint Department", department):
			frappe.get_doc({"doctype": "Complaint Department", "department_name": department}).insert(
				ignore_permissions=True  # benchmark setup, run as Administrator
			)
	frappe.db.commit()  # nosemgrep -- benchmark script: its own setup must be committed
	categories = frappe.get_all("Complaint Category", filters={"is_group": 0}, pluck="name")
	rnd, now = random.Random(20260105), datetime.now().replace(microsecond=0)
	start = time.perf_counter()
	for first in range(0, count, chunk):
		rows = [complaint_row(i, now, rnd, categories) for i in range(first, min(first + chunk, count))]
		frappe.db.bulk_insert("Complaint", COMPLAINT_FIELDS, rows, chunk_size=chunk)
		frappe.db.commit()  # nosemgrep -- benchmark seeding: one transaction per chunk keeps the undo log small
		if (first // chunk) % 10 == 0:
			print(f"  complaints {first + len(rows):>9,} ({time.perf_counter() - start:.0f} s)", flush=True)
	for first in range(0, notices, chunk):
		rows = [notice_row(i, now, rnd, count) for i in range(first, min(first + chunk, notices))]
		frappe.db.bulk_insert("Complaint Penalty Notice", NOTICE_FIELDS, rows, chunk_size=chunk)
		frappe.db.commit()  # nosemgrep -- benchmark seeding, as above
	# A constant maintenance statement (fresh optimizer statistics after the bulk load); no API for it.
	analyze = "ANALYZE TABLE `tabComplaint`, `tabComplaint Penalty Notice`"
	frappe.db.sql(analyze)  # nosemgrep
	print(f"seeded {count:,} complaints and {notices:,} notices in {time.perf_counter() - start:.0f} s")


def cleanup(count: int, notices: int, chunk: int = 50_000) -> None:
	"""Delete the seeded rows by primary-key ranges (fast, small transactions)."""
	import frappe

	for doctype, total, fmt in (
		("Complaint Penalty Notice", notices, f"{PREFIX}-N-{{:07d}}"),
		("Complaint", count, f"{PREFIX}-{{:07d}}"),
	):
		for first in range(0, total, chunk):
			frappe.db.delete(
				doctype, {"name": ("between", (fmt.format(first), fmt.format(first + chunk - 1)))}
			)
			frappe.db.commit()  # nosemgrep -- benchmark clean-up: one transaction per chunk
	for department in DEPARTMENTS:
		frappe.db.delete("Complaint Department", {"name": department})
	frappe.db.commit()  # nosemgrep -- benchmark clean-up


def time_reports(now: datetime) -> list[tuple]:
	import frappe

	today = now.date()
	periods = {
		"week": (today - timedelta(days=7), today - timedelta(days=1)),
		"quarter": (today - timedelta(days=91), today - timedelta(days=1)),
		"year": (today - timedelta(days=365), today - timedelta(days=1)),
		"2 years": (today - timedelta(days=731), today),
	}
	results = []
	for report in REPORTS:
		module = frappe.scrub(report)
		execute = frappe.get_attr(f"complaint_mgmt.complaint_mgmt.report.{module}.{module}.execute")
		for label, (from_date, to_date) in periods.items():
			filters = {"from_date": str(from_date), "to_date": str(to_date)}
			timings = []
			for _run in range(4):
				start = time.perf_counter()
				rows = execute(filters)[1]
				timings.append(time.perf_counter() - start)
			results.append((report, label, len(rows), timings[0], statistics.median(timings[1:])))
	return results


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-c.localhost"))
	parser.add_argument("--count", type=int, default=1_000_000)
	parser.add_argument("--notices", type=int, default=200_000)
	parser.add_argument("--keep", action="store_true", help="keep the seeded rows")
	parser.add_argument("--reuse", action="store_true", help="time an existing seed (from --keep)")
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		if not args.reuse:
			seed(args.count, args.notices)
		total = frappe.db.count("Complaint")
		print(
			f"\n{total:,} complaints, {frappe.db.count('Complaint Penalty Notice'):,} notices on {args.site}\n"
		)
		results = time_reports(datetime.now())
		print(f"{'report':<32} {'period':<8} {'rows':>6} {'cold s':>8} {'warm s':>8}")
		for report, label, rows, cold, warm in results:
			print(f"{report:<32} {label:<8} {rows:>6} {cold:>8.3f} {warm:>8.3f}")
		worst = max(max(cold, warm) for *_rest, cold, warm in results)
		print(f"\nslowest: {worst:.3f} s (limit 2 s): {'OK' if worst <= 2 else 'TOO SLOW'}")
	finally:
		if not args.keep:
			cleanup(args.count, args.notices)
			print("seeded rows deleted")
		frappe.destroy()


if __name__ == "__main__":
	main()
