"""Load through the load balancer (issue 20 §3) on the Cluster (topology.py).

``lb_load(c, users, duration, complaints, background)``: `complaints` complaints are seeded as the background
(load_site.py: ``history``, two years of a site's complaints, most closed and counted into the reports' daily
rows; or ``open``, all open and recent, the worst case for the reports; either way the scheduled sweep finds
only what the users' own complaints breach), then the load benchmark (benchmarks/load_benchmark.py: simulated
desk users, lists, forms, reports, the procedure's actions) runs twice with the same users and duration:
through ``lb`` (web1 + web2, reports read from db2), then against web1 directly. The scheduler and the workers
run as usual during both.

Figures: ``p95_read_ms``, ``p95_action_ms``, ``errors``, ``throughput_rps`` (the run through lb),
``web_host_shares`` ({web1: share, web2: share} of the requests nginx passed on during that run, from its
``upstream_addr`` log), ``lb_throughput_ratio`` (throughput through lb / directly to web1: lb spreads over two
gunicorns of 3 workers each, web1 alone has 3), ``replica_read_share`` (the app's seven reports run through lb
afterwards, nothing else running: their SELECTs served by db2 / on db1 + db2; db1 still answers each request's
session and permission set-up), ``replica_select_share_under_load`` (all SELECTs of the run through lb served by
db2: forms, actions and the session's queries go to db1), ``direct_*`` (the run to web1). No frappe import."""

import json
import re
import time
from pathlib import Path

import requests

from benchmarks.cluster.cpu_sample import HostCpu

APP_DIR = Path(__file__).resolve().parents[2]
PREFIX = "CLB"
TARGETS = {"p95_read_ms": 300, "p95_action_ms": 800}
REPORTS = (
	"Overdue Complaints",
	"Weekly Complaint Summary",
	"Monthly Complaint Analysis",
	"Complaint Closure Performance",
	"Complaint Penalty Summary",
	"Corrective Action Effectiveness",
	"Irrational Complaint Statistics",
)
UPSTREAM = re.compile(r'" \d{3} (\S+) ')


def com_select(c, host: str) -> int:
	return int(c.sql(host, "SHOW GLOBAL STATUS LIKE 'Com_select'")[0][1])


def site_script(c, *args: str, timeout: float = 3600) -> dict:
	script = APP_DIR / "benchmarks" / "cluster" / "load_site.py"
	done = c.bench_python([str(script), c.site, *args], check=False, timeout=timeout)
	lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
	if done.returncode or not lines:
		raise RuntimeError(f"load_site.py {' '.join(args)}: {(done.stderr or done.stdout)[-1500:]}")
	return json.loads(lines[-1])


def run_load(c, url: str, users: int, duration: float) -> dict:
	"""The load benchmark's figures, with ``cpu_cores``: the cores each host used in its timed part."""
	argv = [str(APP_DIR / "benchmarks" / "load_benchmark.py"), "--site", c.site, "--url", url]
	argv += ["--users", str(users), "--duration", str(duration), "--warmup", "10", "--sweep-every", "0"]
	with HostCpu(c) as cpu:
		done = c.bench_python(argv, check=False, timeout=duration + 1800)
	(c.workdir / f"lb-load-{int(time.time())}.log").write_text(done.stdout + done.stderr)
	lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
	if not lines:
		raise RuntimeError(f"load benchmark against {url}: {(done.stderr or done.stdout)[-1500:]}")
	last = json.loads(lines[-1])
	return {**last.get("figures", {}), "cpu_cores": cpu.cores(*(last.get("timed_window") or (0, 0)))}


def upstream_shares(c, offset: int) -> dict:
	hosts = {f"{c.addr(h)}:8000": h for h in c.web_hosts}
	counts = dict.fromkeys(c.web_hosts, 0)
	for line in c.lb_log_since(offset).splitlines():
		match = UPSTREAM.search(line)
		if match and match.group(1) in hosts:
			counts[hosts[match.group(1)]] += 1
	total = sum(counts.values())
	return {h: round(n / total, 3) if total else None for h, n in counts.items()}


def report_replica_share(c, rounds: int = 5) -> dict:
	"""The app's seven reports, `rounds` times each, through lb as Administrator with nothing else running: the
	share of their SELECTs served by db2 (db1 still answers each request's session and permission set-up)."""
	http = requests.Session()
	http.headers["Host"] = c.site
	http.post(
		f"{c.lb_url}/api/method/login", data={"usr": "Administrator", "pwd": "admin"}
	).raise_for_status()
	filters = json.dumps({"from_date": "2026-01-01", "to_date": "2026-12-31"})
	before = {h: com_select(c, h) for h in ("db1", "db2")}
	statuses = []
	for _ in range(rounds):
		for report in REPORTS:
			resp = http.get(
				f"{c.lb_url}/api/method/frappe.desk.query_report.run",
				params={"report_name": report, "filters": filters, "ignore_prepared_report": 1},
				timeout=300,
			)
			statuses.append(resp.status_code)
	delta = {h: com_select(c, h) - before[h] for h in ("db1", "db2")}
	return {
		"report_requests": len(statuses),
		"report_errors": sum(s != 200 for s in statuses),
		"report_selects": delta,
		"replica_read_share": round(delta["db2"] / sum(delta.values()), 3) if sum(delta.values()) else None,
	}


def lb_load(
	c, users: int = 50, duration: float = 120, complaints: int = 100000, background: str = "history"
) -> dict:
	figures: dict = {"users": users, "duration_s": duration, "background": background}
	t0 = time.monotonic()
	seeded = site_script(c, "seed", PREFIX, str(complaints), background)
	figures["background_complaints"] = seeded.get("complaints")
	figures["background_running"] = seeded.get("running")
	figures["seed_s"] = round(time.monotonic() - t0, 1)
	try:
		offset = c.lb_log_size()
		before = {h: com_select(c, h) for h in ("db1", "db2")}
		through_lb = run_load(c, c.lb_url, users, duration)
		selects = {h: com_select(c, h) - before[h] for h in ("db1", "db2")}
		figures["web_host_shares"] = upstream_shares(c, offset)
		direct = run_load(c, c.web_urls[c.web_hosts[0]], users, duration)
		reports = report_replica_share(c)
	finally:
		site_script(c, "cleanup", PREFIX)
	lb_rps, direct_rps = through_lb.get("requests_per_s") or 0, direct.get("requests_per_s") or 0
	figures.update(
		p95_read_ms=through_lb.get("p95_read_ms"),
		p95_action_ms=through_lb.get("p95_action_ms"),
		errors=through_lb.get("errors"),
		throughput_rps=lb_rps,
		action_cpu_ms=through_lb.get("action_cpu_ms"),
		lb_throughput_ratio=round(lb_rps / direct_rps, 3) if direct_rps else None,
		replica_read_share=reports.pop("replica_read_share"),
		**reports,
		replica_select_share_under_load=round(selects["db2"] / sum(selects.values()), 3)
		if sum(selects.values())
		else None,
		selects_under_load=selects,
		direct_p95_read_ms=direct.get("p95_read_ms"),
		direct_p95_action_ms=direct.get("p95_action_ms"),
		direct_errors=direct.get("errors"),
		direct_throughput_rps=direct_rps,
		cpu_cores=through_lb.get("cpu_cores"),
		direct_cpu_cores=direct.get("cpu_cores"),
		duplicates_load=through_lb.get("duplicates"),
		isolation_violations=through_lb.get("isolation_violations"),
	)
	shares = [s for s in figures["web_host_shares"].values() if s is not None]
	figures["lb_targets_met"] = bool(
		figures["p95_read_ms"] is not None
		and figures["p95_read_ms"] <= TARGETS["p95_read_ms"]
		and (figures["p95_action_ms"] or 0) <= TARGETS["p95_action_ms"]
		and figures["errors"] == 0
		and len(shares) == len(c.web_hosts)
		and all(0.4 <= s <= 0.6 for s in shares)
		and (figures["lb_throughput_ratio"] or 0) >= 0.9
	)
	return figures
