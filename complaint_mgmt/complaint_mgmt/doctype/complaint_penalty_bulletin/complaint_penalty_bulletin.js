// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

frappe.ui.form.on("Complaint Penalty Bulletin", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(__("Penalty Notices"), () => {
			frappe.route_options = {
				docstatus: 1,
				issued_on: [
					"between",
					[frm.doc.week_start, frm.doc.week_end],
				],
			};
			frappe.set_route("List", "Complaint Penalty Notice");
		});
		const executor =
			frappe.user.has_role("Complaint Penalty Executor") ||
			frappe.user.has_role("System Manager");
		if (frm.doc.docstatus === 1 && executor) {
			frm.add_custom_button(__("Mark All Notices Executed"), () => {
				frappe.confirm(
					__("Mark every not yet executed penalty notice of this week executed?"),
					() =>
						frappe
							.call({
								method: "complaint_mgmt.outputs.execution.mark_bulletin_executed",
								args: { bulletin: frm.doc.name },
								freeze: true,
							})
							.then((r) => {
								frappe.show_alert({
									message: __("{0} penalty notices marked executed", [r.message]),
									indicator: "green",
								});
								frm.reload_doc();
							})
				);
			});
		}
	},
});
