"""The sweep's batch path (engine/sweep_batch.py, engine/notices.py): several complaints in one transaction get
the notices a single insert would give (the controller's rules, names of the naming series in order), one
Notification Log per recipient with the usual subject, and the "unseen" mark of the recipients' bell."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import get_datetime

from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_notice.complaint_penalty_notice import (
	notice_title,
)
from complaint_mgmt.engine import deadlines, notices
from complaint_mgmt.tests.site.factories import make_complaint, make_user

R = datetime(2026, 1, 5, 9, 0)  # a Monday in the past
H = timedelta(hours=1)


def test_a_batch_issues_complete_notices_named_in_series_order_and_notifies():
	specialist = make_user("batch.specialist@example.com", "Complaint Specialist")
	docs = [
		make_complaint(received_on=R, specialist=specialist, customer_name=f"Batch Customer {i}")
		for i in range(3)
	]
	has_settings = frappe.db.exists("Notification Settings", specialist)
	if has_settings:
		frappe.db.set_value("Notification Settings", specialist, "seen", 1)
	result = deadlines.run_sweep(now=R + 4 * H, transaction_size=10)
	assert result["notices"] >= 3 and result["errors"] == 0
	issued = frappe.get_all(
		"Complaint Penalty Notice",
		filters={"complaint": ("in", [d.name for d in docs])},
		fields=["name", "complaint", "department", "breach_type", "period", "amount", "breach_key", "title"],
		order_by="name asc",
	)
	assert [n.complaint for n in issued] == [d.name for d in docs]  # named in the order handled
	numbers = [int(n.name.rsplit("-", 1)[1]) for n in issued]
	assert numbers == list(range(numbers[0], numbers[0] + 3))
	for notice, doc in zip(issued, docs, strict=True):
		assert (notice.breach_type, notice.period, notice.amount) == ("Transfer", 0, 50.0)
		assert notice.breach_key == f"{doc.name}|Transfer|0"
		assert notice.title == notice_title(notice.department, "Transfer", 0, doc.name, doc.customer_name)
		full = frappe.get_doc("Complaint Penalty Notice", notice.name)
		assert full.docstatus == 1 and full.owner == frappe.session.user
		subject = notices.notice_subject(full, doc)
		assert subject.startswith(f"Penalty notice {notice.name}: complaint {doc.name} missed its")
		logs = frappe.get_all(
			"Notification Log",
			filters={"document_type": "Complaint Penalty Notice", "document_name": notice.name},
			fields=["for_user", "subject", "type"],
		)
		assert (specialist, subject, "Alert") in [(log.for_user, log.subject, log.type) for log in logs]
		assert {log.subject for log in logs} == {subject} and len({log.for_user for log in logs}) == len(logs)
	if has_settings:
		assert frappe.db.get_value("Notification Settings", specialist, "seen") == 0
	assert get_datetime(frappe.db.get_value("Complaint", docs[0].name, "next_check_at")) > R + 4 * H


def test_a_rerun_and_an_existing_notice_issue_nothing_twice():
	doc = make_complaint(received_on=R)
	assert deadlines.run_sweep(now=R + 4 * H)["notices"] >= 1
	assert deadlines.run_sweep(now=R + 4 * H)["complaints"] == 0  # nothing due any more
	# the breach flag lost (as if written by hand): the breach is due again, its notice exists: a duplicate
	frappe.db.set_value("Complaint", doc.name, {"transfer_breached": 0, "next_check_at": R + 4 * H})
	result = deadlines.run_sweep(now=R + 4 * H)
	assert (result["notices"], result["duplicates"]) == (0, 1)
	assert frappe.db.count("Complaint Penalty Notice", {"complaint": doc.name}) == 1


def test_reserved_names_follow_the_series_and_skip_none():
	first = notices.reserve_names("Complaint Penalty Notice", 2)
	second = notices.reserve_names("Complaint Penalty Notice", 1)
	assert notices.reserve_names("Complaint Penalty Notice", 0) == []
	numbers = [int(name.rsplit("-", 1)[1]) for name in first + second]
	assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
	assert all(name.startswith(f"CPN-{datetime.now().year}-") for name in first + second)


def test_a_deadlock_undoes_the_batch_and_each_complaint_is_retried(monkeypatch):
	"""The server rolls a deadlocked transaction back whole (here: back to the test's savepoint, so the test's
	own records stay): the batch is redone one complaint per transaction, a deadlock there is retried."""
	docs = [make_complaint(received_on=R) for _i in range(2)]
	frappe.db.savepoint("before_sweep")
	real_rollback = frappe.db.rollback

	def rollback(*, save_point=None):
		return real_rollback(save_point=save_point or "before_sweep")

	monkeypatch.setattr(frappe.db, "rollback", rollback)
	real_issue = notices.issue
	calls = []

	def deadlocking(pending, warnings, ctx):
		mine = sorted({doc.name for _notice, doc in pending} & {d.name for d in docs})
		calls.append(mine)
		if len(calls) <= 2:  # the batch, then the first complaint's first attempt
			raise frappe.QueryDeadlockError("Deadlock found when trying to get lock")
		return real_issue(pending, warnings, ctx)

	monkeypatch.setattr(notices, "issue", deadlocking)
	result = deadlines.run_sweep(now=R + 4 * H)
	first, second = sorted(d.name for d in docs)
	assert calls[:4] == [[first, second], [first], [first], [second]]
	assert result["errors"] == 0
	for doc in docs:
		assert frappe.db.count("Complaint Penalty Notice", {"complaint": doc.name}) == 1
		assert frappe.db.get_value("Complaint", doc.name, "transfer_breached") == 1


def test_automations_see_each_notice_once_after_the_commit(monkeypatch):
	"""The events an insert of a submitted document fires (after_insert, on_update, on_submit, on_change: what
	Notification alerts, webhooks, server scripts and doc_events hook into) run once per notice, after the batch
	is committed; a failing automation is logged and the sweep goes on."""
	from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_notice import complaint_penalty_notice

	docs = [make_complaint(received_on=R, customer_name=f"Event Customer {i}") for i in range(3)]
	mine = {d.name for d in docs}
	commits, events = [], []
	monkeypatch.setattr(frappe.db, "commit", lambda *a, **k: commits.append(1))

	def recorder(event):
		def method(self, *args, **kwargs):
			if self.complaint in mine:
				stored = frappe.db.get_value("Complaint Penalty Notice", self.name, "docstatus")
				events.append((event, self.complaint, stored, len(commits)))
				if event == "on_submit" and self.complaint == docs[1].name:
					raise RuntimeError("a site's automation failed")

		return method

	cls = complaint_penalty_notice.ComplaintPenaltyNotice
	for event in notices.INSERT_EVENTS:
		monkeypatch.setattr(cls, event, recorder(event), raising=False)
	result = deadlines.run_sweep(now=R + 4 * H, transaction_size=10)
	assert result["errors"] == 0
	for doc in docs:
		fired = [e for e in events if e[1] == doc.name]
		expected = (
			list(notices.INSERT_EVENTS) if doc != docs[1] else ["after_insert", "on_update", "on_submit"]
		)
		assert [e[0] for e in fired] == expected, doc.name
		assert all(stored == 1 and committed >= 1 for _e, _c, stored, committed in fired)  # after the commit
	assert frappe.get_all(
		"Error Log", filters={"method": ("like", "%automation on penalty notice%")}, limit=1
	)
	assert frappe.db.count("Complaint Penalty Notice", {"complaint": ("in", list(mine))}) == 3
