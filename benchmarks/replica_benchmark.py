"""Reports served from a read replica while the deadline sweep writes on the primary (issue 12, item 3; not CI).

	cd ~/frappe-bench/sites && ../env/bin/python ../apps/complaint_mgmt/benchmarks/replica_benchmark.py \\
		--site complaint-test.localhost [--mode auto|binlog|snapshot] [--rounds 3] [--keep-datadir] [--smoke]

1. Reads the primary's ``log_bin`` (``SHOW VARIABLES``). The primary is never restarted or reconfigured here.
2. Starts a second MariaDB (this machine's ``mariadbd``, own datadir under a temporary directory, own port on
   127.0.0.1, own socket, ``read_only``; benchmarks/replica_server.py) and seeds it from ``mariadb-dump`` of the
   site's database. The site's database user is created there with SELECT only.
   - binlog (primary has ``log_bin=ON``): the dump is taken with ``--master-data=1 --gtid`` as the primary's
     admin (root over its socket, or --admin-user/--admin-password), a temporary replication user is created on
     the primary (dropped at the end) and the replica follows the primary (``CHANGE MASTER TO ...
     MASTER_USE_GTID=slave_pos``, only the site's database: ``replicate-wild-do-table``);
   - snapshot (``log_bin=OFF``; ``--mode binlog`` stops instead): the dump is taken with the site's own
     credentials (``--single-transaction``) and the replica is a copy that does not follow. The script prints
     what the primary needs for the binlog mode.
3. Registers overdue complaints on the primary (after the dump), points the site at the replica in-process only
   (``frappe.local.conf``: ``read_from_replica``, ``replica_host``, ``replica_db_port``; site_config.json is never
   written), runs the six reports through ``frappe.desk.query_report.run`` (``@frappe.read_only()``) while a
   deadline sweep writes notices on the primary in another thread, and shows where the reads went: the
   replica's ``Com_select`` (global) and the primary connection's ``Com_select`` (session) before and after,
   the server id / port the read-only connection reports, and the replica's PROCESSLIST row of that connection.
4. Cleans up, also on failure or SIGTERM: the replica is stopped and its directory deleted, the replication user
   dropped, the seeded complaints and their notices deleted, the configuration override removed.

Last line: {"benchmark": "replica", "figures": {...}}.
"""

import argparse
import json
import os
import secrets
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import replica_steps as steps  # noqa: E402

BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
PRIMARY_NEEDS = (
	"The primary MariaDB has log_bin=OFF, so it cannot feed a replica. For the binlog mode its administrator "
	"must add to the [mariadbd] section of its configuration (e.g. /etc/mysql/mariadb.conf.d/60-replication.cnf) "
	"'log_bin = mariadb-bin', 'server_id = 1' (unique among the servers), 'binlog_format = ROW' (MIXED works "
	"too) and, optionally, 'expire_logs_days = 7', then restart the server; this script creates (and drops) a "
	"temporary user with REPLICATION SLAVE, or takes one with --repl-user/--repl-password. This run used a "
	"snapshot copy: reads are routed to the replica, but it does not follow the primary's writes."
)


def parse_args(argv=None) -> argparse.Namespace:
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", default=os.environ.get("CM_TEST_SITE", "complaint-test.localhost"))
	parser.add_argument("--mode", choices=("auto", "binlog", "snapshot"), default="auto")
	parser.add_argument("--rounds", type=int, default=3, help="times each report runs on the replica")
	parser.add_argument("--overdue", type=int, default=20, help="overdue complaints for the sweep to write")
	parser.add_argument(
		"--admin-user", help="primary admin for the binlog mode (default: root on its socket)"
	)
	parser.add_argument("--admin-password")
	parser.add_argument("--repl-user", help="an existing replication user on the primary")
	parser.add_argument("--repl-password")
	parser.add_argument(
		"--scratch-primary",
		action="store_true",
		help="use a binlog-enabled copy of the primary (own temporary mariadbd) as the site's primary for the "
		"run: tests the binlog mode end to end when the real primary has log_bin=OFF",
	)
	parser.add_argument("--keep-datadir", action="store_true")
	parser.add_argument(
		"--smoke", action="store_true", help="one round, two overdue complaints: seconds, figures meaningless"
	)
	args = parser.parse_args(argv)
	if args.smoke:
		args.rounds, args.overdue, args.keep_datadir = 1, 2, False
	return args


def start_scratch_primary(conf, db_name: str, keep: bool) -> tuple:
	"""A writable copy of the site's database on its own mariadbd with the binary log on; returns it and the
	in-process configuration that makes it the site's primary."""
	from benchmarks.replica_server import Replica

	scratch = Replica(server_id=11, replicate_db=db_name, keep=keep, as_primary=True).start()
	path = scratch.dir / "primary.sql"
	steps.dump(path, db_name, False, conf, [], {})
	scratch.client.sql(f"CREATE DATABASE `{db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	scratch.client.load(path, db_name, binlog=False)
	path.unlink()
	for host in ("127.0.0.1", "localhost"):
		account = f"{steps.quote(conf.db_name)}@{steps.quote(host)}"
		scratch.client.sql(f"CREATE USER {account} IDENTIFIED BY {steps.quote(conf.db_password)}")
		scratch.client.sql(f"GRANT ALL PRIVILEGES ON `{db_name}`.* TO {account}")
	return scratch, {"db_host": "127.0.0.1", "db_port": scratch.port}


def reconnect(conf, values: dict) -> None:
	import frappe

	conf.update(values)
	if getattr(frappe.local, "db", None):
		frappe.db.close()
	frappe.connect()


def main(argv=None) -> dict:
	args = parse_args(argv)
	sites_path = str(BENCH / "sites")
	os.chdir(sites_path)

	import frappe

	from benchmarks import load_seed
	from benchmarks.replica_server import Client, Replica

	def terminate(signum, frame):
		raise SystemExit(f"stopped by signal {signum}")

	signal.signal(signal.SIGTERM, terminate)
	frappe.init(site=args.site, sites_path=sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	conf, db_name = frappe.local.conf, frappe.conf.db_name
	out: dict = {"site": args.site, "primary": steps.primary_variables()}
	figures: dict = {"primary_log_bin": out["primary"].get("log_bin")}
	saved_conf = {
		k: conf.get(k) for k in ("read_from_replica", "replica_host", "replica_db_port", "db_host", "db_port")
	}
	scratch, overrides, replica, repl_user, admin = None, {}, None, None, None
	prefix = f"ReplicaBench-{secrets.token_hex(3)}"
	try:
		if args.scratch_primary:
			start = time.perf_counter()
			scratch, overrides = start_scratch_primary(conf, db_name, args.keep_datadir)
			figures["scratch_primary_s"] = round(time.perf_counter() - start, 1)
			reconnect(conf, overrides)
			frappe.set_user("Administrator")
			out["scratch_primary"] = steps.primary_variables()
		primary = out.get("scratch_primary") or out["primary"]
		figures["primary"] = "scratch copy (binlog on)" if scratch else "the bench's server"
		binlog_on = primary.get("log_bin") == "ON"
		if not binlog_on:
			out["primary_needs"] = PRIMARY_NEEDS
			print(PRIMARY_NEEDS, file=sys.stderr)
			if args.mode == "binlog":
				figures["mode"] = "none: binlog required, primary has log_bin=OFF"
				raise SystemExit(2)
		mode = figures["mode"] = "binlog" if binlog_on and args.mode != "snapshot" else "snapshot"
		admin_env = {k: v for k, v in os.environ.items() if k != "MYSQL_PWD"}
		if args.admin_user and not scratch:
			admin_args = [
				"-h",
				"127.0.0.1",
				"-P",
				str(primary["port"]),
				"--protocol=TCP",
				"-u",
				args.admin_user,
			]
			admin_env["MYSQL_PWD"] = args.admin_password or ""
			admin = Client(
				host="127.0.0.1", port=primary["port"], user=args.admin_user, password=args.admin_password
			)
		else:
			admin_args = ["-S", primary["socket"], "-u", "root"]
			admin = Client(socket_path=primary["socket"])
		replica = Replica(int(primary.get("server_id") or 1) + 100, db_name, keep=args.keep_datadir)
		out["replica"] = {"dir": str(replica.dir), "port": replica.port, "socket": str(replica.socket)}
		start = time.perf_counter()
		replica.start()
		figures["replica_start_s"] = round(time.perf_counter() - start, 2)
		dump_path = replica.dir / "seed.sql"
		figures["dump_s"] = round(
			steps.dump(dump_path, db_name, mode == "binlog", conf, admin_args, admin_env), 2
		)
		figures["dump_mb"] = round(dump_path.stat().st_size / 1e6, 1)
		start = time.perf_counter()
		replica.client.sql(f"CREATE DATABASE `{db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
		replica.client.load(dump_path, db_name)
		figures["load_s"] = round(time.perf_counter() - start, 2)
		dump_path.unlink()
		for host in ("127.0.0.1", "localhost"):
			account = f"{steps.quote(conf.db_name)}@{steps.quote(host)}"
			replica.client.sql(f"CREATE USER {account} IDENTIFIED BY {steps.quote(conf.db_password)}")
			replica.client.sql(f"GRANT SELECT ON `{db_name}`.* TO {account}")  # read-only, as a replica
		if mode == "binlog":
			repl_user = args.repl_user or f"cm_repl_{secrets.token_hex(3)}"
			repl_password = args.repl_password or secrets.token_urlsafe(18)
			if not args.repl_user:
				admin.sql(
					f"CREATE USER {steps.quote(repl_user)}@'127.0.0.1' IDENTIFIED BY {steps.quote(repl_password)}"
				)
				admin.sql(f"GRANT REPLICATION SLAVE ON *.* TO {steps.quote(repl_user)}@'127.0.0.1'")
			replica.client.sql(
				f"CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT={int(primary['port'])}, "
				f"MASTER_USER={steps.quote(repl_user)}, MASTER_PASSWORD={steps.quote(repl_password)}, "
				"MASTER_USE_GTID=slave_pos"
			)
			replica.client.sql("START SLAVE")
			status = steps.wait_caught_up(replica)
			out["slave_status_start"] = {
				k: status.get(k) for k in ("Gtid_IO_Pos", "Using_Gtid", "Master_Port")
			}

		names = steps.seed_overdue(prefix, args.overdue)
		# the override lives in this process only (frappe.local.conf); site_config.json is not touched
		conf.update({"read_from_replica": 1, "replica_host": "127.0.0.1", "replica_db_port": replica.port})
		probe = steps.probe_connection(replica, conf.db_name)
		figures["read_only_server_id"], figures["read_only_port"] = probe["server_id"], probe["port"]
		figures["served_by_replica"] = (
			probe["port"] == replica.port and probe["server_id"] == replica.server_id
		)
		out["read_only_connection_id"] = probe["connection_id"]  # its row in the replica's PROCESSLIST below
		out["replica_processlist_during_read_only"] = probe["processlist"]

		sweep = steps.SweepThread(args.site, sites_path, overrides)
		notices_before = frappe.db.count("Complaint Penalty Notice", {"complaint": ("in", names)})
		sweep.start()
		per_request = steps.run_reports(replica, args.rounds, reset=True, sweep=sweep)
		one_process = steps.run_reports(replica, 1, reset=False)
		sweep.stop_event.set()
		sweep.join(timeout=600)
		frappe.db.rollback()
		primary_notices = (
			frappe.db.count("Complaint Penalty Notice", {"complaint": ("in", names)}) - notices_before
		)
		figures.update(
			{
				"report_calls": per_request["calls"],
				"replica_com_select_delta": per_request["replica_com_select_delta"],
				"primary_session_com_select_delta": per_request["primary_session_com_select_delta"],
				"reports_during_sweep": per_request["during_sweep"],
				"report_ms_median": per_request["report_ms_median"],
				"sweep_runs": sweep.runs,
				"sweep_notices": sweep.totals.get("notices", 0),
				"sweep_error": sweep.error,
				"primary_notices_of_seed": primary_notices,
				"same_process_without_reset": {
					k: one_process[k]
					for k in ("calls", "replica_com_select_delta", "primary_session_com_select_delta")
				},
			}
		)
		out["report_rows"] = per_request["report_rows"]
		if mode == "binlog":
			status = steps.wait_caught_up(replica)
			figures["replica_rows_written_delta"] = per_request["replica_rows_written_delta"]
		figures["replica_notices_of_seed"] = steps.replica_notice_count(replica, db_name, prefix)
		figures["replica_follows_primary"] = figures["replica_notices_of_seed"] == primary_notices > 0
	finally:
		for key, value in saved_conf.items():
			if value is None:
				conf.pop(key, None)
			else:
				conf[key] = value
		steps.fresh_replica_locals()
		if replica:
			replica.stop()
			figures["replica_dir_removed"] = not replica.dir.exists()
		if repl_user and not args.repl_user and admin:
			try:
				admin.sql(f"DROP USER IF EXISTS {steps.quote(repl_user)}@'127.0.0.1'")
			except RuntimeError as exc:
				out["drop_repl_user_error"] = str(exc)
		try:
			if scratch:
				reconnect(conf, {})  # back on the real primary (its values restored above)
				scratch.stop()
				figures["scratch_dir_removed"] = not scratch.dir.exists()
			out["cleanup"] = load_seed.cleanup(prefix)
		finally:
			frappe.destroy()
			print(json.dumps(out, indent=1, default=str))
			print(json.dumps({"benchmark": "replica", "figures": figures}, default=str))
	return figures


if __name__ == "__main__":
	main()
