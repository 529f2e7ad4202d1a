"""Server CPU per request, for the load benchmarks (issue 20 §4): with ``complaint_mgmt_cpu_probe`` set in the
site's config, every response carries ``X-Complaint-CPU-Ms``, the CPU time (user + system) the serving process
spent since it finished the previous request: the whole request, from Frappe's session set-up to the commit and
the after-request hooks (Frappe runs its before_request hooks only after the session is loaded, so a start mark
taken there would miss it). The first request of a process carries no figure. Off by default: a benchmark sets
the flag on its own site and removes it afterwards; the figure says nothing about any document."""

import time

import frappe

HEADER = "X-Complaint-CPU-Ms"
FLAG = "complaint_mgmt_cpu_probe"
# CPU time of this process when it finished its previous request (gunicorn's sync workers serve one at a time)
_previous_end: list[float | None] = [None]


def add_cpu_header(response=None, request=None) -> None:
	"""after_request hook, last of the app's: the CPU this request cost, in the response's header."""
	now = time.process_time()
	previous, _previous_end[0] = _previous_end[0], now
	if response is None or previous is None or not frappe.conf.get(FLAG):
		return
	response.headers[HEADER] = f"{(now - previous) * 1000:.2f}"
