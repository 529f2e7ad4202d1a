"""The request guard decodes arguments as Frappe will, before judging them (security/arguments.py)."""

import pytest

from complaint_mgmt.security import arguments as a


def test_json_escapes_and_json_in_json_are_decoded():
	raw = '{"doc": "{\\"filters_json\\": \\"[[\\\\\\"contact\\\\\\\\u005fphone\\\\\\", \\\\\\"like\\\\\\", \\\\\\"1%\\\\\\"]]\\"}"}'
	decoded = a.decode(raw)
	assert decoded["doc"]["filters_json"] == [["contact_phone", "like", "1%"]]
	assert a.decode('["contact\\u005fphone"]') == ["contact_phone"]


def test_text_that_is_no_json_stays_text():
	assert a.decode("[not json") == "[not json"
	assert a.decode("name") == "name"


def test_entries_reach_every_depth():
	value = {"chart": {"document_type": "Complaint", "inner": [{"order_by": "x"}]}}
	keys = [key for key, _v, _h in a.entries(value)]
	assert keys == ["chart", "document_type", "inner", "order_by"]


def test_fields_text_is_split_at_commas_like_frappe():
	assert a.texts("name, contact_phone") == ["name", " contact_phone"]
	assert a.texts(["name", ["x"]]) == ["name", "x"]
	assert a.texts("") == [] and a.texts(" , ") == []  # the desk's empty group_by names nothing


@pytest.mark.parametrize(
	"expression,expected",
	[
		("CONTACT_PHONE asc", [(None, "contact_phone"), (None, "asc")]),
		("`tabComplaint`.`Contact_Phone`", [("tabcomplaint", "contact_phone")]),
		("complaint . contact_phone", [("complaint", "contact_phone")]),
		(
			"count(distinct contact_phone) as c",
			[(None, "count"), (None, "distinct"), (None, "contact_phone"), (None, "as"), (None, "c")],
		),
		("'contact_phone' as label", [(None, "as"), (None, "label")]),
	],
)
def test_references_ignore_case_quotes_and_literals(expression, expected):
	assert a.references(expression) == expected


@pytest.mark.parametrize(
	"expression",
	["name", "`tabComplaint`.`name`", "count(*) as count", "sum(amount)", "complaint.status", "*"],
)
def test_column_expressions_accepted(expression):
	assert a.is_field_expression(expression)


@pytest.mark.parametrize(
	"expression", ["sleep(1)", "name; drop table x", "(select 1)", "if(1,2,3)", "name, (select 1)", 5, None]
)
def test_anything_else_is_no_column(expression):
	assert not a.is_field_expression(expression)


def test_order_is_columns_with_directions():
	assert a.is_order("`tabComplaint`.`modified` desc, name asc")
	assert not a.is_order("(select sleep(1))")
	assert not a.is_order("name desc limit 1")


def test_conditions_in_every_form():
	assert a.conditions({"status": "Open", "grade": ["in", ["A"]]}) == [
		(None, "status", "=", "Open"),
		(None, "grade", "in", ["A"]),
	]
	assert a.conditions([["Complaint", "status", "=", "Open", False], ["name", "like", "%x"], "1=1"]) == [
		("Complaint", "status", "=", "Open"),
		(None, "name", "like", "%x"),
		(None, None, None, "1=1"),
	]
	assert a.conditions("CMP-2026-00001") == [
		(None, "name", "=", "CMP-2026-00001")
	]  # client.get_value's name


def test_filter_values_are_scalars_or_lists_of_them():
	assert a.filter_value_ok("x") and a.filter_value_ok([1, "a"]) and a.filter_value_ok(None)
	assert not a.filter_value_ok({"a": 1}) and not a.filter_value_ok([{"a": 1}])


@pytest.mark.parametrize(
	"path,expected",
	[
		("/api/resource/Complaint Step/abc", ("Complaint Step", "abc")),
		("/api/resource/Complaint", ("Complaint", None)),
		("/api/v2/document/Complaint Step/abc", ("Complaint Step", "abc")),
		("/api/v2/document/Complaint/CMP-1/method/add_comment", ("Complaint", "CMP-1")),
		("/api/v2/document/Complaint", ("Complaint", None)),
		("/api/v2/doctype/Complaint/count", ("Complaint", None)),
		("/api/method/frappe.client.get", (None, None)),
	],
)
def test_rest_routes_v1_and_v2_name_their_doctype_and_document(path, expected):
	assert a.rest_target(path) == expected
