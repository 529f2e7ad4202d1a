"""Issue 19 §10: the satisfaction survey. At a close request the verified contact gets a single-use, expiring
link (no login); the answer is the return visit by the customer, with the specialist's effect."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import frappe
import pytest
from frappe.utils import now_datetime

from complaint_mgmt import api
from complaint_mgmt.loop import survey
from complaint_mgmt.tests.site.api_setup import HANDLER, SPEC, as_user, call, complaint_at, snapshot
from complaint_mgmt.tests.site.customer_setup import CUSTOMER_EN, CUSTOMER_ZH, outbox, queued

__all__ = ["outbox"]


def close_requested(customer: str = CUSTOMER_EN, proved: bool = True) -> tuple[str, str, str]:
	"""A complaint of `customer` at Close Requested: (complaint, survey, key) from the survey e-mail's link."""
	name = complaint_at("Replied", contact_email=customer)
	if proved:
		frappe.db.set_value("Complaint", name, "contact_verified_by", customer, update_modified=False)
	call(HANDLER, api.request_close, name, "Sofa replaced", "Packing too thin", "Double carton for sofas")
	mails = [m for m in queued(name) if "/complaint-survey?" in m.body]
	if not mails:
		return name, "", ""
	(mail,) = mails
	link = mail.body.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
	query = parse_qs(urlparse(link).query)
	return name, query["survey"][0], query["key"][0]


def answer(survey_name: str, key: str, satisfied="1", score="5", comment="Fine now"):
	with as_user("Guest"):
		return survey.answer(survey_name, key, satisfied, score, comment)


def test_the_close_request_mails_a_single_use_link_to_the_verified_contact(outbox):
	name, survey_name, key = close_requested(CUSTOMER_ZH)
	mail = next(m for m in queued(name) if "/complaint-survey?" in m.body)
	assert mail.recipients == [CUSTOMER_ZH] and mail.subject == f"您对投诉 {name} 的处理结果满意吗？"
	assert "_lang=zh" in mail.body
	row = frappe.get_doc("Complaint Survey", survey_name)
	assert (row.complaint, row.status, row.department) == (name, "Sent", "Sales API3")
	assert row.key_hash != key and len(row.key_hash) == 64  # only the hash is stored
	assert timedelta(hours=71) < row.expires_on - row.sent_on <= timedelta(hours=72)


def test_no_survey_for_an_unverified_contact(outbox):
	name, survey_name, _key = close_requested(CUSTOMER_EN, proved=False)
	assert not survey_name and not frappe.db.exists("Complaint Survey", {"complaint": name})


def test_satisfied_is_the_return_visit_by_the_customer(outbox):
	name, survey_name, key = close_requested()
	result = answer(survey_name, key, "1", "4", "Quick and friendly")
	assert result["message"] == "Thank you: your answer is recorded."
	doc = frappe.get_doc("Complaint", name)
	assert (doc.status, doc.satisfied) == ("Return Visited", 1) and doc.return_visited_on
	step = doc.steps[-1]
	assert step.action == "Record Return Visit" and step.done_by == "Guest"
	assert step.note.startswith("Answered by the customer (satisfaction survey).")
	assert "4/5" in step.note and "Quick and friendly" in step.note
	row = frappe.get_doc("Complaint Survey", survey_name)
	assert (row.status, row.satisfied, row.score, row.comment) == ("Answered", 1, 4, "Quick and friendly")
	assert not row.key_hash


def test_not_satisfied_rejects_the_close_request_like_the_specialist(outbox):
	name, survey_name, key = close_requested()
	answer(survey_name, key, "0", "2", "Still scratched")
	doc = frappe.get_doc("Complaint", name)
	assert (doc.status, doc.close_request_cycle, doc.satisfied) == ("Replied", 1, 0)
	assert doc.steps[-1].action == "Reject Close"
	comments = frappe.get_all(
		"Comment", filters={"reference_name": name, "comment_type": "Info"}, pluck="content"
	)
	assert any("not satisfied" in c for c in comments)
	# the next close request has a survey of its own
	call(
		HANDLER, api.request_close, name, "Sofa replaced again", "Packing too thin", "Double carton for sofas"
	)
	assert frappe.db.count("Complaint Survey", {"complaint": name}) == 2


def test_a_used_link_is_refused_and_changes_nothing(outbox):
	name, survey_name, key = close_requested()
	answer(survey_name, key)
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match="not valid, was used already or has expired"):
		answer(survey_name, key, "0", "1")
	assert snapshot(name) == before


def test_an_expired_or_wrong_link_is_refused(outbox):
	name, survey_name, key = close_requested()
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match="not valid"):
		answer(survey_name, key[:-2] + "xx")
	with pytest.raises(frappe.ValidationError, match="not valid"):
		answer("CSV-1999-99999", key)
	frappe.db.set_value("Complaint Survey", survey_name, "expires_on", now_datetime() - timedelta(minutes=1))
	with pytest.raises(frappe.ValidationError, match="not valid"):
		answer(survey_name, key)
	assert snapshot(name) == before


def test_the_specialist_can_still_record_it_by_phone_and_the_link_then_stops(outbox):
	name, survey_name, key = close_requested()
	call(SPEC, api.record_return_visit, name, True, "Called: happy")
	assert frappe.db.get_value("Complaint", name, "status") == "Return Visited"
	with pytest.raises(frappe.ValidationError, match="not valid"):
		answer(survey_name, key)
	assert survey.find(survey_name, key) is None


@pytest.mark.parametrize(
	"satisfied, score, message",
	[("maybe", "3", "whether you are satisfied"), ("1", "6", "score from 1 to 5"), ("1", "", "score from 1")],
)
def test_an_incomplete_answer_is_refused_and_nothing_is_written(outbox, satisfied, score, message):
	name, survey_name, key = close_requested()
	before = snapshot(name)
	with pytest.raises(frappe.ValidationError, match=message):
		answer(survey_name, key, satisfied, score)
	assert snapshot(name) == before
	assert frappe.db.get_value("Complaint Survey", survey_name, "status") == "Sent"
	assert survey.find(survey_name, key)  # still usable
