"""Notifications to people's ERP inbox: Frappe's Notification Log (bell icon). Frappe mails them too when the
user's Notification Settings enable e-mail, so there is one place to configure delivery."""

import frappe
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs


def notify(users, subject: str, doctype: str, name: str, message: str | None = None) -> None:
	"""Create one Notification Log per enabled user, in the current transaction (no duplicates, no blanks)."""
	recipients = sorted({u for u in users if u and u not in ("Guest",)})
	if recipients:  # one query for all of them (the sweep notifies on every breach)
		recipients = frappe.get_all(
			"User", filters={"name": ("in", recipients), "enabled": 1}, pluck="name", order_by="name"
		)
	if not recipients:
		return
	make_notification_logs(
		frappe._dict(
			type="Alert",
			document_type=doctype,
			document_name=name,
			subject=subject,
			email_content=message or subject,
			from_user=frappe.session.user,
		),
		recipients,
	)
