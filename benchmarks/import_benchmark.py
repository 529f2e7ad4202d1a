"""Benchmark of the complaint-history import (not part of the test suite).

	cd ~/frappe-bench/sites && ../env/bin/python ../apps/complaint_mgmt/benchmarks/import_benchmark.py \\
		--site complaint-test.localhost [--rows 100000] [--bad-every 50] [--smoke]

Generates a CSV of ROWS handled complaints (closed and deferred, every grade and channel, on time and late) with
one bad row in every BAD_EVERY mixed in (steps out of order, unknown grade, an open status, a date in the future,
a slogan for a corrective action), uploads it as a private File and imports it through
``complaint_mgmt.loop.history_import.import_history`` as Administrator, the way the desk does (one call, then
the commit the request would make). Checks that every good row was written, imported and invisible to the sweep,
that the bad rows are exactly the ones reported and wrote nothing, then deletes everything it made and puts the
series counter back. The last line printed is the JSON of the figures.
"""

import argparse
import csv
import io
import json
import os
import time
from datetime import datetime, timedelta

import frappe
from frappe.model.naming import NamingSeries
from frappe.query_builder import Order
from frappe.query_builder.functions import Length

from complaint_mgmt.loop import history_import
from complaint_mgmt.procedure.history_rules import COLUMNS

PREFIX = "BENCHIMPORT"
DEPARTMENT = "Import Benchmark Dept"
GRADES = ("General", "General", "Medium", "Strong", "Irrational")
CHANNELS = ("Phone", "Hotline", "Walk-in", "E-mail", "Web", "Media", "Manufacturer Hotline")
FAULTS = ("order", "grade", "open", "future", "slogan")
START = datetime(2021, 1, 4, 8, 0)
FILE_NAME = f"{PREFIX.lower()}.csv"


def good_row(i: int) -> dict:
	received = START + timedelta(minutes=17 * i)
	grade = GRADES[i % len(GRADES)]
	row = {
		"source_reference": f"OLD-{i:07d}",
		"customer_name": f"{PREFIX} {i:07d}",
		"contact_phone": f"+86-139{i % 10**8:08d}",
		"channel": CHANNELS[i % len(CHANNELS)],
		"category": "Product Quality" if i % 3 else "Delivery",
		"grade": grade,
		"department": DEPARTMENT,
		"description": f"Historic complaint {i} brought in by the import benchmark.",
		"claim_amount": str(i % 500),
		"received_on": received,
		"transferred_on": received + timedelta(minutes=20),
		"acknowledged_on": received + timedelta(hours=1 + i % 7),  # sometimes past the transfer deadline
	}
	if grade == "Irrational":
		row.update(follow_up_mode="Watch", irrational_reason="Asks for ten times the price")
	if i % 5 == 4:  # deferred before any reply
		row.update(status="Deferred", deferral_requested_on=received + timedelta(hours=8),
			deferral_approved_on=received + timedelta(hours=9), deferral_reason="Waiting for the manufacturer",
			follow_up_mode="Monitor")  # fmt: skip
		return row
	late = i % 4 == 0 and grade != "Irrational"
	requested = received + (timedelta(days=30) if late else timedelta(hours=20))
	row.update(status="Closed", first_replied_on=received + timedelta(hours=10), close_requested_on=requested,
		return_visited_on=requested + timedelta(hours=3), closed_on=requested + timedelta(days=1),
		resolution="Product replaced", root_cause="Seal batch 2021-03 out of tolerance",
		corrective_action=f"Pressure-test seal batch {i} at goods receipt", compensation_amount=str(i % 80),
		closure_type="Second Closure" if late else ("First Closure" if i % 2 else ""))  # fmt: skip
	return row


def bad_row(i: int) -> dict:
	row = {**good_row(i), "customer_name": f"{PREFIX}-BAD {i:07d}"}
	fault = FAULTS[(i // 7) % len(FAULTS)]
	if fault == "order":
		row["acknowledged_on"] = row["received_on"] - timedelta(minutes=1)
	elif fault == "grade":
		row["grade"] = "Enormous"
	elif fault == "open":
		row["status"] = "Replied"
	elif fault == "future":
		row["received_on"] = datetime.now() + timedelta(days=3)
	else:
		row.update(status="Closed", corrective_action="加强培训、加强检查", close_requested_on=row["received_on"]
			+ timedelta(days=1), return_visited_on=row["received_on"] + timedelta(days=2),
			closed_on=row["received_on"] + timedelta(days=3), deferral_requested_on=None, deferral_approved_on=None,
			deferral_reason=None, first_replied_on=row["received_on"] + timedelta(hours=2), resolution="Done",
			root_cause="Seal", closure_type="", follow_up_mode=row.get("follow_up_mode") if row["grade"] ==
			"Irrational" else None)  # fmt: skip
	return row


def make_csv(rows: int, bad_every: int) -> tuple[bytes, set[int]]:
	"""The file and the spreadsheet lines of its bad rows (header = line 1)."""
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(COLUMNS)
	bad_lines = set()
	for i in range(rows):
		bad = bad_every and i % bad_every == bad_every - 1
		row = bad_row(i) if bad else good_row(i)
		if bad:
			bad_lines.add(i + 2)
		writer.writerow([_cell(row.get(c)) for c in COLUMNS])
	return out.getvalue().encode("utf-8"), bad_lines


def _cell(value) -> str:
	if value is None:
		return ""
	return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else str(value)


def commit() -> None:
	frappe.db.commit()  # a benchmark script: its setup, import and clean-up must be durable  # nosemgrep


def setup() -> None:
	if not frappe.db.exists("Complaint Department", DEPARTMENT):
		frappe.get_doc({"doctype": "Complaint Department", "department_name": DEPARTMENT}).insert(
			ignore_permissions=True  # benchmark setup, run as Administrator
		)
	commit()


def cleanup() -> int:
	"""Delete every complaint (and step) the benchmark imported, its file and department; returns what is left."""
	names = frappe.get_all("Complaint", filters={"customer_name": ("like", f"{PREFIX}%")}, pluck="name")
	for start in range(0, len(names), 5000):
		chunk = names[start : start + 5000]
		frappe.db.delete("Complaint Step", {"parenttype": "Complaint", "parent": ("in", chunk)})
		frappe.db.delete("Complaint", {"name": ("in", chunk)})
	for name in frappe.get_all(
		"File", filters={"file_name": ("like", f"{PREFIX.lower()}%.csv")}, pluck="name"
	):
		for attempt in range(5):  # deleting a File updates its folder, which other sessions' uploads may lock
			try:
				frappe.delete_doc("File", name, ignore_permissions=True)  # the benchmark's own upload
				break
			except frappe.QueryTimeoutError:
				frappe.db.rollback()
				time.sleep(5 * (attempt + 1))
	if os.path.exists(path := frappe.get_site_path("private", "files", FILE_NAME)):
		os.remove(path)
	frappe.db.delete("Complaint Department", {"name": DEPARTMENT})
	commit()
	return frappe.db.count("Complaint", {"customer_name": ("like", f"{PREFIX}%")})


def restore_counter(series: NamingSeries, before: int) -> int:
	"""Put the series counter back: to where it was, or to the highest complaint name left if others took numbers
	meanwhile. Safe under the series row's lock: whoever took a number since has committed (its complaint exists)
	or rolled back."""
	prefix, table = series.get_prefix(), frappe.qb.DocType("Series")
	frappe.qb.from_(table).select(table.current).where(table.name == prefix).for_update().run()
	c = frappe.qb.DocType("Complaint")
	highest = (
		frappe.qb.from_(c).select(c.name).where(c.name.like(f"{prefix}%"))
		.orderby(Length(c.name), order=Order.desc).orderby(c.name, order=Order.desc).limit(1).run()
	)  # fmt: skip
	number = highest[0][0][len(prefix) :] if highest else ""
	series.update_counter(max(before, int(number) if number.isdigit() else 0))
	commit()
	return series.get_current_value()


def main() -> dict:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--rows", type=int, default=100_000)
	parser.add_argument("--bad-every", type=int, default=50)
	parser.add_argument("--smoke", action="store_true", help="a tiny run (500 rows) to check the script")
	args = parser.parse_args()
	rows = 500 if args.smoke else args.rows

	frappe.init(site=args.site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")
	figures: dict = {"rows": rows}
	series = NamingSeries(frappe.get_meta("Complaint").get_field("naming_series").options.split("\n")[0])
	counter_before = series.get_current_value()
	try:
		cleanup()
		setup()
		content, bad_lines = make_csv(rows, args.bad_every)
		figures["file_mb"] = round(len(content) / 1e6, 1)
		# a desk upload this size needs System Settings' Max File Size above its 25 MB default (100,000 rows are
		# ~40 MB of CSV): raised for this process only
		frappe.conf.max_file_size = 512 * 1024 * 1024
		file_doc = frappe.get_doc(
			{"doctype": "File", "file_name": FILE_NAME, "content": content, "is_private": 1}
		)
		file_doc.insert(ignore_permissions=True)  # the benchmark's upload, as Administrator
		commit()

		started = time.perf_counter()
		dry = history_import.import_history(file_doc.file_url, dry_run=True)
		figures["dry_run_rows_per_s"] = round(rows / (time.perf_counter() - started))

		for attempt in range(
			1, 4
		):  # another session's open transaction may hold the series row (lock timeout)
			started = time.perf_counter()
			try:
				result = history_import.import_history(file_doc.file_url)
			except frappe.ValidationError:
				frappe.db.rollback()
				if attempt == 3:
					raise
				continue
			commit()  # what the end of the request does
			seconds = time.perf_counter() - started
			break
		figures["attempts"] = attempt
		figures.update(seconds=round(seconds, 2), rows_per_s=round(rows / seconds))
		figures.update(imported=result["imported"], bad_rows=len(result["bad_rows"]))

		reported = {r["row"] for r in result["bad_rows"]}
		assert reported == bad_lines == {r["row"] for r in dry["bad_rows"]}, (len(reported), len(bad_lines))
		assert result["imported"] == rows - len(bad_lines) == dry["valid"], result["imported"]
		figures["bad_rows_written"] = frappe.db.count(
			"Complaint", {"customer_name": ("like", f"{PREFIX}-BAD%")}
		)
		written = {"customer_name": ("like", f"{PREFIX} %"), "imported": 1}
		figures["written_and_flagged"] = frappe.db.count("Complaint", written)
		figures["sweep_selectable"] = frappe.db.count(
			"Complaint", {**written, "next_check_at": ("is", "set")}
		)
		assert figures["written_and_flagged"] == result["imported"] and figures["sweep_selectable"] == 0
	finally:
		frappe.db.rollback()
		started = time.perf_counter()
		figures["left_behind"] = cleanup()
		figures["counter_after"] = restore_counter(series, counter_before)
		figures["cleanup_s"] = round(time.perf_counter() - started, 2)
		frappe.destroy()
	return {"benchmark": "import", "figures": figures}


if __name__ == "__main__":
	print(json.dumps(main(), default=str))
