"""The simulated users of the load benchmark (one thread and one logged-in HTTP session each; no frappe import).

- Handlers open their department's list (actionable complaints; every third time the whole list), open a
  complaint's form and take the next step through ``complaint_mgmt.api``: acknowledge, reply, request close.
- Specialists open the list, register a complaint (REST insert), transfer it to a department, and now and then
  re-transfer a running complaint to another department.
- Managers run the six script reports (``frappe.desk.query_report.run``, the last 30 days).

Every response is timed and classified: ``ok``; ``refused`` (the procedure's own answer to a lost race: the
step was taken by a colleague a moment earlier, the complaint was moved to another department); ``error``
(5xx, no answer, no JSON, or a refusal no race explains). Every list row and form a handler gets is checked
against the handler's departments (isolation).
"""

import json
import random
import re
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

TIMEOUT = 60
CPU_HEADER = "X-Complaint-CPU-Ms"  # complaint_mgmt/ops/request_cpu.py (site config complaint_mgmt_cpu_probe)
ACTIONABLE = ("Transferred", "Acknowledged", "Replied")
# the app's six script reports (benchmarks/replica_steps.py runs them too)
REPORTS = (
	"Weekly Complaint Summary",
	"Irrational Complaint Statistics",
	"Complaint Penalty Summary",
	"Complaint Closure Performance",
	"Overdue Complaints",
	"Monthly Complaint Analysis",
)
LIST_FIELDS = ["name", "status", "department", "receiver", "customer_name", "modified"]
# refusals that are the procedure's answer to a race between users (not a failure of the server)
RACE_EXC = ("TimestampMismatchError", "ValidationError", "PermissionError", "DoesNotExistError")
RACE_MESSAGES = re.compile(
	r"order of steps|is not possible while|modified after you have opened it|Only a receiver or member|"
	r"not permitted|Not allowed via controller permission|"
	r"No permission|no open transfer record|Insufficient Permission|not found|"
	# the complaint moved to another department after the handler's list showed it (steps.load's refusal)
	r"may not read or change this",
	re.I,
)
GOOD_ACTION = "Check every part against the drawing at goods receipt"


@dataclass
class Results:
	samples: list = field(default_factory=list)  # (kind, endpoint, ms, outcome)
	cpu: list = field(default_factory=list)  # (kind, endpoint, server CPU ms): ops/request_cpu.py's header
	successes: Counter = field(default_factory=Counter)  # (complaint, step action) -> confirmed requests
	tokens: list = field(default_factory=list)  # unique texts sent with replies and transfers
	violations: list = field(default_factory=list)  # isolation: what a handler saw of another department
	problems: list = field(default_factory=list)  # first errors, for the report
	refusals: Counter = field(default_factory=Counter)  # refusal reasons (races)
	registered: list = field(default_factory=list)
	lock: threading.Lock = field(default_factory=threading.Lock)

	def problem(self, text: str) -> None:
		with self.lock:
			if len(self.problems) < 30:
				self.problems.append(text)


class Runner:
	def __init__(
		self, base: str, site: str, plan: dict, password: str, duration: float, think: tuple, warmup: float
	):
		self.base, self.site, self.plan, self.password = base, site, plan, password
		self.duration, self.think_range, self.warmup = duration, think, warmup
		self.results = Results()
		self.deadline = self.measure_from = 0.0
		self.timed_window = (0.0, 0.0)
		self.offset = timedelta(seconds=plan.get("server_clock_offset_s", 0))

	def users(self) -> list["SimUser"]:
		out: list[SimUser] = [Handler(self, h["user"], h["departments"]) for h in self.plan["handlers"]]
		out += [Specialist(self, u) for u in self.plan["specialists"]]
		out += [Manager(self, u) for u in self.plan["managers"]]
		return out

	def run(self, ramp_s: float = 5.0) -> Results:
		users = self.users()
		for user in users:  # logins are set-up, not measured
			user.login()
		# the warm-up's requests (every worker's first imports and caches) are made but not timed
		self.measure_from = time.monotonic() + self.warmup
		self.deadline = self.measure_from + self.duration
		# the timed part on the wall clock, for whoever samples the machine meanwhile (the cluster's CPU)
		self.timed_window = (time.time() + self.warmup, time.time() + self.warmup + self.duration)
		step = ramp_s / max(len(users), 1)
		for i, user in enumerate(users):
			user.delay = i * step
			user.start()
		for user in users:
			user.join()
		return self.results


class SimUser(threading.Thread):
	def __init__(self, runner: Runner, user: str):
		super().__init__(daemon=True, name=user)
		self.runner, self.user, self.r = runner, user, runner.results
		self.rng = random.Random(secrets.randbits(32))
		self.sess = requests.Session()
		self.delay = 0.0
		self.iteration_no = 0

	def login(self) -> None:
		self.sess.headers.update({"Host": self.runner.site, "Accept": "application/json"})
		resp = self.sess.post(
			f"{self.runner.base}/api/method/login",
			data={"usr": self.user, "pwd": self.runner.password},
			timeout=TIMEOUT,
		)
		if resp.status_code != 200 or "sid" not in self.sess.cookies:
			raise SystemExit(f"login as {self.user} failed: {resp.status_code} {resp.text[:300]}")
		page = self.sess.get(f"{self.runner.base}/app", timeout=TIMEOUT)
		token = re.search(r'csrf_token\s*=\s*"([0-9a-f]+)"', page.text)
		if token:
			self.sess.headers["X-Frappe-CSRF-Token"] = token.group(1)

	def run(self) -> None:
		time.sleep(self.delay)
		while time.monotonic() < self.runner.deadline:
			self.iteration_no += 1
			try:
				self.iteration()
			except Exception as exc:  # a bug of the simulation must not hide the others' figures
				self.r.problem(f"{self.user}: simulation error {exc!r}")
			self.think(1.0)

	def think(self, factor: float = 0.5) -> None:
		low, high = self.runner.think_range
		pause = self.rng.uniform(low, high) * factor
		time.sleep(max(0.0, min(pause, self.runner.deadline - time.monotonic())))

	def alive(self) -> bool:
		return time.monotonic() < self.runner.deadline

	# HTTP
	def call(self, kind: str, endpoint: str, method: str, path: str, race_ok: bool = False, **kw):
		"""One timed request; returns the JSON body when the server answered 200, else None."""
		start = time.perf_counter()
		try:
			resp = self.sess.request(method, f"{self.runner.base}{path}", timeout=TIMEOUT, **kw)
		except requests.RequestException as exc:
			self._sample(kind, endpoint, start, "error")
			self.r.problem(f"{self.user} {endpoint}: {exc!r}")
			return None
		self._cpu(kind, endpoint, start, resp.headers.get(CPU_HEADER))
		try:
			body = resp.json()
		except ValueError:
			body = None
		if resp.status_code == 200 and body is not None:
			self._sample(kind, endpoint, start, "ok")
			return body
		reason = _reason(body)
		exc_type = (body or {}).get("exc_type", "")
		if race_ok and resp.status_code < 500 and exc_type in RACE_EXC and RACE_MESSAGES.search(reason):
			self._sample(kind, endpoint, start, "refused")
			with self.r.lock:
				self.r.refusals[f"{endpoint}: {exc_type}: {reason[:90]}"] += 1
			return None
		self._sample(kind, endpoint, start, "error")
		self.r.problem(f"{self.user} {endpoint}: HTTP {resp.status_code} {exc_type} {reason[:300]}")
		return None

	def _cpu(self, kind: str, endpoint: str, start: float, value: str | None) -> None:
		"""The server's CPU for the request (timed requests only; none without the probe)."""
		sent = time.monotonic() - (time.perf_counter() - start)
		if value is not None and sent >= self.runner.measure_from:
			with self.r.lock:
				self.r.cpu.append((kind, endpoint, float(value)))

	def _sample(self, kind: str, endpoint: str, start: float, outcome: str) -> None:
		elapsed_ms = (time.perf_counter() - start) * 1000
		if time.monotonic() - elapsed_ms / 1000 < self.runner.measure_from:
			return  # sent during the warm-up: not timed
		self.r.samples.append((kind, endpoint, elapsed_ms, outcome))

	def list_complaints(self, filters: list | None = None, page: int = 20) -> list[dict] | None:
		params = {
			"doctype": "Complaint",
			"fields": json.dumps([f"`tabComplaint`.`{f}`" for f in LIST_FIELDS]),
			"filters": json.dumps(filters or []),
			"order_by": "`tabComplaint`.`modified` desc",
			"start": 0,
			"page_length": page,
			"view": "List",
			"with_comment_count": 1,
		}
		body = self.call("read", "list", "GET", "/api/method/frappe.desk.reportview.get", params=params)
		if body is None:
			return None
		message = body.get("message") or {}
		keys, values = message.get("keys") or [], message.get("values") or []
		return [dict(zip(keys, row, strict=False)) for row in values]

	def open_form(self, name: str) -> dict | None:
		body = self.call(
			"read",
			"form",
			"GET",
			"/api/method/frappe.desk.form.load.getdoc",
			race_ok=True,
			params={"doctype": "Complaint", "name": name},
		)
		docs = (body or {}).get("docs") or []
		return docs[0] if docs else None

	def act(self, action: str, method: str, **data) -> dict | None:
		"""POST complaint_mgmt.api.<method>; a confirmed step is counted for the exactly-once check."""
		body = self.call(
			"action", method, "POST", f"/api/method/complaint_mgmt.api.{method}", True, data=data
		)
		if body is not None:
			with self.r.lock:
				self.r.successes[(data["complaint"], action)] += 1
		return body

	def token(self, what: str) -> str:
		token = f"{self.runner.plan['prefix']} {what} {secrets.token_hex(5)}"
		with self.r.lock:
			self.r.tokens.append(token)
		return token


def _reason(body) -> str:
	if not isinstance(body, dict):
		return ""
	messages = body.get("_server_messages")
	if messages:
		try:
			texts = [json.loads(m).get("message", "") for m in json.loads(messages)]
			return re.sub(r"<[^>]+>", "", " | ".join(texts))
		except (ValueError, AttributeError, TypeError):
			return str(messages)
	return str(body.get("exception") or body.get("exc_type") or "")


class Handler(SimUser):
	def __init__(self, runner: Runner, user: str, departments: list[str]):
		super().__init__(runner, user)
		self.departments = set(departments)

	def check_isolation(self, where: str, rows: list[dict]) -> None:
		for row in rows:
			if row.get("department") not in self.departments:
				with self.r.lock:
					self.r.violations.append(
						f"{self.user} {where}: {row.get('name')} of {row.get('department')}"
					)

	def iteration(self) -> None:
		if self.iteration_no % 3 == 0:
			rows = self.list_complaints()
			if rows is not None:
				self.check_isolation("list", rows)
			self.think()
		rows = self.list_complaints([["Complaint", "status", "in", list(ACTIONABLE)]])
		if not rows:
			return
		self.check_isolation("list", rows)
		mine = [row for row in rows if row.get("receiver") == self.user]
		row = self.rng.choice(mine if mine and self.rng.random() < 0.8 else rows)
		self.think()
		doc = self.open_form(row["name"]) if self.alive() else None
		if doc is None:
			return
		self.check_isolation("form", [doc])
		self.think()
		if not self.alive():
			return
		name, status = doc["name"], doc.get("status")
		if status == "Transferred":
			self.act("Acknowledge", "acknowledge", complaint=name)
		elif status == "Acknowledged" or (status == "Replied" and self.rng.random() < 0.5):
			self.act("Reply", "reply", complaint=name, content=self.token("reply"))
		elif status == "Replied":
			self.act(
				"Request Close",
				"request_close",
				complaint=name,
				resolution=self.token("resolution"),
				root_cause="The wrong part was shipped from the regional warehouse",
				corrective_action=GOOD_ACTION,
				compensation_amount=0,
			)


class Specialist(SimUser):
	def iteration(self) -> None:
		prefix = self.runner.plan["prefix"]
		rows = self.list_complaints([["Complaint", "department", "like", f"{prefix} Dept%"]])
		self.think()
		departments = self.runner.plan["departments"]
		if rows and self.iteration_no % 4 == 0:  # re-transfer a running complaint to another department
			running = [r for r in rows if r.get("status") in ACTIONABLE]
			if running:
				row = self.rng.choice(running)
				doc = self.open_form(row["name"])
				self.think()
				if doc and self.alive():
					others = [d for d in departments if d != doc.get("department")]
					self.transfer(doc["name"], self.rng.choice(others))
				return
		if not self.alive():
			return
		now = datetime.now() + self.runner.offset
		body = self.call(
			"action",
			"register",
			"POST",
			"/api/resource/Complaint",
			json={
				"customer_name": f"{prefix} customer {secrets.token_hex(4)}",
				"contact_phone": f"+86-139-0000-{self.rng.randrange(10000):04d}",
				"channel": "Phone",
				"category": "Product Quality",
				"grade": "General",
				"description": f"{prefix}: registered under load at {now:%H:%M:%S}",
			},
		)
		name = ((body or {}).get("data") or {}).get("name")
		if not name:
			return
		with self.r.lock:
			self.r.registered.append(name)
		self.think()
		if self.alive():
			self.transfer(name, self.rng.choice(list(departments)))

	def transfer(self, name: str, department: str) -> None:
		receiver = self.rng.choice(self.runner.plan["departments"][department])
		self.act(
			"Transfer",
			"transfer",
			complaint=name,
			department=department,
			receiver=receiver,
			note=self.token("transfer"),
		)


class Manager(SimUser):
	def iteration(self) -> None:
		today = (datetime.now() + self.runner.offset).date()
		report = self.rng.choice(REPORTS)
		filters = {"from_date": str(today - timedelta(days=30)), "to_date": str(today)}
		self.call(
			"read",
			"report",
			"GET",
			"/api/method/frappe.desk.query_report.run",
			params={"report_name": report, "filters": json.dumps(filters), "ignore_prepared_report": 1},
		)
