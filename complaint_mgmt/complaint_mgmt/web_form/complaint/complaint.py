"""The customers' complaint form (/complaint): guests and website users.

Frappe's web form ``accept`` copies only this form's fields into a new Complaint; the channel, the default
grade, received_on and the logged-in customer's details are set by ``complaint_mgmt.loop.intake`` on insert, which
also strips markup, accepts one plain e-mail address only and applies the hourly intake limits of Complaint
Settings (``complaint_mgmt.loop.intake_limits``; Frappe's own ``rate_limit`` on ``accept`` adds 10 per minute).

After the submission complaint.js shows the new complaint's reference (``accept`` returns it).
"""

from frappe import _

# The texts of complaint.js: Frappe gives the web form page the translations of the form's own texts only.
SCRIPT_MESSAGES = (
	"Give a phone number or an e-mail address so that we can contact you.",
	"The amount claimed cannot be negative.",
	"Your complaint reference is {0}.",
	"Follow it under My Complaints",
	"Please quote it whenever you contact us.",
)


def get_context(context):
	context.no_cache = 1
	if context.get("web_form_doc") is not None:
		context.web_form_doc["script_messages"] = {message: _(message) for message in SCRIPT_MESSAGES}
