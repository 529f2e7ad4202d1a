"""Bulk seeding of open complaints for the sweep benchmark and the concurrency tests (multi-row INSERTs of
5,000 rows, one commit each: ``report_seeding.insert``; no controllers), and the clean-up of everything they and
the sweep create. Rows are named ``<prefix>-NNNNNN`` so they can be found and removed by that prefix."""

import random
from datetime import datetime, timedelta

import frappe
from frappe.query_builder.functions import Concat, Substring

from benchmarks.report_seeding import delete_names, insert
from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import adapters
from complaint_mgmt.procedure import rules, sweep_rules

DUE_KINDS = ("Transfer", "First Reply", "Close")
FIELDS = (
	"name",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"naming_series",
	"customer_name",
	"contact_phone",
	"channel",
	"category",
	"grade",
	"original_grade",
	"received_on",
	"status",
	"department",
	"receiver",
	"specialist",
	"description",
	"transferred_on",
	"acknowledged_on",
	"first_replied_on",
	"transfer_due",
	"first_reply_due",
	"close_due",
	"return_visit_due",
	"transfer_breached",
	"first_reply_breached",
	"close_breached",
	"transfer_warned",
	"first_reply_warned",
	"close_warned",
	"repeat_periods_issued",
	"escalation_count",
	"next_check_at",
)
GRADES = ("General", "General", "General", "Medium", "Strong")  # most complaints are general ones


def _clocks(state: dict, grade: rules.Grade) -> sweep_rules.ClockState:
	m = rules.Milestones(
		received_on=state["received_on"],
		acknowledged_on=state.get("acknowledged_on"),
		first_replied_on=state.get("first_replied_on"),
	)
	d = rules.compute_deadlines(grade, m, return_visit_hours=None)
	breached = frozenset(state.get("breached", ()))
	warned = frozenset(state.get("warned", ()))
	return sweep_rules.ClockState(deadlines=d, milestones=m, breached=breached, warned=warned)


def _row(name: str, now: datetime, state: dict, grade: rules.Grade, people: dict, settings) -> tuple:
	clock_state = _clocks(state, grade)
	d, breached, warned = clock_state.deadlines, clock_state.breached, clock_state.warned
	values = {
		"name": name,
		"creation": now,
		"modified": now,
		"owner": "Administrator",
		"modified_by": "Administrator",
		"docstatus": 0,
		"naming_series": "CMP-.YYYY.-.#####",
		"customer_name": f"Bench customer {name}",
		"contact_phone": f"+86-139{abs(hash(name)) % 10**8:08d}",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": grade.name,
		"original_grade": grade.name,
		"status": state["status"],
		"description": "Seeded by the deadline sweep benchmark.",
		"transferred_on": state.get("transferred_on"),
		"transfer_due": d.transfer_due,
		"first_reply_due": d.first_reply_due,
		"close_due": d.close_due,
		"return_visit_due": None,
		"repeat_periods_issued": 0,
		"escalation_count": 0,
		"next_check_at": sweep_rules.next_check_at(clock_state, settings),
		**{f"{frappe.scrub(c)}_breached": int(c in breached) for c in DUE_KINDS},
		**{f"{frappe.scrub(c)}_warned": int(c in warned) for c in DUE_KINDS},
		**people,
		**{k: v for k, v in state.items() if k in ("received_on", "acknowledged_on", "first_replied_on")},
	}
	if state["status"] == "Registered":
		values.update(department=None, receiver=None)
	return tuple(values.get(f) for f in FIELDS)


def _due_state(kind: str, due: datetime, grade: rules.Grade) -> dict:
	"""A complaint whose `kind` clock falls due at `due` (warnings already sent)."""
	warned = set(DUE_KINDS)
	if kind == "Transfer":
		received = due - timedelta(hours=grade.transfer_hours)
		return {"status": "Registered", "received_on": received, "warned": warned}
	if kind == "First Reply":
		ack = due - timedelta(hours=grade.first_reply_hours)
		received = ack - timedelta(hours=grade.transfer_hours / 2)
		return {"status": "Acknowledged", "received_on": received, "transferred_on": received,
			"acknowledged_on": ack, "warned": warned}  # fmt: skip
	received = due - timedelta(hours=grade.close_hours)
	ack = received + timedelta(hours=grade.transfer_hours / 2)
	return {"status": "Replied", "received_on": received, "transferred_on": received, "acknowledged_on": ack,
		"first_replied_on": ack + timedelta(hours=grade.first_reply_hours / 2), "warned": warned}  # fmt: skip


def _idle_state(
	rnd: random.Random, now: datetime, grade: rules.Grade, settings, quiet_until: datetime
) -> dict:
	"""An open complaint with nothing due before `quiet_until` (a realistic spread of states)."""
	state = _random_state(rnd, now, grade)
	check_at = sweep_rules.next_check_at(_clocks(state, grade), settings)
	if check_at is not None and check_at <= quiet_until:
		return _random_state(rnd, now, grade, overdue=True)
	return state


def _random_state(rnd: random.Random, now: datetime, grade: rules.Grade, overdue: bool = False) -> dict:
	pick = 1.0 if overdue else rnd.random()
	if pick < 0.25:  # just registered: the transfer warning lies ahead
		received = now - timedelta(hours=rnd.uniform(0, max(grade.transfer_hours * 0.8 - 1.5, 0)))
		return {"status": "Registered", "received_on": received}
	if pick < 0.5:  # acknowledged: the first-reply clock runs
		ack = now - timedelta(hours=rnd.uniform(0, max(grade.first_reply_hours * 0.8 - 1.5, 0)))
		received = ack - timedelta(hours=grade.transfer_hours / 2)
		return {"status": "Acknowledged", "received_on": received, "transferred_on": received,
			"acknowledged_on": ack, "warned": {"Transfer"}}  # fmt: skip
	if pick < 0.85:  # replied: only the closing clock runs
		received = now - timedelta(hours=rnd.uniform(0, max(grade.close_hours * 0.8 - 1.5, 0)))
		ack = received + timedelta(hours=grade.transfer_hours / 2)
		return {"status": "Replied", "received_on": received, "transferred_on": received, "acknowledged_on": ack,
			"first_replied_on": ack + timedelta(minutes=30)}  # fmt: skip
	# long overdue: the close breach is issued, the next monthly repeat lies ahead
	received = now - timedelta(hours=grade.close_hours) - timedelta(days=rnd.uniform(0.1, 29))
	ack = received + timedelta(hours=grade.transfer_hours / 2)
	return {"status": "Replied", "received_on": received, "transferred_on": received, "acknowledged_on": ack,
		"first_replied_on": ack + timedelta(minutes=30), "breached": {"Close"}, "warned": set(DUE_KINDS)}  # fmt: skip


def seed(
	prefix: str,
	count: int,
	*,
	now: datetime,
	due: int = 0,
	due_window: timedelta = timedelta(minutes=10),
	department: str,
	receiver: str | None = None,
	specialist: str | None = None,
	seed_value: int = 7,
) -> int:
	"""Bulk-insert `count` open complaints; the first `due` have one breach due in (now, now + due_window]
	(a mix of Transfer, First Reply and Close), the others nothing due before now + 1 hour. Commits."""
	rnd = random.Random(seed_value)
	grades = adapters.all_grades()
	settings = deadlines.sweep_settings()
	people = {"department": department, "receiver": receiver, "specialist": specialist}

	def rows():
		for i in range(count):
			grade = grades[rnd.choice(GRADES)]
			if i < due:
				at = now + timedelta(seconds=rnd.uniform(1, due_window.total_seconds()))
				state = _due_state(DUE_KINDS[i % 3], at, grade)
			else:
				state = _idle_state(rnd, now, grade, settings, now + due_window + timedelta(minutes=30))
			yield _row(f"{prefix}-{i:06d}", now, state, grade, people, settings)

	insert("Complaint", FIELDS, rows())  # commits every chunk: the rows must be visible to other processes
	return count


def copy(source: str, target: str, count: int, chunk: int = 50_000) -> int:
	"""`count` more open complaints, copies of the rows named `source`-NNNNNN (cycled) renamed `target`[k]-NNNNNN:
	INSERT ... SELECT inside the database, one commit per `chunk` rows (the Python seeding generates about 500
	rows a second on a loaded machine; a copy is ~100 times faster). Commits."""
	c, src = frappe.qb.DocType("Complaint"), frappe.qb.Table("tabComplaint").as_("src")
	available = frappe.db.count("Complaint", {"name": ("like", f"{source}-%")})
	copied, round_ = 0, 0
	while copied < count:
		offset = 0
		while offset < available and copied < count:
			n = min(chunk, available - offset, count - copied)
			renamed = Concat(f"{target}{round_}-", Substring(src.name, len(source) + 2, 40))
			select = (
				frappe.qb.from_(src)
				.select(renamed, *(src[f] for f in FIELDS[1:]))
				.where(src.name.like(f"{source}-%"))
				.orderby(src.name)
				.limit(n)
				.offset(offset)
			)
			frappe.qb.into(c).columns(*FIELDS).from_(select.as_("copied")).select("*").run()
			frappe.db.commit()  # nosemgrep -- a seeding script: one transaction per chunk
			offset, copied = offset + n, copied + n
		round_ += 1
	return copied


def cleanup(prefix: str) -> None:
	"""Delete the seeded complaints (names starting with `prefix`) and everything the sweep made for them, by
	primary key (``delete_names``: safe next to other test runs on the same site). Commits."""
	like = ("like", f"{prefix}%")
	notices = frappe.get_all("Complaint Penalty Notice", filters={"complaint": like}, pluck="name")
	logs = frappe.get_all("Notification Log", filters={"document_name": like}, pluck="name")
	for start in range(0, len(notices), 5000):
		chunk = notices[start : start + 5000]
		logs += frappe.get_all("Notification Log", filters={"document_name": ("in", chunk)}, pluck="name")
	delete_names("Notification Log", logs)
	delete_names("Complaint Penalty Notice", notices)
	versions = frappe.get_all("Version", filters={"ref_doctype": "Complaint", "docname": like}, pluck="name")
	delete_names("Version", versions)
	delete_names("Error Log", frappe.get_all("Error Log", filters={"reference_name": like}, pluck="name"))
	for child in ("Complaint Escalation", "Complaint Reply", "Complaint Pause"):
		rows = frappe.get_all(child, filters={"parent": like, "parenttype": "Complaint"}, pluck="name")
		delete_names(child, rows)
	while names := frappe.get_all("Complaint", filters={"name": like}, pluck="name", limit=50_000):
		delete_names("Complaint", names)
