"""The complaint's party (who complains, as a Contact or an ERPNext Customer) and its optional reference
(the order, invoice, vehicle... the complaint is about).

Both are checked before Frappe's own link validation, so a wrong value gets a message that says what to do
instead of Frappe's generic "Could not find ...".
"""

import frappe
from frappe import _

CONTACT, CUSTOMER = "Contact", "Customer"


def erpnext_installed() -> bool:
	return "erpnext" in frappe.get_installed_apps() and bool(frappe.db.exists("DocType", CUSTOMER))


def party_types() -> tuple[str, ...]:
	"""Contact always; Customer only on a site with ERPNext."""
	return (CONTACT, CUSTOMER) if erpnext_installed() else (CONTACT,)


def validate_party(doc) -> None:
	if not doc.party_type:
		if doc.party:
			frappe.throw(
				_("Select a Party Type for party {0}.").format(frappe.bold(doc.party)),
				title=_("Invalid party"),
			)
		return
	allowed = party_types()
	if doc.party_type == CUSTOMER and CUSTOMER not in allowed:
		frappe.throw(
			_("Party Type Customer needs ERPNext, which is not installed on this site: use a Contact."),
			title=_("Invalid party"),
		)
	if doc.party_type not in allowed:
		frappe.throw(
			_("Party Type must be one of: {0}.").format(", ".join(_(t) for t in allowed)),
			title=_("Invalid party"),
		)
	if doc.party and not frappe.db.exists(doc.party_type, doc.party):
		frappe.throw(
			_("{0} {1} not found.").format(_(doc.party_type), frappe.bold(doc.party)),
			title=_("Invalid party"),
		)


def validate_reference(doc) -> None:
	"""Optional; when given, the referenced document must exist and (when it changes) be readable by the user."""
	if not doc.reference_doctype:
		if doc.reference_name:
			frappe.throw(
				_("Select a Reference Type for reference {0}.").format(frappe.bold(doc.reference_name)),
				title=_("Invalid reference"),
			)
		return
	meta = (
		frappe.get_meta(doc.reference_doctype) if frappe.db.exists("DocType", doc.reference_doctype) else None
	)
	if not meta or meta.istable or meta.issingle:
		frappe.throw(
			_("{0} cannot be a complaint's reference.").format(frappe.bold(doc.reference_doctype)),
			title=_("Invalid reference"),
		)
	if not doc.reference_name:
		return
	if not frappe.db.exists(doc.reference_doctype, doc.reference_name):
		frappe.throw(
			_("{0} {1} not found.").format(_(doc.reference_doctype), frappe.bold(doc.reference_name)),
			title=_("Invalid reference"),
		)
	changed = (
		doc.is_new() or doc.has_value_changed("reference_name") or doc.has_value_changed("reference_doctype")
	)
	if changed and not frappe.has_permission(doc.reference_doctype, "read", doc.reference_name):
		frappe.throw(
			_("You cannot refer to {0} {1}: you have no access to it.").format(
				_(doc.reference_doctype), frappe.bold(doc.reference_name)
			),
			frappe.PermissionError,
			title=_("Invalid reference"),
		)
