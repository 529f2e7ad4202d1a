// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// The filters every complaint report takes (contract: from_date, to_date, optional department).
// Each report's JS pulls this file in with Frappe's include directive and builds its settings with
// complaint_report(): the previous week by default (the week of the Friday bulletin and of the workspace's
// penalty card, weeks starting on the day set in Complaint Settings), and a From Date after the To Date is
// answered in the report area instead of by the server's error.
var complaint_report_filters = function (from_date, to_date) {
	return [
		{ fieldname: "from_date", label: __("From Date"), fieldtype: "Date", reqd: 1, default: from_date },
		{ fieldname: "to_date", label: __("To Date"), fieldtype: "Date", reqd: 1, default: to_date },
		{ fieldname: "department", label: __("Department"), fieldtype: "Link", options: "Complaint Department" },
	];
};

// The previous week as the browser can tell without asking: weeks starting on Monday (the settings' default).
// complaint_report_onload corrects it when the settings start weeks on another day.
var complaint_guessed_week = function () {
	const monday = moment(frappe.datetime.get_today()).isoWeekday(1).format("YYYY-MM-DD");
	return [frappe.datetime.add_days(monday, -7), frappe.datetime.add_days(monday, -1)];
};

var complaint_previous_week_filters = function () {
	const [from_date, to_date] = complaint_guessed_week();
	return complaint_report_filters(from_date, to_date);
};

var complaint_period_is_valid = function (report) {
	const from_date = report.get_filter_value("from_date");
	const to_date = report.get_filter_value("to_date");
	return !(from_date && to_date && from_date > to_date); // both "YYYY-MM-DD"
};

// The desk's report view is one object for every report: its refresh is wrapped once, and the check applies
// only to the complaint reports (marked complaint_period in their settings).
var complaint_guard_period = function (report) {
	if (report.__complaint_period_guard) return;
	report.__complaint_period_guard = true;
	const refresh = report.refresh;
	report.refresh = function (...args) {
		const settings = frappe.query_reports[this.report_name] || {};
		if (settings.complaint_period && !complaint_period_is_valid(this)) {
			this.toggle_report(false);
			this.toggle_message(
				true,
				`${frappe.utils.icon("solid-warning")} ${__("From Date cannot be after To Date.")}`
			);
			return Promise.resolve();
		}
		return refresh.apply(this, args);
	};
};

var complaint_report_onload = function (report) {
	complaint_guard_period(report);
	const settings = frappe.query_reports[report.report_name] || {};
	if (!settings.complaint_default_week) return;
	const [from_date, to_date] = complaint_guessed_week();
	if (
		report.get_filter_value("from_date") !== from_date ||
		report.get_filter_value("to_date") !== to_date
	) {
		return; // the period came with the link (route options): keep it
	}
	return frappe
		.xcall("complaint_mgmt.outputs.reporting.default_period")
		.then((period) => {
			if (period && (period.from_date !== from_date || period.to_date !== to_date)) {
				report.get_filter("from_date").set_input(period.from_date);
				report.get_filter("to_date").set_input(period.to_date);
			}
		})
		.catch(() => null); // the guessed week stays
};

// The settings of a complaint report: the previous week, the period check; `options` adds or replaces.
var complaint_report = function (options) {
	return Object.assign(
		{
			filters: complaint_previous_week_filters(),
			onload: complaint_report_onload,
			complaint_period: 1,
			complaint_default_week: 1,
		},
		options || {}
	);
};
