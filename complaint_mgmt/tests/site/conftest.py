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
