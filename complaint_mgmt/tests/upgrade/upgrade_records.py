"""What the upgrade test reads and compares (check.py): the app's rows before and after a migrate, and the
fingerprint of a site that a second migrate must leave as it is. Reads through Frappe only, never imports the app
(the old version's tree may be the one on the path)."""

import datetime
import decimal
import hashlib
import json

import frappe

MODULE = "Complaint Mgmt"
# Frappe's records that hang on the app's documents: none may be lost by a migrate (contents may change, e.g.
# close_privacy_gaps masks contact values in Versions).
ATTACHED = {
	"Version": "ref_doctype",
	"Comment": "reference_doctype",
	"Communication": "reference_doctype",
	"File": "attached_to_doctype",
	"ToDo": "reference_type",
}
# Rows of configuration, not records: patches may replace them (spec_authority_matrix replaces the compensation
# tiers earlier versions seeded).
CONFIGURATION_PARENTS = ("Complaint Settings",)
# The only tables of the app where a migrate may add rows: what the seeds create when missing.
SEEDED = ("Complaint Grade", "Complaint Category", "Complaint Department")
# What a second migrate must leave as it is, row by row (besides every table of the app): the schema, the
# customisations, the workflow, roles and permissions, the desk, the settings, the patches and the jobs.
FINGERPRINT = (
	"DocType",
	"DocField",
	"DocPerm",
	"Custom DocPerm",
	"Custom Field",
	"Property Setter",
	"Workflow",
	"Workflow Transition",
	"Workflow Document State",
	"Workflow State",
	"Workflow Action Master",
	"Role",
	"Has Role",
	"Workspace",
	"Workspace Link",
	"Workspace Shortcut",
	"Number Card",
	"Dashboard Chart",
	"Report",
	"Print Format",
	"Web Form",
	"Auto Email Report",
	"Portal Menu Item",
	"Patch Log",
	"Scheduled Job Type",
	"Installed Application",
	"DefaultValue",
)
# Frappe itself re-inserts the Installed Application rows on every migrate (new names, same contents): that table
# is compared by app, without the columns of the row's identity.
KEYED = {"Installed Application": ("app_name", ("name", "creation", "modified"))}
SINGLES = ("Complaint Settings", "System Settings", "Portal Settings")


class Failures(list):
	def check(self, ok: bool, message: str) -> bool:
		if not ok:
			self.append(message)
			print(f"   FAIL {message}")
		return ok

	def exit(self, what: str) -> None:
		if self:
			print(f"==> {what}: {len(self)} failure(s)")
			raise SystemExit(1)
		print(f"==> {what}: OK")


def norm(value):
	"""A value as JSON, equal before and after a migrate when the stored value is (decimals as numbers)."""
	if isinstance(value, (decimal.Decimal, float)):
		return float(value)
	if isinstance(value, (datetime.datetime, datetime.date, datetime.time, datetime.timedelta)):
		return str(value)
	if isinstance(value, bytes):
		return value.hex()
	return value


def table_rows(doctype: str, key: str = "name", drop=()) -> dict[str, dict]:
	"""Every row of a table by name (or `key`), all columns but `drop`."""
	rows = frappe.qb.from_(doctype).select("*").run(as_dict=True)
	return {row[key]: {k: norm(v) for k, v in row.items() if k not in drop} for row in rows}


def singles(doctype: str) -> dict[str, dict]:
	table = frappe.qb.Table("tabSingles")
	rows = frappe.qb.from_(table).select(table.field, table.value).where(table.doctype == doctype).run()
	return {f"{doctype}.{field}": {"value": value} for field, value in rows}


def app_doctypes() -> list[str]:
	"""Every table of the app's module (child tables included; singles and virtual doctypes have none)."""
	return frappe.get_all(
		"DocType", filters={"module": MODULE, "issingle": 0, "is_virtual": 0}, pluck="name", order_by="name"
	)


def app_data() -> dict[str, dict[str, dict]]:
	return {doctype: table_rows(doctype) for doctype in app_doctypes()}


def attached_names() -> dict[str, list[str]]:
	doctypes = app_doctypes()
	return {
		doctype: sorted(frappe.get_all(doctype, filters={field: ("in", doctypes)}, pluck="name"))
		for doctype, field in ATTACHED.items()
	}


def fingerprint() -> dict[str, dict]:
	tables = {doctype: table_rows(doctype, *KEYED.get(doctype, ())) for doctype in FINGERPRINT}
	for doctype in SINGLES:
		tables[f"Singles: {doctype}"] = singles(doctype)
	return json.loads(json.dumps({**tables, **app_data()}, default=str))  # as it reads back from the file


def digest(names) -> str:
	return hashlib.sha256("\n".join(sorted(names)).encode()).hexdigest()[:12]


def diff(before: dict, after: dict, keys=None) -> str:
	"""The columns that differ (a column one side lacks shows as <none>)."""
	keys = keys or sorted(k for k in {*before, *after} if shown(before, k) != shown(after, k))
	return ", ".join(f"{k}: {shown(before, k)} -> {shown(after, k)}" for k in keys)


def shown(row: dict, key: str) -> str:
	"""A column's value to print (long texts cut; <none> when the row has no such column)."""
	text = repr(row[key]) if key in row else "<none>"
	return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} chars)"


def print_counts(data: dict, attached: dict, before: dict | None = None) -> None:
	"""Rows per table (before -> now), with a digest of their names."""
	for doctype, rows in sorted({**data, **{f"{k} (of the app)": v for k, v in attached.items()}}.items()):
		old = before.get(doctype) if before else None
		if not rows and not old:
			continue
		was = f"{len(old):>5} -> " if old is not None else ""
		print(f"   {doctype:<42} {was}{len(rows):>5}  names {digest(rows)}")


def records_kept(old: dict, data: dict, attached: dict, failures: Failures) -> None:
	"""Every row of the snapshot `old` is there with the same value in every column both versions have; no row
	appears but in configuration; none of Frappe's rows on the app's documents is lost."""
	print_counts(
		data, attached, {**old["data"], **{f"{k} (of the app)": v for k, v in old["attached"].items()}}
	)
	for doctype, rows in old["data"].items():
		now = data.get(doctype)
		if not failures.check(now is not None, f"{doctype}: the table is gone"):
			continue
		for name, row in rows.items():
			if row.get("parenttype") in CONFIGURATION_PARENTS:
				continue
			if failures.check(name in now, f"{doctype} {name} is lost"):
				changed = [k for k, v in row.items() if k in now[name] and now[name][k] != v]
				failures.check(not changed, f"{doctype} {name} changed: {diff(row, now[name], changed)}")
		added = [
			n for n, r in now.items() if n not in rows and r.get("parenttype") not in CONFIGURATION_PARENTS
		]
		failures.check(
			not added or doctype in SEEDED, f"{doctype}: the migrate added {len(added)} rows {added[:5]}"
		)
	for doctype, names in old["attached"].items():
		lost = sorted(set(names) - set(attached[doctype]))
		failures.check(not lost, f"{doctype}: {len(lost)} of the app's rows lost ({lost[:5]})")


def same_fingerprint(before: dict, after: dict, failures: Failures) -> None:
	"""Every table of the fingerprint `after` equals `before`, row by row."""
	same = 0
	for table in sorted({*before, *after}):
		old, new = before.get(table, {}), after.get(table, {})
		if old == new:
			same += 1
			continue
		for name in sorted({*old, *new}):
			if name not in old:
				failures.check(False, f"{table} {name} added")
			elif name not in new:
				failures.check(False, f"{table} {name} removed")
			elif old[name] != new[name]:
				failures.check(False, f"{table} {name} changed: {diff(old[name], new[name])}")
	rows = sum(len(t) for t in after.values())
	print(f"   fingerprint: {len(after)} tables, {rows} rows; {same} identical")
	print(
		f"   digest before {digest([json.dumps(before, sort_keys=True)])}, after {digest([json.dumps(after, sort_keys=True)])}"
	)
