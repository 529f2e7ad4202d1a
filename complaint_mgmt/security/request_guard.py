"""A ``before_request`` guard (hooks.py) for what Frappe 15 lets through before any permission or controller.

It decodes every argument exactly as Frappe will (security/arguments.py: query string, form, JSON body, JSON in
JSON, escapes, backticks, ``tabX``.``field`` prefixes, any letter case) and then judges what it found:

- a field the user may not read (its permission level) can be neither shown, filtered, sorted nor grouped by, on
  any doctype, also through a link (``complaint.contact_phone``) or a child table (``DatabaseQuery`` drops such
  fields from the selected columns only: a filter on ``contact_phone`` is a yes/no oracle on its value);
- a link column into a protected doctype (``complaint.description`` from a transfer record) only for a user who
  may read every record of it (Frappe joins the linked record without its department rule);
- on the protected doctypes (security/registry.py) list arguments must be what Frappe can run: columns that
  exist, an aggregate of one, conditions of (field, operator, value); raw SQL conditions are refused on every
  doctype (Frappe 15 appends a text condition to the query as it is);
- paging arguments are whole numbers, JSON arguments are JSON, a REST write's body is one JSON object;
- a document named by the request (security/target_guard.py) must be one the user may read.

Every refusal is a translated 4xx; nothing has run yet, so nothing is written.
"""

import json

import frappe
from frappe import _
from frappe.model import child_table_fields, default_fields, optional_fields
from frappe.utils import get_datetime

from complaint_mgmt.security import arguments
from complaint_mgmt.security.permissions import is_restricted
from complaint_mgmt.security.privacy import unreadable_fields
from complaint_mgmt.security.registry import DEPARTMENT_DOCTYPES, GUARDED_DOCTYPES, RULES
from complaint_mgmt.security.target_guard import check_named_documents

STANDARD = frozenset({*default_fields, *optional_fields, *child_table_fields, "*"})
# keys whose every text must be one column (or an aggregate of one) on a protected doctype
COLUMN_KEYS = frozenset(
	{"fields", "fieldname", "fieldnames", "searchfield", "aggregate_on_field", "group_by_field", "field"}
)
# words of a column expression that are no column, and Frappe's pseudo-columns (the sidebar's "Assigned To")
PSEUDO_COLUMNS = frozenset({*arguments.AGGREGATES, "as", "distinct", "assigned_to", "_aggregate_column"})
ORDER_KEYS = frozenset({"order_by", "group_by", "sort_by", "sort_field"})
PAGING_KEYS = ("start", "page_length", "limit_start", "limit_page_length", "limit")
JSON_KEYS = ("filters", "or_filters", "fields", "current_filters", "filter_fields")
DATE_TYPES = ("Date", "Datetime")
TEXT_OPERATORS = ("like", "not like", "is", "timespan", "descendants of", "ancestors of")


def refuse(message: str, exc=frappe.ValidationError) -> None:
	frappe.throw(message, exc, title=_("Invalid request"))


def refuse_field(doctype: str, fieldname: str) -> None:
	label = (
		frappe.get_meta(doctype).get_label(fieldname) if frappe.db.exists("DocType", doctype) else fieldname
	)
	frappe.throw(
		_("You may not read, filter, sort or group by {0} of {1}.").format(_(label), _(doctype)),
		frappe.PermissionError,
		title=_("Not permitted"),
	)


class Fields:
	"""What the session user may not read, per doctype (lower-cased field names), for one request.

	`stored`: doctypes the request is about, as stored (request_doctypes): a ``tabX`` qualifier that names one of
	them in another letter case is that doctype without a lookup."""

	def __init__(self, stored: frozenset[str] = frozenset()):
		self.user = frappe.session.user
		self._hidden: dict[str, set[str]] = {}
		self._names: dict[str, str | None] = {d.lower(): d for d in stored if d.isascii()}
		self._joined: dict[tuple[str, ...], set[str]] = {}

	def hidden(self, doctype: str) -> set[str]:
		if doctype not in self._hidden:
			self._hidden[doctype] = {f.lower() for f in unreadable_fields(doctype, self.user)}
		return self._hidden[doctype]

	def stored_name(self, name: str) -> str | None:
		"""The DocType `name` matches, as stored: one lookup on the primary key, whose collation ignores case. An
		ASCII name equal but for letter case to a stored doctype of the request is that doctype (the primary key
		holds one of them)."""
		key = name.lower() if name.isascii() else name
		if key not in self._names:
			self._names[key] = stored_doctype(name)
		return self._names[key]

	def doctype_named(self, text: str) -> str | None:
		"""The doctype whose table a ``tabX`` qualifier (any letter case) names (the desk qualifies every column of
		every list)."""
		return self.stored_name(text[3:] if text.startswith("tab") else text)

	def is_doctype(self, name: str) -> bool:
		return self.stored_name(name) is not None

	def joined(self, doctypes: list[str]) -> set[str]:
		"""The tables a list of `doctypes` may name: themselves and their child tables."""
		key = tuple(doctypes)
		if key not in self._joined:
			self._joined[key] = {
				*doctypes,
				*(df.options for d in doctypes for df in frappe.get_meta(d).get_table_fields()),
			}
		return self._joined[key]


def stored_doctype(name: str) -> str | None:
	"""The DocType `name` matches in the database (its collation: any letter case, trailing blanks), as stored."""
	table = frappe.qb.DocType("DocType")
	found = frappe.qb.from_(table).select(table.name).where(table.name == name).limit(1).run(pluck=True)
	return found[0] if found else None


def request_doctypes(request_args: dict) -> tuple[list[str], frozenset[str]]:
	"""The doctypes a request is about: REST's /api/resource/<doctype> and every doctype argument (any depth);
	and those of them named exactly as stored."""
	# the list's own doctype first (REST's, else the argument): a condition without a doctype is on it
	found = [arguments.rest_target(frappe.request.path)[0], request_args.get("doctype")]
	for key, value, _holder in arguments.entries(
		request_args, skip=arguments.FILTER_KEYS
	):  # a filter's value is no doctype
		if key in arguments.DOCTYPE_KEYS and isinstance(value, str):
			found.append(value)
	candidates = [d for d in dict.fromkeys(found) if isinstance(d, str) and d]
	if not candidates:
		return [], frozenset()
	# one lookup for the names as they are stored (the usual case); any other spelling the database may still
	# match (its collation ignores letter case, trailing blanks, accents) is looked up as before, one by one
	table = frappe.qb.DocType("DocType")
	stored = set(frappe.qb.from_(table).select(table.name).where(table.name.isin(candidates)).run(pluck=True))
	exact = frozenset(d for d in candidates if d in stored)
	return [d for d in candidates if d in exact or frappe.db.exists("DocType", d)], exact


def field_of(doctype: str, name: str):
	"""The docfield `name` (any letter case) of `doctype`, or None."""
	meta = frappe.get_meta(doctype)
	return meta.get_field(name) or next((df for df in meta.fields if df.fieldname.lower() == name), None)


def check_reference(
	fields: Fields, doctypes: list[str], qualifier: str | None, name: str, strict: bool
) -> None:
	"""One (qualifier, name) a request names, against the doctypes it is about."""
	if qualifier is None:
		for doctype in doctypes:
			if name in fields.hidden(doctype):
				refuse_field(doctype, name)
		return
	if qualifier.startswith("tab"):
		target = fields.doctype_named(qualifier)
		if target is None:
			if strict:
				refuse(_("{0} is not a table of this list.").format(qualifier))
			return
		if name in fields.hidden(target):
			refuse_field(target, name)
		if target in GUARDED_DOCTYPES and target not in fields.joined(doctypes):
			refuse(_("{0} is not a table of this list.").format(_(target)), frappe.PermissionError)
		return
	for doctype in doctypes:
		df = field_of(doctype, qualifier)
		if df is None or df.fieldtype not in ("Link", "Table", "Table MultiSelect"):
			continue
		target = df.options
		if name in fields.hidden(target):
			refuse_field(target, name)
		if df.fieldtype == "Link" and target in GUARDED_DOCTYPES and not reads_every(target):
			frappe.throw(
				_("You may not read {0} of the linked {1} here.").format(name, _(target)),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
		return
	if strict:
		refuse(_("{0} is not a field of this list.").format(qualifier))


def reads_every(doctype: str) -> bool:
	"""Whether the user may read every record of a protected doctype (a linked column is joined without the
	record's own rule)."""
	if frappe.session.user == "Administrator":
		return True
	if not (frappe.has_permission(doctype, "read") or frappe.has_permission(doctype, "select")):
		return False
	return not (doctype in DEPARTMENT_DOCTYPES and is_restricted())


def check_column(fields: Fields, doctypes: list[str], expression: str) -> None:
	"""On a protected doctype every text of a column key is one existing column (or an aggregate of one)."""
	if not arguments.is_field_expression(expression):
		refuse(_("{0} may only name columns: {1}").format(_("Fields"), frappe.bold(str(expression)[:80])))
	for qualifier, name in arguments.references(expression):
		if name in STANDARD or name in PSEUDO_COLUMNS or expression_alias(expression, name):
			continue
		if qualifier is None:
			known = any(field_of(d, name) for d in doctypes)
		elif qualifier.startswith("tab"):
			target = fields.doctype_named(qualifier)
			known = target is not None and field_of(target, name) is not None
		else:
			link = next((df for d in doctypes if (df := field_of(d, qualifier))), None)
			known = link is not None and link.options and field_of(link.options, name) is not None
		if not known:
			refuse(_("{0} is not a field of {1}.").format(frappe.bold(name), _(doctypes[0])))


def expression_alias(expression: str, name: str) -> bool:
	lowered = expression.lower()
	return " as " in lowered and lowered.rsplit(" as ", 1)[1].strip(" `") == name


def check_condition(fields: Fields, doctypes: list[str], condition: tuple, strict: bool) -> None:
	"""One filter condition on a protected doctype: an existing field, a known operator, a scalar value (or a
	list of them), a date that is a date."""
	doctype, fieldname, operator, value = condition
	if fieldname is None or not isinstance(fieldname, str):
		refuse(_("A filter must be a field, an operator and a value."))
	if not strict:
		return
	if not isinstance(operator, str) or not arguments.filter_value_ok(value):
		refuse(_("Filter on {0}: the value must be text, a number or a list of them.").format(fieldname))
	target = doctype if isinstance(doctype, str) and doctype else doctypes[0]
	if "." in fieldname:  # only `tabX`.`field` of the list's own tables; Frappe makes a link path invalid SQL
		qualifier, _dot, fieldname = fieldname.partition(".")
		target = fields.doctype_named(qualifier.strip("` ").lower())
		if target not in fields.joined(doctypes):
			refuse(_("{0} is not a table of this list.").format(frappe.bold(qualifier[:80])))
	base = fieldname.strip("` ").lower()
	if base in STANDARD:
		return
	if not isinstance(target, str) or not fields.is_doctype(target):
		refuse(_("{0} is not a doctype.").format(frappe.bold(str(target)[:80])))
	df = field_of(target, base)
	if df is None:
		refuse(_("{0} is not a field of {1}.").format(frappe.bold(fieldname[:80]), _(target)))
	if df.fieldtype in DATE_TYPES and operator.lower() not in TEXT_OPERATORS:
		for item in value if isinstance(value, list) else [value]:
			if item not in (None, "") and not valid_date(item):
				refuse(_("{0} is not a valid date: {1}").format(_(df.label), frappe.bold(str(item)[:40])))


def valid_date(value) -> bool:
	try:
		return get_datetime(value) is not None
	except (TypeError, ValueError, OverflowError):
		return False


def check_fields(request_args: dict, doctypes: list[str], stored: frozenset[str] = frozenset()) -> None:
	"""Every field the request shows, filters, sorts or groups by, against what the user may read."""
	fields = Fields(stored)
	strict = any(d in GUARDED_DOCTYPES for d in doctypes)
	for key, value, _holder in arguments.entries(request_args):
		if key in arguments.FIELD_KEYS:
			for text in arguments.texts(value):
				if strict and key in COLUMN_KEYS and doctypes:
					check_column(fields, doctypes, text)
				if strict and key in ORDER_KEYS and not arguments.is_order(text):
					refuse(_("{0} may only name columns.").format(key))
				for qualifier, name in arguments.references(text):
					check_reference(fields, doctypes, qualifier, name, strict and key in COLUMN_KEYS)
		elif key in arguments.FILTER_KEYS:
			for condition in arguments.conditions(value):
				check_condition(fields, doctypes, condition, strict and bool(doctypes))
				texts = [condition[1]] if isinstance(condition[1], str) else []
				if condition[1] is None and isinstance(condition[3], str):
					texts = [condition[3]]
				for text in texts:
					for qualifier, name in arguments.references(text):
						check_reference(fields, doctypes, qualifier, name, False)


def check_parent(request_args: dict, path: str) -> None:
	"""``parent`` / ``parent_doctype`` of a list: only a child table's own parent (Frappe 15 fails on another)."""
	doctype = arguments.rest_target(path)[0] or request_args.get("doctype")
	if not isinstance(doctype, str) or doctype not in RULES or RULES[doctype].kind in ("config", "company"):
		return
	for key in ("parent", "parent_doctype"):
		if key in request_args and request_args[key] != RULES[doctype].parent:
			refuse(_("{0} has no parent {1}.").format(_(doctype), frappe.bold(str(request_args[key])[:80])))


def check_json_arguments() -> None:
	for key in JSON_KEYS:
		value = frappe.form_dict.get(key)
		if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
			try:
				json.loads(value)
			except ValueError:
				refuse(_("{0} is not valid JSON.").format(key))


def check_paging(request_args: dict, doctypes: list[str]) -> None:
	"""Paging of a list of a protected doctype (other endpoints take ``start`` as a date: the calendar's)."""
	if not any(d in GUARDED_DOCTYPES for d in doctypes):
		return
	for key in PAGING_KEYS:
		value = request_args.get(key)
		if value in (None, ""):
			continue
		try:
			number = int(str(value))
		except ValueError:
			number = -1
		if number < 0:
			refuse(_("{0} must be a whole number, 0 or more.").format(key))


def check_rest_body() -> None:
	path = frappe.request.path
	if frappe.request.method in ("POST", "PUT") and path.startswith("/api/resource/"):
		if isinstance(frappe.form_dict.get("data"), list):
			refuse(_("The request body must be one JSON object."))


def guard_request() -> None:
	"""before_request: the checks of this module's docstring."""
	if not getattr(frappe.local, "request", None):
		return
	path = frappe.request.path
	if not path.startswith("/api/"):
		return
	check_json_arguments()
	check_rest_body()
	request_args = arguments.decode(dict(frappe.form_dict))
	doctypes, stored = request_doctypes(request_args)
	check_paging(request_args, doctypes)
	if frappe.session.user == "Administrator":
		return
	check_parent(request_args, path)
	check_fields(request_args, doctypes, stored)
	check_named_documents(request_args, path)
