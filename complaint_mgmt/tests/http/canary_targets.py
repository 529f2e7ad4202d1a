"""What the canary matrix aims at: the protected doctypes, department B's record of each, the filters, fields and
texts that target B's canaries (and their twins that match nothing), and the state of B's rows before and after.

Every value is resolved from the seeded database at run time (``Targets.load``): B's record of a doctype is the
row that points at B's open complaint (``B_LINK``), so a name argument always names a real row of B.
"""

import json
from dataclasses import dataclass, field

import frappe

from complaint_mgmt.tests.http.probe import forbidden as probe_forbidden
from complaint_mgmt.tests.http.probe import snapshot

APP_DOCTYPES = (
	"Complaint",
	"Complaint Transfer Record",
	"Complaint Penalty Notice",
	"Complaint Reply",
	"Complaint Step",
	"Complaint Escalation",
	"Complaint Pause",
	"Complaint Action Review",  # issue 18 §3: B's review carries its root cause (seed.B_REVIEW_CAUSE)
	"Complaint Penalty Appeal",  # issue 18 §2: B's appeal carries its reason (seed.B_APPEAL)
	"Complaint Survey",  # issue 19 §10: B's customer's survey carries its comment (seed.B_SURVEY)
)
CHILD_FIELDS = {  # child doctype -> the parent's table field
	"Complaint Reply": "replies",
	"Complaint Step": "steps",
	"Complaint Escalation": "escalations",
	"Complaint Pause": "pauses",
}
# Frappe's rows that can carry a complaint's data: doctype -> (doctype-of-reference field, name field)
FRAPPE_ROWS = {
	"ToDo": ("reference_type", "reference_name"),
	"Comment": ("reference_doctype", "reference_name"),
	"Communication": ("reference_doctype", "reference_name"),
	"File": ("attached_to_doctype", "attached_to_name"),
	"Version": ("ref_doctype", "docname"),
	"Workflow Action": ("reference_doctype", "reference_name"),
	"Notification Log": ("document_type", "document_name"),
	"DocShare": ("share_doctype", "share_name"),
	"Tag Link": ("document_type", "document_name"),
	"Activity Log": ("reference_doctype", "reference_name"),
	"Access Log": ("export_from", "reference_document"),
	"Deleted Document": ("deleted_doctype", "deleted_name"),
	"Email Queue": ("reference_doctype", "reference_name"),
	"Document Follow": ("ref_doctype", "ref_docname"),
	"Email Unsubscribe": ("reference_doctype", "reference_name"),
}
PROTECTED = (*APP_DOCTYPES, *FRAPPE_ROWS)
COMPLAINT_FAMILY = APP_DOCTYPES  # the doctypes every role is probed with (the others: see test_canary_matrix)

# doctype -> (field, operator, canary value, value that matches nothing): the filter and the search text that
# target department B's canaries. A link filter (name of B's complaint) where the row has no canary text.
LINK = "<B>"  # replaced by the name of B's open complaint
CANARY_FILTER = {
	**{dt: (name_field, "=", LINK, "CMP-1999-99999") for dt, (_, name_field) in FRAPPE_ROWS.items()},
	"Complaint": ("customer_name", "like", "%Bcustomer-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Transfer Record": ("note", "like", "%Btnote-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Penalty Notice": ("title", "like", "%Bcustomer-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Reply": ("content", "like", "%Breply-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Step": ("note", "like", "%Btnote-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Escalation": ("reason", "like", "%Besc-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Pause": ("reason", "like", "%Bpause-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Action Review": ("root_cause", "like", "%Brcause-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Penalty Appeal": ("reason", "like", "%Bappeal-ZQX%", "%Bnope-NOTHING%"),
	"Complaint Survey": ("comment", "like", "%Bsurvey-ZQX%", "%Bnope-NOTHING%"),
	"Communication": ("content", "like", "%Bcomm-ZQX%", "%Bnope-NOTHING%"),
	"File": ("file_name", "like", "%bfile-zqx%", "%bnope-nothing%"),
}
# Roles that may read B's complaint but not the contact fields (permission level 1): their canary is the phone.
CONTACT_FILTER = ("contact_phone", "like", "%7777-4242%", "%0000-0009%")
CONTACT_BLIND = ("executor", "approver")
# Roles that may learn nothing of department B: every doctype's filter is an oracle to them.
B_BLIND = ("handler_a", "deptmgr_a", "customer", "guest")
# Text canaries of this matrix beyond probe.markers_b (the transfer note is also the transfer step's note)
EXTRA_B_MARKERS = {
	"B transfer note": "Btnote-ZQX",
	"B review cause": "Brcause-ZQX",
	"B appeal reason": "Bappeal-ZQX",
	"B survey comment": "Bsurvey-ZQX",
}
HACKED = "hacked-ZQX"
PLANTED = "planted-ZQX"
# columns that follow a link into B's complaint (item 3 of issue 17)
LINK_COLUMNS = ["complaint.contact_phone", "complaint.customer_name", "complaint.description"]


def text_field(doctype: str, role: str) -> str:
	if doctype == "Complaint" and role in CONTACT_BLIND:
		return CONTACT_FILTER[0]
	return CANARY_FILTER[doctype][0]


def compared(doctype: str, role: str) -> bool:
	"""Must the canary twin and the nothing twin of a request answer alike for this role?"""
	return role in B_BLIND or (role in CONTACT_BLIND and doctype == "Complaint")


@dataclass
class Targets:
	"""Department B's rows as the seed made them (names per doctype, documents as dicts)."""

	seed: frappe._dict
	names: dict = field(default_factory=dict)  # doctype -> B's row name (or a name that does not exist)
	docs: dict = field(default_factory=dict)  # doctype -> B's row as a dict (or None)
	b_docs: dict = field(default_factory=dict)  # doctype -> every B document of that doctype (for the counts)
	markers: dict = field(default_factory=dict)  # role -> label -> regex

	@classmethod
	def load(cls, seed) -> "Targets":
		frappe.db.rollback()
		t = cls(seed)
		t.b_docs = {
			"Complaint": [seed.b_open, seed.b_transferred],
			"Complaint Transfer Record": list(seed.b_records),
			"Complaint Penalty Notice": [seed.b_notice],
			"Complaint Action Review": [seed.b_review],
			"Complaint Penalty Appeal": [seed.b_appeal],
			"Complaint Survey": [seed.b_survey],
		}
		t.names["Complaint"] = seed.b_open
		t.names["Complaint Transfer Record"] = seed.b_records[0]
		t.names["Complaint Penalty Notice"] = seed.b_notice
		t.names["Complaint Action Review"] = seed.b_review
		t.names["Complaint Penalty Appeal"] = seed.b_appeal
		t.names["Complaint Survey"] = seed.b_survey
		for child in CHILD_FIELDS:
			rows = frappe.get_all(child, {"parent": seed.b_open, "parenttype": "Complaint"}, pluck="name")
			t.names[child] = rows[0] if rows else "nope-zqx"
		for dt, (_dt_field, name_field) in FRAPPE_ROWS.items():
			rows = frappe.get_all(dt, {name_field: seed.b_open}, pluck="name", order_by="creation asc")
			t.names[dt] = rows[0] if rows else "nope-zqx"
		for dt, name in t.names.items():
			t.docs[dt] = (
				frappe.get_doc(dt, name).as_dict(convert_dates_to_str=True)
				if frappe.db.exists(dt, name)
				else None
			)
		for role in ("handler_a", "deptmgr_a", "executor", "approver", "customer", "guest"):
			found = probe_forbidden(seed, role)
			if role in B_BLIND:
				found.update(EXTRA_B_MARKERS)
			t.markers[role] = found
		return t

	# argument values
	def canary_filter(self, doctype: str, role: str, twin: bool) -> list:
		spec = CONTACT_FILTER if doctype == "Complaint" and role in CONTACT_BLIND else CANARY_FILTER[doctype]
		fieldname, op, canary, nothing = spec
		value = nothing if twin else canary
		return [[fieldname, op, self.seed.b_open if value == LINK else value]]

	def canary_text(self, doctype: str, role: str, twin: bool) -> str:
		"""A search text: the canary's prefix (B's complaint name where the canary is a link)."""
		value = self.canary_filter(doctype, role, twin)[0][2]
		return value.strip("%")

	def fields(self, doctype: str) -> list:
		if doctype in ("Complaint Transfer Record", "Complaint Penalty Notice"):
			return ["*", *LINK_COLUMNS]
		return ["*"]

	def doc(self, doctype: str) -> dict:
		"""B's row with its canary field changed (what a write endpoint is given)."""
		doc = dict(self.docs.get(doctype) or {"doctype": doctype, "name": self.names[doctype]})
		doc[CANARY_FILTER[doctype][0]] = HACKED
		return doc

	def new_row(self, doctype: str) -> dict:
		"""A new row that points at B's open complaint (what an insert endpoint is given)."""
		row = {"doctype": doctype, CANARY_FILTER[doctype][0]: PLANTED}
		if doctype in CHILD_FIELDS:
			row.update(parent=self.seed.b_open, parenttype="Complaint", parentfield=CHILD_FIELDS[doctype])
		elif doctype in FRAPPE_ROWS:
			dt_field, name_field = FRAPPE_ROWS[doctype]
			row.update({dt_field: "Complaint", name_field: self.seed.b_open})
		elif doctype != "Complaint":
			row["complaint"] = self.seed.b_open
		return row


def state(t: Targets) -> dict:
	"""B's documents with their child rows and traces (probe.snapshot), and the number of Frappe's rows of each
	doctype that point at any of B's documents."""
	out = {f"{dt} {name}": snapshot(dt, name) for dt, names in t.b_docs.items() for name in names}
	every = [n for names in t.b_docs.values() for n in names]
	for dt, (_, name_field) in FRAPPE_ROWS.items():
		out[f"{dt} rows"] = frappe.db.count(dt, {name_field: ("in", every)})
	out["Email Queue with canary"] = frappe.db.count("Email Queue", {"message": ("like", "%ZQX%")})
	frappe.db.rollback()  # no transaction left open while the server writes
	return json.loads(json.dumps(out, default=str))


def changed(before: dict, after: dict) -> list[str]:
	out = []
	for key in sorted(set(before) | set(after)):
		b, a = before.get(key), after.get(key)
		if b == a:
			continue
		if isinstance(b, dict) and isinstance(a, dict):
			parts = [k for k in set(b) | set(a) if b.get(k) != a.get(k)]
			out.append(f"{key}: {', '.join(sorted(parts))}: {str({k: a.get(k) for k in parts})[:400]}")
		else:
			out.append(f"{key}: {b} -> {a}")
	return out
