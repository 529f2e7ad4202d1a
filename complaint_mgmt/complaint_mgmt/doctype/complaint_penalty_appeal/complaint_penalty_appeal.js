// An appeal is filed from its penalty notice and decided here by the settings' decider role (the server checks
// the role, the reason and the amount: complaint_mgmt.api.decide_appeal). Attachments: the sidebar.
frappe.ui.form.on("Complaint Penalty Appeal", {
	refresh(frm) {
		frm.disable_save();
		// the server says whether this user decides this appeal now (the settings' role, not the appellant)
		if (!(frm.doc.__onload || {}).can_decide) return;
		for (const [decision, label] of [
			["Upheld", __("Uphold")],
			["Annulled", __("Annul")],
			["Reduced", __("Reduce")],
		]) {
			frm.add_custom_button(label, () => decide(frm, decision), __("Decide"));
		}
	},
});

function decide(frm, decision) {
	const fields = [{ fieldname: "reason", fieldtype: "Small Text", label: __("Decision Reason"), reqd: 1 }];
	if (decision === "Reduced") {
		fields.push({ fieldname: "amount", fieldtype: "Currency", label: __("Reduced Amount"), reqd: 1 });
	}
	frappe.prompt(
		fields,
		(values) =>
			frappe
				.xcall("complaint_mgmt.api.decide_appeal", {
					appeal: frm.doc.name,
					decision: decision,
					reason: values.reason,
					amount: values.amount,
				})
				.then(() => frm.reload_doc()),
		__(decision),
		__("Decide")
	);
}
