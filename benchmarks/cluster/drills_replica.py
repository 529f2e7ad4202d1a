"""Fault drill 5 of issue 20 §5 on the Cluster (topology.py): the replica (db2) stopped while desk sessions read
reports through the load balancer.

``drill_replica_stop(c)``: logged-in Complaint Manager sessions run, through ``lb``, the Overdue Complaints
report (Frappe's query_report.run), a workspace card (the app's read-only endpoint) and a list page (Frappe's
reportview.get, also under ``frappe.read_only()``), every 0.2 s. db2's MariaDB is stopped for ``stopped_s``
seconds while rows are written on db1, then started again. The app (complaint_mgmt/ops/replica.py) serves those
reads from the primary; an administrator sees the replica unreachable, then its lag back to 0.

Figures: ``replica_stopped_requests`` / ``replica_stopped_errors`` / ``replica_stopped_tracebacks`` (requests
while db2 was down / answers not 200 / with a Python traceback: must be 0), ``replica_status_stopped`` (the
administrator's message then), ``replica_lag_before`` / ``replica_lag_after`` (Seconds_Behind_Master as the
administrator reads it), ``replica_catchup_s`` (db2 started → the rows written meanwhile are on db2),
``replica_reads_back`` (SELECTs served by db2 once it answers again), ``replica_privilege_message`` (what the
administrator saw before the site's user was granted SLAVE MONITOR on db2). No frappe import (HTTP and SQL)."""

import time

import requests

from benchmarks.cluster.drills_infra import db_name, start_probes, wait_until

READS = (
	(
		"report",
		"/api/method/frappe.desk.query_report.run",
		{"report_name": "Overdue Complaints", "filters": "{}", "ignore_prepared_report": 1},
	),
	("card", "/api/method/complaint_mgmt.outputs.dashboards.overdue_count", {}),
	(
		"list",
		"/api/method/frappe.desk.reportview.get",
		{"doctype": "Complaint", "fields": '["name","status"]', "page_length": 5},
	),
)
DRILL_DB = "cm_replica_drill"  # rows written on db1 while db2 is stopped (replicated like the site's)


def admin_session(c) -> requests.Session:
	http = requests.Session()
	http.headers["Host"] = c.site
	http.post(
		f"{c.lb_url}/api/method/login", data={"usr": "Administrator", "pwd": "admin"}
	).raise_for_status()
	return http


def replica_status(c, http: requests.Session) -> dict:
	resp = http.get(f"{c.lb_url}/api/method/complaint_mgmt.ops.replica.replica_status", timeout=30)
	return resp.json().get("message") or {} if resp.status_code == 200 else {"error": resp.status_code}


def com_select(c, host: str) -> int:
	return int(c.sql(host, "SHOW GLOBAL STATUS LIKE 'Com_select'")[0][1])


def grant_monitor(c) -> None:
	"""The site's database user may read the replica's status (SHOW SLAVE STATUS) on db2."""
	user = db_name(c)
	for (host,) in c.sql("db2", f"SELECT Host FROM mysql.user WHERE User = '{user}'"):
		c.sql("db2", f"GRANT SLAVE MONITOR ON *.* TO '{user}'@'{host}'")


def write_on_primary(c, rows: int) -> None:
	c.sql("db1", f"CREATE DATABASE IF NOT EXISTS {DRILL_DB}")
	c.sql("db1", f"CREATE TABLE IF NOT EXISTS {DRILL_DB}.t (id INT AUTO_INCREMENT PRIMARY KEY, at DATETIME)")
	c.sql("db1", f"DELETE FROM {DRILL_DB}.t")
	for _ in range(rows // 100):
		c.sql("db1", f"INSERT INTO {DRILL_DB}.t (at) VALUES " + ",".join(["(NOW())"] * 100))


def drill_replica_stop(c, stopped_s: float = 20, rows: int = 5000) -> dict:
	admin = admin_session(c)
	figures: dict = {"replica_privilege_message": replica_status(c, admin).get("message")}
	grant_monitor(c)
	figures["replica_lag_before"] = replica_status(c, admin).get("lag_seconds")
	probes = start_probes(c, 3, reads=READS)  # sessions of the probe user, a Complaint Manager
	time.sleep(5)
	stop = time.monotonic()
	c.stop_named("db2", "mariadbd", grace=120)
	write_on_primary(c, rows)
	time.sleep(stopped_s)
	figures["replica_status_stopped"] = replica_status(c, admin)
	restart = time.monotonic()
	c.start_db("db2")
	started = time.monotonic()
	expected = str(rows)
	caught_up = wait_until(
		lambda: c.sql("db2", f"SELECT COUNT(*) FROM {DRILL_DB}.t")[0][0] == expected, 120, 0.5
	)
	figures["replica_catchup_s"] = round(time.monotonic() - started, 2) if caught_up else None
	selects = com_select(c, "db2")
	time.sleep(15)  # the web processes ask the replica again every 5 s
	for probe in probes:
		probe.stop()
	figures["replica_reads_back"] = com_select(c, "db2") - selects
	lag = {}
	wait_until(lambda: lag.update(replica_status(c, admin)) or lag.get("lag_seconds") == 0, 60)
	figures["replica_lag_after"] = lag.get("lag_seconds")
	samples = [s for p in probes for s in p.samples]
	during = [s for s in samples if stop <= s[0] <= restart]
	figures.update(
		replica_requests=len(samples),
		replica_stopped_requests=len(during),
		replica_stopped_errors=sum(1 for s in during if s[2] != 200),
		replica_errors=sum(1 for s in samples if s[2] != 200),
		replica_stopped_tracebacks=sum(1 for s in samples if s[3]),
		replica_first_errors=[a for p in probes for a in p.answers][:5],
	)
	c.sql("db1", f"DROP DATABASE IF EXISTS {DRILL_DB}")
	stopped = figures["replica_status_stopped"]
	ok = (
		figures["replica_stopped_requests"] > 0
		and figures["replica_errors"] == 0
		and figures["replica_stopped_tracebacks"] == 0
		and stopped.get("reachable") is False
		and caught_up
		and figures["replica_reads_back"] > 0
		and figures["replica_lag_after"] == 0
	)
	figures["drill_replica_stop"] = "pass" if ok else "fail"
	return figures
