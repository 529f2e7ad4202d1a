"""A real web server for the test site, shared by the HTTP and browser tiers: gunicorn (as `bench setup
production` runs it) serving the bench's sites on a free loopback port; requests name the site in Host.

The browser tier serves ``/assets`` and ``/files`` too (``frappe.app:application_with_statics()``: nginx's job in
production); the HTTP tier needs only the application. Nothing here is skipped: a missing gunicorn or a server
that does not answer ``/api/method/ping`` in time stops the run with the server's log.
"""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
SITE = os.environ.get("CM_TEST_SITE", "complaint-test.localhost")
SITES = BENCH / "sites"
START_TIMEOUT = 60
APPLICATION = "frappe.app:application"
APPLICATION_WITH_STATICS = "frappe.app:application_with_statics()"


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


def start(log: Path, app: str = APPLICATION, workers: int = 2) -> tuple[subprocess.Popen, str]:
	"""Start gunicorn for the bench's sites; returns the process and its base URL once it answers ping."""
	port = free_port()
	gunicorn = BENCH / "env" / "bin" / "gunicorn"
	if not gunicorn.exists():
		raise pytest.UsageError(f"{gunicorn} is missing: the test tier needs the bench's gunicorn.")
	cmd = [str(gunicorn), "-b", f"127.0.0.1:{port}", "-w", str(workers), "-t", "120", app]
	env = {**os.environ, "SITES_PATH": str(SITES), "PYTHONUNBUFFERED": "1"}
	with open(log, "wb") as out:
		proc = subprocess.Popen(
			cmd, cwd=SITES, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
		)
	base = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + START_TIMEOUT
	while time.monotonic() < deadline and proc.poll() is None:
		try:
			resp = requests.get(f"{base}/api/method/ping", headers={"Host": SITE}, timeout=5)
			if resp.status_code == 200 and resp.json().get("message") == "pong":
				return proc, base
		except (requests.ConnectionError, requests.Timeout, ValueError):
			pass
		time.sleep(0.5)
	stop(proc)
	raise pytest.UsageError(
		f"The web server for {SITE} did not answer /api/method/ping within {START_TIMEOUT} s "
		f"({' '.join(cmd)}):\n{log.read_text(errors='replace')[-5000:]}"
	)


def stop(proc: subprocess.Popen) -> None:
	if proc.poll() is None:
		try:
			os.killpg(proc.pid, signal.SIGTERM)
			proc.wait(timeout=20)
		except (ProcessLookupError, subprocess.TimeoutExpired):
			os.killpg(proc.pid, signal.SIGKILL)
			proc.wait(timeout=10)
