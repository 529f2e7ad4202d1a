"""Fault drills 2 and 3 of issue 20 §5 on the Cluster (topology.py): the primary MariaDB restarted, then Redis
restarted, each while logged-in desk sessions keep working through the load balancer and the sweep runs.

- ``drill_db_restart(c)``: db1 is stopped and started while the probes (reads and session checks through ``lb``)
  and the load benchmark's simulated users (procedure actions) run. Figures: ``db_outage_s`` (db1 unreachable),
  ``db_recovery_s`` (from db1 answering again to the first successful read through lb), ``outage_5xx`` and
  ``outage_tracebacks`` (error answers / those showing a Python traceback: must be 0), ``replica_resumed``,
  ``sweep_resumed`` (the 5-minute sweep job, made due, ran after the restart), the invariant checker's count.
- ``drill_redis_restart(c)``: the sweep job is made due and enqueued, then Redis (queue and cache: all in memory)
  is restarted. Figures: ``redis_outage_s``, ``sessions_lost`` (sessions logged in before that are not logged in
  after Redis is back: must be 0; Frappe keeps sessions in the database too), ``scheduled_rerun`` (the scheduler
  enqueued the lost job again and a worker ran it), ``outage_tracebacks``; then Redis restarted again in the
  middle of a sweep of a few hundred breaches: ``mid_sweep_duplicates`` / ``mid_sweep_missing`` (must be 0) once
  the next schedules finished the work; invariants.

Each returns a dict of figures with ``drill_<name>``: "pass" / "fail". No frappe import (HTTP and SQL only)."""

import json
import threading
import time
from pathlib import Path

import requests

APP_DIR = Path(__file__).resolve().parents[2]
SWEEP_JOB = "complaint_mgmt.engine.deadlines.schedule_sweep"
RECOVERY_TARGET_S = 10
# the probes' user: a Complaint Manager, no System Manager (who, by the app's design, may see tracebacks)
PROBE_USER, PROBE_PASSWORD, PROBE_ROLE = (
	"cluster-probe@example.com",
	"Probe-7d1!xQ9z-cluster",
	"Complaint Manager",
)


# (kind, path, query) the probes ask in turn: a database read (a page of the complaint list), a session check
DESK_READS = (
	("read", "/api/method/frappe.client.get_list", {"doctype": "Complaint", "limit_page_length": 5}),
	("session", "/api/method/frappe.auth.get_logged_user", {}),
)


class Probe(threading.Thread):
	"""One logged-in session through the balancer asking `reads` in turn (default: DESK_READS) every `pause`
	seconds; every answer recorded."""

	def __init__(
		self,
		c,
		user: str = PROBE_USER,
		password: str = PROBE_PASSWORD,
		pause: float = 0.2,
		reads: tuple = DESK_READS,
	):
		super().__init__(daemon=True)
		self.c, self.user, self.pause, self.reads = c, user, pause, reads
		self.http = requests.Session()
		self.http.headers["Host"] = c.site
		resp = self.http.post(f"{c.lb_url}/api/method/login", data={"usr": user, "pwd": password}, timeout=60)
		resp.raise_for_status()
		self.samples: list[tuple[float, str, int, bool, str]] = []  # (t, kind, status, traceback, who)
		self.stopping = threading.Event()
		self.answers: list[str] = []  # the first answers that were not 200

	def run(self) -> None:
		while not self.stopping.is_set():
			for kind, path, params in self.reads:
				self.sample(kind, path, params)
			time.sleep(self.pause)

	def sample(self, kind: str, path: str, params: dict) -> None:
		t = time.monotonic()
		try:
			resp = self.http.get(self.c.lb_url + path, params=params, timeout=30)
			status, body = resp.status_code, resp.text
		except requests.RequestException as exc:
			status, body = 0, str(exc)
		who = ""
		if kind == "session" and status == 200:
			try:
				who = resp.json().get("message") or ""
			except ValueError:
				who = ""
		self.samples.append((t, kind, status, "Traceback (most recent call last)" in body, who))
		if status != 200 and len(self.answers) < 5:
			self.answers.append(f"{kind} {status} {body[:300]}")

	def stop(self) -> None:
		self.stopping.set()
		self.join(timeout=60)


def start_probes(c, count: int = 3, reads: tuple = DESK_READS) -> list[Probe]:
	"""`count` logged-in sessions of the probe user (made once per cluster site: Frappe's add-user) asking
	`reads`."""
	exists = c.sql("db1", f"SELECT COUNT(*) FROM `{db_name(c)}`.tabUser WHERE name = '{PROBE_USER}'")[0][0]
	if exists == "0":
		c.frappe("--site", c.site, "add-user", PROBE_USER, "--first-name", "Cluster probe", "--password",
			PROBE_PASSWORD, "--add-role", PROBE_ROLE)  # fmt: skip
	probes = [Probe(c, reads=reads) for _ in range(count)]
	for probe in probes:
		probe.start()
	return probes


def background_load(c, users: int, duration: float) -> tuple[threading.Thread, dict]:
	"""The load benchmark's simulated desk users (handlers' actions, specialists' transfers, managers' reports)
	through lb, in a thread; its JSON figures land in the returned dict when it ends."""
	out: dict = {}
	argv = [str(APP_DIR / "benchmarks" / "load_benchmark.py"), "--site", c.site, "--url", c.lb_url]
	argv += ["--users", str(users), "--duration", str(duration), "--warmup", "0", "--sweep-every", "0"]

	def work():
		done = c.bench_python(argv, check=False, timeout=duration + 900)
		out["rc"] = done.returncode
		lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
		out["figures"] = json.loads(lines[-1]).get("figures", {}) if lines else {}
		out["tail"] = (done.stderr or done.stdout)[-1500:] if done.returncode else ""
		(c.workdir / f"load-{int(time.time())}.log").write_text(done.stdout + done.stderr)

	thread = threading.Thread(target=work, daemon=True)
	thread.start()
	return thread, out


def wait_for_actions(c, load: threading.Thread, timeout: float = 600) -> bool:
	"""True once the load benchmark's users take procedure actions through lb (seen in what nginx's access log
	gained since the call: the actions of earlier steps' loads are in it too); False when the load ended (failed)
	first."""
	offset = c.lb_log_size()
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline and load.is_alive():
		if "/api/method/complaint_mgmt.api" in c.lb_log_since(offset):
			return True
		time.sleep(1)
	return False


def invariants(c) -> tuple[int | None, str]:
	"""The sweep engineer's invariant checker (invariants.py) on the cluster's site: (violations, detail);
	None when the checker is missing or could not run."""
	script = APP_DIR / "benchmarks" / "cluster" / "invariants.py"
	if not script.exists():
		return None, "benchmarks/cluster/invariants.py is missing"
	done = c.bench_python([str(script), c.site, "check"], check=False, timeout=1800)
	lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
	if done.returncode not in (0, 1) or not lines:
		return None, (done.stderr or done.stdout)[-1500:]
	result = json.loads(lines[-1])
	found = result.get("violations", result.get("invariant_violations", []))
	count = len(found) if isinstance(found, list) else int(found)
	return count, json.dumps(found)[:1500] if count else ""


def make_sweep_due(c) -> str:
	"""Make the 5-minute sweep job due now: its last run a day earlier than recorded (Frappe records it in the
	site's time zone, not the database's: only its own values are compared). The value set, the mark to compare."""
	table = f"`{db_name(c)}`.`tabScheduled Job Type`"
	c.sql("db1", f"UPDATE {table} SET last_execution = COALESCE(last_execution, creation) - INTERVAL 1 DAY "
		f"WHERE method = '{SWEEP_JOB}'")  # fmt: skip
	return c.sql("db1", f"SELECT last_execution FROM {table} WHERE method = '{SWEEP_JOB}'")[0][0]


def db_name(c) -> str:
	return json.loads((c.sites / c.site / "site_config.json").read_text())["db_name"]


def sweep_ran_since(c, since: str) -> bool:
	rows = c.sql(
		"db1",
		f"SELECT COUNT(*) FROM `{db_name(c)}`.`tabScheduled Job Type` WHERE method = '{SWEEP_JOB}' "
		f"AND last_execution > '{since}'",
	)
	return rows[0][0] == "1"


def wait_until(check, timeout: float, step: float = 1.0) -> bool:
	deadline = time.monotonic() + timeout
	while time.monotonic() < deadline:
		try:
			if check():
				return True
		except Exception:  # a probe failing during recovery means "not yet"
			pass
		time.sleep(step)
	return False


def outage_figures(probes: list[Probe], start: float, back: float) -> dict:
	samples = [s for p in probes for s in p.samples]
	during = [s for s in samples if start <= s[0] <= back + 1]
	reads_after = sorted(s[0] for s in samples if s[1] == "read" and s[2] == 200 and s[0] >= back)
	return {
		"requests": len(samples),
		"outage_requests": len(during),
		"outage_5xx": sum(1 for s in samples if s[2] >= 500),
		"outage_4xx": sum(1 for s in samples if 400 <= s[2] < 500),
		"outage_no_answer": sum(1 for s in samples if s[2] == 0),
		"outage_tracebacks": sum(1 for s in samples if s[3]),
		"recovery_s": round(reads_after[0] - back, 2) if reads_after else None,
	}


def drill_db_restart(c, users: int = 10, duration: float = 90) -> dict:
	load, load_out = background_load(c, users, duration)
	figures: dict = {"load_started": wait_for_actions(c, load)}
	probes = start_probes(c)
	time.sleep(5)
	start = time.monotonic()
	figures["db_outage_s"] = c.restart("db1")
	back = time.monotonic()
	time.sleep(max(RECOVERY_TARGET_S * 2, 5))
	for probe in probes:
		probe.stop()
	found = outage_figures(probes, start, back)
	figures.update({k: v for k, v in found.items() if k != "recovery_s"})
	figures["db_recovery_s"] = found["recovery_s"]
	figures["replica_resumed"] = wait_until(lambda: replica_running(c), 60)
	since = make_sweep_due(c)  # the job runs on default, behind any sweep jobs the workers are busy with
	figures["sweep_resumed"] = wait_until(lambda: sweep_ran_since(c, since), 420, 2)
	load.join(timeout=duration + 900)
	figures["load_errors"] = load_out.get("figures", {}).get("errors")
	figures["load_rc"] = load_out.get("rc")
	figures["load_tail"] = load_out.get("tail")
	figures["outage_answers"] = [a for p in probes for a in p.answers][:5]
	figures["invariant_violations"], figures["invariant_detail"] = invariants(c)
	ok = (
		figures["db_recovery_s"] is not None
		and figures["db_recovery_s"] <= RECOVERY_TARGET_S
		and figures["outage_tracebacks"] == 0
		and figures["outage_4xx"] == 0  # the server's failure is never answered as the caller's
		and figures["replica_resumed"]
		and figures["sweep_resumed"]
		and figures["invariant_violations"] == 0
	)
	figures["drill_db_restart"] = "pass" if ok else "fail"
	return figures


def replica_running(c) -> bool:
	status = c.replication_status()
	return status.get("Slave_IO_Running") == "Yes" and status.get("Slave_SQL_Running") == "Yes"


def logged_in(probe: Probe) -> bool:
	resp = probe.http.get(f"{probe.c.lb_url}/api/method/frappe.auth.get_logged_user", timeout=30)
	return resp.status_code == 200 and resp.json().get("message") == probe.user


def drill_redis_restart(c, users: int = 10, duration: float = 90, breaches: int = 600) -> dict:
	"""The workers are held (the scheduler keeps running) while the sweep job falls due and is enqueued, so the
	restart really loses a queued scheduled job; then the workers come back and the next tick must enqueue it
	again."""
	load, load_out = background_load(c, users, duration)
	figures: dict = {"load_started": wait_for_actions(c, load)}
	probes = start_probes(c)
	for host in c.worker_hosts:
		c.stop_named(host, "worker")
	since = make_sweep_due(c)
	figures["sweep_enqueued"] = wait_until(lambda: queued(c), 120, 0.5)
	start = time.monotonic()
	figures["redis_outage_s"] = c.restart("redis")
	back = time.monotonic()
	figures["queued_after_restart"] = queued(c)
	figures["respawned"] = c.respawn_dead()  # what a supervisor does for a process that died with Redis
	for host in c.worker_hosts:
		c.start_workers(host, scheduler=False)
	time.sleep(10)
	for probe in probes:
		probe.stop()
	found = outage_figures(probes, start, back)
	figures.update({k: v for k, v in found.items() if k != "recovery_s"})
	figures["redis_recovery_s"] = found["recovery_s"]
	figures["sessions_lost"] = sum(1 for p in probes if not wait_until(lambda p=p: logged_in(p), 5))
	figures["scheduled_rerun"] = wait_until(lambda: sweep_ran_since(c, since), 240, 2)
	load.join(timeout=duration + 900)
	figures["load_errors"] = load_out.get("figures", {}).get("errors")
	figures["load_rc"] = load_out.get("rc")
	figures["load_tail"] = load_out.get("tail")
	figures["outage_answers"] = [a for p in probes for a in p.answers][:5]
	figures.update(redis_restart_mid_sweep(c, breaches))
	figures["invariant_violations"], figures["invariant_detail"] = invariants(c)
	# RQ workers that lived through the restart keep working but are gone from RQ's registry (rq:workers); the
	# sweep's fan-out still counts them from their heartbeats (ops/rq_workers.py). Frappe's own views of the
	# workers (RQ Worker, System Health) do not: restart them, as an operator does.
	figures["rq_workers_seen_after"] = c.rq_workers()
	figures["sweep_workers_counted_after"] = sweep_workers_counted(c, len(c.worker_hosts))
	for host in c.worker_hosts:
		c.stop_workers(host)
		c.start_workers(host)
	c.wait_workers(len(c.worker_hosts))
	ok = (
		figures["sessions_lost"] == 0
		and figures["mid_sweep_duplicates"] == 0
		and figures["mid_sweep_missing"] == 0
		and figures["scheduled_rerun"]
		and figures["outage_tracebacks"] == 0
		and figures["invariant_violations"] == 0
		and figures["sweep_workers_counted_after"] == len(c.worker_hosts)
	)
	figures["drill_redis_restart"] = "pass" if ok else "fail"
	return figures


def sweep_workers_counted(c, expected: int, timeout: float = 60) -> int:
	"""The long-queue workers the sweep's fan-out counts, once it counts `expected` (or at the timeout): a
	worker's heartbeat writes its key again within a second or two of Redis coming back."""
	from benchmarks.cluster import drills_sweep

	def counted() -> int:
		return drills_sweep.site_call(c, "workers")["long_workers"]

	wait_until(lambda: counted() >= expected, timeout, 2)
	return counted()


def redis_restart_mid_sweep(c, breaches: int) -> dict:
	"""Redis restarted while the workers sweep `breaches` due breaches (seeded and scheduled with the sweep
	drills' helpers, drills_sweep.py): the jobs in Redis are lost, the next schedules finish the work, exactly one
	notice per breach."""
	from benchmarks.cluster import drills_sweep

	prefix = drills_sweep.seed(c, breaches, "R")
	drills_sweep.schedule(c)
	started = wait_until(lambda: drills_sweep.notices_done(c, prefix) > 0, 300, 0.3)
	at = drills_sweep.notices_done(c, prefix)
	outage = c.restart("redis")
	respawned = c.respawn_dead()
	done = drills_sweep.wait_done(c, prefix, breaches, 900)
	status = drills_sweep.site_call(c, "status", prefix)
	return {
		"mid_sweep_breaches": breaches,
		"mid_sweep_restart_at_notices": at if started else None,
		"mid_sweep_outage_s": outage,
		"mid_sweep_respawned": respawned,
		"mid_sweep_finish_s": done["seconds"],
		"mid_sweep_schedules_after": done["schedules"],
		"mid_sweep_duplicates": status["duplicates"],
		"mid_sweep_missing": status["missing_notices"],
		"duplicates": status["duplicates"],
		"missing_notices": status["missing_notices"],
	}


def queued(c) -> bool:
	"""A job waits in an RQ queue (a scheduled job type of cron frequency goes to ``default``; the sweep jobs it
	enqueues go to ``long``)."""
	keys = [k for k in c.redis("KEYS", "rq:queue:*").split() if k.rsplit(":", 1)[-1] in ("default", "long")]
	return any(int(c.redis("LLEN", key) or 0) for key in keys)
