"""Documents a request names must be documents the user may read, before any endpoint runs.

Frappe 15's generic endpoints (like, tags, comments, assignments, follow, shares, bulk update, ``set_value``,
``run_doc_method``, saves, deletes, ...) check permissions each in its own way, some not at all
(``frappe.desk.like.toggle_like`` stores a like and a "Liked" comment on any document; ``tag.add_tag`` fails
with an IndexError that hides the refusal; ``frappe.client.save`` reports another department's ``modified``
before any check). Deny by default: whatever the method, a protected document (security/registry.py) named by a
doctype argument and a name argument (any depth of the decoded arguments, REST's /api/resource/<doctype>/<name>
too) must exist and be readable by the user, else the request is refused with one message, the same for a
document that does not exist (no name oracle).
"""

import frappe
from frappe.core.doctype.user_permission.user_permission import get_user_permissions

from complaint_mgmt.security import arguments
from complaint_mgmt.security.permissions import can_read_target, refuse_unreadable
from complaint_mgmt.security.registry import GUARDED_DOCTYPES, RULES

# A doctype key and the keys of the same dict that name documents of that doctype (a dict with a "doctype" is
# itself a document: its name; a child row names its parent by parenttype and parent).
PAIRS = {
	"doctype": ("name", "docname", "doc_name", "docnames", "names", "document"),
	"dt": ("dn", "docname", "name", "docs"),
	"doc_type": ("docname", "name"),
	"reference_doctype": ("reference_name", "reference_docname"),
	"reference_type": ("reference_name",),
	"ref_doctype": ("ref_docname", "docname"),
	"document_type": ("document_name",),
	"share_doctype": ("share_name",),
	"parenttype": ("parent",),
}
# Methods that decide themselves, per document, for users without a role on it (the customer's own complaint
# through the web form: Frappe checks the owner there; complaint_mgmt.security.overrides trims what it returns).
OWN_CHECKS = frozenset(
	{
		"/api/method/frappe.website.doctype.web_form.web_form.get_form_data",
		"/api/method/frappe.website.doctype.web_form.web_form.accept",
	}
)


# Methods that name a document under a key of their own: the form's next / previous button reads the
# document's sort value before any check (its answer orders another department's complaint among one's own).
METHOD_NAME_KEYS = {"/api/method/frappe.desk.form.utils.get_next": "value"}


def named_documents(request_args: dict, path: str) -> list[tuple[str, str]]:
	"""Every (doctype, name) of a protected doctype the decoded request names."""
	found = []
	doctype, name = arguments.rest_target(path)
	if path in METHOD_NAME_KEYS:
		doctype, name = request_args.get("doctype"), request_args.get(METHOD_NAME_KEYS[path])
	if doctype in GUARDED_DOCTYPES and isinstance(name, str) and name:
		found.append((doctype, name))
	holders = [request_args] + [
		value for _key, value, _holder in arguments.entries(request_args) if isinstance(value, dict)
	]
	for holder in holders:
		if holder.get("__islocal") or (
			holder.get("__unsaved") and str(holder.get("name", "")).startswith("new-")
		):
			continue
		for doctype_key, name_keys in PAIRS.items():
			doctype = holder.get(doctype_key)
			if isinstance(doctype, str) and doctype in GUARDED_DOCTYPES:
				found.extend((doctype, name) for key in name_keys for name in names(holder.get(key)))
	return list(dict.fromkeys(found))


def names(value) -> list[str]:
	values = value if isinstance(value, list) else [value]
	return [v for v in values if isinstance(v, str) and v]


def readable(doctype: str, name: str) -> bool:
	if RULES[doctype].kind == "child":
		if not frappe.db.exists(doctype, name):
			return unsaved_name(name)
		return can_read_target(doctype, name)
	doc = document_to_judge(doctype, name)
	if doc is None:
		return unsaved_name(name)
	return bool(frappe.has_permission(doctype, "read", doc=doc))


def unsaved_name(name: str) -> bool:
	"""The desk's names of a document not saved yet ("new", "new-complaint-1"): never a stored name of a protected
	doctype (they are named by series), Frappe answers them itself (the form opens a new one)."""
	return name == "new" or name.startswith("new-")


def document_to_judge(doctype: str, name: str):
	"""The stored document `name` as Frappe's read permission needs it, or None when there is none.

	Frappe's check reads the parent's fields (the department rule of this app's hook, the owner, the user
	permissions of its links) and the child rows' links only when the user has User Permissions; its share check
	reads the name. So without User Permissions, and when every ``has_permission`` hook of the doctype is this
	app's (which reads the parent's fields only), the parent's row alone is judged: one query instead of the
	whole document (its child tables too), which the endpoint then loads itself (the form's getdoc: the same
	document twice). Anything else gets the whole document, as Frappe's own check would load it. The whole row,
	not some columns: a rule's reference may be any field (a File's ``attached_to_name`` is Data). A single or
	virtual doctype has no such row: Frappe's way."""
	meta = frappe.get_meta(doctype)
	if (
		meta.issingle
		or meta.is_virtual
		or get_user_permissions(frappe.session.user)
		or not own_hooks_only(doctype)
	):
		return frappe.get_doc(doctype, name) if frappe.db.exists(doctype, name) else None
	table = frappe.qb.DocType(doctype)
	rows = frappe.qb.from_(table).select("*").where(table.name == name).limit(1).run(as_dict=True)
	return frappe.get_doc({**rows[0], "doctype": doctype}) if rows else None


def own_hooks_only(doctype: str) -> bool:
	hooks = frappe.get_hooks("has_permission")
	return all(
		method.startswith("complaint_mgmt.") for method in [*hooks.get(doctype, []), *hooks.get("*", [])]
	)


def check_named_documents(request_args: dict, path: str) -> None:
	if path in OWN_CHECKS:
		return
	for doctype, name in named_documents(request_args, path):
		if not readable(doctype, name):
			refuse_unreadable(doctype)
