"""Department isolation.

Complaint Handlers and Complaint Department Managers see and change only the complaints, transfer records and
penalty notices of the departments they belong to (member, designated receiver or manager of a Complaint
Department). The rule is enforced through Frappe's own hooks, so every read path (list, form, report view,
REST ``get_list``/``get_doc``, link search, export) applies it:

- ``permission_query_conditions`` narrows every list query: the department doctypes, the complaint's child
  tables (replies, escalations, pauses: REST lists them with ``parent=Complaint``) and Frappe's rows that point
  at one of those documents (ToDo, Communication, File, Comment, Version);
- ``has_permission`` refuses single documents of other departments, and those linked rows.

Frappe grants a *shared* document even when ``has_permission`` refuses it, so shares of the department doctypes
are refused unless the user could read the document anyway (``validate_share``), and a transfer drops the
shares of people outside the new department (``drop_stale_shares``). Where Frappe's own endpoints apply no
permission at all, ``complaint_mgmt.security.overrides`` wraps them.

Department membership is read from the Complaint Department tables and cached per user; the cache is cleared
whenever a department (or a user) changes, so the rule never lags behind membership.
"""

import frappe
from frappe import _

# Roles that work across departments: their DocPerms alone decide.
CROSS_DEPARTMENT_ROLES = frozenset(
	{
		"System Manager",
		"Complaint Manager",
		"Complaint Specialist",
		"Complaint Bulletin Approver",
		"Complaint Penalty Executor",
		"Complaint Service Director",
	}
)
DEPARTMENT_ROLES = frozenset({"Complaint Handler", "Complaint Department Manager"})
CACHE_KEY = "complaint_mgmt:user_departments"

# The doctypes carrying a ``department``, the complaint's child tables, and Frappe's rows that point at a
# document (doctype column, name column).
DEPARTMENT_DOCTYPES = ("Complaint", "Complaint Transfer Record", "Complaint Penalty Notice")
COMPLAINT_CHILD_DOCTYPES = ("Complaint Reply", "Complaint Escalation", "Complaint Pause")
LINKED_ROW_COLUMNS = {
	"ToDo": ("reference_type", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Comment": ("reference_doctype", "reference_name"),
	"Version": ("ref_doctype", "docname"),
	# Frappe's Workflow Action rows are granted by role alone (the next step's roles), so every handler saw a row
	# naming each complaint of every department with its state: the department rule applies to them too
	"Workflow Action": ("reference_doctype", "reference_name"),
}


def is_restricted(user: str | None = None) -> bool:
	"""True when the user may only see the documents of their own departments."""
	user = user or frappe.session.user
	if user == "Administrator":
		return False
	roles = set(frappe.get_roles(user))
	return bool(roles & DEPARTMENT_ROLES) and not roles & CROSS_DEPARTMENT_ROLES


def user_departments(user: str | None = None) -> list[str]:
	"""Departments the user belongs to as member, receiver or manager (cached)."""
	user = user or frappe.session.user
	cached = frappe.cache.hget(CACHE_KEY, user)
	if cached is not None:
		return cached
	departments = set(
		frappe.get_all(
			"Complaint Department Member",
			filters={"user": user, "parenttype": "Complaint Department"},
			pluck="parent",
		)
	)
	departments.update(
		frappe.get_all(
			"Complaint Department Receiver",
			filters={"user": user, "parenttype": "Complaint Department"},
			pluck="parent",
		)
	)
	departments.update(frappe.get_all("Complaint Department", filters={"manager": user}, pluck="name"))
	result = sorted(departments)
	frappe.cache.hset(CACHE_KEY, user, result)
	return result


def clear_department_cache(doc=None, method=None) -> None:
	"""Forget every user's department list (membership changed)."""
	frappe.cache.delete_value(CACHE_KEY)


def _names_in_departments(doctype: str, departments: list[str]) -> str:
	"""SQL of the names of `doctype` in `departments` (a sub-query, built with frappe.qb)."""
	table = frappe.qb.DocType(doctype)
	return frappe.qb.from_(table).select(table.name).where(table.department.isin(departments)).get_sql()


def _restriction(user: str | None) -> list[str] | None:
	"""None for a user who sees every department, else the departments the user may see (maybe none)."""
	user = user or frappe.session.user
	return user_departments(user) if is_restricted(user) else None


def _department_condition(column: str, user: str | None) -> str:
	departments = _restriction(user)
	if departments is None:
		return ""
	if not departments:
		return "1=0"
	values = ", ".join(frappe.db.escape(d) for d in departments)
	return f"{column} in ({values})"


def complaint_query(user: str | None = None, doctype: str | None = None) -> str:
	return _department_condition("`tabComplaint`.`department`", user)


def department_doc_query(user: str | None = None, doctype: str | None = None) -> str:
	doctype = doctype or "Complaint Transfer Record"
	return _department_condition(f"`tab{doctype}`.`department`", user)


def complaint_child_query(user: str | None = None, doctype: str | None = None) -> str:
	"""Replies, escalations and pauses of the complaints the user may see (REST lists child rows directly)."""
	departments = _restriction(user)
	if departments is None:
		return ""
	if not departments:
		return "1=0"
	return f"`tab{doctype}`.`parent` in ({_names_in_departments('Complaint', departments)})"


def linked_row_query(user: str | None = None, doctype: str | None = None) -> str:
	"""ToDo / Communication / File / Comment / Version / Workflow Action rows: those pointing at a department
	document only when that document is of one of the user's departments."""
	user = user or frappe.session.user
	if not is_restricted(user) or doctype not in LINKED_ROW_COLUMNS:
		return ""
	type_column, name_column = (f"`tab{doctype}`.`{c}`" for c in LINKED_ROW_COLUMNS[doctype])
	guarded = ", ".join(frappe.db.escape(d) for d in DEPARTMENT_DOCTYPES)
	allowed = [f"ifnull({type_column}, '') not in ({guarded})"]
	departments = user_departments(user)
	for target in DEPARTMENT_DOCTYPES if departments else ():
		allowed.append(
			f"({type_column} = {frappe.db.escape(target)}"
			f" and {name_column} in ({_names_in_departments(target, departments)}))"
		)
	return "(" + " or ".join(allowed) + ")"


def can_access_department(department: str | None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not is_restricted(user):
		return True
	return bool(department) and department in user_departments(user)


def has_complaint_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	if can_access_department(doc.get("department"), user):
		return None
	return False


def has_department_doc_permission(
	doc, ptype: str | None = None, user: str | None = None, debug: bool = False
):
	if can_access_department(doc.get("department"), user):
		return None
	return False


def has_linked_row_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""A ToDo / Communication / File / Comment / Version / Workflow Action of another department's document is
	refused."""
	type_field, name_field = LINKED_ROW_COLUMNS[doc.doctype]
	target, name = doc.get(type_field), doc.get(name_field)
	if target not in DEPARTMENT_DOCTYPES or not name or not is_restricted(user or frappe.session.user):
		return None
	department = frappe.db.get_value(target, name, "department")
	return None if can_access_department(department, user) else False


def can_read_document(doctype: str, name: str, user: str) -> bool:
	"""Whether `user` may read the document through roles and the department rule (never through a share)."""
	if user == "Administrator":
		return True
	if not frappe.permissions.get_role_permissions(frappe.get_meta(doctype), user=user).get("read"):
		return False
	return can_access_department(frappe.db.get_value(doctype, name, "department"), user)


def validate_share(doc, method=None) -> None:
	"""DocShare.validate: Frappe lets a share grant what ``has_permission`` refused (``false_if_not_shared``),
	so a department document is shared only with someone who may read it anyway, never with everyone."""
	if doc.share_doctype not in DEPARTMENT_DOCTYPES:
		return
	if doc.everyone or not doc.user or not can_read_document(doc.share_doctype, doc.share_name, doc.user):
		frappe.throw(
			_("{0} {1} can only be shared with users of its department who may read it already.").format(
				_(doc.share_doctype), doc.share_name
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


def drop_stale_shares(doc, method=None) -> None:
	"""Complaint.on_update: after a transfer, shares with people outside the new department are removed."""
	if not doc.has_value_changed("department"):
		return
	shares = frappe.get_all(
		"DocShare",
		filters={"share_doctype": doc.doctype, "share_name": doc.name},
		fields=["name", "user", "everyone"],
	)
	for share in shares:
		if share.everyone or not share.user or not can_read_document(doc.doctype, doc.name, share.user):
			# a share the department rule no longer allows; the caller's right to transfer was checked
			frappe.delete_doc("DocShare", share.name, ignore_permissions=True)


def validate_file_copy(doc, method=None) -> None:
	"""File.validate: a File row naming an existing private file (``upload_file`` with ``file_url``, or a REST
	insert / edit) is allowed only to someone who may read a File row of that file already. Frappe 15 lets any
	user create such a row (then owned by them) and serves the private file to its owner."""
	url = doc.file_url or ""
	if doc.is_folder or not url.startswith("/private/") or frappe.session.user == "Administrator":
		return
	if not (doc.is_new() or doc.has_value_changed("file_url")):
		return
	# Frappe stores identical content once (same file_url): re-uploading another department's file byte for
	# byte is refused too, as the uploader cannot be told apart from a copier once the content is loaded
	# every row of that file, whoever owns it: the question is whether the user may read any of them
	existing = frappe.get_all("File", filters={"file_url": url, "name": ("!=", doc.name or "")}, pluck="name")
	if existing and not any(frappe.has_permission("File", "read", doc=name) for name in existing):
		frappe.throw(
			_("You may not attach {0}: you have no access to that file.").format(
				frappe.bold(doc.file_name or url)
			),
			frappe.PermissionError,
			title=_("Not permitted"),
		)
