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
		make_complaint(rng, people, target, received)
		made += 1
	frappe.set_user("Administrator")
	# a bench command, not a request: the demo data must persist
	frappe.db.commit()  # nosemgrep
	sweep = deadlines.run_sweep()  # the late ones get their penalty notices and escalations now
	bulletin = weekly.make_penalty_bulletin()  # last week's draft bulletin, for the general manager to sign
	# a bench command, not a request: the demo data must persist
	frappe.db.commit()  # nosemgrep
	print(f"Loaded {made} demo complaints; {sweep['notices']} penalty notices; bulletin {bulletin}.")
	return {"complaints": made, "notices": sweep["notices"], "bulletin": bulletin}


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


def make_complaint(rng: random.Random, people: dict, target: str, received: datetime) -> str:
	category, description, request = rng.choice(STORIES)
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
				"customer_name": rng.choice(CUSTOMERS),
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
			}
		).insert()
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
