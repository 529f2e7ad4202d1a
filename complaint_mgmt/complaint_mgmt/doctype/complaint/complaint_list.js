// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

const COMPLAINT_STATUS_COLORS = {
	Registered: "blue",
	Transferred: "purple",
	Acknowledged: "purple",
	Replied: "cyan",
	"Waiting on Customer": "yellow",
	"Close Requested": "orange",
	"Return Visited": "orange",
	"Deferral Requested": "orange",
	Closed: "green",
	Deferred: "gray",
};

frappe.listview_settings["Complaint"] = {
	add_fields: ["status", "is_external", "is_repeat", "irrational_stage"],
	get_indicator(doc) {
		const color = COMPLAINT_STATUS_COLORS[doc.status] || "gray";
		return [__(doc.status), color, "status,=," + doc.status];
	},
	formatters: {
		customer_name(value, df, doc) {
			const flags = [];
			if (doc.is_external) flags.push(__("External"));
			if (doc.is_repeat) flags.push(__("Repeat"));
			// plain text: the list escapes the title field itself
			return flags.length ? `${value || ""} (${flags.join(", ")})` : value || "";
		},
	},
};
