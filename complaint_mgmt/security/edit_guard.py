"""What a plain save (desk form, REST ``PUT``, ``frappe.client.set_value``) may change on a complaint.

Once a complaint has left *Registered*, everything that drives its clocks and penalties (received_on, grade,
channel, category, milestones, deadlines, warnings, the procedure's child tables) changes only through the
procedure's actions (``complaint_mgmt.api``: the steps, and ``regrade`` for the service center), never by a
plain save of the department being timed. A Closed or Deferred complaint is read-only outside the actions.
"""

import frappe
from frappe import _
from frappe.model import default_fields
from frappe.utils import cint, cstr, flt, get_datetime

from complaint_mgmt.procedure import transitions

# Anyone who may write the complaint may correct these (customer data, the request).
FREE_FIELDS = frozenset(
	{
		"customer_name",
		"contact_phone",
		"contact_email",
		"party_type",
		"party",
		"reference_doctype",
		"reference_name",
		"description",
		"customer_request",
		"claim_amount",
	}
)
# The service center also keeps these up to date.
SERVICE_CENTER_FIELDS = frozenset({"specialist", "follow_up_mode", "irrational_reason"})
# Inputs of the clocks: only the service center's regrade action changes them after registration.
CLOCK_INPUTS = ("received_on", "grade", "channel", "category")
READ_ONLY_STATUSES = ("Closed", "Deferred")


def normalised(df, value):
	if df.fieldtype in ("Datetime", "Date", "Time"):
		return get_datetime(value) if value else None
	if df.fieldtype in ("Check", "Int"):
		return cint(value)
	if df.fieldtype in ("Float", "Currency", "Percent"):
		return flt(value)
	return cstr(value)


def changed_fields(doc, before) -> list[str]:
	"""Fields (tables included) whose value differs from the stored document."""
	changed = []
	for df in doc.meta.fields:
		if df.fieldname in default_fields:
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


def editable_fields(user: str | None = None) -> frozenset[str]:
	if set(frappe.get_roles(user)) & set(transitions.SPECIALIST_ROLES):
		return FREE_FIELDS | SERVICE_CENTER_FIELDS
	return FREE_FIELDS


def validate_plain_edit(doc) -> None:
	"""A save that is not a procedure action: Registered complaints keep the service center's fields and the
	clock inputs editable; later only the free fields; Closed / Deferred nothing."""
	before = doc.get_doc_before_save()
	if doc.flags.procedure_action or before is None:
		return
	changed = changed_fields(doc, before)
	if not changed:
		return
	if before.status in READ_ONLY_STATUSES:
		frappe.throw(
			_("A complaint that is {0} cannot be edited ({1}).").format(
				_(before.status), frappe.bold(_(doc.meta.get_label(changed[0])))
			),
			title=_("Not allowed"),
		)
	allowed = editable_fields()
	if before.status == "Registered":
		allowed = allowed | set(CLOCK_INPUTS)
	clock_inputs = [f for f in changed if f in CLOCK_INPUTS and f not in allowed]
	if clock_inputs:
		frappe.throw(
			_(
				"{0} of a transferred complaint changes only through the service center's Regrade action."
			).format(frappe.bold(_(doc.meta.get_label(clock_inputs[0])))),
			title=_("Not allowed"),
		)
	refused = [f for f in changed if f not in allowed]
	if refused:
		frappe.throw(
			_("{0} can only be changed through the complaint's actions.").format(
				frappe.bold(_(doc.meta.get_label(refused[0])))
			),
			title=_("Not allowed"),
		)


def refuse_direct_write(row) -> None:
	"""A child row of the complaint saved or deleted on its own (REST on the child doctype): refused, the row is
	part of the procedure's record (Frappe runs a child's own controller only then, never in the parent's save)."""
	frappe.throw(
		_("{0} rows change only through the complaint's actions.").format(_(row.doctype)),
		frappe.PermissionError,
		title=_("Not allowed"),
	)
