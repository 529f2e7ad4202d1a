"""Penalty notices made before they had a title (issue 11): the form showed the complaint's number while its
Complaint field showed the customer's name. Every notice gets the title new ones get (notice_title)."""

import frappe

from complaint_mgmt.complaint_mgmt.doctype.complaint_penalty_notice.complaint_penalty_notice import (
	notice_title,
)


def execute() -> None:
	notice = frappe.qb.DocType("Complaint Penalty Notice")
	complaint = frappe.qb.DocType("Complaint")
	rows = (
		frappe.qb.from_(notice)
		.left_join(complaint)
		.on(complaint.name == notice.complaint)
		.select(
			notice.name,
			notice.department,
			notice.breach_type,
			notice.period,
			notice.complaint,
			complaint.customer_name,
		)
		.where(notice.title.isnull() | (notice.title == ""))
		.run(as_dict=True)
	)
	for row in rows:
		title = notice_title(row.department, row.breach_type, row.period, row.complaint, row.customer_name)
		frappe.db.set_value("Complaint Penalty Notice", row.name, "title", title, update_modified=False)
