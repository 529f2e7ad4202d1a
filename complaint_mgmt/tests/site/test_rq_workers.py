"""The sweep's automatic fan-out counts the long-queue workers also after the queue's Redis lost RQ's registry
(ops/rq_workers.py; cluster drill 3 restarts a real Redis). Here real RQ workers are registered in the test
bench's Redis (not started: registration is all RQ's registry knows of a worker), then the registry is emptied
the way a restart empties it, and each worker's heartbeat writes its key again, as a live worker's does after
reconnecting. Every key the test makes is removed afterwards."""

import uuid
from datetime import timedelta

import frappe
import pytest
from frappe.utils.background_jobs import generate_qname, get_redis_conn
from rq import Queue, Worker
from rq.utils import utcformat, utcnow

from complaint_mgmt.engine import deadlines
from complaint_mgmt.ops import rq_workers
from complaint_mgmt.tests.site.test_sweep_fanout import _nothing_due, _seed_due, sweep_jobs  # noqa: F401

REGISTRY = "rq:workers"


@pytest.fixture
def workers():
	"""Make RQ workers of this bench (registered, with a heartbeat); all removed afterwards."""
	connection = get_redis_conn()
	made: list[Worker] = []

	def make(*queues: str) -> Worker:
		worker = Worker(
			[Queue(generate_qname(queue), connection=connection) for queue in queues],
			connection=connection,
			name=f"cm-test-{uuid.uuid4().hex}",
		)
		worker.register_birth()
		worker.heartbeat()
		made.append(worker)
		return worker

	yield make
	for worker in made:
		connection.delete(worker.key)
		connection.srem(REGISTRY, worker.key)
		for queue in worker.queue_names():
			connection.srem(f"{REGISTRY}:{queue}", worker.key)


def forget(worker: Worker) -> None:
	"""What a restart of the queue's Redis does to a live worker: its registration and key are gone; its next
	heartbeat (the first thing it does on reconnecting) writes the key again, with the heartbeat alone."""
	connection = worker.connection
	connection.delete(worker.key)
	connection.srem(REGISTRY, worker.key)
	for queue in worker.queue_names():
		connection.srem(f"{REGISTRY}:{queue}", worker.key)
	worker.heartbeat()


def test_a_registered_long_worker_counts_once_and_a_short_one_not(workers):
	before = rq_workers.long_workers()
	workers("short", "default", "long")
	assert rq_workers.long_workers() == before + 1
	workers("short")
	assert rq_workers.long_workers() == before + 1


def test_workers_forgotten_by_a_redis_restart_still_count(workers):
	before = rq_workers.long_workers()
	first, second = workers("long"), workers("short", "default", "long")
	assert rq_workers.long_workers() == before + 2
	forget(first)
	forget(second)
	connection = get_redis_conn()
	assert not connection.sismember(REGISTRY, first.key)  # RQ's own count has lost them
	assert connection.hkeys(first.key) == [b"last_heartbeat"]
	assert rq_workers.long_workers() == before + 2
	assert {first.name, second.name} <= set(rq_workers.forgotten_workers(set()))


def test_a_forgotten_worker_with_a_stale_or_unreadable_heartbeat_does_not_count(workers):
	before = rq_workers.long_workers()
	dead, garbled = workers("long"), workers("long")
	forget(dead)
	forget(garbled)
	connection = get_redis_conn()
	stale = utcnow() - rq_workers.HEARTBEAT_MAX_AGE - timedelta(seconds=1)
	connection.hset(dead.key, "last_heartbeat", utcformat(stale))  # died after its last beat
	connection.hset(garbled.key, "last_heartbeat", "yesterday")
	assert rq_workers.long_workers() == before
	assert rq_workers.is_recent(utcformat(utcnow()).encode(), utcnow())
	assert not rq_workers.is_recent(None, utcnow())


def test_the_schedule_fans_out_to_forgotten_workers(workers, sweep_jobs):  # noqa: F811
	_nothing_due()
	_seed_due(10 * deadlines.TRANSACTION_SIZE)
	frappe.db.set_single_value("Complaint Settings", "sweep_jobs", 0)
	before = rq_workers.long_workers()
	for _ in range(2):
		forget(workers("short", "default", "long"))
	deadlines.schedule_sweep()
	assert len(sweep_jobs()) == min(10, before + 2) >= 2


def test_a_redis_refusing_the_scan_leaves_the_registry_count(workers, monkeypatch):
	"""A queue Redis whose ACL refuses SCAN (Frappe's RQ users may SCAN; another set-up may not): the schedule
	still runs, on the workers RQ's registry knows."""
	from redis.exceptions import NoPermissionError

	workers("long")
	forgotten = workers("long")
	registered = rq_workers.long_workers()
	forget(forgotten)
	connection = get_redis_conn()

	def refuse(*args, **kwargs):
		raise NoPermissionError("this user has no permissions to run the 'scan' command")

	monkeypatch.setattr(type(connection), "scan_iter", refuse)
	assert rq_workers.long_workers() == registered - 1
