"""Read replica routing (issue 12): the reports, their export and the workspace's cards and charts run under
``frappe.read_only()``, so a site with ``read_from_replica`` answers them from the replica.

The "replica" here is the primary's own server reached through a second connection (``replica_host`` = the
site's database host): Frappe's real ``connect_replica`` opens it. Each test checks that the endpoint's own
queries ran on that second connection (another server thread id than the test's), that the app's code saw
``frappe.db`` switched to it while it ran, and that ``frappe.db`` is the primary again afterwards.
"""

import frappe
import pytest
from frappe.desk import query_report
from frappe.desk.doctype.dashboard_chart import dashboard_chart
from frappe.utils import add_days, today

from complaint_mgmt.outputs import dashboards, reporting
from complaint_mgmt.security import overrides


class Replica:
	"""What happened on the replica connection during one call."""

	def __init__(self):
		self.connections: list = []  # each connection connect_replica opened
		self.queries: list[tuple[str, int]] = []  # (query, server thread id) run on it
		self.db_in_app: list = []  # frappe.db as the app's code saw it


@pytest.fixture
def replica(monkeypatch):
	primary = frappe.local.db
	assert frappe.db.exists("User", "Administrator")  # the primary's connection is open
	primary_thread = primary._conn.thread_id()
	conf = frappe.local.conf
	monkeypatch.setitem(conf, "read_from_replica", 1)
	monkeypatch.setitem(conf, "replica_host", conf.get("db_host") or "127.0.0.1")
	monkeypatch.setitem(conf, "replica_db_port", conf.get("db_port"))
	seen = Replica()
	real_connect = frappe.connect_replica

	def connect_replica():
		switched = real_connect()
		if not switched:  # a nested read_only call: already on the replica
			return switched
		db = frappe.local.db
		seen.connections.append(db)
		run = db.sql

		def recorded(query, *args, **kwargs):
			result = run(query, *args, **kwargs)
			seen.queries.append((str(query), db._conn.thread_id()))
			return result

		db.sql = recorded
		return switched

	monkeypatch.setattr(frappe, "connect_replica", connect_replica)
	yield seen, primary, primary_thread
	for attr in ("replica_db", "primary_db"):  # Frappe keeps them until the request ends
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)
	frappe.local.db = primary


def spy(monkeypatch, seen: Replica, owner, name: str) -> None:
	"""Record which connection frappe.db is when the app's code calls owner.name."""
	original = getattr(owner, name)

	def spied(*args, **kwargs):
		seen.db_in_app.append(frappe.local.db)
		return original(*args, **kwargs)

	monkeypatch.setattr(owner, name, spied)


def assert_ran_on_replica(replica, table: str) -> None:
	seen, primary, primary_thread = replica
	assert len(seen.connections) == 1, "one replica connection per call"
	connection = seen.connections[0]
	assert connection is not primary
	assert seen.db_in_app and all(db is connection for db in seen.db_in_app)
	ours = [thread for query, thread in seen.queries if f"`{table}`" in query]
	assert ours, seen.queries
	assert all(thread != primary_thread for _query, thread in seen.queries)
	assert frappe.local.db is primary  # switched back after the call
	assert connection._conn is None  # and the replica connection closed


@pytest.mark.parametrize("card", ["overdue_count", "first_closure_rate"])
def test_workspace_cards_read_from_the_replica(replica, monkeypatch, card):
	spy(monkeypatch, replica[0], reporting, "restrict")
	result = getattr(dashboards, card)()
	assert result["fieldtype"] in ("Int", "Percent")
	assert_ran_on_replica(replica, "tabComplaint")


def test_workspace_chart_reads_from_the_replica(replica, monkeypatch):
	chart = frappe.get_all("Dashboard Chart", filters={"document_type": "Complaint"}, pluck="name", limit=1)
	assert chart, "the app ships charts on Complaint"
	spy(monkeypatch, replica[0], dashboard_chart.get, "__wrapped__")
	result = overrides.get_dashboard_chart(chart_name=chart[0])
	# Frappe answers None for a group-by chart without data (a site with no complaint of the chart's filter)
	assert result is None or "datasets" in result or "labels" in result
	assert_ran_on_replica(replica, "tabComplaint")


def test_reports_and_their_export_read_from_the_replica(replica, monkeypatch):
	"""Frappe's query_report.run (under read_only in Frappe 15) runs the app's reports; its export_query
	calls run, so an export is read there too."""
	spy(monkeypatch, replica[0], reporting, "period")
	filters = {"from_date": add_days(today(), -30), "to_date": today()}
	result = query_report.run("Overdue Complaints", filters=filters)
	assert "result" in result and "columns" in result
	assert_ran_on_replica(replica, "tabComplaint")


def test_without_read_from_replica_everything_stays_on_the_primary(replica, monkeypatch):
	monkeypatch.setitem(frappe.local.conf, "read_from_replica", 0)
	seen, primary, _thread = replica
	spy(monkeypatch, seen, reporting, "restrict")
	dashboards.overdue_count()
	assert seen.connections == []
	assert seen.db_in_app == [primary]
