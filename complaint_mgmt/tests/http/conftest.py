"""HTTP tier: a real web server (gunicorn, as `bench setup production` runs it) on a free loopback port for the
test site, real users logging in over HTTP, and every endpoint Frappe exposes probed as each role.

- One connection in-process (reused when the site tier opened it first: both tiers share ``frappe.local``),
  used to seed (committed, the server is another process) and to read what the server committed: every
  database check starts with ``frappe.db.rollback()`` to see a fresh snapshot. No per-test rollback here.
- One server and one login per role for the whole package; the data and the server go at the package's end.
- The tier never skips: no bench, no server answering within 60 s or a failed login stops the run.
"""

import os
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

from complaint_mgmt.tests import server as web_server  # noqa: E402
from complaint_mgmt.tests.http import seed as seeding  # noqa: E402
from complaint_mgmt.tests.http.probe import Client  # noqa: E402


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


@pytest.fixture(scope="package")
def server(seed, tmp_path_factory):
	"""gunicorn serving the bench's sites on a free loopback port (complaint_mgmt/tests/server.py)."""
	proc, base = web_server.start(tmp_path_factory.mktemp("http-server") / "server.log")
	yield base
	web_server.stop(proc)


@pytest.fixture(scope="package")
def http(server, seed) -> Client:
	"""`http.as_(role)`: a requests.Session logged in as that role's user (cached); "guest": no login."""
	return Client(server, SITE, seed, seeding.PASSWORD)


@pytest.fixture
def db(site):
	"""The database as the server committed it (a fresh snapshot for every read through this fixture)."""
	frappe.db.rollback()
	return frappe.db
