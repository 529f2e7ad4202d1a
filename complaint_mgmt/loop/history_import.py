"""Bulk import of complaint history: already handled (Closed or Deferred) complaints from a CSV or XLSX file.

Open complaints are registered with Frappe's Data Import like any new complaint. Historic ones come in here:
every row is checked by the pure rules (``complaint_mgmt.procedure.history_rules``: required columns, order of
steps, closure type) and against the site's master data (grade, category, department, channel), then the good
rows are written in bulk (multi-row INSERTs as ``frappe.db.bulk_insert`` sends them, no controller): named from
the Complaint naming series (one block of numbers taken under the series row's lock, the counter advanced),
flagged ``imported``, their milestones and closure type as they were, one "Imported" step each, ``next_check_at``
empty, past breaches on record: no ToDo, notification or penalty notice, and the deadline sweep never picks them
up. A bad row writes nothing; the result names every bad row by its line in the spreadsheet (the header is line
1) with the reasons. A row that matches an imported complaint (customer, instant received, category) or an
earlier row of the file is refused as a duplicate, so a corrected file can be imported again.
"""

import codecs
import csv
import io
import itertools

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime
from frappe.utils.csvutils import read_csv_content
from frappe.utils.xlsxutils import read_xlsx_file_from_attached_file

from complaint_mgmt.loop import adapters, naming
from complaint_mgmt.procedure import calendar_hours, clocks, history_rules

IMPORT_ROLES = ("Complaint Manager", "System Manager")
TEMPLATE_FILE = "complaint_history_template.csv"
MAX_ROWS = 200_000  # one request; split larger files
CHUNK = 2000  # rows per INSERT statement (well under max_allowed_packet)
STEP_ACTION = "Imported"
STEP_FIELDS = ("name", "creation", "modified", "owner", "modified_by", "idx", "parent",
	"parentfield", "parenttype", "action", "done_on", "done_by", "note")  # fmt: skip


def check_permission() -> None:
	"""Only the service center's head (and system managers) bring in history."""
	if not set(IMPORT_ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only a Complaint Manager or System Manager can import complaint history."),
			frappe.PermissionError,
			title=_("Not permitted"),
		)


@frappe.whitelist(methods=["POST"])
def import_history(file_url: str, dry_run: bool = False) -> dict:
	"""Import the historic complaints of the uploaded CSV / XLSX file at `file_url`; `dry_run` only checks."""
	check_permission()
	table, source = read_file(file_url)
	return import_table(table, source, dry_run=cint(dry_run) == 1 or str(dry_run).lower() == "true")


@frappe.whitelist()
def download_template() -> None:
	"""The CSV template: the columns and one example row (from this site's grades, categories, departments)."""
	check_permission()
	frappe.response["type"] = "download"
	frappe.response["filename"] = TEMPLATE_FILE
	frappe.response["filecontent"] = template_csv().encode("utf-8-sig")  # the BOM tells Excel it is UTF-8


def template_csv() -> str:
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(history_rules.COLUMNS)
	example = _example_row()
	writer.writerow([example.get(c) or "" for c in history_rules.COLUMNS])
	return out.getvalue()


def _example_row() -> dict:
	ctx = context()
	grade = next((g for g in sorted(ctx.grades) if not ctx.grades[g].is_irrational), "")
	service = frappe.get_all("Complaint Department", filters={"is_service_center": 1}, pluck="name")
	departments = sorted(ctx.departments - set(service)) or sorted(ctx.departments)
	example = {
		"source_reference": "OLD-2024-0001",
		"status": "Closed",
		"customer_name": "Li Wei",
		"contact_phone": "+86-13800000000",
		"channel": "Phone",
		"category": min(ctx.categories, default=""),
		"grade": grade,
		"department": departments[0] if departments else "",
		"description": "The kettle leaks after two days.",
		"received_on": "2024-03-01 09:00:00",
		"transferred_on": "2024-03-01 09:10:00",
		"acknowledged_on": "2024-03-01 09:20:00",
		"first_replied_on": "2024-03-01 09:40:00",
		"close_requested_on": "2024-03-01 10:00:00",
		"return_visited_on": "2024-03-01 11:00:00",
		"closed_on": "2024-03-01 15:00:00",
		"resolution": "Kettle replaced",
		"root_cause": "A faulty seal batch from one supplier",
		"corrective_action": "Pressure-test every seal batch at goods receipt",
		"compensation_amount": "0",
	}
	checked = history_rules.check_row(example, ctx)
	example["closure_type"] = checked.values["closure_type"] if checked.values else "First Closure"
	return example


def read_file(file_url: str) -> tuple[list[list], str]:
	"""The rows of the uploaded file the caller may read (CSV in UTF-8, GB18030 or Windows-1252, or XLSX)."""
	if not isinstance(file_url, str) or not file_url.strip() or len(file_url) > 1000:
		frappe.throw(_("Upload a CSV or XLSX file first."), title=_("No file"))
	name = frappe.db.get_value("File", {"file_url": file_url, "is_folder": 0}, "name")
	if not name:
		frappe.throw(_("File {0} not found.").format(frappe.bold(file_url)), frappe.DoesNotExistError)
	file_doc = frappe.get_doc("File", name)
	file_doc.check_permission("read")
	file_name = (file_doc.file_name or file_url).lower()
	content = file_doc.get_content()
	if file_name.endswith(".xlsx"):
		if isinstance(content, str):
			content = content.encode()
		try:
			rows = read_xlsx_file_from_attached_file(fcontent=content)
		except Exception:
			frappe.throw(_("The file cannot be read as an XLSX workbook."), title=_("Invalid file"))
	elif file_name.endswith(".csv"):
		rows = read_csv_content(_decode(content))
	else:
		frappe.throw(_("Upload a CSV or XLSX file first."), title=_("Invalid file"))
	return rows or [], file_doc.file_name or file_url


def _decode(content: bytes | str) -> str:
	if isinstance(content, str):
		return content.lstrip("\ufeff")
	if content.startswith(codecs.BOM_UTF8):
		content = content[len(codecs.BOM_UTF8) :]
	for encoding in ("utf-8", "gb18030", "windows-1252"):  # Excel on a Chinese Windows saves GB18030
		try:
			return content.decode(encoding)
		except UnicodeDecodeError:
			continue
	frappe.throw(_("The file is not a CSV text file."), title=_("Invalid file"))


def header_columns(header: list) -> list[str | None]:
	"""The template column of each cell of the header (its name, or the field's label in English or translated);
	a missing, unknown or repeated column refuses the whole file."""
	meta = frappe.get_meta("Complaint")
	aliases = {}
	for column in history_rules.COLUMNS:
		label = meta.get_label(column) if meta.has_field(column) else frappe.unscrub(column)
		for alias in (column, label, _(label)):
			aliases[str(alias).strip().casefold()] = column
	columns, unknown = [], []
	for cell in header:
		text = str(cell if cell is not None else "").strip().lstrip("\ufeff")
		columns.append(aliases.get(text.casefold()) if text else None)
		if text and columns[-1] is None:
			unknown.append(text)
	repeated = sorted({c for c in columns if c and columns.count(c) > 1})
	missing = [c for c in history_rules.REQUIRED_COLUMNS if c not in columns]
	for problem, names in (
		(_("Unknown columns: {0}. Use the template's columns."), unknown),
		(_("Columns given twice: {0}."), repeated),
		(_("Missing columns: {0}. Use the template's columns."), missing),
	):
		if names:
			frappe.throw(problem.format(", ".join(names[:20])), title=_("Wrong columns"))
	return columns


def context() -> history_rules.Context:
	"""Master data and deadline settings the rows are checked against."""
	settings = adapters.get_settings()
	adapters.clear_grade_cache()
	channels = tuple((frappe.get_meta("Complaint").get_field("channel").options or "").split("\n"))
	targets = {row.channel: row.response_hours for row in settings.get("channel_targets") or []}
	try:
		calendar = adapters.get_calendar(settings)
	except calendar_hours.RuleError as err:
		adapters.throw(err)
	return history_rules.Context(
		grades=adapters.all_grades(),
		categories=frozenset(frappe.get_all("Complaint Category", pluck="name")),
		departments=frozenset(frappe.get_all("Complaint Department", pluck="name")),
		channels=tuple(c for c in channels if c),
		now=now_datetime(),
		calendar=calendar,
		return_visit_hours=settings.return_visit_hours or 12,
		channel_hours={c: h for c in targets if (h := clocks.channel_target(targets, c))},
		repeat_period_days=flt(settings.repeat_period_days) or 30,
	)


def import_table(table: list[list], source: str, dry_run: bool = False) -> dict:
	"""Check every row of `table` (header first) and write the good ones unless `dry_run`."""
	if not table:
		frappe.throw(_("The file is empty."), title=_("Invalid file"))
	columns = header_columns(table[0])
	if len(table) - 1 > MAX_ROWS:
		frappe.throw(
			_("The file has {0} rows; import at most {1} at a time.").format(len(table) - 1, MAX_ROWS),
			title=_("File too large"),
		)
	ctx = context()
	good, bad, first_line = [], [], {}
	for line, cells in enumerate(table[1:], start=2):
		if not any(c not in (None, "") for c in cells):
			continue  # an empty line of the spreadsheet
		raw = {column: cell for column, cell in zip(columns, cells, strict=False) if column}
		checked = history_rules.check_row(raw, ctx)
		errors = [(c, _message(e)) for c, e in checked.errors]
		if not errors:
			key = history_rules.duplicate_key(checked.values)
			if key in first_line:
				errors.append(("customer_name", _("The same complaint as line {0}.").format(first_line[key])))
			first_line.setdefault(key, line)
		if errors:
			bad.append({"row": line, "errors": [{"column": c, "message": m} for c, m in errors]})
		else:
			good.append((line, checked.values, checked.values["source_reference"]))
	good = _drop_imported(good, bad)
	names = [] if dry_run or not good else write(good, source)
	bad.sort(key=lambda r: r["row"])
	if dry_run:
		summary = _("{0} rows can be imported, {1} rows have errors.")
	else:
		summary = _("{0} complaints imported, {1} rows have errors.")
	return {
		"dry_run": bool(dry_run),
		"rows": len(good) + len(bad),
		"valid": len(good),
		"imported": len(names),
		"first": names[0] if names else None,
		"last": names[-1] if names else None,
		"bad_rows": bad,
		"message": summary.format(len(good) if dry_run else len(names), len(bad)),
	}


def _message(err: calendar_hours.RuleError) -> str:
	values = [_(v) if isinstance(v, str) and v in history_rules.OPTION_VALUES else v for v in err.values]
	# The template is a string literal of complaint_mgmt.procedure (history_rules, rules, transitions…), in zh.csv.
	return _(err.template).format(*values)  # nosemgrep: frappe-semgrep-rules.rules.translate-variable


def _drop_imported(good: list, bad: list) -> list:
	"""Rows already imported earlier (same customer, instant received and category) become bad rows."""
	if not good:
		return good
	received = [values["received_on"] for _line, values, _ref in good]
	existing = frappe.get_all(
		"Complaint",
		filters={"imported": 1, "received_on": ("between", (min(received), max(received)))},
		fields=["name", "customer_name", "received_on", "category"],
	)
	known = {history_rules.duplicate_key(row): row.name for row in existing}
	kept = []
	for line, values, ref in good:
		name = known.get(history_rules.duplicate_key(values))
		if name:
			message = _("Imported already as {0}.").format(name)
			bad.append({"row": line, "errors": [{"column": "customer_name", "message": message}]})
		else:
			kept.append((line, values, ref))
	return kept


def write(good: list[tuple[int, dict, str | None]], source: str) -> list[str]:
	"""Bulk-insert the checked rows as Complaints (one "Imported" step each); returns their names in order."""
	meta = frappe.get_meta("Complaint")
	settings = adapters.get_settings()
	repeats = history_rules.repeat_indexes(
		((i, values) for i, (_line, values, _ref) in enumerate(good)),
		flt(settings.repeat_complaint_days) or 30,
	)
	# the rows' own fields (those empty in every row left out: fewer values to send); every other column keeps
	# its default (0, empty), as on a new complaint
	columns = set(frappe.db.get_table_columns("Complaint"))
	fields = [
		f for f in good[0][1] if f in columns and any(values[f] is not None for _line, values, _ref in good)
	]
	fields += [f for f in ("naming_series", "is_repeat") if f in columns]
	names = reserve_names(len(good))
	now, user = now_datetime(), frappe.session.user
	series = meta.get_field("naming_series").options.split("\n")[0]
	fixed = {"creation": now, "modified": now, "owner": user, "modified_by": user}  # docstatus, idx: 0

	def complaints():
		for i, (name, (_line, values, _ref)) in enumerate(zip(names, good, strict=True)):
			row = {**values, "naming_series": series, "is_repeat": int(i in repeats)}
			yield (name, *fixed.values(), *(row[f] for f in fields))

	def steps():
		for name, (line, _values, ref) in zip(names, good, strict=True):
			note = (
				_("Imported from {0}, line {1}. Source reference: {2}").format(source, line, ref)
				if ref
				else _("Imported from {0}, line {1}.").format(source, line)
			)
			yield (frappe.generate_hash(length=10), now, now, user, user, 1, name, "steps", "Complaint",
				STEP_ACTION, now, user, note[:1000])  # fmt: skip

	insert_rows("Complaint", ["name", *fixed, *fields], complaints())
	insert_rows("Complaint Step", list(STEP_FIELDS), steps())
	return names


def insert_rows(doctype: str, fields: list[str], rows) -> None:
	"""Multi-row INSERTs of CHUNK rows, every value a bound parameter: what ``frappe.db.bulk_insert`` sends,
	without its query builder, which spends ~1.4 ms per row of 70 columns building the statement (100,000 rows:
	minutes). The column names are the table's own (``get_table_columns``), never the file's."""
	columns = ", ".join(f"`{field}`" for field in fields)
	one_row = "({})".format(", ".join(["%s"] * len(fields)))
	rows = iter(rows)
	while chunk := list(itertools.islice(rows, CHUNK)):
		query = "insert into `tab{}` ({}) values {}".format(
			doctype, columns, ", ".join([one_row] * len(chunk))
		)
		values = [value for row in chunk for value in row]
		frappe.db.sql(query, values)  # bound values, see the docstring  # nosemgrep


def reserve_names(count: int) -> list[str]:
	"""`count` consecutive names of the Complaint naming series (``naming.reserve_names``), refused when the
	series counter lags behind existing complaints."""
	series = frappe.get_meta("Complaint").get_field("naming_series").options.split("\n")[0]
	try:
		names = naming.reserve_names("Complaint", count, series)
	except frappe.QueryTimeoutError:
		frappe.throw(
			_(
				"Another transaction holds the naming series {0}; nothing was imported, try again shortly."
			).format(series),
			title=_("Naming series"),
		)
	taken = frappe.get_all("Complaint", filters={"name": ("in", (names[0], names[-1]))}, pluck="name")
	if taken:  # the counter lags behind existing complaints (set back by hand): nothing is written
		frappe.throw(
			_("The naming series {0} is behind existing complaint {1}: correct its counter first.").format(
				series, taken[0]
			),
			title=_("Naming series"),
		)
	return names
