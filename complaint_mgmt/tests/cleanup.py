"""Removing committed test and benchmark complaints with everything that points at them (the HTTP and browser
tiers and the load benchmark commit their data: the web server is another process)."""

import os

import frappe

from complaint_mgmt.outputs import report_stats

COMPLAINT_CHILDREN = ("Complaint Reply", "Complaint Pause", "Complaint Escalation", "Complaint Step")


def remove_file(file_url: str | None) -> None:
	"""The file of a File row on disk (public or private); never a path outside the site."""
	if not file_url or ".." in file_url:
		return
	path = frappe.get_site_path(file_url.lstrip("/").replace("files/", "public/files/", 1))
	if file_url.startswith("/private/"):
		path = frappe.get_site_path(file_url.lstrip("/"))
	if os.path.isfile(path):
		os.remove(path)


def delete_with_traces(doctype: str, docs: list[str]) -> None:
	"""Delete the documents with their files, communications, comments, versions, ToDos, shares,
	notifications, workflow actions and access log rows."""
	if not docs:
		return
	for path in frappe.get_all(
		"File", {"attached_to_doctype": doctype, "attached_to_name": ("in", docs)}, pluck="file_url"
	):
		remove_file(path)
	comms = frappe.get_all(
		"Communication", {"reference_doctype": doctype, "reference_name": ("in", docs)}, pluck="name"
	)
	if comms:
		frappe.db.delete("Communication Link", {"parent": ("in", comms)})
		frappe.db.delete("Communication", {"name": ("in", comms)})
	frappe.db.delete("File", {"attached_to_doctype": doctype, "attached_to_name": ("in", docs)})
	frappe.db.delete("Comment", {"reference_doctype": doctype, "reference_name": ("in", docs)})
	frappe.db.delete("Version", {"ref_doctype": doctype, "docname": ("in", docs)})
	frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": ("in", docs)})
	frappe.db.delete("DocShare", {"share_doctype": doctype, "share_name": ("in", docs)})
	frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": ("in", docs)})
	if frappe.db.exists("DocType", "Workflow Action"):
		frappe.db.delete("Workflow Action", {"reference_doctype": doctype, "reference_name": ("in", docs)})
	frappe.db.delete("Access Log", {"reference_document": ("in", docs)})
	frappe.db.delete(doctype, {"name": ("in", docs)})


def tier_complaints(mark: str, users: dict[str, tuple]) -> list[str]:
	"""The complaints of a test tier: its `mark` in the customer name or an owner among its `users` (role key ->
	(user, roles))."""
	owners = [v[0] for v in users.values()]
	return frappe.get_all(
		"Complaint",
		or_filters=[["customer_name", "like", f"%{mark}%"], ["owner", "in", owners]],
		pluck="name",
	)


def delete_complaints(names: list[str]) -> None:
	"""The complaints with their penalty notices, transfer records, child rows and traces."""
	if not names:
		return
	report_stats.forget(names)  # out of the reports' daily rows, if the counting job took them in
	notices = frappe.get_all("Complaint Penalty Notice", {"complaint": ("in", names)}, pluck="name")
	records = frappe.get_all("Complaint Transfer Record", {"complaint": ("in", names)}, pluck="name")
	appeals = frappe.get_all("Complaint Penalty Appeal", {"notice": ("in", notices or [""])}, pluck="name")
	reviews = frappe.get_all("Complaint Action Review", {"complaint": ("in", names)}, pluck="name")
	surveys = frappe.get_all("Complaint Survey", {"complaint": ("in", names)}, pluck="name")
	for doctype, docs in (
		("Complaint", names),
		("Complaint Penalty Notice", notices),
		("Complaint Transfer Record", records),
		("Complaint Penalty Appeal", appeals),
		("Complaint Action Review", reviews),
		("Complaint Survey", surveys),
	):
		delete_with_traces(doctype, docs)
	if reviews:
		frappe.db.delete("Complaint Action Review Recurrence", {"parent": ("in", reviews)})
	for child in COMPLAINT_CHILDREN:
		frappe.db.delete(child, {"parenttype": "Complaint", "parent": ("in", names)})
