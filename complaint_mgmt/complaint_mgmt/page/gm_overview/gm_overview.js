// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// The general manager's screen (issue 19 §6): overdue and penalties per department this week and last, the
// trend over 12 weeks per clock, the bulletins waiting for the signature (signed from here) and the overdue
// corrective-action reviews. One call: complaint_mgmt.outputs.gm_overview.get_overview (GM / System Manager).

(function () {
	frappe.pages["gm-overview"].on_page_load = function (wrapper) {
		const page = frappe.ui.make_app_page({
			parent: wrapper,
			title: __("GM Overview"),
			single_column: true,
		});
		page.main.addClass("cm-gm-overview");
	};

	// every time the page is shown (the first time too): the figures of now
	frappe.pages["gm-overview"].on_page_show = function (wrapper) {
		load(wrapper.page);
	};

	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	const money = (value) => format_currency(value || 0);
	const day = (value) => frappe.datetime.str_to_user(value);
	// every few weeks' date in full on the axis (not "...")
	const CHART_OPTIONS = { axisOptions: { xIsSeries: 1 } };

	function load(page) {
		return frappe.xcall("complaint_mgmt.outputs.gm_overview.get_overview").then((data) => render(page, data));
	}

	function render(page, data) {
		page.main.html(`
			<div class="mb-4 gm-section gm-departments"></div>
			<div class="mb-4 gm-section"><h5>${esc(__("Deadlines missed per week"))}</h5><div class="gm-trend-count"></div></div>
			<div class="mb-4 gm-section"><h5>${esc(__("Penalties per week"))}</h5><div class="gm-trend-amount"></div></div>
			<div class="mb-4 gm-section gm-bulletins"></div>
			<div class="mb-4 gm-section gm-reviews"></div>
		`);
		render_departments(page.main.find(".gm-departments"), data);
		render_trend(page.main, data.trend);
		render_bulletins(page, page.main.find(".gm-bulletins"), data.bulletins);
		render_reviews(page.main.find(".gm-reviews"), data.reviews);
	}

	function table(headers, rows, empty) {
		if (!rows.length) return `<p class="text-muted">${esc(empty)}</p>`;
		const head = headers.map((h) => `<th>${esc(h)}</th>`).join("");
		return `<table class="table table-bordered table-sm"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
	}

	function render_departments($el, data) {
		const rows = data.departments.map(
			(r) => `<tr data-department="${esc(r.department)}">
				<td>${esc(r.department)}</td>
				<td class="text-right gm-overdue-now">${r.overdue_now}</td>
				<td class="text-right gm-missed-this">${r.notices_this_week}</td>
				<td class="text-right gm-amount-this">${esc(money(r.amount_this_week))}</td>
				<td class="text-right gm-missed-last">${r.notices_last_week}</td>
				<td class="text-right gm-amount-last">${esc(money(r.amount_last_week))}</td>
			</tr>`
		);
		$el.html(
			`<h5>${esc(__("Overdue and penalties by department"))}</h5>
			<p class="text-muted small">${esc(
				__("This week from {0}, last week from {1}.", [day(data.this_week), day(data.last_week)])
			)}</p>` +
				table(
					[
						__("Department"),
						__("Overdue now"),
						__("Deadlines missed this week"),
						__("Penalties this week"),
						__("Deadlines missed last week"),
						__("Penalties last week"),
					],
					rows,
					__("No departments yet.")
				)
		);
	}

	function render_trend($main, trend) {
		const labels = trend.weeks.map(day);
		// legends: the clocks (breach types) in the reader's language
		const datasets = Object.keys(trend.counts).map((breach) => ({
			name: __(breach),
			values: trend.counts[breach],
		}));
		new frappe.Chart($main.find(".gm-trend-count")[0], {
			data: { labels, datasets },
			type: "bar",
			height: 240,
			barOptions: { stacked: 1 },
			...CHART_OPTIONS,
		});
		new frappe.Chart($main.find(".gm-trend-amount")[0], {
			data: { labels, datasets: [{ name: __("Penalty amount"), values: trend.amounts }] },
			type: "line",
			height: 200,
			tooltipOptions: { formatTooltipY: (value) => money(value) },
			...CHART_OPTIONS,
		});
	}

	function render_bulletins(page, $el, bulletins) {
		const rows = bulletins.map(
			(b) => `<tr data-bulletin="${esc(b.name)}">
				<td><a href="/app/complaint-penalty-bulletin/${encodeURIComponent(b.name)}">${esc(b.name)}</a></td>
				<td>${esc(day(b.week_start))} – ${esc(day(b.week_end))}</td>
				<td class="text-right">${b.notice_count}</td>
				<td class="text-right">${esc(money(b.total_amount))}</td>
				<td><button class="btn btn-primary btn-xs gm-sign">${esc(__("Sign"))}</button></td>
			</tr>`
		);
		$el.html(
			`<h5>${esc(__("Penalty bulletins waiting for your signature"))}</h5>` +
				table(
					[__("Bulletin"), __("Week"), __("Notices"), __("Total Amount"), ""],
					rows,
					__("No penalty bulletin waits for a signature.")
				)
		);
		$el.find(".gm-sign").on("click", (event) => {
			const name = $(event.currentTarget).closest("tr").attr("data-bulletin");
			sign(page, bulletins.find((b) => b.name === name));
		});
	}

	// The same question as the bulletin's form asks before its Submit (complaint_penalty_bulletin.js).
	function sign(page, bulletin) {
		const question = __(
			"Sign the penalty bulletin for the week {0} to {1} with {2} penalty notices totalling {3}? Once signed, it cannot be changed.",
			[day(bulletin.week_start), day(bulletin.week_end), bulletin.notice_count, money(bulletin.total_amount)]
		);
		frappe.confirm(question, () =>
			frappe.db
				.get_doc("Complaint Penalty Bulletin", bulletin.name)
				.then((doc) => frappe.xcall("frappe.client.submit", { doc }))
				.then(() => {
					frappe.show_alert({
						message: __("Penalty bulletin {0} signed", [bulletin.name]),
						indicator: "green",
					});
					return load(page);
				})
		);
	}

	function render_reviews($el, reviews) {
		const rows = reviews.rows.map(
			(r) => `<tr>
				<td><a href="/app/complaint/${encodeURIComponent(r.complaint)}">${esc(r.complaint)}</a></td>
				<td>${esc(r.department)}</td>
				<td>${esc(r.category)}</td>
				<td>${esc(day(r.due_on))}</td>
				<td class="text-danger">${esc(r.overdue)}</td>
			</tr>`
		);
		$el.html(
			`<h5>${esc(__("Corrective-action reviews overdue ({0})", [reviews.total]))}</h5>` +
				table(
					[__("Complaint"), __("Department"), __("Category"), __("Due On"), __("Overdue")],
					rows,
					__("No corrective-action review is overdue.")
				)
		);
	}
})();
