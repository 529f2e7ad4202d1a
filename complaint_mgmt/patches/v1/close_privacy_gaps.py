"""Records made before the privacy rules (issue 8): shares that reach past the department rule are removed and
version diffs of contact fields lose their values, as new ones do (permissions.validate_share,
privacy.mask_version)."""

import json

import frappe

from complaint_mgmt.security.permissions import can_read_document
from complaint_mgmt.security.privacy import MASK, protected_fields
from complaint_mgmt.security.registry import DEPARTMENT_DOCTYPES


def execute() -> None:
	drop_shares()
	mask_versions()


def drop_shares() -> None:
	shares = frappe.get_all(
		"DocShare",
		filters={"share_doctype": ("in", DEPARTMENT_DOCTYPES)},
		fields=["name", "user", "everyone", "share_doctype", "share_name"],
	)
	for share in shares:
		if not frappe.db.exists(share.share_doctype, share.share_name):
			continue
		if (
			share.everyone
			or not share.user
			or not can_read_document(share.share_doctype, share.share_name, share.user)
		):
			frappe.delete_doc(
				"DocShare", share.name, ignore_permissions=True
			)  # migration, run as Administrator


def mask_versions() -> None:
	for doctype in DEPARTMENT_DOCTYPES:
		fields = protected_fields(doctype)
		if not fields:
			continue
		for version in frappe.get_all("Version", filters={"ref_doctype": doctype}, fields=["name", "data"]):
			data = json.loads(version.data or "{}")
			changes = [c for c in data.get("changed") or [] if c and c[0] in fields and c[1:] != [MASK, MASK]]
			if not changes:
				continue
			for change in changes:
				change[1:] = [MASK for _value in change[1:]]
			frappe.db.set_value(
				"Version", version.name, "data", json.dumps(data, default=str), update_modified=False
			)
