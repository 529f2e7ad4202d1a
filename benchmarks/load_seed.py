"""Data of the load benchmark, made in-process through the app's real API and committed (the web server is another
process): users of three roles, departments, complaints waiting in the departments; the exactly-once checks on
what the run wrote; and the clean-up of everything (found by the run's unique prefix).

Names: prefix ``LoadBench-<hex>``; departments ``<prefix> Dept <k>``, customers ``<prefix> customer <n>``, users
``<role><k>-<i>@<prefix>.load-bench.example.com``.
"""

import math
import secrets
import time
from collections import Counter, defaultdict
from datetime import timedelta

import frappe
from frappe.query_builder.functions import Count
from frappe.utils import now_datetime
from frappe.utils.password import update_password

from complaint_mgmt import api
from complaint_mgmt.tests.cleanup import delete_complaints
from complaint_mgmt.tests.site.factories import make_user

MARK = "LoadBench"
DOMAIN = "load-bench.example.com"
HANDLERS_PER_DEPT = 5
GOOD_ACTION = "Check every part against the drawing at goods receipt"


def settle_background_jobs(timeout: float = 300.0) -> dict:
	"""Wait until the background work of the seeding is done, when workers run it: Frappe enqueues a contact and
	a gravatar job for every new user (User.on_update), which on a bench with workers (the cluster's worker
	hosts) would otherwise run during the timed load and be measured as the desk's cost. A site's users exist
	long before its desk load; so here. Without workers (the bench's own gunicorn only) nothing runs them: no
	wait. Returns the workers seen, the seconds waited and the jobs still pending after `timeout`."""
	from frappe.utils.background_jobs import get_queues, get_workers
	from rq.job import Job
	from rq.registry import StartedJobRegistry

	def ours(job) -> bool:  # this site's jobs only: other sites of the bench may have work queued
		return bool(job) and (job.kwargs or {}).get("site") == frappe.local.site

	def pending() -> int:
		count = 0
		for queue in get_queues():
			started = StartedJobRegistry(queue=queue).get_job_ids()
			jobs = queue.jobs + Job.fetch_many(started, connection=queue.connection)
			count += sum(1 for job in jobs if ours(job))
		return count

	workers, started = len(get_workers()), time.monotonic()
	left = pending() if workers else None
	while workers and left and time.monotonic() - started < timeout:
		time.sleep(1)
		left = pending()
	return {"workers": workers, "waited_s": round(time.monotonic() - started, 1), "jobs_left": left}


def new_prefix() -> str:
	return f"{MARK}-{secrets.token_hex(3)}"


def domain(prefix: str) -> str:
	return f"{prefix.lower()}.{DOMAIN}"


def split_users(count: int) -> tuple[int, int, int]:
	"""Handlers, specialists, managers for `count` simulated users (70 / 20 / 10 %, each at least one)."""
	specialists = max(1, round(count * 0.2))
	managers = max(1, round(count * 0.1))
	return max(1, count - specialists - managers), specialists, managers


def ensure_user(email: str, role: str, password: str) -> str:
	make_user(email, role)  # the tests' user factory (benchmark set-up, run as Administrator)
	update_password(email, password)
	return email


def as_user(user: str, fn, *args, **kwargs):
	previous = frappe.session.user
	frappe.set_user(user)
	try:
		return fn(*args, **kwargs)
	finally:
		frappe.set_user(previous)


def register(specialist: str, customer: str, received_on) -> str:
	values = {
		"doctype": "Complaint",
		"customer_name": customer,
		"contact_phone": "+86-138-0000-" + f"{secrets.randbelow(10000):04d}",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"description": f"{customer}: the product broke after two days.",
		"received_on": received_on,
	}
	return as_user(specialist, lambda: frappe.get_doc(values).insert().name)


def seed_complaint(specialist: str, customer: str, received, dept: str, receiver: str, prefix: str) -> str:
	"""One complaint registered and transferred to `receiver` of `dept`, committed."""
	name = register(specialist, customer, received)
	as_user(specialist, api.transfer, name, dept, receiver, f"{prefix} seeded")
	frappe.db.commit()  # one complaint at a time: a deadlock with another process repeats only this one  # nosemgrep
	return name


def retry_deadlock(fn, *args, attempts: int = 5, also: tuple = ()):
	"""`fn(*args)`, again after a rollback when the database chose it as a deadlock victim (a shared site)."""
	for attempt in range(attempts):
		try:
			return fn(*args)
		except (frappe.QueryDeadlockError, frappe.QueryTimeoutError, *also):
			frappe.db.rollback()
			if attempt == attempts - 1:
				raise
			time.sleep(min(1 + attempt, 5))


def seed(prefix: str, users: int, complaints_per_dept: int, password: str) -> dict:
	"""Users, departments and complaints for `users` simulated users; returns the plan the load generator
	follows (plain data, no frappe objects). A third of each department's complaints are long overdue (received
	30 h ago: the transfer clock is breached), so a concurrent sweep issues notices while handlers act."""
	frappe.set_user("Administrator")
	# Frappe refuses more than 60 new users a minute (throttle_user_limit): this process only may make its own
	limit = int(frappe.local.conf.get("throttle_user_limit") or 60)
	frappe.local.conf["throttle_user_limit"] = limit + 2 * users
	n_handlers, n_specialists, n_managers = split_users(users)
	n_depts = max(2, math.ceil(n_handlers / HANDLERS_PER_DEPT))
	at = domain(prefix)
	depts = [f"{prefix} Dept {k + 1}" for k in range(n_depts)]
	members: dict[str, list[str]] = {d: [] for d in depts}
	handlers = []
	for i in range(n_handlers):
		dept = depts[i % n_depts]
		user = ensure_user(f"h{i % n_depts + 1}-{i + 1}@{at}", "Complaint Handler", password)
		members[dept].append(user)
		handlers.append({"user": user, "departments": [dept]})
	for k, dept in enumerate(depts):
		if not members[dept]:  # a department nobody simulated works in: its complaints must stay invisible
			members[dept].append(ensure_user(f"idle{k + 1}@{at}", "Complaint Handler", password))
	specialists = [
		ensure_user(f"s{i + 1}@{at}", "Complaint Specialist", password) for i in range(n_specialists)
	]
	managers = [ensure_user(f"m{i + 1}@{at}", "Complaint Manager", password) for i in range(n_managers)]
	for dept in depts:
		frappe.get_doc(
			{
				"doctype": "Complaint Department",
				"department_name": dept,
				"members": [{"user": u} for u in members[dept]],
				"receivers": [{"user": u, "is_default": int(j == 0)} for j, u in enumerate(members[dept])],
			}
		).insert(ignore_permissions=True)  # benchmark set-up, run as Administrator
	frappe.db.commit()  # the users and departments, before the complaints  # nosemgrep
	now = now_datetime().replace(microsecond=0)
	complaints = {}
	n = 0
	for dept in depts:
		for j in range(complaints_per_dept):
			n += 1
			received = now - timedelta(hours=30 if j % 3 == 0 else 1)
			receiver = members[dept][j % len(members[dept])]
			args = (specialists[0], f"{prefix} customer {n}", received, dept, receiver, prefix)
			# a name of the naming series already taken (another process inserting named rows): the next one
			name = retry_deadlock(seed_complaint, *args, attempts=12, also=(frappe.DuplicateEntryError,))
			complaints[name] = dept
	frappe.db.commit()  # the web server (another process) must see the seed  # nosemgrep
	frappe.clear_cache()
	return {
		"prefix": prefix,
		"departments": {d: members[d] for d in depts},
		"handlers": handlers,
		"specialists": specialists,
		"managers": managers,
		"complaints": complaints,
		"server_clock_offset_s": 0.0,
	}


def all_users(prefix: str) -> list[str]:
	return frappe.get_all("User", {"name": ("like", f"%@{domain(prefix)}")}, pluck="name")


def run_complaints(prefix: str, users: list[str]) -> list[str]:
	"""Every complaint of the run: seeded ones (customer name) and the ones its users registered."""
	names = set(frappe.get_all("Complaint", {"customer_name": ("like", f"{prefix} %")}, pluck="name"))
	if users:
		names.update(frappe.get_all("Complaint", {"owner": ("in", users)}, pluck="name"))
	return sorted(names)


# Exactly-once checks
# -------------------


def duplicate_notices(complaints: list[str]) -> list[dict]:
	"""Penalty notices issued twice for one (complaint, clock, period)."""
	if not complaints:
		return []
	n = frappe.qb.DocType("Complaint Penalty Notice")
	return (
		frappe.qb.from_(n)
		.select(n.complaint, n.breach_type, n.period, Count("*").as_("count"))
		.where(n.complaint.isin(complaints) & (n.docstatus < 2))
		.groupby(n.complaint, n.breach_type, n.period)
		.having(Count("*") > 1)
		.run(as_dict=True)
	)


def steps_of(complaints: list[str]) -> dict[str, list[dict]]:
	rows = frappe.get_all(
		"Complaint Step",
		filters={"parenttype": "Complaint", "parent": ("in", complaints or [""])},
		fields=["parent", "idx", "action", "done_by", "done_on", "note"],
		order_by="parent asc, idx asc",
	)
	out: dict[str, list[dict]] = defaultdict(list)
	for row in rows:
		out[row.parent].append(row)
	return out


def duplicate_steps(steps: dict[str, list[dict]], tokens: list[str]) -> list[str]:
	"""Actions applied twice: an Acknowledge or Request Close repeated within one transfer round (no Transfer
	or Reject Close between them), or a request's unique text (reply, transfer note) logged more than once."""
	found = []
	for complaint, rows in steps.items():
		seen: Counter = Counter()
		for row in rows:
			if row.action == "Transfer":
				seen.clear()
			elif row.action == "Reject Close":
				seen.pop("Request Close", None)
			elif row.action in ("Acknowledge", "Request Close"):
				seen[row.action] += 1
				if seen[row.action] > 1:
					found.append(f"{complaint}: {row.action} twice in one round (step {row.idx})")
	notes = Counter(
		token for rows in steps.values() for row in rows for token in tokens if token in (row.note or "")
	)
	found += [f"request {token} logged {count} times" for token, count in notes.items() if count > 1]
	return found


def unmatched_steps(steps: dict[str, list[dict]], successes: Counter, users: set[str], since) -> list[str]:
	"""(complaint, action) pairs whose step rows written by the run's users differ from the requests the server
	answered with success: more rows = applied without being confirmed, fewer = confirmed but not logged."""
	logged: Counter = Counter()
	for complaint, rows in steps.items():
		for row in rows:
			if row.done_by in users and row.done_on >= since:
				logged[(complaint, row.action)] += 1
	return [
		f"{key[0]} {key[1]}: {logged[key]} logged, {successes[key]} confirmed"
		for key in set(logged) | set(successes)
		if logged[key] != successes[key]
	]


# Clean-up
# --------


def cleanup(prefix: str, attempts: int = 5) -> dict:
	"""Remove the run's complaints (and every row pointing at them), departments and users; committed. A
	deadlock with another process working on the same tables is retried."""
	return retry_deadlock(_cleanup, prefix, attempts=attempts)


def _cleanup(prefix: str) -> dict:
	frappe.db.rollback()
	frappe.set_user("Administrator")
	users = all_users(prefix)
	names = run_complaints(prefix, users)
	delete_complaints(names)
	depts = frappe.get_all("Complaint Department", {"name": ("like", f"{prefix} Dept %")}, pluck="name")
	if depts:
		for child in ("Complaint Department Member", "Complaint Department Receiver"):
			frappe.db.delete(child, {"parenttype": "Complaint Department", "parent": ("in", depts)})
		frappe.db.delete("Complaint Department", {"name": ("in", depts)})
	delete_users(users)
	if users:
		for doctype, column in (
			("Activity Log", "user"),
			("Sessions", "user"),
			("Access Log", "user"),
			("Route History", "user"),
			("Notification Log", "for_user"),
			("Notification Log", "from_user"),
			("Version", "owner"),
			("Comment", "owner"),
		):
			frappe.db.delete(doctype, {column: ("in", users)})
	frappe.db.commit()  # the benchmark leaves nothing behind  # nosemgrep
	frappe.cache.delete_value("complaint_mgmt:user_departments")
	frappe.clear_cache()
	return {"complaints": len(names), "departments": len(depts), "users": len(users)}


def delete_users(users: list[str]) -> None:
	"""Delete the run's users, also on a site whose only System Manager is Administrator.

	Frappe's User.on_trash refuses to delete *any* user while no enabled System Manager other than
	Administrator and the user itself exists (``a_system_manager_should_exist``: Administrator is not
	counted), so on a fresh site no user could go. The run's users never hold the System Manager role, so
	deleting them cannot remove the last one: for them that check is lifted, the rest of Frappe's on_trash (the
	user's ToDos, shares, notification settings, sessions...) and on_change run as in ``frappe.delete_doc``,
	which then deletes the rows. A user who does hold the role goes through Frappe's own path, check included.
	"""
	for user in users:
		doc = frappe.get_doc("User", user)
		if any(row.role == "System Manager" for row in doc.roles):
			frappe.delete_doc("User", user, ignore_permissions=True, force=True, delete_permanently=True)
			continue
		doc.a_system_manager_should_exist = lambda: None  # this user is no System Manager (see above)
		doc.run_method("on_trash")
		doc.flags.in_delete = True
		doc.run_method("on_change")
		frappe.delete_doc(
			"User",
			user,
			ignore_permissions=True,  # benchmark clean-up, run as Administrator
			force=True,
			delete_permanently=True,
			ignore_on_trash=True,  # run just above, on this document
		)


def left_behind(prefix: str) -> int:
	return (
		len(all_users(prefix))
		+ frappe.db.count("Complaint", {"customer_name": ("like", f"{prefix} %")})
		+ frappe.db.count("Complaint Department", {"name": ("like", f"{prefix} Dept %")})
	)
