"""A stored complaint's (or transfer record's) save looks up only the links that changed since it was stored.

Frappe's ``_validate_links`` looks up every Link of the document and of every child row at every save: for a
procedure action (acknowledge, reply, ...) that is the category, both grades, the specialist, the department,
the receiver, the approver, the party's and the reference's doctypes and every step's user again, each a query
and, for a doctype not met yet in the request, its whole meta from Redis. They were looked up when they were
stored, and a linked record cannot be deleted while it is linked (Frappe's delete checks the links). So, for a
stored complaint, a Link (or Dynamic Link) is looked up when its value changed, a new child row's links all
(the step being taken: its user), with Frappe's own message for one not found ("Could not find ...") and its
letter case taken from the stored record, as Frappe does.

Frappe's whole validation runs instead for a new complaint, a doctype with a field fetched from a link (a
custom field of the site's: Frappe refreshes it at every save), a submittable doctype (cancelled links), and a
changed link to a single or virtual doctype.
"""

import frappe
from frappe import _
from frappe.model.utils.link_count import notify_link_count

LINK_TYPES = ("Link", "Dynamic Link")


class ChecksChangedLinks:
	"""Controller mixin (before the Document class): a stored document's save looks up only what changed;
	anything else, Frappe's whole link validation."""

	def _validate_links(self):
		if not validate_changed_links(self):
			super()._validate_links()


def validate_changed_links(doc) -> bool:
	"""Look up the links of `doc` that changed since it was stored; False (nothing looked up): the caller runs
	Frappe's whole link validation."""
	before = doc.get_doc_before_save()
	if before is None or doc.is_new() or doc.meta.is_submittable or doc.flags.ignore_links:
		return False  # Frappe's own (which looks up nothing when told to ignore the links)
	changed = _changed(doc, before)
	if changed is None:
		return False
	targets = {doctype for _holder, _df, doctype, _value in changed}
	ordinary = _ordinary_doctypes(targets)
	if targets - ordinary:
		return False
	invalid = []
	for holder, df, doctype, value in changed:
		stored = frappe.db.get_value(doctype, value, "name", cache=True)
		if stored:
			if not df.get("is_virtual"):  # the stored record's letter case, as Frappe's validation sets it
				holder.set(df.fieldname, stored)
			notify_link_count(doctype, stored)
		else:
			invalid.append(_message(holder, df, value))
	if invalid:
		frappe.throw(_("Could not find {0}").format(", ".join(invalid)), frappe.LinkValidationError)
	return True


def _changed(doc, before) -> list | None:
	"""(holder, docfield, target doctype, value) of every changed link; None when a fetched field is involved."""
	found, fetches = [], {}
	before_rows = {row.name: row for row in before.get_all_children()}
	for holder, stored in [(doc, before)] + [
		(row, before_rows.get(row.name)) for row in doc.get_all_children()
	]:
		if holder.get("__islocal"):
			stored = None
		meta = holder.meta
		if meta.name not in fetches:
			fetches[meta.name] = any(df.get("fetch_from") for df in meta.fields)
		if fetches[meta.name]:
			return None
		for df in meta.fields:
			if df.fieldtype not in LINK_TYPES:
				continue
			value = holder.get(df.fieldname)
			doctype = df.options if df.fieldtype == "Link" else holder.get(df.options)
			unchanged = stored is not None and value == stored.get(df.fieldname)
			if df.fieldtype == "Dynamic Link" and stored is not None:
				unchanged = unchanged and doctype == stored.get(df.options)
			if not value or unchanged:
				continue
			if not doctype:
				return None  # Frappe's message: the doctype field must be set first
			found.append((holder, df, doctype, value))
	return found


def _ordinary_doctypes(doctypes: set[str]) -> set[str]:
	"""Those of `doctypes` stored in a table of their own (not single, not virtual)."""
	if not doctypes:
		return set()
	table = frappe.qb.DocType("DocType")
	return set(
		frappe.qb.from_(table)
		.select(table.name)
		.where(table.name.isin(sorted(doctypes)))
		.where(table.issingle == 0)
		.where(table.is_virtual == 0)
		.run(pluck=True)
	)


def _message(holder, df, value) -> str:
	"""Frappe's ``get_invalid_links`` wording of one link not found."""
	label = _(df.label, context=df.parent)
	if holder.get("parentfield"):
		return "{} #{}: {}: {}".format(_("Row"), holder.idx, label, value)
	return f"{label}: {value}"
