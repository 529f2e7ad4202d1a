"""Issue 11: the demo site shows amounts in yuan (plain Frappe has no company currency: without the global
default the desk showed the first Currency record, the UAE dirham "د.إ"); loading the demo again changes nothing."""

import frappe
import pytest

from complaint_mgmt.setup import demo


@pytest.fixture
def clean_caches():
	"""The defaults and System Settings are cached outside the transaction: drop them with the rollback."""
	yield
	frappe.db.rollback()
	frappe.clear_cache()


def test_the_demo_sets_yuan_and_a_plain_number_format(clean_caches, monkeypatch):
	cleared, clear_cache = [], frappe.clear_cache

	def counting_clear_cache(*args, **kwargs):
		if not args and not kwargs:
			cleared.append(1)  # the whole cache (Frappe's defaults clear their own part with user=...)
		return clear_cache(*args, **kwargs)

	monkeypatch.setattr(frappe, "clear_cache", counting_clear_cache)
	frappe.db.set_default("currency", "AED")
	frappe.db.set_single_value("System Settings", "number_format", "#.###,##")
	frappe.db.set_default("number_format", "#.###,##")
	demo.set_money_format()
	assert frappe.db.get_default("currency") == "CNY"
	assert frappe.db.get_single_value("System Settings", "number_format") == "#,###.##"
	assert frappe.db.get_default("number_format") == "#,###.##"
	assert frappe.db.get_value("Currency", "CNY", ["enabled", "symbol"]) == (1, "¥")
	assert frappe.format_value(1234.5, {"fieldtype": "Currency"}) == "¥ 1,234.50"
	assert cleared == [1]  # the cached boot info (sysdefaults) is dropped once
	demo.set_money_format()
	assert cleared == [1]  # idempotent: nothing to change, no cache dropped
	monkeypatch.undo()
