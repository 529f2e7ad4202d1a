// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// Desk-wide (hooks.app_include_js): loaded before any form, since Frappe asks whether a form is read-only
// before it runs the doctype's own script on the form's first load.
// Frappe announces "This form is not editable due to a Workflow." on every load to whoever may not edit the
// complaint's free fields in its state (an approver, a department before the transfer): the form stays
// read-only, the headline says whose turn it is, and the toast is left out for complaints only.
if (!frappe.workflow.__cm_quiet) {
	const is_read_only = frappe.workflow.is_read_only;
	frappe.workflow.__cm_quiet = true;
	frappe.workflow.is_read_only = function (doctype, name) {
		const read_only = is_read_only.apply(this, arguments);
		if (read_only && doctype === "Complaint") {
			const show_alert = frappe.show_alert;
			const toast = __("This form is not editable due to a Workflow.");
			// form.js shows the toast right after asking: only that one call is swallowed
			frappe.show_alert = function (message) {
				frappe.show_alert = show_alert;
				if (message === toast) return;
				return show_alert.apply(this, arguments);
			};
			setTimeout(() => {
				if (frappe.show_alert !== show_alert) frappe.show_alert = show_alert;
			}, 0);
		}
		return read_only;
	};
}
