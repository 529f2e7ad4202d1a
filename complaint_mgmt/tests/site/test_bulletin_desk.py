"""Issue 11, item 9: the penalty bulletin and notice in the desk. A bulletin's week and rows come from
make_penalty_bulletin and the week's notices: a plain save that changes them is refused with a translated message
and writes nothing (the desk shows them read-only); a penalty notice's title names the department, the clock and
the complaint as its Complaint field shows it (the customer's name) with its number."""

import datetime

import frappe
import pytest
from frappe.desk.form.load import getdoc

from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_notice.complaint_penalty_notice import (
	notice_title,
)
from complaint_mgmt.outputs import weekly
from complaint_mgmt.setup import i18n
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.report_week import SALES, SERVICE

BULLETIN = "Complaint Penalty Bulletin"
NOTICE = "Complaint Penalty Notice"
WEEK_START = "2019-03-04"
WEEK_REFUSED = "The week of a penalty bulletin cannot be changed."
ITEMS_REFUSED = "The items of a penalty bulletin are the week's submitted penalty notices"
ITEMS_REFUSED_FULL = (
	"The items of a penalty bulletin are the week's submitted penalty notices and cannot be typed in or changed. "
	"To correct them, cancel or amend the penalty notices."
)


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people()


@pytest.fixture
def week(people):
	set_settings(week_starts_on="Monday", weekly_report_day="Friday", weekly_report_time="17:00:00")
	return report_week.build()


@pytest.fixture
def bulletin(week) -> str:
	return weekly.make_penalty_bulletin(WEEK_START)


def stored(name: str) -> tuple:
	doc = frappe.get_doc(BULLETIN, name)
	rows = [(r.department, r.notice_count, r.amount) for r in doc.items]
	return str(doc.week_start), str(doc.week_end), rows, doc.total_amount, str(doc.modified)


GOOD = ("2019-03-04", "2019-03-10", [(SALES, 3, 200), (SERVICE, 1, 50)], 250)


def test_the_generated_bulletin_is_the_reference(bulletin):
	assert stored(bulletin)[:4] == GOOD


@pytest.mark.parametrize(
	"dates",
	[("2019-03-11", "2019-03-17"), ("2019-02-25", "2019-03-03"), ("2019-03-04", "2019-03-11")],
	ids=["next week", "previous week", "end moved"],
)
def test_the_week_of_a_saved_bulletin_cannot_be_changed(bulletin, dates):
	before = stored(bulletin)
	doc = frappe.get_doc(BULLETIN, bulletin)
	doc.week_start, doc.week_end = dates
	with pytest.raises(frappe.ValidationError, match=WEEK_REFUSED):
		doc.save()
	assert stored(bulletin) == before


def edit_amount(doc):
	doc.items[0].amount = 9999


def edit_count(doc):
	doc.items[1].notice_count = 0


def add_row(doc):
	doc.append("items", {"department": report_week.SERVICE, "notice_count": 1, "amount": 10})


def drop_row(doc):
	doc.items = doc.items[:1]


def empty(doc):
	doc.items = []


@pytest.mark.parametrize("edit", [edit_amount, edit_count, add_row, drop_row, empty])
def test_typed_in_items_are_refused_and_nothing_is_written(bulletin, edit):
	before = stored(bulletin)
	doc = frappe.get_doc(BULLETIN, bulletin)
	edit(doc)
	with pytest.raises(frappe.ValidationError, match=ITEMS_REFUSED):
		doc.save()
	assert stored(bulletin) == before


def test_typed_in_items_are_refused_at_submit_too(bulletin):
	doc = frappe.get_doc(BULLETIN, bulletin)
	edit_amount(doc)
	with pytest.raises(frappe.ValidationError, match=ITEMS_REFUSED):
		doc.submit()
	assert frappe.db.get_value(BULLETIN, bulletin, ["docstatus", "signed_by"]) == (0, None)


def test_the_refusal_is_translated(bulletin):
	zh = i18n.shipped_translations("zh")
	doc = frappe.get_doc(BULLETIN, bulletin)
	edit_amount(doc)
	frappe.local.lang, frappe.local.lang_full_dict = "zh", None
	try:
		with pytest.raises(frappe.ValidationError) as err:
			doc.save()
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None
	assert str(err.value) == zh[ITEMS_REFUSED_FULL]
	assert "处罚通报的明细" in str(err.value)


def test_a_plain_save_of_the_figures_shown_is_accepted(week, bulletin):
	"""The desk shows a draft recomputed at load (a notice cancelled since): saving those figures is no edit."""
	name = frappe.db.get_value(NOTICE, {"complaint": week.k8, "breach_type": "Transfer", "docstatus": 1})
	notice = frappe.get_doc(NOTICE, name)
	notice.cancel_reason = "Issued by mistake"
	notice.cancel()
	getdoc(BULLETIN, bulletin)
	shown = frappe.response.docs[-1]
	assert [(r.department, r.amount) for r in shown.items] == [(SALES, 200)]
	shown.save()
	assert stored(bulletin)[2:4] == ([(SALES, 3, 200)], 200)
	# and the stored figures, unchanged, save too (a REST client that sends the document back as it got it)
	again = frappe.get_doc(BULLETIN, bulletin)
	again.save()
	assert stored(bulletin)[2:4] == ([(SALES, 3, 200)], 200)


def test_a_desk_bulletin_gets_its_week_end_and_computed_rows(week):
	doc = frappe.get_doc({"doctype": BULLETIN, "week_start": WEEK_START}).insert()
	assert stored(doc.name)[:4] == GOOD


def test_a_desk_bulletin_with_typed_in_rows_is_refused(week):
	doc = frappe.get_doc(
		{
			"doctype": BULLETIN,
			"week_start": WEEK_START,
			"week_end": "2019-03-10",
			"items": [{"department": SALES, "notice_count": 1, "amount": 1}],
		}
	)
	with pytest.raises(frappe.ValidationError, match=ITEMS_REFUSED):
		doc.insert()
	assert not frappe.db.exists(BULLETIN, {"week_start": WEEK_START})


def test_the_desk_shows_week_and_items_read_only():
	meta = frappe.get_meta(BULLETIN)
	for fieldname in ("week_start", "week_end"):
		assert meta.get_field(fieldname).set_only_once == 1, fieldname
	assert meta.get_field("items").read_only == 1
	for df in frappe.get_meta("Complaint Penalty Bulletin Item").fields:
		assert df.read_only == 1, df.fieldname


def test_frappe_refuses_a_changed_week_even_past_the_controller(bulletin):
	"""set_only_once is Frappe's own guard of the same rule."""
	doc = frappe.get_doc(BULLETIN, bulletin)
	doc.week_start, doc.week_end = datetime.date(2019, 3, 11), datetime.date(2019, 3, 17)
	doc.flags.ignore_validate = True
	with pytest.raises(frappe.CannotChangeConstantError):
		doc.save()
	assert stored(bulletin)[:2] == ("2019-03-04", "2019-03-10")


def test_a_penalty_notice_is_titled_by_department_clock_and_complaint(week):
	customer = frappe.db.get_value("Complaint", week.k1, "customer_name")
	name = frappe.db.get_value(NOTICE, {"complaint": week.k1, "breach_type": "Close", "docstatus": 1})
	assert frappe.get_meta(NOTICE).title_field == "title"
	assert frappe.db.get_value(NOTICE, name, "title") == f"{SALES} · Close · {customer} ({week.k1})"
	repeat = frappe.db.get_value(NOTICE, {"complaint": week.k1, "breach_type": "Monthly Repeat"})
	assert (
		frappe.db.get_value(NOTICE, repeat, "title")
		== f"{SALES} · Monthly Repeat #1 · {customer} ({week.k1})"
	)
	# the Complaint field of the notice shows the same customer name (Complaint shows its title in links)
	complaint_meta = frappe.get_meta("Complaint")
	assert (complaint_meta.title_field, complaint_meta.show_title_field_in_link) == ("customer_name", 1)


def test_the_notice_title_is_bounded_and_skips_what_is_missing():
	assert notice_title("Sales", "Transfer", 0, "CMP-1", None) == "Sales · Transfer · CMP-1"
	assert (
		notice_title("Sales", "Monthly Repeat", 3, "CMP-1", "Li") == "Sales · Monthly Repeat #3 · Li (CMP-1)"
	)
	assert len(notice_title("Sales", "Close", 0, "CMP-1", "x" * 500)) == 140
