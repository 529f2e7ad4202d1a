// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

frappe.listview_settings["Complaint Penalty Bulletin"] = {
	onload(listview) {
		if (!frappe.model.can_create("Complaint Penalty Bulletin")) return;
		listview.page.add_inner_button(__("Make Last Week's Bulletin"), () =>
			frappe
				.call({ method: "complaint_mgmt.outputs.weekly.generate_bulletin", freeze: true })
				.then((r) => frappe.set_route("Form", "Complaint Penalty Bulletin", r.message))
		);
	},
};
