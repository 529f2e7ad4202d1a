"""The read replica stopped or unreachable (issue 20, drill 5): reads are served from the primary.

A site with ``read_from_replica`` runs Frappe's ``frappe.read_only()`` functions (the reports, list views, counts,
the workspace's cards and charts) on a second connection to ``replica_host``. When that server is stopped every
such request would fail. The app chooses to serve them from the primary instead, which is what a user expects:

- ``route_reads`` (before_request): while this process knows the replica as unreachable, the request's own copy
  of the site's config gets ``read_from_replica = 0``, so Frappe keeps every read on the primary. The process asks
  the replica again (one connection, one second at most) every ``RECHECK_SECONDS``.
- ``or_primary`` (around the reports and the app's read-only endpoints): a replica that fails during the call
  (stopped since the last check) is noted as unreachable and the call runs again on the primary.

The outage is logged once (``complaint_mgmt.replica`` logger) when noticed and once when the replica answers
again. ``replica_status`` shows a System Manager the replica's lag (Seconds_Behind_Master) or why it is unknown.
"""

import functools
import logging
import time

import frappe
import pymysql
from frappe import _
from frappe.desk import desktop, notifications, query_report, reportview

from complaint_mgmt.security.permissions import is_admin

# seconds between two checks of a replica this process knows as unreachable
RECHECK_SECONDS = 5.0
CONNECT_TIMEOUT = 1  # seconds: a replica host that does not answer must not hold the request
# errors of a server that cannot be reached or went away: client 2002 socket, 2003 TCP, 2006 gone, 2013 lost;
# server 1053 shutdown in progress, 1927 connection killed (a replica stopped under a running report)
UNREACHABLE = {2002, 2003, 2006, 2013, 1053, 1927}
NO_PRIVILEGE = {1227}  # "Access denied; you need (at least one of) the ... privilege(s)"

# this process's view of the replica: when it was last found unreachable (None: answering)
_down_since: list[float | None] = [None]
_checked_at: list[float] = [0.0]


def logger():
	"""The site's logs/complaint_mgmt.replica.log; at INFO (Frappe's loggers keep only errors in production)."""
	log = frappe.logger("complaint_mgmt.replica", allow_site=True)
	log.setLevel(logging.INFO)
	return log


def replica_configured() -> bool:
	conf = frappe.local.conf
	return bool(conf.get("read_from_replica") and conf.get("replica_host"))


def replica_connection_settings() -> dict:
	"""The connection Frappe's ``connect_replica`` opens, with a short connect timeout."""
	from frappe.database import get_db

	conf = frappe.local.conf
	user, password = conf.db_name, conf.db_password
	if conf.different_credentials_for_replica:
		user, password = conf.replica_db_name, conf.replica_db_password
	db = get_db(
		host=conf.replica_host,
		port=conf.replica_db_port,
		user=user,
		password=password,
		cur_db_name=conf.db_name,
	)
	settings = db.get_connection_settings()
	settings["connect_timeout"] = CONNECT_TIMEOUT
	return settings


def mark_down(error: Exception) -> None:
	if _down_since[0] is None:
		_down_since[0] = time.monotonic()
		logger().warning(
			"replica %s unreachable (%s): reads are served from the primary",
			frappe.local.conf.get("replica_host"),
			error,
		)
	_checked_at[0] = time.monotonic()


def mark_up() -> None:
	if _down_since[0] is not None:
		logger().info(
			"replica %s answers again after %.1f s: reads go to it again",
			frappe.local.conf.get("replica_host"),
			time.monotonic() - _down_since[0],
		)
	_down_since[0] = None


def replica_usable() -> bool:
	"""Whether this request may read from the replica: yes unless this process found it unreachable, asked
	again at most every RECHECK_SECONDS."""
	if _down_since[0] is None:
		return True
	if time.monotonic() - _checked_at[0] < RECHECK_SECONDS:
		return False
	try:
		pymysql.connect(**replica_connection_settings()).close()
	except pymysql.err.OperationalError as error:
		mark_down(error)
		return False
	mark_up()
	return True


def route_reads() -> None:
	"""before_request hook: a replica known as unreachable is left out of this request (Frappe reads the
	primary). ``frappe.local.conf`` is the request's own copy of the site's config."""
	if replica_configured() and not replica_usable():
		leave_out_replica()


def leave_out_replica() -> None:
	"""The rest of this request reads the primary (``frappe.local.conf`` is the request's own copy)."""
	frappe.local.conf.read_from_replica = 0
	frappe.flags.replica_left_out = True


def error_code(error: Exception) -> int | None:
	"""The MariaDB error number of a pymysql error."""
	return error.args[0] if error.args else None


def replica_failed(error: Exception) -> bool:
	"""The error is the replica connection's: an unreachable or stopping server, or a connection closed under
	the call, while this call had switched to the replica (Frappe keeps ``replica_db`` on frappe.local until the
	request ends)."""
	if getattr(frappe.local, "replica_db", None) is None:
		return False
	if isinstance(error, pymysql.err.InterfaceError):  # its connection closed under it
		return True
	return error_code(error) in UNREACHABLE


def forget_replica() -> None:
	"""Undo Frappe's replica switch of this call, so that the next read runs on the primary."""
	primary = getattr(frappe.local, "primary_db", None)
	if primary is not None:
		frappe.local.db = primary
	for attr in ("replica_db", "primary_db"):
		if hasattr(frappe.local, attr):
			delattr(frappe.local, attr)


def or_primary(fn):
	"""Around a ``frappe.read_only()`` function: a replica that fails during the call is noted as unreachable
	and the call runs once more on the primary (a read: nothing was written)."""

	@functools.wraps(fn)
	def wrapper(*args, **kwargs):
		if not replica_configured():
			return fn(*args, **kwargs)
		try:
			return fn(*args, **kwargs)
		except (pymysql.err.OperationalError, pymysql.err.InterfaceError) as error:
			if not replica_failed(error):
				raise
			mark_down(error)
			forget_replica()
			leave_out_replica()
			return fn(*args, **kwargs)

	return wrapper


@frappe.whitelist()
def replica_status() -> dict:
	"""For a System Manager: whether the site reads from a replica, and its lag or why it is unknown."""
	# frappe.only_for lets anyone through in tests: checked here
	if not is_admin(frappe.session.user):
		raise frappe.PermissionError(_("Only a System Manager may read the replica's status."))
	conf = frappe.local.conf
	# read_from_replica may be 0 in this request only: the replica was found unreachable (route_reads)
	if not ((conf.get("read_from_replica") or frappe.flags.replica_left_out) and conf.get("replica_host")):
		return {"configured": False, "message": _("This site reads everything from its primary database.")}
	status = {"configured": True, "replica_host": conf.replica_host, "reachable": False, "lag_seconds": None}
	try:
		connection = pymysql.connect(**replica_connection_settings())
	except pymysql.err.OperationalError as error:
		mark_down(error)
		status["message"] = _(
			"The replica {0} cannot be reached: reports are served from the primary."
		).format(conf.replica_host)
		return status
	status["reachable"] = True
	try:
		with connection.cursor(pymysql.cursors.DictCursor) as cursor:
			cursor.execute("SHOW SLAVE STATUS")
			row = cursor.fetchone()
	except pymysql.err.OperationalError as error:
		if error_code(error) not in NO_PRIVILEGE:
			raise
		status["message"] = _(
			"The replica answers, but the site's database user may not read its replication status: grant it "
			"SLAVE MONITOR (REPLICATION CLIENT before MariaDB 10.5) on the replica."
		)
		return status
	finally:
		connection.close()
	return status | replication_figures(row)


def replication_figures(row: dict | None) -> dict:
	if not row:
		return {"message": _("The replica's server does not replicate from any primary.")}
	lag = row.get("Seconds_Behind_Master")
	running = row.get("Slave_IO_Running") == "Yes" and row.get("Slave_SQL_Running") == "Yes"
	figures = {
		"lag_seconds": lag,
		"io_running": row.get("Slave_IO_Running"),
		"sql_running": row.get("Slave_SQL_Running"),
	}
	if not running or lag is None:
		figures["message"] = _("Replication is stopped on the replica: its reports may be out of date.")
	else:
		figures["message"] = _("The replica is {0} seconds behind the primary.").format(lag)
	return figures


# Frappe 15's whitelisted frappe.read_only() endpoints with the same fallback (hooks.py's
# override_whitelisted_methods sends their requests here): the report runner, the list view's rows, counts,
# sidebar and export, the workspace page, the notifications and a form's connection counts
run_report = frappe.whitelist()(or_primary(query_report.run))
reportview_get = frappe.whitelist()(or_primary(reportview.get))
reportview_get_list = frappe.whitelist()(or_primary(reportview.get_list))
reportview_get_count = frappe.whitelist()(or_primary(reportview.get_count))
reportview_export_query = frappe.whitelist()(or_primary(reportview.export_query))
reportview_get_sidebar_stats = frappe.whitelist()(or_primary(reportview.get_sidebar_stats))
reportview_get_stats = frappe.whitelist()(or_primary(reportview.get_stats))
get_desktop_page = frappe.whitelist()(or_primary(desktop.get_desktop_page))
get_notifications = frappe.whitelist()(or_primary(notifications.get_notifications))
get_open_count = frappe.whitelist()(or_primary(notifications.get_open_count))
