app_name = "complaint_mgmt"
app_title = "Complaint Mgmt"
app_publisher = "complaint_mgmt developers"
app_description = (
	"Closed-loop customer complaint procedure: grading, transfer, deadlines, penalties, weekly bulletin"
)
app_email = "dev@example.com"
app_license = "mit"

export_python_type_annotations = True

# Installation
# ------------
after_install = "complaint_mgmt.install.after_install"
after_migrate = "complaint_mgmt.install.after_migrate"
before_uninstall = "complaint_mgmt.install.before_uninstall"

# Department isolation (see complaint_mgmt/permissions.py)
# ---------------------------------------------------------
permission_query_conditions = {
	"Complaint": "complaint_mgmt.permissions.complaint_query",
	"Complaint Transfer Record": "complaint_mgmt.permissions.department_doc_query",
	"Complaint Penalty Notice": "complaint_mgmt.permissions.department_doc_query",
}

has_permission = {
	"Complaint": "complaint_mgmt.permissions.has_complaint_permission",
	"Complaint Transfer Record": "complaint_mgmt.permissions.has_department_doc_permission",
	"Complaint Penalty Notice": "complaint_mgmt.permissions.has_department_doc_permission",
}

doc_events = {
	"User": {
		"on_update": "complaint_mgmt.permissions.clear_department_cache",
	},
	"Complaint Settings": {
		"on_update": "complaint_mgmt.weekly.sync_auto_email_reports",
	},
	# E-mail intake: the first mail dates the complaint, later ones notify (complaint_mgmt/intake.py)
	"Communication": {
		"after_insert": "complaint_mgmt.intake.on_communication",
	},
}

# Customers: web form web_form/complaint, e-mail intake, portal page www/my-complaints (intake.py)
# -----------------------------------------------------------------------------------------------
email_append_to = ["Complaint"]
standard_portal_menu_items = [
	# reference_doctype: Frappe drops menu items without an existing one when it syncs the menu
	{"title": "My Complaints", "route": "/my-complaints", "reference_doctype": "Complaint"},
]

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# The deadline sweep (complaint_mgmt/deadlines.py), enqueued on the long queue, deduplicated.
		"*/5 * * * *": ["complaint_mgmt.deadlines.schedule_sweep"],
		# The weekly penalty bulletin, made once the settings' report day and time have passed (weekly.py).
		"*/15 * * * *": ["complaint_mgmt.weekly.scheduled_bulletin"],
	},
}
