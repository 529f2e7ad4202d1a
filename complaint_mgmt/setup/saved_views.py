"""Saved views of the complaint list per role (issue 19 §7): "My department, overdue", "Waiting on me" and
"External channels" wait in the list sidebar's Saved Filters of the users whose roles use them.

Frappe's saved filters (List Filter) belong to one user or to everyone; a view for some roles, naming the user
or the user's departments, is therefore one List Filter per user (`for_user`), named in the user's language.
They are kept in step on every migrate, when a user is saved (roles, language) and when a department's people
change. Only the app's own views are touched (found by their names in any shipped language); a user's own saved
filters stay as they are.
"""

import json

import frappe
from frappe import _
from frappe.translate import print_language

from complaint_mgmt.procedure.inbox import OVERDUE
from complaint_mgmt.procedure.transitions import DEPARTMENT_ROLES, SPECIALIST_ROLES, TERMINAL_STATUSES
from complaint_mgmt.security.permissions import user_departments
from complaint_mgmt.setup.seed import COMPENSATION_TIERS

DOCTYPE = "Complaint"
LIST_FILTER = "List Filter"
LANGUAGES = ("en", "zh")
SERVICE_DIRECTOR = "Complaint Service Director"
TIER_ROLES = tuple(role for _amount, role in COMPENSATION_TIERS)
DEPARTMENT_OVERDUE, WAITING_ON_ME, EXTERNAL = "department overdue", "waiting on me", "external"
# view -> the roles that use it
VIEW_ROLES = {
	DEPARTMENT_OVERDUE: DEPARTMENT_ROLES,
	WAITING_ON_ME: (*SPECIALIST_ROLES, *DEPARTMENT_ROLES, *TIER_ROLES),
	EXTERNAL: (*SPECIALIST_ROLES, *DEPARTMENT_ROLES, SERVICE_DIRECTOR),
}


def title(view: str) -> str:
	"""The view's name in the current language."""
	return {
		DEPARTMENT_OVERDUE: _("My department, overdue"),
		WAITING_ON_ME: _("Waiting on me"),
		EXTERNAL: _("External channels"),
	}[view]


def view_filters(view: str, user: str, departments: list[str]) -> list | None:
	"""The list filters of `view` for `user` (None: the view has nothing to show this user)."""
	if view == DEPARTMENT_OVERDUE:
		if not departments:
			return None
		department = (
			["department", "=", departments[0]]
			if len(departments) == 1
			else ["department", "in", departments]
		)
		return [[DOCTYPE, *department], [DOCTYPE, "sla_status", "=", OVERDUE]]
	if view == WAITING_ON_ME:
		# the open ToDos of a complaint are listed in its _assign (a JSON list of users)
		return [[DOCTYPE, "_assign", "like", f'%"{user}"%']]
	return [[DOCTYPE, "is_external", "=", 1], [DOCTYPE, "status", "not in", list(TERMINAL_STATUSES)]]


def all_titles() -> set[str]:
	titles = set()
	for language in LANGUAGES:
		with print_language(language):
			titles.update(title(view) for view in VIEW_ROLES)
	return titles


def wanted_views(user: str) -> dict[str, str]:
	"""filter name -> filters (JSON) of the views `user` should have, named in the user's language."""
	doc = frappe.db.get_value("User", user, ["enabled", "user_type", "language"], as_dict=True)
	if not doc or not doc.enabled or doc.user_type != "System User":
		return {}
	roles = set(frappe.get_roles(user))
	departments = user_departments(user)
	wanted = {}
	with print_language(doc.language or frappe.db.get_default("lang") or "en"):
		for view, view_roles in VIEW_ROLES.items():
			filters = view_filters(view, user, departments) if roles & set(view_roles) else None
			if filters:
				wanted[title(view)] = json.dumps(filters)
	return wanted


def sync_user(user: str, titles: set[str] | None = None) -> None:
	"""The user's saved views become exactly `wanted_views`; their other saved filters stay."""
	if not user or user in ("Guest", "Administrator"):
		return
	wanted = wanted_views(user)
	existing = frappe.get_all(
		LIST_FILTER,
		filters={
			"reference_doctype": DOCTYPE,
			"for_user": user,
			"filter_name": ("in", list(titles or all_titles())),
		},
		fields=["name", "filter_name", "filters"],
		order_by="creation asc",
	)
	for row in existing:
		if wanted.get(row.filter_name) == row.filters:
			wanted.pop(row.filter_name)
		else:
			# the app's own view of this user, out of date (roles, departments or language changed)
			frappe.delete_doc(LIST_FILTER, row.name, ignore_permissions=True, force=True)
	for name, filters in wanted.items():
		frappe.get_doc(
			{
				"doctype": LIST_FILTER,
				"reference_doctype": DOCTYPE,
				"for_user": user,
				"filter_name": name,
				"filters": filters,
			}
		).insert(ignore_permissions=True)  # the app seeds the user's views, whoever saved the user


def complaint_users() -> list[str]:
	"""Enabled desk users holding a role that uses a view, or having one of the app's views."""
	roles = {role for view_roles in VIEW_ROLES.values() for role in view_roles}
	holders = set(
		frappe.get_all(
			"Has Role", filters={"parenttype": "User", "role": ("in", list(roles))}, pluck="parent"
		)
	)
	holders.update(
		frappe.get_all(
			LIST_FILTER,
			filters={"reference_doctype": DOCTYPE, "filter_name": ("in", list(all_titles()))},
			pluck="for_user",
		)
	)
	return sorted(u for u in holders if u)


def sync_all() -> None:
	"""after_migrate: every complaint user's views."""
	titles = all_titles()
	for user in complaint_users():
		sync_user(user, titles)


def on_user_update(doc, method=None) -> None:
	"""User on_update: roles, language or enabled may have changed."""
	sync_user(doc.name)


def on_department_update(doc, method=None) -> None:
	"""Complaint Department on_update: its people now and before the save."""
	users = set(department_people(doc))
	before = doc.get_doc_before_save()
	if before:
		users.update(department_people(before))
	titles = all_titles()
	for user in sorted(users):
		sync_user(user, titles)


def department_people(doc) -> list[str]:
	return [u for u in (doc.manager, *(r.user for r in doc.members), *(r.user for r in doc.receivers)) if u]
