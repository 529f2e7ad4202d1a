"""Bulk seeding of a large, realistic complaint history for the report benchmark (the deadline benchmark's
approach, benchmarks/seeding.py: no controllers, rows named by a marker prefix so they can be found, reused and
removed).

Why it is fast (1,000,000 complaints in a few minutes instead of ~16): the rows are generated in time order and
named like the real naming series, ``<PREFIX>-YYYY-NNNNNNN`` (received_on ascending = name ascending), so every
B-tree (the primary key and the received_on/creation/modified/due/closed indexes) grows at its right end instead
of taking random page writes against a buffer pool far smaller than the table; one multi-row INSERT of CHUNK
rows per statement, built once by frappe.qb with placeholders and reused for every chunk; only the columns the
app reads; one commit per chunk.
"""

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import frappe
from frappe.query_builder import Parameter

from complaint_mgmt.outputs import report_stats

PREFIX = "BENCHREPORT"
DEPARTMENTS = tuple(f"Report Benchmark Dept {i:02d}" for i in range(1, 11))
HANDLER = "report.benchmark.handler@example.com"  # restricted user: a Complaint Handler of two departments
HANDLER_DEPARTMENTS = DEPARTMENTS[:2]
DAYS = 730
CHUNK = 5000
# grade -> (transfer, first reply, close) hours, as seeded by complaint_mgmt.setup.seed
HOURS = {"General": (4, 24, 72), "Medium": (2, 8, 120), "Strong": (0.5, 4, 168)}
OPEN_STATUSES = ("Registered", "Transferred", "Acknowledged", "Replied", "Close Requested", "Return Visited")
COMPLAINT_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series", "customer_name",
	"channel", "is_external", "category", "grade", "original_grade", "received_on", "status", "department",
	"receiver", "specialist", "irrational_stage", "follow_up_mode", "closure_type",
	"transfer_due", "first_reply_due", "close_due", "return_visit_due",
	"transferred_on", "acknowledged_on", "first_replied_on", "close_requested_on", "return_visited_on", "closed_on",
)  # fmt: skip
NOTICE_FIELDS = (
	"name", "creation", "modified", "owner", "modified_by", "docstatus", "complaint", "department", "breach_type",
	"period", "grade", "base_amount", "multiplier", "amount", "issued_on", "due_on", "breach_key", "executed",
)  # fmt: skip
BREACHES = ("Transfer", "First Reply", "Close", "Close", "Return Visit", "Monthly Repeat")


def complaint_values(name: str, received: datetime, now: datetime, rnd: random.Random, categories) -> dict:
	"""One complaint: older ones mostly closed (80 % on time), the last days' mostly still running."""
	h = lambda base, hours: base + timedelta(hours=hours)  # noqa: E731
	channel = rnd.choices(("Phone", "Hotline", "Web", "Media", "Government"), (60, 20, 15, 3, 2))[0]
	grade = rnd.choices(("General", "Medium", "Strong"), (70, 20, 10))[0]
	v = dict.fromkeys(COMPLAINT_FIELDS)
	v.update(
		name=name, creation=received, modified=received, owner="Administrator", modified_by="Administrator",
		docstatus=0, naming_series="CMP-.YYYY.-.#####", customer_name=f"Customer {name[-6:]}", channel=channel,
		is_external=int(channel in ("Media", "Government")), category=rnd.choice(categories), grade=grade,
		original_grade=grade, received_on=received, department=rnd.choice(DEPARTMENTS), receiver=HANDLER,
		specialist="Administrator",
	)  # fmt: skip
	t, f, c = HOURS[grade]
	u, age_hours = rnd.random(), (now - received).total_seconds() / 3600
	if u < 0.03:  # first irrational: graded irrational at registration, no clocks
		v.update(grade="Irrational", original_grade="Irrational", status="Transferred", irrational_stage="First",
				 follow_up_mode=rnd.choice(("Watch", "Monitor")), transferred_on=h(received, 1))  # fmt: skip
		return v
	transferred = h(received, rnd.uniform(0.1, 3))
	ack = h(transferred, rnd.uniform(0.1, 3))
	first = h(ack, rnd.uniform(0.5, f * 1.3))
	v.update(transfer_due=h(received, t), close_due=h(received, c), first_reply_due=h(ack, f),
			 transferred_on=transferred, acknowledged_on=ack)  # fmt: skip
	if u < 0.06:  # secondary irrational (deferral accepted)
		v.update(status="Deferred", irrational_stage="Secondary", follow_up_mode=rnd.choice(("Watch", "Monitor")),
				 first_replied_on=first)  # fmt: skip
	elif u < 0.08 or age_hours < c * rnd.uniform(0.3, 1.2):  # still running (old ones: overdue)
		status = rnd.choice(OPEN_STATUSES)
		v.update(status=status)
		if status == "Registered":
			v.update(department=None, transferred_on=None, acknowledged_on=None, first_reply_due=None)
		elif status == "Transferred":
			v.update(acknowledged_on=None, first_reply_due=None)
		elif status != "Acknowledged":
			requested = max(h(first, 0.5), h(received, c * 0.6))
			v.update(first_replied_on=first)
			if status in ("Close Requested", "Return Visited"):
				v.update(close_requested_on=requested, return_visit_due=h(requested, 12))
			if status == "Return Visited":
				v.update(return_visited_on=h(requested, 2))
		for field in COMPLAINT_FIELDS[-6:]:  # nothing has happened yet that lies in the future
			if v[field] and v[field] > now:
				v[field] = None
	else:  # closed
		requested = h(received, rnd.uniform(c * 0.2, c * (0.95 if rnd.random() < 0.8 else 1.6)))
		requested = max(requested, h(first, 0.5))
		visited = h(requested, rnd.uniform(0.5, 14))
		v.update(status="Closed", first_replied_on=first, close_requested_on=requested,
				 return_visit_due=h(requested, 12), return_visited_on=visited, closed_on=h(visited, rnd.uniform(0.5, 8)),
				 closure_type="Second Closure" if requested > v["close_due"] else "First Closure")  # fmt: skip
	return v


def instants(count: int, now: datetime, rnd: random.Random) -> list[datetime]:
	"""`count` instants over the last DAYS days, ascending (weekdays and office hours busier)."""
	start, out = now - timedelta(days=DAYS), []
	while len(out) < count:
		at = start + timedelta(seconds=rnd.randrange(DAYS * 86400))
		busy = at.weekday() < 5 and 8 <= at.hour < 18
		if busy or rnd.random() < 0.35:
			out.append(at)
	out.sort()
	return out


def named(stamps: list[datetime], infix: str = "") -> Iterator[tuple[str, datetime]]:
	"""Names like the naming series (``<PREFIX>-<infix>YYYY-NNNNNNN``, numbered per year), in time order."""
	year, n = None, 0
	for at in stamps:
		year, n = at.year, (n + 1 if at.year == year else 1)
		yield f"{PREFIX}-{infix}{year}-{n:07d}", at


def insert(doctype: str, fields: tuple[str, ...], rows: Iterator[tuple]) -> None:
	"""Multi-row INSERTs of CHUNK rows, one commit each. The statement is built once by frappe.qb with
	placeholders (pypika formatting 300k literals per chunk would cost more than the insert itself)."""
	table = frappe.qb.DocType(doctype)
	statements: dict[int, str] = {}
	batch: list = []

	def flush() -> None:
		n = len(batch) // len(fields)
		if n not in statements:
			row = [Parameter("%s")] * len(fields)
			statements[n] = frappe.qb.into(table).columns(*fields).insert(*([row] * n)).get_sql()
		frappe.db.sql(statements[n], batch)  # nosemgrep -- built by frappe.qb, every value a bound parameter
		frappe.db.commit()  # nosemgrep -- benchmark seeding: one transaction per chunk keeps the undo log small
		batch.clear()

	for row in rows:
		batch.extend(row)
		if len(batch) >= CHUNK * len(fields):
			flush()
	if batch:
		flush()


def seed(count: int, notices: int, now: datetime, seed_value: int = 20260105) -> None:
	"""`count` complaints received over the last DAYS days and `notices` submitted penalty notices. Commits."""
	setup_people()
	categories = frappe.get_all("Complaint Category", filters={"is_group": 0}, pluck="name")
	rnd = random.Random(seed_value)
	stamps = instants(count, now, rnd)
	complaints = (
		tuple(values[k] for k in COMPLAINT_FIELDS)
		for values in (complaint_values(name, at, now, rnd, categories) for name, at in named(stamps))
	)
	insert("Complaint", COMPLAINT_FIELDS, complaints)
	insert("Complaint Penalty Notice", NOTICE_FIELDS, notice_rows(stamps, notices, now, rnd))
	# Fresh optimizer statistics after the bulk load: a constant maintenance statement with no qb form.
	frappe.db.sql("ANALYZE TABLE `tabComplaint`, `tabComplaint Penalty Notice`")  # nosemgrep


def notice_rows(stamps: list[datetime], notices: int, now: datetime, rnd: random.Random) -> Iterator[tuple]:
	"""Submitted notices issued a few hours to days after complaints received (in time order), 60 % executed."""
	picks = sorted(rnd.sample(range(len(stamps)), notices))
	first_of_year: dict[int, int] = {}  # the complaint names again, without a list of a million strings
	for i, at in enumerate(stamps):
		first_of_year.setdefault(at.year, i)
	issued = sorted(min(stamps[i] + timedelta(hours=rnd.uniform(1, 200)), now) for i in picks)
	for (name, at), i in zip(named(issued, "N-"), picks, strict=True):
		complaint = f"{PREFIX}-{stamps[i].year}-{i - first_of_year[stamps[i].year] + 1:07d}"
		base = rnd.choice((50, 100, 200))
		multiplier = rnd.choice((1, 1, 1, 2, 3))
		yield (name, at, at, "Administrator", "Administrator", 1, complaint, rnd.choice(DEPARTMENTS),
			   rnd.choice(BREACHES), 0, "General", base, multiplier, base * multiplier, at, at + timedelta(days=7),
			   name, int(rnd.random() < 0.6))  # fmt: skip


def delete_names(doctype: str, names: list[str], chunk: int = 5000, attempts: int = 5) -> None:
	"""Delete rows by primary key, `chunk` per transaction. By key, not by a range or LIKE: only the rows
	themselves are locked, no gap a concurrent insert of the site's other rows (test runs sharing the site) could
	deadlock with; a deadlock or lock timeout all the same is retried. Commits."""
	for start in range(0, len(names), chunk):
		part = names[start : start + chunk]
		for attempt in range(1, attempts + 1):
			try:
				frappe.db.delete(doctype, {"name": ("in", part)})
				frappe.db.commit()  # nosemgrep -- benchmark clean-up: one transaction per chunk
				break
			except (frappe.QueryDeadlockError, frappe.QueryTimeoutError):
				frappe.db.rollback()
				if attempt == attempts:
					raise
				time.sleep(attempt)


def use_prefix(prefix: str) -> None:
	"""Seed, count and clean up rows named `prefix`..., with departments and a handler of their own (the smoke
	run: it never touches a kept full-size seed)."""
	global PREFIX, DEPARTMENTS, HANDLER, HANDLER_DEPARTMENTS
	PREFIX = prefix
	DEPARTMENTS = tuple(f"{prefix.title()} Dept {i:02d}" for i in range(1, 11))
	HANDLER = f"{prefix.lower()}.handler@example.com"
	HANDLER_DEPARTMENTS = DEPARTMENTS[:2]


def seeded_count(doctype: str = "Complaint") -> int:
	return frappe.db.count(doctype, {"name": ("like", f"{PREFIX}-%")})


def setup_people() -> None:
	"""The ten departments and a Complaint Handler who is a member of two of them. Commits."""
	if not frappe.db.exists("User", HANDLER):
		user = frappe.get_doc(
			{"doctype": "User", "email": HANDLER, "first_name": "Report benchmark", "send_welcome_email": 0}
		)
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)  # benchmark setup, run as Administrator
		user.add_roles("Complaint Handler")
	for department in DEPARTMENTS:
		if not frappe.db.exists("Complaint Department", department):
			members = [{"user": HANDLER}] if department in HANDLER_DEPARTMENTS else []
			frappe.get_doc(
				{"doctype": "Complaint Department", "department_name": department, "members": members}
			).insert(ignore_permissions=True)  # benchmark setup, run as Administrator
	frappe.db.commit()  # nosemgrep -- benchmark setup must be committed before the bulk load


def cleanup(chunk: int = 50_000) -> None:
	"""Delete everything seeded: rows by primary key (``delete_names``), then people. Commits."""
	for doctype in ("Complaint Penalty Notice", "Complaint"):
		while names := frappe.get_all(
			doctype, filters={"name": ("like", f"{PREFIX}-%")}, pluck="name", order_by="name asc", limit=chunk
		):
			# out of the reports' daily rows first (committed with the first chunk)
			if doctype == "Complaint":
				report_stats.forget(names)
			delete_names(doctype, names)
	for department in DEPARTMENTS:  # benchmark clean-up, run as Administrator
		frappe.delete_doc(
			"Complaint Department", department, force=True, ignore_permissions=True, ignore_missing=True
		)
	# the user directly (delete_doc refuses it on a site whose only other System Manager is Administrator)
	frappe.db.delete("Has Role", {"parent": HANDLER, "parenttype": "User"})
	frappe.db.delete("User", {"name": HANDLER})
	frappe.db.delete("Version", {"ref_doctype": "User", "docname": HANDLER})
	frappe.db.commit()  # nosemgrep -- benchmark clean-up: nothing may stay behind
