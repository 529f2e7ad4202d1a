// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// My work: the user's own open tasks (complaint_mgmt.api.my_work), most urgent first, each with its full text,
// the complaint, the running clock's deadline with a live countdown, the SLA badge and the step's actions. The
// actions open the complaint form's own dialogs (complaint.js: complaint_mgmt.run_action) and call the same API.

frappe.provide("complaint_mgmt");

const CM_SLA_COLOURS = {
	"On Time": "green",
	"Due Soon": "orange",
	Overdue: "red",
	Paused: "yellow",
	Met: "green",
	Missed: "red",
};
const CM_TICK_MS = 30000;

frappe.pages["my-work"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({ parent: wrapper, title: __("My Work"), single_column: true });
	wrapper.my_work = new complaint_mgmt.MyWork(page, wrapper);
};

frappe.pages["my-work"].on_page_show = function (wrapper) {
	if (wrapper.my_work) wrapper.my_work.refresh();
};

// The form's dialogs (complaint.js) without opening a form: its script is evaluated once with the form-event
// registration switched off (the form registers its own handlers when it opens).
complaint_mgmt.load_complaint_actions = function () {
	if (complaint_mgmt.run_action && complaint_mgmt.ACTIONS) return Promise.resolve();
	return new Promise((resolve) => {
		frappe.model.with_doctype("Complaint", () => {
			if (!(complaint_mgmt.run_action && complaint_mgmt.ACTIONS)) {
				const on = frappe.ui.form.on;
				frappe.ui.form.on = () => {};
				try {
					new Function(frappe.get_meta("Complaint").__js || "")();
				} finally {
					frappe.ui.form.on = on;
				}
			}
			resolve();
		});
	});
};

complaint_mgmt.MyWork = class MyWork {
	constructor(page, wrapper) {
		this.page = page;
		this.wrapper = wrapper;
		this.items = [];
		this.page.set_secondary_action(__("Refresh"), () => this.refresh(), "refresh");
		this.page.add_menu_item(__("ToDo List"), () => frappe.set_route("List", "ToDo"));
		this.$body = $(`<div class="cm-my-work"></div>`).appendTo(this.page.main);
		this.add_style();
		this.$body.on("click", "[data-cm-action]", (e) => {
			const $btn = $(e.currentTarget);
			this.take(this.items[Number($btn.attr("data-item"))], $btn.attr("data-cm-action"));
		});
	}

	visible() {
		return frappe.get_route_str() === "my-work";
	}

	refresh() {
		clearInterval(this.timer);
		return frappe.xcall("complaint_mgmt.api.my_work").then((work) => {
			this.items = work.items || [];
			this.business_hours = work.business_hours;
			this.loaded_at = Date.now();
			this.render();
			let ticks = 0;
			this.timer = setInterval(() => {
				if (!this.visible()) return clearInterval(this.timer);
				ticks += 1;
				// business hours: the server counts them every minute (a night does not count); else every 5 minutes
				if ((this.business_hours && ticks % 2 === 0) || ticks % 10 === 0) this.refresh();
				else this.update_countdowns();
			}, CM_TICK_MS);
		});
	}

	seconds_left(item) {
		// wall clock: the server's seconds, less the time since they were read
		return item.clock.seconds - (this.business_hours ? 0 : (Date.now() - this.loaded_at) / 1000);
	}

	countdown(item) {
		return complaint_mgmt.durations.due(this.seconds_left(item));
	}

	update_countdowns() {
		this.items.forEach((item, i) => {
			if (!item.clock) return;
			const late = this.seconds_left(item) < 0;
			const $card = this.$body.find(`.cm-work-card[data-item="${i}"]`);
			if (late && !$card.find(".cm-work-sla.red").length) {
				$card.replaceWith(this.card(item, i)); // just past its deadline: Overdue
				return;
			}
			$card
				.find(".cm-work-countdown")
				.text(this.countdown(item))
				.toggleClass("red", late)
				.toggleClass("blue", !late);
		});
	}

	render() {
		if (!this.items.length) {
			this.$body.html(`<div class="cm-work-empty text-muted">${frappe.utils.escape_html(
				__("Nothing waits on you.")
			)}</div>`);
			return;
		}
		this.$body.html(this.items.map((item, i) => this.card(item, i)).join(""));
	}

	card(item, i) {
		const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
		const c = item.complaint;
		const route = c
			? `/app/complaint/${encodeURIComponent(item.reference_name)}`
			: `/app/${frappe.router.slug(item.reference_type)}/${encodeURIComponent(item.reference_name)}`;
		let badges = "";
		const late = Boolean(item.clock) && this.seconds_left(item) < 0;
		// a deadline just past is Overdue at once (the sweep records it within 5 minutes)
		const sla = late ? "Overdue" : c && c.sla_status;
		if (sla) {
			const label = sla === (c && c.sla_status) ? c.sla_label : __("Overdue");
			badges += `<span class="indicator-pill ${CM_SLA_COLOURS[sla] || "gray"} cm-work-sla">${esc(
				label
			)}</span>`;
		}
		if (item.clock) {
			badges += `<span class="indicator-pill ${late ? "red" : "blue"} cm-work-countdown">${esc(
				this.countdown(item)
			)}</span>`;
		}
		const meta = [];
		if (item.clock) {
			meta.push(
				`<span class="cm-work-due">${esc(__("{0} due", [item.clock.label]))} ${esc(
					frappe.datetime.str_to_user(item.clock.due).replace(/(\d\d:\d\d):\d\d$/, "$1")
				)}</span>`
			);
		} else if (item.date) {
			meta.push(`<span class="cm-work-due">${esc(__("Due"))} ${esc(frappe.datetime.str_to_user(item.date))}</span>`);
		}
		if (c) {
			meta.push(esc(c.customer_name), esc(c.status_label));
			if (c.department) meta.push(esc(c.department));
			if (c.is_external) meta.push(`<span class="text-danger">${esc(__("External channel"))}</span>`);
		} else {
			meta.push(esc(item.reference_label));
		}
		const buttons = (item.actions || []).map(
			(a, k) =>
				`<button class="btn btn-xs ${k === 0 ? "btn-primary" : "btn-default"} cm-work-action" data-item="${i}"
					data-cm-action="${esc(a.action)}">${esc(a.label)}</button>`
		);
		buttons.push(`<a class="btn btn-xs btn-default cm-work-open" href="${route}">${esc(__("Details"))}</a>`);
		return `<div class="cm-work-card" data-item="${i}" data-todo="${esc(item.todo)}"
				data-reference="${esc(item.reference_name)}">
			<div class="cm-work-head">
				<a class="cm-work-ref" href="${route}">${esc(item.reference_name)}</a>${badges}
			</div>
			<div class="cm-work-task">${esc(item.description)}</div>
			<div class="cm-work-meta text-muted">${meta.join(" · ")}</div>
			<div class="cm-work-actions">${buttons.join("")}</div>
		</div>`;
	}

	take(item, action) {
		if (!item || !item.complaint) return;
		complaint_mgmt.load_complaint_actions().then(() => {
			// what the form's dialogs read of `frm`; after the server accepted, the list is read again
			const frm = {
				doctype: "Complaint",
				doc: { doctype: "Complaint", ...item.complaint, name: item.reference_name },
				__cm_status: { approver_roles: item.approver_roles || [] },
				reload_doc: () => this.refresh(),
				is_new: () => false,
			};
			complaint_mgmt.run_action(frm, action);
		});
	}

	add_style() {
		if (document.getElementById("cm-my-work-style")) return;
		$(`<style id="cm-my-work-style">
			.cm-my-work { display: flex; flex-direction: column; gap: 8px; padding: 8px 0; }
			.cm-work-card { border: 1px solid var(--border-color); border-radius: var(--border-radius-md);
				padding: 8px 12px; background: var(--card-bg); }
			.cm-work-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
			.cm-work-ref { font-weight: 600; margin-right: 4px; }
			.cm-work-task { margin: 4px 0; }
			.cm-work-meta { font-size: var(--text-sm); }
			.cm-work-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
			.cm-work-empty { padding: 24px 0; text-align: center; }
			@media (max-width: 576px) {
				.cm-work-card { padding: 6px 8px; }
				.cm-work-task { font-size: var(--text-sm); }
			}
		</style>`).appendTo("head");
	}
};
