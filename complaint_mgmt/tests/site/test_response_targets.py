"""Response targets by channel (issue 9, item 9; spec §6): the role of the channel's target hears of the complaint
at once, and the channel's hours cap the transfer deadline (grades keep their own hours otherwise)."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt.tests.site.factories import make_complaint, make_user, set_settings

DIRECTOR = "cm-director@example.com"


@pytest.fixture(autouse=True)
def director():
	return make_user(DIRECTOR, "Complaint Service Director")


def bell(name: str, user: str) -> list[str]:
	return frappe.get_all(
		"Notification Log", filters={"document_name": name, "for_user": user}, pluck="subject"
	)


def test_seeded_targets_follow_the_spec():
	rows = frappe.get_all(
		"Complaint Channel Target",
		filters={"parent": "Complaint Settings"},
		fields=["channel", "response_hours", "notify_role"],
		order_by="idx",
	)
	assert [(r.channel, r.response_hours, r.notify_role) for r in rows] == [
		("Media", 0.5, "Complaint Service Director"),
		("Consumer Association", 0.5, "Complaint Service Director"),
		("Government", 0.5, "Complaint Service Director"),
		("Manufacturer Hotline", 3.0, None),
	]


def test_a_media_complaint_tells_the_director_at_once_and_caps_the_transfer_clock():
	received = now_datetime() - timedelta(minutes=5)
	doc = make_complaint(channel="Media", received_on=received)
	assert get_datetime(doc.transfer_due) == received + timedelta(minutes=30)
	assert get_datetime(doc.close_due) == received + timedelta(hours=72)  # the grade's own hours
	[subject] = bell(doc.name, DIRECTOR)
	assert doc.name in subject and "0.5" in subject


def test_manufacturer_hotline_gets_three_hours_and_a_shorter_grade_keeps_its_own():
	received = now_datetime() - timedelta(minutes=5)
	hotline = make_complaint(channel="Manufacturer Hotline", received_on=received)
	assert get_datetime(hotline.transfer_due) == received + timedelta(hours=3)
	assert bell(hotline.name, DIRECTOR) == []
	strong = make_complaint(channel="Manufacturer Hotline", grade="Strong", received_on=received)
	assert get_datetime(strong.transfer_due) == received + timedelta(minutes=30)


def test_a_channel_without_target_keeps_the_grade_and_tells_nobody():
	received = now_datetime() - timedelta(minutes=5)
	doc = make_complaint(channel="Phone", received_on=received)
	assert get_datetime(doc.transfer_due) == received + timedelta(hours=4)
	assert bell(doc.name, DIRECTOR) == []


def test_targets_are_validated():
	with pytest.raises(frappe.ValidationError, match="already"):
		set_settings(
			channel_targets=[
				{"channel": "Media", "response_hours": 1},
				{"channel": "Media", "response_hours": 2},
			]
		)
	with pytest.raises(frappe.ValidationError, match="more than 0"):
		set_settings(channel_targets=[{"channel": "Media", "response_hours": 0}])
