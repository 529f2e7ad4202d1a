"""HTTP tier: a real web server (gunicorn, as `bench setup production` runs it) on a free loopback port for the
test site, real users logging in over HTTP, and every endpoint Frappe exposes probed as each role.

- One connection in-process (reused when the site tier opened it first: both tiers share ``frappe.local``),
  used to seed (committed, the server is another process) and to read what the server committed: every
  database check starts with ``frappe.db.rollback()`` to see a fresh snapshot. No per-test rollback here.
- One server and one login per role for the whole package; the data and the server go at the package's end.
- The tier never skips: no bench, no server answering within 60 s or a failed login stops the run.
"""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

BENCH = Path(os.environ.get("FRAPPE_BENCH") or Path.home() / "frappe-bench").expanduser()
SITE = os.environ.get("CM_TEST_SITE", "complaint-test.localhost")
SITES = BENCH / "sites"

if not (BENCH / "apps" / "frappe").is_dir():
	raise pytest.UsageError(
		f"No Frappe bench at {BENCH}: set FRAPPE_BENCH (the HTTP tier cannot be skipped)."
	)

import frappe  # noqa: E402  (only importable through the bench's python)
import requests  # noqa: E402

from complaint_mgmt.tests.http import seed as seeding  # noqa: E402
from complaint_mgmt.tests.http.probe import Client  # noqa: E402

SERVER_START_TIMEOUT = 60


@pytest.fixture(scope="package")
def site():
	"""The in-process connection to the test site (the site tier's, when it is already open)."""
	os.chdir(SITES)
	opened = getattr(frappe.local, "site", None) != SITE or not getattr(frappe.local, "db", None)
	if opened:
		frappe.init(site=SITE, sites_path=str(SITES))
		frappe.connect()
	if "complaint_mgmt" not in frappe.get_installed_apps():
		raise pytest.UsageError(f"complaint_mgmt is not installed on {SITE}: run scripts/run-tests.")
	frappe.flags.in_test = True
	frappe.set_user("Administrator")
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")


@pytest.fixture(scope="package")
def seed(site):
	seeding.cleanup()  # leftovers of an interrupted run
	data = seeding.seed()
	frappe.clear_cache()  # the server must not serve cached department lists or documents of before
	yield data
	seeding.cleanup()
	frappe.clear_cache()


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


@pytest.fixture(scope="package")
def server(seed, tmp_path_factory):
	"""gunicorn serving the bench's sites on a free loopback port; requests name the site in Host."""
	port = free_port()
	log = tmp_path_factory.mktemp("http-server") / "server.log"
	gunicorn = BENCH / "env" / "bin" / "gunicorn"
	if not gunicorn.exists():
		raise pytest.UsageError(f"{gunicorn} is missing: the HTTP tier needs the bench's gunicorn.")
	cmd = [str(gunicorn), "-b", f"127.0.0.1:{port}", "-w", "2", "-t", "120", "frappe.app:application"]
	env = {**os.environ, "SITES_PATH": str(SITES), "PYTHONUNBUFFERED": "1"}
	with open(log, "wb") as out:
		proc = subprocess.Popen(
			cmd, cwd=SITES, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
		)
	base = f"http://127.0.0.1:{port}"
	deadline = time.monotonic() + SERVER_START_TIMEOUT
	ready = False
	while time.monotonic() < deadline and proc.poll() is None:
		try:
			resp = requests.get(f"{base}/api/method/ping", headers={"Host": SITE}, timeout=5)
			if resp.status_code == 200 and resp.json().get("message") == "pong":
				ready = True
				break
		except (requests.ConnectionError, requests.Timeout, ValueError):
			pass
		time.sleep(0.5)
	if not ready:
		_stop(proc)
		raise pytest.UsageError(
			f"The web server for {SITE} did not answer /api/method/ping within {SERVER_START_TIMEOUT} s "
			f"({' '.join(cmd)}):\n{log.read_text(errors='replace')[-5000:]}"
		)
	yield base
	_stop(proc)


def _stop(proc: subprocess.Popen) -> None:
	import signal

	if proc.poll() is None:
		try:
			os.killpg(proc.pid, signal.SIGTERM)
			proc.wait(timeout=20)
		except (ProcessLookupError, subprocess.TimeoutExpired):
			os.killpg(proc.pid, signal.SIGKILL)
			proc.wait(timeout=10)


@pytest.fixture(scope="package")
def http(server, seed) -> Client:
	"""`http.as_(role)`: a requests.Session logged in as that role's user (cached); "guest": no login."""
	return Client(server, SITE, seed, seeding.PASSWORD)


@pytest.fixture
def db(site):
	"""The database as the server committed it (a fresh snapshot for every read through this fixture)."""
	frappe.db.rollback()
	return frappe.db
