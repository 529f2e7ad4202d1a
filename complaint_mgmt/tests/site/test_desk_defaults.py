"""The desk as complaint users meet it (issue 11, items 7, 8, 10, 11): the Complaints workspace first and
default, the app's print formats the default ones and in the reader's language, every report on the previous
week like the workspace's penalty card, a From Date after the To Date refused in words, the desk's texts in zh."""

import inspect
from datetime import datetime, timedelta
from pathlib import Path

import frappe
import pytest
from frappe.translate import get_translated_doctypes
from frappe.utils import getdate

from complaint_mgmt.outputs import dashboards, reporting
from complaint_mgmt.setup import i18n, install, workspace_defaults
from complaint_mgmt.tests.site.factories import make_complaint, make_department, set_settings

APP = Path(__file__).resolve().parents[2]
WORKSPACE = workspace_defaults.WORKSPACE
# users of factories.TEST_USERS (made once per session: Frappe throttles user creation)
HANDLER = "cm-recv@example.com"  # Complaint Handler
PLAIN = "cm-sysmgr-retention@example.com"  # a desk user without a complaint role
REPORTS = "complaint_mgmt.complaint_mgmt.report"
PENALTY_SUMMARY = f"{REPORTS}.complaint_penalty_summary.complaint_penalty_summary"


def in_lang(lang: str, render):
	frappe.local.lang = lang
	frappe.local.lang_full_dict = None
	try:
		return render()
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None


# Print formats (item 10)


def drop_print_format_setters():
	frappe.db.delete(
		"Property Setter",
		{"doc_type": ("in", list(workspace_defaults.PRINT_FORMATS)), "property": "default_print_format"},
	)
	for doctype in workspace_defaults.PRINT_FORMATS:
		frappe.clear_cache(doctype=doctype)


def test_app_print_formats_become_the_default_once():
	drop_print_format_setters()
	assert workspace_defaults.set_default_print_formats() == list(workspace_defaults.PRINT_FORMATS)
	for doctype, print_format in workspace_defaults.PRINT_FORMATS.items():
		assert frappe.get_meta(doctype).default_print_format == print_format
	assert workspace_defaults.set_default_print_formats() == []  # idempotent: nothing doubled
	assert (
		frappe.db.count("Property Setter", {"doc_type": "Complaint", "property": "default_print_format"}) == 1
	)


def test_an_administrators_print_format_choice_is_kept():
	drop_print_format_setters()
	frappe.make_property_setter(
		{
			"doctype": "Complaint",
			"doctype_or_field": "DocType",
			"property": "default_print_format",
			"value": "Standard",
			"property_type": "Data",
		}
	)
	assert "Complaint" not in workspace_defaults.set_default_print_formats()
	frappe.clear_cache(doctype="Complaint")
	assert frappe.get_meta("Complaint").default_print_format == "Standard"


def test_print_formats_follow_the_readers_language():
	for print_format in workspace_defaults.PRINT_FORMATS.values():
		assert not frappe.db.get_value("Print Format", print_format, "default_print_language"), print_format
	name = make_complaint().name
	english = frappe.get_print("Complaint", name, "Complaint Handling Document")
	chinese = in_lang("zh", lambda: frappe.get_print("Complaint", name, "Complaint Handling Document"))
	assert "Complaint Handling Document" in english and "客户抱怨处理书" not in english
	assert "客户抱怨处理书" in chinese and "Complaint Handling Document" not in chinese
	assert "Transfer Records" in english and "移交记录" in chinese
	# the wide transfer table wraps instead of running off the page
	assert "table-layout: fixed" in english and "overflow-wrap: anywhere" in english


# Workspace (item 7)


def test_complaints_workspace_comes_first_in_the_sidebar():
	sequence = frappe.db.get_value("Workspace", WORKSPACE, "sequence_id")
	others = frappe.get_all(
		"Workspace",
		filters={"public": 1, "name": ("!=", WORKSPACE), "parent_page": ("in", ("", None))},
		pluck="sequence_id",
	)
	assert others and sequence < min(others)


def test_complaint_users_without_a_workspace_get_the_complaints_workspace():
	chosen = "cm3-mgr@example.com"  # a complaint user who chose another workspace keeps it
	for user in (HANDLER, PLAIN):
		frappe.db.set_value("User", user, "default_workspace", None)
	frappe.db.set_value("User", chosen, "default_workspace", "Users")
	users = workspace_defaults.set_default_workspaces()
	assert HANDLER in users and PLAIN not in users and chosen not in users
	assert frappe.db.get_value("User", HANDLER, "default_workspace") == WORKSPACE
	assert frappe.db.get_value("User", PLAIN, "default_workspace") in (None, "")
	assert frappe.db.get_value("User", chosen, "default_workspace") == "Users"
	assert workspace_defaults.set_default_workspaces() == []  # idempotent


def test_a_user_given_a_complaint_role_gets_the_workspace():
	frappe.db.set_value("User", PLAIN, "default_workspace", None)
	user = frappe.get_doc("User", PLAIN)
	workspace_defaults.on_user_update(user)
	assert not frappe.db.get_value("User", PLAIN, "default_workspace")  # no complaint role: untouched
	user.append("roles", {"role": "Complaint Specialist"})
	user.save(ignore_permissions=True)  # test as Administrator: the User on_update hook runs
	assert frappe.db.get_value("User", PLAIN, "default_workspace") == WORKSPACE
	frappe.db.set_value("User", PLAIN, "default_workspace", "Users")
	frappe.get_doc("User", PLAIN).save(ignore_permissions=True)  # a chosen workspace stays
	assert frappe.db.get_value("User", PLAIN, "default_workspace") == "Users"


def test_desk_defaults_are_wired_into_hooks_and_migrate():
	"""hooks.py runs on_user_update on every User save; after_migrate applies both defaults."""
	handlers = frappe.get_hooks("doc_events").get("User", {}).get("on_update", [])
	assert "complaint_mgmt.setup.workspace_defaults.on_user_update" in handlers
	assert "apply_desk_defaults()" in inspect.getsource(install.after_migrate)


# Reports and cards (item 8)


def expected_previous_week(starts_on: str) -> tuple[str, str]:
	days = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
	today = getdate()
	start = today - timedelta(days=(today.weekday() - days.index(starts_on)) % 7 + 7)
	return str(start), str(start + timedelta(days=6))


@pytest.mark.parametrize("starts_on", ["Monday", "Sunday"])
def test_reports_default_to_the_previous_week_of_the_settings(starts_on):
	set_settings(week_starts_on=starts_on)
	period = reporting.default_period()
	assert (period["from_date"], period["to_date"]) == expected_previous_week(starts_on)


def test_report_scripts_use_the_shared_period_and_guard():
	shared = (APP / "public" / "js" / "complaint_report_filters.js").read_text(encoding="utf-8")
	assert "complaint_mgmt.outputs.reporting.default_period" in shared
	assert '__("From Date cannot be after To Date.")' in shared
	for script in (APP / "complaint_mgmt" / "report").glob("*/*.js"):
		assert "complaint_report(" in script.read_text(encoding="utf-8"), script.name


def test_penalty_card_and_penalty_report_agree_on_the_previous_week():
	set_settings(week_starts_on="Monday")
	department = make_department("Desk Penalty Dept")
	complaint = make_complaint(received_on=datetime.now() - timedelta(days=20)).name
	period = reporting.default_period()
	week_start = datetime.combine(getdate(period["from_date"]), datetime.min.time())
	last_week = week_start + timedelta(days=2, hours=10)
	this_week = week_start + timedelta(days=7, seconds=1)  # the current week's first second
	for breach, issued_on, amount in (("Transfer", last_week, 50), ("First Reply", this_week, 700)):
		frappe.get_doc(
			{"doctype": "Complaint Penalty Notice", "complaint": complaint, "department": department,
			 "breach_type": breach, "period": 0, "grade": "General", "base_amount": amount,
			 "multiplier": 1, "issued_on": issued_on}
		).insert().submit()  # fmt: skip
	card = dashboards.penalties_last_week()
	_columns, rows, _message, _chart, summary = frappe.get_attr(f"{PENALTY_SUMMARY}.execute")(period)
	report_amount = {row["label"]: row["value"] for row in summary}["Amount"]
	assert card["fieldtype"] == "Currency"
	assert card["value"] == report_amount
	assert {row["department"]: row["amount"] for row in rows}[department] == 50  # not this week's 700
	workspace = frappe.get_doc("Workspace", WORKSPACE)
	assert "Penalties Last Week" in {row.number_card_name for row in workspace.number_cards}
	assert frappe.db.get_value("Number Card", "Penalties Last Week", "method") == (
		"complaint_mgmt.outputs.dashboards.penalties_last_week"
	)


def test_from_after_to_is_refused_in_the_readers_language():
	execute = frappe.get_attr(f"{PENALTY_SUMMARY}.execute")
	bad = {"from_date": "2019-03-10", "to_date": "2019-03-04"}
	with pytest.raises(frappe.ValidationError, match=r"From Date cannot be after To Date\."):
		execute(bad)

	def in_chinese():
		with pytest.raises(frappe.ValidationError, match="开始日期不能晚于结束日期"):
			execute(bad)

	in_lang("zh", in_chinese)


def test_closure_performance_fits_a_screen_and_shows_step_hours_on_request():
	get_columns = frappe.get_attr(
		f"{REPORTS}.complaint_closure_performance.complaint_closure_performance.get_columns"
	)
	default = get_columns({})
	assert len(default) <= 10 and sum(c["width"] for c in default) <= 1000
	detailed = [c["fieldname"] for c in get_columns({"show_step_hours": 1})]
	assert detailed[: len(default)] == [c["fieldname"] for c in default]
	assert {"transfer_hours", "approval_hours"} <= set(detailed) - {c["fieldname"] for c in default}


def test_category_chart_shows_whole_labels():
	assert frappe.db.get_value("Dashboard Chart", "Complaints by Category", "type") in ("Pie", "Donut")


# Translations (item 11)


def test_desk_texts_are_collected_and_translated():
	messages = i18n.app_messages()
	expected = {
		"Complaints",
		"Reports & Masters",
		"Complaints by Category",
		"Penalties Last Week",
		"Penalty Bulletins",
		"Complaint Handling Document",
		"Penalty Bulletin of the Executing Departments",
		"General",
		"Medium",
		"Strong",
		"Irrational",
	}
	assert expected <= messages
	shipped = i18n.shipped_translations("zh")
	assert all(shipped.get(text) for text in expected), [t for t in expected if not shipped.get(t)]
	assert in_lang("zh", lambda: frappe._("Strong")) == "强烈"
	assert in_lang("zh", lambda: frappe._("Penalties Last Week")) == "上周处罚金额"


def test_settings_show_whole_hours_and_percent():
	meta = frappe.get_meta("Complaint Settings")
	assert meta.get_field("return_visit_hours").fieldtype == "Int"
	assert meta.get_field("warning_percent").precision == "0"
	for field in ("transfer_hours", "first_reply_hours", "close_hours"):
		assert frappe.get_meta("Complaint Grade").get_field(field).precision == "1"


def test_grade_names_are_translated_where_the_desk_shows_them():
	"""Link fields and lists show a translated doctype's names through __() (Frappe's Translate Link Fields)."""
	assert "Complaint Grade" in get_translated_doctypes()
