"""Bulk import of complaint history: handled complaints written as they were, flagged imported, no inbox entries,
notifications or penalty notices (the sweep ignores them), bad rows by line with nothing written, permissions,
the template."""

import csv
import io
import os
from datetime import datetime, timedelta

import frappe
import pytest
from frappe.utils import now_datetime
from frappe.utils.xlsxutils import make_xlsx

from complaint_mgmt import api
from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import history_import
from complaint_mgmt.outputs import report_check, report_stats
from complaint_mgmt.procedure.history_rules import COLUMNS
from complaint_mgmt.tests.site.api_setup import GOOD_ACTION, HANDLER, MGR, SPEC, as_user, call, setup_people
from complaint_mgmt.tests.site.factories import make_complaint, make_department

DEPT = "History Sales"
CLOSED = {
	"source_reference": "OLD-7",
	"status": "Closed",
	"customer_name": "History Li",
	"contact_phone": "+86-13900000001",
	"channel": "Phone",
	"category": "Product Quality",
	"grade": "General",
	"department": DEPT,
	"description": "The kettle leaks.",
	"received_on": "2024-03-01 09:00:00",
	"transferred_on": "2024-03-01 09:30:00",
	"acknowledged_on": "2024-03-01 16:00:00",  # 4 h transfer deadline missed
	"first_replied_on": "2024-03-02 09:00:00",
	"close_requested_on": "2024-05-15 09:00:00",  # 72 h closing deadline missed by months
	"return_visited_on": "2024-05-15 12:00:00",
	"closed_on": "2024-05-16 09:00:00",
	"resolution": "Kettle replaced",
	"root_cause": "A faulty seal batch",
	"corrective_action": "Pressure-test every seal batch at goods receipt",
	"compensation_amount": "30",
	"closure_type": "Second Closure",
}
DEFERRED = {
	**{k: v for k, v in CLOSED.items() if k in COLUMNS[:13]},
	"source_reference": "",
	"customer_name": "History Wang",
	"status": "Deferred",
	"received_on": "2025-01-06 09:00:00",
	"transferred_on": "2025-01-06 09:10:00",
	"acknowledged_on": "2025-01-06 10:00:00",
	"deferral_requested_on": "2025-01-06 12:00:00",
	"deferral_approved_on": "2025-01-06 13:00:00",
	"deferral_reason": "The customer is abroad until summer",
	"follow_up_mode": "Monitor",
}


def table(*rows: dict) -> list[list]:
	return [list(COLUMNS), *([row.get(c) or None for c in COLUMNS] for row in rows)]


def csv_bytes(rows: list[list]) -> bytes:
	out = io.StringIO()
	csv.writer(out).writerows([["" if c is None else c for c in row] for row in rows])
	return out.getvalue().encode("utf-8")


@pytest.fixture
def upload():
	"""Save content as a private File; the files on disk are removed afterwards (the rows roll back)."""
	paths = []

	def save(content: bytes, file_name: str) -> str:
		doc = frappe.get_doc({"doctype": "File", "file_name": file_name, "content": content, "is_private": 1})
		doc.insert()
		paths.append(doc.get_full_path())
		return doc.file_url

	yield save
	for path in paths:
		if os.path.exists(path):
			os.remove(path)


@pytest.fixture(autouse=True)
def department():
	make_department(DEPT)


def names_of(*customers: str) -> list[str]:
	return frappe.get_all("Complaint", filters={"customer_name": ("in", customers)}, pluck="name")


def test_handled_complaints_are_written_as_they_were(upload):
	url = upload(csv_bytes(table(CLOSED, DEFERRED)), "history.csv")
	before = now_datetime()
	result = history_import.import_history(url)
	assert (result["imported"], result["bad_rows"], result["dry_run"]) == (2, [], False)
	closed = frappe.get_doc("Complaint", result["first"])
	assert closed.customer_name == "History Li" and closed.imported == 1 and closed.status == "Closed"
	assert closed.closure_type == "Second Closure" and closed.next_check_at is None
	assert str(closed.received_on) == "2024-03-01 09:00:00" and str(closed.closed_on) == "2024-05-16 09:00:00"
	assert str(closed.close_due) == "2024-03-04 09:00:00"  # the closing deadline of the time
	assert closed.transfer_breached == closed.close_breached == 1 and closed.repeat_periods_issued == 2
	assert closed.satisfied == 1 and closed.compensation_amount == 30 and closed.department == DEPT
	assert (
		closed.sla_status == "Missed"
		and frappe.db.get_value("Complaint", result["last"], "sla_status") == "Met"
	)
	[step] = closed.steps
	assert step.action == "Imported" and "line 2" in step.note and "OLD-7" in step.note
	deferred = frappe.get_doc("Complaint", result["last"])
	assert deferred.status == "Deferred" and deferred.irrational_stage == "Secondary"
	assert (
		deferred.follow_up_mode == "Monitor" and str(deferred.close_due_at_deferral) == "2025-01-09 09:00:00"
	)
	assert deferred.close_due is None and deferred.next_check_at is None
	names = [closed.name, deferred.name]
	assert not frappe.get_all("ToDo", filters={"reference_name": ("in", names)})
	assert not frappe.get_all("Notification Log", filters={"document_name": ("in", names)})
	for now in (before, before + timedelta(days=400)):
		deadlines.run_sweep(now=now)
	assert not frappe.get_all("Complaint Penalty Notice", filters={"complaint": ("in", names)})
	assert frappe.db.get_value("Complaint", closed.name, "modified") == closed.modified  # untouched
	later = make_complaint()  # the series counter moved past the imported names
	assert (
		later.name not in names
		and int(later.name.rsplit("-", 1)[1]) == int(deferred.name.rsplit("-", 1)[1]) + 1
	)


def test_bad_rows_are_reported_by_line_and_write_nothing(upload):
	rows = table(
		CLOSED,  # line 2
		{**CLOSED, "customer_name": "History Bad Order", "closed_on": "2024-05-14 09:00:00"},  # line 3
		{**CLOSED, "customer_name": "History Open", "status": "Replied"},  # line 4
	)
	rows.append([None] * len(COLUMNS))  # line 5: empty, skipped
	rows += table({**CLOSED, "customer_name": "History Bad Cells", "grade": "Huge", "received_on": "soon"})[
		1:
	]
	rows += table({**CLOSED, "closure_type": "First Closure"})[1:]  # line 7 (also a duplicate of line 2)
	result = history_import.import_history(upload(csv_bytes(rows), "bad.csv"))
	assert result["imported"] == 1 and result["rows"] == 5
	by_line = {r["row"]: {e["column"] for e in r["errors"]} for r in result["bad_rows"]}
	assert by_line == {3: {"closed_on"}, 4: {"status"}, 6: {"grade", "received_on"}, 7: {"closure_type"}}
	assert "return_visited_on" in result["bad_rows"][0]["errors"][0]["message"]
	assert names_of("History Bad Order", "History Open", "History Bad Cells") == []
	assert len(names_of("History Li")) == 1


def test_errors_are_translated():
	frappe.local.lang, frappe.local.lang_full_dict = "zh", None
	try:
		result = history_import.import_table(table({**CLOSED, "status": "Replied"}), "x.csv", dry_run=True)
	finally:
		frappe.local.lang, frappe.local.lang_full_dict = "en", None
	[bad] = result["bad_rows"]
	message = bad["errors"][0]["message"]
	assert message.startswith("此处只导入已处理的抱怨") and "已回复" in message and "Replied" not in message


def test_dry_run_and_a_second_import_write_nothing():
	dry = history_import.import_table(table(CLOSED, DEFERRED), "h.csv", dry_run=True)
	assert (dry["valid"], dry["imported"], dry["bad_rows"]) == (2, 0, [])
	assert names_of("History Li", "History Wang") == []
	assert history_import.import_table(table(CLOSED, DEFERRED), "h.csv")["imported"] == 2
	again = history_import.import_table(table(CLOSED, DEFERRED), "h.csv")
	assert again["imported"] == 0 and [r["row"] for r in again["bad_rows"]] == [2, 3]
	assert "Imported already" in again["bad_rows"][0]["errors"][0]["message"]
	assert len(names_of("History Li", "History Wang")) == 2


def test_wrong_columns_refuse_the_whole_file():
	with pytest.raises(frappe.ValidationError, match="Missing columns"):
		history_import.import_table([["status", "customer_name"], ["Closed", "X"]], "x.csv")
	with pytest.raises(frappe.ValidationError, match="Unknown columns: colour"):
		history_import.import_table([[*COLUMNS, "colour"]], "x.csv")
	labels = [frappe.get_meta("Complaint").get_label(c) if c != "source_reference" else c for c in COLUMNS]
	assert history_import.import_table([labels, table(CLOSED)[1]], "x.csv", dry_run=True)["valid"] == 1


def test_an_xlsx_file_with_date_cells(upload):
	rows = table({**CLOSED, "received_on": datetime(2024, 3, 1, 9, 0), "contact_phone": 13900000001.0})
	url = upload(make_xlsx(rows, "History").getvalue(), "history.xlsx")
	result = history_import.import_history(url)
	assert result["imported"] == 1, result
	assert frappe.db.get_value("Complaint", result["first"], "contact_phone") == "13900000001"


def test_a_complaint_handler_may_not_import(upload):
	url = upload(csv_bytes(table(CLOSED)), "h.csv")
	with as_user("cm-recv@example.com"):
		with pytest.raises(frappe.PermissionError):
			history_import.import_history(url)
		with pytest.raises(frappe.PermissionError):
			history_import.download_template()
	assert names_of("History Li") == []
	with as_user("cm3-mgr@example.com"):
		with pytest.raises(frappe.PermissionError):
			history_import.import_history(url)  # someone else's private file
		own = upload(csv_bytes(table({**CLOSED, "source_reference": "MINE-1"})), "mine.csv")
		assert history_import.import_history(own, dry_run=True)["valid"] == 1


def test_the_template_has_the_columns_and_an_example_that_imports():
	history_import.download_template()
	assert frappe.response["type"] == "download" and frappe.response["filename"].endswith(".csv")
	rows = list(csv.reader(io.StringIO(frappe.response["filecontent"].decode("utf-8-sig"))))
	assert rows[0] == list(COLUMNS) and len(rows) == 2
	result = history_import.import_table(
		[[c or None for c in row] for row in rows], "template.csv", dry_run=True
	)
	assert (result["valid"], result["bad_rows"]) == (1, [])


def test_an_imported_deferred_complaint_is_closed_later_by_the_actions():
	people = setup_people()
	row = {**DEFERRED, "department": people.sales}
	name = history_import.import_table(table(row), "h.csv")["first"]
	call(HANDLER, api.request_close, name, "Part replaced", "Wrong part shipped", GOOD_ACTION)
	call(SPEC, api.record_return_visit, name, True, "Happy")
	closed = call(MGR, api.approve_close, name)
	# judged against the closing deadline it had when deferred (2025-01-09 09:00): long past
	assert closed.status == "Closed" and closed.closure_type == "Second Closure"
	doc = frappe.get_doc("Complaint", name)
	assert doc.imported == 1 and doc.next_check_at is None and doc.return_visit_due is None
	assert doc.steps[0].action == "Imported" and len(doc.steps) == 4  # and the three actions since
	deadlines.run_sweep(now=now_datetime() + timedelta(days=60))
	assert not frappe.get_all("Complaint Penalty Notice", filters={"complaint": name})


def test_a_csv_saved_by_a_chinese_excel():
	content = csv_bytes(table({**CLOSED, "customer_name": "历史李伟"})).decode().encode("gb18030")
	assert (
		history_import.import_table(
			history_import.read_csv_content(history_import._decode(content)), "h.csv"
		)["imported"]
		== 1
	)
	assert names_of("历史李伟")


def test_imported_history_is_in_the_reports_before_and_after_counting(upload):
	"""Imported complaints are read raw at once (not counted: stats_counted 0, never NULL) and counted by the
	job later; every report figure is the same before and after (outputs/report_stats.py)."""
	result = history_import.import_history(upload(csv_bytes(table(CLOSED, DEFERRED)), "stats.csv"))
	names = [result["first"], result["last"]]
	assert frappe.get_all("Complaint", {"name": ("in", names)}, pluck="stats_counted") == [0, 0]
	periods = [
		{"from_date": "2024-01-01", "to_date": "2025-12-31"},
		{"from_date": "2024-03-01", "to_date": "2024-05-31", "department": DEPT},
	]
	before = [report_check.run(r, f) for f in periods for r in report_check.AGGREGATED_REPORTS]
	closed = report_check.run("Complaint Closure Performance", periods[1])["rows"]
	assert [(row["department"], row["received"], row["closed"]) for row in closed] == [(DEPT, 1, 1)]
	report_stats.count_settled()
	assert frappe.get_all("Complaint", {"name": ("in", names)}, pluck="stats_counted") == [1, 1]
	assert [report_check.run(r, f) for f in periods for r in report_check.AGGREGATED_REPORTS] == before
	for filters in periods:
		assert report_check.mismatches(filters) == []
