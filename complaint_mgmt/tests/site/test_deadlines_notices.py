"""Penalty notices issued by the sweep: print format, cancel with a reason (kept visible), form connections."""

from datetime import datetime, timedelta

import frappe
import pytest

from complaint_mgmt.complaint_mgmt.doctype.complaint.complaint_dashboard import get_data
from complaint_mgmt.engine import deadlines
from complaint_mgmt.tests.site.factories import make_complaint

R = datetime(2026, 1, 5, 9, 0)


@pytest.fixture
def notice():
	doc = make_complaint(received_on=R)
	deadlines.run_sweep(now=R + timedelta(hours=4))
	return frappe.get_last_doc("Complaint Penalty Notice", filters={"complaint": doc.name})


def test_print_format_follows_the_language_and_shows_the_penalty(notice):
	html = frappe.get_print("Complaint Penalty Notice", notice.name, print_format="Complaint Penalty Notice")
	assert "Complaint Penalty Notice" in html  # the reader's language (zh: test_desk_defaults.py)
	assert notice.name in html and notice.complaint in html
	assert notice.get_formatted("amount") in html


def test_cancel_needs_a_reason_and_the_cancelled_notice_stays(notice):
	with pytest.raises(frappe.ValidationError):
		notice.cancel()
	notice.reload()
	notice.cancel_reason = "The customer withdrew the complaint before the deadline."
	notice.save()
	notice.cancel()
	frappe.db.set_single_value("Print Settings", "allow_print_for_cancelled", 1)
	html = frappe.get_print("Complaint Penalty Notice", notice.name, print_format="Complaint Penalty Notice")
	assert "withdrew" in html
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc("Complaint Penalty Notice", notice.name)
	assert frappe.db.get_value("Complaint Penalty Notice", notice.name, "docstatus") == 2


def test_complaint_form_connects_its_notices_and_transfer_records():
	data = get_data()
	items = [item for group in data["transactions"] for item in group["items"]]
	assert data["fieldname"] == "complaint"
	assert items == ["Complaint Transfer Record", "Complaint Penalty Notice"]
