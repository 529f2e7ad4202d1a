// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// The filters every complaint report takes (contract: from_date, to_date, optional department).
// Each report's JS pulls this file in with Frappe's include directive and passes its default period.
var complaint_report_filters = function (from_date, to_date) {
	return [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", reqd: 1, default: from_date },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", reqd: 1, default: to_date },
		{ fieldname: "department", label: __("Department"), fieldtype: "Link", options: "Complaint Department" },
	];
};

// The weekly reports default to the previous week.
var complaint_previous_week_filters = function () {
	const week_start = frappe.datetime.week_start();
	return complaint_report_filters(
		frappe.datetime.add_days(week_start, -7),
		frappe.datetime.add_days(week_start, -1)
	);
};
