// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// The ToDo list of a complaint user leads to My work (page my-work): the same open tasks with their deadlines,
// countdowns and actions, most urgent first. Frappe's own list settings of ToDo are kept (hooks.doctype_list_js).
(function () {
	const settings = (frappe.listview_settings["ToDo"] = frappe.listview_settings["ToDo"] || {});
	const onload = settings.onload;
	settings.onload = function (listview) {
		if (onload) onload.apply(this, arguments);
		if ((frappe.boot.page_info || {})["my-work"]) {
			listview.page.add_inner_button(__("My Work"), () => frappe.set_route("my-work"));
		}
	};
})();
