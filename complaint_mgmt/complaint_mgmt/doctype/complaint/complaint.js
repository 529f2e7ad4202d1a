// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// Every procedure action opens its dialog and calls complaint_mgmt.api (the single implementation).
// With the Workflow "Complaint Procedure" active, its buttons are intercepted in before_workflow_action so
// Frappe's apply_workflow is never called; without a workflow, the same actions appear as buttons.

frappe.provide("complaint_mgmt");

const FOLLOW_UP = { fieldname: "follow_up_mode", fieldtype: "Select", label: __("Follow-up Mode"),
	options: ["", "Watch", "Monitor"], reqd: 1 };

complaint_mgmt.ACTIONS = {
	Transfer: {
		method: "transfer",
		fields: (frm) => [
			{ fieldname: "department", fieldtype: "Link", label: __("Department"), options: "Complaint Department",
				reqd: 1, get_query: () => ({ filters: { disabled: 0 } }),
				onchange: () => cur_dialog && cur_dialog.set_value("receiver", "") },
			{ fieldname: "receiver", fieldtype: "Link", label: __("Receiver"), options: "User",
				description: __("Empty: the department's designated receiver for this category"),
				// only the chosen department's receivers, members and manager (the server's query)
				get_query: () => ({ query: "complaint_mgmt.api.receiver_query",
					filters: { department: cur_dialog && cur_dialog.get_value("department") } }) },
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
			...(frm.doc.irrational_stage
				? [{ ...FOLLOW_UP, default: frm.doc.follow_up_mode },
					{ fieldname: "irrational_reason", fieldtype: "Small Text", label: __("Why Irrational"),
						reqd: 1, default: frm.doc.irrational_reason }]
				: []),
		],
	},
	Acknowledge: { method: "acknowledge", confirm: __("Sign the transfer record of this complaint?") },
	Reply: {
		method: "reply",
		fields: () => [
			{ fieldname: "content", fieldtype: "Text", label: __("Reply"), reqd: 1 },
			{ fieldname: "visible_to_customer", fieldtype: "Check", label: __("Visible to Customer"),
				description: __("Shown to the customer on the My Complaints page of the website") },
		],
	},
	"Request Close": {
		method: "request_close",
		fields: () => [
			{ fieldname: "resolution", fieldtype: "Small Text", label: __("Resolution"), reqd: 1 },
			{ fieldname: "root_cause", fieldtype: "Small Text", label: __("Root Cause"), reqd: 1 },
			{ fieldname: "corrective_action", fieldtype: "Small Text", label: __("Corrective Action"), reqd: 1,
				description: __("A concrete corrective or preventive action, not \"strengthen training\"") },
			{ fieldname: "compensation_amount", fieldtype: "Currency", label: __("Compensation Amount"), default: 0 },
		],
	},
	"Record Return Visit": {
		method: "record_return_visit",
		args: { satisfied: 1 },
		fields: () => [{ fieldname: "notes", fieldtype: "Small Text", label: __("Return Visit Notes") }],
	},
	"Reject Close": {
		method: "record_return_visit",
		args: { satisfied: 0 },
		fields: () => [{ fieldname: "notes", fieldtype: "Small Text", label: __("Why the customer is not satisfied"),
			reqd: 1 }],
	},
	"Approve Close": {
		method: "approve_close",
		fields: (frm) => [{ fieldname: "summary", fieldtype: "HTML", options: complaint_mgmt.closure_summary(frm) }],
	},
	"Reject Closure": {
		method: "reject_closure",
		fields: () => [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
	},
	"Request Deferral": {
		method: "request_deferral",
		fields: () => [{ fieldname: "reason", fieldtype: "Small Text", label: __("Deferral Reason"), reqd: 1 }],
	},
	"Approve Deferral": { method: "approve_deferral", fields: () => [FOLLOW_UP] },
	"Reject Deferral": {
		method: "reject_deferral",
		fields: () => [{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") }],
	},
	Pause: {
		method: "pause",
		fields: () => [{ fieldname: "reason", fieldtype: "Small Text", label: __("Waiting for"), reqd: 1 }],
	},
	Resume: { method: "resume", confirm: __("The customer is back: resume the clocks?") },
	Regrade: {
		method: "regrade",
		fields: (frm) => [
			{ fieldname: "grade", fieldtype: "Link", label: __("Grade"), options: "Complaint Grade",
				default: frm.doc.grade },
			{ fieldname: "category", fieldtype: "Link", label: __("Category"), options: "Complaint Category",
				default: frm.doc.category },
			{ fieldname: "channel", fieldtype: "Select", label: __("Channel"), default: frm.doc.channel,
				options: frappe.meta.get_docfield("Complaint", "channel").options },
			{ fieldname: "received_on", fieldtype: "Datetime", label: __("Received On"), default: frm.doc.received_on },
			{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
		],
	},
};

// After registration these drive the clocks: only the service center's Regrade action changes them.
complaint_mgmt.CLOCK_INPUTS = ["grade", "category", "channel", "received_on"];
complaint_mgmt.SERVICE_CENTER_ROLES = ["Complaint Specialist", "Complaint Manager"];

// What the approver decides on: the department's result, the compensation and who may approve it.
complaint_mgmt.closure_summary = function (frm) {
	const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
	const roles = ((frm.__cm_status || {}).approver_roles || []).join(", ");
	const rows = [
		[__("Resolution"), esc(frm.doc.resolution)],
		[__("Root Cause"), esc(frm.doc.root_cause)],
		[__("Corrective Action"), esc(frm.doc.corrective_action)],
		[__("Compensation Amount"), format_currency(frm.doc.compensation_amount || 0)],
		[__("Approved by the role"), esc(roles)],
		[__("Return Visit Notes"), esc(frm.doc.return_visit_notes)],
	];
	return `<table class="table table-bordered cm-closure-summary">${rows
		.map(([k, v]) => `<tr><th style="width:35%">${esc(k)}</th><td>${v}</td></tr>`)
		.join("")}</table><p>${esc(__("Approve closing this complaint?"))}</p>`;
};

// The form's headline: the running clocks ("Close due in 4 d 23 h") and whose turn it is, named for every reader
// ("Waiting for Wang Li of Sales to acknowledge the transfer · 25 min left"), refreshed every minute. Only the
// answer to the latest request is shown: a save's two refreshes never leave two headlines.
complaint_mgmt.show_clocks = function (frm) {
	clearInterval(frm.__cm_clock_timer);
	const render = () => {
		const request = (frm.__cm_status_request = (frm.__cm_status_request || 0) + 1);
		const name = frm.doc.name;
		return frappe.xcall("complaint_mgmt.api.form_status", { complaint: name }).then((status) => {
			if (request !== frm.__cm_status_request || frm.doc.name !== name) return;
			frm.__cm_status = status;
			complaint_mgmt.render_headline(frm, status);
			complaint_mgmt.show_actions(frm, status);
		});
	};
	render();
	if (!["Closed", "Deferred"].includes(frm.doc.status)) {
		frm.__cm_clock_timer = setInterval(() => {
			if ($(frm.wrapper).is(":visible") && !frm.is_dirty()) render();
			else clearInterval(frm.__cm_clock_timer);
		}, 60000);
	}
};

complaint_mgmt.render_headline = function (frm, status) {
	const esc = frappe.utils.escape_html;
	let pills = status.clocks.map(
		(c) => `<span class="cm-clock indicator-pill ${c.overdue ? "red" : "blue"}" title="${esc(c.due)}">`
			+ `${esc(c.text)}</span>`
	);
	if (status.paused) {
		pills = [`<span class="cm-clock indicator-pill yellow">${esc(__("Waiting on the customer: the clocks are stopped"))}</span>`];
	}
	const turn = status.whose_turn;
	const next = turn
		? `<span class="cm-next-step ${turn.overdue ? "text-danger" : "text-muted"}">${esc(turn.text)}</span>` : "";
	const hours = status.clocks.length && status.business_hours
		? `<span class="text-muted small">${esc(__("(business hours)"))}</span>` : "";
	if (pills.length || next) {
		frm.dashboard.set_headline(`<div class="cm-clocks" style="display:flex;flex-wrap:wrap;gap:8px;align-items:center">${pills.join("")}${hours}${next}</div>`);
	} else {
		frm.dashboard.clear_headline();
	}
};

// Without the Workflow, the actions the server accepts from this user become buttons (form_status.actions);
// with it, Frappe's Actions menu asks frappe.model.workflow.get_transitions, which the app answers the same way.
complaint_mgmt.show_actions = function (frm, status) {
	if (frappe.model.has_workflow(frm.doctype) || frm.__cm_actions_shown === frm.doc.modified) return;
	frm.__cm_actions_shown = frm.doc.modified;
	(status.actions || []).forEach((action) =>
		frm.add_custom_button(__(action), () => complaint_mgmt.run_action(frm, action), __("Actions"))
	);
};

complaint_mgmt.run_action = function (frm, action) {
	const spec = complaint_mgmt.ACTIONS[action];
	if (!spec) {
		frappe.msgprint(__("Unknown action {0}", [action]));
		return;
	}
	// resolves only when the server accepted the action (a refusal shows its message and rejects)
	const call = (values) =>
		new Promise((resolve, reject) => {
			frappe.call({
				method: "complaint_mgmt.api." + spec.method,
				args: { complaint: frm.doc.name, ...(spec.args || {}), ...(values || {}) },
				freeze: true,
				callback: (r) => (r.exc ? reject(r) : resolve(r)),
				error: reject,
			});
		}).then(() => frm.reload_doc());
	if (spec.confirm) {
		frappe.confirm(spec.confirm, () => call().catch(() => {}));
		return;
	}
	const dialog = new frappe.ui.Dialog({
		title: __(action),
		fields: spec.fields(frm),
		primary_action_label: __(action),
		primary_action(values) {
			// the dialog stays open until the server accepts: a refused vague action keeps what was typed
			dialog.disable_primary_action();
			call(values)
				.then(() => dialog.hide())
				.catch(() => {})
				.finally(() => dialog.enable_primary_action());
		},
	});
	complaint_mgmt.keep_on_escape(dialog);
	dialog.show();
};

// Esc on a message shown above the dialog (the server's refusal) closes the message only: left to Frappe and
// Bootstrap, the same key could close the dialog behind it (whichever modal has the focus), and with it what was
// typed. The key is caught first (window, capture phase) and spent on the message.
complaint_mgmt.keep_on_escape = function (dialog) {
	const on_key = (e) => {
		if (e.key !== "Escape" || !dialog.display) return;
		const $message = $(".modal.show").not(dialog.$wrapper).last();
		if (!$message.length) return;
		e.preventDefault();
		e.stopImmediatePropagation();
		// a message still fading in ignores "hide": it is hidden once shown
		const modal = $message.data("bs.modal");
		if (modal && modal._isTransitioning) $message.one("shown.bs.modal", () => $message.modal("hide"));
		else $message.modal("hide");
	};
	window.addEventListener("keydown", on_key, true);
	dialog.$wrapper.on("hidden.bs.modal", () => {
		if (!dialog.display) window.removeEventListener("keydown", on_key, true);
	});
};

// Connections start collapsed (what a complaint is comes first); a click opens them. Not through
// Section.collapse, which would remember it for every doctype's forms in the browser.
complaint_mgmt.collapse_connections = function (frm) {
	const links = frm.dashboard && frm.dashboard.links_area;
	if (!links || !links.body || !links.head || frm.dashboard.__cm_collapsed) return;
	frm.dashboard.__cm_collapsed = true;
	links.body.addClass("hide");
	links.head.addClass("collapsed");
	links.set_icon(true);
};

frappe.ui.form.on("Complaint", {
	setup(frm) {
		// the server accepts a Contact, or a Customer when ERPNext is installed (complaint_mgmt/party.py)
		frm.set_query("party_type", () => ({ filters: { name: ["in", ["Contact", "Customer"]] } }));
		frm.set_query("reference_doctype", () => ({ filters: { istable: 0, issingle: 0 } }));
	},
	refresh(frm) {
		if (frm.is_new()) return;
		complaint_mgmt.collapse_connections(frm);
		complaint_mgmt.show_clocks(frm);
		complaint_mgmt.show_earlier_complaints(frm);
		const registered = frm.doc.status === "Registered";
		complaint_mgmt.CLOCK_INPUTS.forEach((f) => frm.set_df_property(f, "read_only", registered ? 0 : 1));
		const service_center = complaint_mgmt.SERVICE_CENTER_ROLES.some((r) => frappe.user.has_role(r));
		if (service_center && !registered && !["Closed", "Deferred"].includes(frm.doc.status)) {
			frm.add_custom_button(__("Regrade"), () => complaint_mgmt.run_action(frm, "Regrade"));
		}
		frm.__cm_actions_shown = null;  // custom buttons were cleared by this refresh
	},
	before_workflow_action(frm) {
		// Frappe froze the screen and would call apply_workflow next: run our dialog instead and never resolve.
		frappe.dom.unfreeze();
		complaint_mgmt.run_action(frm, frm.selected_workflow_action);
		frm.selected_workflow_action = null;
		return new Promise(() => {});
	},
});

complaint_mgmt.show_earlier_complaints = function (frm) {
	if (!frm.doc.is_repeat) return;
	frappe.xcall("complaint_mgmt.api.earlier_complaints", { complaint: frm.doc.name }).then((rows) => {
		if (!rows || !rows.length) return;
		const links = rows
			.map((r) => `<a href="/app/complaint/${encodeURIComponent(r.name)}">${frappe.utils.escape_html(r.name)}</a>`
				+ ` (${frappe.utils.escape_html(__(r.status))}, ${frappe.datetime.str_to_user(r.received_on)})`)
			.join(", ");
		frm.dashboard.add_comment(__("Repeat complaint. Earlier complaints of this customer: {0}", [links]), "orange", true);
	});
};
