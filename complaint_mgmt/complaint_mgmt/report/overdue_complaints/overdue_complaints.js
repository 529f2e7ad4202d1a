// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

frappe.query_reports["Overdue Complaints"] = {
	filters: complaint_report_filters(
		frappe.datetime.add_months(frappe.datetime.get_today(), -3),
		frappe.datetime.get_today()
	),
};
