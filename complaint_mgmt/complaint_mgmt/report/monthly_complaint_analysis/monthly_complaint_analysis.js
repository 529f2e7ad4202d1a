// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

// Default: the six calendar months before the current one.
frappe.query_reports["Monthly Complaint Analysis"] = {
	filters: complaint_report_filters(
		frappe.datetime.add_months(frappe.datetime.month_start(), -6),
		frappe.datetime.add_days(frappe.datetime.month_start(), -1)
	),
};
