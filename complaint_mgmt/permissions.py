"""Department isolation.

Complaint Handlers and Complaint Department Managers see and change only the complaints, transfer records and
penalty notices of the departments they belong to (member, designated receiver or manager of a Complaint
Department). The rule is enforced through Frappe's own hooks, so every read path (list, form, report view,
REST ``get_list``/``get_doc``, link search, export) applies it:

- ``permission_query_conditions`` narrows every list query;
- ``has_permission`` refuses single documents of other departments.

Department membership is read from the Complaint Department tables and cached per user; the cache is cleared
whenever a department (or a user) changes, so the rule never lags behind membership.
"""

import frappe

# Roles that work across departments: their DocPerms alone decide.
CROSS_DEPARTMENT_ROLES = frozenset(
	{
		"System Manager",
		"Complaint Manager",
		"Complaint Specialist",
		"Complaint Bulletin Approver",
		"Complaint Penalty Executor",
	}
)
DEPARTMENT_ROLES = frozenset({"Complaint Handler", "Complaint Department Manager"})
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


def _department_condition(column: str, user: str | None) -> str:
	user = user or frappe.session.user
	if not is_restricted(user):
		return ""
	departments = user_departments(user)
	if not departments:
		return "1=0"
	values = ", ".join(frappe.db.escape(d) for d in departments)
	return f"{column} in ({values})"


def complaint_query(user: str | None = None, doctype: str | None = None) -> str:
	return _department_condition("`tabComplaint`.`department`", user)


def department_doc_query(user: str | None = None, doctype: str | None = None) -> str:
	doctype = doctype or "Complaint Transfer Record"
	return _department_condition(f"`tab{doctype}`.`department`", user)


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
