// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// One colour per stage of the loop; red whenever a clock is breached (the SLA column says which state).
const COMPLAINT_STATUS_COLORS = {
	Registered: "gray",
	Transferred: "blue",
	Acknowledged: "light-blue",
	Replied: "cyan",
	"Waiting on Customer": "yellow",
	"Close Requested": "orange",
	"Return Visited": "purple",
	"Deferral Requested": "orange",
	Closed: "green",
	Deferred: "darkgrey",
};
const COMPLAINT_SLA_COLORS = {
	"On Time": "green",
	"Due Soon": "orange",
	Overdue: "red",
	Paused: "yellow",
	Met: "green",
	Missed: "red",
};
const COMPLAINT_BREACH_FLAGS = ["transfer_breached", "first_reply_breached", "close_breached", "return_visit_breached"];

frappe.listview_settings["Complaint"] = {
	add_fields: ["status", "is_external", "is_repeat", "irrational_stage", "sla_status", "close_request_cycle",
		...COMPLAINT_BREACH_FLAGS],
	onload(listview) {
		if (frappe.user.has_role("Complaint Manager") || frappe.user.has_role("System Manager")) {
			listview.page.add_menu_item(__("Import History"), () => complaint_import_history());
		}
	},
	// the ID column is too narrow for CMP-YYYY-NNNNN: the reference goes with the customer's name instead
	hide_name_column: true,
	get_indicator(doc) {
		const breached = COMPLAINT_BREACH_FLAGS.some((f) => cint(doc[f]));
		const open = !["Closed", "Deferred"].includes(doc.status);
		if (doc.status === "Replied" && cint(doc.close_request_cycle) > 0) {
			return [__("Close Rejected"), breached && open ? "red" : "pink", "status,=,Replied"];
		}
		const color = breached && open ? "red" : COMPLAINT_STATUS_COLORS[doc.status] || "gray";
		return [__(doc.status), color, "status,=," + doc.status];
	},
	formatters: {
		customer_name(value, df, doc) {
			const flags = [];
			if (doc.is_external) flags.push(__("External"));
			if (doc.is_repeat) flags.push(__("Repeat"));
			// plain text: the list escapes the title field itself
			const title = `${doc.name} · ${value || ""}`;
			return flags.length ? `${title} (${flags.join(", ")})` : title;
		},
		// time left or late on the earliest running clock, as the form's headline words it ("4 d 23 h left")
		next_due(value, df, doc) {
			if (!value || ["Closed", "Deferred", "Waiting on Customer"].includes(doc.status)) return "";
			const esc = frappe.utils.escape_html;
			const seconds = complaint_mgmt.durations.until(value);
			return `<span class="cm-next-due ${seconds < 0 ? "text-danger" : ""}" title="${esc(frappe.datetime.str_to_user(value))}">`
				+ `${esc(complaint_mgmt.durations.due(seconds))}</span>`;
		},
		sla_status(value) {
			if (!value) return "";
			const color = COMPLAINT_SLA_COLORS[value] || "gray";
			return `<span class="indicator-pill ${color} cm-sla">${frappe.utils.escape_html(__(value))}</span>`;
		},
	},
};

// Complaints handled before the app (Closed / Deferred) from a CSV or XLSX: check first, then import
// (complaint_mgmt.api.import_history; every bad row is listed with its spreadsheet line and writes nothing).
function complaint_import_history() {
	const esc = frappe.utils.escape_html;
	const dialog = new frappe.ui.Dialog({
		title: __("Import History"),
		fields: [
			{ fieldtype: "HTML", options: `<p>${esc(__("Closed or deferred complaints from before; open ones go through Data Import."))}
				<a href="/api/method/complaint_mgmt.api.download_template">${esc(__("Download the template"))}</a></p>` },
			{ fieldname: "file_url", fieldtype: "Attach", label: __("File"), reqd: 1 },
			{ fieldname: "dry_run", fieldtype: "Check", label: __("Only check, write nothing"), default: 1 },
			{ fieldname: "result", fieldtype: "HTML" },
		],
		primary_action_label: __("Run"),
		primary_action(values) {
			dialog.disable_primary_action();
			frappe
				.xcall("complaint_mgmt.api.import_history", { file_url: values.file_url, dry_run: values.dry_run ? 1 : 0 })
				.then((r) => {
					const rows = (r.bad_rows || []).slice(0, 200).map((b) =>
						`<tr><td>${esc(String(b.row))}</td><td>${b.errors.map((e) => esc(`${e.column}: ${e.message}`)).join("<br>")}</td></tr>`);
					dialog.fields_dict.result.$wrapper.html(`<p><b>${esc(r.message)}</b></p>${rows.length
						? `<table class="table table-bordered"><tr><th>${esc(__("Line"))}</th><th>${esc(__("Errors"))}</th></tr>${rows.join("")}</table>`
						: ""}`);
				})
				.finally(() => dialog.enable_primary_action());
		},
	});
	dialog.show();
}
