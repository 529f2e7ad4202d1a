"""Demo data for trying the app: departments with users and ~50 complaints across every status.

Run it with ``bench --site SITE execute complaint_mgmt.setup.demo.make_demo_data`` (``scripts/demo`` does). Not run on
install. It goes through the real actions of ``complaint_mgmt.api`` as the right users, with the clock set back to
each step's moment (freezegun, a Frappe dev dependency) so the timestamps and deadlines look like real history.
Running it twice does nothing the second time.
"""

import random
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta

import frappe
from frappe.utils import now_datetime

from complaint_mgmt.engine import deadlines
from complaint_mgmt.loop import actions
from complaint_mgmt.outputs import weekly
from complaint_mgmt.setup import seed

PASSWORD = "Complaint#Demo2026"
DOMAIN = "demo.example.com"
DEPARTMENTS = ("Sales", "Marketing", "Finance", "Service Station", "General Administration")
CUSTOMERS = (
	"王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄勇", "周杰", "吴芳",
	"Acme Trading Co.", "Li Ming", "Zhao Lei", "Sun Mei", "Harbor Logistics",
)  # fmt: skip
STORIES = (
	("Product Quality", "The car's air conditioning failed twice within a week of delivery.", "Free repair"),
	(
		"After-sales Service",
		"The service station kept the car five days longer than promised.",
		"Compensation",
	),
	("Billing and Price", "Invoice shows a higher price than the signed contract.", "Refund of difference"),
	("Delivery", "Delivery came three days late and nobody called.", "Apology and discount"),
	("Staff Attitude", "Sales adviser was rude when asked about financing terms.", "Apology"),
	("Sales Service", "Promised accessories were missing at handover.", "Deliver accessories"),
	(
		"Policy Misunderstanding",
		"Customer expects free lifetime maintenance not covered by policy.",
		"Free service",
	),
)
# status to reach -> share of the demo complaints
TARGETS = (
	("Registered", 5),
	("Transferred", 5),
	("Acknowledged", 5),
	("Replied", 6),
	("Close Requested", 5),
	("Return Visited", 4),
	("Closed", 12),
	("Deferral Requested", 2),
	("Deferred", 3),
	("Waiting on Customer", 3),
)


CUSTOMER = f"customer@{DOMAIN}"
# the demo customer's complaints (status to reach): one being handled, one waiting for their survey, one closed
CUSTOMER_TARGETS = ("Replied", "Close Requested", "Closed")
LATE_DAYS = (0, 2, 3)  # days of last week on which a complaint is transferred and never acknowledged


def load() -> None:
	"""scripts/demo's command: the demo data, one line of output (bench execute prints a result)."""
	make_demo_data()


def make_demo_data(count: int = 50) -> dict:
	set_money_format()  # also on a site whose demo data is already loaded
	if frappe.db.exists("User", f"specialist@{DOMAIN}"):
		print("Demo data is already loaded.")
		return {"complaints": 0}
	complete_setup_wizard()
	seed.seed_all()
	people = make_people()
	rng = random.Random(2026)
	plan = [status for status, share in TARGETS for _ in range(share)]
	plan = (plan * (count // len(plan) + 1))[:count]
	rng.shuffle(plan)
	start = now_datetime() - timedelta(days=30)
	made = 0
	for i, target in enumerate(plan):
		received = start + timedelta(hours=i * 13 + rng.randint(0, 6), minutes=rng.randint(0, 59))
		make_complaint(rng, people, target, min(received, now_datetime() - timedelta(hours=1)))
		made += 1
	made += len(make_late_complaints(rng, people))
	made += len(make_customer_complaints(rng, people))
	frappe.set_user("Administrator")
	# a bench command, not a request: the demo data must persist
	frappe.db.commit()  # nosemgrep
	# the late ones get their penalty notices and escalations, dated as they fell
	notices = sweep_history(start)
	bulletin = weekly.make_penalty_bulletin()  # last week's draft bulletin, for the general manager to sign
	# a bench command, not a request: the demo data must persist
	frappe.db.commit()  # nosemgrep
	print(f"Loaded {made} demo complaints; {notices} penalty notices; bulletin {bulletin}.")
	return {"complaints": made, "notices": notices, "bulletin": bulletin}


def make_late_complaints(rng: random.Random, people: dict) -> list[str]:
	"""Complaints received last week, transferred and never acknowledged: their Transfer breaches fall inside last
	week, so the penalty bulletin the general manager signs has content."""
	week = datetime.combine(weekly.previous_week_start(), datetime.min.time())
	return [
		make_complaint(rng, people, "Transferred", week + timedelta(days=day, hours=10), story=STORIES[i])
		for i, day in enumerate(LATE_DAYS)
	]


def make_customer_complaints(rng: random.Random, people: dict) -> list[str]:
	"""The demo customer's complaints, in their /my-complaints (the contact address proved, as the mailed link
	does: loop/portal_identity.py) with the department's replies shown to them."""
	if not frappe.db.exists("User", CUSTOMER):
		user = frappe.get_doc(
			{"doctype": "User", "email": CUSTOMER, "first_name": "Demo Customer", "user_type": "Website User",
			 "send_welcome_email": 0, "new_password": PASSWORD}
		)  # fmt: skip
		user.flags.no_welcome_mail = True
		user.insert(ignore_permissions=True)  # bench command run as Administrator
	names = []
	for i, target in enumerate(CUSTOMER_TARGETS):
		received = now_datetime() - timedelta(days=6 - 2 * i, hours=3)
		name = make_complaint(rng, people, target, received, story=STORIES[i], customer=CUSTOMER)
		replies = frappe.get_all("Complaint Reply", filters={"parent": name}, pluck="name")
		for reply in replies:
			frappe.db.set_value("Complaint Reply", reply, "visible_to_customer", 1, update_modified=False)
		names.append(name)
	return names


def sweep_history(start: datetime) -> int:
	"""The deadline sweep as it would have run on the demo's past: once a day from `start`, then now; each
	notice is issued on the day its deadline was missed. Returns the number of notices."""
	notices, moment = 0, start.replace(hour=20, minute=0, second=0, microsecond=0)
	while moment < now_datetime():
		notices += deadlines.run_sweep(moment)["notices"]
		moment += timedelta(days=1)
	return notices + deadlines.run_sweep()["notices"]


def logins() -> list[tuple[str, str]]:
	"""(role, login) of every demo user, Administrator first; the password of all but Administrator: PASSWORD."""
	rows = [("System Manager", "Administrator")]
	for user in frappe.get_all(
		"User", filters={"name": ("like", f"%@{DOMAIN}")}, pluck="name", order_by="name"
	):
		roles = frappe.get_roles(user)
		if "System Manager" in roles:  # the setup wizard's administrator: every role
			rows.append(("System Manager", user))
			continue
		roles = [r for r in roles if r.startswith("Complaint ")]
		rows.append((", ".join(sorted(roles)) or "Customer (website)", user))
	return sorted(rows, key=lambda row: (row[0] != "System Manager", row[0], row[1]))


def print_logins() -> None:
	"""The table of demo logins (scripts/demo prints it once the site answers)."""
	rows = [("Role", "Login", "Password")]
	rows += [(role, user, "admin" if user == "Administrator" else PASSWORD) for role, user in logins()]
	widths = [max(len(row[i]) for row in rows) for i in range(3)]
	for row in rows:
		print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def complete_setup_wizard() -> None:
	"""A new site sends every user but Administrator to the setup wizard: answer it for a Chinese company."""
	if frappe.db.get_single_value("System Settings", "setup_complete"):
		return
	from frappe.desk.page.setup_wizard.setup_wizard import setup_complete

	setup_complete(
		{
			"language": "English",
			"country": "China",
			"timezone": "Asia/Shanghai",
			"currency": "CNY",
			"full_name": "Demo Administrator",
			"email": f"admin@{DOMAIN}",
			"password": PASSWORD,
		}
	)
	set_money_format()


CURRENCY = "CNY"
NUMBER_FORMAT = "#,###.##"


def set_money_format() -> None:
	"""Amounts in yuan, as 1,234.50. ERPNext sets the currency per company; on plain Frappe a Currency field
	without options takes the global default "currency" (unset, the desk falls back to the first Currency
	record, the UAE dirham "د.إ"). The number format is a System Settings field (saved, it becomes the default
	of the same name). Idempotent: changes only what differs, then drops the cached boot info."""
	changed = False
	currency = frappe.db.get_value("Currency", CURRENCY, ["enabled", "symbol"], as_dict=True)
	if currency and (not currency.enabled or not currency.symbol):
		frappe.db.set_value("Currency", CURRENCY, {"enabled": 1, "symbol": currency.symbol or "¥"})
		changed = True
	if frappe.db.get_default("currency") != CURRENCY:
		frappe.db.set_default("currency", CURRENCY)
		changed = True
	if frappe.db.get_single_value("System Settings", "number_format") != NUMBER_FORMAT:
		frappe.db.set_single_value("System Settings", "number_format", NUMBER_FORMAT)
		changed = True
	if frappe.db.get_default("number_format") != NUMBER_FORMAT:
		frappe.db.set_default("number_format", NUMBER_FORMAT)
		changed = True
	if changed:
		frappe.clear_cache()  # sysdefaults are part of every user's cached boot info


def make_people() -> dict:
	def user(local: str, name: str, *roles: str) -> str:
		email = f"{local}@{DOMAIN}"
		if not frappe.db.exists("User", email):
			doc = frappe.get_doc(
				{"doctype": "User", "email": email, "first_name": name, "send_welcome_email": 0,
				 "new_password": PASSWORD}
			)  # fmt: skip
			doc.flags.no_welcome_mail = True
			doc.insert(ignore_permissions=True)  # bench command run as Administrator
		frappe.get_doc("User", email).add_roles(*roles)
		return email

	people = {
		"specialist": user("specialist", "Service Specialist", "Complaint Specialist"),
		"manager": user("cs.manager", "Service Center Head", "Complaint Manager"),
		# the compensation tier up to 2,000 (spec §6) approves the closures that grant compensation
		"store_manager": user("store.manager", "Store Manager", "Complaint Store Manager"),
		"director": user("service.director", "Service Director", "Complaint Service Director"),
		"gm": user("gm", "General Manager", "Complaint Bulletin Approver"),
		"executor": user("finance.exec", "Penalty Executor", "Complaint Penalty Executor"),
		"departments": {},
	}
	center = frappe.get_doc("Complaint Department", {"is_service_center": 1})
	center.manager = people["manager"]
	for email in (people["specialist"], people["manager"]):
		if not any(m.user == email for m in center.members):
			center.append("members", {"user": email})
	center.save(ignore_permissions=True)  # bench command run as Administrator
	for name in DEPARTMENTS:
		slug = name.lower().replace(" ", ".")
		handler = user(f"{slug}.handler", f"{name} Handler", "Complaint Handler")
		manager = user(f"{slug}.manager", f"{name} Manager", "Complaint Department Manager")
		if not frappe.db.exists("Complaint Department", name):
			frappe.get_doc(
				{"doctype": "Complaint Department", "department_name": name, "manager": manager,
				 "members": [{"user": handler}, {"user": manager}],
				 "receivers": [{"user": handler, "is_default": 1}]}
			).insert(ignore_permissions=True)  # fmt: skip  # bench command run as Administrator
		people["departments"][name] = {"handler": handler, "manager": manager}
	return people


@contextmanager
def at(moment: datetime):
	"""Run an action as if it happened at `moment` (freezegun when available)."""
	try:
		from freezegun import freeze_time
	except ImportError:  # production bench without dev dependencies: actions get today's timestamps
		freeze_time = None
	with freeze_time(moment) if freeze_time else nullcontext():
		yield


def make_complaint(
	rng: random.Random,
	people: dict,
	target: str,
	received: datetime,
	story: tuple | None = None,
	customer: str | None = None,
) -> str:
	category, description, request = story or rng.choice(STORIES)
	irrational = category == "Policy Misunderstanding"
	grade = "Irrational" if irrational else rng.choice(("General", "General", "Medium", "Strong"))
	department = rng.choice(DEPARTMENTS)
	handler = people["departments"][department]["handler"]
	channel = rng.choice(("Phone", "Hotline", "Walk-in", "E-mail", "Web", "Media", "Consumer Association"))
	frappe.set_user(people["specialist"])
	with at(received + timedelta(minutes=5)):
		doc = frappe.get_doc(
			{
				"doctype": "Complaint",
				"customer_name": "Demo Customer" if customer else rng.choice(CUSTOMERS),
				"contact_phone": f"+86-138{rng.randint(10000000, 99999999)}",
				"channel": channel,
				"category": category,
				"grade": grade,
				"received_on": received,
				"description": description,
				"customer_request": request,
				"claim_amount": rng.choice((0, 0, 100, 500, 1500, 3000)),
				"follow_up_mode": "Watch" if irrational else None,
				"irrational_reason": "Expects more than the policy grants." if irrational else None,
				"contact_email": customer,
			}
		).insert()
	if customer:  # the address proved by its user (what following the mailed link sets)
		frappe.db.set_value("Complaint", doc.name, "contact_verified_by", customer, update_modified=False)
	if target == "Registered":
		return doc.name
	t = received + timedelta(hours=rng.uniform(0.2, 3))

	def step(user: str, fn, *args, hours: float = 2.0, **kwargs):
		nonlocal t
		frappe.set_user(user)
		with at(min(t, now_datetime() - timedelta(minutes=1))):
			fn(doc.name, *args, **kwargs)
		t += timedelta(hours=rng.uniform(0.5, hours))

	step(people["specialist"], actions.transfer, department, note="Please handle with priority.")
	if target == "Transferred":
		return doc.name
	step(handler, actions.acknowledge, hours=6)
	if target == "Acknowledged":
		return doc.name
	if target == "Waiting on Customer":
		step(handler, actions.reply, "Called the customer; waiting for the vehicle documents.")
		step(handler, actions.pause, "Customer is sending the documents.")
		return doc.name
	if target in ("Deferral Requested", "Deferred"):
		step(handler, actions.reply, "The customer insists on terms we cannot grant.")
		step(handler, actions.request_deferral, "Needs a policy decision; cannot close in the short term.")
		if target == "Deferred":
			step(people["specialist"], actions.approve_deferral, rng.choice(("Watch", "Monitor")))
		return doc.name
	step(handler, actions.reply, "We inspected the case and contacted the customer.", hours=30)
	if target == "Replied":
		return doc.name
	compensation = rng.choice((0, 0, 200, 1800))
	step(
		handler,
		actions.request_close,
		"Repaired and compensated as agreed with the customer.",
		"Supplier batch with a faulty part; the incoming inspection did not cover it.",
		"Added the part to the incoming inspection checklist and replaced the batch at the supplier.",
		compensation_amount=compensation,
		hours=8,
	)
	if target == "Close Requested":
		return doc.name
	step(people["specialist"], actions.record_return_visit, 1, "Customer confirmed the repair.")
	if target == "Return Visited":
		return doc.name
	step(people["store_manager"] if compensation else people["manager"], actions.approve_close)
	return doc.name
