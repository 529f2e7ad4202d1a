"""HTTP tier: a real web server (gunicorn, as `bench setup production` runs it) on a free loopback port for the
test site, real users logging in over HTTP, and every endpoint Frappe exposes probed as each role.

- One connection in-process (reused when the site tier opened it first: both tiers share ``frappe.local``),
  used to seed (committed, the server is another process) and to read what the server committed: every
  database check starts with ``frappe.db.rollback()`` to see a fresh snapshot. No per-test rollback here.
- One server and one login per role for the whole package; the data and the server go at the package's end.
- The tier never skips: no bench, no server answering within 60 s or a failed login stops the run.
"""

import pytest

from complaint_mgmt.tests.fixtures import SITE, SITES, require_bench, seeded, shared_site

require_bench("HTTP")

import frappe  # noqa: E402  (only importable through the bench's python)

from complaint_mgmt.tests import server as web_server  # noqa: E402
from complaint_mgmt.tests.http import seed as seeding  # noqa: E402
from complaint_mgmt.tests.http.probe import Client  # noqa: E402

__all__ = ["SITE", "SITES"]  # test_load_smoke.py reads them here
HTTP_TIER = "complaint_mgmt/tests/http/"
CANARY_MODULE = HTTP_TIER + "test_canary_matrix.py"


def pytest_collection_modifyitems(config, items):
	"""The canary matrix runs last in this tier: a write it finds (a leak) must not disturb the explicit probes."""
	canary = [i for i in items if i.nodeid.startswith(CANARY_MODULE)]
	if canary:
		rest = [i for i in items if not i.nodeid.startswith(CANARY_MODULE)]
		http = [n for n, i in enumerate(rest) if i.nodeid.startswith(HTTP_TIER)]
		at = http[-1] + 1 if http else len(rest)
		items[:] = rest[:at] + canary + rest[at:]


def pytest_terminal_summary(terminalreporter):
	"""The canary matrix's figures (calls, canaries seen, changed rows, responses >= 500), whatever -s says."""
	from complaint_mgmt.tests.http import canary_report

	if canary_report.LATEST:
		terminalreporter.write_line(canary_report.summary(canary_report.LATEST))


@pytest.fixture(scope="package")
def site():
	"""The in-process connection to the test site (the site tier's, when it is already open)."""
	yield from shared_site()


@pytest.fixture(scope="package")
def seed(site):
	yield from seeded(seeding)


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
