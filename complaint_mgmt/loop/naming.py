"""Names of a naming series reserved in blocks: the history import names thousands of complaints at once, the
deadline sweep the penalty notices of a batch. One locked read and one update of the series counter (what
Frappe's ``getseries`` does for one name), formatted by Frappe's own ``parse_naming_series``."""

import frappe
from frappe.model.naming import parse_naming_series
from frappe.utils import cint

NUMBER = "\x00"  # stands for the series number while the name is built


def reserve_names(doctype: str, count: int, series: str | None = None) -> list[str]:
	"""`count` consecutive names of `series` (default: the doctype's autoname, e.g. ``CPN-.YYYY.-.#####``);
	the series row stays locked until the caller's commit."""
	if count <= 0:
		return []
	block: dict = {}

	def take(prefix: str, digits: int) -> str:
		block["start"], block["digits"] = advance_series(prefix, count), digits
		return NUMBER

	template = parse_naming_series(
		series or frappe.get_meta(doctype).autoname, doctype=doctype, number_generator=take
	)
	start, digits = block["start"], block["digits"]
	return [template.replace(NUMBER, str(n).zfill(digits)) for n in range(start + 1, start + count + 1)]


def advance_series(prefix: str, count: int) -> int:
	"""Advance the counter of `prefix` by `count` under its row lock; returns the value before."""
	series = frappe.qb.DocType("Series")
	current = frappe.qb.from_(series).select(series.current).where(series.name == prefix).for_update().run()
	if current and current[0][0] is not None:
		start = cint(current[0][0])
		frappe.qb.update(series).set(series.current, start + count).where(series.name == prefix).run()
		return start
	frappe.qb.into(series).columns(series.name, series.current).insert(prefix, count).run()
	return 0
