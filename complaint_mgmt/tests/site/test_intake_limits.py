"""Intake limits and input hardening of the customers' own complaints: the web form (Frappe's ``accept``) and
e-mail (Frappe's ``InboundMail`` with raw messages, no network)."""

import json

import frappe
import pytest
from frappe.core.doctype.communication.communication import Communication
from frappe.email.receive import InboundMail
from frappe.website.doctype.web_form.web_form import accept
from werkzeug.test import EnvironBuilder

from complaint_mgmt.loop import intake_limits
from complaint_mgmt.tests.site.api_setup import as_user
from complaint_mgmt.tests.site.factories import set_settings
from complaint_mgmt.tests.site.test_intake import account, raw_mail  # noqa: F401  (account: the intake mailbox fixture)

CUSTOMER_A = "cm-portal-a@example.com"
CUSTOMER_B = "cm-portal-b@example.com"
GUEST_IP, OTHER_IP, PROXY_IP = "203.0.113.5", "203.0.113.77", "10.0.0.2"
FORM = {
	"customer_name": "Wang Fang",
	"contact_phone": "+86-13912345678",
	"contact_email": "wang.fang@example.com",
	"category": "Delivery",
	"description": "The sofa arrived scratched.",
}


@pytest.fixture(autouse=True)
def no_request(monkeypatch):
	"""No HTTP request unless a test makes one; the guests' address counters and the flags start empty."""
	monkeypatch.setattr(frappe.local, "request", None, raising=False)
	monkeypatch.setattr(frappe.local, "request_ip", None, raising=False)
	forget_addresses()
	yield
	frappe.flags.in_web_form = False
	frappe.flags.web_form_doc = None
	frappe.flags.pop("complaint_mail_refused", None)
	forget_addresses()


def forget_addresses():
	frappe.cache.delete_value(
		[intake_limits.ip_key(ip) for ip in (GUEST_IP, OTHER_IP, PROXY_IP, "198.51.100.7", "198.51.100.8")]
	)


def request_from(monkeypatch, remote: str, **headers):
	"""An HTTP request arriving from `remote` (the connection's address) with `headers`."""
	builder = EnvironBuilder(method="POST", headers=headers, environ_base={"REMOTE_ADDR": remote})
	monkeypatch.setattr(frappe.local, "request", builder.get_request(), raising=False)


def submit(user: str = "Guest", **values):
	"""The web form's submit, then its commit (a guest's address is counted once the complaint is committed)."""
	if frappe.local.request:
		# what Frappe's own per-minute limit on accept() keys on (its first X-Forwarded-For entry): a fresh
		# value each time, so that only this app's hourly limit is tested here
		frappe.local.request_ip = frappe.generate_hash()
	try:
		with as_user(user):
			doc = accept("complaint", json.dumps({**FORM, **values}))
	except Exception:
		frappe.db.after_commit.reset()  # the request's transaction is rolled back: nothing to do after a commit
		raise
	frappe.db.after_commit.run()
	return doc


def count(**filters) -> int:
	return frappe.db.count("Complaint", filters)


def refused(user: str = "Guest", **values) -> str:
	before = count()
	with pytest.raises(frappe.RateLimitExceededError) as err:
		submit(user, **values)
	assert err.value.http_status_code == 429
	assert count() == before  # nothing written
	return str(err.value)


def test_the_sixth_complaint_of_a_customer_within_an_hour_is_refused():
	for _ in range(5):
		submit(CUSTOMER_A)
	assert "Too many complaints came from your address" in refused(CUSTOMER_A)
	assert count(owner=CUSTOMER_A) == 5
	submit(CUSTOMER_B)  # another customer is not limited


def test_complaints_older_than_an_hour_do_not_count():
	names = [submit(CUSTOMER_A).name for _ in range(5)]
	frappe.db.set_value("Complaint", names[0], "received_on", frappe.utils.add_to_date(None, minutes=-61))
	submit(CUSTOMER_A)


def test_a_guest_is_limited_by_the_connections_address(monkeypatch):
	request_from(monkeypatch, GUEST_IP)
	for i in range(5):
		submit(contact_email=f"guest{i}@example.com")  # another e-mail address does not make another sender
	refused(contact_email="guest9@example.com")
	request_from(monkeypatch, OTHER_IP)
	submit()


def test_a_refused_or_invalid_submission_does_not_count(monkeypatch):
	request_from(monkeypatch, GUEST_IP)
	for values in [{"contact_phone": "", "contact_email": ""}, {"contact_phone": "call me maybe"}] * 3:
		with pytest.raises(frappe.ValidationError):
			submit(**values)
	for _ in range(5):
		submit()
	refused()


def test_forwarded_headers_are_ignored_unless_a_trusted_proxy_header_is_set(monkeypatch):
	for i in range(5):
		request_from(
			monkeypatch, PROXY_IP, **{"X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"1.2.3.{i}"}
		)
		submit()
	request_from(monkeypatch, PROXY_IP, **{"X-Forwarded-For": "198.51.100.9", "X-Real-IP": "1.2.3.9"})
	refused()  # every request came from the proxy's address: a client cannot pick its own


def test_the_trusted_proxy_header_tells_guests_apart(monkeypatch):
	set_settings(trusted_proxy_ip_header="X-Real-IP")
	for _ in range(5):
		request_from(monkeypatch, PROXY_IP, **{"X-Real-IP": "198.51.100.7"})
		submit()
	refused()
	request_from(monkeypatch, PROXY_IP, **{"X-Real-IP": "198.51.100.8"})
	submit()


def test_with_x_forwarded_for_trusted_the_proxys_own_entry_counts(monkeypatch):
	"""The proxy appends the address it saw: entries before it are the client's and are not believed."""
	set_settings(trusted_proxy_ip_header="X-Forwarded-For")
	for i in range(5):
		request_from(monkeypatch, PROXY_IP, **{"X-Forwarded-For": f"10.9.9.{i}, 198.51.100.7"})
		submit()
	request_from(monkeypatch, PROXY_IP, **{"X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
	refused()


def test_the_global_limit_covers_every_sender(monkeypatch, account):  # noqa: F811
	set_settings(intake_limit_global=3, intake_limit_per_sender=100)
	submit(CUSTOMER_A)
	submit(CUSTOMER_B)
	InboundMail(raw_mail(subject="Broken", body="Broken.", message_id="g1@example.com"), account).process()
	assert count(channel=("in", ("Web", "E-mail"))) >= 3
	assert "unusual number of complaints" in refused()
	request_from(monkeypatch, OTHER_IP)
	refused(CUSTOMER_A)


def mail(account, n: int, sender: str = '"Li Lei" <li.lei@example.com>'):  # noqa: F811
	return InboundMail(
		raw_mail(
			subject=f"Complaint number {n}", body="Broken.", message_id=f"l{n}@example.com", sender=sender
		),
		account,
	).process()


def refusal_logs() -> list[str]:
	return frappe.get_all(
		"Error Log", filters={"method": ("like", "Complaint e-mail not registered%")}, pluck="method"
	)


def test_the_sixth_mail_of_a_sender_within_an_hour_is_kept_without_a_complaint(account):  # noqa: F811
	# an earlier run's log of this hour (the mail job commits) would count as this run's: not part of this test
	frappe.db.delete("Error Log", {"method": ("like", "Complaint e-mail not registered%")})
	names = {mail(account, n).reference_name for n in range(5)}
	assert len(names) == 5 and count(contact_email="li.lei@example.com") == 5
	sixth, seventh = mail(account, 6), mail(account, 7)  # no exception: the pull job goes on
	assert count(contact_email="li.lei@example.com") == 5
	for comm in (sixth, seventh):
		assert frappe.db.exists("Communication", comm.name)  # the mail itself is kept
		assert not comm.reference_doctype and not comm.reference_name  # not threaded into an older complaint
	assert refusal_logs() == ["Complaint e-mail not registered: li.lei@example.com"]  # logged once
	other = mail(account, 8, sender='"Han Mei" <han.mei@example.com>')
	assert other.reference_doctype == "Complaint"


def test_a_refused_mail_does_not_break_the_mail_pull_job(account, monkeypatch):  # noqa: F811
	set_settings(intake_limit_per_sender=1)
	mails = [
		InboundMail(raw_mail(subject=f"Mail {n}", body="Broken.", message_id=f"j{n}@example.com"), account)
		for n in range(3)
	]
	with monkeypatch.context() as patch:
		patch.setattr(type(account), "get_inbound_mails", lambda self: mails)
		patch.setattr(frappe.db, "rollback", lambda *a, **k: pytest.fail("the mail job rolled back"))
		# Frappe mails each inbound mail to the complaint's assignees (here every specialist, who holds the
		# new complaint's ToDo), and the test site has no outgoing account: not what this test is about
		patch.setattr(Communication, "send_email", lambda self, *a, **k: None)
		account.receive()  # EmailAccount.receive raises when a mail fails
	assert count(contact_email="li.lei@example.com") == 1
	assert frappe.db.count("Communication", {"message_id": ("like", "j%@example.com")}) == 3


def test_a_reply_over_the_limit_still_reaches_its_complaint(account):  # noqa: F811
	set_settings(intake_limit_per_sender=1)
	first = mail(account, 1)
	reply = InboundMail(
		raw_mail(
			subject=f"Re: Complaint number 1 (#{first.reference_name})", body="Any news?", message_id="r1@x"
		),
		account,
	).process()
	assert reply.reference_name == first.reference_name


@pytest.mark.parametrize(
	("values", "stored"),
	[
		(
			{"customer_name": "<b>Wang</b> Fang<script>alert(1)</script>"},
			{"customer_name": "Wang Fang"},
		),
		(
			{"description": '<img src=x onerror="alert(1)">The sofa <i>arrived</i> scratched.'},
			{"description": "The sofa arrived scratched."},
		),
		({"customer_request": "<a href='javascript:x()'>Replace</a> it"}, {"customer_request": "Replace it"}),
		({"description": "Price 5 < 7 but > 3"}, {"description": "Price 5 < 7 but > 3"}),
	],
)
def test_markup_is_stripped_from_the_web_form(values, stored):
	doc = frappe.get_doc("Complaint", submit(**values).name)
	for field, value in stored.items():
		assert doc.get(field) == value


@pytest.mark.parametrize(
	"email",
	[
		"wang.fang@example.com<script>alert(1)</script>",
		'"Wang" <wang.fang@example.com>',
		"wang.fang@example.com, boss@example.com",
		"<b>wang.fang@example.com</b>",
	],
)
def test_the_web_form_takes_exactly_one_plain_email_address(email):
	before = count()
	with pytest.raises(frappe.InvalidEmailAddressError, match="not a valid Email Address"):
		submit(contact_email=email)
	assert count() == before


def test_a_huge_description_is_refused():
	before = count()
	with pytest.raises(frappe.ValidationError, match="too long"):
		submit(description="x" * (intake_limits.MAX_TEXT + 1))
	assert count() == before


@pytest.mark.parametrize(
	("values", "message"),
	[
		({"intake_limit_per_sender": 0}, "must be at least 1"),
		({"intake_limit_global": -1}, "must be at least 1"),
		({"email_date_tolerance_minutes": -5}, "cannot be negative"),
		({"trusted_proxy_ip_header": "X-Real-IP: 1.2.3.4"}, "not a valid HTTP header name"),
	],
)
def test_bad_limit_settings_are_refused(values, message):
	with pytest.raises(frappe.ValidationError, match=message):
		set_settings(**values)


def test_empty_limit_settings_take_their_defaults():
	set_settings(intake_limit_per_sender=None, intake_limit_global=None, email_date_tolerance_minutes=None)
	settings = frappe.get_single("Complaint Settings")
	assert (
		settings.intake_limit_per_sender,
		settings.intake_limit_global,
		settings.email_date_tolerance_minutes,
	) == (5, 200, 15)
