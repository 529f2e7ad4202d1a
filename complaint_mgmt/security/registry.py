"""One registry of protected data: every doctype of the module, every child table, and every Frappe doctype whose
rows can carry a complaint's data, each with its rule. Frappe's permission hooks (hooks.py) are generated from it,
and the request guard (request_guard.py) reads it; a site test fails when a doctype of the module, or a doctype
with a Link / Dynamic Link that can point at one of ours, has no entry (tests/site/test_registry.py).

Pure data: no frappe import (hooks.py imports this module).

The rules:

- ``DEPARTMENT``: the document carries a ``department``; a department user (Complaint Handler, Complaint
  Department Manager, without a cross-department role) reads only those of their own departments. The role's
  DocPerms apply on top.
- ``CHILD``: a child table: a row is readable exactly when its parent document is (the parent's rule).
- ``LINKED``: a Frappe row that names a document by (doctype column, name column): a row naming a ``DEPARTMENT``
  document follows that document's rule, a row naming an ``ADMIN`` document is for System Managers only. Frappe's
  own permission rules for the row apply as well.
- ``ADMIN``: System Managers only (pre-counted report rows; Frappe's logs of deleted documents, accesses, errors).
- ``CONFIG``: public configuration (grades, categories, departments, settings, workspace links): the role
  DocPerms decide; no complaint's data is stored there.
- ``COMPANY``: a company-wide record the roles read across departments by design (the weekly penalty bulletin
  the general manager signs is published to every department): the role DocPerms decide.
"""

from dataclasses import dataclass

DEPARTMENT = "department"
CHILD = "child"
LINKED = "linked"
ADMIN = "admin"
CONFIG = "config"
COMPANY = "company"


@dataclass(frozen=True)
class Rule:
	kind: str
	parent: str | None = None  # CHILD: the parent doctype
	links: tuple[tuple[str, str], ...] = ()  # LINKED / ADMIN rows: (doctype column, name column) pairs
	why: str = ""


def child(parent: str) -> Rule:
	return Rule(CHILD, parent=parent)


def linked(*links: tuple[str, str], why: str = "") -> Rule:
	return Rule(LINKED, links=links, why=why)


def admin(*links: tuple[str, str], why: str = "") -> Rule:
	return Rule(ADMIN, links=links, why=why)


def config(why: str = "") -> Rule:
	return Rule(CONFIG, why=why)


# The module's own doctypes
# -------------------------
APP_RULES: dict[str, Rule] = {
	"Complaint": Rule(DEPARTMENT),
	"Complaint Transfer Record": Rule(DEPARTMENT),
	"Complaint Penalty Notice": Rule(DEPARTMENT),
	"Complaint Penalty Appeal": Rule(DEPARTMENT),
	"Complaint Action Review": Rule(DEPARTMENT),
	"Complaint Action Review Recurrence": child("Complaint Action Review"),
	"Complaint Survey": Rule(DEPARTMENT),  # issue 19 §10: the customer's answer to a close request
	"Complaint Reply": child("Complaint"),
	"Complaint Step": child("Complaint"),
	"Complaint Escalation": child("Complaint"),
	"Complaint Pause": child("Complaint"),
	"Complaint Penalty Bulletin": Rule(COMPANY, why="the weekly bulletin is published to every department"),
	"Complaint Penalty Bulletin Item": child("Complaint Penalty Bulletin"),
	"Complaint Penalty Bulletin Correction": child("Complaint Penalty Bulletin"),
	"Complaint Daily Stat": admin(why="pre-counted report rows of every department"),
	"Complaint Daily Count": admin(why="pre-counted report rows of every department"),
	"Complaint Daily Root Cause": admin(why="pre-counted report rows of every department"),
	"Complaint Grade": config(),
	"Complaint Category": config(),
	"Complaint Department": config(why="who belongs where is what the department rule reads"),
	"Complaint Department Member": child("Complaint Department"),
	"Complaint Department Receiver": child("Complaint Department"),
	"Complaint Settings": config(),
	"Complaint Working Window": child("Complaint Settings"),
	"Complaint Holiday": child("Complaint Settings"),
	"Complaint Compensation Tier": child("Complaint Settings"),
	"Complaint Channel Target": child("Complaint Settings"),
}

# Frappe's doctypes whose rows can name one of our documents
# ---------------------------------------------------------
REFERENCE = ("reference_doctype", "reference_name")
FRAPPE_RULES: dict[str, Rule] = {
	"ToDo": linked(("reference_type", "reference_name")),
	"Comment": linked(REFERENCE),
	"Communication": linked(REFERENCE),
	"Communication Link": linked(("link_doctype", "link_name")),
	"File": linked(("attached_to_doctype", "attached_to_name")),
	"Version": linked(("ref_doctype", "docname")),
	# Frappe 15 grants Workflow Action rows by role alone (the next step's roles)
	"Workflow Action": linked(REFERENCE),
	"Notification Log": linked(("document_type", "document_name")),
	"DocShare": linked(("share_doctype", "share_name")),
	"Tag Link": linked(("document_type", "document_name")),
	"Activity Log": linked(REFERENCE, ("timeline_doctype", "timeline_name"), ("link_doctype", "link_name")),
	"View Log": linked(REFERENCE),
	"Document Follow": linked(("ref_doctype", "ref_docname")),
	"Document Share Key": linked(("reference_doctype", "reference_docname")),
	"Reminder": linked(("reminder_doctype", "reminder_docname")),
	"Event Participants": linked(("reference_doctype", "reference_docname")),
	"Dynamic Link": linked(("link_doctype", "link_name")),
	"Submission Queue": linked(("ref_doctype", "ref_docname")),
	"Discussion Topic": linked(("reference_doctype", "reference_docname")),
	"Auto Repeat": linked(("reference_doctype", "reference_document")),
	"Energy Point Log": linked(REFERENCE),
	"Milestone": linked(("reference_type", "reference_name")),
	"Email Queue": admin(REFERENCE, why="outgoing mail holds the message text"),
	"Email Unsubscribe": admin(REFERENCE),
	"Error Log": admin(REFERENCE, why="tracebacks may quote a document's values"),
	"Access Log": admin(("export_from", "reference_document")),
	"Deleted Document": admin(("deleted_doctype", "deleted_name"), why="holds the whole deleted document"),
	"Integration Request": admin(("reference_doctype", "reference_docname")),
	"Audit Trail": admin(("doctype_name", "document")),
	"Permission Inspector": admin(("ref_doctype", "docname")),
	"User Permission": config(why="an administrator's restriction, names a value, not its data"),
	"Webhook": config(why="an administrator's integration; its preview renders only for System Managers"),
	"Workspace Link": config(why="points at a doctype or report, not at a document"),
	"Workspace Shortcut": config(why="points at a doctype or report, not at a document"),
	# name a doctype (a Link to DocType), never a document: an administrator's configuration or a user's own
	# saved list settings
	**dict.fromkeys(
		(
			"Custom Field",
			"Customize Form",
			"Property Setter",
			"Dashboard Chart",
			"Desktop Icon",
			"DocType Link",
			"Email Account",
			"IMAP Folder",
			"Energy Point Rule",
			"Kanban Board",
			"List Filter",
			"Report",
			"Workflow",
		),
		config(why="names a doctype, not a document"),
	),
}

RULES: dict[str, Rule] = {**APP_RULES, **FRAPPE_RULES}

# Roles that work across departments: their DocPerms alone decide. Tier approver roles (Complaint Settings) are
# cross-department too: they are read from the settings (security/permissions.py).
CROSS_DEPARTMENT_ROLES = frozenset(
	{
		"System Manager",
		"Complaint Manager",
		"Complaint Specialist",
		"Complaint Bulletin Approver",
		"Complaint Penalty Executor",
		"Complaint Service Director",
	}
)
DEPARTMENT_ROLES = frozenset({"Complaint Handler", "Complaint Department Manager"})


def doctypes_of(kind: str) -> tuple[str, ...]:
	return tuple(d for d, rule in RULES.items() if rule.kind == kind)


DEPARTMENT_DOCTYPES = doctypes_of(DEPARTMENT)
ADMIN_DOCTYPES = tuple(d for d in doctypes_of(ADMIN) if d in APP_RULES)
LINKED_DOCTYPES = tuple(d for d, rule in RULES.items() if rule.links)


def root_rule(doctype: str) -> Rule | None:
	"""The rule that decides for `doctype`: a child table's is its parent's (followed up)."""
	rule = RULES.get(doctype)
	while rule is not None and rule.kind == CHILD:
		rule = RULES.get(rule.parent)
	return rule


def is_protected(doctype: str) -> bool:
	"""Whether rows of `doctype` are under a rule narrower than the role DocPerms (department, linked, admin)."""
	rule = root_rule(doctype)
	return rule is not None and rule.kind in (DEPARTMENT, LINKED, ADMIN)


# The doctypes whose rows a rule narrower than the DocPerms protects (department, linked, admin-only)
GUARDED_DOCTYPES = frozenset(d for d in RULES if is_protected(d))


def children_of(parent: str) -> tuple[str, ...]:
	return tuple(d for d, rule in RULES.items() if rule.kind == CHILD and rule.parent == parent)


QUERY_HOOK = "complaint_mgmt.security.permissions.query_condition"
PERMISSION_HOOK = "complaint_mgmt.security.permissions.has_permission"


def permission_hooks() -> tuple[dict[str, str], dict[str, str]]:
	"""hooks.py's ``permission_query_conditions`` and ``has_permission``: one generic pair of functions, for every
	doctype whose rule is narrower than its DocPerms."""
	guarded = sorted(GUARDED_DOCTYPES)
	return dict.fromkeys(guarded, QUERY_HOOK), dict.fromkeys(guarded, PERMISSION_HOOK)
