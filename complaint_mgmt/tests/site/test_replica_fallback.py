"""The replica stopped (issue 20, drill 5): with ``read_from_replica`` and a ``replica_host`` that refuses
connections, the reports and the workspace's cards answer from the primary, later requests leave the replica
out until it answers again, and a System Manager sees why the replica's lag is unknown.

The stopped replica is a real one: a TCP port of this machine on which nothing listens (connection refused)."""

import frappe
import pytest
from frappe.utils import add_days, today

from complaint_mgmt.ops import replica
from complaint_mgmt.outputs import dashboards
from complaint_mgmt.tests.fixtures import closed_port


@pytest.fixture
def stopped_replica(monkeypatch):
	primary = frappe.local.db
	conf = frappe.local.conf
	monkeypatch.setitem(conf, "read_from_replica", 1)
	monkeypatch.setitem(conf, "replica_host", "127.0.0.1")
	monkeypatch.setitem(conf, "replica_db_port", closed_port())
	monkeypatch.setattr(replica, "_down_since", [None])
	monkeypatch.setattr(replica, "_checked_at", [0.0])
	yield primary
	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)
	frappe.local.db = primary
	frappe.flags.replica_left_out = False
	frappe.set_user("Administrator")


def test_a_report_answers_from_the_primary_when_the_replica_refuses(stopped_replica):
	filters = {"from_date": add_days(today(), -30), "to_date": today()}
	result = replica.run_report("Overdue Complaints", filters=filters)
	assert "result" in result and "columns" in result
	assert frappe.local.db is stopped_replica
	assert replica._down_since[0] is not None  # noted once: the next requests leave the replica out
	assert frappe.local.conf.read_from_replica == 0
	assert not hasattr(frappe.local, "replica_db")


def test_a_card_answers_from_the_primary_and_the_next_request_skips_the_replica(stopped_replica):
	assert dashboards.overdue_count()["fieldtype"] == "Int"
	assert frappe.local.db is stopped_replica
	frappe.local.conf.read_from_replica = 1  # the next request's own copy of the config
	replica.route_reads()
	assert frappe.local.conf.read_from_replica == 0
	connects = []
	frappe.local.conf.read_from_replica = 1
	real = frappe.connect_replica
	try:
		frappe.connect_replica = lambda: connects.append(1) or real()
		replica.route_reads()
		dashboards.first_closure_rate()
	finally:
		frappe.connect_replica = real
	assert connects == []  # within RECHECK_SECONDS the replica is not tried again


def test_the_replica_is_used_again_once_it_answers(stopped_replica, monkeypatch):
	replica.mark_down(OSError("refused"))
	monkeypatch.setitem(frappe.local.conf, "replica_host", frappe.local.conf.get("db_host") or "127.0.0.1")
	monkeypatch.setitem(frappe.local.conf, "replica_db_port", frappe.local.conf.get("db_port"))
	replica._checked_at[0] -= replica.RECHECK_SECONDS + 1
	replica.route_reads()
	assert frappe.local.conf.read_from_replica == 1
	assert replica._down_since[0] is None


def test_an_administrator_sees_the_replica_unreachable(stopped_replica):
	status = replica.replica_status()
	assert status["configured"] is True and status["reachable"] is False
	assert status["lag_seconds"] is None
	assert "cannot be reached" in status["message"]


def test_the_lag_or_why_it_is_unknown_on_a_reachable_server(stopped_replica, monkeypatch):
	"""The primary itself as the 'replica': the site's user lacks SLAVE MONITOR (the message says so), or the
	server replicates from nothing."""
	monkeypatch.setitem(frappe.local.conf, "replica_host", frappe.local.conf.get("db_host") or "127.0.0.1")
	monkeypatch.setitem(frappe.local.conf, "replica_db_port", frappe.local.conf.get("db_port"))
	status = replica.replica_status()
	assert status["reachable"] is True and status["lag_seconds"] is None
	assert "SLAVE MONITOR" in status["message"] or "does not replicate" in status["message"]


def test_only_a_system_manager_reads_the_replica_status(stopped_replica):
	user = "replica-status-reader@example.com"
	if not frappe.db.exists("User", user):
		frappe.get_doc(
			{"doctype": "User", "email": user, "first_name": "Reader", "send_welcome_email": 0}
		).insert(ignore_permissions=True)  # test fixture: a desk user without System Manager
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		replica.replica_status()


def test_a_list_view_answers_from_the_primary(stopped_replica, monkeypatch):
	"""Frappe's own read-only endpoints (here the list view's rows, reportview.get) fall back too."""
	monkeypatch.setattr(
		frappe.local,
		"form_dict",
		frappe._dict(doctype="Complaint", fields='["`tabComplaint`.`name`"]', page_length=5),
	)
	result = replica.reportview_get()
	assert result == [] or "values" in result
	assert frappe.local.db is stopped_replica
	assert replica._down_since[0] is not None


def test_the_status_in_a_request_that_left_the_replica_out(stopped_replica):
	replica.mark_down(OSError("refused"))
	replica.route_reads()  # this request reads the primary only
	assert frappe.local.conf.read_from_replica == 0
	status = replica.replica_status()
	assert status["configured"] is True and status["reachable"] is False


def test_the_outage_is_logged_once(stopped_replica):
	log = frappe.get_site_path("logs", "complaint_mgmt.replica.log")

	def unreachable_lines() -> int:
		try:
			with open(log, encoding="utf-8") as f:
				return sum("unreachable" in line for line in f)
		except FileNotFoundError:
			return 0

	before = unreachable_lines()
	for _ in range(2):  # two reports, each tried on the replica first
		frappe.local.conf.read_from_replica = 1
		replica.run_report(
			"Overdue Complaints", filters={"from_date": add_days(today(), -30), "to_date": today()}
		)
	assert unreachable_lines() == before + 1
