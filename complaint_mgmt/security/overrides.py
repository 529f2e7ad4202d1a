"""Frappe 15 endpoints that apply no (or too little) permission, wrapped for the app's data.

Each wrapper checks, then calls Frappe's own function (``override_whitelisted_methods`` in hooks.py). Each one
names the gap in Frappe 15.41 it closes, so that it can be dropped once Frappe closes it upstream.
"""

import json

import frappe
from frappe import _, handler
from frappe.desk import listview, search
from frappe.desk.doctype.dashboard_chart import dashboard_chart
from frappe.desk.form import linked_with
from frappe.model import default_fields
from frappe.website.doctype.web_form import web_form
from frappe.website.doctype.web_form import web_form as web_form_doctype  # `web_form` is accept()'s argument
from frappe.www import printview

from complaint_mgmt.ops import replica
from complaint_mgmt.security.permissions import is_restricted, user_departments
from complaint_mgmt.security.registry import DEPARTMENT_DOCTYPES, GUARDED_DOCTYPES

# What a customer may see of the complaint they filed through the web form (besides its fields).
WEB_FORM_EXTRA_FIELDS = ("name", "doctype", "docstatus", "status", "received_on")


def refuse(message: str) -> None:
	frappe.throw(message, frappe.PermissionError, title=_("Not permitted"))


def has_permission_hooks(doctype: str) -> bool:
	return bool(
		frappe.get_hooks("permission_query_conditions", {}).get(doctype)
		or frappe.get_hooks("has_permission", {}).get(doctype)
	)


def require_read(doctype: str) -> None:
	if not frappe.has_permission(doctype, "read") and not frappe.has_permission(doctype, "select"):
		refuse(_("You may not read {0}.").format(_(doctype)))


def scoped_filters(doctype: str, filters) -> list:
	"""`filters` as a list, narrowed to the user's departments for a restricted user of a department doctype
	(for Frappe code that queries with ``frappe.get_all``)."""
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	if isinstance(filters, dict):
		filters = [
			[doctype, key, *(value if isinstance(value, list | tuple) else ["=", value])]
			for key, value in filters.items()
		]
	filters = list(filters or [])
	if doctype in DEPARTMENT_DOCTYPES and is_restricted():
		filters.append([doctype, "department", "in", user_departments() or [""]])
	return filters


@frappe.whitelist()
def get_count(
	doctype: str, filters: str | dict | list | None = None, debug: bool = False, cache: bool = False
):
	"""``frappe.client.get_count`` counts with ``frappe.db.count``: no permission at all (any logged-in user,
	any doctype, any filter: a user without any role counted the Notification Logs naming a complaint). Every
	doctype is counted through ``frappe.get_list`` (role, permission-query and match conditions applied)."""
	require_read(doctype)
	filters = frappe.parse_json(filters) if isinstance(filters, str) else filters
	check_filter_fields(doctype, filters)
	rows = frappe.get_list(doctype, filters=filters, fields=["count(*) as count"], as_list=True)
	return rows[0][0] if rows else 0


def check_filter_fields(doctype: str, filters) -> None:
	"""Every filter names a column of `doctype` (Frappe's own ``db.count`` refuses others; ``get_list`` may
	not)."""
	if isinstance(filters, dict):
		names = list(filters)
	else:
		names = [f[1] if len(f) > 3 else f[0] for f in filters or [] if isinstance(f, list | tuple) and f]
	meta = frappe.get_meta(doctype)
	for name in names:
		if not isinstance(name, str) or not (meta.has_field(name) or name in default_fields):
			frappe.throw(
				_("{0} is not a field of {1}.").format(frappe.bold(str(name)), _(doctype)),
				title=_("Invalid filter"),
			)


@frappe.whitelist()
def search_widget(
	doctype: str,
	txt: str,
	query: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_length: int = 10,
	filters: str | dict | list | None = None,
	filter_fields=None,
	as_dict: bool = False,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""``frappe.desk.search.search_widget`` turns ``ignore_user_permissions`` into ``ignore_permissions`` for
	any doctype the user can read, which drops ``permission_query_conditions`` too (every department's rows).
	For doctypes with permission hooks the flag is ignored."""
	return search.search_widget(
		doctype,
		txt,
		query,
		searchfield=searchfield,
		start=start,
		page_length=page_length,
		filters=filters,
		filter_fields=filter_fields,
		as_dict=as_dict,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions and not has_permission_hooks(doctype),
	)


@frappe.whitelist()
def search_link(
	doctype: str,
	txt: str,
	query: str | None = None,
	filters: str | dict | list | None = None,
	page_length: int = 10,
	searchfield: str | None = None,
	reference_doctype: str | None = None,
	ignore_user_permissions: bool = False,
):
	"""``search_link`` calls Frappe's own ``search_widget`` directly: the same gap as above."""
	return search.search_link(
		doctype,
		txt,
		query,
		filters=filters,
		page_length=page_length,
		searchfield=searchfield,
		reference_doctype=reference_doctype,
		ignore_user_permissions=ignore_user_permissions and not has_permission_hooks(doctype),
	)


@frappe.whitelist()
def get_link_title(doctype: str, docname: str):
	"""``get_link_title`` reads the title with ``frappe.db.get_value``, no permission: the customer name of
	any complaint. A document the user may not read shows its name only."""
	if doctype in GUARDED_DOCTYPES and not (
		frappe.db.exists(doctype, docname) and frappe.has_permission(doctype, "read", docname)
	):
		return docname
	return search.get_link_title(doctype, docname)


@frappe.whitelist()
def get_group_by_count(doctype: str, current_filters: str, field: str) -> list[dict]:
	"""``get_group_by_count`` with ``field="assigned_to"`` counts ToDos over ``frappe.qb.get_query`` of the
	filters: no permission on the doctype, nor its department rule (per-assignee counts of every department).
	Here the records are those the user may list."""
	if field != "assigned_to" and not (frappe.get_meta(doctype).has_field(field) or field in default_fields):
		frappe.throw(
			_("{0} is not a field of {1}.").format(frappe.bold(field), _(doctype)), title=_("Invalid field")
		)
	if field != "assigned_to" or doctype not in GUARDED_DOCTYPES or frappe.session.user == "Administrator":
		return listview.get_group_by_count(doctype, current_filters, field)
	require_read(doctype)
	names = frappe.get_list(
		doctype, filters=frappe.parse_json(current_filters), pluck="name", limit_page_length=0
	)
	if not names:
		return []
	counts = frappe.get_all(
		"ToDo",
		filters={
			"reference_type": doctype,
			"reference_name": ("in", names),
			"status": ("!=", "Cancelled"),
			"allocated_to": ("is", "set"),
		},
		fields=["allocated_to as name", "count(*) as count"],
		group_by="allocated_to",
		order_by="count desc",
		limit=50,
	)
	system_users = set(
		frappe.get_all(
			"User",
			filters={"name": ("in", [r.name for r in counts]), "user_type": "System User"},
			pluck="name",
		)
	)
	return [row for row in counts if row.name in system_users]


@frappe.whitelist()
def get_dashboard_chart(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: bool | None = None,
	filters: str | list | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | int | None = None,
	refresh: bool | int | None = None,
):
	"""``dashboard_chart.get`` renders an ad-hoc ``chart`` JSON for anyone, counts Heatmaps with
	``frappe.get_all`` (no permission) and caches a named chart's data per chart for every user (``cache_source``:
	one user's figures shown to the next). Ad-hoc charts on guarded doctypes are for System Managers; every
	chart checks read permission on its doctype; charts on guarded doctypes are computed per request, with a
	restricted user's filters narrowed to their departments."""
	if chart_name:
		if not frappe.has_permission("Dashboard Chart", "read", chart_name):
			refuse(_("You may not read Dashboard Chart {0}.").format(chart_name))
		definition = frappe.get_doc("Dashboard Chart", chart_name)
	else:
		definition = frappe._dict(frappe.parse_json(chart) or {})
		if definition.document_type in GUARDED_DOCTYPES and "System Manager" not in frappe.get_roles():
			refuse(_("Only a System Manager may preview a chart on {0}.").format(_(definition.document_type)))
	args = dict(
		chart_name=chart_name,
		chart=chart,
		no_cache=no_cache,
		filters=filters,
		from_date=from_date,
		to_date=to_date,
		timespan=timespan,
		time_interval=time_interval,
		heatmap_year=heatmap_year,
		refresh=refresh,
	)
	doctype = definition.document_type
	if doctype not in GUARDED_DOCTYPES:
		return dashboard_chart.get(**args)
	require_read(doctype)
	if doctype in DEPARTMENT_DOCTYPES and is_restricted():
		args["filters"] = json.dumps(scoped_filters(doctype, filters or definition.filters_json), default=str)
	return translated_chart(chart_data(**args), definition)


def translated_chart(data, definition):
	"""Frappe sends a chart's legend (the chart's name) and a Group By chart's values (statuses, clocks, grades,
	categories: stored in English) as they are stored: in the reader's language instead (issue 19 §6)."""
	if not isinstance(data, dict):
		return data
	if definition.chart_type == "Group By":
		data["labels"] = [translated_value(label) for label in data.get("labels") or []]
	for dataset in data.get("datasets") or []:
		if isinstance(dataset.get("name"), str):
			dataset["name"] = translated_value(dataset["name"])
	return data


def translated_value(value):
	"""A stored value of the app (a Select option, a chart's name) in the reader's language: its translation
	lives in translations/<lang>.csv; anything else is returned as it is."""
	if not isinstance(value, str) or not value:
		return value
	return _(value)  # nosemgrep: frappe-semgrep-rules.rules.translate-variable


@replica.or_primary  # a replica that cannot be reached: the primary answers (ops/replica.py)
@frappe.read_only()
def chart_data(**args):
	"""Frappe's chart function without its shared cache, which only reads: a site with ``read_from_replica``
	computes the chart on the replica. (Frappe's cached path, kept above for the app's other doctypes, writes
	the chart's ``last_synced_on``, so it stays on the primary.)"""
	return dashboard_chart.get.__wrapped__(**args)


def _stored_document(doc, name):
	"""The document to print: a saved one of the app is always re-read from the database (never the posted
	JSON, whose made-up values would steer the print format's queries)."""
	if isinstance(name, str):
		return doc, name
	posted = frappe.parse_json(doc) if isinstance(doc, str) else doc
	doctype = (posted or {}).get("doctype")
	if doctype not in GUARDED_DOCTYPES:
		return doc, name
	if not posted.get("name") or not frappe.db.exists(doctype, posted.get("name")):
		refuse(_("Only a saved {0} can be printed.").format(_(doctype)))
	return doctype, posted["name"]


@frappe.whitelist()
def get_html_and_style(
	doc: str,
	name: str | None = None,
	print_format: str | None = None,
	no_letterhead: bool | None = None,
	letterhead: str | None = None,
	trigger_print: bool = False,
	style: str | None = None,
	settings: str | None = None,
):
	"""``printview.get_html_and_style`` renders a document built from posted JSON: its permission check sees
	the made-up department, its print format then queries the real records of that name."""
	doc, name = _stored_document(doc, name)
	return printview.get_html_and_style(
		doc, name, print_format, no_letterhead, letterhead, trigger_print, style, settings
	)


@frappe.whitelist()
def get_rendered_raw_commands(doc: str, name: str | None = None, print_format: str | None = None):
	"""The same gap as ``get_html_and_style``."""
	doc, name = _stored_document(doc, name)
	return printview.get_rendered_raw_commands(doc, name, print_format)


@frappe.whitelist(allow_guest=True)
def get_form_data(doctype: str, docname: str | None = None, web_form_name: str | None = None):
	"""``web_form.get_form_data`` returns the whole document to its owner: for a complaint that is the internal
	record (department, receiver, replies, root cause, deadlines). The customer gets the web form's fields."""
	out = web_form.get_form_data(doctype, docname, web_form_name)
	if out.get("doc") and doctype in GUARDED_DOCTYPES:
		fields = {f.fieldname for f in out.web_form.web_form_fields if f.fieldname}
		fields.update(WEB_FORM_EXTRA_FIELDS)
		out.doc = {k: v for k, v in out.doc.as_dict().items() if k in fields}
	return out


@frappe.whitelist(allow_guest=True, methods=["POST"])
def accept(web_form: str, data: str | dict):  # the argument is named as in Frappe's function
	"""``web_form.accept`` answers the submitter with the whole saved document: for a complaint that is the
	grade, the deadlines and the procedure's flags, even to a guest. The success page needs the reference only.
	Frappe's own function runs (its rate limit and checks included)."""
	doc = web_form_doctype.accept(web_form, data if isinstance(data, str) else json.dumps(data))
	if getattr(doc, "doctype", None) not in GUARDED_DOCTYPES:
		return doc
	return {"doctype": doc.doctype, "name": doc.name}


@frappe.whitelist()
def get_submitted_linked_docs(doctype: str, name: str) -> dict:
	"""``linked_with.get_submitted_linked_docs`` ignores the result of its own permission check and lists every
	submitted document linked to any document (another department's penalty notices). The caller must read
	the document, and gets only the linked documents they may read."""
	if not frappe.db.exists(doctype, name) or not frappe.has_permission(doctype, "read", name):
		refuse(_("You may not read {0}.").format(_(doctype)))
	out = linked_with.get_submitted_linked_docs(doctype, name)
	docs = [d for d in out["docs"] if frappe.has_permission(d["doctype"], "read", d["name"])]
	return {"docs": docs, "count": len(docs)}


@frappe.whitelist(allow_guest=True)
def download_file(file_url: str):
	"""``handler.download_file`` refuses a file of another department's complaint with Frappe's message, which
	names that complaint. The refusal here names nothing."""
	name = frappe.db.get_value("File", {"file_url": file_url}, "name")
	if not name or not frappe.has_permission("File", "read", doc=name):
		frappe.clear_messages()
		frappe.flags.has_permission_check_logs = []
		refuse(_("You may not download this file."))
	return handler.download_file(file_url)
