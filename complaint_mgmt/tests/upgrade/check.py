"""The checks of the upgrade test (scripts/upgrade-test), run with the bench's python from the sites folder:

    check.py snapshot --site S --out F --app-dir D   # on the old version: its records (D: where it must import from)
    check.py upgraded --site S --snapshot F --out G --app-dir D
                                                     # after the migrate: records kept, the procedure's jobs run
    check.py unchanged --site S --before G           # after a second migrate: nothing changed

Run as a script, not as a module of the app: while the old version is installed, its tree comes first on
PYTHONPATH and has no such module. Each command prints its figures and exits 1 on any failure.
"""

import argparse
import datetime
import json
import os
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

import frappe
from frappe.utils import add_days, now_datetime
from upgrade_records import (
	MODULE,
	Failures,
	app_data,
	attached_names,
	fingerprint,
	print_counts,
	records_kept,
	same_fingerprint,
)

APP = "complaint_mgmt"
SWEEP_DAYS_AHEAD = 10


def connect(site: str) -> None:
	frappe.init(site=site, sites_path=os.getcwd())
	frappe.connect()
	frappe.set_user("Administrator")


def check_app_dir(expected: str, failures: Failures) -> None:
	"""The app Python imports, and the one Frappe reads doctypes, patches and hooks from, is under `expected`."""
	import complaint_mgmt

	wanted = os.path.join(os.path.realpath(expected), APP)
	seen = {
		"import complaint_mgmt": os.path.dirname(complaint_mgmt.__file__),
		"frappe.get_app_path": frappe.get_app_path(APP),
		"its hooks": os.path.dirname(frappe.get_module(f"{APP}.hooks").__file__),
	}
	for what, path in seen.items():
		failures.check(os.path.realpath(path) == wanted, f"{what} is {path}, expected {wanted}")
	print(f"   app tree: {wanted}")


def snapshot(args) -> None:
	failures = Failures()
	connect(args.site)
	check_app_dir(args.app_dir, failures)
	data, attached = app_data(), attached_names()
	Path(args.out).write_text(json.dumps({"data": data, "attached": attached}, default=str))
	print_counts(data, attached)
	failures.check(bool(data.get("Complaint")), "the old version's demo made no complaint")
	failures.exit("snapshot of the old version")


def upgraded(args) -> None:
	"""After the migrate: every record kept, then the procedure's jobs on the migrated data."""
	failures = Failures()
	connect(args.site)
	check_app_dir(args.app_dir, failures)
	old = json.loads(Path(args.snapshot).read_text())
	print("-- records (before -> after the migrate)")
	records_kept(old, app_data_as_read(), attached_names(), failures)
	print("-- the procedure on the migrated data")
	run_procedure(failures)
	run_reports(failures)
	run_scheduled_jobs(failures)
	frappe.db.commit()  # a site of its own: what the jobs wrote stays for the second migrate  # nosemgrep
	Path(args.out).write_text(json.dumps(fingerprint()))
	failures.exit("upgrade")


def app_data_as_read() -> dict:
	"""The app's rows as the snapshot file holds them (through JSON)."""
	return json.loads(json.dumps(app_data(), default=str))


def unchanged(args) -> None:
	failures = Failures()
	connect(args.site)
	same_fingerprint(json.loads(Path(args.before).read_text()), fingerprint(), failures)
	failures.exit("second migrate changes nothing")


def timed(label: str, call):
	start = time.monotonic()
	result = call()
	print(f"   {label:<62} {time.monotonic() - start:6.2f} s  {short(result)}")
	return result


def short(result) -> str:
	text = json.dumps(result, default=str)
	return text if len(text) < 120 else text[:117] + "..."


def failed(failures: Failures, what: str) -> None:
	traceback.print_exc()
	failures.check(False, f"{what} raised an error (traceback above)")
	frappe.db.rollback()


def run_procedure(failures: Failures) -> None:
	"""The sweep (now, and ten days on: the old open complaints breach) and the penalty bulletins."""
	from complaint_mgmt import deadlines, weekly  # the contract's names

	try:
		sweep = timed("sweep (complaint_mgmt.deadlines.run_sweep)", deadlines.run_sweep)
		failures.check(
			{"breaches", "notices", "escalations", "warnings"} <= set(sweep), "sweep totals missing"
		)
		later = str(add_days(now_datetime(), SWEEP_DAYS_AHEAD))
		sweep = timed(f"sweep {SWEEP_DAYS_AHEAD} days on ({later[:16]})", lambda: deadlines.run_sweep(later))
		failures.check(sweep["breaches"] > 0 and not sweep.get("errors"), "no breach swept on the old data")
		bulletin = timed(
			"bulletin (complaint_mgmt.weekly.make_penalty_bulletin)", weekly.make_penalty_bulletin
		)
		week = frappe.db.get_value("Complaint Penalty Bulletin", bulletin, "week_start")
		earlier = str(week - datetime.timedelta(days=7))
		older = timed(
			f"bulletin of the week before ({earlier})", lambda: weekly.make_penalty_bulletin(earlier)
		)
		failures.check(bool(older) and older != bulletin, "no bulletin made for the week before")
	except Exception:
		failed(failures, "the sweep or the bulletin")


def run_reports(failures: Failures) -> None:
	"""Every report of the app's module, as Administrator, over the demo's two months."""
	from frappe.desk.query_report import run

	reports = frappe.get_all("Report", filters={"module": MODULE}, pluck="name", order_by="name")
	failures.check(len(reports) >= 6, f"only {len(reports)} reports of the app: {reports}")
	today = datetime.date.today()
	filters = {"from_date": str(today - datetime.timedelta(days=62)), "to_date": str(today)}
	rows = 0
	for report in reports:
		try:
			rows += timed(
				f"report {report}",
				lambda r=report: len(run(r, filters=filters, ignore_prepared_report=True)["result"]),
			)
		except Exception:
			failed(failures, f"report {report}")
	failures.check(rows > 0, "the reports show nothing of the migrated complaints")
	print(f"   {len(reports)} reports run, {rows} rows")


@contextmanager
def jobs_run_at_once(ran: list):
	"""frappe.enqueue runs the job in this process (now=True) and notes it: what the scheduler's entry points
	queue on the long queue is run and checked here, not left in Redis for a worker."""
	original = frappe.enqueue

	def enqueue(method, *args, **kwargs):
		kwargs["now"] = True
		result = original(method, *args, **kwargs)
		ran.append((method if isinstance(method, str) else method.__qualname__, result))
		return result

	frappe.enqueue = enqueue
	try:
		yield
	finally:
		frappe.enqueue = original


def jobs_of(event) -> list[str]:
	"""The methods of a scheduler event: a list, or for "cron" a list per expression."""
	return [m for methods in event.values() for m in methods] if isinstance(event, dict) else list(event)


def run_scheduled_jobs(failures: Failures) -> None:
	"""Every job of the app's scheduler_events (the checkout's hooks), what it queues run at once."""
	events = frappe.get_hooks("scheduler_events", app_name=APP)
	methods = [m for event in events.values() for m in jobs_of(event)]
	failures.check(bool(methods), "the app's hooks list no scheduled job")
	for method in methods:
		queued: list[tuple] = []
		try:
			with jobs_run_at_once(queued):
				timed(f"job {method}", frappe.get_attr(method))
			for queued_method, result in queued:
				print(f"     and at once what it queued: {queued_method} -> {short(result)}")
		except Exception:
			failed(failures, f"scheduled job {method}")
	print(f"   {len(methods)} scheduled jobs run")


def main() -> None:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	commands = parser.add_subparsers(dest="command", required=True)
	options = {
		"snapshot": ("--out", "--app-dir"),
		"upgraded": ("--snapshot", "--out", "--app-dir"),
		"unchanged": ("--before",),
	}
	for command, names in options.items():
		sub = commands.add_parser(command)
		for name in ("--site", *names):
			sub.add_argument(name, required=True)
	args = parser.parse_args()
	try:
		{"snapshot": snapshot, "upgraded": upgraded, "unchanged": unchanged}[args.command](args)
	finally:
		if getattr(frappe.local, "db", None):
			frappe.destroy()


if __name__ == "__main__":
	main()
