"""The web server of the load benchmark: gunicorn serving the bench's sites on a free loopback port, with the
bench's worker count (common_site_config ``gunicorn_workers``, else Frappe's default 2 * cores + 1), the way
``bench setup production`` runs it. No frappe import: usable before the site is opened."""

import json
import os
import subprocess
import time
from pathlib import Path

import requests

from benchmarks.replica_server import free_port, stop_group

START_TIMEOUT = 90


def bench_workers(sites: Path) -> int:
	"""The bench's gunicorn worker count."""
	try:
		config = json.loads((sites / "common_site_config.json").read_text())
	except (OSError, ValueError):
		config = {}
	workers = config.get("gunicorn_workers")
	return int(workers) if workers else 2 * (os.cpu_count() or 1) + 1


class Server:
	"""gunicorn on 127.0.0.1:<free port>; `base` is its URL, requests name the site in the Host header."""

	def __init__(self, bench: Path, site: str, workers: int | None = None, log: Path | None = None):
		self.bench, self.site = bench, site
		self.sites = bench / "sites"
		self.workers = workers or bench_workers(self.sites)
		self.port = free_port()
		self.base = f"http://127.0.0.1:{self.port}"
		self.log = log or Path(f"/tmp/load-benchmark-gunicorn-{self.port}.log")
		self.proc: subprocess.Popen | None = None

	def start(self) -> "Server":
		gunicorn = self.bench / "env" / "bin" / "gunicorn"
		if not gunicorn.exists():
			raise SystemExit(f"{gunicorn} is missing: the load benchmark needs the bench's gunicorn.")
		cmd = [str(gunicorn), "-b", f"127.0.0.1:{self.port}", "-w", str(self.workers), "-t", "120"]
		cmd.append("frappe.app:application")
		env = {**os.environ, "SITES_PATH": str(self.sites), "PYTHONUNBUFFERED": "1"}
		with open(self.log, "wb") as out:
			self.proc = subprocess.Popen(
				cmd, cwd=self.sites, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
			)
		deadline = time.monotonic() + START_TIMEOUT
		while time.monotonic() < deadline and self.proc.poll() is None:
			if ping(self.base, self.site):
				return self
			time.sleep(0.5)
		self.stop()
		tail = self.log.read_text(errors="replace")[-3000:]
		raise SystemExit(f"gunicorn for {self.site} did not answer within {START_TIMEOUT} s:\n{tail}")

	def stop(self) -> None:
		stop_group(self.proc, grace=20)


def ping(base: str, site: str) -> bool:
	try:
		resp = requests.get(f"{base}/api/method/ping", headers={"Host": site}, timeout=5)
		return resp.status_code == 200 and resp.json().get("message") == "pong"
	except (requests.RequestException, ValueError):
		return False
