"""Hardening of the customers' own intake (web form and e-mail), called from ``complaint_mgmt.loop.intake``.

- Input: markup (tags, scripts, comments) is stripped from every text a customer typed or mailed (Frappe keeps "safe" HTML in Data and
  Text fields, and filters nothing in an Email-typed field); ``contact_email`` is exactly one valid address: the
  web form refuses anything else, an unusable mail sender is cleared. Texts are capped at ``MAX_TEXT``.
- Limits (Complaint Settings ``intake_limit_per_sender`` and ``intake_limit_global``, per hour, both channels
  together): the sender is the mail's address, the logged-in customer, or a guest's IP address. That address is
  the connecting one (REMOTE_ADDR); only when ``trusted_proxy_ip_header`` names the header a trusted reverse
  proxy writes is the last entry of that header used. (Frappe's ``frappe.local.request_ip`` is not used: it is
  the first X-Forwarded-For entry, which any client can set.) Mail and logged-in senders are counted in the
  complaints themselves (indexed ``contact_email`` / ``received_on``), guests' addresses in the cache, once the
  complaint is committed. Over a limit nothing is written: the web form answers HTTP 429
  (``frappe.RateLimitExceededError``); a mail is kept as a Communication without a complaint (``MailRefused``)
  and logged in the Error Log once per sender and hour; the mail pull job goes on.
- One complaint per Message-ID: Frappe's ``InboundMail.process`` skips a mail whose Message-ID an earlier
  Communication has, but two workers receiving the same mail at once (one message in two intake mailboxes or
  folders) both pass that check before either commits, and each creates a complaint. ``guard_duplicate_delivery``
  serialises the deliveries of a Message-ID with a cache lock held until the transaction ends and remembers the
  committed ones; a later concurrent delivery is dropped the way Frappe drops a mail the account sent itself.
"""

import hashlib
import html
import ipaddress
import re
import time
from datetime import timedelta
from functools import partial

import frappe
from frappe import _
from frappe.email.receive import SentEmailInInboxError
from frappe.utils import cint, escape_html, now_datetime, validate_email_address
from redis.exceptions import LockError

WEB, EMAIL = "Web", "E-mail"
SCRIPT = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<!--.*?(-->|$)|</?[a-zA-Z][^<>]*(>|$)|<[!?][^<>]*(>|$)", re.DOTALL)
WINDOW_SECONDS = 3600
MAX_TEXT = 20000
TEXT_FIELDS = ("customer_name", "contact_phone", "description", "customer_request")
LONG_FIELDS = ("description", "customer_request")
SETTING_DEFAULTS = {  # also applied to sites whose settings were saved before these fields existed
	"email_date_tolerance_minutes": 15,
	"intake_limit_per_sender": 5,
	"intake_limit_global": 200,
}
# a concurrent delivery checked Frappe's Message-ID moments before: an hour covers any race
MAIL_LOCK_SECONDS, MAIL_LOCK_WAIT, MAIL_SEEN_SECONDS = 300, 60, 3600


class MailRefused(frappe.DuplicateEntryError):
	"""A mail over an intake limit. Raised in before_insert of the complaint that Frappe's
	``InboundMail._create_reference_document`` inserts: Frappe catches DuplicateEntryError there and stores the
	mail as a Communication without creating the document (``take_refused_mail`` undoes Frappe's fallback of
	threading it into the sender's earlier complaint), so the mail is kept and the pull job goes on."""


def setting(settings, field: str) -> int:
	value = settings.get(field)
	return SETTING_DEFAULTS[field] if value in (None, "") else cint(value)


# --- input ---------------------------------------------------------------------------------------------------


def clean_text(value):
	"""Plain text: entities decoded (Frappe stores a mail's subject escaped), scripts, styles, tags and comments
	removed, surrounding blanks trimmed. Unlike Frappe's ``strip_html`` only what looks like a tag goes:
	"5 < 7 but > 3" stays as the customer wrote it."""
	if not isinstance(value, str):
		return value
	previous = None
	while value != previous:  # until stable: removing one tag must not join the pieces of another
		previous, value = value, TAG.sub("", SCRIPT.sub("", html.unescape(value)))
	return value.strip()


def cap_text(value):
	return value[:MAX_TEXT] if isinstance(value, str) else value


def valid_email(value) -> str | None:
	"""`value` when it is exactly one valid address (no name, no list, no markup), else None."""
	value = (value or "").strip()
	found = validate_email_address(value) if value else ""
	return value if found and "," not in found and found.lower() == value.lower() else None


def clean_web_input(doc) -> None:
	for field in TEXT_FIELDS:
		doc.set(field, clean_text(doc.get(field)))
	if doc.contact_email and not valid_email(doc.contact_email):
		frappe.throw(
			_("{0} is not a valid Email Address").format(escape_html(doc.contact_email)),
			frappe.InvalidEmailAddressError,
			title=_("Invalid e-mail address"),
		)
	for field in LONG_FIELDS:
		if len(doc.get(field) or "") > MAX_TEXT:
			frappe.throw(
				_("{0} is too long: at most {1} characters.").format(_(doc.meta.get_label(field)), MAX_TEXT),
				title=_("Text too long"),
			)


def clean_mail_input(doc) -> None:
	"""Frappe set description (the subject), contact_email (the sender) and customer_name (the sender's name)."""
	doc.flags.mail_sender = doc.contact_email
	for field in TEXT_FIELDS:
		doc.set(field, cap_text(clean_text(doc.get(field))))
	doc.contact_email = valid_email(doc.contact_email)  # an unusable sender address is not stored


# --- limits --------------------------------------------------------------------------------------------------


def check_limits(doc, settings) -> None:
	"""Complaint.before_insert of a web or mail complaint: refuse it when its sender or all customers together
	filed the hour's maximum already."""
	since = now_datetime() - timedelta(seconds=WINDOW_SECONDS)
	sender = sender_of(doc, settings)
	if sender and count_sender(sender, since) >= setting(settings, "intake_limit_per_sender"):
		refuse(
			doc,
			sender,
			_("Too many complaints came from your address in the last hour. Please try again later."),
		)
	total = frappe.db.count("Complaint", {"channel": ("in", (WEB, EMAIL)), "received_on": (">=", since)})
	if total >= setting(settings, "intake_limit_global"):
		refuse(
			doc,
			None,
			_("We are receiving an unusual number of complaints. Please try again in an hour or call us."),
		)
	if sender and sender[0] == "ip":
		frappe.db.after_commit.add(partial(remember_ip, sender[1]))


def sender_of(doc, settings) -> tuple[str, str] | None:
	if doc.channel == EMAIL:
		return ("email", doc.contact_email) if doc.contact_email else None
	if frappe.session.user != "Guest":
		return ("user", frappe.session.user)
	ip = client_ip(settings)
	return ("ip", ip) if ip else None


def count_sender(sender: tuple[str, str], since) -> int:
	kind, value = sender
	if kind == "email":
		filters = {"channel": EMAIL, "contact_email": value}
	elif kind == "user":
		filters = {"channel": WEB, "owner": value}
	else:
		return len(recent_ip_times(value))
	return frappe.db.count("Complaint", {**filters, "received_on": (">=", since)})


def client_ip(settings) -> str | None:
	"""The guest's address: the connection's, or the last entry of the trusted proxy's header when one is set
	(a proxy appends the address it saw to X-Forwarded-For; entries before it come from the client)."""
	request = getattr(frappe.local, "request", None)
	if not request:
		return None  # no HTTP request (console, job, in-process test): only the global limit applies
	header = (settings.get("trusted_proxy_ip_header") or "").strip()
	if header:
		forwarded = (request.headers.get(header) or "").split(",")[-1].strip()
		if is_ip(forwarded):
			return forwarded
	remote = (request.environ or {}).get("REMOTE_ADDR") or ""
	return remote if is_ip(remote) else None


def is_ip(value: str) -> bool:
	try:
		ipaddress.ip_address(value)
	except ValueError:
		return False
	return True


def ip_key(ip: str) -> str:
	return f"complaint_mgmt:intake_ip:{ip}"


def recent_ip_times(ip: str) -> list[float]:
	start = time.time() - WINDOW_SECONDS
	return [t for t in frappe.cache.get_value(ip_key(ip), expires=True) or [] if t >= start]


def remember_ip(ip: str) -> None:
	"""After the commit of a guest's complaint: one more in the address's sliding hour."""
	times = [*recent_ip_times(ip), time.time()]
	frappe.cache.set_value(ip_key(ip), times, expires_in_sec=WINDOW_SECONDS)


def refuse(doc, sender, message: str) -> None:
	if doc.channel != EMAIL:
		frappe.throw(message, frappe.RateLimitExceededError, title=_("Too many complaints"))
	log_refused_mail(doc, sender, message)
	frappe.flags.complaint_mail_refused = True
	frappe.db.after_rollback.add(partial(frappe.flags.pop, "complaint_mail_refused", None))
	raise MailRefused(message)


def log_refused_mail(doc, sender, message: str) -> None:
	"""One Error Log per sender (or for the global limit) and hour: a flood does not flood the log."""
	who = sender[1] if sender else _("all senders")
	title = _("Complaint e-mail not registered: {0}").format(who)[:140]
	since = now_datetime() - timedelta(seconds=WINDOW_SECONDS)
	if frappe.db.exists("Error Log", {"method": title, "creation": (">=", since)}):
		return
	frappe.log_error(
		title=title,
		message=_(
			"A mail from {0} (subject: {1}) was kept as a Communication without a complaint: {2} Further mails "
			"refused within the hour are not logged."
		).format(doc.flags.mail_sender or who, doc.description or "", message),
	)


def take_refused_mail(comm) -> bool:
	"""Communication.after_insert: the mail whose complaint ``refuse`` just refused. Frappe falls back to the
	sender's earlier complaint on DuplicateEntryError: the mail stays unlinked instead."""
	if not frappe.flags.get("complaint_mail_refused"):
		return False
	frappe.flags.complaint_mail_refused = False
	if comm.reference_doctype == "Complaint":
		comm.db_set({"reference_doctype": None, "reference_name": None}, update_modified=False)
	return True


# --- one complaint per Message-ID ----------------------------------------------------------------------------


def guard_duplicate_delivery(comm) -> None:
	"""Communication.after_insert of a received mail on a complaint (see the module docstring)."""
	if not comm.message_id:
		return
	digest = hashlib.sha256(comm.message_id.encode()).hexdigest()
	locks = getattr(frappe.local, "complaint_mail_locks", None)
	if locks is None:
		locks = frappe.local.complaint_mail_locks = {}
	if digest not in locks:
		lock = frappe.cache.lock(
			frappe.cache.make_key(f"complaint_mgmt:mail_lock:{digest}"),
			timeout=MAIL_LOCK_SECONDS,
			blocking_timeout=MAIL_LOCK_WAIT,
		)
		locks[digest] = lock if lock.acquire() else None  # not acquired in time: go on, as Frappe alone would
		frappe.db.after_commit.add(partial(mail_committed, digest))
		frappe.db.after_rollback.add(partial(release_mail_lock, digest))
	if frappe.cache.get_value(seen_key(digest), expires=True):
		# the same mail was committed by a concurrent delivery since this one checked: drop this one
		# (EmailAccount.receive rolls back and goes on with the next mail, without an error)
		raise SentEmailInInboxError(_("This mail was received already."))


def seen_key(digest: str) -> str:
	return f"complaint_mgmt:mail_seen:{digest}"


def mail_committed(digest: str) -> None:
	frappe.cache.set_value(seen_key(digest), 1, expires_in_sec=MAIL_SEEN_SECONDS)
	release_mail_lock(digest)


def release_mail_lock(digest: str) -> None:
	lock = (getattr(frappe.local, "complaint_mail_locks", None) or {}).pop(digest, None)
	if lock is not None:
		try:
			lock.release()
		except LockError:
			pass  # expired meanwhile: nothing to release
