"""Stored deadlines follow changes of Complaint Settings and Complaint Grade (the recompute job), and the
sweep's own write path: Version of an escalation, bumped `modified`, no dependence on unrelated validations."""

from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import get_datetime

from complaint_mgmt.engine import deadlines, recompute
from complaint_mgmt.tests.site.factories import make_complaint, make_department, make_user, set_settings

R = datetime(2026, 1, 5, 9, 0)  # a Monday in the past
H = timedelta(hours=1)


@pytest.fixture
def queued(monkeypatch):
	"""The recompute jobs the controllers enqueue (run by the test itself)."""
	calls = []

	def fake_enqueue(method, **kwargs):
		calls.append((method, kwargs.get("grade"), kwargs.get("queue"), kwargs.get("enqueue_after_commit")))

	monkeypatch.setattr(frappe, "enqueue", fake_enqueue)
	return calls


def stored(name: str) -> tuple:
	row = frappe.db.get_value("Complaint", name, ["transfer_due", "next_check_at"], as_dict=True)
	return get_datetime(row.transfer_due), get_datetime(row.next_check_at)


def test_settings_change_enqueues_and_recomputes_open_complaints(queued):
	doc = make_complaint(received_on=R)
	closed = make_complaint(received_on=R)
	frappe.db.set_value("Complaint", closed.name, {"status": "Closed", "next_check_at": None})
	assert stored(doc.name) == (R + 4 * H, R + timedelta(hours=3.2))
	set_settings(weekly_report_day="Friday")  # not a deadline input
	assert queued == []
	set_settings(warning_percent=50)
	assert queued == [("complaint_mgmt.engine.recompute.recompute_open_deadlines", None, "long", True)]
	result = recompute.recompute_open_deadlines()
	assert result["errors"] == 0 and result["changed"] >= 1
	assert stored(doc.name) == (R + 4 * H, R + 2 * H)
	assert frappe.db.get_value("Complaint", closed.name, "next_check_at") is None
	assert recompute.recompute_open_deadlines()["changed"] == 0  # idempotent


def test_business_hours_change_keeps_started_clocks_and_times_new_ones(queued):
	"""Spec §4: a settings change never moves the deadline of a clock that has started (issue 9, item 1)."""
	friday = datetime(2026, 1, 9, 16, 0)
	doc = make_complaint(received_on=friday)
	set_settings(
		use_business_hours=1,
		working_windows=[
			{"weekday": day, "start_time": "09:00:00", "end_time": "17:00:00"}
			for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
		],
	)
	assert len(queued) == 1
	recompute.recompute_open_deadlines()
	# the transfer clock started on Friday under wall-clock hours: its due stays; its warning comes at 80 % of
	# the working time up to that due (1 h on Friday)
	assert stored(doc.name) == (friday + 4 * H, datetime(2026, 1, 9, 16, 48))
	new = make_complaint(received_on=friday)
	assert stored(new.name)[0] == datetime(2026, 1, 12, 12, 0)  # 1 h on Friday + 3 h on Monday


def test_grade_hours_change_times_only_clocks_that_start_later(queued):
	general = make_complaint(received_on=R, grade="General")
	medium = make_complaint(received_on=R, grade="Medium")
	general_before, medium_before = stored(general.name), stored(medium.name)
	grade = frappe.get_doc("Complaint Grade", "General")
	grade.close_penalty = (grade.close_penalty or 0) + 1  # not a deadline input
	grade.save()
	assert queued == []
	grade.transfer_hours = 6
	grade.save()
	assert queued == [("complaint_mgmt.engine.recompute.recompute_open_deadlines", "General", "long", True)]
	recompute.recompute_open_deadlines(grade="General")
	assert stored(general.name) == general_before == (R + 4 * H, R + timedelta(hours=3.2))
	assert stored(medium.name) == medium_before
	later = make_complaint(received_on=R + H, grade="General")
	assert stored(later.name) == (R + 7 * H, R + H + timedelta(hours=4.8))


def test_breached_deadlines_stay_frozen(queued):
	doc = make_complaint(received_on=R)
	deadlines.run_sweep(now=R + 4 * H)
	assert frappe.db.get_value("Complaint", doc.name, "transfer_breached") == 1
	set_settings(warning_percent=50)
	recompute.recompute_open_deadlines()
	assert stored(doc.name)[0] == R + 4 * H


def test_a_failing_complaint_is_logged_and_the_others_are_recomputed(queued, monkeypatch):
	bad = make_complaint(received_on=R)
	good = make_complaint(received_on=R)
	set_settings(warning_percent=50)
	real = deadlines.next_check_for

	def failing(doc):
		if doc.name == bad.name:
			raise RuntimeError("boom")
		return real(doc)

	monkeypatch.setattr(deadlines, "next_check_for", failing)
	result = recompute.recompute_open_deadlines()
	assert result["errors"] == 1
	assert stored(good.name)[1] == R + 2 * H
	assert stored(bad.name)[1] == R + timedelta(hours=3.2)  # left as it was, not half-written
	assert frappe.db.exists("Error Log", {"reference_name": bad.name})


def test_escalation_is_recorded_with_a_version_and_bumps_modified():
	specialist = make_user("recompute.specialist@example.com", "Complaint Specialist")
	receiver = make_user("recompute.receiver@example.com", "Complaint Handler")
	department = make_department("Recompute Dept", receivers=[receiver])
	doc = make_complaint(received_on=R, specialist=specialist)
	doc.update(
		{
			"status": "Replied",
			"department": department,
			"receiver": receiver,
			"transferred_on": R + H,
			"acknowledged_on": R + 2 * H,
			"first_replied_on": R + 3 * H,
		}
	)
	doc.flags.procedure_action = True
	doc.save()
	opened = frappe.get_doc("Complaint", doc.name)  # a user's form, opened before the sweep
	# the receiver leaves the department: a full save would now fail validation, the sweep must not
	frappe.db.delete("Complaint Department Member", {"parent": department})
	frappe.db.delete("Complaint Department Receiver", {"parent": department})
	frappe.clear_document_cache("Complaint Department", department)
	result = deadlines.run_sweep(now=R + 72 * H)
	assert (result["errors"], result["escalations"]) == (0, 1)
	doc.reload()
	assert (doc.grade, doc.close_breached, len(doc.escalations)) == ("Medium", 1, 1)
	version = frappe.get_last_doc("Version", filters={"ref_doctype": "Complaint", "docname": doc.name})
	data = frappe.parse_json(version.data)
	assert ["grade", "General", "Medium"] in data["changed"]
	assert data["added"] and data["added"][0][0] == "escalations"
	opened.description = "edited in a stale form"
	with pytest.raises(frappe.TimestampMismatchError):
		opened.save()
