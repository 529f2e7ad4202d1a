"""Response targets by channel (spec §6): a complaint from a channel with a target tells the target's role at
once (a Notification Log entry in each user's inbox) and has a transfer deadline of at most the target's hours
(``rules.clock_hours``; the grade's own hours stay when they are shorter)."""

import frappe
from frappe import _
from frappe.utils.user import get_users_with_role

from complaint_mgmt.loop import adapters
from complaint_mgmt.loop.notify import notify


def target_for(channel: str | None, settings=None):
	"""The Complaint Channel Target row of `channel`, None without one."""
	settings = settings or adapters.get_settings()
	return next((row for row in settings.get("channel_targets") or [] if row.channel == channel), None)


def on_registration(doc) -> None:
	"""Complaint.after_insert: the target's role hears of the complaint at once."""
	target = target_for(doc.channel)
	if not target or not target.notify_role:
		return
	subject = _("Complaint {0} came through {1}: respond within {2} hours.").format(
		doc.name, _(doc.channel), frappe.format(target.response_hours, {"fieldtype": "Float"})
	)
	notify(get_users_with_role(target.notify_role), subject, "Complaint", doc.name, doc.description)
