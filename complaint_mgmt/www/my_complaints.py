"""/my-complaints: a logged-in customer's own complaints and where they stand (complaint_mgmt.loop.intake);
/my-complaints/CMP-… (or ?name=CMP-…) one of them, its status in plain words and its dates, with the replies meant for the customer (Complaint Reply rows marked
visible_to_customer). Never shown: internal notes, departments, staff, phone numbers. Guests are sent to the login
page; a complaint that is not the customer's is "not found", exactly like one that does not exist."""

from urllib.parse import quote

import frappe
from frappe import _, _lt

from complaint_mgmt.loop.intake import customer_status, own_complaints
from complaint_mgmt.loop.portal_identity import identities

no_cache = 1

COMPLAINT_FIELDS = (
	"name",
	"received_on",
	"category",
	"status",
	"acknowledged_on",
	"first_replied_on",
	"close_requested_on",
	"closed_on",
	"description",
	"customer_request",
)
# the dates the customer sees, in plain words (field, label): no internal step, department or person
CUSTOMER_DATES = (
	("received_on", _lt("Received On")),
	("acknowledged_on", _lt("Taken in hand")),
	("first_replied_on", _lt("First answer")),
	("close_requested_on", _lt("Solution proposed")),
	("closed_on", _lt("Closed")),
)


def get_context(context):
	# per user, and never in Frappe's website caches: not the page, not a "not found" of its URL (the 404
	# of another customer's complaint would otherwise be served to its owner as well)
	frappe.local.no_cache = 1
	if frappe.session.user == "Guest":
		send_to_login()
	context.show_sidebar = True
	context.parents = [{"route": "me", "title": _("My Account")}]
	name = (frappe.form_dict.get("name") or "").strip()
	if name:
		context.complaint = own_complaint(name)
		context.replies = customer_replies(context.complaint.name)
		context.title = _("Complaint {0}").format(context.complaint.name)
		context.parents.append({"route": "my-complaints", "title": _("My Complaints")})
	else:
		context.title = _("My Complaints")
		context.complaints = own_complaints()


def send_to_login():
	path = "/my-complaints"
	if frappe.form_dict.get("name"):
		path += "/" + quote(str(frappe.form_dict.name), safe="")
	frappe.local.flags.redirect_location = "/login?redirect-to=" + quote(path, safe="")
	raise frappe.Redirect(302)


def own_complaint(name: str) -> frappe._dict:
	"""The customer's complaint of that name, selected by the same identity as own_complaints (filed by them or
	with a contact address they proved). Anything else raises "page not found": nobody learns that it exists."""
	user = frappe.session.user
	# a website user has no DocPerm on Complaint: the filters on the user's own identity are the permission
	rows = frappe.get_all(
		"Complaint",
		filters={"name": name},
		or_filters=[["Complaint", field, "=", value] for i in identities(user) for field, value in i.items()],
		fields=list(COMPLAINT_FIELDS),
		limit=1,
	)
	if not rows:
		raise frappe.PageDoesNotExistError
	complaint = rows[0]
	complaint.customer_status = customer_status(complaint.status)
	complaint.dates = [(str(label), complaint[field]) for field, label in CUSTOMER_DATES if complaint[field]]
	return complaint


def customer_replies(complaint: str) -> list[dict]:
	"""The replies the handlers marked for the customer: when and what, never who (staff names stay inside)."""
	return frappe.get_all(
		"Complaint Reply",
		filters={
			"parenttype": "Complaint",
			"parentfield": "replies",
			"parent": complaint,
			"visible_to_customer": 1,
		},
		fields=["replied_on", "content"],
		order_by="idx asc",
	)
