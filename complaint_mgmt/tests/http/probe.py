"""Helpers of the HTTP tier: logged-in sessions per role, the markers each role must never see, and the
assertions (`assert_no_leak`, `assert_refused`, `snapshot` / `assert_unchanged`)."""

import json
import re
import shutil
from dataclasses import dataclass, field
from urllib.parse import unquote_plus

import frappe
import requests

from complaint_mgmt.tests.http import seed as s

ROLES = ("handler_a", "deptmgr_a", "specialist", "manager", "approver", "executor", "customer", "guest")
DEPARTMENT_ROLES = ("handler_a", "deptmgr_a")
# Roles with permission level 1 read on Complaint (customer phone and e-mail): see complaint.json.
PERMLEVEL1_ROLES = ("handler_a", "deptmgr_a", "specialist", "manager")
OUTSIDERS = ("customer", "guest")
ALL_SEEING = ("specialist", "manager")
TIMEOUT = 60


class Client:
	"""One cached requests.Session per role, logged in through POST /api/method/login."""

	def __init__(self, base: str, site: str, seed: frappe._dict, password: str):
		self.base, self.site, self.seed, self.password = base, site, seed, password
		self._sessions: dict[str, requests.Session] = {}

	def as_(self, role: str) -> "Session":
		if role not in self._sessions:
			self._sessions[role] = self._login(role)
		return Session(self, self._sessions[role], role)

	def new_session(self, role: str) -> "Session":
		"""A second, separate login (concurrency tests)."""
		return Session(self, self._login(role), role)

	def _login(self, role: str) -> requests.Session:
		sess = requests.Session()
		sess.headers.update({"Host": self.site, "Accept": "application/json"})
		if role == "guest":
			return sess
		user = self.seed.users[role]
		resp = sess.post(
			f"{self.base}/api/method/login", data={"usr": user, "pwd": self.password}, timeout=TIMEOUT
		)
		if resp.status_code != 200 or "sid" not in sess.cookies:
			raise AssertionError(f"login as {role} ({user}) failed: {resp.status_code} {resp.text[:500]}")
		# The session's CSRF token (made by the desk or a web page): sent with every request, so that a
		# refusal is never a mere CSRF error.
		page = sess.get(f"{self.base}/app" if role not in OUTSIDERS else f"{self.base}/me", timeout=TIMEOUT)
		token = re.search(r'csrf_token\s*=\s*"([0-9a-f]+)"', page.text)
		if token:
			sess.headers["X-Frappe-CSRF-Token"] = token.group(1)
		return sess


@dataclass
class Session:
	client: Client
	sess: requests.Session
	role: str
	history: list = field(default_factory=list)

	def url(self, path: str) -> str:
		return f"{self.client.base}{path}"

	def _go(self, method: str, path: str, **kw) -> requests.Response:
		resp = self.sess.request(method, self.url(path), timeout=TIMEOUT, allow_redirects=False, **kw)
		self.history.append(resp)
		return resp

	def get(self, path: str, params: dict | None = None) -> requests.Response:
		return self._go("GET", path, params=_encode(params))

	def post(self, path: str, data: dict | None = None, **kw) -> requests.Response:
		return self._go("POST", path, data=_encode(data), **kw)

	def post_json(self, path: str, body) -> requests.Response:
		return self._go("POST", path, json=body)

	def put_json(self, path: str, body) -> requests.Response:
		return self._go("PUT", path, json=body)

	def delete(self, path: str) -> requests.Response:
		return self._go("DELETE", path)

	def method(self, path: str, /, **data) -> requests.Response:
		"""POST /api/method/<path> with form data (lists and dicts JSON-encoded)."""
		return self.post(f"/api/method/{path}", data)

	def get_method(self, path: str, /, **params) -> requests.Response:
		return self.get(f"/api/method/{path}", params)


def _encode(data: dict | None) -> dict | None:
	if data is None:
		return None
	return {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}


# Markers
# -------


def _name(value: str) -> str:
	"""A document name as a marker: not followed by another digit (CMP-2026-00012 is not CMP-2026-000123)."""
	return re.escape(value) + r"(?!\d)"


def _text(value: str) -> str:
	return re.escape(value)


PHONE_PATTERNS = (r"77774242", r"7777-4242", r"7777\D{0,3}4242")
A_PHONE_PATTERNS = (r"55553131", r"5555-3131")


def markers_b(seed, department_name: bool = True) -> dict[str, str]:
	"""Everything of department B (label -> regex)."""
	found = {f"B complaint {n}": _name(n) for n in (seed.b_open, seed.b_transferred)}
	found.update({f"B transfer record {n}": _name(n) for n in seed.b_records})
	found[f"B notice {seed.b_notice}"] = _name(seed.b_notice)
	found.update({f"B ToDo {n}": _text(n) for n in seed.b_todos})
	found.update({f"B comment {n}": _text(n) for n in seed.b_comments})
	found.update({f"B version {n}": _text(n) for n in seed.b_versions})
	found[f"B file {seed.b_file.name}"] = _text(seed.b_file.name)
	found["B file name"] = _text("bfile-zqx")
	found.update(
		{
			"B customer": _text(s.B_CUSTOMER),
			"B reply": _text("Breply-ZQX"),
			"B description": _text("Bdesc-ZQX"),
			"B file bytes": _text(s.B_FILE),
			"B file url": _text(seed.b_file.url),
			"B communication": _text(s.B_COMM),
			"B pause": _text("Bpause-ZQX"),
			"B escalation": _text("Besc-ZQX"),
			"B e-mail": _text(s.B_EMAIL),
			"B receiver": _text(seed.users["handler_b"]),
		}
	)
	found.update({f"B phone {p}": p for p in PHONE_PATTERNS})
	if department_name:
		found["department B"] = _text(s.DEPT_B)
	return found


def markers_contact() -> dict[str, str]:
	"""Permission level 1 values (customer phone and e-mail) of both departments."""
	found = {f"B phone {p}": p for p in PHONE_PATTERNS}
	found.update({f"A phone {p}": p for p in A_PHONE_PATTERNS})
	found["B e-mail"] = _text(s.B_EMAIL)
	return found


def markers_internal(seed) -> dict[str, str]:
	"""What a customer (website user) or a guest never sees of the internal handling of A's complaints."""
	return {
		"department A": _text(s.DEPT_A),
		"A receiver": _text(seed.users["handler_a"]),
		"A reply": _text("Areply-ZQX"),
		"A root cause": _text("Arootcause-ZQX"),
		"A resolution": _text("Aresolution-ZQX"),
		"A irrational reason": _text("Airrational-ZQX"),
		"A notice": _name(seed.a_notice),
	}


def forbidden(seed, role: str, department_name: bool = True) -> dict[str, str]:
	"""Every marker `role` must not find in any response body."""
	found: dict[str, str] = {}
	if role in DEPARTMENT_ROLES or role in OUTSIDERS:
		found.update(markers_b(seed, department_name))
	if role not in PERMLEVEL1_ROLES:
		found.update(markers_contact())
	if role == "customer":  # the customer's own phone, on the complaints they filed, is theirs to see
		found = {k: v for k, v in found.items() if not k.startswith("A phone")}
	if role in OUTSIDERS:
		found.update(markers_internal(seed))
	if role == "guest":
		found["A customer"] = _text(s.A_CUSTOMER)
	return found


def leaks(text: str, markers: dict[str, str]) -> list[str]:
	return [label for label, pattern in markers.items() if re.search(pattern, text)]


def body_text(resp: requests.Response) -> str:
	"""The body as text, with JSON-escaped server messages decoded once more (they are JSON in JSON)."""
	text = resp.content.decode("utf-8", errors="replace")
	try:
		data = resp.json()
	except ValueError:
		return text
	if isinstance(data, dict) and isinstance(data.get("_server_messages"), str):
		text += "\n" + data["_server_messages"].replace('\\"', '"')
	return text


def request_text(resp: requests.Response) -> str:
	"""What the client itself sent (URL and body, decoded): echoing it back is no leak."""
	req = resp.request
	sent = req.body or b""
	sent = sent.decode("utf-8", errors="replace") if isinstance(sent, bytes) else str(sent)
	return unquote_plus(req.url) + "\n" + unquote_plus(sent)


def assert_no_leak(resp: requests.Response, markers: dict[str, str], what: str = "") -> None:
	sent = request_text(resp)
	markers = {label: pattern for label, pattern in markers.items() if not re.search(pattern, sent)}
	text = body_text(resp)
	found = leaks(text, markers)
	assert not found, (
		f"{what} {resp.request.method} {resp.url} -> {resp.status_code} leaks {found}: {context(text, markers, found)}"
	)


def context(text: str, markers: dict[str, str], found: list[str]) -> str:
	"""Where the first leaked markers stand in the body."""
	out = []
	for label in found[:3]:
		match = re.search(markers[label], text)
		out.append(f"...{text[max(0, match.start() - 150) : match.end() + 80]}...")
	return " | ".join(out)


def no_pdf_engine(resp: requests.Response) -> bool:
	"""A PDF request that passed the permission checks and failed only for want of wkhtmltopdf (Frappe's OSError;
	the body names wkhtmltopdf only to a System Manager: security/tracebacks.py)."""
	if resp.status_code != 500 or "download_pdf" not in resp.url or shutil.which("wkhtmltopdf"):
		return False
	return "wkhtmltopdf" in resp.text or exc_type(resp) == "OSError"


def assert_not_server_error(resp: requests.Response) -> None:
	assert resp.status_code < 500 or no_pdf_engine(resp), (
		f"{resp.request.method} {resp.url} -> {resp.status_code}: {resp.text[:1500]}"
	)


def message_of(resp: requests.Response) -> str:
	try:
		data = resp.json()
	except ValueError:
		return resp.text.strip()
	if not isinstance(data, dict):
		return ""
	parts = [data.get("_server_messages"), data.get("exception"), data.get("message"), data.get("exc_type")]
	return " ".join(str(p) for p in parts if p)


def exc_type(resp: requests.Response) -> str:
	try:
		return str(resp.json().get("exc_type") or "")
	except (ValueError, AttributeError):
		return ""


def assert_refused(resp: requests.Response) -> None:
	"""A 4xx with a message (never a server error, never a mere CSRF refusal)."""
	assert 400 <= resp.status_code < 500, (
		f"expected a refusal: {resp.request.method} {resp.url} -> {resp.status_code}: {resp.text[:800]}"
	)
	assert exc_type(resp) != "CSRFTokenError", "refused for a missing CSRF token: the probe is broken"
	assert message_of(resp).strip(), f"refusal without a message: {resp.status_code} {resp.text[:300]}"


def is_refusal(resp: requests.Response) -> bool:
	return 400 <= resp.status_code < 500


def message(resp: requests.Response):
	try:
		return resp.json().get("message")
	except (ValueError, AttributeError):
		return None


# Database snapshots (what the server committed)
# ----------------------------------------------

CHILD_TABLES = ("Complaint Reply", "Complaint Pause", "Complaint Escalation", "Complaint Step")
COUNTED = (
	"Complaint",
	"Complaint Transfer Record",
	"Complaint Penalty Notice",
	"ToDo",
	"Communication",
	"File",
	"DocShare",
)
VOLATILE = ("_seen",)


def _rows(doctype: str, filters: dict) -> list[dict]:
	rows = frappe.get_all(doctype, filters=filters, fields=["*"], order_by="name asc")
	return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def snapshot(doctype: str, name: str) -> dict:
	"""A fresh read of the row, its child rows and what hangs on it (after the server's commits)."""
	frappe.db.rollback()
	snap = {"row": _rows(doctype, {"name": name})}
	if doctype == "Complaint":
		for child in CHILD_TABLES:
			snap[child] = _rows(child, {"parent": name, "parenttype": doctype})
		snap["records"] = _rows("Complaint Transfer Record", {"complaint": name})
		snap["notices"] = _rows("Complaint Penalty Notice", {"complaint": name})
	snap["comments"] = frappe.db.count("Comment", {"reference_doctype": doctype, "reference_name": name})
	snap["shares"] = frappe.db.count("DocShare", {"share_doctype": doctype, "share_name": name})
	snap["todos"] = _rows("ToDo", {"reference_type": doctype, "reference_name": name})
	snap["files"] = frappe.db.count("File", {"attached_to_doctype": doctype, "attached_to_name": name})
	return snap


def assert_unchanged(before: dict, doctype: str, name: str) -> None:
	after = snapshot(doctype, name)
	changed = [key for key in before if before[key] != after.get(key)]
	assert not changed, f"{doctype} {name} changed in {changed}: {_diff(before, after, changed)}"


def _diff(before: dict, after: dict, keys: list[str]) -> str:
	out = []
	for key in keys:
		b, a = before[key], after[key]
		if isinstance(b, list) and len(b) == len(a):
			for rb, ra in zip(b, a, strict=True):
				if isinstance(rb, dict):
					out.append(str({k: (rb[k], ra.get(k)) for k in rb if rb[k] != ra.get(k)}))
		else:
			out.append(f"{key}: {str(b)[:200]} -> {str(a)[:200]}")
	return "; ".join(out)[:1500]


def counts() -> dict[str, int]:
	frappe.db.rollback()
	return {doctype: frappe.db.count(doctype) for doctype in COUNTED}
