"""The data tier of the cluster (topology.py): its own sites directory, Redis, MariaDB db1 (primary, binary log)
and db2 (replica of db1 by binlog replication, from a copy of the same data: the seed), the site's config. A mixin
of ``Cluster``; no frappe import."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from benchmarks.cluster import services, site_seed

BENCH = Path(os.environ.get("FRAPPE_BENCH") or "/root/frappe-bench")
APP_DIR = Path(__file__).resolve().parents[2]


class ClusterError(RuntimeError):
	pass


def wait_for(what: str, check, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None):
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		if proc is not None and proc.poll() is not None:
			break
		try:
			if check():
				return
		except Exception:  # any failure of the probe means "not yet"
			pass
		time.sleep(0.3)
	tail = log.read_text(errors="replace")[-2500:] if log and log.exists() else ""
	raise ClusterError(f"{what} did not come up within {timeout:.0f} s\n{tail}")


def ping(base: str, site: str) -> bool:
	resp = requests.get(f"{base}/api/method/ping", headers={"Host": site}, timeout=5)
	return resp.status_code == 200 and resp.json().get("message") == "pong"


class DataTier:
	"""Started by Cluster.start, in this order: prepare_sites, start_redis, start_databases."""

	def start_redis(self) -> None:
		addr = self.addr("redis")
		proc = self.spawn("redis", services.redis_argv(addr, self.hostdir("redis")), name="redis")
		wait_for("redis", lambda: services.redis_cli(addr, "PING") == "PONG", 30, proc)

	def prepare_sites(self) -> None:
		self.sites.mkdir()
		(self.workdir / "logs").mkdir()  # Frappe logs to <sites>/../logs
		for name in ("apps", "env"):  # so that ../env/bin/python and ../apps work from the sites directory
			(self.workdir / name).symlink_to(self.bench / name)
		bench_sites = self.bench / "sites"
		shutil.copy(bench_sites / "apps.txt", self.sites / "apps.txt")
		if (bench_sites / "apps.json").exists():
			shutil.copy(bench_sites / "apps.json", self.sites / "apps.json")
		(self.sites / "assets").symlink_to(bench_sites / "assets")
		redis = f"redis://{self.addr('redis')}:6379"
		common = {
			"db_host": self.addr("db1"),
			"db_port": 3306,
			"redis_cache": redis,
			"redis_queue": redis,
			"redis_socketio": redis,
			"default_site": self.site,
			"serve_default_site": True,
			"root_login": "root",
			"root_password": services.DB_ROOT_PASSWORD,
			"gunicorn_workers": self.gunicorn_workers,
			"scheduler_tick_interval": self.scheduler_tick,
			"background_workers": 1,
			"use_redis_auth": False,
		}
		(self.sites / "common_site_config.json").write_text(json.dumps(common, indent=1))

	def start_db(self, host: str) -> subprocess.Popen:
		hostdir = self.hostdir(host)
		primary = host == "db1"
		argv = services.mariadbd_argv(hostdir, self.addr(host), 1 if primary else 2, primary, self.pool_mb)
		proc = self.spawn(host, argv, name="mariadbd")
		wait_for(
			f"MariaDB on {host}",
			lambda: services.sql(hostdir, "SELECT 1", 5) == [["1"]],
			120,
			proc,
			hostdir / "error.log",
		)
		return proc

	def start_databases(self) -> None:
		db1, db2 = self.hostdir("db1"), self.hostdir("db2")
		sitedir = self.sites / self.site
		want = site_seed.schema_key(self.bench, APP_DIR)
		with site_seed.locked():
			have = site_seed.restore(db1 / "data", sitedir)
			if have is None:
				self.create_seed(want)
				have = want
		site_seed.copy_tree(db1 / "data", db2 / "data")
		self.start_db("db1")
		self.start_db("db2")
		self.start_replication()
		self.configure_site()
		if have != want:
			self.say("the app's schema changed since the seed: migrate")
			self.frappe("--site", self.site, "migrate")
			self.refresh_seed(want)
		self.frappe("--site", self.site, "enable-scheduler")

	def refresh_seed(self, key: str) -> None:
		"""The migrated data becomes the seed (db1 shut down cleanly for the copy, then started again; the replica
		reconnects by itself), so the next run starts without migrating."""
		db1 = self.hostdir("db1")
		with site_seed.locked():
			for _name, proc in [p for p in self.procs.get("db1", []) if p[0] == "mariadbd"]:
				self.stop_proc("db1", proc)
			site_seed.save(db1 / "data", self.sites / self.site, key)
		self.start_db("db1")

	def create_seed(self, key: str) -> None:
		"""No seed yet: a fresh MariaDB on db1, a new site with the app, then db1 shut down cleanly and copied."""
		t0 = time.monotonic()
		db1 = self.hostdir("db1")
		services.mariadb_install(db1 / "data")
		proc = self.start_db("db1")
		services.sql(db1, services.ADMIN_USERS)
		self.say("creating the site on db1 (first run: several minutes; kept in the seed for the next runs)")
		self.frappe(
			"new-site", self.site, "--db-host", self.addr("db1"), "--db-root-username", "root",
			"--db-root-password", services.DB_ROOT_PASSWORD, "--no-mariadb-socket", "--admin-password", "admin",
			"--install-app", "complaint_mgmt",
		)  # fmt: skip
		self.stop_proc("db1", proc)
		site_seed.save(db1 / "data", self.sites / self.site, key)
		self.timings["seed_created_s"] = round(time.monotonic() - t0, 1)

	def stop_proc(self, host: str, proc: subprocess.Popen, grace: float = 60) -> None:
		if proc.poll() is None:
			os.killpg(proc.pid, signal.SIGTERM)
			try:
				proc.wait(timeout=grace)
			except subprocess.TimeoutExpired:
				os.killpg(proc.pid, signal.SIGKILL)
				proc.wait(timeout=10)
		self.procs[host] = [(n, p) for n, p in self.procs.get(host, []) if p is not proc]

	def start_replication(self) -> None:
		db1, db2 = self.hostdir("db1"), self.hostdir("db2")
		file, pos = services.sql(db1, "SHOW MASTER STATUS")[0][:2]
		services.sql(
			db2,
			f"STOP SLAVE; RESET SLAVE ALL; CHANGE MASTER TO MASTER_HOST='{self.addr('db1')}', MASTER_PORT=3306, "
			f"MASTER_USER='{services.REPL_USER}', MASTER_PASSWORD='{services.REPL_PASSWORD}', "
			f"MASTER_LOG_FILE='{file}', MASTER_LOG_POS={pos}, MASTER_CONNECT_RETRY=1; START SLAVE;",
		)

		def running():
			status = services.vertical(db2, "SHOW SLAVE STATUS")
			return status.get("Slave_IO_Running") == "Yes" and status.get("Slave_SQL_Running") == "Yes"

		wait_for("replication db1 -> db2", running, 60, log=db2 / "error.log")

	def configure_site(self) -> None:
		redis = f"redis://{self.addr('redis')}:6379"
		self.set_config("db_host", self.addr("db1"))
		self.set_config("replica_host", self.addr("db2"))
		self.set_config("read_from_replica", 1)
		self.set_config("redis_cache", redis)
		self.set_config("redis_queue", redis)
