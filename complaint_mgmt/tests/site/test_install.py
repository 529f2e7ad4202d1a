"""What install / migrate seed on every site."""

import frappe
import pytest

from complaint_mgmt.setup import seed


def test_roles_exist_with_desk_access():
	for role in seed.ROLES:
		assert frappe.db.get_value("Role", role, "desk_access") == 1, role


@pytest.mark.parametrize(
	("grade", "transfer", "first_reply", "close", "escalate_to", "penalty"),
	[
		("General", 4, 24, 72, "Medium", 50),
		("Medium", 2, 8, 120, "Strong", 100),
		("Strong", 0.5, 4, 168, None, 200),
	],
)
def test_default_grades(grade, transfer, first_reply, close, escalate_to, penalty):
	doc = frappe.get_doc("Complaint Grade", grade)
	assert (doc.transfer_hours, doc.first_reply_hours, doc.close_hours) == (transfer, first_reply, close)
	assert (doc.escalate_to or None) == escalate_to
	assert doc.transfer_penalty == doc.first_reply_penalty == doc.close_penalty == penalty
	assert not doc.is_irrational


def test_irrational_grade_runs_nothing():
	doc = frappe.get_doc("Complaint Grade", "Irrational")
	assert doc.is_irrational == 1
	assert not doc.escalate_to
	assert doc.close_hours == doc.close_penalty == 0


def test_grade_ranks_ascend_along_escalation():
	ranks = {g.name: g.rank for g in frappe.get_all("Complaint Grade", fields=["name", "rank"])}
	assert ranks["General"] < ranks["Medium"] < ranks["Strong"]


def test_category_tree():
	root = frappe.get_doc("Complaint Category", seed.ROOT_CATEGORY)
	assert root.is_group == 1
	children = frappe.get_all(
		"Complaint Category", filters={"parent_complaint_category": seed.ROOT_CATEGORY}, pluck="name"
	)
	assert set(seed.CATEGORIES) <= set(children)
	child = frappe.get_doc("Complaint Category", "Delivery")
	assert root.lft < child.lft < child.rgt < root.rgt


def test_exactly_one_service_center():
	assert frappe.db.count("Complaint Department", {"is_service_center": 1}) == 1


def test_settings_defaults():
	settings = frappe.get_single("Complaint Settings")
	assert settings.return_visit_hours == 12
	assert settings.monthly_multiplier == 2
	assert settings.repeat_period_days == 30
	assert settings.warning_percent == 80
	assert settings.repeat_complaint_days == 30
	assert not settings.use_business_hours
	assert [(t.up_to_amount, t.approver_role) for t in settings.compensation_tiers] == [
		(50, "Complaint Front Desk Manager"),
		(200, "Complaint Deputy Store Manager"),
		(2000, "Complaint Store Manager"),
		(0, "Complaint Vice President"),  # the open top tier: no ceiling
	]
	assert settings.retention_days == 730


def test_tiers_are_seeded_only_into_an_empty_table():
	settings = frappe.get_single("Complaint Settings")
	settings.set("compensation_tiers", [{"up_to_amount": 500, "approver_role": "Complaint Manager"}])
	settings.save()
	seed.make_settings()
	tiers = frappe.get_single("Complaint Settings").compensation_tiers
	assert [(t.up_to_amount, t.approver_role) for t in tiers] == [(500, "Complaint Manager")]


def test_seeding_is_idempotent():
	before = {
		dt: frappe.db.count(dt)
		for dt in ("Role", "Complaint Grade", "Complaint Category", "Complaint Department")
	}
	seed.seed_all()
	seed.seed_all()
	after = {dt: frappe.db.count(dt) for dt in before}
	assert after == before


def test_deadline_columns_are_indexed():
	indexed = {
		row.Column_name
		for row in frappe.db.sql("show index from `tabComplaint`", as_dict=True)  # nosemgrep: static SQL
	}
	for column in (
		"status",
		"department",
		"grade",
		"received_on",
		"transfer_due",
		"first_reply_due",
		"close_due",
		"return_visit_due",
		"next_check_at",
	):
		assert column in indexed, column


def test_penalty_notice_breach_key_is_unique():
	rows = frappe.db.sql(
		"show index from `tabComplaint Penalty Notice` where Column_name='breach_key'", as_dict=True
	)  # nosemgrep: static SQL
	assert rows and rows[0].Non_unique == 0
