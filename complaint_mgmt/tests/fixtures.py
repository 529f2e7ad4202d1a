"""What the site, HTTP and browser tiers share: the bench and the test site they run against (from
complaint_mgmt/tests/server.py), the check that the bench exists, the in-process connection to the site and the
life of a tier's committed data.

Importable without Frappe: a tier calls `require_bench` first, so a wrong $FRAPPE_BENCH stops the run with a
clear message before anything imports frappe.
"""

import os
import socket

import pytest

from complaint_mgmt.tests.server import BENCH, SITE, SITES

__all__ = ["BENCH", "SITE", "SITES", "closed_port", "connect", "require_bench", "seeded", "shared_site"]


def closed_port() -> int:
	"""A loopback port nothing listens on (bound, then released: connections to it are refused)."""
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def require_bench(tier: str) -> None:
	"""Stop the run (a tier is never skipped) when there is no Frappe bench at $FRAPPE_BENCH."""
	if not (BENCH / "apps" / "frappe").is_dir():
		raise pytest.UsageError(
			f"No Frappe bench at {BENCH}: set FRAPPE_BENCH (the {tier} tier cannot be skipped)."
		)


def connect(reuse: bool = True) -> None:
	"""The in-process connection to the test site, as Administrator in test mode. `reuse`: keep the connection
	another tier opened already (the tiers share ``frappe.local``)."""
	import frappe  # only importable through the bench's python, so after require_bench

	os.chdir(SITES)  # frappe resolves logs and assets relative to the sites folder
	if not reuse or getattr(frappe.local, "site", None) != SITE or not getattr(frappe.local, "db", None):
		frappe.init(site=SITE, sites_path=str(SITES))
		frappe.connect()
	if "complaint_mgmt" not in frappe.get_installed_apps():
		raise pytest.UsageError(f"complaint_mgmt is not installed on {SITE}: run scripts/run-tests.")
	frappe.flags.in_test = True
	frappe.set_user("Administrator")


def shared_site():
	"""The body of the HTTP and browser tiers' package-scoped `site` fixture: the connection (reused when open),
	rolled back and back to Administrator at the package's end."""
	import frappe  # only importable through the bench's python, so after require_bench

	connect()
	yield
	frappe.db.rollback()
	frappe.set_user("Administrator")


def seeded(seeding):
	"""The body of the HTTP and browser tiers' package-scoped data fixture: `seeding` is the tier's seed module
	(`seed()` commits the data, `cleanup()` removes it). Leftovers of an interrupted run go first; the caches are
	cleared after seeding and after cleaning up (the server must not serve cached department lists or documents
	of before)."""
	import frappe  # only importable through the bench's python, so after require_bench

	seeding.cleanup()  # leftovers of an interrupted run
	values = seeding.seed()
	frappe.clear_cache()
	yield values
	seeding.cleanup()
	frappe.clear_cache()
