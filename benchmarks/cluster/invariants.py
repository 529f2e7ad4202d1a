"""The invariant checker run after each fault drill (issue 20 §5): what no crash, cut link, restart or restore may
break. ``invariant_violations(site)`` returns one dict per violation ({"kind", "name", "detail"}), [] when clean:

- ``duplicate_notice``: a breach (complaint, breach type, period) with more than one submitted penalty notice;
- ``missing_notice``: a breach recorded on the complaint (its breach flag, or a monthly period counted in
  ``repeat_periods_issued``) without a notice;
- ``orphan_notice``: a submitted notice whose complaint is gone or does not record that breach;
- ``stale_deadlines``: an open complaint whose stored deadlines or next check differ from what the controller
  computes from its history (its milestones, grade, pauses and the settings: the pure procedure, as a save does);
- ``unswept``: with ``settled_by``, an open complaint with a clock event due by that instant still unhandled;
- ``lost_record``: a transfer record, step or reply of the ``snapshot(site)`` taken before the drill, gone;
- ``half_written``: a complaint whose status is not what its last step leads to, or whose Transfer steps and
  transfer records differ in number (a step without its status change, or the reverse).

``prefix`` narrows every check to the complaints named ``<prefix>...`` (and their notices and rows). The checks
read in bulk (a few queries per 1,000 complaints). Run in-process (connected to `site` or connecting to it), or
``python benchmarks/cluster/invariants.py SITE snapshot|check [--before FILE] [--prefix P] [--settled-by T]``
from the bench's sites folder: one JSON line.
"""

import argparse
import contextlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

CHUNK = 1000
RECORDS = {
	"transfer_records": "Complaint Transfer Record",
	"steps": "Complaint Step",
	"replies": "Complaint Reply",
}


@contextlib.contextmanager
def connected(site: str | None):
	"""Frappe connected to `site` (the current connection when it is that site already); True when this opened
	the connection."""
	import frappe

	if getattr(frappe.local, "db", None) and (site is None or frappe.local.site == site):
		yield False  # the caller's connection and transaction (a site test's, rolled back)
		return
	frappe.init(site=site, sites_path=".")
	frappe.connect()
	try:
		yield True
	finally:
		frappe.destroy()


def _like(prefix: str | None) -> tuple | None:
	return ("like", f"{prefix}%") if prefix else None


def _filters(field: str, prefix: str | None, **more) -> dict:
	return {**({field: _like(prefix)} if prefix else {}), **more}


def snapshot(site: str | None = None, prefix: str | None = None) -> dict:
	"""The names of every transfer record, step and reply (of the complaints named `prefix`...): what a drill
	must not lose."""
	import frappe

	with connected(site):
		out = {}
		for key, doctype in RECORDS.items():
			field = "complaint" if key == "transfer_records" else "parent"
			out[key] = sorted(frappe.get_all(doctype, filters=_filters(field, prefix), pluck="name"))
		return out


def invariant_violations(
	site: str | None = None, before: dict | None = None, prefix: str | None = None, settled_by=None
) -> list[dict]:
	"""Every violated invariant (see the module's docstring); [] on a clean site."""
	import frappe

	with connected(site) as own:
		if own:
			frappe.db.rollback()  # a fresh read of what is committed
		out: list[dict] = []
		out += notice_violations(prefix)
		out += state_violations(prefix, settled_by)
		out += step_violations(prefix)
		if before is not None:
			out += lost_records(before, snapshot(site, prefix))
		return out


def violation(kind: str, name: str, detail: str) -> dict:
	return {"kind": kind, "name": name, "detail": detail}


def notice_violations(prefix: str | None) -> list[dict]:
	"""Exactly one notice per breach recorded on its complaint, none without one."""
	import frappe

	from complaint_mgmt.procedure import clocks, sweep_rules

	flags = {flag: clock for clock, flag in clocks.BREACH_FLAGS.items()}
	notices = frappe.get_all(
		"Complaint Penalty Notice",
		filters=_filters("complaint", prefix, docstatus=("!=", 0)),
		fields=["name", "complaint", "breach_type", "period", "docstatus"],
		order_by="name asc",
	)
	breaches = Counter()  # (complaint, breach type, period) -> submitted notices
	any_notice = set()  # the same keys with a notice in any state (an annulled one was the breach's notice)
	for n in notices:
		key = (n.complaint, n.breach_type, int(n.period or 0))
		any_notice.add(key)
		breaches[key] += n.docstatus == 1
	out = [
		violation("duplicate_notice", f"{c}/{t}/{p}", f"{count} submitted notices for one breach")
		for (c, t, p), count in breaches.items()
		if count > 1
	]
	recorded = set()
	for row in frappe.get_all(
		"Complaint",
		filters=_filters("name", prefix),
		fields=["name", "repeat_periods_issued", *flags],
		order_by="name asc",
	):
		for flag, clock in flags.items():
			if row[flag]:
				recorded.add((row.name, clock, 0))
		for period in range(1, int(row.repeat_periods_issued or 0) + 1):
			recorded.add((row.name, sweep_rules.REPEAT, period))
	out += [
		violation("missing_notice", f"{c}/{t}/{p}", "the complaint records this breach, no notice does")
		for (c, t, p) in sorted(recorded - any_notice)
	]
	out += [
		violation(
			"orphan_notice", f"{c}/{t}/{p}", "a submitted notice of a breach its complaint does not record"
		)
		for (c, t, p), count in sorted(breaches.items())
		if count and (c, t, p) not in recorded
	]
	return out


def _open_complaints(prefix: str | None):
	"""The open complaints as documents, CHUNK at a time, with the child tables the clocks read (pauses,
	escalations), loaded in bulk like the sweep does."""
	import frappe

	from complaint_mgmt.procedure.transitions import TERMINAL_STATUSES

	after = ""
	while True:
		filters = {"name": (">", after), "status": ("not in", TERMINAL_STATUSES)}
		if prefix:
			filters = [
				["name", ">", after],
				["name", "like", f"{prefix}%"],
				["status", "not in", TERMINAL_STATUSES],
			]
		rows = frappe.get_all("Complaint", filters=filters, fields=["*"], order_by="name asc", limit=CHUNK)
		if not rows:
			return
		names = [row.name for row in rows]
		children = {name: {"pauses": [], "escalations": []} for name in names}
		for field, doctype in (("pauses", "Complaint Pause"), ("escalations", "Complaint Escalation")):
			for row in frappe.get_all(
				doctype,
				filters={"parent": ("in", names), "parenttype": "Complaint", "parentfield": field},
				fields=["*"],
				order_by="parent asc, idx asc",
			):
				children[row.parent][field].append(row)
		for row in rows:
			yield frappe.get_doc({**row, "doctype": "Complaint", **children[row.name]})
		after = names[-1]


def state_violations(prefix: str | None, settled_by=None) -> list[dict]:
	"""Stored deadlines = what the pure procedure computes from the history (notice_history.current_deadlines);
	stored next check = the controller's computation from them; with `settled_by`, nothing due by then left
	unhandled (flags, warnings, repeats)."""
	from frappe.utils import get_datetime

	from complaint_mgmt.engine import notice_why
	from complaint_mgmt.engine.state import clock_state, sweep_settings
	from complaint_mgmt.procedure import notice_history, rules, sweep_rules

	settings, rules_now = sweep_settings(), notice_why.current_rules()
	settled_by = get_datetime(settled_by) if settled_by else None
	out, chunk = [], []

	def check(docs) -> None:
		history = notice_why.histories([doc.name for doc in docs])
		for doc in docs:
			computed = {
				rules.DUE_FIELDS[clock]: due
				for clock, due in notice_history.current_deadlines(history[doc.name], rules_now).items()
			}
			stored_check = _instant(doc.next_check_at)
			doc.set_next_check_at()
			computed["next_check_at"] = doc.next_check_at
			differ = [
				c
				for c, value in computed.items()
				if _instant(doc.get(c) if c != "next_check_at" else stored_check) != _instant(value)
			]
			if differ:
				stored = {c: _instant(doc.get(c)) for c in computed} | {"next_check_at": stored_check}
				detail = ", ".join(
					f"{c}: stored {stored[c]}, computed {_instant(computed[c])}" for c in differ
				)
				out.append(violation("stale_deadlines", doc.name, detail))
			if settled_by and (due := sweep_rules.due_events(clock_state(doc), settings, settled_by)):
				detail = ", ".join(f"{e.kind} {e.clock} at {e.at}" for e in due)
				out.append(violation("unswept", doc.name, f"due by {settled_by}, not handled: {detail}"))

	for doc in _open_complaints(prefix):
		chunk.append(doc)
		if len(chunk) == CHUNK:
			check(chunk)
			chunk = []
	check(chunk)
	return out


def _instant(value):
	from frappe.utils import get_datetime

	return get_datetime(value).replace(microsecond=0) if value else None


def step_violations(prefix: str | None) -> list[dict]:
	"""A complaint's status is where its last step of the procedure leads; one transfer record per Transfer."""
	import frappe

	from complaint_mgmt.procedure.transitions import TRANSITIONS

	leads_to = defaultdict(set)
	for t in TRANSITIONS:
		leads_to[t.action].add(t.next_state)
	last, transfers = {}, Counter()
	for step in frappe.get_all(
		"Complaint Step",
		filters=_filters("parent", prefix, parenttype="Complaint", action=("in", list(leads_to))),
		fields=["parent", "action", "idx"],
		order_by="parent asc, idx asc",
	):
		last[step.parent] = step.action
		transfers[step.parent] += step.action == "Transfer"
	records = Counter(
		row.complaint
		for row in frappe.get_all(
			"Complaint Transfer Record", filters=_filters("complaint", prefix), fields=["complaint"]
		)
	)
	statuses = dict(
		frappe.get_all(
			"Complaint", filters={"name": ("in", list(last))}, fields=["name", "status"], as_list=True
		)
		if last
		else []
	)
	out = []
	for name, action in sorted(last.items()):
		if name in statuses and statuses[name] not in leads_to[action]:
			out.append(
				violation("half_written", name, f"last step {action}, but the status is {statuses[name]}")
			)
		if transfers[name] != records[name]:
			detail = f"{transfers[name]} Transfer steps, {records[name]} transfer records"
			out.append(violation("half_written", name, detail))
	return out


def lost_records(before: dict, after: dict) -> list[dict]:
	out = []
	for key in RECORDS:
		gone = sorted(set(before.get(key, ())) - set(after.get(key, ())))
		out += [violation("lost_record", name, f"{RECORDS[key]} of the snapshot is gone") for name in gone]
	return out


def main(argv: list[str]) -> dict:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("site")
	parser.add_argument("command", choices=("snapshot", "check"))
	parser.add_argument("--before", help="a snapshot's JSON file (check: no record of it lost)")
	parser.add_argument("--prefix")
	parser.add_argument("--settled-by", help="an instant by which every due clock event must be handled")
	args = parser.parse_args(argv)
	if args.command == "snapshot":
		return snapshot(args.site, args.prefix)
	before = json.loads(Path(args.before).read_text()) if args.before else None
	found = invariant_violations(args.site, before, args.prefix, args.settled_by)
	return {
		"invariant_violations": len(found),
		"kinds": dict(Counter(v["kind"] for v in found)),
		"first": found[:20],
	}


if __name__ == "__main__":
	sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the checkout: benchmarks and the app
	print(json.dumps(main(sys.argv[1:]), default=str))
