"""Finance and the general manager (issue 19 §6): undoing an execution (who, when, the reason, what is logged),
marking notices executed in bulk (all or nothing) and the GM's overview (its figures equal direct counts; only
the GM and System Managers may read it)."""

import csv
from datetime import datetime, timedelta
from pathlib import Path

import frappe
import pytest
from frappe.desk.desktop import get_desktop_page
from frappe.utils import add_days, now_datetime, today

from complaint_mgmt.outputs import execution, gm_overview, weekly
from complaint_mgmt.procedure import execution_rules, rules
from complaint_mgmt.security import overrides
from complaint_mgmt.tests.site import report_week
from complaint_mgmt.tests.site.factories import make_complaint, make_department, set_settings

EXECUTOR = "cm-x-executor@example.com"
EXECUTOR_2 = "cm-x-executor2@example.com"
GM = "cm-x-gm@example.com"
HANDLER = "cm-x-handler@example.com"
DEPT_MANAGER = "cm-x-deptmgr@example.com"
SPECIALIST = "cm-x-specialist@example.com"
MANAGER = "cm-x-manager@example.com"
SALES, SERVICE = "Sales X", "Service X"
NOTICE = "Complaint Penalty Notice"


@pytest.fixture(scope="session")
def people(site_connection):
	report_week.make_people(
		(EXECUTOR, "Complaint Penalty Executor"),
		(EXECUTOR_2, "Complaint Penalty Executor"),
		(GM, "Complaint Bulletin Approver"),
		(HANDLER, "Complaint Handler"),
		(DEPT_MANAGER, "Complaint Department Manager"),
		(SPECIALIST, "Complaint Specialist"),
		(MANAGER, "Complaint Manager"),
	)


@pytest.fixture
def world(people):
	"""Two departments; Sales X: notices this week (2) and last week (1), a draft one and a cancelled one, a
	complaint overdue now; Service X: one notice this week, nothing overdue."""
	set_settings(week_starts_on="Monday")
	make_department(SALES, receivers=[HANDLER], manager=DEPT_MANAGER)
	make_department(SERVICE)
	now = now_datetime()
	this_week = rules.week_start_of(now.date(), "Monday")
	w = frappe._dict(now=now, this_week=this_week, last_week=this_week - timedelta(days=7))
	monday = datetime.combine(this_week, datetime.min.time())
	k1, k2, k3 = (make_complaint().name for _ in range(3))
	for name in (k1, k2):
		frappe.db.set_value("Complaint", name, "department", SALES, update_modified=False)
	frappe.db.set_value("Complaint", k3, "department", SERVICE, update_modified=False)
	# k1 is overdue now: transferred to Sales X, its transfer deadline past, not acknowledged
	frappe.db.set_value(
		"Complaint",
		k1,
		{"status": "Transferred", "transfer_due": now - timedelta(hours=2), "acknowledged_on": None},
		update_modified=False,
	)
	for name in (k2, k3):  # running, nothing due
		frappe.db.set_value(
			"Complaint",
			name,
			{f: None for f in ("transfer_due", "first_reply_due", "close_due", "return_visit_due")},
			update_modified=False,
		)
	w.k1, w.k2, w.k3 = k1, k2, k3
	w.a = report_week.notice(k1, SALES, "Transfer", 50, monday + timedelta(minutes=5)).name
	w.b = report_week.notice(k2, SALES, "Close", 100, min(now, monday + timedelta(minutes=10))).name
	w.c = report_week.notice(k3, SERVICE, "First Reply", 50, monday + timedelta(minutes=15)).name
	w.last = report_week.notice(k2, SALES, "Transfer", 50, monday - timedelta(days=3)).name
	w.draft = report_week.notice(k3, SERVICE, "Transfer", 50, monday, submit=False).name
	cancelled = report_week.notice(k1, SALES, "Close", 100, monday - timedelta(days=2))
	cancelled.cancel_reason = "Issued by mistake"
	cancelled.cancel()
	return w


def executed(name: str) -> tuple:
	return tuple(frappe.db.get_value(NOTICE, name, ["executed", "executed_by"]))


# -- undo -------------------------------------------------------------------------------------------------------


def test_an_executor_undoes_an_execution_of_today_with_a_reason(world):
	frappe.set_user(EXECUTOR)
	execution.mark_executed(world.a)
	frappe.set_user(EXECUTOR_2)  # any executor, not only the one who marked it
	result = execution.undo_execution(world.a, "  Paid by the customer's insurer instead  ")
	assert (result["executed"], result["executed_on"], result["executed_by"]) == (0, None, None)
	assert executed(world.a) == (0, None)
	frappe.set_user("Administrator")
	comment = frappe.get_all(
		"Comment",
		filters={"reference_doctype": NOTICE, "reference_name": world.a, "comment_type": "Info"},
		fields=["content", "owner"],
		order_by="creation desc",
		limit=1,
	)[0]
	assert "Paid by the customer's insurer instead" in comment.content and EXECUTOR in comment.content
	assert comment.owner == EXECUTOR_2
	step = frappe.get_all(
		"Complaint Step",
		filters={"parent": world.k1, "action": execution_rules.UNDONE_STEP},
		fields=["done_by", "note"],
	)
	assert len(step) == 1 and step[0].done_by == EXECUTOR_2 and world.a in step[0].note
	# executable again
	frappe.set_user(EXECUTOR)
	assert execution.mark_executed(world.a)["executed"] == 1


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_undo_without_a_reason_is_refused_and_writes_nothing(world, reason):
	frappe.set_user(EXECUTOR)
	execution.mark_executed(world.a)
	with pytest.raises(frappe.ValidationError, match="Give a reason"):
		execution.undo_execution(world.a, reason)
	assert executed(world.a) == (1, EXECUTOR)


def test_an_execution_of_an_earlier_day_is_not_undone(world):
	frappe.set_user(EXECUTOR)
	execution.mark_executed(world.a)
	yesterday = now_datetime() - timedelta(days=1)
	frappe.db.set_value(NOTICE, world.a, "executed_on", yesterday, update_modified=False)
	with pytest.raises(frappe.ValidationError, match="only be undone on the day") as err:
		execution.undo_execution(world.a, "Wrong notice")
	assert str(yesterday.date()) in str(err.value)
	assert executed(world.a) == (1, EXECUTOR)


@pytest.mark.parametrize("user", [HANDLER, DEPT_MANAGER, GM, SPECIALIST, MANAGER])
def test_only_an_executor_undoes(world, user):
	frappe.set_user(EXECUTOR)
	execution.mark_executed(world.a)
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		execution.undo_execution(world.a, "Wrong notice")
	assert executed(world.a) == (1, EXECUTOR)


def test_nothing_to_undo_on_an_unexecuted_or_missing_notice(world):
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.ValidationError, match="nothing to undo"):
		execution.undo_execution(world.a, "Wrong notice")
	with pytest.raises(frappe.PermissionError):
		execution.undo_execution("CPN-1999-99999", "Wrong notice")


def test_an_undo_gives_the_signed_bulletin_back_to_the_executors(world):
	"""The signed bulletin of last week waits in the executors' inbox until its notices are executed; an undo
	puts it back there."""
	name = weekly.make_penalty_bulletin(str(world.last_week))
	frappe.set_user(GM)
	frappe.get_doc("Complaint Penalty Bulletin", name).submit()
	frappe.set_user(EXECUTOR)
	execution.mark_bulletin_executed(name)  # every notice of its week
	assert executed(world.last) == (1, EXECUTOR)

	def open_todos():
		return frappe.get_all(
			"ToDo",
			filters={
				"reference_type": "Complaint Penalty Bulletin",
				"reference_name": name,
				"status": "Open",
			},
			pluck="allocated_to",
		)

	frappe.set_user("Administrator")
	assert EXECUTOR not in open_todos()
	frappe.set_user(EXECUTOR)
	execution.undo_execution(world.last, "Booked on the wrong cost centre")
	frappe.set_user("Administrator")
	assert EXECUTOR in open_todos()


# -- bulk -------------------------------------------------------------------------------------------------------


def test_bulk_marks_every_chosen_notice(world):
	frappe.set_user(EXECUTOR)
	assert execution.mark_notices_executed(frappe.as_json([world.a, world.b, world.c, world.a])) == 3
	assert {executed(n) for n in (world.a, world.b, world.c)} == {(1, EXECUTOR)}
	assert executed(world.last) == (0, None)


def test_bulk_is_all_or_nothing_and_names_each_refused_notice(world):
	frappe.set_user(EXECUTOR)
	execution.mark_executed(world.c)
	frappe.db.set_value(NOTICE, world.last, "appeal_status", "Open", update_modified=False)
	chosen = [world.a, world.c, world.draft, world.last, "CPN-1999-99999", world.b]
	with pytest.raises(frappe.ValidationError) as err:
		execution.mark_notices_executed(chosen)
	message = str(err.value)
	assert "No penalty notice was marked executed" in message
	assert f"Penalty notice {world.c} is already executed." in message
	assert f"Penalty notice {world.draft} is not submitted" in message
	assert f"Penalty notice {world.last} is under appeal" in message
	assert "CPN-1999-99999: you may not change this penalty notice" in message
	assert world.a not in message and world.b not in message
	assert executed(world.a) == (0, None) and executed(world.b) == (0, None)


@pytest.mark.parametrize("notices", ["[]", "CPN-1", "{}", [], "[1, 2]"])
def test_bulk_without_a_list_of_names_is_refused(world, notices):
	frappe.set_user(EXECUTOR)
	with pytest.raises(frappe.ValidationError, match="Select the penalty notices"):
		execution.mark_notices_executed(notices)


@pytest.mark.parametrize("user", [HANDLER, DEPT_MANAGER, GM, MANAGER])
def test_bulk_is_for_executors_only(world, user):
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		execution.mark_notices_executed([world.a])
	assert executed(world.a) == (0, None)


# -- the GM's overview ----------------------------------------------------------------------------------------


def direct_notices(department: str, start, end) -> tuple[int, float]:
	rows = frappe.get_all(
		NOTICE,
		filters=[
			["docstatus", "=", 1],
			["department", "=", department],
			["issued_on", ">=", datetime.combine(start, datetime.min.time())],
			["issued_on", "<", datetime.combine(end, datetime.min.time())],
		],
		pluck="amount",
	)
	return len(rows), float(sum(rows))


def test_the_overview_figures_equal_direct_counts(world):
	frappe.set_user(GM)
	data = gm_overview.get_overview()
	assert data["this_week"] == str(world.this_week) and data["last_week"] == str(world.last_week)
	rows = {r["department"]: r for r in data["departments"]}
	frappe.set_user("Administrator")
	next_week = world.this_week + timedelta(days=7)
	for department in (SALES, SERVICE):
		row = rows[department]
		assert (row["notices_this_week"], row["amount_this_week"]) == direct_notices(
			department, world.this_week, next_week
		)
		assert (row["notices_last_week"], row["amount_last_week"]) == direct_notices(
			department, world.last_week, world.this_week
		)
	assert (rows[SALES]["notices_this_week"], rows[SALES]["amount_this_week"]) == (2, 150)
	assert (rows[SALES]["notices_last_week"], rows[SALES]["amount_last_week"]) == (1, 50)
	assert (rows[SERVICE]["notices_this_week"], rows[SERVICE]["notices_last_week"]) == (1, 0)
	# overdue now: what the Overdue Complaints report counts for the department
	running = frappe.get_all(
		"Complaint",
		filters={"department": SALES, "status": "Transferred", "transfer_due": ("<", world.now)},
		pluck="name",
	)
	assert rows[SALES]["overdue_now"] == len(running) == 1 and rows[SERVICE]["overdue_now"] == 0
	# the trend: the twelve weeks' notices, per week and clock, add up to the count over the same days
	trend = data["trend"]
	assert len(trend["weeks"]) == 12 and trend["weeks"][-1] == str(world.this_week)
	start = datetime.combine(world.this_week - timedelta(days=77), datetime.min.time())
	end = datetime.combine(next_week, datetime.min.time())
	in_weeks = frappe.get_all(
		NOTICE,
		filters=[["docstatus", "=", 1], ["issued_on", ">=", start], ["issued_on", "<", end]],
		fields=["breach_type", "amount"],
	)
	assert sum(sum(series) for series in trend["counts"].values()) == len(in_weeks)
	for breach in rules.BREACH_TYPES:
		assert sum(trend["counts"][breach]) == len([n for n in in_weeks if n.breach_type == breach])
	assert sum(trend["amounts"]) == pytest.approx(sum(n.amount for n in in_weeks))


def test_the_overview_lists_the_bulletins_to_sign_until_signed(world):
	name = weekly.make_penalty_bulletin(str(world.last_week))
	frappe.set_user(GM)
	listed = {b["name"]: b for b in gm_overview.get_overview()["bulletins"]}
	bulletin = frappe.get_doc("Complaint Penalty Bulletin", name)
	assert listed[name]["notice_count"] == sum(r.notice_count for r in bulletin.items)
	assert listed[name]["total_amount"] == bulletin.total_amount
	assert len(listed) == frappe.db.count("Complaint Penalty Bulletin", {"docstatus": 0})
	bulletin.submit()  # what the screen's Sign button does (frappe.client.submit, as the GM)
	assert bulletin.signed_by == GM
	assert name not in {b["name"] for b in gm_overview.get_overview()["bulletins"]}


def test_the_overview_lists_the_overdue_reviews_without_their_content(world):
	for complaint, due in ((world.k2, add_days(today(), -3)), (world.k3, today())):
		review = frappe.get_doc(
			{
				"doctype": "Complaint Action Review",
				"complaint": complaint,
				"department": SALES,
				"status": "Open",
				"due_on": due,
				"root_cause": "Secret cause",
			}
		)
		review.flags.procedure_action = True
		review.insert()
	frappe.set_user(GM)
	reviews = gm_overview.get_overview()["reviews"]
	frappe.set_user("Administrator")
	assert reviews["total"] == frappe.db.count(
		"Complaint Action Review", {"status": "Open", "due_on": ("<", today())}
	)
	(row,) = [r for r in reviews["rows"] if r["complaint"] in (world.k2, world.k3)]
	assert row["complaint"] == world.k2 and row["due_on"] == str(add_days(today(), -3))
	assert row["overdue"].startswith("overdue by 2 d")
	assert "Secret cause" not in frappe.as_json(reviews)


def test_the_overview_speaks_the_readers_language(world):
	review = frappe.get_doc(
		{"doctype": "Complaint Action Review", "complaint": world.k2, "department": SALES, "status": "Open",
		 "due_on": add_days(today(), -3)}
	)  # fmt: skip
	review.flags.procedure_action = True
	review.insert()
	frappe.set_user(GM)
	frappe.local.lang = "zh"
	try:
		rows = gm_overview.get_overview()["reviews"]["rows"]
	finally:
		frappe.local.lang = "en"
	(row,) = [r for r in rows if r["complaint"] == world.k2]
	assert row["overdue"].startswith("逾期 2 天")


@pytest.mark.parametrize("user", [HANDLER, DEPT_MANAGER, EXECUTOR, SPECIALIST, MANAGER])
def test_the_overview_is_for_the_gm_and_system_managers_only(world, user):
	frappe.set_user(user)
	with pytest.raises(frappe.PermissionError):
		gm_overview.get_overview()
	frappe.set_user("Administrator")
	assert gm_overview.get_overview()["departments"]


# -- chart legends and values ---------------------------------------------------------------------------------


def zh_catalogue() -> dict:
	path = Path(__file__).resolve().parents[2] / "translations" / "zh.csv"
	with path.open(encoding="utf-8") as handle:
		return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


def chart_in(lang: str, name: str) -> dict:
	frappe.local.lang, frappe.local.lang_full_dict = lang, None
	try:
		return overrides.get_dashboard_chart(chart_name=name, refresh=1)
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None


def test_the_workspace_charts_speak_the_readers_language(world):
	"""The status chart's values (statuses) and every chart's legend come in the reader's language."""
	zh = zh_catalogue()
	english = chart_in("en", "Complaints by Status")
	chinese = chart_in("zh", "Complaints by Status")
	assert "Registered" in english["labels"] and "Transferred" in english["labels"]
	assert chinese["labels"] == [zh.get(label, label) for label in english["labels"]]
	assert zh["Registered"] in chinese["labels"] and "Registered" not in chinese["labels"]
	assert chinese["datasets"][0]["name"] == zh["Complaints by Status"]
	assert chinese["datasets"][0]["values"] == english["datasets"][0]["values"]
	trend = chart_in("zh", "Weekly Complaint Trend")
	assert trend["datasets"][0]["name"] == zh["Weekly Complaint Trend"]


def test_the_workspace_offers_the_gm_screen_to_the_gm_only(world):
	"""A shortcut of the Complaints workspace; Frappe shows a Page shortcut to the page's roles only."""

	def shortcuts(user: str) -> set[str]:
		frappe.set_user(user)
		page = get_desktop_page(frappe.as_json({"name": "Complaints", "title": "Complaints"}))
		return {item.get("link_to") for item in page["shortcuts"]["items"]}

	assert "gm-overview" in shortcuts(GM)
	for user in (HANDLER, EXECUTOR, MANAGER):
		assert "gm-overview" not in shortcuts(user)
