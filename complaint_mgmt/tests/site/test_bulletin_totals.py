"""Issue 9, item 7: a draft penalty bulletin always shows and signs the current totals of its week (a notice
cancelled or issued after the draft was made counts at load, save and submit); a signed bulletin keeps its
figures; no bulletin for the current or a future week."""

import datetime

import frappe
import pytest
from frappe.desk.form.load import getdoc

from complaint_mgmt.outputs import weekly
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.report_week import SALES, SERVICE

BULLETIN = "Complaint Penalty Bulletin"
WEEK_START = "2019-03-04"


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture
def week(people):
	set_settings(week_starts_on="Monday", weekly_report_day="Friday", weekly_report_time="17:00:00")
	return report_week.build()


def cancel_notice(complaint: str, breach_type: str) -> None:
	name = frappe.db.get_value(
		"Complaint Penalty Notice", {"complaint": complaint, "breach_type": breach_type, "docstatus": 1}
	)
	notice = frappe.get_doc("Complaint Penalty Notice", name)
	notice.cancel_reason = "Issued by mistake"
	notice.cancel()


def figures(doc) -> tuple[list, float]:
	return [(r.department, r.notice_count, r.amount) for r in doc.items], doc.total_amount


def stored(name: str) -> tuple[list, float]:
	return figures(frappe.get_doc(BULLETIN, name))


def test_a_draft_shows_the_current_totals_when_loaded(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	assert stored(name) == ([(SALES, 3, 200), (SERVICE, 1, 50)], 250)
	cancel_notice(week.k1, "Close")  # Sales W, 100
	getdoc(BULLETIN, name)  # what the desk form receives
	loaded = frappe.response.docs[-1]
	assert figures(loaded) == ([(SALES, 2, 100), (SERVICE, 1, 50)], 150)


def test_a_draft_recomputes_on_save(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	cancel_notice(week.k8, "Transfer")  # Service W's only notice
	doc = frappe.get_doc(BULLETIN, name)
	doc.save()
	assert stored(name) == ([(SALES, 3, 200)], 200)


def test_the_approver_signs_the_totals_at_submit(week):
	name = weekly.make_penalty_bulletin(WEEK_START)
	doc = frappe.get_doc(BULLETIN, name)  # loaded before the cancellation, submitted after it
	cancel_notice(week.k1, "Transfer")  # Sales W, 50
	report_week.notice(week.k8, SERVICE, "First Reply", 100, datetime.datetime(2019, 3, 9, 12))
	doc.submit()
	assert stored(name) == ([(SALES, 2, 150), (SERVICE, 2, 150)], 300)
	# The signed bulletin is the record: a later cancellation changes neither the stored nor the shown figures.
	cancel_notice(week.k1, "Close")
	assert stored(name) == ([(SALES, 2, 150), (SERVICE, 2, 150)], 300)
	getdoc(BULLETIN, name)
	assert figures(frappe.response.docs[-1]) == ([(SALES, 2, 150), (SERVICE, 2, 150)], 300)


def current_week_start() -> datetime.date:
	return weekly.previous_week_start() + datetime.timedelta(days=7)


@pytest.mark.parametrize("weeks_ahead", [0, 1])
def test_no_bulletin_for_the_current_or_a_future_week(week, weeks_ahead):
	start = current_week_start() + datetime.timedelta(days=7 * weeks_ahead)
	with pytest.raises(frappe.ValidationError, match="week that has ended"):
		weekly.make_penalty_bulletin(start)
	desk = frappe.get_doc(
		{"doctype": BULLETIN, "week_start": start, "week_end": start + datetime.timedelta(days=6)}
	)
	with pytest.raises(frappe.ValidationError, match="week that has ended"):
		desk.insert()
	assert not frappe.db.exists(BULLETIN, {"week_start": start})


def test_last_week_is_allowed(week):
	start = weekly.previous_week_start()
	name = weekly.make_penalty_bulletin(start)
	assert frappe.db.get_value(BULLETIN, name, "week_start") == start
