// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// A department with no receiver and no manager is saved all the same (the server says so too, see
// complaint_department.py warn_without_receiver), but the form keeps saying it until someone is designated.
const warn_without_receiver = function (frm) {
	if (!(frm.doc.receivers || []).length && !frm.doc.manager) {
		frm.set_intro(
			__("Department {0} has no receiver and no manager: nobody is designated to take its complaints, so they go to its members. Add a receiver or a manager.",
				[frappe.utils.escape_html(frm.doc.department_name || frm.doc.name || "")]),
			"orange"
		);
	} else {
		frm.set_intro("");
	}
};

frappe.ui.form.on("Complaint Department", {
	refresh: warn_without_receiver,
	manager: warn_without_receiver,
	receivers_add: warn_without_receiver,
	receivers_remove: warn_without_receiver,
});
