from frappe import _


def get_data() -> dict:
	"""Connections on the Complaint form: its transfer records and penalty notices (cancelled ones included)."""
	return {
		"fieldname": "complaint",
		"transactions": [
			{"label": _("Handling"), "items": ["Complaint Transfer Record"]},
			{"label": _("Penalties"), "items": ["Complaint Penalty Notice"]},
		],
	}
