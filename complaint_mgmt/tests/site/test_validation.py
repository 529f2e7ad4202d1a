"""Bad input: a clear error, nothing written."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user, set_settings


def count(doctype: str) -> int:
	return frappe.db.count(doctype)


def test_received_on_in_the_future_is_refused():
	before = count("Complaint")
	with pytest.raises(frappe.ValidationError, match="future"):
		make_complaint(received_on=now_datetime() + timedelta(hours=1))
	assert count("Complaint") == before


def test_received_on_in_the_past_is_kept():
	received = now_datetime() - timedelta(days=3)
	doc = make_complaint(received_on=received)
	assert doc.received_on == received
	assert doc.transfer_due == received + timedelta(hours=4)
	assert doc.close_due == received + timedelta(hours=72)
	assert doc.first_reply_due is None
	assert doc.status == "Registered"
	assert doc.original_grade == "General"
	assert doc.name.startswith(f"CMP-{now_datetime().year}-")


@pytest.mark.parametrize("field", ["transfer_hours", "first_reply_hours", "close_hours"])
@pytest.mark.parametrize("value", [0, -1])
def test_grade_needs_positive_hours(field, value):
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc(
			{"doctype": "Complaint Grade", "grade_name": "Bad", "rank": 40, "transfer_hours": 1,
			 "first_reply_hours": 1, "close_hours": 1, field: value}
		).insert()  # fmt: skip
	assert not frappe.db.exists("Complaint Grade", "Bad")


def test_grade_negative_penalty_refused():
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc(
			{"doctype": "Complaint Grade", "grade_name": "Bad", "rank": 40, "transfer_hours": 1,
			 "first_reply_hours": 1, "close_hours": 1, "close_penalty": -5}
		).insert()  # fmt: skip
	assert not frappe.db.exists("Complaint Grade", "Bad")


def test_grade_escalating_to_lower_rank_refused():
	with pytest.raises(frappe.ValidationError, match="rank"):
		frappe.get_doc(
			{"doctype": "Complaint Grade", "grade_name": "Severe", "rank": 40, "transfer_hours": 1,
			 "first_reply_hours": 1, "close_hours": 1, "escalate_to": "Medium"}
		).insert()  # fmt: skip
	assert not frappe.db.exists("Complaint Grade", "Severe")


def test_grade_escalation_cycle_refused():
	strong = frappe.get_doc("Complaint Grade", "Strong")
	strong.escalate_to = "General"
	with pytest.raises(frappe.ValidationError):
		strong.save()
	assert not frappe.db.get_value("Complaint Grade", "Strong", "escalate_to")


def test_irrational_grade_clears_deadlines_and_penalties():
	doc = frappe.get_doc(
		{"doctype": "Complaint Grade", "grade_name": "Unreasonable", "rank": 1, "is_irrational": 1,
		 "close_hours": 5, "close_penalty": 10}
	).insert()  # fmt: skip
	assert (doc.close_hours, doc.close_penalty, doc.escalate_to) == (0, 0, None)


def test_irrational_complaint_is_first_stage_and_has_no_deadlines():
	doc = make_complaint(grade="Irrational", follow_up_mode="Watch")
	assert doc.irrational_stage == "First"
	assert doc.transfer_due is None and doc.close_due is None


def test_irrational_complaint_needs_follow_up_mode_once_transferred():
	make_user("cm-recv@example.com", "Complaint Handler")
	make_department("Sales Test", receivers=["cm-recv@example.com"])
	doc = make_complaint(grade="Irrational")
	doc.reload()
	doc.flags.procedure_action = True
	doc.status, doc.department = "Transferred", "Sales Test"
	with pytest.raises(frappe.ValidationError, match="follow-up"):
		doc.save()
	assert frappe.db.get_value("Complaint", doc.name, "status") == "Registered"


def test_second_service_center_refused():
	before = count("Complaint Department")
	with pytest.raises(frappe.ValidationError, match="service center"):
		make_department("Another Center", is_service_center=1)
	assert count("Complaint Department") == before


def test_receiver_must_be_a_member():
	make_user("cm-outsider@example.com", "Complaint Handler")
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Department",
			"department_name": "Finance Test",
			"receivers": [{"user": "cm-outsider@example.com", "is_default": 1}],
		}
	)
	with pytest.raises(frappe.ValidationError, match="not a member"):
		doc.insert()
	assert not frappe.db.exists("Complaint Department", "Finance Test")


def test_receiver_for_category_then_default():
	for user in ("cm-a@example.com", "cm-b@example.com"):
		make_user(user, "Complaint Handler")
	name = make_department(
		"Service Station Test", receivers=[("cm-a@example.com", None, 1), ("cm-b@example.com", "Delivery", 1)]
	)
	dept = frappe.get_doc("Complaint Department", name)
	assert dept.receiver_for("Delivery") == "cm-b@example.com"
	assert dept.receiver_for("Product Quality") == "cm-a@example.com"
	assert dept.receiver_for(None) == "cm-a@example.com"


def test_negative_claim_amount_refused():
	before = count("Complaint")
	with pytest.raises(frappe.ValidationError):
		make_complaint(claim_amount=-1)
	assert count("Complaint") == before


@pytest.mark.parametrize(
	("field", "value"), [("contact_email", "not-an-email"), ("contact_phone", "call me maybe")]
)
def test_invalid_contact_refused(field, value):
	before = count("Complaint")
	with pytest.raises(frappe.ValidationError):
		make_complaint(**{field: value})
	assert count("Complaint") == before


def test_compensation_tiers_must_ascend():
	with pytest.raises(frappe.ValidationError):
		set_settings(
			compensation_tiers=[
				{"up_to_amount": 2000, "approver_role": "Complaint Manager"},
				{"up_to_amount": 200, "approver_role": "Complaint Specialist"},
			]
		)
	frappe.clear_document_cache("Complaint Settings")
	tiers = frappe.get_single("Complaint Settings").compensation_tiers
	assert [t.up_to_amount for t in tiers] == [50, 200, 2000, 0]  # the seeded matrix is unchanged


def test_business_hours_need_windows():
	with pytest.raises(frappe.ValidationError):
		set_settings(use_business_hours=1, working_windows=[])


def test_status_cannot_be_set_by_hand():
	doc = make_complaint()
	doc.status = "Closed"
	with pytest.raises(frappe.ValidationError, match="actions"):
		doc.save()
	assert frappe.db.get_value("Complaint", doc.name, "status") == "Registered"


def test_new_complaint_cannot_start_transferred():
	before = count("Complaint")
	with pytest.raises(frappe.ValidationError):
		make_complaint(status="Closed")
	assert count("Complaint") == before


def test_external_flag_follows_channel():
	assert make_complaint(channel="Media").is_external == 1
	assert make_complaint(channel="Phone").is_external == 0


def test_business_hours_deadline_on_save():
	set_settings(
		use_business_hours=1,
		working_windows=[
			{"weekday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
			for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
		],
	)
	# Friday 2026-11-20 15:00 + 4 working hours = Monday 2026-11-23 11:00
	doc = make_complaint(received_on=frappe.utils.get_datetime("2026-11-20 15:00:00"))
	assert doc.transfer_due == frappe.utils.get_datetime("2026-11-23 11:00:00")


def test_penalty_notice_cancel_needs_reason():
	doc = make_complaint()
	dept = make_department("Penalty Test Dept")
	notice = frappe.get_doc(
		{"doctype": "Complaint Penalty Notice", "complaint": doc.name, "department": dept,
		 "breach_type": "Transfer", "period": 0, "grade": "General", "base_amount": 50, "multiplier": 1,
		 "issued_on": now_datetime()}
	).insert()  # fmt: skip
	notice.submit()
	assert notice.amount == 50 and notice.breach_key == f"{doc.name}|Transfer|0"
	with pytest.raises(frappe.ValidationError, match="reason"):
		notice.cancel()
	notice.reload()
	notice.cancel_reason = "Deadline was miscounted"
	notice.save()
	notice.cancel()
	assert frappe.db.get_value("Complaint Penalty Notice", notice.name, ["docstatus", "breach_key"]) == (
		2,
		None,
	)


def test_penalty_notice_duplicate_breach_refused():
	doc = make_complaint()
	dept = make_department("Penalty Test Dept")
	values = {"doctype": "Complaint Penalty Notice", "complaint": doc.name, "department": dept,
		"breach_type": "Close", "period": 0, "grade": "General", "base_amount": 50, "multiplier": 1,
		"issued_on": now_datetime()}  # fmt: skip
	frappe.get_doc(values).insert()
	with pytest.raises((frappe.UniqueValidationError, frappe.DuplicateEntryError)):
		frappe.get_doc(values).insert()
