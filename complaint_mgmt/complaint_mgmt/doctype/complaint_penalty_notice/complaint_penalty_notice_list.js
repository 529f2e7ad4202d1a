// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// The notice list (issue 19 §6): an executor marks the chosen notices executed in one go, after confirming.
// All or nothing: the server (outputs/execution.mark_notices_executed) checks every notice first and names each
// one it refuses (a draft, executed already, under appeal); then none is marked.
frappe.listview_settings["Complaint Penalty Notice"] = {
	onload(listview) {
		const executor = ["Complaint Penalty Executor", "System Manager"].some((r) => frappe.user.has_role(r));
		if (!executor) return;
		listview.page.add_actions_menu_item(__("Mark Executed"), () => {
			const names = listview.get_checked_items(true);
			if (!names.length) return;
			frappe.confirm(__("Mark the {0} selected penalty notices executed?", [names.length]), () =>
				frappe
					.call({
						method: "complaint_mgmt.outputs.execution.mark_notices_executed",
						args: { notices: names },
						freeze: true,
					})
					.then((r) => {
						frappe.show_alert({
							message: __("{0} penalty notices marked executed", [r.message]),
							indicator: "green",
						});
						listview.clear_checked_items();
						listview.refresh();
					})
			);
		});
	},
};
