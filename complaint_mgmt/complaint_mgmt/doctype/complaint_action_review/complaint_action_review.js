// The department's manager (or a Complaint Manager) records the review here; the server checks who, the note and
// the new corrective action (complaint_mgmt.api.review_corrective_action).
frappe.ui.form.on("Complaint Action Review", {
	refresh(frm) {
		frm.disable_save();
		if (frm.doc.status !== "Open") return;
		frm.add_custom_button(__("Effective"), () => review(frm, 1), __("Record Review"));
		frm.add_custom_button(__("Not Effective"), () => review(frm, 0), __("Record Review"));
	},
});

function review(frm, effective) {
	const fields = [{ fieldname: "note", fieldtype: "Small Text", label: __("Note"), reqd: 1 }];
	if (!effective) {
		fields.push({
			fieldname: "new_corrective_action",
			fieldtype: "Small Text",
			label: __("New Corrective Action"),
			reqd: 1,
		});
	}
	frappe.prompt(
		fields,
		(values) =>
			frappe
				.xcall("complaint_mgmt.api.review_corrective_action", {
					review: frm.doc.name,
					effective: effective,
					note: values.note,
					new_corrective_action: values.new_corrective_action,
				})
				.then(() => frm.reload_doc()),
		effective ? __("Effective") : __("Not Effective"),
		__("Record Review")
	);
}
