"""The registry of protected data (security/registry.py) is complete, and the hooks are generated from it."""

import frappe
import pytest

from complaint_mgmt.security import registry
from complaint_mgmt.security.permissions import has_permission, query_condition

MODULE = "Complaint Mgmt"


def doctypes_with_fields():
	for name in frappe.get_all("DocType", filters={"is_virtual": 0}, pluck="name"):
		yield name, frappe.get_meta(name)


def test_every_doctype_of_the_module_has_a_rule():
	missing = sorted(
		set(frappe.get_all("DocType", filters={"module": MODULE}, pluck="name")) - set(registry.RULES)
	)
	assert not missing, f"doctypes of the module without a rule in security/registry.py: {missing}"


def test_every_doctype_that_can_name_one_of_ours_has_a_rule():
	ours = set(registry.APP_RULES)
	missing = []
	for name, meta in doctypes_with_fields():
		if name in registry.RULES:
			continue
		dynamic = [df.fieldname for df in meta.fields if df.fieldtype == "Dynamic Link"]
		linked = [df.fieldname for df in meta.fields if df.fieldtype == "Link" and df.options in ours]
		doctype_links = [df for df in meta.fields if df.fieldtype == "Link" and df.options == "DocType"]
		named = [
			df.fieldname
			for df in meta.fields
			if df.fieldtype in ("Data", "Small Text", "Text") and df.fieldname.endswith(("name", "document"))
		]
		if dynamic or linked or (doctype_links and named):
			missing.append((name, dynamic or linked or named))
	assert not missing, f"doctypes that can name a protected document but have no rule: {missing}"


def test_every_link_pair_is_a_pair_of_columns():
	for doctype, rule in registry.RULES.items():
		if not rule.links or not frappe.db.exists("DocType", doctype):
			continue
		meta = frappe.get_meta(doctype)
		for type_column, name_column in rule.links:
			assert meta.has_field(type_column) and meta.has_field(name_column), (
				doctype,
				type_column,
				name_column,
			)


def test_child_rules_name_their_real_parent():
	for doctype, rule in registry.APP_RULES.items():
		if rule.kind == registry.CHILD:
			assert frappe.get_meta(doctype).istable, doctype
			parents = {
				df.parent
				for df in frappe.get_all(
					"DocField", filters={"options": doctype, "fieldtype": "Table"}, fields=["parent"]
				)
			}
			assert parents == {rule.parent}, (doctype, parents)


def test_the_hooks_are_generated_for_every_protected_doctype():
	queries = frappe.get_hooks("permission_query_conditions")
	checks = frappe.get_hooks("has_permission")
	for doctype in registry.GUARDED_DOCTYPES:
		assert registry.QUERY_HOOK in queries.get(doctype, []), doctype
		assert registry.PERMISSION_HOOK in checks.get(doctype, []), doctype
	for doctype in ("Complaint Grade", "Complaint Penalty Bulletin", "Workspace Link"):
		assert registry.QUERY_HOOK not in queries.get(doctype, [])


def test_an_unknown_doctype_is_denied_by_default():
	frappe.set_user("Guest")
	try:
		assert query_condition(doctype="Not In The Registry") == "1=0"
		assert has_permission(frappe._dict(doctype="Not In The Registry")) is False
	finally:
		frappe.set_user("Administrator")


@pytest.mark.parametrize("doctype", ["Complaint Daily Stat", "Complaint Daily Count"])
def test_admin_rows_are_for_system_managers(doctype):
	assert query_condition("Administrator", doctype) == ""
	assert query_condition("Guest", doctype) == "1=0"
