"""The customers' complaint form (/complaint): guests and website users.

Frappe's web form ``accept`` copies only this form's fields into a new Complaint; the channel, the default
grade, received_on and the logged-in customer's details are set by ``complaint_mgmt.loop.intake`` on insert, which
also strips markup, accepts one plain e-mail address only and applies the hourly intake limits of Complaint
Settings (``complaint_mgmt.loop.intake_limits``; Frappe's own ``rate_limit`` on ``accept`` adds 10 per minute).
"""


def get_context(context):
	context.no_cache = 1
