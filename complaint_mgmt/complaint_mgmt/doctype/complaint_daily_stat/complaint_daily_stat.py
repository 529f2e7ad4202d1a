# Copyright (c) 2026, complaint_mgmt developers
# For license information, please see license.txt

from frappe.model.document import Document


class ComplaintDailyStat(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acknowledge_n: DF.Int
		acknowledge_s: DF.Float
		approval_n: DF.Int
		approval_s: DF.Float
		close_decided: DF.Int
		close_on_time: DF.Int
		close_request_n: DF.Int
		close_request_s: DF.Float
		close_request_to_closure_n: DF.Int
		close_request_to_closure_s: DF.Float
		closed: DF.Int
		closed_first: DF.Int
		closed_second: DF.Int
		day: DF.Date
		department: DF.Link | None
		first_closures: DF.Int
		first_irrational: DF.Int
		first_reply_decided: DF.Int
		first_reply_n: DF.Int
		first_reply_on_time: DF.Int
		first_reply_s: DF.Float
		monitor: DF.Int
		received: DF.Int
		received_to_close_request_n: DF.Int
		received_to_close_request_s: DF.Float
		repeats: DF.Int
		return_visit_decided: DF.Int
		return_visit_n: DF.Int
		return_visit_on_time: DF.Int
		return_visit_s: DF.Float
		second_closures: DF.Int
		secondary_irrational: DF.Int
		transfer_decided: DF.Int
		transfer_n: DF.Int
		transfer_on_time: DF.Int
		transfer_s: DF.Float
		watch: DF.Int
	# end: auto-generated types
	"""Kept by complaint_mgmt.outputs.report_stats only (read-only on the desk)."""

	pass
