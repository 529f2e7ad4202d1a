"""A multi-host Frappe topology on one Linux machine (issue 20 §1), run as root:

	with Cluster(smoke=False, web_hosts=2, worker_hosts=2) as c:
		requests.get(c.lb_url + "/api/method/ping")

Hosts are network namespaces on a private bridge (netns.py): db1 (MariaDB primary, binary log), db2 (a MariaDB
replica following db1's binary log from a copy of the same data), redis, web1/web2 (the bench's gunicorn), lb
(Debian's nginx over the web hosts), worker1/worker2 (the bench's RQ worker on default, short, long) and the
scheduler on worker1 only. Every host runs the bench's own code (/root/frappe-bench/env) against a sites
directory of the run's own (workdir/sites: apps.txt and assets of the bench, its own common_site_config and the
site), so the workers and the scheduler see only the cluster's site and never the bench's shared MariaDB/Redis.
The site's config is Frappe's own: db_host, replica_host + read_from_replica, redis_cache, redis_queue.

Teardown (on exit, on an error, on SIGINT/SIGTERM) kills every process of every namespace, deletes the
namespaces, the bridge and the workdir (``keep=True`` keeps the workdir). No frappe import."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from benchmarks.cluster import services
from benchmarks.cluster.data_tier import BENCH, ClusterError, DataTier, ping, wait_for
from benchmarks.cluster.netns import Network

WORKER_QUEUES = "default,short,long"
RESPAWN = ("worker", "schedule", "gunicorn", "nginx")


class Cluster(DataTier):
	def __init__(
		self,
		smoke: bool = False,
		web_hosts: int = 2,
		worker_hosts: int = 2,
		site: str | None = None,
		workdir: Path | str | None = None,
		keep: bool = False,
		gunicorn_workers: int = 3,
		pool_mb: int = 512,
		scheduler_tick: int = 60,
		slot: int | None = None,
		verbose: bool = True,
	):
		self.smoke = smoke
		self.site = site or ("cluster-smoke.localhost" if smoke else "cluster.localhost")
		self.web_hosts = [f"web{i}" for i in range(1, web_hosts + 1)]
		self.worker_hosts = [f"worker{i}" for i in range(1, worker_hosts + 1)]
		self.scheduler_host = self.worker_hosts[0] if self.worker_hosts else None
		self.keep, self.gunicorn_workers, self.pool_mb = keep, gunicorn_workers, pool_mb
		self.scheduler_tick, self.verbose = scheduler_tick, verbose
		self.bench = BENCH
		self.net = Network(slot)
		self.workdir_arg = Path(workdir) if workdir else None
		self.workdir: Path | None = None
		self.procs: dict[str, list[tuple[str, subprocess.Popen]]] = {}
		self.timings: dict[str, float] = {}
		self.argvs: dict[tuple[str, str], list[str]] = {}
		self._old_handlers: dict[int, object] = {}

	# ---- addresses
	@property
	def sites(self) -> Path:
		return self.workdir / "sites"

	@property
	def lb_url(self) -> str:
		return f"http://{self.net.addr('lb')}"

	@property
	def web_urls(self) -> dict[str, str]:
		return {h: f"http://{self.net.addr(h)}:8000" for h in self.web_hosts}

	def addr(self, host: str) -> str:
		return self.net.addr(host)

	def hostdir(self, host: str) -> Path:
		path = self.workdir / host
		path.mkdir(parents=True, exist_ok=True)
		return path

	def say(self, message: str) -> None:
		if self.verbose:
			print(f"[cluster] {message}", flush=True)

	# ---- context
	def __enter__(self) -> "Cluster":
		for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
			self._old_handlers[sig] = signal.signal(sig, self._on_signal)
		try:
			self.start()
		except BaseException:
			self.teardown()
			raise
		return self

	def __exit__(self, *exc) -> None:
		self.teardown()

	def _on_signal(self, signum, _frame):
		raise SystemExit(128 + signum)

	# ---- processes
	def run(self, host: str | None, argv: list[str], env=None, check: bool = True, timeout: float = 3600):
		"""Run argv in the host's namespace (None: the root namespace), from the cluster's sites directory."""
		prefix = ["ip", "netns", "exec", self.net.ns(host)] if host else []
		done = subprocess.run(
			[*prefix, *argv],
			cwd=self.sites,
			env=self._env(env),
			capture_output=True,
			text=True,
			timeout=timeout,
		)
		if check and done.returncode:
			raise ClusterError(
				f"{' '.join(argv[:6])} on {host or 'root'}: {(done.stderr or done.stdout)[-3000:]}"
			)
		return done

	def spawn(
		self, host: str, argv: list[str], log: Path | str | None = None, env=None, name: str | None = None
	):
		"""Start argv in the host's namespace (its own session), output to `log`; the Popen."""
		name = name or Path(argv[0]).name
		log = Path(log) if log else self.hostdir(host) / f"{name}.log"
		with open(log, "ab") as out:
			proc = subprocess.Popen(
				["ip", "netns", "exec", self.net.ns(host), *argv],
				cwd=self.sites,
				env=self._env(env),
				stdout=out,
				stderr=subprocess.STDOUT,
				start_new_session=True,
			)
		self.procs.setdefault(host, []).append((name, proc))
		self.argvs[(host, name)] = argv
		return proc

	def _env(self, extra=None) -> dict:
		env = {k: v for k, v in os.environ.items() if not k.startswith("MYSQL")}
		# the workdir is laid out as a bench (apps, env, sites, logs): scripts reading FRAPPE_BENCH find the site
		env.update(
			{"SITES_PATH": str(self.sites), "PYTHONUNBUFFERED": "1", "FRAPPE_BENCH": str(self.workdir)}
		)
		return {**env, **(extra or {})}

	def bench_python(
		self, argv: list[str], host: str | None = None, check: bool = True, timeout: float = 3600
	):
		"""The bench's python with argv, from the cluster's sites directory (optionally in a host's namespace)."""
		return self.run(
			host, [str(self.bench / "env" / "bin" / "python"), *argv], check=check, timeout=timeout
		)

	def frappe(self, *args: str, host: str | None = None, check: bool = True, timeout: float = 3600):
		return self.run(host, services.frappe_argv(self.bench, *args), check=check, timeout=timeout)

	def sql(self, host: str, query: str) -> list[list[str]]:
		return services.sql(self.hostdir(host), query)

	def kill_host(self, host: str) -> list[int]:
		"""kill -9 every process of the host (its namespace)."""
		pids = self.net.kill(host, signal.SIGKILL)
		self.net.wait_empty(host, 10)
		for _name, proc in self.procs.pop(host, []):
			proc.poll()
		return pids

	def stop_named(self, host: str, name: str, grace: float = 30) -> None:
		keep = []
		for pname, proc in self.procs.get(host, []):
			if pname != name:
				keep.append((pname, proc))
				continue
			if proc.poll() is None:
				os.killpg(proc.pid, signal.SIGTERM)
				try:
					proc.wait(timeout=grace)
				except subprocess.TimeoutExpired:
					os.killpg(proc.pid, signal.SIGKILL)
					proc.wait(timeout=10)
		self.procs[host] = keep

	def link_down(self, host: str) -> None:
		self.net.link(host, up=False)

	def link_up(self, host: str) -> None:
		self.net.link(host, up=True)

	def set_config(self, key: str, value, common: bool = False) -> None:
		path = self.sites / ("common_site_config.json" if common else f"{self.site}/site_config.json")
		config = json.loads(path.read_text())
		config[key] = value
		path.write_text(json.dumps(config, indent=1))

	# ---- start
	def start(self) -> None:
		t0 = time.monotonic()
		self.net.claim()
		self.workdir = self.workdir_arg or Path(f"/tmp/cm-cluster-{self.net.slot}")
		if self.workdir.exists():
			shutil.rmtree(self.workdir)
		self.workdir.mkdir(parents=True)
		self.say(f"slot {self.net.slot}: bridge {self.net.bridge}, workdir {self.workdir}")
		for host in ["db1", "db2", "redis", *self.web_hosts, "lb", *self.worker_hosts]:
			self.net.add_host(host)
		for host in ("db1", "db2"):
			# A database host gives up on a client that vanished with a reply unacknowledged after ~13 s instead of
			# Linux's default ~15 min (tcp_retries2 15): drill 4 cuts worker2 off mid-batch, and the server must roll
			# its transaction back and free its rows. (An idle one is found by MariaDB's tcp_keepalive_* instead.)
			self.net.sysctl(host, "net.ipv4.tcp_retries2", "5")
		self.prepare_sites()
		self.start_redis()
		self.start_databases()
		self.timings["databases_s"] = round(time.monotonic() - t0, 1)
		for host in self.web_hosts:
			self.start_web(host)
		self.start_lb()
		self.login_once()
		for host in self.worker_hosts:
			self.start_workers(host)
		self.wait_workers(len(self.worker_hosts))
		self.timings["start_s"] = round(time.monotonic() - t0, 1)
		self.say(f"up in {self.timings['start_s']} s: {self.lb_url} (Host: {self.site})")

	def start_web(self, host: str) -> None:
		argv = services.gunicorn_argv(self.bench, self.addr(host), self.gunicorn_workers)
		proc = self.spawn(host, argv, name="gunicorn")
		url = self.web_urls[host]
		wait_for(
			f"gunicorn on {host}",
			lambda: ping(url, self.site),
			120,
			proc,
			self.hostdir(host) / "gunicorn.log",
		)

	def start_lb(self) -> None:
		hostdir = self.hostdir("lb")
		upstreams = [f"{self.addr(h)}:8000" for h in self.web_hosts]
		conf = services.nginx_config(hostdir, self.addr("lb"), upstreams, self.sites)
		proc = self.spawn("lb", services.nginx_argv(conf, hostdir), name="nginx")
		wait_for("nginx on lb", lambda: ping(self.lb_url, self.site), 30, proc, hostdir / "error.log")

	def lb_log_size(self) -> int:
		"""Where nginx's access log ends now (read what a step adds with ``lb_log_since``)."""
		log = self.hostdir("lb") / "access.log"
		return log.stat().st_size if log.exists() else 0

	def lb_log_since(self, offset: int) -> str:
		"""What nginx's access log gained after `offset` (earlier steps' requests are in it too)."""
		log = self.hostdir("lb") / "access.log"
		if not log.exists():
			return ""
		with log.open(errors="replace") as f:
			f.seek(offset)
			return f.read()

	def login_once(self) -> None:
		"""A login through the balancer: proves the whole web path, and leaves the Activity Log entry without
		which Frappe's scheduler treats a fresh site as dormant (its jobs then run once a day)."""
		resp = requests.post(
			f"{self.lb_url}/api/method/login",
			data={"usr": "Administrator", "pwd": "admin"},
			headers={"Host": self.site},
			timeout=60,
		)
		if resp.status_code != 200:
			raise ClusterError(f"login through lb failed: {resp.status_code} {resp.text[:500]}")

	def start_workers(self, host: str, scheduler: bool = True) -> None:
		"""The bench's RQ worker (default, short, long) on the host, and the scheduler when it is worker1."""
		self.spawn(host, services.frappe_argv(self.bench, "worker", "--queue", WORKER_QUEUES), name="worker")
		if scheduler and host == self.scheduler_host:
			self.spawn(host, services.frappe_argv(self.bench, "schedule"), name="schedule")

	def stop_workers(self, host: str, grace: float = 30) -> None:
		self.stop_named(host, "worker", grace)
		self.stop_named(host, "schedule", grace)

	def redis(self, *args: str) -> str:
		return services.redis_cli(self.addr("redis"), *args)

	def respawn_dead(self) -> list[str]:
		"""Start again the web servers, workers and scheduler that died (what supervisor does in a production
		bench); the ones restarted, as host/name."""
		restarted = []
		for host, procs in list(self.procs.items()):
			for name, proc in list(procs):
				if name in RESPAWN and proc.poll() is not None:
					self.procs[host].remove((name, proc))
					self.spawn(host, self.argvs[(host, name)], name=name)
					restarted.append(f"{host}/{name}")
		return restarted

	def rq_workers(self) -> int:
		out = services.redis_cli(self.addr("redis"), "SCARD", "rq:workers")
		return int(out) if out.isdigit() else 0

	def wait_workers(self, count: int, timeout: float = 120) -> None:
		wait_for(f"{count} RQ workers", lambda: self.rq_workers() >= count, timeout)

	# ---- faults
	def restart(self, host: str) -> float:
		"""Stop and start db1, db2 or redis; the seconds its service was unreachable."""
		name = {"db1": "mariadbd", "db2": "mariadbd", "redis": "redis"}[host]
		t0 = time.monotonic()
		self.stop_named(host, name, grace=120)
		if host == "redis":
			self.start_redis()
		else:
			self.start_db(host)
		return round(time.monotonic() - t0, 2)

	def replication_status(self) -> dict[str, str]:
		return services.vertical(self.hostdir("db2"), "SHOW SLAVE STATUS")

	# ---- teardown
	def teardown(self) -> None:
		left = self.net.destroy()
		for procs in self.procs.values():
			for _name, proc in procs:
				if proc.poll() is None:
					proc.kill()
				proc.wait(timeout=10)
		self.procs = {}
		if self.workdir and not self.keep:
			shutil.rmtree(self.workdir, ignore_errors=True)
		for sig, handler in self._old_handlers.items():
			signal.signal(sig, handler)
		self._old_handlers = {}
		if left:
			raise ClusterError(f"teardown left: {'; '.join(left)}")
		self.say("torn down: namespaces, bridge, processes" + ("" if self.keep else ", workdir"))
