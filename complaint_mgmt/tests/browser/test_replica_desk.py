"""The read replica's state on Complaint Settings (issue 20, drill 5), as a System Manager meets it in the desk: no
headline on a site without a replica; a red "cannot be reached: reports are served from the primary" when the
replica's port does not answer; an orange "may not read its replication status" when it answers but the site's
database user lacks SLAVE MONITOR (the site's own MariaDB stands in for the replica: the site's user may connect
to it, not read its replication status); the same in Chinese. The replica is configured in the site's config,
which the server reads on every request, and taken out again after the test. The cluster's drill 5
(benchmarks/cluster/drills_replica.py) shows the same status against a real replica that is stopped."""

import frappe
import pytest
from frappe.installer import update_site_config
from playwright.sync_api import expect

from complaint_mgmt.tests.browser import seed as seeding
from complaint_mgmt.tests.browser.test_i18n import ZH
from complaint_mgmt.tests.fixtures import closed_port

HEADLINE = ".form-message:visible .indicator"  # frm.dashboard.set_headline: the form layout's message
UNREACHABLE = "The replica {0} cannot be reached: reports are served from the primary."
NO_MONITOR = (
	"The replica answers, but the site's database user may not read its replication status: grant it "
	"SLAVE MONITOR (REPLICATION CLIENT before MariaDB 10.5) on the replica."
)
KEYS = ("read_from_replica", "replica_host", "replica_db_port")


@pytest.fixture
def replica_config(data):
	"""Sets the site's replica settings for the test (the server reads site_config.json on each request);
	removes them afterwards, whatever happened."""
	on_disk = frappe.get_site_config()  # the file the server reads (frappe.conf is this process's copy)
	assert not on_disk.get("read_from_replica"), "the test site must not read from a replica of its own"

	def configure(host: str, port: int) -> None:
		update_site_config("read_from_replica", 1)
		update_site_config("replica_host", host)
		update_site_config("replica_db_port", port)

	yield configure
	for key in KEYS:
		update_site_config(key, "None")  # Frappe's way to remove a key from site_config.json
		frappe.conf.pop(key, None)  # update_site_config leaves "None" in this process's copy
	seeding.set_language(["sysadmin"], "en")


def open_settings(desk) -> None:
	desk.goto("/app/complaint-settings")
	desk.wait_form("Complaint Settings")


def test_a_system_manager_sees_the_replica_state_on_complaint_settings(desk, replica_config):
	desk.login("sysadmin")
	open_settings(desk)
	# no replica configured: nothing to report, no headline
	expect(desk.page.locator(HEADLINE)).to_have_count(0)

	port = closed_port()
	replica_config("127.0.0.1", port)
	open_settings(desk)
	headline = desk.page.locator(HEADLINE)
	expect(headline).to_have_text("Read replica: " + UNREACHABLE.format("127.0.0.1"))
	expect(headline).to_have_class("indicator red")
	# the message box in the same colour
	expect(desk.page.locator(".form-message.red:visible")).to_have_count(1)
	# the reads of the page were served all the same (from the primary)
	expect(desk.page.locator(".page-head .title-text:visible").first).to_be_visible()

	replica_config("127.0.0.1", int(frappe.conf.get("db_port") or 3306))
	open_settings(desk)
	expect(headline).to_have_text("Read replica: " + NO_MONITOR)
	expect(headline).to_have_class("indicator orange")
	expect(desk.page.locator(".form-message.orange:visible")).to_have_count(1)

	seeding.set_language(["sysadmin"], "zh")
	desk.login("sysadmin")
	replica_config("127.0.0.1", port)
	open_settings(desk)
	expect(headline).to_have_text(ZH["Read replica"] + ": " + ZH[UNREACHABLE].format("127.0.0.1"))
	desk.screenshot("replica_status_zh")


def test_the_replica_state_is_for_system_managers_only(desk, replica_config):
	"""A Complaint Manager may open the settings page of the procedure but not the database's state."""
	replica_config("127.0.0.1", closed_port())
	desk.login("approver")
	desk.goto("/app/complaint-settings")
	desk.idle()
	expect(desk.page.locator(HEADLINE)).to_have_count(0)
	# asked from the page, with the session's cookie and CSRF token, as the form's own call would be
	status, body = desk.page.evaluate(
		"""async () => {
			const r = await fetch("/api/method/complaint_mgmt.ops.replica.replica_status", {
				method: "POST", headers: {"X-Frappe-CSRF-Token": frappe.csrf_token},
			});
			return [r.status, await r.text()];
		}"""
	)
	assert status == 403, body
	assert "127.0.0.1" not in body and "lag_seconds" not in body
