def get_data() -> dict:
	"""Connections on the Complaint form: its transfer records and penalty notices (cancelled ones included).

	The group labels stay English here and are translated by the desk (form_links renders ``__(label)``): Frappe
	caches the form's meta with this dashboard for every language, so a label translated here reached the next
	reader in the first reader's language (an English user saw 处理 / 处罚 after a Chinese user opened a form)."""
	return {
		"fieldname": "complaint",
		"transactions": [
			{"label": "Handling", "items": ["Complaint Transfer Record"]},
			{"label": "Penalties", "items": ["Complaint Penalty Notice"]},
		],
	}
