"""The report indexes exist after migrate, with their columns in order, and ensuring them again changes nothing."""

import frappe

from complaint_mgmt.setup.report_indexes import REPORT_INDEXES, SUPERSEDED_INDEXES, ensure_report_indexes


def index_columns(doctype: str) -> dict[str, list[str]]:
	rows = frappe.db.sql(
		f"SHOW INDEX FROM `tab{doctype}`", as_dict=True
	)  # nosemgrep -- constant app doctypes
	out: dict[str, list[str]] = {}
	for row in sorted(rows, key=lambda r: (r.Key_name, r.Seq_in_index)):
		out.setdefault(row.Key_name, []).append(row.Column_name)
	return out


def test_report_indexes_exist_with_their_columns():
	for doctype, indexes in REPORT_INDEXES.items():
		present = index_columns(doctype)
		for name, columns in indexes.items():
			assert present.get(name) == list(columns), (doctype, name)


def test_superseded_report_indexes_are_dropped():
	for doctype, names in SUPERSEDED_INDEXES.items():
		assert not set(names) & set(index_columns(doctype)), doctype


def test_ensure_report_indexes_is_idempotent():
	before = {doctype: index_columns(doctype) for doctype in REPORT_INDEXES}
	ensure_report_indexes()
	assert {doctype: index_columns(doctype) for doctype in REPORT_INDEXES} == before
	assert before["Complaint"]["report_running_v2"][:2] == ["status", "received_on"]
	# the Close clock's second stop is in both clock indexes (else the reports read every table row)
	assert "deferral_requested_on" in before["Complaint"]["report_clocks_v3"]
	assert "deferral_requested_on" in before["Complaint"]["report_running_v2"]
	assert before["Complaint Penalty Notice"]["report_issued_v1"][0] == "issued_on"
