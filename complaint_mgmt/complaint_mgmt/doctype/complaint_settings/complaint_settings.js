// The read replica's state for a System Manager (issue 20, drill 5): its lag behind the primary, or that it
// cannot be reached (reports are then served from the primary) or why its lag is unknown.
frappe.ui.form.on("Complaint Settings", {
	refresh(frm) {
		if (!frappe.user.has_role("System Manager")) return;
		frappe.call("complaint_mgmt.ops.replica.replica_status").then((r) => {
			const status = r.message || {};
			if (!status.configured) return;
			const ok = status.reachable && status.lag_seconds !== null && status.lag_seconds !== undefined;
			const colour = !status.reachable ? "red" : ok && status.lag_seconds < 60 ? "green" : "orange";
			frm.dashboard.set_headline(
				`<span class="indicator ${colour}">${__("Read replica")}: ${frappe.utils.escape_html(
					status.message || ""
				)}</span>`,
				colour
			);
		});
	},
});
