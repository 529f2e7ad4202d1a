"""My work (complaint_mgmt.api.my_work): only the caller's own open ToDos on complaints they may read, with the
full task text, the running clock's deadline and signed time left, the SLA state and the step's actions, most
urgent first; ToDos handed on, closed ones and another department's complaints are not in it."""

from datetime import timedelta

import frappe
import pytest
from frappe.utils import get_datetime, now_datetime

from complaint_mgmt import api
from complaint_mgmt.loop import inbox
from complaint_mgmt.outputs.weekly import make_penalty_bulletin, previous_week_start
from complaint_mgmt.tests.site.api_setup import (
	FINANCE,
	GM,
	HANDLER,
	HANDLER2,
	MGR,
	OTHER,
	SALES,
	SPEC,
	as_user,
	call,
	complaint_at,
	setup_people,
)
from complaint_mgmt.tests.site.factories import make_complaint


@pytest.fixture
def people():
	return setup_people()


def work(user: str) -> list[dict]:
	with as_user(user):
		return api.my_work()["items"]


def names(items) -> list[str]:
	return [item["reference_name"] for item in items]


def transferred(to: str = SALES, **kw) -> str:
	with as_user(SPEC):
		name = make_complaint(**kw).name
	call(SPEC, api.transfer, name, to)
	return name


def test_only_the_callers_own_open_todos(people):
	mine = transferred()
	theirs = transferred(FINANCE)
	items = work(HANDLER)
	assert mine in names(items) and theirs not in names(items)
	assert theirs in names(work(OTHER)) and mine not in names(work(OTHER))
	item = next(i for i in items if i["reference_name"] == mine)
	# the full task text of the ToDo, the complaint, the step's action
	assert item["description"] == inbox.task_text("acknowledge", mine)
	assert item["complaint"]["status"] == "Transferred"
	assert item["complaint"]["department"] == SALES
	assert [a["action"] for a in item["actions"]] == ["Acknowledge"]
	# the clock that runs and its deadline, to the second
	doc = frappe.get_doc("Complaint", mine)
	assert item["clock"]["clock"] == "Transfer"
	assert get_datetime(item["clock"]["due"]) == get_datetime(doc.transfer_due)
	left = (get_datetime(doc.transfer_due) - now_datetime()).total_seconds()
	assert 0 < item["clock"]["seconds"] <= left + 5


def test_closed_and_handed_on_todos_are_not_in_it(people):
	name = transferred()
	# the specialist handed the complaint on: the ToDo they assigned is the handler's, not theirs
	assert name not in names(work(SPEC))
	call(HANDLER, api.acknowledge, name)
	items = [i for i in work(HANDLER) if i["reference_name"] == name]
	# the acknowledge ToDo closed with the step: only the next step's is there
	assert [i["description"] for i in items] == [inbox.task_text("first_reply", name)]
	assert [a["action"] for a in items[0]["actions"]] == ["Reply", "Request Deferral"]
	# the handler hands the task on to a colleague: it leaves the handler's work and is the colleague's
	todo = frappe.get_doc("ToDo", items[0]["todo"])
	with as_user(HANDLER):
		todo.allocated_to = HANDLER2
		todo.save()
	assert name not in names(work(HANDLER))
	assert name in names(work(HANDLER2))


def test_a_todo_on_a_complaint_the_caller_may_not_read_is_left_out(people):
	theirs = transferred(FINANCE)
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": HANDLER,
			"reference_type": "Complaint",
			"reference_name": theirs,
			"description": "Look at Finance's complaint",
		}
	).insert(ignore_permissions=True)  # test setup: a ToDo Frappe would let anyone assign
	assert theirs not in names(work(HANDLER))


def test_most_urgent_first(people):
	now = now_datetime().replace(microsecond=0)
	fresh = transferred(received_on=now - timedelta(minutes=1))
	older = transferred(received_on=now - timedelta(minutes=30))
	late = transferred(received_on=now - timedelta(days=3))
	later_late = transferred(received_on=now - timedelta(days=2))
	order = [n for n in names(work(HANDLER)) if n in (fresh, older, late, later_late)]
	assert order == [late, later_late, older, fresh]
	items = {i["reference_name"]: i for i in work(HANDLER)}
	assert items[late]["clock"]["seconds"] < items[later_late]["clock"]["seconds"] < 0
	assert 0 < items[older]["clock"]["seconds"] < items[fresh]["clock"]["seconds"]


def test_an_action_taken_from_my_work_moves_the_complaint_on(people):
	name = complaint_at("Return Visited")
	item = next(i for i in work(MGR) if i["reference_name"] == name)
	assert [a["action"] for a in item["actions"]] == ["Approve Close", "Reject Closure"]
	assert item["approver_roles"]  # the approve dialog names who approves
	assert item["clock"] is None  # no clock runs while the closure waits for approval
	# a task on it handed to the department's handler offers nothing the server would refuse him
	frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": HANDLER,
			"reference_type": "Complaint",
			"reference_name": name,
			"description": "Look at the closure",
		}
	).insert(ignore_permissions=True)  # test setup: a ToDo Frappe would let anyone assign
	assert next(i for i in work(HANDLER) if i["reference_name"] == name)["actions"] == []
	call(MGR, api.approve_close, name)
	assert name not in names(work(MGR))
	assert frappe.db.get_value("Complaint", name, "status") == "Closed"


def test_guest_gets_nothing():
	with as_user("Guest"), pytest.raises(frappe.PermissionError):
		api.my_work()


def test_the_task_reads_in_the_callers_language(people):
	name = transferred()  # the inbox wrote the task in the handler's language then (English)
	frappe.local.lang, frappe.local.lang_full_dict = "zh", None
	try:
		item = next(i for i in work(HANDLER) if i["reference_name"] == name)
		assert item["description"] == inbox.task_text("acknowledge", name)
		assert item["description"].startswith("客户抱怨") and item["actions"][0]["label"] == "签收"
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None


def test_the_general_managers_bulletin_is_in_his_work(people):
	bulletin = make_penalty_bulletin(previous_week_start(now_datetime().date()))
	item = next(i for i in work(GM) if i["reference_name"] == bulletin)
	assert item["reference_type"] == "Complaint Penalty Bulletin"
	assert item["description"].startswith(f"Penalty bulletin {bulletin}")
	assert item["actions"] == [] and item["complaint"] is None
	# the handler holds no bulletin
	assert bulletin not in names(work(HANDLER))


def test_a_todo_outliving_its_document_is_left_out(people):
	bulletin = make_penalty_bulletin(previous_week_start(now_datetime().date()))
	assert bulletin in names(work(GM))
	# gone without its hooks (a restore, a clean-up): the general manager's ToDo stays behind
	frappe.db.delete("Complaint Penalty Bulletin Item", {"parent": bulletin})
	frappe.db.delete("Complaint Penalty Bulletin", bulletin)
	assert frappe.db.exists("ToDo", {"reference_name": bulletin, "allocated_to": GM, "status": "Open"})
	assert bulletin not in names(work(GM))
