"""The Email Templates of the customer's e-mails (loop/customer_mail.py): English under the plain name, Chinese
under ``<name> (zh)``. Created once: an administrator's edits are never overwritten (a template they deleted
comes back at the next migrate). Variables: name, customer_name, received_on, link (the complaint's page), and
reply / survey_link, hours / resolution for their e-mail."""

import frappe

from complaint_mgmt.loop import customer_mail

FOOTER_EN = '<p><a href="{{ link }}">{{ link }}</a></p>'
TEMPLATES = {
	customer_mail.ACKNOWLEDGEMENT: (
		"We received your complaint {{ name }}",
		"<p>Dear {{ customer_name }},</p><p>We received your complaint on {{ received_on }}. Its reference number "
		"is <strong>{{ name }}</strong>: please quote it whenever you contact us.</p>"
		"<p>Follow it online:</p>" + FOOTER_EN,
	),
	customer_mail.REPLY: (
		"A reply to your complaint {{ name }}",
		"<p>Dear {{ customer_name }},</p><p>We replied to your complaint <strong>{{ name }}</strong>:</p>"
		'<blockquote style="white-space: pre-wrap">{{ reply | e }}</blockquote>' + FOOTER_EN,
	),
	customer_mail.SURVEY: (
		"Are you satisfied with the solution of your complaint {{ name }}?",
		"<p>Dear {{ customer_name }},</p><p>We propose to close your complaint <strong>{{ name }}</strong>. "
		"Please tell us whether you are satisfied (one answer, within {{ hours }} hours, no login needed):</p>"
		'<p><a href="{{ survey_link }}">{{ survey_link }}</a></p>',
	),
	customer_mail.CLOSURE: (
		"Your complaint {{ name }} is closed",
		"<p>Dear {{ customer_name }},</p><p>Your complaint <strong>{{ name }}</strong> is closed.</p>"
		'<p style="white-space: pre-wrap">{{ resolution | e }}</p><p>Thank you for telling us.</p>'
		+ FOOTER_EN,
	),
}
TEMPLATES_ZH = {
	customer_mail.ACKNOWLEDGEMENT: (
		"我们已收到您的投诉 {{ name }}",
		"<p>尊敬的 {{ customer_name }}：</p><p>我们已于 {{ received_on }} 收到您的投诉，投诉编号为 "
		"<strong>{{ name }}</strong>，联系我们时请提供此编号。</p><p>在线查看处理进度：</p>" + FOOTER_EN,
	),
	customer_mail.REPLY: (
		"您的投诉 {{ name }} 有新的回复",
		"<p>尊敬的 {{ customer_name }}：</p><p>我们对您的投诉 <strong>{{ name }}</strong> 回复如下：</p>"
		'<blockquote style="white-space: pre-wrap">{{ reply | e }}</blockquote>' + FOOTER_EN,
	),
	customer_mail.SURVEY: (
		"您对投诉 {{ name }} 的处理结果满意吗？",
		"<p>尊敬的 {{ customer_name }}：</p><p>我们拟关闭您的投诉 <strong>{{ name }}</strong>。"
		"请在 {{ hours }} 小时内告诉我们您是否满意（仅可回答一次，无需登录）：</p>"
		'<p><a href="{{ survey_link }}">{{ survey_link }}</a></p>',
	),
	customer_mail.CLOSURE: (
		"您的投诉 {{ name }} 已关闭",
		"<p>尊敬的 {{ customer_name }}：</p><p>您的投诉 <strong>{{ name }}</strong> 已关闭。</p>"
		'<p style="white-space: pre-wrap">{{ resolution | e }}</p><p>感谢您的反馈。</p>' + FOOTER_EN,
	),
}


def make_email_templates() -> None:
	for suffix, templates in (("", TEMPLATES), (" (zh)", TEMPLATES_ZH)):
		for base, (subject, body) in templates.items():
			name = base + suffix
			if frappe.db.exists("Email Template", name):
				continue
			frappe.get_doc(
				{
					"doctype": "Email Template",
					"__newname": name,
					"subject": subject,
					"use_html": 1,
					"response_html": body,
				}
			).insert(ignore_permissions=True)  # installer context: runs as Administrator
