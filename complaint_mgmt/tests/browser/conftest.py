"""Browser tier: the desk, the web form and the portal clicked through in headless Chromium (Playwright for
Python, Debian's /usr/bin/chromium or $CM_CHROMIUM) as real users of every role, against a real gunicorn on a
free loopback port (complaint_mgmt/tests/server.py, serving /assets too). The browser reaches the site by its
host name: ``--host-resolver-rules`` maps it to 127.0.0.1.

- The tier never skips: no Chromium, no Playwright, no bench or no server stops the run with a clear message.
- One browser, one context and one page for the whole package (the assets stay cached); `desk.login(role)`
  drops the cookies and logs in through /login.
- A failing test leaves a screenshot in test-artifacts/browser/ (repository root); passing tests leave the
  screenshots of the issue's closing note in test-artifacts/browser/screens/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from complaint_mgmt.tests.fixtures import BENCH, SITE, require_bench, seeded, shared_site

CHROMIUM = os.environ.get("CM_CHROMIUM", "/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO / "test-artifacts" / "browser"
SCREENS = ARTIFACTS / "screens"

if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
	pytest.exit(
		f"Chromium is missing at {CHROMIUM}: the browser tier cannot run (it is never skipped). "
		"Install Debian's package (apt-get install chromium) or point CM_CHROMIUM at a Chromium binary.",
		returncode=3,
	)
try:
	from playwright.sync_api import Error as PlaywrightError
	from playwright.sync_api import sync_playwright
except ImportError:
	pytest.exit(
		"Playwright for Python is missing in the bench's python: the browser tier cannot run (it is never "
		f"skipped). Install it with `{BENCH}/env/bin/python -m pip install playwright` (no browser download "
		"needed: the tier uses Debian's Chromium).",
		returncode=3,
	)
require_bench("browser")

import frappe  # noqa: E402  (only importable through the bench's python)

from complaint_mgmt.tests import server as web_server  # noqa: E402
from complaint_mgmt.tests.browser import seed as seeding  # noqa: E402
from complaint_mgmt.tests.browser.desk import WAIT, Desk  # noqa: E402


@pytest.fixture(scope="package")
def site():
	"""The in-process connection to the test site (the other tiers', when it is already open)."""
	yield from shared_site()


@pytest.fixture(scope="package")
def data(site):
	shutil.rmtree(ARTIFACTS, ignore_errors=True)
	SCREENS.mkdir(parents=True, exist_ok=True)
	yield from seeded(seeding)


@pytest.fixture(scope="package")
def server(data, tmp_path_factory):
	log = tmp_path_factory.mktemp("browser-server") / "server.log"
	proc, base = web_server.start(log, app=web_server.APPLICATION_WITH_STATICS, workers=3)
	yield base.replace("127.0.0.1", SITE)
	web_server.stop(proc)


@pytest.fixture(scope="package")
def browser(server):
	with sync_playwright() as playwright:
		try:
			instance = playwright.chromium.launch(
				executable_path=CHROMIUM,
				headless=True,
				args=["--no-sandbox", f"--host-resolver-rules=MAP {SITE} 127.0.0.1"],
			)
		except PlaywrightError as err:
			pytest.exit(f"Chromium at {CHROMIUM} did not start: {err}", returncode=3)
		yield instance
		instance.close()


@pytest.fixture(scope="package")
def desk(browser, server, data) -> Desk:
	context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
	context.set_default_timeout(WAIT)
	page = context.new_page()
	yield Desk(page, server, data, seeding.PASSWORD, SCREENS)
	context.close()


@pytest.fixture
def db(site):
	"""The database as the server committed it (a fresh snapshot for every read)."""
	frappe.db.rollback()
	return frappe.db


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	report = outcome.get_result()
	if report.failed and report.when in ("setup", "call"):
		desk = item.funcargs.get("desk") if hasattr(item, "funcargs") else None
		if desk is not None:
			ARTIFACTS.mkdir(parents=True, exist_ok=True)
			name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
			try:
				desk.page.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
			except PlaywrightError:
				pass
