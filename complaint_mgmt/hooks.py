app_name = "complaint_mgmt"
app_title = "Complaint Mgmt"
app_publisher = "complaint_mgmt developers"
app_description = (
	"Closed-loop customer complaint procedure: grading, transfer, deadlines, penalties, weekly bulletin"
)
app_email = "dev@example.com"
app_license = "mit"

export_python_type_annotations = True

# Desk
# ----
# durations as people read them ("4 d 23 h"), the JavaScript twin of procedure/durations.py
app_include_js = [
	"/assets/complaint_mgmt/js/durations.js",
	# the complaint form without Frappe's "not editable due to a Workflow" toast on every load (public/js/desk.js)
	"/assets/complaint_mgmt/js/desk.js",
]
# a complaint user's ToDo list leads to My work (page my-work)
doctype_list_js = {"ToDo": "public/js/todo_list.js"}

# Installation
# ------------
after_install = "complaint_mgmt.setup.install.after_install"
after_migrate = "complaint_mgmt.setup.install.after_migrate"
before_uninstall = "complaint_mgmt.setup.install.before_uninstall"

# Department isolation and the other rules of protected data: generated from the one registry
# (complaint_mgmt/security/registry.py; security/permissions.py holds the two functions)
# ---------------------------------------------------------------------------------------------
from complaint_mgmt.security.registry import permission_hooks as _permission_hooks  # noqa: E402

permission_query_conditions, has_permission = _permission_hooks()

# Jinja methods of the print formats: a notice's "Why this notice" in the print's language (engine/notice_why.py)
jinja = {"methods": ["complaint_mgmt.engine.notice_why.notice_why"]}

# Frappe 15 endpoints that apply no (or too little) permission to the app's data: checked wrappers that call
# Frappe's own function (each names its gap in complaint_mgmt/overrides.py)
override_whitelisted_methods = {
	"frappe.client.get_count": "complaint_mgmt.security.overrides.get_count",
	# Frappe 15 checks client.save's permission on the posted document and answers a stale `modified` with the
	# stored one's before any check of the stored document (security/client_save.py)
	"frappe.client.save": "complaint_mgmt.security.client_save.save",
	# a stopped replica: Frappe's read-only endpoints answer from the primary (ops/replica.py, issue 20 drill 5)
	"frappe.desk.query_report.run": "complaint_mgmt.ops.replica.run_report",
	"frappe.desk.reportview.get": "complaint_mgmt.ops.replica.reportview_get",
	"frappe.desk.reportview.get_list": "complaint_mgmt.ops.replica.reportview_get_list",
	"frappe.desk.reportview.get_count": "complaint_mgmt.ops.replica.reportview_get_count",
	"frappe.desk.reportview.export_query": "complaint_mgmt.ops.replica.reportview_export_query",
	"frappe.desk.reportview.get_sidebar_stats": "complaint_mgmt.ops.replica.reportview_get_sidebar_stats",
	"frappe.desk.reportview.get_stats": "complaint_mgmt.ops.replica.reportview_get_stats",
	"frappe.desk.desktop.get_desktop_page": "complaint_mgmt.ops.replica.get_desktop_page",
	"frappe.desk.notifications.get_notifications": "complaint_mgmt.ops.replica.get_notifications",
	"frappe.desk.notifications.get_open_count": "complaint_mgmt.ops.replica.get_open_count",
	# the form's Actions menu: a complaint's workflow transitions only as the server accepts them from the caller
	# (the department rule, the compensation tier's role: loop/desk.py)
	"frappe.model.workflow.get_transitions": "complaint_mgmt.loop.desk.get_transitions",
	"frappe.desk.search.search_widget": "complaint_mgmt.security.overrides.search_widget",
	"frappe.desk.search.search_link": "complaint_mgmt.security.overrides.search_link",
	"frappe.desk.search.get_link_title": "complaint_mgmt.security.overrides.get_link_title",
	"frappe.desk.listview.get_group_by_count": "complaint_mgmt.security.overrides.get_group_by_count",
	"frappe.desk.doctype.dashboard_chart.dashboard_chart.get": "complaint_mgmt.security.overrides.get_dashboard_chart",
	"frappe.www.printview.get_html_and_style": "complaint_mgmt.security.overrides.get_html_and_style",
	"frappe.www.printview.get_rendered_raw_commands": "complaint_mgmt.security.overrides.get_rendered_raw_commands",
	"frappe.website.doctype.web_form.web_form.get_form_data": "complaint_mgmt.security.overrides.get_form_data",
	"frappe.website.doctype.web_form.web_form.accept": "complaint_mgmt.security.overrides.accept",
	"frappe.desk.form.linked_with.get_submitted_linked_docs": "complaint_mgmt.security.overrides.get_submitted_linked_docs",
	"frappe.handler.download_file": "complaint_mgmt.security.overrides.download_file",
	"download_file": "complaint_mgmt.security.overrides.download_file",
	# found by the canary matrix (security/document_overrides.py): run_doc_method's documents above the caller's
	# permission level, unzip_file's message before any check, website comments and likes on any document
	"run_doc_method": "complaint_mgmt.security.document_overrides.run_doc_method",
	"runserverobj": "complaint_mgmt.security.document_overrides.run_doc_method",
	"frappe.handler.run_doc_method": "complaint_mgmt.security.document_overrides.run_doc_method",
	"frappe.core.doctype.file.file.unzip_file": "complaint_mgmt.security.document_overrides.unzip_file",
	"frappe.core.api.file.unzip_file": "complaint_mgmt.security.document_overrides.unzip_file",
	"frappe.templates.includes.comments.comments.add_comment": "complaint_mgmt.security.document_overrides.add_website_comment",
	"frappe.templates.includes.likes.likes.like": "complaint_mgmt.security.document_overrides.website_like",
}

# What Frappe lets through before any permission: filters on unreadable fields, SQL in order_by, malformed
# list arguments and REST bodies (complaint_mgmt/request_guard.py)
before_request = [
	# first: no traceback for anyone but a System Manager, whatever the site's setting (security/tracebacks.py)
	"complaint_mgmt.security.tracebacks.hide_tracebacks",
	# when the request began: a database restarted since answers a 5xx, not a 400 (security/argument_errors.py)
	"complaint_mgmt.security.argument_errors.note_request_start",
	# a replica this process found unreachable is left out of the request: reads go to the primary (ops/replica.py)
	"complaint_mgmt.ops.replica.route_reads",
	"complaint_mgmt.security.request_guard.guard_request",
	# arguments that Frappe 15 endpoints answer with a server error: NUL / lone surrogates, get_next, set_value on
	# child rows, tags, multi-document PDFs, ad-hoc charts (complaint_mgmt/security/bad_input.py)
	"complaint_mgmt.security.bad_input.guard_request",
]
# a JSON body Frappe 15 cannot parse fails before any before_request hook: answered 400, not 500 (bad_input.py)
after_request = [
	"complaint_mgmt.security.bad_input.answer_malformed_body",
	# Frappe's own endpoints' server errors on arguments they could not use: 400 (security/argument_errors.py)
	"complaint_mgmt.security.argument_errors.answer_argument_errors",
	# a request that lost a race for a row lock: Frappe's 508 "please try again", not a 500 (ops/lock_conflicts.py)
	"complaint_mgmt.ops.lock_conflicts.answer_lock_conflict",
	# what Frappe's traceback switch does not reach (an error before the hooks, errprint, messages)
	"complaint_mgmt.security.tracebacks.strip_tracebacks",
	# last: with complaint_mgmt_cpu_probe in the site's config, the request's server CPU in a response header
	# (the load benchmarks' CPU per request type; ops/request_cpu.py)
	"complaint_mgmt.ops.request_cpu.add_cpu_header",
]

doc_events = {
	"User": {
		"on_update": [
			"complaint_mgmt.security.permissions.clear_department_cache",
			# a user given a complaint role lands on the Complaints workspace (setup/workspace_defaults.py)
			"complaint_mgmt.setup.workspace_defaults.on_user_update",
			# the complaint list's saved views of the user's roles, in the user's language (setup/saved_views.py)
			"complaint_mgmt.setup.saved_views.on_user_update",
		],
	},
	"Complaint Department": {
		# "My department, overdue" follows the department's people (setup/saved_views.py)
		"on_update": "complaint_mgmt.setup.saved_views.on_department_update",
	},
	"Complaint": {
		# the customer's acknowledgement e-mail, to a verified contact only (loop/customer_mail.py)
		"after_insert": "complaint_mgmt.loop.customer_mail.on_insert",
		# the reports' daily rows stay exact: a counted complaint that changes leaves them (outputs/report_stats.py)
		"before_validate": "complaint_mgmt.outputs.report_stats.before_complaint_validate",
		"on_update": [
			"complaint_mgmt.security.permissions.drop_stale_shares",
			"complaint_mgmt.outputs.report_stats.on_complaint_update",
		],
		"on_trash": [
			"complaint_mgmt.loop.retention.on_trash",
			"complaint_mgmt.outputs.report_stats.on_complaint_trash",
			# after its retention period a complaint takes its corrective-action reviews along (loop/action_reviews.py)
			"complaint_mgmt.loop.action_reviews.on_complaint_trash",
		],
	},
	# records are kept two years after the closure, for every role (complaint_mgmt/retention.py)
	"Complaint Transfer Record": {
		"on_trash": "complaint_mgmt.loop.retention.on_trash",
	},
	"Complaint Penalty Notice": {
		"on_trash": "complaint_mgmt.loop.retention.on_trash",
	},
	# the bulletin waits in the general manager's inbox until signed, then in the executors' (loop/inbox.py)
	"Complaint Penalty Bulletin": {
		"on_change": "complaint_mgmt.loop.inbox.on_bulletin_change",
	},
	# shares never reach past the department rule; private files are not copied by URL; no contact data in
	# version diffs (complaint_mgmt/permissions.py, privacy.py)
	"DocShare": {
		"validate": "complaint_mgmt.security.permissions.validate_share",
	},
	"File": {
		"validate": "complaint_mgmt.security.permissions.validate_file_copy",
	},
	"Version": {
		"before_insert": "complaint_mgmt.security.privacy.mask_version",
	},
	# E-mail intake: the first mail dates the complaint, later ones notify (complaint_mgmt/intake.py)
	"Communication": {
		"after_insert": "complaint_mgmt.loop.intake.on_communication",
	},
}

# Customers: web form web_form/complaint, e-mail intake, portal page www/my-complaints (intake.py)
# -----------------------------------------------------------------------------------------------
email_append_to = ["Complaint"]
# one complaint of the customer's (its owner or proved contact: loop/portal_identity.py), as ?name= does
website_route_rules = [{"from_route": "/my-complaints/<name>", "to_route": "my-complaints"}]
standard_portal_menu_items = [
	# reference_doctype: Frappe drops menu items without an existing one when it syncs the menu
	{"title": "My Complaints", "route": "/my-complaints", "reference_doctype": "Complaint"},
]

# Scheduled jobs
# --------------
scheduler_events = {
	"cron": {
		# The deadline sweep (complaint_mgmt/deadlines.py), enqueued on the long queue, deduplicated.
		"*/5 * * * *": ["complaint_mgmt.engine.deadlines.schedule_sweep"],
		# The weekly penalty bulletin, made once the settings' report day and time have passed (weekly.py).
		# The report e-mails of the previous week / calendar month, once per period (weekly_mail.py).
		# The settled complaints counted into the reports' daily rows (report_stats.py), on the long queue.
		"*/15 * * * *": [
			"complaint_mgmt.outputs.weekly.scheduled_bulletin",
			"complaint_mgmt.outputs.weekly_mail.send_due_reports",
			"complaint_mgmt.outputs.report_stats.schedule_count",
		],
		# The corrective-action reviews: opened effectiveness_review_days after a closure, overdue ones flagged
		# (engine/action_reviews.py), on the long queue.
		"30 1 * * *": ["complaint_mgmt.engine.action_reviews.schedule_reviews"],
	},
}
