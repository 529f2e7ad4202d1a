"""The canary matrix's cases: (endpoint x protected doctype x role), built at collection from the enumeration of
the running code (canary_methods.py), and the arguments of each request, resolved at run time from B's rows.

Which doctypes and roles an endpoint is called with (the run must stay within 4 minutes on a 2-core machine):

- every role of department A (handler_a, deptmgr_a), the roles without the contact fields' permission level
  (executor, approver), a customer and a guest;
- handler_a (the department role) with every protected doctype, the others with the doctypes where their
  canaries are (SCOPE);
- the guest with Complaint only on the methods not open to guests (Frappe refuses those before reading any
  argument);
- a method that takes a doctype but nothing that selects rows (its metadata) with three doctypes only.
"""

import json
import os
import re
import subprocess
from dataclasses import dataclass
from functools import cache

from complaint_mgmt.tests.http import canary_targets as tg
from complaint_mgmt.tests.server import BENCH, SITE, SITES

ROLES = ("handler_a", "deptmgr_a", "executor", "approver", "customer", "guest")
META_DOCTYPES = ("Complaint", "Complaint Step", "ToDo")
RECORDS = ("Complaint", "Complaint Transfer Record", "Complaint Penalty Notice")
SCOPE = {
	"handler_a": tg.PROTECTED,
	"deptmgr_a": (
		*RECORDS,
		"Complaint Step",
		"Complaint Action Review",
		"Complaint Penalty Appeal",
		"Complaint Survey",
	),
	# the contact fields: on the complaint, through the records' link columns, in the Version of a phone change
	"approver": RECORDS,
	"executor": (*RECORDS, "Version"),
	# what a portal user could reach of a complaint
	"customer": ("Complaint", "Complaint Reply", "Complaint Step", "Comment", "Communication", "File"),
	"guest": (*tg.APP_DOCTYPES, "Comment", "File"),
}

# Never called (each would break the run or reach outside the machine); kept small on purpose: the writes
# (delete, set_value, rename, submit, cancel, like, tag, comment, assign, follow, share, run_doc_method ...) are
# all called on B's documents, as that is what must be refused.
SKIP = {
	# sends the queued e-mail at once (SMTP to a real address)
	"frappe.email.doctype.email_queue.email_queue.send_now": "sends mail",
	"frappe.email.doctype.auto_email_report.auto_email_report.send_now": "sends mail",
	# a guest confirms the deletion of a user's personal data (anonymizes a user of the run)
	"frappe.website.doctype.personal_data_deletion_request.personal_data_deletion_request.confirm_deletion": (
		"deletes a user's data"
	),
	# prints on a network printer (connects out)
	"frappe.utils.print_format.print_by_server": "connects to a printer",
	# rebuilds a whole tree table (long, locks)
	"frappe.utils.nestedset.rebuild_tree": "rebuilds a table",
	# enqueues a PDF build for background workers that this run does not start
	"frappe.utils.print_format.download_multi_pdf_async": "background job",
}

# Required parameters of no selecting kind: a value that lets the call reach its permission check.
DEFAULTS = {
	"value": tg.HACKED,
	"tag": "zqx-canary-tag",
	"tags": "zqx-canary-tag",
	"add": "Yes",
	"content": tg.PLANTED,
	"comment": tg.PLANTED,
	"comment_email": "canary@example.com",
	"comment_by": "Canary",
	"new_name": "CMP-RENAMED-ZQX",
	"new": "CMP-RENAMED-ZQX",
	"title": tg.PLANTED,
	"reply": tg.PLANTED,
	"email": "canary@example.com",
	"recipients": "canary@example.invalid",
	"subject": tg.PLANTED,
	"report_name": "Overdue Complaints",
	"web_form_name": "complaint",
	"perm_type": "read",
	"ptype": "read",
	"role": "Complaint Handler",
	"permlevel": 0,
	"start": "2020-01-01",
	"end": "2030-01-01",
	"stats": ["status"],
	"assign_to": None,  # the caller itself (see value())
	"user": None,  # the caller itself
	"board_name": "zqx-board",
	"colname": "Open",
	"label": "zqx",
	"module": "Complaint Mgmt",
	"based_on": "Complaint",
	"chart": None,  # an ad-hoc chart on the doctype (see value())
	"data": {"customer_request": tg.HACKED},
	"file_url": "/files/zqx-canary.txt",
	"filename": "zqx-canary.txt",
	"file_name": "zqx-canary.txt",
	"filedata": "WlFYLWNhbmFyeQ==",
	"reference": "zqx",
	"following": 1,
	"tree_method": "frappe.desk.treeview.get_children",
	"template_name": "zqx",
	"doc_name": None,
	"prev": 0,
	"sort_order": "desc",
	"values": {},
	"listview_settings": {},
	"user_settings": {},
	"removed_listview_fields": [],
	"states": ["Open"],
	"workflow_state_field": "status",
}
# per method: argument values of its own shape (what Frappe's desk sends there)
METHOD_ARGS = {
	"frappe.desk.reportview.get_filter_dashboard_data": {"stats": [{"name": "owner", "type": "Link"}]},
}
# methods whose filters are a dict (a report's filters), not a list of conditions
DICT_FILTERS = ("frappe.desk.query_report.run", "frappe.desk.query_report.get_script")
# per method: the action a generic "action" argument takes there
ACTIONS = {
	"frappe.desk.form.save.savedocs": "Save",
	"frappe.desk.doctype.bulk_update.bulk_update.submit_cancel_or_update_docs": "update",
	"frappe.email.inbox.create_email_flag_queue": "Read",
}
# per method: how its "docs" argument is shaped
DOCS_SHAPE = {
	"frappe.desk.doctype.tag.tag.add_tags": "names",
	"frappe.model.workflow.get_common_transition_actions": "names",
	"frappe.desk.form.linked_with.cancel_all_linked_docs": "refs",
	"frappe.client.bulk_update": "bulk",
	"frappe.client.insert_many": "new",
}
NAMED_DOCTYPE = re.compile(r"\.doctype\.(\w+)\.\1$")


@dataclass(frozen=True)
class Case:
	method: str  # the whitelisted path, or a REST route / run_doc_method label
	doctype: str
	role: str
	spec: str  # JSON of the enumeration entry (hashable)

	@property
	def key(self) -> tuple[str, str, str]:
		return (self.method, self.doctype, self.role)

	@property
	def id(self) -> str:
		return f"{self.method}|{self.doctype}|{self.role}"

	@property
	def entry(self) -> dict:
		return json.loads(self.spec)


@cache
def enumeration() -> dict:
	"""canary_methods.py's answer (a separate process of the bench's python)."""
	python = BENCH / "env" / "bin" / "python"
	cmd = [str(python), "-m", "complaint_mgmt.tests.http.canary_methods", SITE, str(SITES), *tg.PROTECTED]
	root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
	env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
	out = subprocess.run(cmd, cwd=SITES, env=env, capture_output=True, text=True, timeout=300)
	if "@@CANARY-METHODS@@" not in out.stdout:
		raise RuntimeError(f"the enumeration failed: {out.stderr[-3000:]}")
	return json.loads(out.stdout.split("@@CANARY-METHODS@@", 1)[1])


def kinds(entry: dict) -> set:
	return {p["kind"] for p in entry["params"].values()}


def implied_doctype(path: str) -> str:
	"""The doctype a method without a doctype argument is about: its module's doctype when protected."""
	match = NAMED_DOCTYPE.search(path.rsplit(".", 1)[0])
	doctype = match and match.group(1).replace("_", " ").title()
	for dt in tg.PROTECTED:
		if doctype and dt.lower() == doctype.lower():
			return dt
	return "Complaint"


def doctypes_for(entry: dict, role: str) -> tuple:
	k = kinds(entry)
	if "doctype" not in k:
		return (implied_doctype(entry["path"]),)
	if role == "guest" and not entry["guest"]:
		return ("Complaint",)
	if not k & {"name", "names", "filters", "fields", "order_by", "group_by", "txt", "doc"}:
		return META_DOCTYPES
	return SCOPE[role]


REST = [
	{"path": "GET /api/resource/{doctype}", "list": True},
	{"path": "GET /api/resource/{doctype}/{name}"},
	{"path": "PUT /api/resource/{doctype}/{name}", "write": True},
	{"path": "DELETE /api/resource/{doctype}/{name}", "write": True},
	{"path": "POST /api/resource/{doctype}", "write": True},
	{"path": "GET /api/v2/document/{doctype}", "list": True},
	{"path": "GET /api/v2/document/{doctype}/{name}"},
	{"path": "PATCH /api/v2/document/{doctype}/{name}", "write": True},
	{"path": "DELETE /api/v2/document/{doctype}/{name}", "write": True},
	{"path": "GET /api/v2/doctype/{doctype}/count", "list": True},
]


def build_cases() -> list[Case]:
	data = enumeration()
	cases = []
	for entry in data["methods"]:
		if entry["path"] in SKIP:
			continue
		spec = json.dumps({**entry, "kind": "rpc"}, sort_keys=True)
		for role in ROLES:
			cases += [Case(entry["path"], dt, role, spec) for dt in doctypes_for(entry, role)]
	for route in REST:
		spec = json.dumps({**route, "kind": "rest"}, sort_keys=True)
		for role in ROLES:
			cases += [Case(route["path"], dt, role, spec) for dt in SCOPE[role]]
	for doctype, methods in sorted(data["doc_methods"].items()):
		for method in methods:
			spec = json.dumps({"kind": "doc_method", "method": method}, sort_keys=True)
			for role in ROLES:
				if doctype in SCOPE[role]:
					cases.append(Case(f"run_doc_method:{method}", doctype, role, spec))
	return cases


def skipped() -> dict:
	return dict(SKIP)
