"""Running the canary matrix: the request of each case (arguments from canary_targets), the checks of each
response, and the figures.

A case's problems (any of them fails the case):
- "leak": a marker of department B (or a contact field, per probe.forbidden) in the body that the request did
  not itself contain;
- "oracle": the same request with the canary filter (or search text) and with its twin that matches nothing
  answer differently (bodies compared after `normal`), for a role that may not know the canary;
- "write": B's rows (and the Frappe rows that point at them) differ after the request (`fingerprint`, taken
  around every request that names a document or carries one, under a lock: the writes are serialized);
- "500": a response with a status >= 500.
"""

import contextvars
import json
import re
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import frappe
from frappe.query_builder.functions import Count
from pypika.terms import ValueWrapper

from complaint_mgmt.tests.http import canary_cases as cc
from complaint_mgmt.tests.http import canary_targets as tg
from complaint_mgmt.tests.http.probe import body_text, leaks, no_pdf_engine, request_text

RETRIES_ON_508 = 4
WORKERS = 3  # the server has two workers: a third client thread keeps both busy while one checks a body
NAMING = {"name", "names", "doc"}
READ_VERBS = ("get", "has_", "can_", "is_", "search", "validate", "load", "query", "check")
READ_VERBS = (
	"get",
	"has_",
	"can_",
	"is_",
	"search",
	"validate",
	"load",
	"query",
	"check",
	"download",
	"export",
)
VOLATILE = [
	(re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?"), "<ts>"),
	(re.compile(r"0x[0-9a-f]{6,}"), "<addr>"),
	(re.compile(r"[0-9a-f]{32,}"), "<hex>"),  # __frappe_exc_id, hashes
	(re.compile(r'"name": ?"[0-9a-z]{10}"'), '"name": "<hash>"'),  # a row named by hash (a prepared report)
	(re.compile(r'"(creation|modified|_server_messages_ts)": ?"[^"]*"'), '"<volatile>"'),
]


def chart(doctype: str, role: str, t: tg.Targets, twin: bool) -> dict:
	return {
		"name": "canary-zqx",
		"chart_type": "Count",
		"type": "Line",
		"document_type": doctype,
		"based_on": "creation",
		"timeseries": 1,
		"timespan": "Last Year",
		"time_interval": "Yearly",
		"filters_json": json.dumps([[doctype, *f] for f in t.canary_filter(doctype, role, twin)]),
	}


def card(doctype: str, role: str, t: tg.Targets, twin: bool) -> dict:
	return {
		"name": "canary-zqx",
		"type": "Document Type",
		"document_type": doctype,
		"function": "Count",
		"filters_json": json.dumps([[doctype, *f] for f in t.canary_filter(doctype, role, twin)]),
	}


def doc_value(path: str, pname: str, doctype: str, role: str, t: tg.Targets, twin: bool):
	shape = cc.DOCS_SHAPE.get(path)
	name = t.names[doctype]
	if shape == "names":
		return [name]
	if shape == "refs":
		return [{"doctype": doctype, "name": name}]
	if shape == "bulk":
		return [{"doctype": doctype, "docname": name, tg.CANARY_FILTER[doctype][0]: tg.HACKED}]
	if shape == "new":
		return [t.new_row(doctype)]
	if "number_card" in path:
		return card(doctype, role, t, twin)
	if path.rsplit(".", 1)[-1].startswith("insert"):
		return t.new_row(doctype)
	return t.doc(doctype)


def rpc_args(entry: dict, doctype: str, role: str, t: tg.Targets, user: str, twin: bool) -> dict:
	path, params, kinds = entry["path"], entry["params"], cc.kinds(entry)
	args = {}
	for pname, p in params.items():
		kind, required = p["kind"], p["required"]
		text = tg.text_field(doctype, role)
		if kind == "doctype":
			value = doctype
		elif kind == "name":
			value = t.names[doctype]
		elif kind == "names":
			value = [t.names[doctype]]
		elif kind == "filters":
			value = t.canary_filter(doctype, role, twin)
		elif pname in cc.METHOD_ARGS.get(path, {}):
			value = cc.METHOD_ARGS[path][pname]
		elif kind == "filters" and path in cc.DICT_FILTERS:
			value = {f[0]: f[2] for f in t.canary_filter(doctype, role, twin)}
		elif pname == "fieldname" and path != "frappe.client.get_value":
			value = text  # one field (get_value alone takes a list)
		elif pname in ("select_columns", "export_fields"):
			value = {doctype: ["name", text]}
		elif kind == "fields":
			value = t.fields(doctype)
		elif kind == "field":
			value = text
		elif kind == "order_by":
			value = f"{text} desc"
		elif kind == "group_by":
			value = text
		elif kind == "txt":
			value = t.canary_text(doctype, role, twin)
		elif kind == "doc":
			if kinds & {"name", "names"} and not required:
				continue
			value = doc_value(path, pname, doctype, role, t, twin)
		elif pname == "parent" and doctype in tg.CHILD_FIELDS:
			value = "Complaint"
		elif pname == "chart":
			value = chart(doctype, role, t, twin)
		elif not required:
			continue
		elif pname == "action":
			value = cc.ACTIONS.get(path, "Save")
		elif pname in ("user", "assign_to"):
			value = user if pname == "user" else [user]
		else:
			value = cc.DEFAULTS.get(pname, "zqx")
		args[pname] = value
	return args


def encode(data: dict) -> dict:
	return {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}


def send(sess, case: cc.Case, t: tg.Targets, twin: bool):
	"""The request of a case (its canary twin when `twin`); returns the response. A lock conflict with another
	case running at the same time (Frappe's 508, "please try again": ops/lock_conflicts.py) is tried again, as
	the desk's user would; a 508 that persists is reported like any answer >= 500."""
	for attempt in range(1, RETRIES_ON_508 + 1):
		resp = send_once(sess, case, t, twin)
		if resp.status_code != 508:
			return resp
		time.sleep(0.2 * attempt)
	return resp


def send_once(sess, case: cc.Case, t: tg.Targets, twin: bool):
	entry, dt, role = case.entry, case.doctype, case.role
	user = sess.client.seed.users.get(role, "Guest")
	if entry["kind"] == "rpc":
		data = encode(rpc_args(entry, dt, role, t, user, twin))
		url = f"/api/method/{entry['path']}"
		if "POST" in entry["http_methods"]:
			return sess._go("POST", url, data=data)
		return sess._go("GET", url, params=data)
	if entry["kind"] == "doc_method":
		args = {
			"add_comment": {"comment_type": "Comment", "text": tg.PLANTED},
			"rename": {"name": "CMP-RN-ZQX"},
		}
		data = {"dt": dt, "dn": t.names[dt], "method": entry["method"], "args": args.get(entry["method"], {})}
		return sess._go("POST", "/api/method/run_doc_method", data=encode(data))
	verb, route = entry["path"].split(" ", 1)
	url = route.format(doctype=quote(dt), name=quote(t.names[dt], safe=""))
	if entry.get("list"):
		query = {"filters": t.canary_filter(dt, role, twin)}
		if "count" not in route:
			text = tg.text_field(dt, role)
			query.update(fields=t.fields(dt), order_by=f"{text} desc", limit_page_length=50, limit=50)
			if route.startswith("/api/resource"):
				query["or_filters"] = t.canary_filter(dt, role, twin)
		return sess._go("GET", url, params=encode(query))
	if verb in ("PUT", "PATCH"):
		return sess._go(verb, url, json={tg.CANARY_FILTER[dt][0]: tg.HACKED})
	if verb == "POST":
		return sess._go(verb, url, json=t.new_row(dt))
	return sess._go(verb, url)


def phases(cases: list[cc.Case]) -> tuple[list, list]:
	"""The cases B's rows are compared around (the roles that may learn nothing of B), and those of the roles
	that may read B's complaint minus its contact fields: Frappe lets a reader like, tag, comment or export
	(an Access Log row), so they run after the comparison and are checked for leaks, oracles and errors."""
	late = [c for c in cases if c.role in tg.CONTACT_BLIND]
	return [c for c in cases if c.role not in tg.CONTACT_BLIND], late


def has_twin(case: cc.Case) -> bool:
	entry = case.entry
	if not tg.compared(case.doctype, case.role):
		return False
	if entry["kind"] == "rpc":
		return bool(cc.kinds(entry) & {"filters", "txt"}) or "chart" in entry["params"]
	return bool(entry.get("list"))


def may_write(case: cc.Case) -> bool:
	"""Does the request name or carry a document, and is it not a read by its name (get_*, has_*, search_*...)?
	A read that writes anyway is caught by the comparison around the whole matrix (B's rows, and the Access
	Log rows that printing writes, which the per-request fingerprint leaves out for that reason)."""
	entry = case.entry
	if entry["kind"] == "rpc":
		verb = entry["path"].rsplit(".", 1)[-1]
		named = bool(cc.kinds(entry) & NAMING) or entry.get("form_dict", False)
		return named and not verb.startswith(READ_VERBS)
	return entry["kind"] == "doc_method" or bool(entry.get("write"))


def normal(text: str, t: tg.Targets, case: cc.Case) -> str:
	"""A body without what may differ between the twins besides the data: the filter values themselves
	(echoed in messages), timestamps, addresses."""
	for canary, nothing in twins(t, case):
		text = text.replace(nothing, canary)
	for pattern, repl in VOLATILE:
		text = pattern.sub(repl, text)
	return text


def twins(t: tg.Targets, case: cc.Case) -> list[tuple[str, str]]:
	real = t.canary_filter(case.doctype, case.role, False)[0][2]
	fake = t.canary_filter(case.doctype, case.role, True)[0][2]
	return [(real, fake), (real.strip("%"), fake.strip("%"))]


def fingerprint_queries(t: tg.Targets) -> list[str]:
	"""The SQL of a cheap read of what a write onto B would change, built once with frappe.qb: B's documents'
	version columns (one query per doctype), and how many child rows and Frappe rows point at them (one query)."""
	every = [n for names in t.b_docs.values() for n in names]
	queries = []
	for dt, names in t.b_docs.items():
		table = frappe.qb.DocType(dt)
		columns = ("name", "modified", "docstatus", "_liked_by", "_assign", "_user_tags", "_comments")
		query = frappe.qb.from_(table).select(*columns).where(table.name.isin(names)).orderby(table.name)
		queries.append(query.get_sql())
	counts = [(child, "parent") for child in tg.CHILD_FIELDS]
	counts += [(dt, name_field) for dt, (_, name_field) in tg.FRAPPE_ROWS.items() if dt != "Access Log"]
	parts = []
	for dt, name_field in counts:
		table = frappe.qb.DocType(dt)
		parts.append(
			frappe.qb.from_(table).select(ValueWrapper(dt), Count("*")).where(table[name_field].isin(every))
		)
	union = parts[0]
	for part in parts[1:]:
		union = union.union_all(part)
	queries.append(union.get_sql())
	return queries


def fingerprint(queries: list[str]) -> list:
	"""Run the reads above (under the write lock: one thread uses the db connection at a time)."""
	frappe.db.rollback()
	# the SQL was built by frappe.qb (fingerprint_queries) from constant names; re-building it per call is the
	# cost this avoids
	rows = [frappe.db.sql(query) for query in queries]  # nosemgrep
	frappe.db.rollback()  # no transaction left open while the server writes
	return rows


class Matrix:
	def __init__(self, http, t: tg.Targets, cases: list[cc.Case]):
		self.http, self.t, self.cases = http, t, cases
		self.queries = fingerprint_queries(t)
		self.any_marker = {role: re.compile("|".join(m.values())) for role, m in t.markers.items()}
		self.last = None
		self.problems: dict = defaultdict(list)
		self.calls = 0
		self.server_errors = 0
		self.canaries_seen = 0
		self.oracles = 0
		self.writes = 0
		self.lock = threading.Lock()
		self.write_lock = threading.Lock()
		self.stop = threading.Event()

	def run(self, cases: list[cc.Case]) -> float:
		started = time.monotonic()
		by_role = defaultdict(list)
		for case in cases:
			by_role[case.role].append(case)
		sessions = {role: self.http.as_(role) for role in by_role}  # logins, one after another
		order = sorted(by_role, key=lambda r: -len(by_role[r]))
		with ThreadPoolExecutor(WORKERS) as pool:
			# each thread runs in a copy of this context: frappe.local (the db connection, used under the write lock
			# only) is a context variable
			tasks = [
				pool.submit(contextvars.copy_context().run, self.run_role, sessions[r], by_role[r])
				for r in order
			]
			for future in tasks:
				future.result()
		return time.monotonic() - started

	def run_role(self, sess, cases: list[cc.Case]) -> None:
		for case in cases:
			if self.stop.is_set():
				return
			try:
				self.run_case(sess, case)
			except Exception as exc:
				self.note(case, "error", f"{type(exc).__name__}: {str(exc)[:300]}")

	def run_case(self, sess, case: cc.Case) -> None:
		if may_write(case) and case.role in tg.B_BLIND:  # the others run after the comparison (phases)
			with self.write_lock:
				# the state after the last write is the state before this one (the calls that name no document
				# write nothing of B: if one did, the comparison around the whole matrix still finds it)
				before = self.last or fingerprint(self.queries)
				resp = send(sess, case, self.t, False)
				after = self.last = fingerprint(self.queries)
			if before != after:
				self.note(case, "write", what_changed(self.queries, before, after), counter="writes")
		else:
			resp = send(sess, case, self.t, False)
		self.check(case, resp)
		if has_twin(case):
			twin = send(sess, case, self.t, True)
			self.check(case, twin)
			a, b = normal(body_text(resp), self.t, case), normal(body_text(twin), self.t, case)
			if resp.status_code != twin.status_code or a != b:
				at = next(
					(i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
				)
				lo = max(0, at - 80)
				detail = f"canary {resp.status_code} ...{a[lo : at + 120]!r} vs nothing {twin.status_code} ...{b[lo : at + 120]!r}"
				self.note(case, "oracle", detail, counter="oracles")

	def check(self, case: cc.Case, resp) -> None:
		with self.lock:
			self.calls += 1
		if resp.status_code >= 500 and not no_pdf_engine(resp):
			detail = f"{resp.status_code} {exception_of(resp)} <- {request_line(resp)}"
			self.note(case, "500", detail, counter="server_errors")
		text = body_text(resp)
		if not self.any_marker[case.role].search(text):  # one scan of the body; the labels only on a hit
			return
		sent = request_text(resp)
		markers = {k: v for k, v in self.t.markers[case.role].items() if not re.search(v, sent)}
		found = leaks(text, markers)
		if found:
			where = re.search(markers[found[0]], text)
			excerpt = text[max(0, where.start() - 100) : where.end() + 60]
			self.note(
				case,
				"leak",
				f"{resp.status_code} {found}: ...{excerpt}...",
				counter="canaries_seen",
				n=len(found),
			)

	def note(self, case: cc.Case, kind: str, detail: str, counter: str | None = None, n: int = 1) -> None:
		with self.lock:
			self.problems[case.key].append((kind, detail))
			if counter:
				setattr(self, counter, getattr(self, counter) + n)


def what_changed(queries: list[str], before: list, after: list) -> str:
	out = []
	for query, b, a in zip(queries, before, after, strict=True):
		if b != a:
			if len(b) == len(a) and all(len(row) == 2 for row in b):  # the counts: name the ones that moved
				out += [f"{x[0]} rows: {x[1]} -> {y[1]}" for x, y in zip(b, a, strict=True) if x != y]
				continue
			table = re.search(r"FROM `(tab[^`]+)`", query)
			out.append(f"{table.group(1) if table else query[:60]}: {str(b)[:200]} -> {str(a)[:200]}")
	return "; ".join(out)[:800]


def exception_of(resp) -> str:
	"""The exception's last line (type and message) from Frappe's answer."""
	try:
		data = resp.json()
	except ValueError:
		return resp.text[:200]
	if not isinstance(data, dict):
		return ""
	trace = data.get("exc") or ""
	try:
		trace = "\n".join(json.loads(trace)) if trace else ""
	except (TypeError, ValueError):
		trace = str(trace)
	lines = [line for line in trace.strip().splitlines() if line.strip()]
	return (lines[-1] if lines else str(data.get("exception") or data.get("exc_type") or ""))[:300]


def request_line(resp) -> str:
	"""What was sent, short (to reproduce a finding)."""
	sent = request_text(resp).replace("\n", " ")
	return sent[:400]
