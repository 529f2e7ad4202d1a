"""Department isolation.

Complaint Handlers and Complaint Department Managers see and change only the complaints, transfer records and
penalty notices of the departments they belong to (member, designated receiver or manager of a Complaint
Department). The rule is enforced through Frappe's own hooks, so every read path (list, form, report view,
REST ``get_list``/``get_doc``, link search, export) applies it:

- ``permission_query_conditions`` (``query_condition``) narrows every list query of every doctype the registry
  (``complaint_mgmt.security.registry``) protects: the department doctypes, their child tables (REST lists child
  rows with ``parent=Complaint``), the admin-only rows and Frappe's rows that name one of those documents (ToDo,
  Comment, Version, Notification Log, Tag Link, ...);
- ``has_permission`` refuses the single documents and rows the same rule hides.

Frappe grants a *shared* document even when ``has_permission`` refuses it, so shares of the department doctypes
are refused unless the user could read the document anyway (``validate_share``), and a transfer drops the
shares of people outside the new department (``drop_stale_shares``). Where Frappe's own endpoints apply no
permission at all, ``complaint_mgmt.security.overrides`` wraps them.

Department membership is read from the Complaint Department tables and cached per user; the cache is cleared
whenever a department (or a user) changes, so the rule never lags behind membership.
"""

import frappe
from frappe import _

from complaint_mgmt.security.registry import (
	ADMIN,
	ADMIN_DOCTYPES,
	CHILD,
	CROSS_DEPARTMENT_ROLES,
	DEPARTMENT,
	DEPARTMENT_DOCTYPES,
	DEPARTMENT_ROLES,
	RULES,
	is_protected,
	root_rule,
)

CACHE_KEY = "complaint_mgmt:user_departments"


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


def is_admin(user: str) -> bool:
	return user == "Administrator" or "System Manager" in frappe.get_roles(user)


def _department_doctype(doctype: str) -> str | None:
	"""The department doctype whose rule decides for `doctype` (itself, or the parent of a child table)."""
	rule = RULES.get(doctype)
	if rule is not None and rule.kind == CHILD:
		return _department_doctype(rule.parent)
	return doctype if rule is not None and rule.kind == DEPARTMENT else None


def query_condition(user: str | None = None, doctype: str | None = None) -> str:
	"""``permission_query_conditions`` of every protected doctype (generated from the registry in hooks.py)."""
	user = user or frappe.session.user
	rule = RULES.get(doctype)
	if rule is None:
		return "1=0"  # deny by default: a hook was declared for a doctype the registry does not know
	if rule.links:
		return _linked_condition(doctype, rule, user)
	root = root_rule(doctype)
	if root is None or root.kind == ADMIN:
		return "" if is_admin(user) else "1=0"
	departments = _restriction(user)
	if departments is None:
		return ""
	if not departments:
		return "1=0"
	if rule.kind == DEPARTMENT:
		values = ", ".join(frappe.db.escape(d) for d in departments)
		return f"`tab{doctype}`.`department` in ({values})"
	parent = _department_doctype(doctype)
	return (
		f"(`tab{doctype}`.`parenttype` = {frappe.db.escape(rule.parent)}"
		f" and `tab{doctype}`.`parent` in ({_names_in_departments(parent, departments)}))"
	)


def _unreadable_targets(user: str) -> tuple[list[str], list[str]]:
	"""The protected doctypes a linked row may name that `user` cannot read wholly: (doctypes read in part,
	through the department rule; doctypes not read at all)."""
	if user == "Administrator":
		return [], []
	admin = is_admin(user)
	departments = _restriction(user)
	partly, none = [], []
	for target in DEPARTMENT_DOCTYPES + ADMIN_DOCTYPES:
		if target in ADMIN_DOCTYPES:
			if not admin:
				none.append(target)
		elif not frappe.has_permission(target, "read", user=user) and not frappe.has_permission(
			target, "select", user=user
		):
			none.append(target)
		elif departments is not None:
			partly.append(target)
	return partly, none


def _linked_condition(doctype: str, rule, user: str) -> str:
	"""Rows naming a protected document are listed only when the user may read that document (its role
	permission and department rule); an admin-only rule hides them from everyone but System Managers."""
	if rule.kind == ADMIN:
		if is_admin(user):
			return ""
		partly, none = [], list(DEPARTMENT_DOCTYPES + ADMIN_DOCTYPES)
	else:
		partly, none = _unreadable_targets(user)
	if not partly and not none:
		return ""
	departments = user_departments(user) if partly else []
	guarded = ", ".join(frappe.db.escape(d) for d in partly + none)
	conditions = []
	for type_column, name_column in rule.links:
		type_sql, name_sql = f"`tab{doctype}`.`{type_column}`", f"`tab{doctype}`.`{name_column}`"
		allowed = [f"ifnull({type_sql}, '') not in ({guarded})"]
		for target in partly if departments else ():
			allowed.append(
				f"({type_sql} = {frappe.db.escape(target)}"
				f" and {name_sql} in ({_names_in_departments(target, departments)}))"
			)
		conditions.append("(" + " or ".join(allowed) + ")")
	return "(" + " and ".join(conditions) + ")"


def refuse_unreadable(doctype: str) -> None:
	"""The one refusal of a document the user may not read, the same for one that does not exist (no name
	oracle): Frappe's own permission messages (which name the document) are dropped."""
	frappe.clear_messages()
	frappe.flags.has_permission_check_logs = []
	frappe.throw(
		_("You may not read or change this {0}, or it does not exist.").format(_(doctype)),
		frappe.PermissionError,
		title=_("Not permitted"),
	)


def can_access_department(department: str | None, user: str | None = None) -> bool:
	user = user or frappe.session.user
	if not is_restricted(user):
		return True
	return bool(department) and department in user_departments(user)


def can_read_target(doctype: str, name: str | None, user: str | None = None) -> bool:
	"""Whether a row naming (`doctype`, `name`) may be read by `user`: always for a doctype the registry does
	not protect; for a protected one, the role permission and the department rule (System Managers only for an
	admin-only one)."""
	user = user or frappe.session.user
	rule = root_rule(doctype) if doctype else None
	if rule is None or rule.kind not in (DEPARTMENT, ADMIN) or user == "Administrator":
		return True
	if rule.kind == ADMIN:
		return is_admin(user)
	if not name:
		return True
	department_doctype = _department_doctype(doctype)
	if department_doctype != doctype:  # a child row: its parent decides
		parent = frappe.db.get_value(doctype, name, ["parenttype", "parent"], as_dict=True)
		if not parent:
			return True
		return can_read_target(parent.parenttype, parent.parent, user)
	if not (
		frappe.has_permission(doctype, "read", user=user)
		or frappe.has_permission(doctype, "select", user=user)
	):
		return False
	return can_access_department(frappe.db.get_value(doctype, name, "department"), user)


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	"""``has_permission`` of every protected doctype (generated from the registry in hooks.py): False refuses,
	None leaves the decision to Frappe's role permissions."""
	user = user or frappe.session.user
	rule = RULES.get(doc.doctype)
	if rule is None:
		return False
	if rule.links:
		for type_field, name_field in rule.links:
			target = doc.get(type_field)
			if (
				target
				and target in RULES
				and not _row_target_readable(rule, target, doc.get(name_field), user)
			):
				return False
		return None
	root = root_rule(doc.doctype)
	if root is None or root.kind == ADMIN:
		return None if is_admin(user) else False
	if rule.kind == DEPARTMENT:
		return None if can_access_department(doc.get("department"), user) else False
	if doc.get("parenttype") and doc.get("parent"):
		return None if can_read_target(doc.parenttype, doc.parent, user) else False
	return None


def _row_target_readable(rule, target: str, name: str | None, user: str) -> bool:
	if rule.kind == ADMIN and is_protected(target):
		return is_admin(user)
	return can_read_target(target, name, user)


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
