# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt
"""Complaint summary by category: complaints received in the period per category of the classification tree,
each node counting its whole subtree (lft/rgt), internal and external complaints in separate columns.
Complaint rate = the node's complaints as a share of all complaints of the period; when Complaint Settings has
an order count per week, also complaints per 1,000 orders (orders = orders per week x days / 7)."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import flt

from complaint_mgmt.outputs import reporting
from complaint_mgmt.procedure import report_stats


def execute(filters=None):
	filters = frappe._dict(filters or {})
	counts = leaf_counts(filters)
	total = sum(internal + external for internal, external in counts.values())
	orders = order_count(filters)
	rows = rollup(counts, total, orders)
	external = sum(ext for _internal, ext in counts.values())
	return get_columns(), rows, None, get_chart(rows), get_summary(total, external, orders)


def leaf_counts(filters) -> dict[str | None, tuple[int, int]]:
	"""category -> (internal count, external count) of the period's complaints: the counted ones from the
	daily rows, the others from the complaints (one grouped query each)."""
	start, end = reporting.period(filters)
	scope = reporting.department_scope(filters)
	c = frappe.qb.DocType("Complaint")
	query = (
		frappe.qb.from_(c)
		.select(c.category, c.is_external, Count("*").as_("n"))
		.where((c.received_on >= start) & (c.received_on < end) & reporting.uncounted(c))
		.groupby(c.category, c.is_external)
	)
	rows = reporting.restrict(query, c.department, scope).run(as_dict=True)
	rows += reporting.daily_rows(
		report_stats.COUNT,
		filters,
		scope,
		[lambda t: t.value.as_("category"), lambda t: t.is_external],
		["n"],
		where=lambda t: t.dimension == report_stats.CATEGORY,
	)
	counts: dict[str | None, list[int]] = {}
	for row in rows:
		counts.setdefault(row.category or None, [0, 0])[1 if row.is_external else 0] += int(row.n)
	return {key: (value[0], value[1]) for key, value in counts.items()}


def order_count(filters) -> float:
	per_week = flt(frappe.db.get_single_value("Complaint Settings", "orders_per_week"))
	return per_week * reporting.period_days(filters) / 7.0


def rollup(counts: dict, total: int, orders: float) -> list[dict]:
	"""One row per category with complaints in its subtree, in tree order with indentation."""
	categories = frappe.get_all(
		"Complaint Category",
		fields=["name", "lft", "rgt", "parent_complaint_category"],
		order_by="lft asc",
	)
	by_name = {cat.name: cat for cat in categories}
	rows, stack = [], []
	for cat in categories:
		while stack and stack[-1] < cat.lft:
			stack.pop()
		indent = len(stack)
		stack.append(cat.rgt)
		internal = external = 0
		for name, (i, e) in counts.items():
			leaf = by_name.get(name)
			if leaf and cat.lft <= leaf.lft <= cat.rgt:
				internal += i
				external += e
		if not internal + external:
			continue
		rows.append(
			{
				"category": cat.name,
				"parent_category": cat.parent_complaint_category,
				"indent": indent,
				"complaints": internal,
				"external": external,
				"total": internal + external,
				"rate": reporting.share(internal + external, total),
				"per_1000_orders": flt(1000.0 * (internal + external) / orders, 2) if orders else None,
			}
		)
	uncategorised = counts.get(None)
	if uncategorised:
		internal, external = uncategorised
		rows.append(
			{
				"category": None,
				"indent": 0,
				"complaints": internal,
				"external": external,
				"total": internal + external,
				"rate": reporting.share(internal + external, total),
				"per_1000_orders": flt(1000.0 * (internal + external) / orders, 2) if orders else None,
			}
		)
	return rows


def get_columns() -> list[dict]:
	return [
		{"fieldname": "category", "label": _("Category"), "fieldtype": "Link",
		 "options": "Complaint Category", "width": 240},
		{"fieldname": "complaints", "label": _("Internal Complaints"), "fieldtype": "Int", "width": 150},
		{"fieldname": "external", "label": _("External Complaints"), "fieldtype": "Int", "width": 160},
		{"fieldname": "total", "label": _("Total"), "fieldtype": "Int", "width": 90},
		{"fieldname": "rate", "label": _("Complaint Rate (%)"), "fieldtype": "Percent", "width": 150},
		{"fieldname": "per_1000_orders", "label": _("Per 1,000 Orders"), "fieldtype": "Float",
		 "precision": 2, "width": 140},
	]  # fmt: skip


def get_chart(rows: list[dict]) -> dict | None:
	top = [row for row in rows if row["indent"] == 1]
	if not top:
		return None
	return {
		"data": {
			"labels": [row["category"] for row in top],
			"datasets": [
				{"name": _("Internal Complaints"), "values": [row["complaints"] for row in top]},
				{"name": _("External Complaints"), "values": [row["external"] for row in top]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}


def get_summary(total: int, external: int, orders: float) -> list[dict]:
	summary = [
		{
			"label": _("Internal Complaints"),
			"value": total - external,
			"datatype": "Int",
			"indicator": "Blue",
		},
		{"label": _("External Complaints"), "value": external, "datatype": "Int", "indicator": "Red"},
		{"label": _("Total"), "value": total, "datatype": "Int"},
	]
	if orders:
		summary.append(
			{"label": _("Per 1,000 Orders"), "value": flt(1000.0 * total / orders, 2), "datatype": "Float"}
		)
	return summary
