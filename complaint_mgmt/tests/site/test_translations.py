"""Every label, option, message and report column ships in Chinese."""

import frappe

from complaint_mgmt.setup import i18n


def test_rule_messages_are_collected():
	messages = i18n.rule_messages()
	assert "Received On {0} lies in the future." in messages
	assert len(messages) >= 20


def test_app_messages_include_labels_and_options():
	messages = i18n.app_messages()
	for text in ("Complaint", "Transfer Due", "Second Closure", "Consumer Association", "Monthly Repeat"):
		assert text in messages, text


def test_every_message_has_a_chinese_translation():
	missing = i18n.missing_translations("zh")
	assert missing == [], f"{len(missing)} messages without zh translation, e.g. {missing[:10]}"


def test_chinese_is_applied_at_runtime():
	frappe.local.lang = "zh"
	frappe.local.lang_full_dict = None
	try:
		assert frappe._("Complaint") == "客户抱怨"
		assert frappe._("Second Closure") == "二次关闭"
	finally:
		frappe.local.lang = "en"
		frappe.local.lang_full_dict = None
