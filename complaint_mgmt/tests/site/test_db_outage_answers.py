"""A database that restarts during a request (issue 20, drill 2): the request's OperationalError is the server's
(a 5xx), even when the database answers again by the time the after-request hooks run; an OperationalError on an
open connection (a column the doctype lacks) stays the caller's 400."""

import frappe
import pytest
from frappe.database import get_db
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from complaint_mgmt.security.argument_errors import answer_argument_errors, note_request_start

PATH = "/api/method/frappe.client.get_list"


@pytest.fixture
def failed_request():
	saved = frappe.local.response
	frappe.local.response = frappe._dict(exc_type="OperationalError")
	note_request_start()
	yield Request(EnvironBuilder(path=PATH, method="GET").get_environ()), Response("{}", status=500)
	frappe.local.response = saved
	frappe.local.cm_request_started = None


def lost_connection_db():
	"""A Database of the site whose connection the server has killed (as a restart does)."""
	conf = frappe.conf
	db = get_db(host=conf.db_host, user=conf.db_name, password=conf.db_password, port=conf.db_port,
		cur_db_name=conf.db_name)  # fmt: skip
	db.connect()
	connection_id = db.sql("select connection_id()")[0][0]
	frappe.db.sql("kill %s", connection_id)
	with pytest.raises(Exception):  # the driver's lost-connection error, whatever its class
		db.sql("select 1")
	return db


def test_operational_error_on_a_lost_connection_stays_a_server_error(failed_request):
	request, response = failed_request
	original = frappe.local.db
	frappe.local.db = lost_connection_db()
	try:
		answer_argument_errors(response=response, request=request)
	finally:
		frappe.local.db = original
	assert response.status_code == 500
	assert b"arguments could not be used" not in response.get_data()


def test_operational_error_on_an_open_connection_is_the_callers(failed_request):
	request, response = failed_request
	answer_argument_errors(response=response, request=request)
	assert response.status_code == 400
	assert b"ValidationError" in response.get_data()


def test_operational_error_of_a_request_older_than_the_server_stays_a_server_error(failed_request):
	"""The server restarted during the request: the connection got "shutdown in progress" on an open connection,
	and a new one answers by now (the request began before the server's uptime)."""
	request, response = failed_request
	uptime = int(frappe.db.sql("SHOW GLOBAL STATUS LIKE 'Uptime'")[0][1])
	frappe.local.cm_request_started -= uptime + 5
	answer_argument_errors(response=response, request=request)
	assert response.status_code == 500
