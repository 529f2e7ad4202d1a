// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

// The average hours of each step are detail: shown on request, so the default table fits the screen.
frappe.query_reports["Complaint Closure Performance"] = complaint_report({
	filters: [
		...complaint_previous_week_filters(),
		{ fieldname: "show_step_hours", label: __("Show Step Hours"), fieldtype: "Check", default: 0 },
	],
});
