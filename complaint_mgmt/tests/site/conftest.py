"""Site tier: connects to the bench's test site once per session; every test runs in a transaction that is
rolled back afterwards, so tests never see each other's records.

The bench is ``$FRAPPE_BENCH`` (default ``~/frappe-bench``), the site ``$CM_TEST_SITE`` (default
``complaint-test.localhost``). ``scripts/run-tests`` installs/migrates the app there first.
"""

import os

import pytest

from complaint_mgmt.tests.fixtures import BENCH, SITE, SITES, connect, require_bench

require_bench("site")

import frappe  # noqa: E402  (only importable through the bench's python)

os.chdir(SITES)  # frappe resolves logs and assets relative to the sites folder

__all__ = ["BENCH", "SITE", "SITES"]  # the site tests read them here

APP_CACHE_KEYS = ("complaint_mgmt:user_departments",)


def clear_app_caches() -> None:
	frappe.local.complaint_grades = None
	for key in APP_CACHE_KEYS:
		frappe.cache.delete_value(key)
	for doctype in ("Complaint Settings", "Complaint Department", "Complaint Grade", "Complaint"):
		frappe.clear_document_cache(doctype)


@pytest.fixture(scope="session", autouse=True)
def site_connection():
	connect(reuse=False)  # a connection of its own, even when another tier opened one
	from complaint_mgmt.tests.site.factories import ensure_test_users

	ensure_test_users()
	frappe.db.commit()  # the shared test users persist across tests and runs; everything else is rolled back
	yield
	frappe.db.rollback()
	frappe.destroy()


@pytest.fixture(autouse=True)
def rollback(site_connection, monkeypatch):
	"""Each test in its own transaction, rolled back at the end (commits inside the code are suppressed)."""
	frappe.db.rollback()
	clear_app_caches()
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: None)
	frappe.set_user("Administrator")
	yield
	frappe.set_user("Administrator")
	frappe.db.rollback()
	clear_app_caches()


# Every notice a site test creates is verified before the test's rollback (issue 18): its stored computation must
# agree with the recomputation from the complaint's history (complaint_mgmt.api.verify_notices' check). A test that
# makes a history on purpose inconsistent says so with @pytest.mark.notices_unverified("why").
NOTICES_VERIFIED = {"checked": 0, "tests": 0}


@pytest.fixture(autouse=True)
def verify_notices_of_the_test(rollback, request):
	from frappe.utils import now_datetime

	from complaint_mgmt.engine import notice_why

	started = now_datetime()
	yield
	if request.node.get_closest_marker("notices_unverified"):
		return
	frappe.set_user("Administrator")
	notices = frappe.get_all(
		"Complaint Penalty Notice",
		filters=[["creation", ">=", started], ["computation", "is", "set"]],
		fields=notice_why.NOTICE_FIELDS,
	)
	if not notices:
		return
	frappe.local.complaint_grades = None
	frappe.clear_document_cache("Complaint Settings")
	checked, differing = notice_why.check(notices)
	NOTICES_VERIFIED["checked"] += checked
	NOTICES_VERIFIED["tests"] += 1
	assert differing == [], "notices whose computation differs from the history"


def pytest_configure(config):
	config.addinivalue_line(
		"markers", "notices_unverified(reason): the test makes a notice's history inconsistent"
	)


def pytest_terminal_summary(terminalreporter):
	if NOTICES_VERIFIED["tests"]:
		terminalreporter.write_line(
			"penalty notices verified against their complaints' history: {checked} in {tests} tests, 0 differ".format(
				**NOTICES_VERIFIED
			)
		)
