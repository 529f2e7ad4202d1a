"""How many RQ workers may take the sweep's jobs on the long queue (the automatic fan-out, issue 20 §2).

RQ's registry of workers (the ``rq:workers`` set and one set per queue) is lost when the queue's Redis restarts
(it keeps its data in memory), while the workers live on, reconnect and keep taking jobs. Each worker's
heartbeat writes its own key ``rq:worker:<name>`` again, but never its membership in the registry, so RQ's
``Worker.all`` (Frappe's ``get_workers``) forgets them until they are restarted: found by cluster drill 3, where
the sweep then fanned out to one job however many worker hosts ran.

So a worker is counted either from the registry (on the long queue: its queues are known) or, once forgotten by
the registry, from its own key when its last heartbeat is recent (a live worker beats at least every
``worker_ttl - 15`` seconds, also while idle). A forgotten worker's queues were lost with the registry: it counts
as one that may take long jobs (Frappe's default worker listens on every queue). Counting one too many costs a
sweep job that waits in the queue and then finds nothing due (one indexed probe); one too few leaves a host idle.
"""

from datetime import datetime, timedelta

import frappe
from frappe.utils.background_jobs import generate_qname, get_redis_conn, get_workers
from redis.exceptions import ResponseError
from rq.defaults import DEFAULT_WORKER_TTL
from rq.utils import utcnow, utcparse
from rq.worker import Worker

# a live worker's heartbeat is at most this old (RQ's own expiry of a worker's key: worker_ttl + 60 s)
HEARTBEAT_MAX_AGE = timedelta(seconds=DEFAULT_WORKER_TTL + 60)


def long_workers() -> int:
	"""The workers of this bench that may take a job of the long queue: the registered ones listening on it,
	plus the live ones the registry has forgotten."""
	queue = generate_qname("long")
	registered = get_workers()
	on_long = sum(1 for worker in registered if queue in worker.queue_names())
	try:
		forgotten = forgotten_workers({worker.name for worker in registered})
	except ResponseError:  # a queue Redis whose ACL refuses the scan: the registry's count, as RQ sees it
		frappe.logger("complaint_mgmt").warning(
			"rq_workers: the queue's Redis refused the scan", exc_info=True
		)
		forgotten = []
	return on_long + len(forgotten)


def forgotten_workers(registered: set[str], now: datetime | None = None) -> list[str]:
	"""The names of the workers whose key has a recent heartbeat but who are not in RQ's registry."""
	connection = get_redis_conn()
	prefix = Worker.redis_worker_namespace_prefix  # "rq:worker:"; the registry's sets are "rq:workers..."
	now = now or utcnow()
	names = [
		key.decode().removeprefix(prefix) for key in connection.scan_iter(match=f"{prefix}*", count=1000)
	]
	names = [name for name in names if name not in registered]
	pipeline = connection.pipeline(transaction=False)  # every heartbeat in one round trip
	for name in names:
		pipeline.hget(prefix + name, "last_heartbeat")
	return [name for name, beat in zip(names, pipeline.execute(), strict=True) if is_recent(beat, now)]


def is_recent(heartbeat: bytes | None, now: datetime) -> bool:
	"""Whether a worker key's ``last_heartbeat`` (RQ's UTC format) is recent enough for a live worker."""
	if not heartbeat:
		return False
	try:
		beat = utcparse(heartbeat.decode())
	except ValueError:
		return False
	return now - beat <= HEARTBEAT_MAX_AGE
