// Copyright (c) 2026, complaint_mgmt developers
// For license information, please see license.txt

// Durations as people read them: "4 d 23 h", "5 h 12 min", "4 天 23 小时". The twin of
// complaint_mgmt/procedure/durations.py (same words, same rounding: tests/pure/test_durations.py runs both).
// Loaded on every desk page (hooks.app_include_js): complaint_mgmt.durations.format(seconds[, lang]).

(function (root) {
	const MINUTE = 60;
	const WORDS = {
		en: {
			d: "{0} d",
			h: "{0} h",
			min: "{0} min",
			under_minute: "< 1 min",
			left: "{0} left",
			overdue: "overdue by {0}",
			due_in: "{1} due in {0}",
			overdue_clock: "{1} overdue by {0}",
		},
		zh: {
			d: "{0} 天",
			h: "{0} 小时",
			min: "{0} 分钟",
			under_minute: "不到 1 分钟",
			left: "剩余 {0}",
			overdue: "逾期 {0}",
			due_in: "{1}剩余 {0}",
			overdue_clock: "{1}逾期 {0}",
		},
	};
	const fill = (template, args) => template.replace(/\{(\d)\}/g, (_m, i) => String(args[Number(i)]));
	const current_lang = () => (root.frappe && root.frappe.boot && root.frappe.boot.lang) || "en";

	function words(lang) {
		return String(lang == null ? current_lang() : lang).toLowerCase().startsWith("zh") ? WORDS.zh : WORDS.en;
	}

	function parts(seconds) {
		const minutes = Math.floor(Math.abs(Number(seconds) || 0) / MINUTE);
		const days = Math.floor(minutes / 1440);
		const rest = minutes % 1440;
		return [days, Math.floor(rest / 60), rest % 60];
	}

	function format(seconds, lang) {
		const w = words(lang);
		const [days, hours, minutes] = parts(seconds);
		let units;
		if (days) units = [["d", days], ["h", hours]];
		else if (hours) units = [["h", hours], ["min", minutes]];
		else if (minutes) units = [["min", minutes]];
		else return w.under_minute;
		return units.filter(([, n]) => n).map(([unit, n]) => fill(w[unit], [n])).join(" ");
	}

	const left = (seconds, lang) => fill(words(lang).left, [format(seconds, lang)]);
	const overdue = (seconds, lang) => fill(words(lang).overdue, [format(seconds, lang)]);
	const due = (seconds, lang) => (seconds < 0 ? overdue(seconds, lang) : left(seconds, lang));
	const clock = (label, seconds, lang) =>
		fill(words(lang)[seconds < 0 ? "overdue_clock" : "due_in"], [format(seconds, lang), label]);
	// seconds from now until a datetime string of the server ("2026-01-05 10:00:00", system time zone)
	const until = (datetime_str) => {
		const now = root.frappe.datetime.now_datetime();
		return (root.frappe.datetime.str_to_obj(datetime_str) - root.frappe.datetime.str_to_obj(now)) / 1000;
	};

	const api = { format, left, overdue, due, clock, until, parts, words };
	if (typeof module !== "undefined" && module.exports) module.exports = api;
	if (root.frappe) {
		root.frappe.provide("complaint_mgmt");
		root.complaint_mgmt.durations = api;
	}
})(typeof window !== "undefined" ? window : globalThis);
