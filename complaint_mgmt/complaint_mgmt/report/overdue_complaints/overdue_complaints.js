// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

{% include "complaint_mgmt/public/js/complaint_report_filters.js" %}

// Opens on "overdue now": every running complaint past a deadline, as the workspace's Overdue Complaints Now card
// counts them; a period (From / To Date, both or none) narrows it to the complaints received then.
frappe.query_reports["Overdue Complaints"] = complaint_report({
	filters: complaint_report_filters(null, null).map((f) =>
		["from_date", "to_date"].includes(f.fieldname)
			? { ...f, reqd: 0, description: __("Empty: every complaint overdue now") }
			: f
	),
	complaint_default_week: 0,
});
