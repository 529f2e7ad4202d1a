"""The customer's satisfaction survey (issue 19 §10).

At each close request the complaint's verified contact (``customer_mail.verified_user``) gets a link with a
single-use key, valid ``KEY_HOURS`` (only its SHA-256 is stored on the Complaint Survey row, as for the contact
proof of ``portal_identity``), to ``/complaint-survey``: no login. The answer (satisfied or not, a score 1-5, a
comment) is the return visit made by the customer: it goes through the same rule path as the specialist's
(``return_visit.apply``: satisfied waits for approval, not satisfied rejects the close request), the step log
saying so. The link stops counting once used, expired, or when its close request is no longer the one waiting for
the return visit (the specialist recorded it by phone, or a later close request has its own survey).
"""

import hmac
import secrets
from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import add_to_date, cint, get_datetime, get_url, now_datetime

from complaint_mgmt.loop import adapters, customer_mail, portal_identity, return_visit, steps
from complaint_mgmt.procedure import calendar_hours, survey_rules, transitions

KEY_HOURS = 72
ROUTE = "/complaint-survey"
DOCTYPE = "Complaint Survey"


def offer(doc) -> str | None:
	"""After a close request: the survey row and its mail to the verified contact. Returns the survey's name,
	None when the complaint has no verified contact or no mail can be sent."""
	user = customer_mail.verified_user(doc)
	if not user or not portal_identity.can_mail():
		return None
	name, key = open_survey(doc)
	language = customer_mail.customer_language(user)
	link = get_url(ROUTE + "?" + urlencode({"survey": name, "key": key, "_lang": language}))
	customer_mail.send(doc, customer_mail.SURVEY, survey_link=link, hours=KEY_HOURS)
	return name


def open_survey(doc) -> tuple[str, str]:
	"""The survey row of the complaint's current close request: (its name, the key of its link)."""
	key, now = secrets.token_urlsafe(32), now_datetime()
	survey = frappe.get_doc(
		{
			"doctype": DOCTYPE,
			"complaint": doc.name,
			"department": doc.department,
			"category": doc.category,
			"close_request_cycle": cint(doc.close_request_cycle),
			"status": "Sent",
			"sent_on": now,
			"expires_on": add_to_date(now, hours=KEY_HOURS),
			"key_hash": portal_identity.digest(key),
		}
	)
	# part of the close request the caller was allowed to make (steps.begin); nobody creates surveys by hand
	survey.insert(ignore_permissions=True)
	return survey.name, key


def find(name, key, for_update: bool = False) -> frappe._dict | None:
	"""The survey row of the link when its key matches and the link still counts, else None."""
	if not isinstance(name, str) or not isinstance(key, str) or not name or not key or len(key) > 200:
		return None
	row = frappe.db.get_value(
		DOCTYPE,
		name,
		["name", "complaint", "key_hash", "expires_on", "answered_on", "close_request_cycle"],
		as_dict=True,
		for_update=for_update,
	)
	if not row or not row.key_hash or not hmac.compare_digest(row.key_hash, portal_identity.digest(key)):
		return None
	status, cycle = frappe.db.get_value("Complaint", row.complaint, ["status", "close_request_cycle"])
	counts = survey_rules.link_counts(
		get_datetime(row.expires_on) if row.expires_on else None,
		bool(row.answered_on),
		now_datetime(),
		status,
		cint(cycle),
		cint(row.close_request_cycle),
	)
	return row if counts else None


def invalid_message() -> str:
	return _("This link is not valid, was used already or has expired.")


@frappe.whitelist(allow_guest=True, methods=["POST"])
# per survey and address: a customer's retries are few, and one survey's guesses cannot use up another's
@rate_limit(key="survey", limit=10, seconds=60 * 60)
@steps.retry_on_deadlock  # like every action of the procedure: the save may lose a deadlock with a job
def answer(survey: str, key: str, satisfied: str, score: str, comment: str | None = None) -> dict:
	"""The customer's answer through the survey link (no login): the return visit by the customer."""
	steps.texts(survey=survey, key=key, satisfied=satisfied, score=score, comment=comment)
	try:
		satisfied_, score_, comment_ = survey_rules.answer_values(satisfied, score, comment)
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Survey incomplete"))
	row = find(survey, key, for_update=True)
	if not row:
		frappe.throw(invalid_message(), title=_("Link not valid"))
	doc = frappe.get_doc("Complaint", row.complaint)
	action, next_state = return_visit.step_of(doc, satisfied_)
	try:
		transition = transitions.find_transition(action, doc.status, next_state)  # the order of steps holds
	except calendar_hours.RuleError as err:
		adapters.throw(err, title=_("Wrong order of steps"))
	notes = _("Score {0}/5. {1}").format(score_, comment_)
	return_visit.apply(doc, transition, satisfied_, notes, by_customer=True)
	values = {
		"status": "Answered",
		"answered_on": now_datetime(),
		"satisfied": 1 if satisfied_ else 0,
		"score": score_,
		"comment": comment_ or None,
		"key_hash": None,  # single use
	}
	frappe.db.set_value(DOCTYPE, row.name, values)
	return {"message": _("Thank you: your answer is recorded.")}
