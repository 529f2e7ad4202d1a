frappe.treeview_settings["Complaint Category"] = {
	breadcrumb: "Complaint Mgmt",
	title: __("Complaint Category"),
	get_tree_root: false,
	root_label: __("All Complaint Categories"),
	get_tree_nodes: "frappe.desk.treeview.get_children",
	ignore_fields: ["parent_complaint_category"],
};
