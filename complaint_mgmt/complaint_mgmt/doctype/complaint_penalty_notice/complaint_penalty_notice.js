// A penalty notice is never edited or deleted, only cancelled with a reason (kept visible) and amended.

// The stored title (notice_title in complaint_penalty_notice.py) names the breach type in English:
// "Sales · First Reply · Wang Fang (CMP-2026-00012)"; the form shows it in the user's language.
function translated_title(doc) {
	const breach = (label) =>
		doc.breach_type === "Monthly Repeat" && doc.period ? `${label} #${doc.period}` : label;
	const stored = [doc.department, breach(doc.breach_type)].join(" · ");
	if (!doc.title || !doc.title.startsWith(stored)) return doc.title;
	return [doc.department, breach(__(doc.breach_type))].join(" · ") + doc.title.slice(stored.length);
}

frappe.ui.form.on("Complaint Penalty Notice", {
	refresh(frm) {
		show_why(frm);
		if (!frm.is_new() && frm.doc.title) {
			frm.page.set_title(translated_title(frm.doc));
		}
		if (frm.doc.docstatus === 2 && frm.doc.cancel_reason) {
			frm.dashboard.set_headline(
				__("Cancelled: {0}", [frappe.utils.escape_html(frm.doc.cancel_reason)]),
				"red"
			);
		}
		if (frm.doc.appeal_status === "Open") {
			frm.dashboard.set_headline(__("Under appeal: the notice is executed once the appeal is decided."), "orange");
		}
		show_appeal_actions(frm);
		show_execution_actions(frm);
		if (frm.doc.complaint) {
			frm.add_custom_button(__("Complaint"), () =>
				frappe.set_route("Form", "Complaint", frm.doc.complaint)
			);
		}
	},

	before_cancel(frm) {
		if ((frm.doc.cancel_reason || "").trim()) {
			return;
		}
		frappe.validated = false;
		frappe.prompt(
			{
				fieldname: "reason",
				fieldtype: "Small Text",
				label: __("Reason for cancelling"),
				reqd: 1,
			},
			(values) => {
				frappe.db
					.set_value(frm.doctype, frm.doc.name, "cancel_reason", values.reason)
					.then(() => frm.reload_doc())
					.then(() => frm.savecancel());
			},
			__("Cancel Penalty Notice"),
			__("Continue")
		);
	},
});

// Execution (issue 19 §6): the executor marks a notice executed after confirming what is executed, and may undo
// it on the day it was made, with a reason (outputs/execution.py checks the role, the day and the reason).
function show_execution_actions(frm) {
	const executor = ["Complaint Penalty Executor", "System Manager"].some((r) => frappe.user.has_role(r));
	if (!executor || frm.doc.docstatus !== 1) return;
	if (!frm.doc.executed && frm.doc.appeal_status !== "Open") {
		// the executor has no Submit right: the server action marks the notice (execution.mark_executed)
		frm.add_custom_button(__("Mark Executed"), () =>
			frappe.confirm(
				__("Mark penalty notice {0} of {1} ({2}) executed?", [
					frm.doc.name,
					frappe.utils.escape_html(frm.doc.department || ""),
					format_currency(frm.doc.amount || 0),
				]),
				() =>
					frappe
						.xcall("complaint_mgmt.outputs.execution.mark_executed", { notice: frm.doc.name })
						.then(() => frm.reload_doc())
			)
		).addClass("btn-primary");
	}
	const today = frappe.datetime.get_today();
	if (frm.doc.executed && frm.doc.executed_on && frm.doc.executed_on.slice(0, 10) === today) {
		frm.add_custom_button(__("Undo Execution"), () =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				(values) =>
					frappe
						.xcall("complaint_mgmt.outputs.execution.undo_execution", {
							notice: frm.doc.name,
							reason: values.reason,
						})
						.then(() => frm.reload_doc()),
				__("Undo Execution"),
				__("Undo")
			)
		);
	}
}

// Appeals (issue 18): the department's manager appeals a notice (complaint_mgmt.api.appeal_notice); whoever may
// read appeals opens the notice's appeal. The server checks every rule (late, second, other department).
function show_appeal_actions(frm) {
	if (frm.doc.appeal_status && frappe.model.can_read("Complaint Penalty Appeal")) {
		frm.add_custom_button(__("Appeal"), () =>
			frappe.set_route("List", "Complaint Penalty Appeal", { notice: frm.doc.name })
		);
		return;
	}
	if (frm.doc.docstatus !== 1 || frm.doc.executed || frm.doc.appeal_status || !frm.doc.department) return;
	frappe.db.get_value("Complaint Department", frm.doc.department, "manager").then(({ message }) => {
		if (!message || message.manager !== frappe.session.user) return;
		frm.add_custom_button(__("Appeal"), () =>
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
				(values) =>
					frappe
						.xcall("complaint_mgmt.api.appeal_notice", { notice: frm.doc.name, reason: values.reason })
						.then((appeal) => frappe.set_route("Form", "Complaint Penalty Appeal", appeal.name)),
				__("Appeal Penalty Notice"),
				__("Appeal")
			)
		);
	});
}

// "Why this notice" (issue 18): how the sweep reached the notice, rendered by the server in the reader's language
// (__onload.why: a paragraph and a table; engine/notice_why.py).
function show_why(frm) {
	const field = frm.get_field("why_html");
	const why = (frm.doc.__onload || {}).why;
	if (!field || !why) return;
	const esc = frappe.utils.escape_html;
	const rows = (why.rows || [])
		.map(([label, value]) => `<tr><td class="text-muted" style="width: 30%">${esc(label)}</td><td>${esc(value)}</td></tr>`)
		.join("");
	field.$wrapper.html(
		`<div class="cpn-why"><p>${esc(why.paragraph || "")}</p>` +
			(rows ? `<table class="table table-bordered table-sm"><tbody>${rows}</tbody></table>` : "") +
			"</div>"
	);
}
