"""Lists, searches, counts and group-bys (Frappe's generic read endpoints) x every role: nothing of department B
reaches department A, no contact value reaches a role without permission level 1, nothing internal reaches a
customer or a guest."""

import json

from complaint_mgmt.tests.http.matrix import ANSWERS, Probe, check_control, check_read, controls, matrix

# For each doctype: the filters that select department B's rows, and the columns that would show them.
B_ROWS = {
	"Complaint": (
		lambda s: [["name", "in", [s.b_open, s.b_transferred]]],
		["department", "contact_phone", "customer_name"],
	),
	"Complaint Transfer Record": (
		lambda s: [["complaint", "=", s.b_open]],
		["department", "receiver", "complaint"],
	),
	"Complaint Penalty Notice": (
		lambda s: [["complaint", "=", s.b_open]],
		["department", "complaint", "responsible_user"],
	),
	"Communication": (
		lambda s: [["reference_name", "=", s.b_open]],
		["subject", "content", "reference_name"],
	),
	"ToDo": (
		lambda s: [["reference_name", "=", s.b_open]],
		["description", "allocated_to", "reference_name"],
	),
	"File": (lambda s: [["attached_to_name", "=", s.b_open]], ["file_url", "file_name", "attached_to_name"]),
	"Comment": (lambda s: [["reference_name", "=", s.b_open]], ["content", "reference_name"]),
	"Version": (lambda s: [["docname", "=", s.b_open]], ["data", "docname"]),
}
FRAPPE_DOCTYPES = ("Communication", "ToDo", "File", "Comment", "Version")


def control_role(doctype: str) -> str:
	return "sysmgr" if doctype in FRAPPE_DOCTYPES else "manager"


def search_widget(doctype):
	filters, fields = B_ROWS[doctype]
	return lambda sess, s: sess.method(
		"frappe.desk.search.search_widget",
		doctype=doctype,
		txt="",
		filters=filters(s),
		filter_fields=fields,
		ignore_user_permissions=1,
		page_length=50,
		as_dict=1,
	)


def search_link(doctype):
	filters, _fields = B_ROWS[doctype]
	return lambda sess, s: sess.method(
		"frappe.desk.search.search_link",
		doctype=doctype,
		txt="ZQX" if doctype == "Complaint" else "",
		filters=filters(s),
		ignore_user_permissions=1,
		page_length=50,
	)


def resource_list(doctype):
	filters, fields = B_ROWS[doctype]
	return lambda sess, s: sess.get(
		f"/api/resource/{doctype}",
		{"fields": ["name", *fields], "filters": filters(s), "limit_page_length": 100},
	)


CHILD_FIELDS = {
	"Complaint Reply": ["content", "replied_by"],
	"Complaint Pause": ["reason", "paused_on"],
	"Complaint Escalation": ["reason", "from_grade"],
}


def child_rows(child):
	return lambda sess, s: sess.get(
		f"/api/resource/{child}",
		{
			"parent": "Complaint",
			"fields": ["parent", *CHILD_FIELDS[child]],
			"filters": [["parent", "in", [s.b_open, s.b_transferred]]],
			"limit_page_length": 100,
		},
	)


def group_by(field, b_filter=False):
	def call(sess, s):
		current = [["Complaint", "department", "=", s.dept_b]] if b_filter else []
		return sess.method(
			"frappe.desk.listview.get_group_by_count",
			doctype="Complaint",
			current_filters=current,
			field=field,
		)

	return call


ZQX = [["Complaint", "customer_name", "like", "%ZQX%"]]
REPORT_FIELDS = [
	"`tabComplaint`.`name`",
	"`tabComplaint`.`customer_name`",
	"`tabComplaint`.`contact_phone`",
	"`tabComplaint`.`contact_email`",
	"`tabComplaint`.`department`",
	"`tabComplaint`.`receiver`",
	"`tabComplaint`.`description`",
]

PROBES = [
	*(Probe(f"search_widget[{dt}]", search_widget(dt), control_role=control_role(dt)) for dt in B_ROWS),
	*(Probe(f"search_link[{dt}]", search_link(dt), control_role=control_role(dt)) for dt in B_ROWS),
	Probe(
		"get_link_title",
		lambda sess, s: sess.method(
			"frappe.desk.search.get_link_title", doctype="Complaint", docname=s.b_open
		),
	),
	*(Probe(f"resource_list[{dt}]", resource_list(dt), control_role=control_role(dt)) for dt in B_ROWS),
	Probe(
		"resource_list[DocShare]",
		lambda sess, s: sess.get("/api/resource/DocShare", {"fields": ["*"], "limit_page_length": 500}),
		control=ANSWERS,
		control_role="sysmgr",
	),
	*(
		Probe(f"child_rows[{c}]", child_rows(c))
		for c in ("Complaint Reply", "Complaint Pause", "Complaint Escalation")
	),
	Probe(
		"client.get_list",
		lambda sess, s: sess.get_method(
			"frappe.client.get_list",
			doctype="Complaint",
			fields=["name", "customer_name", "contact_phone", "description", "receiver"],
			filters=ZQX,
			limit_page_length=500,
		),
	),
	Probe(
		"client.get_list[Transfer Record by department]",
		lambda sess, s: sess.get_method(
			"frappe.client.get_list",
			doctype="Complaint Transfer Record",
			fields=["name", "complaint", "receiver", "note"],
			filters={"department": s.dept_b},
		),
	),
	Probe(
		"client.get_value[by department]",
		lambda sess, s: sess.get_method(
			"frappe.client.get_value",
			doctype="Complaint",
			fieldname=["name", "customer_name", "contact_phone"],
			filters={"department": s.dept_b},
		),
	),
	Probe(
		"reportview.get",
		lambda sess, s: sess.method(
			"frappe.desk.reportview.get",
			doctype="Complaint",
			fields=REPORT_FIELDS,
			filters=ZQX,
			page_length=500,
		),
	),
	Probe(
		"reportview.export_query[CSV]",
		lambda sess, s: sess.method(
			"frappe.desk.reportview.export_query",
			doctype="Complaint",
			file_format_type="CSV",
			fields=REPORT_FIELDS,
			filters=ZQX,
		),
	),
	*(
		Probe(
			f"reportview.{fn}",
			lambda sess, s, fn=fn: sess.method(
				f"frappe.desk.reportview.{fn}",
				stats=["department", "customer_name", "contact_phone", "receiver"],
				doctype="Complaint",
				filters=ZQX,
			),
		)
		for fn in ("get_stats", "get_sidebar_stats")
	),
	*(
		Probe(f"get_group_by_count[{field}{', B filter' if b else ''}]", group_by(field, b))
		for field in ("assigned_to", "department", "customer_name", "contact_phone")
		for b in (False, True)
	),
]


@matrix(PROBES)
def test_list_endpoints(http, seed, probe, role):
	check_read(http, seed, probe, role)


@controls(PROBES)
def test_list_probe_reaches_department_b_as_control_role(http, seed, probe):
	check_control(http, seed, probe)


def test_probe_ids_are_unique():
	ids = [p.id for p in PROBES]
	assert len(ids) == len(set(ids))
	assert json.dumps(ids)
