"""The steps of the replica benchmark (benchmarks/replica_benchmark.py): dump, seed, sweep on the primary, reports
through ``frappe.read_only()`` and the evidence of where they were served."""

import json
import os
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

from benchmarks.load_users import REPORTS  # the six script reports, as the load benchmark's managers run them
from benchmarks.replica_server import binary

COUNTERS = ("Com_select", "Questions", "Handler_write", "Handler_update")


def quote(value: str) -> str:
	"""A MariaDB string literal (for statements sent through the command-line client)."""
	return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"


def primary_variables() -> dict:
	import frappe

	names = ("log_bin", "server_id", "binlog_format", "gtid_binlog_pos", "socket", "port", "version")
	rows = frappe.db.sql(  # a constant statement: SHOW has no query-builder form  # nosemgrep
		"SHOW VARIABLES WHERE Variable_name IN %(names)s", {"names": names}
	)
	return dict(rows)


def session_selects() -> int:
	import frappe

	return int(frappe.db.sql("SHOW SESSION STATUS LIKE 'Com_select'")[0][1])  # nosemgrep


def dump(path: Path, db_name: str, binlog: bool, conf, admin_args: list[str], admin_env: dict) -> float:
	"""mariadb-dump of the site's database into `path`; returns seconds."""
	cmd = [binary("mariadb-dump", "mysqldump"), "--no-defaults", "--single-transaction", "--quick"]
	cmd += ["--routines", "--triggers", "--hex-blob", "--default-character-set=utf8mb4"]
	if binlog:
		cmd += ["--master-data=1", "--gtid", *admin_args]
		env = admin_env
	else:
		host, port = conf.db_host or "127.0.0.1", str(conf.db_port or 3306)
		cmd += ["-h", "127.0.0.1" if host == "localhost" else host, "-P", port, "--protocol=TCP"]
		cmd += ["-u", conf.db_name]
		env = {**os.environ, "MYSQL_PWD": conf.db_password}
	cmd.append(db_name)
	start = time.perf_counter()
	with open(path, "wb") as out:
		done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env, timeout=3600)
	if done.returncode:
		raise RuntimeError(f"mariadb-dump failed: {done.stderr.decode(errors='replace')[-2000:]}")
	return time.perf_counter() - start


def seed_overdue(prefix: str, count: int) -> list[str]:
	"""Complaints received 30 h ago and never transferred: their transfer clock is breached (the sweep writes)."""
	import frappe
	from frappe.utils import now_datetime

	received = now_datetime().replace(microsecond=0) - timedelta(hours=30)
	names = []
	for n in range(count):
		doc = frappe.get_doc(
			{
				"doctype": "Complaint",
				"customer_name": f"{prefix} customer {n + 1}",
				"contact_phone": "+86-138-0000-0000",
				"channel": "Phone",
				"category": "Product Quality",
				"grade": "General",
				"description": f"{prefix}: overdue for the sweep",
				"received_on": received,
			}
		).insert()
		names.append(doc.name)
	frappe.db.commit()  # the sweep (another connection) and the replica must see them  # nosemgrep
	return names


class SweepThread(threading.Thread):
	"""Deadline sweeps on the primary (own connection, no replica override) until stopped; at least one."""

	def __init__(self, site: str, sites_path: str, overrides: dict | None = None):
		super().__init__(daemon=True)
		self.site, self.sites_path, self.overrides = site, sites_path, overrides or {}
		self.started_at = self.first_done_at = None
		self.stop_event = threading.Event()
		self.runs, self.totals, self.error = 0, {}, None

	def run(self) -> None:
		import frappe

		from complaint_mgmt.deadlines import run_sweep

		frappe.init(site=self.site, sites_path=self.sites_path)
		frappe.local.conf.update(self.overrides)  # the scratch primary, when the benchmark uses one
		frappe.connect()
		try:
			self.started_at = time.monotonic()
			while True:
				result = run_sweep()
				self.runs += 1
				self.first_done_at = self.first_done_at or time.monotonic()
				for key, value in result.items():
					self.totals[key] = self.totals.get(key, 0) + value
				if self.stop_event.wait(0.2):
					break
		except Exception as exc:
			self.error = repr(exc)
		finally:
			frappe.destroy()


def fresh_replica_locals() -> None:
	"""Forget the previous read-only connection, as a new web request does (frappe.init per request).

	``frappe.connect_replica`` returns early while ``local.replica_db`` and ``local.primary_db`` exist, and the
	read-only wrapper keeps both after it closes the replica connection: in one process, only the first
	read-only call reaches the replica unless they are removed."""
	import frappe

	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)


def run_reports(replica, rounds: int, reset: bool, sweep: SweepThread | None = None) -> dict:
	"""The six reports `rounds` times through query_report.run (and on while `sweep` has not finished its
	first run, at most 120 s); where the reads went."""
	from frappe.desk import query_report
	from frappe.utils import add_days, nowdate

	filters = json.dumps({"from_date": add_days(nowdate(), -30), "to_date": nowdate()})
	replica_before, primary_before = replica.client.status(*COUNTERS), session_selects()
	timings: dict[str, list[float]] = {}
	rows: dict[str, int] = {}
	started, during = time.monotonic(), 0
	done = 0
	while done < rounds or (sweep and not sweep.first_done_at and time.monotonic() - started < 120):
		done += 1
		for report in REPORTS:
			if reset:
				fresh_replica_locals()
			start = time.perf_counter()
			result = query_report.run(report, filters=filters, ignore_prepared_report=True)
			timings.setdefault(report, []).append((time.perf_counter() - start) * 1000)
			during += bool(sweep and sweep.started_at and not sweep.first_done_at)
			rows[report] = len(result.get("result") or [])
	replica_after, primary_after = replica.client.status(*COUNTERS), session_selects()
	fresh_replica_locals()
	return {
		"replica_com_select_delta": replica_after["Com_select"] - replica_before["Com_select"],
		"replica_questions_delta": replica_after["Questions"] - replica_before["Questions"],
		"primary_session_com_select_delta": primary_after - primary_before,
		"report_ms_median": {r: round(sorted(t)[len(t) // 2], 1) for r, t in timings.items()},
		"report_rows": rows,
		"calls": sum(len(t) for t in timings.values()),
		"during_sweep": during,
		"replica_rows_written_delta": replica_after["Handler_write"] - replica_before["Handler_write"],
	}


def probe_connection(replica, db_user: str) -> dict:
	"""Inside frappe.read_only(): which server answers, and the replica's PROCESSLIST row of that connection."""
	import frappe

	@frappe.read_only()
	def probe():
		statement = "SELECT @@server_id, @@port, CONNECTION_ID()"
		server_id, port, connection = frappe.db.sql(statement)[0]  # nosemgrep
		processlist = replica.client.sql(
			"SELECT ID, USER, HOST, DB, COMMAND FROM information_schema.PROCESSLIST WHERE USER = "
			+ quote(db_user)
		)
		return {
			"server_id": int(server_id),
			"port": int(port),
			"connection_id": int(connection),
			"processlist": processlist,
		}

	fresh_replica_locals()
	try:
		return probe()
	finally:
		fresh_replica_locals()


def replica_notice_count(replica, db_name: str, prefix: str) -> int:
	statement = (
		"SELECT COUNT(*) FROM `tabComplaint Penalty Notice` n JOIN `tabComplaint` c ON c.name = n.complaint "
		f"WHERE c.customer_name LIKE {quote(prefix + ' %')}"
	)
	return int(replica.client.sql(statement, db_name)[0][0])


def wait_caught_up(replica, timeout: float = 120) -> dict:
	deadline = time.monotonic() + timeout
	status: dict = {}
	while time.monotonic() < deadline:
		status = replica.client.vertical("SHOW SLAVE STATUS")
		if (
			status.get("Slave_IO_Running") == "Yes"
			and status.get("Slave_SQL_Running") == "Yes"
			and status.get("Seconds_Behind_Master") == "0"
			and status.get("Read_Master_Log_Pos") == status.get("Exec_Master_Log_Pos")
		):
			return status
		if status.get("Last_IO_Error") or status.get("Last_SQL_Error"):
			raise RuntimeError(
				f"replication failed: {status.get('Last_IO_Error')} {status.get('Last_SQL_Error')}"
			)
		time.sleep(0.5)
	raise RuntimeError(f"the replica did not catch up within {timeout} s: {status}")
