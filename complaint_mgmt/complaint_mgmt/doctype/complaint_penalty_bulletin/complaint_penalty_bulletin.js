// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// What the approver signs, said in the Submit confirmation instead of Frappe's "Permanently Submit ...?".
function signing_question(doc) {
	const notices = (doc.items || []).reduce((sum, row) => sum + (row.notice_count || 0), 0);
	return __(
		"Sign the penalty bulletin for the week {0} to {1} with {2} penalty notices totalling {3}? Once signed, it cannot be changed.",
		[
			frappe.datetime.str_to_user(doc.week_start),
			frappe.datetime.str_to_user(doc.week_end),
			notices,
			format_currency(doc.total_amount || 0),
		]
	);
}

frappe.ui.form.on("Complaint Penalty Bulletin", {
	setup(frm) {
		// Frappe's savesubmit asks its generic "Permanently Submit ...?" through frappe.confirm, synchronously: ask ours.
		const savesubmit = frm.savesubmit;
		frm.savesubmit = function (...args) {
			const confirm = frappe.confirm;
			frappe.confirm = (message, ...rest) => confirm(signing_question(this.doc), ...rest);
			try {
				return savesubmit.apply(this, args);
			} finally {
				frappe.confirm = confirm;
			}
		};
	},

	week_start(frm) {
		// a bulletin covers exactly one week; the week is fixed once the bulletin is saved
		if (frm.is_new() && frm.doc.week_start) {
			frm.set_value("week_end", frappe.datetime.add_days(frm.doc.week_start, 6));
		}
	},

	refresh(frm) {
		// the rows are the week's notices (read-only field, refused by the server when typed in)
		frm.set_df_property("items", "cannot_add_rows", true);
		frm.set_df_property("items", "cannot_delete_rows", true);
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
