"""The sweep on the cluster (issue 20 §2 and the drills 1, 4 and 6 of §5). Each function takes a running
``Cluster`` and returns a dict of figures with its ``drill_<name>`` verdict (``pass``/``fail``).

Breaches are seeded under a prefix of their own (benchmarks/seeding.py: bulk rows, one breach due 5 to 15
minutes ago on each, the warnings sent), then the scheduled job is enqueued exactly as the scheduler does at its
5-minute cron (the Scheduled Job Type's enqueue; ``sweep_site.py schedule``: the drills do not wait for the next
multiple of five minutes), and the real workers do the rest: the scheduled job runs schedule_sweep on a worker,
which enqueues the cooperating sweep jobs on ``long``. Progress is read from db1 with the mysql client every half
second; a sweep is done when every seeded breach has its notice. When the work stalls (no new notice for STALL_S)
before that, the schedule is enqueued again, as the next cron would. After each drill the invariant checker runs
on the whole site (invariants.py) against a snapshot taken before it. No frappe import (the site side runs in the
bench's python: sweep_site.py, invariants.py).
"""

import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_SCRIPT = str(ROOT / "benchmarks" / "cluster" / "sweep_site.py")
CHECKER = str(ROOT / "benchmarks" / "cluster" / "invariants.py")
POLL_S = 0.5
STALL_S = 15  # no new notice for this long: the next schedule is due
SPEEDUP_TARGET = 1.7
# The server notices a dead client (a host cut off mid-transaction) by TCP keepalive on its connection:
# first probe after 5 s idle, then 3 probes 2 s apart -> about 11 s.
KEEPALIVE = {"tcp_keepalive_time": 5, "tcp_keepalive_interval": 2, "tcp_keepalive_probes": 3}
WAIT_TIMEOUT = {"wait_timeout": 15}  # the fallback: a session idle this long is closed (and rolled back)


def _json(done) -> dict:
	return json.loads(done.stdout.strip().splitlines()[-1])


def site_call(c, *args: str, site: str | None = None, host: str | None = None) -> dict:
	return _json(c.bench_python([SITE_SCRIPT, site or c.site, *args], host=host, timeout=7200))


def _db_name(c, site: str | None = None) -> str:
	config = json.loads((c.sites / (site or c.site) / "site_config.json").read_text())
	return config["db_name"]


def notices_done(c, prefix: str, site: str | None = None) -> int:
	"""Submitted notices of the seeded breaches, read from db1 (cheap enough to poll)."""
	db = _db_name(c, site)
	rows = c.sql(
		"db1",
		f"SELECT COUNT(*) FROM `{db}`.`tabComplaint Penalty Notice` "
		f"WHERE complaint LIKE '{prefix}-%' AND docstatus = 1",
	)
	return int(rows[-1][0])


def seed(c, breaches: int, tag: str) -> str:
	prefix = f"CSW{tag}{uuid.uuid4().hex[:4].upper()}"
	site_call(c, "seed", prefix, str(breaches))
	return prefix


def schedule(c) -> bool:
	return bool(site_call(c, "schedule")["queued"])


def wait_done(c, prefix: str, breaches: int, timeout: float) -> dict:
	"""Poll until every breach has its notice (re-enqueuing the schedule when the work stalls); the seconds
	taken, the schedules enqueued again and the last count."""
	t0 = time.monotonic()
	last, last_change, schedules = -1, t0, 0
	while True:
		done = notices_done(c, prefix)
		now = time.monotonic()
		if done != last:
			last, last_change = done, now
		if done >= breaches:
			return {
				"seconds": round(now - t0, 2),
				"schedules": schedules,
				"notices": done,
				"ended_at": time.time(),
			}
		if now - t0 > timeout:
			return {"seconds": None, "schedules": schedules, "notices": done, "timed_out": True}
		if now - last_change > STALL_S:
			schedule(c)
			schedules += 1
			last_change = now
		time.sleep(POLL_S)


def check(c, before: Path | None, site: str | None = None) -> dict:
	argv = [CHECKER, site or c.site, "check"]
	if before:
		argv += ["--before", str(before)]
	result = _json(c.bench_python(argv, timeout=7200))
	return {"invariant_violations": result["invariant_violations"], "invariant_kinds": result["kinds"]}


def take_snapshot(c, name: str) -> Path:
	path = c.workdir / f"snapshot-{name}.json"
	done = c.bench_python([CHECKER, c.site, "snapshot"], timeout=3600)
	path.write_text(done.stdout.strip().splitlines()[-1])
	return path


def workers_on(c, hosts: list[str]) -> None:
	"""Exactly the RQ workers of `hosts` running (the scheduler stays on worker1)."""
	for host in c.worker_hosts:
		if host not in hosts and any(n == "worker" and p.poll() is None for n, p in c.procs.get(host, [])):
			c.stop_named(host, "worker")
	for host in hosts:
		if not any(n == "worker" and p.poll() is None for n, p in c.procs.get(host, [])):
			c.spawn(host, c.argvs.get((host, "worker")) or _worker_argv(c), name="worker")
	deadline = time.monotonic() + 120  # registered (a worker killed -9 stays listed until RQ expires it)
	while c.rq_workers() < len(hosts) and time.monotonic() < deadline:
		time.sleep(1)


def _worker_argv(c) -> list[str]:
	from benchmarks.cluster import services, topology

	return services.frappe_argv(c.bench, "worker", "--queue", topology.WORKER_QUEUES)


def jobs_started_at(c, since: float) -> float | None:
	"""When the first sweep job started after `since` (epoch seconds; RQ's started_at of the job ids
	schedule_sweep uses, engine/deadlines.sweep_job_id)."""
	started = []
	for slot in range(8):
		job_id = "complaint_mgmt:deadline_sweep" + (f":{slot}" if slot else "")
		value = c.redis("HGET", f"rq:job:{c.site}::{job_id}", "started_at")
		if value:
			at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()
			if at >= since - 1:
				started.append(at)
	return min(started, default=None)


def _timed_sweep(c, breaches: int, hosts: list[str], tag: str, timeout: float) -> dict:
	"""One sweep of `breaches` new breaches by the workers of `hosts`. Timed from the first sweep job's start
	(RQ's started_at) to the last notice: the scheduled job that enqueues the sweep jobs may wait behind other
	jobs of the default queue (Frappe's own scheduled jobs), which is not the sweep's throughput."""
	workers_on(c, hosts)
	prefix = seed(c, breaches, tag)
	triggered = time.time()
	schedule(c)
	result = wait_done(c, prefix, breaches, timeout)
	started = jobs_started_at(c, triggered)
	seconds = round(result["ended_at"] - started, 2) if result["seconds"] and started else None
	status = site_call(c, "status", prefix)
	rate = breaches / seconds if seconds else None
	return {**result, **status, "sweep_s": seconds, "rate": rate, "prefix": prefix}


def sweep_speedup(c, breaches: int = 10_000, timeout: float = 3600) -> dict:
	"""`breaches` new breaches handled by the scheduled jobs on worker1 alone, then on worker1 + worker2."""
	before = take_snapshot(c, "speedup")
	one = _timed_sweep(c, breaches, c.worker_hosts[:1], "A", timeout)
	both = _timed_sweep(c, breaches, c.worker_hosts, "B", timeout)
	speedup = round(both["rate"] / one["rate"], 2) if one["rate"] and both["rate"] else None
	duplicates = one["duplicates"] + both["duplicates"]
	missing = one["missing_notices"] + both["missing_notices"]
	checked = check(c, before)
	ok = speedup is not None and speedup >= SPEEDUP_TARGET and not duplicates and not missing
	return {
		"worker_hosts_speedup": speedup,
		"sweep_breaches": breaches,
		"sweep_one_host_s": one["sweep_s"],
		"sweep_two_hosts_s": both["sweep_s"],
		"sweep_one_host_wall_s": one["seconds"],  # from the schedule's enqueue
		"sweep_two_hosts_wall_s": both["seconds"],
		"sweep_one_host_per_s": round(one["rate"], 1) if one["rate"] else None,
		"sweep_two_hosts_per_s": round(both["rate"], 1) if both["rate"] else None,
		"duplicates": duplicates,
		"missing_notices": missing,
		"invariant_violations": checked["invariant_violations"],
		"invariant_kinds": checked["invariant_kinds"],
		"drill_sweep_speedup": "pass" if ok and not checked["invariant_violations"] else "fail",
	}


def worker2_busy(c, host: str) -> bool:
	"""The host holds an open transaction with locked rows on db1 (a sweep batch in flight)."""
	rows = c.sql(
		"db1",
		"SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
		f"ON t.trx_mysql_thread_id = p.ID WHERE p.HOST LIKE '{c.addr(host)}:%' AND t.trx_rows_locked > 0",
	)
	return int(rows[-1][0]) > 0


def drill_worker_kill(c, breaches: int = 10_000, timeout: float = 3600) -> dict:
	"""Drill 1: kill -9 of every process on worker2 in the middle of a sweep of `breaches` breaches; the
	remaining jobs and the next schedules finish the work."""
	victim = c.worker_hosts[-1]
	workers_on(c, c.worker_hosts)
	before = take_snapshot(c, "worker-kill")
	killed_at, pids, attempts = None, [], 0
	# A quiet machine can sweep a few hundred breaches between two looks at worker2: a sweep finished before the
	# strike is no verdict on the system, so the drill seeds again (up to 5 times) until it strikes mid-sweep.
	while killed_at is None and attempts < 5:
		attempts += 1
		prefix = seed(c, breaches, "K")
		schedule(c)
		t0 = time.monotonic()
		while time.monotonic() - t0 < timeout:  # mid-sweep: a batch of the victim's in flight, some work done
			done = notices_done(c, prefix)
			if done >= min(breaches // 5, 50) and worker2_busy(c, victim):
				pids, killed_at = c.kill_host(victim), done
				break
			if done >= breaches:
				break
			time.sleep(0.05)
	result = wait_done(c, prefix, breaches, timeout)
	status = site_call(c, "status", prefix)
	checked = check(c, before)
	workers_on(c, c.worker_hosts)  # worker2 back for the next drill
	ok = (
		killed_at is not None
		and result["notices"] >= breaches
		and not status["duplicates"]
		and not status["missing_notices"]
		and not checked["invariant_violations"]
	)
	return {
		"drill_worker_kill": "pass" if ok else "fail",
		"worker_kill_breaches": breaches,
		"worker_kill_at_notices": killed_at,
		"worker_kill_attempts": attempts,
		"worker_kill_processes": len(pids),
		"worker_kill_finish_s": result["seconds"],  # from the kill until every breach had its notice
		"worker_kill_schedules_after": result["schedules"],
		"duplicates": status["duplicates"],
		"missing_notices": status["missing_notices"],
		"invariant_violations": checked["invariant_violations"],
		"invariant_kinds": checked["invariant_kinds"],
	}


def _set_globals(c, values: dict) -> dict:
	"""SET GLOBAL `values` on db1 (the cluster's own server, never the machine's); the previous values."""
	names = ", ".join(f"'{name}'" for name in values)
	previous = {
		row[0].lower(): row[1]
		for row in c.sql("db1", f"SHOW GLOBAL VARIABLES WHERE Variable_name IN ({names})")
	}
	c.sql("db1", "; ".join(f"SET GLOBAL {name} = {int(value)}" for name, value in values.items()))
	return previous


def drill_link_down(c, breaches: int = 3000, timeout: float = 1800) -> dict:
	"""Drill 4: worker2 cut off (link down) while its sweep batch holds locked rows: the server rolls its
	transaction back once TCP keepalive finds the peer dead; worker1 takes its rows; 0 duplicates."""
	victim = c.worker_hosts[-1]
	workers_on(c, c.worker_hosts)
	detection = KEEPALIVE
	try:  # for the connections opened from now on (the sweep jobs')
		previous = _set_globals(c, KEEPALIVE)
	except RuntimeError:  # a server without dynamic keepalive settings: the idle timeout of a session
		detection = WAIT_TIMEOUT
		previous = _set_globals(c, WAIT_TIMEOUT)
	before = take_snapshot(c, "link-down")
	try:
		prefix = seed(c, breaches, "L")
		schedule(c)
		t0, cut_at = time.monotonic(), None
		while time.monotonic() - t0 < timeout:
			if worker2_busy(c, victim):
				c.link_down(victim)
				t_cut, cut_at = time.monotonic(), notices_done(c, prefix)
				break
			if notices_done(c, prefix) >= breaches:
				break
			time.sleep(0.1)
		rollback_s = None
		if cut_at is not None:
			while time.monotonic() - t_cut < 300:
				if not worker2_busy(c, victim):
					rollback_s = round(time.monotonic() - t_cut, 1)
					break
				time.sleep(0.25)
		result = wait_done(c, prefix, breaches, timeout)
	finally:
		c.kill_host(victim)  # its processes hold dead connections: gone before the link comes back
		c.link_up(victim)
		_set_globals(c, {name: previous.get(name, value) for name, value in detection.items()})
	status = site_call(c, "status", prefix)
	checked = check(c, before)
	workers_on(c, c.worker_hosts)
	ok = (
		cut_at is not None
		and rollback_s is not None
		and result["notices"] >= breaches
		and not status["duplicates"]
		and not status["missing_notices"]
		and not checked["invariant_violations"]
	)
	return {
		"drill_link_down": "pass" if ok else "fail",
		"link_down_breaches": breaches,
		"link_down_at_notices": cut_at,
		"link_down_rollback_s": rollback_s,
		"link_down_detection": detection,
		"link_down_finish_s": result["seconds"],
		"duplicates": status["duplicates"],
		"missing_notices": status["missing_notices"],
		"invariant_violations": checked["invariant_violations"],
		"invariant_kinds": checked["invariant_kinds"],
	}


def _backup_files(output: str) -> dict:
	"""The paths `bench backup` printed (Config, Database, Public, Private)."""
	files = {}
	for line in output.splitlines():
		key, _sep, value = line.partition(":")
		if key.strip() in ("Database", "Public", "Private") and value.strip():
			files[key.strip()] = value.split()[0]
	return files


def _new_site_config(c, site: str) -> None:
	"""What `bench new-site --no-mariadb-socket` prepares for a site on a database host: its folder and config
	(database name, password) and its database user for connections from any host. Frappe's `restore` onto a
	site that does not exist refuses ("does not exist"), and creates the user for 'localhost' only, which the
	other hosts cannot use; it keeps this config and this user (it drops and creates only 'user'@'localhost')."""
	name, password = f"_r{uuid.uuid4().hex[:14]}", uuid.uuid4().hex
	(c.sites / site).mkdir()
	config = {"db_name": name, "db_password": password, "db_type": "mariadb"}
	(c.sites / site / "site_config.json").write_text(json.dumps(config, indent=1))
	c.sql(
		"db1",
		f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'; "
		f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{name}'@'%'; FLUSH PRIVILEGES",
	)


def drill_backup_restore(c, breaches: int = 3000, timeout: float = 1800) -> dict:
	"""Drill 6: `bench backup --with-files` while the sweep issues notices, restored onto a fresh site: the
	tables the sweep does not write have the primary's counts, the restored state is consistent (invariants),
	and a sweep there issues each remaining notice once, none twice."""
	from benchmarks.cluster import services

	workers_on(c, c.worker_hosts)
	prefix = seed(c, breaches, "R")
	schedule(c)
	while notices_done(c, prefix) < breaches // 10:
		time.sleep(0.2)
	t0 = time.monotonic()
	backup = c.frappe("--site", c.site, "backup", "--with-files")
	backup_s = round(time.monotonic() - t0, 1)
	files = _backup_files(backup.stdout)
	wait_done(c, prefix, breaches, timeout)
	primary = site_call(c, "counts")
	restored = f"restored-{uuid.uuid4().hex[:6]}.localhost"
	_new_site_config(c, restored)
	t0 = time.monotonic()
	c.frappe(
		"--site", restored, "restore", files["Database"],
		"--with-public-files", files["Public"], "--with-private-files", files["Private"],
		"--db-root-username", "root", "--db-root-password", services.DB_ROOT_PASSWORD,
		"--admin-password", "admin",
	)  # fmt: skip
	restore_s = round(time.monotonic() - t0, 1)
	at_backup = site_call(c, "status", prefix, site=restored)
	counts = site_call(c, "counts", site=restored)
	consistent = check(c, None, site=restored)
	swept = site_call(c, "sweep", site=restored)
	after = site_call(c, "status", prefix, site=restored)
	after_check = check(c, None, site=restored)
	unchanged = [d for d in primary if d not in ("Complaint Penalty Notice", "Complaint Escalation")]
	equal = all(counts[d] == primary[d] for d in unchanged)
	ok = (
		equal
		and at_backup["notices"] == at_backup["flagged"]
		and not consistent["invariant_violations"]
		and not after["duplicates"]
		and not after["missing_notices"]
		and after["notices"] == breaches
		and not after_check["invariant_violations"]
	)
	return {
		"drill_backup_restore": "pass" if ok else "fail",
		"backup_s": backup_s,
		"restore_s": restore_s,
		"restore_counts_equal": equal,
		"restore_counts": {d: [primary[d], counts[d]] for d in primary},
		"restore_notices_at_backup": at_backup["notices"],
		"restore_sweep_notices": swept["notices"],
		"duplicates": after["duplicates"],
		"missing_notices": after["missing_notices"],
		"invariant_violations": consistent["invariant_violations"] + after_check["invariant_violations"],
	}


SMOKE_BREACHES = 300


def smoke(c) -> dict:
	"""The CI size: drill 1 with a few hundred breaches, then the invariant checker."""
	return drill_worker_kill(c, breaches=SMOKE_BREACHES, timeout=600)
