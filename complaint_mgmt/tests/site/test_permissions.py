"""Department isolation on every read path."""

import frappe
import pytest
from frappe.desk.reportview import get as reportview_get
from frappe.desk.reportview import get_count as reportview_get_count
from frappe.desk.search import search_widget
from frappe.utils import now_datetime

from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user

SALES_HANDLER = "cm-sales-handler@example.com"
FIN_HANDLER = "cm-fin-handler@example.com"
SALES_MANAGER = "cm-sales-manager@example.com"
SPECIALIST = "cm-specialist@example.com"


@pytest.fixture
def two_departments():
	make_user(SALES_HANDLER, "Complaint Handler")
	make_user(FIN_HANDLER, "Complaint Handler")
	make_user(SALES_MANAGER, "Complaint Department Manager")
	make_user(SPECIALIST, "Complaint Specialist")
	make_department("Sales Iso", receivers=[SALES_HANDLER], manager=SALES_MANAGER)
	make_department("Finance Iso", receivers=[FIN_HANDLER])
	sales = _assigned(make_complaint(customer_name="Sales Customer"), "Sales Iso", SALES_HANDLER)
	finance = _assigned(make_complaint(customer_name="Finance Customer"), "Finance Iso", FIN_HANDLER)
	unassigned = make_complaint(customer_name="Unassigned Customer")
	for complaint in (sales, finance):
		record = frappe.get_doc(
			{"doctype": "Complaint Transfer Record", "complaint": complaint.name,
			 "department": complaint.department, "receiver": complaint.receiver, "issued_by": "Administrator",
			 "issued_on": now_datetime()}
		)  # fmt: skip
		record.flags.procedure_action = True  # as the transfer action writes it
		record.insert()
		frappe.get_doc(
			{"doctype": "Complaint Penalty Notice", "complaint": complaint.name,
			 "department": complaint.department, "breach_type": "Transfer", "period": 0, "grade": "General",
			 "base_amount": 50, "multiplier": 1, "issued_on": now_datetime()}
		).insert().submit()  # fmt: skip
	return frappe._dict(sales=sales.name, finance=finance.name, unassigned=unassigned.name)


def _assigned(doc, department, receiver):
	doc.flags.procedure_action = True
	doc.status, doc.department, doc.receiver = "Transferred", department, receiver
	doc.save()
	return doc


def test_list_shows_only_own_department(two_departments):
	frappe.set_user(SALES_HANDLER)
	assert frappe.get_list("Complaint", pluck="name") == [two_departments.sales]
	frappe.set_user(FIN_HANDLER)
	assert frappe.get_list("Complaint", pluck="name") == [two_departments.finance]


def test_department_manager_sees_managed_department(two_departments):
	frappe.set_user(SALES_MANAGER)
	assert set(frappe.get_list("Complaint", pluck="name")) == {two_departments.sales}


def test_specialist_sees_every_department(two_departments):
	frappe.set_user(SPECIALIST)
	names = set(frappe.get_list("Complaint", pluck="name"))
	assert set(two_departments.values()) <= names


def test_get_doc_of_other_department_is_refused(two_departments):
	frappe.set_user(SALES_HANDLER)
	assert frappe.get_doc("Complaint", two_departments.sales).has_permission("read")
	assert not frappe.get_doc("Complaint", two_departments.finance).has_permission("read")
	with pytest.raises(frappe.PermissionError):
		frappe.client.get("Complaint", two_departments.finance)
	assert frappe.client.get("Complaint", two_departments.sales)["name"] == two_departments.sales


def test_write_to_other_department_is_refused(two_departments):
	frappe.set_user(SALES_HANDLER)
	with pytest.raises(frappe.PermissionError):
		frappe.client.set_value("Complaint", two_departments.finance, "customer_request", "hacked")
	frappe.set_user("Administrator")
	assert not frappe.db.get_value("Complaint", two_departments.finance, "customer_request")


def test_rest_get_list_and_count(two_departments):
	frappe.set_user(FIN_HANDLER)
	rows = frappe.client.get_list("Complaint", fields=["name", "department"], limit_page_length=0)
	assert [r["name"] for r in rows] == [two_departments.finance]
	# The desk's count (list view, REST /api/method/frappe.desk.reportview.get_count) applies the isolation.
	frappe.local.form_dict = frappe._dict(doctype="Complaint")
	assert reportview_get_count() == 1


def test_report_view_is_isolated(two_departments):
	frappe.set_user(SALES_HANDLER)
	frappe.local.form_dict = frappe._dict(
		doctype="Complaint", fields=["`tabComplaint`.`name`", "`tabComplaint`.`department`"]
	)
	result = reportview_get()
	names = [row[0] for row in result["values"]]
	assert names == [two_departments.sales]


def test_link_search_is_isolated(two_departments):
	frappe.set_user(SALES_HANDLER)
	results = search_widget("Complaint", txt="Customer", page_length=20, as_dict=True)
	names = {r["name"] for r in results}
	assert names == {two_departments.sales}


@pytest.mark.parametrize("doctype", ["Complaint Transfer Record", "Complaint Penalty Notice"])
def test_department_documents_isolated(two_departments, doctype):
	frappe.set_user(SALES_HANDLER)
	rows = frappe.get_list(doctype, fields=["complaint", "department"])
	assert {r.complaint for r in rows} == {two_departments.sales}
	other = frappe.get_all(doctype, filters={"complaint": two_departments.finance}, pluck="name")[0]
	with pytest.raises(frappe.PermissionError):
		frappe.client.get(doctype, other)


def test_membership_change_applies_at_once(two_departments):
	frappe.set_user(SALES_HANDLER)
	assert two_departments.finance not in frappe.get_list("Complaint", pluck="name")
	frappe.set_user("Administrator")
	dept = frappe.get_doc("Complaint Department", "Finance Iso")
	dept.append("members", {"user": SALES_HANDLER})
	dept.save()
	frappe.set_user(SALES_HANDLER)
	assert set(frappe.get_list("Complaint", pluck="name")) == {two_departments.sales, two_departments.finance}
	frappe.set_user("Administrator")
	dept.reload()
	dept.members = [m for m in dept.members if m.user != SALES_HANDLER]
	dept.save()
	frappe.set_user(SALES_HANDLER)
	assert frappe.get_list("Complaint", pluck="name") == [two_departments.sales]


def test_handler_without_department_sees_nothing():
	make_user("cm-lonely@example.com", "Complaint Handler")
	make_complaint()
	frappe.set_user("cm-lonely@example.com")
	assert frappe.get_list("Complaint") == []


def test_export_is_isolated(two_departments):
	from frappe.desk.reportview import get_form_params

	frappe.set_user(FIN_HANDLER)
	frappe.local.form_dict = frappe._dict(doctype="Complaint", fields=["`tabComplaint`.`name`"])
	params = get_form_params()
	data = frappe.get_list(**params)
	assert [row.name for row in data] == [two_departments.finance]


def test_contact_data_only_for_people_who_work_the_complaint(two_departments):
	"""Privacy: phone and e-mail are a higher permission level, given to the roles that work complaints."""
	make_user("cm-gm-privacy@example.com", "Complaint Bulletin Approver")
	frappe.set_user(SALES_HANDLER)
	assert frappe.client.get("Complaint", two_departments.sales)["contact_phone"] == "+86-13800000000"
	frappe.set_user("cm-gm-privacy@example.com")
	doc = frappe.client.get("Complaint", two_departments.sales)
	assert doc["customer_name"] == "Sales Customer"
	assert doc.get("contact_phone") is None and doc.get("contact_email") is None
