"""Install, uninstall and reinstall on a scratch site of the bench (subprocesses, real commits).

Uses the site ``complaint-lifecycle.localhost`` (``CM_LIFECYCLE_SITE``), created on first use with the MariaDB admin of
the bench's common_site_config (root_login / root_password), and kept for later runs.
"""

import json
import os
import subprocess

import pytest

from complaint_mgmt.setup.seed import ROLES
from complaint_mgmt.tests.site.conftest import BENCH, SITES

SITE = os.environ.get("CM_LIFECYCLE_SITE", "complaint-lifecycle.localhost")
PY = str(BENCH / "env" / "bin" / "python")

pytestmark = pytest.mark.lifecycle


def cli(*args: str, check: bool = True) -> str:
	result = subprocess.run(
		[PY, "-m", "frappe.utils.bench_helper", "frappe", *args],
		cwd=SITES,
		stdin=subprocess.DEVNULL,
		capture_output=True,
		text=True,
		timeout=900,
	)
	if check and result.returncode:
		raise AssertionError(f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
	return result.stdout


def site_cli(*args: str, check: bool = True) -> str:
	return cli("--site", SITE, *args, check=check)


def query(sql: str):
	"""One value from the scratch site's database (a separate connection: the test site's stays untouched)."""
	out = site_cli("execute", "frappe.db.sql", "--args", json.dumps([sql]))
	return json.loads(out.strip().splitlines()[-1])[0][0]


def installed() -> bool:
	return "complaint_mgmt" in json.loads(
		site_cli("execute", "frappe.get_installed_apps").strip().splitlines()[-1]
	)


def footprint() -> dict:
	roles = ", ".join(f"'{r}'" for r in ROLES)
	return {
		"tables": query(
			"select count(*) from information_schema.tables where table_schema=database()"
			" and table_name like 'tabComplaint%%'"
		),
		"doctypes": query("select count(*) from tabDocType where module='Complaint Mgmt'"),
		"roles": query(f"select count(*) from tabRole where name in ({roles})"),
		"has_role": query(f"select count(*) from `tabHas Role` where role in ({roles})"),
		"custom_fields": query("select count(*) from `tabCustom Field` where dt like 'Complaint%%'"),
		"singles": query("select count(*) from tabSingles where doctype like 'Complaint%%'"),
		"workflows": query("select count(*) from tabWorkflow where document_type like 'Complaint%%'"),
		"module": query("select count(*) from `tabModule Def` where app_name='complaint_mgmt'"),
	}


@pytest.fixture(scope="module")
def scratch_site():
	if not (SITES / SITE / "site_config.json").exists():
		config = json.loads((SITES / "common_site_config.json").read_text())
		cli(
			"new-site",
			SITE,
			"--admin-password",
			"admin",
			"--db-root-username",
			config.get("root_login", "root"),
		)
	site_cli("clear-cache")  # hooks cached by an earlier version of the app (module paths move)
	if installed():
		site_cli("uninstall-app", "complaint_mgmt", "--yes", "--no-backup")
	return SITE


def test_install_uninstall_reinstall(scratch_site):
	site_cli("install-app", "complaint_mgmt")
	assert installed()
	after_install = footprint()
	assert after_install["tables"] >= 16 and after_install["roles"] == len(ROLES)
	assert after_install["module"] == 1
	assert query("select count(*) from `tabComplaint Grade`") == 4

	site_cli("uninstall-app", "complaint_mgmt", "--yes", "--no-backup")
	assert not installed()
	assert footprint() == {
		"tables": 0,
		"doctypes": 0,
		"roles": 0,
		"has_role": 0,
		"custom_fields": 0,
		"singles": 0,
		"workflows": 0,
		"module": 0,
	}

	site_cli("install-app", "complaint_mgmt")
	assert installed()
	assert footprint() == after_install
	site_cli("migrate")
	assert footprint() == after_install
