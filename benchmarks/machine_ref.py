"""How fast this machine runs Python at the moment: the CPU milliseconds of a fixed workload shaped like a Frappe
request's (pickling a meta-sized document, JSON, sorting), the median of a few rounds.

Machines "of the same kind" differ: on 2026-12-06 one 2-core machine spent 1.7x the CPU of another on the same
procedure action, and a machine's speed can swing between minutes. The load benchmark prints this figure
before and after its load (``machine_ref_ms``), so that its CPU and latency figures can be read against the
machine they came from: a request costs about as many times more as this figure is larger."""

import json
import pickle
import statistics
import time

ROUNDS = 5


def workload() -> None:
	doc = {
		"doctype": "Complaint",
		"fields": [
			{"fieldname": f"field_{i}", "label": f"Field {i}", "fieldtype": "Data", "options": None, "idx": i}
			for i in range(300)
		],
	}
	for _ in range(40):
		pickle.loads(pickle.dumps(doc))
		json.loads(json.dumps(doc))
		sorted(str(i) for i in range(2000))


def reference_ms(rounds: int = ROUNDS, work=workload) -> float:
	"""The median CPU time (this process's, not the wall clock) of `rounds` runs of `work`, in ms."""
	times = []
	for _ in range(rounds):
		start = time.process_time()
		work()
		times.append((time.process_time() - start) * 1000)
	return round(statistics.median(times), 1)
