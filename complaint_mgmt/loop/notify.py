"""Notifications to people's ERP inbox: Frappe's Notification Log (bell icon). E-mail follows Frappe's own rule
(``is_email_notifications_enabled_for_type``), so there is one place to configure delivery; note that Frappe 15
never mails logs of type "Alert", the type used here.

Many notifications are written together (``NotificationBatch``: the deadline sweep notifies on every breach of
a batch of complaints): the recipients are resolved with a few queries for the whole batch, the logs are
inserted with one multi-row insert, and what ``NotificationLog.after_insert`` does is done once per user
instead of once per log (the realtime "notification" event after the commit, the "unseen" mark, the e-mail
when the user's settings ask for it). The user sees the same logs as with Frappe's ``make_notification_logs``:
same recipients (enabled users, matched by e-mail as Frappe does, whose notifications are on), same subject.
"""

import frappe
from frappe.desk.doctype.notification_log.notification_log import send_notification_email
from frappe.desk.doctype.notification_settings.notification_settings import (
	is_email_notifications_enabled_for_type,
)
from frappe.model.naming import make_autoname
from frappe.utils import now_datetime

LOG_TYPE = "Alert"


def notify(users, subject: str, doctype: str, name: str, message: str | None = None) -> None:
	"""Create one Notification Log per enabled user, in the current transaction (no duplicates, no blanks)."""
	batch = NotificationBatch()
	batch.add(users, subject, doctype, name, message)
	batch.flush()


def _candidates(users) -> list[str]:
	return sorted({u for u in users if u and u != "Guest"})


class NotificationBatch:
	"""Notification Logs collected with `add` and written by `flush`, in the current transaction."""

	def __init__(self):
		self.items: list[tuple[list[str], str, str, str, str | None]] = []
		self.recipients: dict[str, list[str]] = {}  # candidate -> the users Frappe would notify for it

	def add(self, users, subject: str, doctype: str, name: str, message: str | None = None) -> None:
		self.items.append((_candidates(users), subject, doctype, name, message))

	def resolve(self, users) -> None:
		"""Look the recipients among `users` up now (the sweep does it before it takes the naming series'
		lock, which it holds until the commit); `flush` looks up the others."""
		unknown = [u for u in _candidates(users) if u not in self.recipients]
		if not unknown:
			return
		# Our filter (an enabled user by name), then Frappe's own (make_notification_logs: an enabled user
		# whose e-mail is that name, whose notifications are on): both for all of them at once, in frappe.qb
		# (plain reads of the system's own tables, on every action: no list permissions to apply).
		user, settings = frappe.qb.DocType("User"), frappe.qb.DocType("Notification Settings")
		enabled = frappe.qb.from_(user).where(user.enabled == 1)
		named = set(enabled.select(user.name).where(user.name.isin(unknown)).run(pluck=True))
		by_email = dict(
			enabled.select(user.email, user.name).where(user.email.isin(sorted(named) or [""])).run()
		)
		users_found = sorted(set(by_email.values()))
		switched_off = set(
			frappe.qb.from_(settings)
			.select(settings.name)
			.where(settings.name.isin(users_found or [""]))
			.where(settings.enabled == 0)
			.run(pluck=True)
		)
		for user in unknown:
			found = by_email.get(user) if user in named else None
			self.recipients[user] = [found] if found and found not in switched_off else []

	def flush(self) -> int:
		"""Write the collected logs; returns how many."""
		items, self.items = self.items, []
		self.resolve([u for users, *_rest in items for u in users])
		logs = []
		for users, subject, doctype, name, message in items:
			for user in dict.fromkeys(r for u in users for r in self.recipients[u]):
				log = frappe.new_doc("Notification Log")
				log.update(
					{
						"name": make_autoname("hash"),
						"type": LOG_TYPE,
						"document_type": doctype,
						"document_name": name,
						"subject": subject,
						"email_content": message or subject,
						"from_user": frappe.session.user,
						"for_user": user,
					}
				)
				logs.append(log)
		insert_documents(logs)
		_after_insert(logs)
		return len(logs)


def _after_insert(logs: list) -> None:
	"""What ``NotificationLog.after_insert`` does, once per user for all of the user's logs."""
	by_user: dict[str, list] = {}
	for log in logs:
		by_user.setdefault(log.for_user, []).append(log)
	if not by_user:
		return
	settings = frappe.qb.DocType("Notification Settings")
	(frappe.qb.update(settings).set(settings.seen, 0).where(settings.name.isin(sorted(by_user)))).run()
	for user, user_logs in by_user.items():
		frappe.publish_realtime("notification", after_commit=True, user=user)
		if is_email_notifications_enabled_for_type(user, LOG_TYPE):
			for log in user_logs:
				try:
					send_notification_email(log)
				except frappe.OutgoingEmailError:
					log.log_error(frappe._("Failed to send notification email"))


def insert_documents(docs: list) -> None:
	"""``Document.db_insert`` for many new, named documents of one doctype (no child tables) in one multi-row
	INSERT: the Notification Logs here and the deadline sweep's penalty notices (engine/notices.py). Only the
	rows are written: the caller has done what the controller's validate does and what its after-insert needs."""
	if not docs:
		return
	now, user = now_datetime(), frappe.session.user
	rows = []
	for doc in docs:
		if not doc.name:
			raise ValueError(f"{doc.doctype}: a document must be named before insert_documents")
		doc.owner = doc.owner or user
		doc.modified_by = user
		doc.creation = doc.modified = now
		rows.append(doc.get_valid_dict(convert_dates_to_str=True))
	fields = list(rows[0])
	frappe.db.bulk_insert(docs[0].doctype, fields, [[row.get(f) for f in fields] for row in rows])
