// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

// One row per calendar month: by default the six months before the current one (the monthly e-mail sends
// the previous month).
frappe.query_reports["Monthly Complaint Analysis"] = complaint_report({
	filters: complaint_report_filters(
		frappe.datetime.add_months(frappe.datetime.month_start(), -6),
		frappe.datetime.add_days(frappe.datetime.month_start(), -1)
	),
	complaint_default_week: 0,
});
