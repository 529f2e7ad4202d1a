"""Appeals against penalty notices (issue 18 §2) on the site: filing, the refusals (each writes nothing), the three
decisions and what they do to the notice, the sweep that issues nothing again, the decider's inbox, the step log,
execution held while an appeal is open, and who reads appeals."""

from datetime import datetime, time, timedelta

import frappe
import pytest
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from complaint_mgmt import api
from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import appeals as appeals_loop
from complaint_mgmt.outputs import execution
from complaint_mgmt.tests.site.factories import make_complaint, make_department, set_settings

NOTICE, APPEAL = "Complaint Penalty Notice", "Complaint Penalty Appeal"
MANAGER = "cm-appeal-mgr@example.com"
MEMBER = "cm-appeal-member@example.com"
OTHER_MANAGER = "cm-appeal-other-mgr@example.com"
GM = "cm-appeal-gm@example.com"
EXECUTOR = "cm-appeal-executor@example.com"
SPECIALIST = "cm-specialist@example.com"
CENTER = "Customer Service Center"


def issue_notice(now: datetime):
	"""A transfer breach notice the sweep issues at `now` to the service center, managed by MANAGER."""
	center = frappe.get_doc("Complaint Department", CENTER)
	center.manager = MANAGER
	center.append("members", {"user": MEMBER})
	center.save()
	make_department("Appeal Finance", manager=OTHER_MANAGER)
	complaint = make_complaint(received_on=now - timedelta(hours=5))
	deadlines.run_sweep(now=now)
	frappe.clear_document_cache("Complaint Department")
	return frappe.get_last_doc(NOTICE, filters={"complaint": complaint.name, "docstatus": 1})


@pytest.fixture
def notice():
	"""The notice issued a moment ago."""
	return issue_notice(now_datetime())


def at(monkeypatch, when: datetime) -> None:
	"""The appeal actions run at `when` (their clock: filing day, requested_on, decided_on)."""
	monkeypatch.setattr(appeals_loop, "now_datetime", lambda: when)


def appeal(notice, user=MANAGER, reason="The customer's phone number was wrong: we could not reach them."):
	frappe.set_user(user)
	try:
		return api.appeal_notice(notice.name, reason)["name"]
	finally:
		frappe.set_user("Administrator")


def decide(name, decision, reason="Checked the call log.", amount=None, user=GM):
	frappe.set_user(user)
	try:
		return api.decide_appeal(name, decision, reason, amount)
	finally:
		frappe.set_user("Administrator")


def live_notices(complaint: str) -> list[dict]:
	return frappe.get_all(
		NOTICE,
		filters={"complaint": complaint, "docstatus": 1},
		fields=["name", "amount", "breach_key", "amended_from", "appeal_status", "appeal_decision"],
	)


def steps(complaint: str) -> list[str]:
	return frappe.get_all("Complaint Step", filters={"parent": complaint}, pluck="action", order_by="idx asc")


def nothing_written(notice, appeals_before: int) -> None:
	assert frappe.db.count(APPEAL) == appeals_before
	assert not frappe.db.get_value(NOTICE, notice.name, "appeal_status")
	assert "Appeal Filed" not in steps(notice.complaint)


def test_the_departments_manager_appeals(notice):
	result = api.appeal_notice  # the contract's name
	assert result is not None
	name = appeal(notice)
	doc = frappe.get_doc(APPEAL, name)
	assert (doc.notice, doc.department, doc.status, doc.requested_by) == (
		notice.name,
		CENTER,
		"Open",
		MANAGER,
	)
	assert doc.requested_on and "phone number" in doc.reason
	assert frappe.db.get_value(NOTICE, notice.name, "appeal_status") == "Open"
	assert steps(notice.complaint)[-1] == "Appeal Filed"
	# the decider's inbox, dated by appeal_decision_days (5)
	todos = frappe.get_all(
		"ToDo",
		filters={"reference_type": APPEAL, "reference_name": name, "status": "Open"},
		fields=["allocated_to", "date", "description"],
	)
	assert GM in {t.allocated_to for t in todos} and MANAGER not in {t.allocated_to for t in todos}
	assert {getdate(t.date) for t in todos} == {getdate(add_days(now_datetime().date(), 5))}
	assert frappe.db.exists("Notification Log", {"for_user": GM, "document_name": name})
	# the complaint's own turn is unchanged: the appeal is a side step
	from complaint_mgmt.loop import inbox

	assert inbox.current_step(frappe.get_doc("Complaint", notice.complaint)).task == "transfer"


def test_a_late_appeal_is_refused_and_writes_nothing(notice, monkeypatch):
	before = frappe.db.count(APPEAL)
	issued = get_datetime(notice.issued_on)
	at(monkeypatch, datetime.combine(issued.date() + timedelta(days=4), time(0, 0)))
	with pytest.raises(frappe.ValidationError, match="appeal period"):
		appeal(notice)
	nothing_written(notice, before)
	# the third calendar day after the issue is the last one (site time zone)
	at(monkeypatch, datetime.combine(issued.date() + timedelta(days=3), time(23, 59)))
	assert appeal(notice)


def test_a_second_appeal_is_refused(notice):
	appeal(notice)
	before = frappe.db.count(APPEAL)
	with pytest.raises(frappe.ValidationError, match="appealed already"):
		appeal(notice)
	assert frappe.db.count(APPEAL) == before


@pytest.mark.parametrize("user", [OTHER_MANAGER, MEMBER, SPECIALIST, GM, EXECUTOR])
def test_only_the_penalised_departments_manager_appeals(notice, user):
	before = frappe.db.count(APPEAL)
	with pytest.raises(frappe.PermissionError):
		appeal(notice, user=user)
	nothing_written(notice, before)


def test_an_appeal_needs_a_reason_and_a_submitted_notice(notice):
	before = frappe.db.count(APPEAL)
	with pytest.raises(frappe.ValidationError, match="Give the reason"):
		appeal(notice, reason="   ")
	nothing_written(notice, before)
	notice.cancel_reason = "Issued in error."
	notice.save()
	notice.cancel()
	with pytest.raises(frappe.ValidationError, match="not a submitted notice"):
		appeal(notice)
	assert frappe.db.count(APPEAL) == before


def test_a_notice_under_appeal_is_not_executed_nor_cancelled_by_hand(notice):
	name = appeal(notice)
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.ValidationError, match="under appeal"):
		execution.mark_executed(notice.name)
	frappe.set_user("Administrator")
	doc = frappe.get_doc(NOTICE, notice.name)
	doc.executed = 1
	with pytest.raises(frappe.ValidationError, match="under appeal"):
		doc.save()  # an update after submit (desk, REST) is refused too
	doc.reload()
	doc.cancel_reason = "Wrong department."
	with pytest.raises(frappe.ValidationError, match="under appeal"):
		doc.cancel()
	assert frappe.db.get_value(NOTICE, notice.name, ["docstatus", "executed"]) == (1, 0)
	decide(name, "Upheld")
	frappe.set_user(EXECUTOR)
	assert execution.mark_executed(notice.name)["executed"] == 1  # decided: executed as usual


@pytest.mark.parametrize("user", [MANAGER, MEMBER, SPECIALIST, EXECUTOR, OTHER_MANAGER])
def test_a_decision_needs_the_deciders_role(notice, user):
	name = appeal(notice)
	with pytest.raises(frappe.PermissionError):
		decide(name, "Annulled", user=user)
	assert frappe.db.get_value(APPEAL, name, "status") == "Open"
	assert frappe.db.get_value(NOTICE, notice.name, ["docstatus", "appeal_status"]) == (1, "Open")


def test_the_appellant_never_decides_its_own_appeal(notice):
	frappe.get_doc("User", MANAGER).add_roles("Complaint Bulletin Approver")
	name = appeal(notice)
	with pytest.raises(frappe.PermissionError, match="You filed this appeal"):
		decide(name, "Annulled", user=MANAGER)
	assert frappe.db.get_value(APPEAL, name, "status") == "Open"


@pytest.mark.parametrize(
	"decision, amount, message",
	[
		("Rejected", None, "Unknown decision"),
		("Reduced", None, "more than 0 and less"),
		("Reduced", 0, "more than 0 and less"),
		("Reduced", 50, "more than 0 and less"),  # the notice's amount (General transfer: 50)
		("Reduced", 80, "more than 0 and less"),
		("Upheld", 20, "only with the decision Reduced"),
	],
)
def test_bad_decisions_are_refused_and_write_nothing(notice, decision, amount, message):
	assert notice.amount == 50
	name = appeal(notice)
	with pytest.raises(frappe.ValidationError, match=message):
		decide(name, decision, amount=amount)
	assert frappe.db.get_value(APPEAL, name, "status") == "Open"
	assert len(live_notices(notice.complaint)) == 1
	assert frappe.db.get_value(NOTICE, notice.name, "appeal_status") == "Open"


def test_a_decision_needs_a_reason(notice):
	name = appeal(notice)
	with pytest.raises(frappe.ValidationError, match="Give the reason"):
		decide(name, "Annulled", reason=" ")
	assert frappe.db.get_value(APPEAL, name, "status") == "Open"


def test_upheld_leaves_the_notice_and_tells_the_department(notice):
	name = appeal(notice)
	result = decide(name, "Upheld", reason="The deadline was clear.")
	assert (result["name"], result["status"], result["decided_by"]) == (name, "Upheld", GM)
	assert result["decision_reason"] == "The deadline was clear." and result["decided_on"]
	row = frappe.db.get_value(
		NOTICE, notice.name, ["docstatus", "amount", "appeal_status", "appeal_decision"], as_dict=True
	)
	assert (row.docstatus, row.amount, row.appeal_status) == (1, 50, "Upheld")
	assert "The deadline was clear." in row.appeal_decision
	assert not frappe.db.exists("ToDo", {"reference_name": name, "status": "Open"})
	assert frappe.db.exists("Notification Log", {"for_user": MANAGER, "document_name": name})
	assert steps(notice.complaint)[-2:] == ["Appeal Filed", "Appeal Decided"]
	with pytest.raises(frappe.ValidationError, match="decided already"):
		decide(name, "Annulled")


def test_annulled_cancels_the_notice_and_the_sweep_does_not_issue_it_again(notice):
	name = appeal(notice)
	decide(name, "Annulled", reason="The transfer was blocked by a system outage.")
	row = frappe.db.get_value(
		NOTICE, notice.name, ["docstatus", "cancel_reason", "breach_key", "appeal_status"], as_dict=True
	)
	assert (row.docstatus, row.breach_key, row.appeal_status) == (2, None, "Annulled")
	assert "system outage" in row.cancel_reason and name in row.cancel_reason
	assert deadlines.run_sweep(now=now_datetime() + timedelta(minutes=1))["notices"] == 0
	assert live_notices(notice.complaint) == []


def test_reduced_cancels_and_amends_with_the_new_amount(notice):
	key = notice.breach_key
	name = appeal(notice)
	result = decide(name, "Reduced", reason="Half: the customer gave a wrong number.", amount=20)
	(amended,) = live_notices(notice.complaint)
	assert result["reduced_amount"] == 20 and result["amended_notice"] == amended.name
	assert (amended.amended_from, amended.amount, amended.breach_key) == (notice.name, 20, key)
	assert amended.appeal_status == "Reduced" and "wrong number" in amended.appeal_decision
	original = frappe.db.get_value(
		NOTICE, notice.name, ["docstatus", "cancel_reason", "appeal_status", "appeal_decision"], as_dict=True
	)
	assert (original.docstatus, original.appeal_status) == (2, "Reduced")
	assert "wrong number" in original.cancel_reason and "wrong number" in original.appeal_decision
	# the sweep takes the amendment as the breach's notice: nothing new, the unique breach_key holds
	assert deadlines.run_sweep(now=now_datetime() + timedelta(minutes=1))["notices"] == 0
	assert [n.name for n in live_notices(notice.complaint)] == [amended.name]
	# the amendment is the appeal's outcome: not appealed again
	with pytest.raises(frappe.ValidationError, match="appealed already"):
		appeal(frappe.get_doc(NOTICE, amended.name))


def listed() -> list[str]:
	try:
		return frappe.get_list(APPEAL, pluck="name")
	except frappe.PermissionError:
		return []  # no role that reads appeals at all


def test_who_reads_an_appeal(notice):
	name = appeal(notice)
	for user in (MANAGER, MEMBER, GM, "Administrator"):
		assert frappe.has_permission(APPEAL, "read", doc=name, user=user), user
		frappe.set_user(user)
		assert name in listed(), user
	for user in (OTHER_MANAGER, SPECIALIST, EXECUTOR, "cm-outsider@example.com"):
		frappe.set_user(user)
		assert not frappe.has_permission(APPEAL, "read", doc=name, user=user), user
		assert name not in listed()
	frappe.set_user("Administrator")
	# the executor sees the appeal on the notice itself
	frappe.set_user(EXECUTOR)
	assert frappe.get_doc(NOTICE, notice.name).appeal_status == "Open"


def test_an_appeal_is_written_only_by_the_actions(notice):
	name = appeal(notice)
	frappe.set_user(MANAGER)  # write (for attachments) but no save of the fields
	doc = frappe.get_doc(APPEAL, name)
	doc.reason = "Another reason"
	with pytest.raises(frappe.PermissionError):
		doc.save()
	frappe.set_user("Administrator")
	with pytest.raises(frappe.ValidationError):
		frappe.delete_doc(APPEAL, name)


def test_the_handling_document_prints_the_appeal_steps(notice):
	name = appeal(notice)
	decide(name, "Upheld", reason="Deadline was clear.")
	html = frappe.get_print("Complaint", notice.complaint, print_format="Complaint Handling Document")
	assert "Appeal Filed" in html and "Appeal Decided" in html and "Deadline was clear." in html


def test_settings_defaults_and_limits():
	settings = frappe.get_single("Complaint Settings")
	assert (settings.appeal_days, settings.appeal_decision_days) == (3, 5)
	assert settings.appeal_decider_role == "Complaint Bulletin Approver"
	settings.appeal_days = -1
	with pytest.raises(frappe.ValidationError, match="at least 1"):
		settings.save()


@pytest.fixture
def forget_custom_perms():
	"""The test adds Custom DocPerms: their cached rules go with the rollback."""
	yield
	frappe.db.rollback()
	frappe.clear_cache(doctype=APPEAL)


def test_the_decider_role_is_a_setting(notice, forget_custom_perms):
	for role in ("Complaint Handler", "All"):
		with pytest.raises(frappe.ValidationError, match="cannot decide"):
			set_settings(appeal_decider_role=role)
	if not frappe.db.exists("Role", "Appeal Board"):
		frappe.get_doc({"doctype": "Role", "role_name": "Appeal Board", "desk_access": 1}).insert()
	frappe.get_doc("User", EXECUTOR).add_roles("Appeal Board")
	set_settings(appeal_decider_role="Appeal Board")  # gets read access to the appeals it decides
	name = appeal(notice)
	assert frappe.db.exists("ToDo", {"reference_name": name, "allocated_to": EXECUTOR, "status": "Open"})
	assert not frappe.db.exists("ToDo", {"reference_name": name, "allocated_to": GM})
	assert frappe.has_permission(APPEAL, "read", doc=name, user=EXECUTOR)
	with pytest.raises(frappe.PermissionError, match="Appeal Board"):
		decide(name, "Upheld", user=GM)  # the former decider role
	assert decide(name, "Upheld", user=EXECUTOR)["status"] == "Upheld"


def test_the_notice_prints_its_appeal(notice):
	name = appeal(notice)
	html = frappe.get_print(NOTICE, notice.name, print_format="Complaint Penalty Notice")
	assert "Under appeal, pending" in html
	decide(name, "Upheld", reason="Deadline <b>was</b> clear.")
	html = frappe.get_print(NOTICE, notice.name, print_format="Complaint Penalty Notice")
	assert "Upheld" in html and "Deadline &lt;b&gt;was&lt;/b&gt; clear." in html


def test_the_form_offers_the_decision_to_the_decider_only(notice):
	name = appeal(notice)

	def offered(user) -> bool:
		frappe.set_user(user)
		doc = frappe.get_doc(APPEAL, name)
		doc.run_method("onload")
		frappe.set_user("Administrator")
		return doc.get_onload().can_decide

	assert (offered(GM), offered(MANAGER), offered(MEMBER)) == (True, False, False)
	decide(name, "Upheld")
	assert not offered(GM)  # decided
