"""A request's arguments decoded exactly as Frappe will decode them, and the field names they use (pure: no
frappe import, tested in the pure tier).

Frappe 15 reads ``frappe.form_dict`` from the query string, the form and a JSON body; each endpoint then turns
its text arguments into lists and dicts with ``json.loads`` (``frappe.parse_json``, ``DatabaseQuery.parse_args``),
which undoes every JSON escape (``"contact\\u005fphone"`` is ``contact_phone``), and splits a ``fields`` text
that is no JSON at its commas. MariaDB compares column names without regard to case and strips backticks. The
guard judges the decoded values, never the raw text.
"""

import json
import re

# keys whose values name fields (a list of columns or expressions, or one of them)
FIELD_KEYS = frozenset(
	{
		"fields",
		"fieldname",
		"field",
		"fieldnames",
		"order_by",
		"group_by",
		"sort_by",
		"sort_field",
		"sort_order",
		"searchfield",
		"search_field",
		"filter_fields",
		"stats",
		"aggregate_on",
		"aggregate_on_field",
		"group_by_field",
		"based_on",
		"value_based_on",
		"group_by_based_on",
		"aggregate_function_based_on",
		"columns",
		"export_fields",
		"select_columns",
		"date_field",
	}
)
# keys whose values are filters (a list of conditions or a dict of field -> value)
FILTER_KEYS = frozenset(
	{
		"filters",
		"or_filters",
		"current_filters",
		"applied_filters",
		"filters_json",
		"dynamic_filters_json",
		"default_filters",
		"export_filters",
		"extra_filters",
	}
)
# keys naming a doctype, and keys naming a document of it
DOCTYPE_KEYS = frozenset(
	{
		"doctype",
		"dt",
		"doc_type",
		"reference_doctype",
		"reference_type",
		"ref_doctype",
		"document_type",
		"parent_doctype",
		"parenttype",
		"parent",
		"share_doctype",
		"aggregate_on_doctype",
		"parent_document_type",
	}
)
NAME_KEYS = frozenset(
	{
		"name",
		"docname",
		"dn",
		"doc_name",
		"reference_name",
		"document_name",
		"share_name",
		"docnames",
		"names",
		"items",
		"docs",
	}
)
MAX_DEPTH = 8

AGGREGATES = ("count", "sum", "avg", "min", "max")
_IDENT = r"(?:`[^`]+`|[A-Za-z_]\w*)"
_COLUMN = rf"(?:{_IDENT}\s*\.\s*)?(?:{_IDENT}|\*)"
FIELD_EXPRESSION = re.compile(
	rf"^\s*(?:(?:{'|'.join(AGGREGATES)})\s*\(\s*(?:distinct\s+)?{_COLUMN}\s*\)|{_COLUMN})"
	rf"(?:\s+as\s+(?:`[^`]+`|\w+))?\s*$",
	re.I,
)
ORDER_ITEM = re.compile(rf"^\s*{_COLUMN}(?:\s+(?:asc|desc))?\s*$", re.I)
STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
TOKEN = re.compile(r"`([^`]*)`|([A-Za-z_][\w]*)")


def rest_target(path: str) -> tuple[str | None, str | None]:
	"""The (doctype, name) a REST route addresses, v1 and v2 (Werkzeug's path is decoded already):
	/api/resource/<doctype>[/<name>], /api/v2/document/<doctype>[/<name>[/method/<m>]],
	/api/v2/doctype/<doctype>/meta|count."""
	parts = path.split("/")
	if path.startswith("/api/resource/") and len(parts) > 3:
		return parts[3] or None, "/".join(parts[4:]) or None
	if path.startswith("/api/v2/document/") and len(parts) > 4:
		name = parts[5] if len(parts) > 5 else None
		return parts[4] or None, name or None
	if path.startswith("/api/v2/doctype/") and len(parts) > 4:
		return parts[4] or None, None
	return None, None


def decode(value, depth: int = 0):
	"""`value` with every text that holds a JSON list or object (or a JSON text) decoded, recursively."""
	if depth > MAX_DEPTH:
		return value
	if isinstance(value, str):
		text = value.strip()
		if text[:1] in ("[", "{", '"'):
			try:
				return decode(json.loads(text), depth + 1)
			except ValueError:
				return value
		return value
	if isinstance(value, list | tuple):
		return [decode(v, depth + 1) for v in value]
	if isinstance(value, dict):
		return {k: decode(v, depth + 1) for k, v in value.items()}
	return value


def entries(value, depth: int = 0, skip: frozenset = frozenset()):
	"""Every (key, value, the dict holding it) of a decoded value, at any depth (not inside the values of the
	keys in `skip`)."""
	if depth > MAX_DEPTH:
		return
	if isinstance(value, dict):
		for key, item in value.items():
			yield key, item, value
			if key not in skip:
				yield from entries(item, depth + 1, skip)
	elif isinstance(value, list):
		for item in value:
			yield from entries(item, depth + 1, skip)


def texts(value) -> list[str]:
	"""The texts in a value of a field key: a list of expressions, a text (split at commas as Frappe does)."""
	if isinstance(value, str):
		return [part for part in value.split(",") if part.strip()]
	if isinstance(value, list):
		return [t for item in value for t in texts(item)]
	if isinstance(value, dict):
		return [t for key, item in value.items() for t in [str(key), *texts(item)]]
	return []


def references(expression: str) -> list[tuple[str | None, str]]:
	"""The (qualifier, name) pairs an SQL-ish expression names, lower-cased, without quoted literals:
	"`tabComplaint`.`contact_phone`" -> [("tabcomplaint", "contact_phone")], "complaint.status" ->
	[("complaint", "status")], "count(distinct contact_phone) as c" -> [(None, "count"), ...]."""
	text = STRING_LITERAL.sub(" ", expression)
	found: list[tuple[str | None, str]] = []
	tokens = [
		(m.group(1) if m.group(1) is not None else m.group(2), m.start(), m.end())
		for m in TOKEN.finditer(text)
	]
	i = 0
	while i < len(tokens):
		name, _start, end = tokens[i]
		if i + 1 < len(tokens) and text[end : tokens[i + 1][1]].strip() == ".":
			found.append((name.strip().lower(), tokens[i + 1][0].strip().lower()))
			i += 2
			continue
		found.append((None, name.strip().lower()))
		i += 1
	return found


def is_field_expression(expression) -> bool:
	"""A column, a qualified column, ``*`` or one aggregate of one of them, with an optional alias."""
	return isinstance(expression, str) and bool(FIELD_EXPRESSION.match(expression))


def is_order(expression) -> bool:
	"""Columns with an optional direction, separated by commas."""
	return isinstance(expression, str) and all(ORDER_ITEM.match(part) for part in expression.split(","))


def conditions(filters) -> list:
	"""The conditions of a decoded filters value, each as (doctype or None, field, operator, value); a text
	condition (raw SQL, which Frappe 15 appends as it is) as (None, None, None, text)."""
	out = []
	if isinstance(filters, dict):
		for key, value in filters.items():
			if isinstance(value, list) and value and isinstance(value[0], str):
				out.append((None, key, value[0], value[1] if len(value) > 1 else None))
			else:
				out.append((None, key, "=", value))
	elif isinstance(filters, list):
		for item in filters:
			if isinstance(item, str):
				out.append((None, None, None, item))
			elif isinstance(item, dict):
				out.extend(conditions(item))
			elif isinstance(item, list):
				if len(item) >= 4:
					out.append((item[0], item[1], item[2], item[3]))
				elif len(item) == 3:
					out.append((None, item[0], item[1], item[2]))
				elif len(item) == 2:
					out.append((None, item[0], "=", item[1]))
				else:
					out.append((None, None, None, item))
			else:
				out.append((None, None, None, item))
	elif isinstance(filters, str) and filters.strip():
		out.append(
			(None, "name", "=", filters)
		)  # a text that is no JSON: a document's name (client.get_value)
	return out


def scalar(value) -> bool:
	return value is None or isinstance(value, str | int | float | bool)


def filter_value_ok(value) -> bool:
	"""A filter's value: a scalar, or a list of scalars (in, between, timespan)."""
	return scalar(value) or (isinstance(value, list) and all(scalar(v) for v in value))
