"""Issue 19 §12: the demo issues penalty notices inside last week (the bulletin the general manager signs has
content), makes a customer login with complaints in its /my-complaints, and lists every demo login by role."""

import datetime

import frappe
import pytest

from complaint_mgmt.loop.intake import own_complaints
from complaint_mgmt.outputs import weekly
from complaint_mgmt.setup import demo


@pytest.fixture
def demo_data():
	"""A small demo (the defaults and System Settings it sets are cached outside the transaction)."""
	result = demo.make_demo_data(count=6)
	yield result
	frappe.db.rollback()
	frappe.clear_cache()


def test_the_demo_makes_last_weeks_notices_and_a_customer_login(demo_data, capsys):
	start = weekly.previous_week_start()
	end = start + datetime.timedelta(days=7)
	last_week = frappe.get_all(
		"Complaint Penalty Notice",
		filters={"docstatus": 1, "issued_on": ("between", [start, end - datetime.timedelta(seconds=1)])},
		fields=["name", "breach_type", "complaint"],
	)
	assert len(last_week) >= len(demo.LATE_DAYS)
	assert "Transfer" in {n.breach_type for n in last_week}
	bulletin = frappe.get_doc("Complaint Penalty Bulletin", demo_data["bulletin"])
	assert str(bulletin.week_start) == str(start) and bulletin.items and bulletin.total_amount > 0
	# the customer logs in to the website and follows their complaints
	assert frappe.db.get_value("User", demo.CUSTOMER, ["user_type", "enabled"]) == ("Website User", 1)
	rows = own_complaints(demo.CUSTOMER)
	assert len(rows) == len(demo.CUSTOMER_TARGETS)
	assert {r.status for r in rows} == set(demo.CUSTOMER_TARGETS)
	assert frappe.db.count(
		"Complaint Reply", {"parent": ("in", [r.name for r in rows]), "visible_to_customer": 1}
	)
	# the table of logins by role: every demo user, the customer among them
	capsys.readouterr()
	demo.print_logins()
	table = capsys.readouterr().out
	assert table.splitlines()[0].split() == ["Role", "Login", "Password"]
	for user in ("Administrator", demo.CUSTOMER, f"specialist@{demo.DOMAIN}", f"gm@{demo.DOMAIN}"):
		assert user in table
	assert "Customer (website)" in table and "Complaint Bulletin Approver" in table
