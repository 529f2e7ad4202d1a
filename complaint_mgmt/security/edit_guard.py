"""Plain saves of a complaint (desk form, REST ``PUT``, ``frappe.client.set_value``) judged by the procedure's
rule (``complaint_mgmt.procedure.editing``): this module only finds what a save changed and says why it is
refused; and the procedure's child rows refuse being written on their own."""

import frappe
from frappe import _
from frappe.model import default_fields
from frappe.utils import cint, cstr, flt, get_datetime

from complaint_mgmt.procedure import editing, transitions


def normalised(df, value):
	if df.fieldtype in ("Datetime", "Date", "Time"):
		return get_datetime(value) if value else None
	if df.fieldtype in ("Check", "Int"):
		return cint(value)
	if df.fieldtype in ("Float", "Currency", "Percent"):
		return flt(value)
	return cstr(value)


# Bookkeeping of the app, not part of the complaint: the reports' counted flag is reset from the database on
# every save (outputs/report_stats.before_complaint_validate), so a form opened before it was set still saves.
BOOKKEEPING_FIELDS = ("stats_counted",)


def changed_fields(doc, before) -> list[str]:
	"""Fields (tables included) whose value differs from the stored document."""
	changed = []
	for df in doc.meta.fields:
		if df.fieldname in default_fields or df.fieldname in BOOKKEEPING_FIELDS:
			continue
		if df.fieldtype in frappe.model.table_fields:
			if table_rows(doc, df.fieldname) != table_rows(before, df.fieldname):
				changed.append(df.fieldname)
		elif df.fieldtype in frappe.model.no_value_fields:
			continue
		elif normalised(df, doc.get(df.fieldname)) != normalised(df, before.get(df.fieldname)):
			changed.append(df.fieldname)
	return changed


def table_rows(doc, fieldname: str) -> list[tuple]:
	rows = []
	for row in doc.get(fieldname) or []:
		values = [
			normalised(df, row.get(df.fieldname))
			for df in row.meta.fields
			if df.fieldtype not in frappe.model.no_value_fields
		]
		rows.append((row.name, *values))
	return rows


def validate_plain_edit(doc) -> None:
	"""A save that is not a procedure action: what it changed must be editable (``editing.refused_edit``)."""
	before = doc.get_doc_before_save()
	if doc.flags.procedure_action or before is None:
		return
	service_center = bool(set(frappe.get_roles()) & set(transitions.SPECIALIST_ROLES))
	refusal = editing.refused_edit(before.status, changed_fields(doc, before), service_center)
	if not refusal:
		return
	why, field = refusal
	label = frappe.bold(_(doc.meta.get_label(field)))
	if why == editing.READ_ONLY:
		message = _("A complaint that is {0} cannot be edited ({1}).").format(_(before.status), label)
	elif why == editing.CLOCK_INPUT:
		message = _(
			"{0} of a transferred complaint changes only through the service center's Regrade action."
		)
		message = message.format(label)
	else:
		message = _("{0} can only be changed through the complaint's actions.").format(label)
	frappe.throw(message, title=_("Not allowed"))


def refuse_direct_write(row) -> None:
	"""A child row of the complaint saved or deleted on its own (REST on the child doctype): refused, the row is
	part of the procedure's record (Frappe runs a child's own controller only then, never in the parent's save)."""
	frappe.throw(
		_("{0} rows change only through the complaint's actions.").format(_(row.doctype)),
		frappe.PermissionError,
		title=_("Not allowed"),
	)
