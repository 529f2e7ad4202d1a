"""Saved views of the complaint list per role (issue 19 §7, setup/saved_views.py): "My department, overdue",
"Waiting on me" and "External channels" in the list sidebar's saved filters of the users whose roles use them, in
their language, following roles and department membership; the filters select what their names say."""

import json

import frappe
import pytest

from complaint_mgmt import api
from complaint_mgmt.setup import saved_views
from complaint_mgmt.tests.site.api_setup import (
	GM,
	HANDLER,
	HANDLER2,
	SALES,
	SPEC,
	as_user,
	call,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint

EN_VIEWS = {"My department, overdue", "Waiting on me", "External channels"}


@pytest.fixture
def people():
	return setup_people()


def views(user: str) -> dict[str, list]:
	rows = frappe.get_all(
		"List Filter",
		filters={"reference_doctype": "Complaint", "for_user": user},
		fields=["filter_name", "filters"],
	)
	return {row.filter_name: json.loads(row.filters) for row in rows}


def listed(user: str, filters: list) -> list[str]:
	with as_user(user):
		return frappe.get_list("Complaint", filters=filters, pluck="name", limit=1000)


def set_language(user: str, language: str) -> None:
	doc = frappe.get_doc("User", user)
	doc.language = language
	doc.save(ignore_permissions=True)  # test setup as Administrator


def test_department_user_gets_the_three_views_and_they_select_what_they_say(people):
	set_language(HANDLER, "en")
	assert set(views(HANDLER)) == EN_VIEWS
	with as_user(SPEC):
		mine = make_complaint().name
		external = make_complaint(channel="Media").name
		other = make_complaint().name
	call(SPEC, api.transfer, mine, SALES)
	call(SPEC, api.transfer, external, SALES)
	call(SPEC, api.transfer, other, SALES, HANDLER2)
	frappe.db.set_value("Complaint", other, "sla_status", "Overdue")
	view = views(HANDLER)
	waiting = listed(HANDLER, view["Waiting on me"])
	assert mine in waiting and external in waiting and other not in waiting
	assert other in listed(HANDLER, view["My department, overdue"])
	assert mine not in listed(HANDLER, view["My department, overdue"])
	externals = listed(HANDLER, view["External channels"])
	assert external in externals and mine not in externals


def test_views_follow_roles_language_and_membership(people):
	# the general manager works no complaint list
	assert views(GM) == {}
	# the specialist has no department: no department view
	set_language(SPEC, "en")
	assert set(views(SPEC)) == {"Waiting on me", "External channels"}
	# in Chinese, named in Chinese
	set_language(HANDLER, "zh")
	assert set(views(HANDLER)) == {"本部门逾期", "等待我处理", "外部渠道抱怨"}
	set_language(HANDLER, "en")
	assert set(views(HANDLER)) == EN_VIEWS
	# out of the department: the department view goes
	dept = frappe.get_doc("Complaint Department", SALES)
	dept.receivers = [r for r in dept.receivers if r.user != HANDLER]
	dept.members = [m for m in dept.members if m.user != HANDLER]
	dept.save()
	assert set(views(HANDLER)) == {"Waiting on me", "External channels"}


def test_a_users_own_saved_filter_stays(people):
	frappe.get_doc(
		{
			"doctype": "List Filter",
			"reference_doctype": "Complaint",
			"for_user": HANDLER,
			"filter_name": "Mine",
			"filters": "[]",
		}
	).insert(ignore_permissions=True)  # test setup
	saved_views.sync_all()
	saved_views.sync_all()  # a second migrate changes nothing
	assert "Mine" in views(HANDLER)
	assert len(frappe.get_all("List Filter", {"for_user": HANDLER, "reference_doctype": "Complaint"})) == 4
