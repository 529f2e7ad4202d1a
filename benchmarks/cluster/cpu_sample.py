"""Where the machine's CPU goes while the cluster is loaded: every host's processes (``ip netns pids``) and the
machine as a whole (``/proc/stat``), sampled from ``/proc`` in a thread. No frappe import.

``with HostCpu(c) as cpu: ...`` then ``cpu.cores(t0, t1)``: {host: cores used on average between the wall-clock
instants t0 and t1, ..., "outside the hosts": the rest of the machine's busy time (the load generator, the
kernel's own threads), "machine": all of it}; a machine of 2 cores is saturated at 2.0."""

import os
import threading
import time
from itertools import pairwise
from pathlib import Path

CLK = os.sysconf("SC_CLK_TCK")


def process_stat(pid: int) -> tuple[int, int, int] | None:
	"""(parent pid, own utime + stime, reaped children's cutime + cstime) of `pid` (None: it is gone)."""
	try:
		stat = Path(f"/proc/{pid}/stat").read_text()
	except OSError:
		return None
	fields = stat[stat.rindex(")") + 2 :].split()  # after the command name, which may hold spaces
	return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def machine_busy_jiffies() -> int:
	"""Busy time of all CPUs since boot: everything but idle and iowait."""
	values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
	return sum(values) - values[3] - values[4]


class HostCpu(threading.Thread):
	def __init__(self, c, every: float = 2.0):
		super().__init__(daemon=True)
		self.c, self.every = c, every
		self.hosts = list(c.net.hosts)
		self.samples: list[tuple[float, int, dict[int, tuple]]] = []
		self.stopping = threading.Event()

	def read(self) -> tuple[float, int, dict[int, tuple]]:
		"""(wall clock, the machine's busy jiffies, {pid: (host, parent, own, reaped children's)})."""
		pids: dict[int, tuple] = {}
		for host in self.hosts:
			for pid in self.c.net.pids(host):
				stat = process_stat(pid)
				if stat is not None:
					pids[pid] = (host, *stat)
		return time.time(), machine_busy_jiffies(), pids

	def run(self) -> None:
		while not self.stopping.is_set():
			self.samples.append(self.read())
			self.stopping.wait(self.every)

	def __enter__(self) -> "HostCpu":
		self.start()
		return self

	def __exit__(self, *exc) -> None:
		self.stopping.set()
		self.join(timeout=30)

	def cores(self, t0: float, t1: float) -> dict[str, float]:
		"""Average cores per host between t0 and t1 (the samples inside the window; {} when fewer than two)."""
		inside = [s for s in self.samples if t0 <= s[0] <= t1]
		if len(inside) < 2:
			return {}
		used = dict.fromkeys(self.hosts, 0)
		for (_t, _m, before), (_t2, _m2, after) in pairwise(inside):
			for host, jiffies in interval_jiffies(before, after).items():
				used[host] += jiffies
		seconds = (inside[-1][0] - inside[0][0]) * CLK
		machine = inside[-1][1] - inside[0][1]
		out = {host: round(j / seconds, 2) for host, j in used.items()}
		out["outside the hosts"] = round(max(0, machine - sum(used.values())) / seconds, 2)
		out["machine"] = round(machine / seconds, 2)
		return out


def interval_jiffies(before: dict[int, tuple], after: dict[int, tuple]) -> dict[str, int]:
	"""CPU per host between two samples. A process seen in both counts what it used and what its children that
	ended in between used (the parent's cutime + cstime grow by their whole lives when it reaps them: an RQ job's
	work horse, a gunicorn worker), less what was already counted of those children (their totals at the first
	sample). A process that started and ended between two samples is counted through its parent only."""
	used: dict[str, int] = {}
	for pid, (host, _parent, own, reaped) in after.items():
		if pid in before:
			_h, _p, own0, reaped0 = before[pid]
			used[host] = used.get(host, 0) + max(0, own - own0) + max(0, reaped - reaped0)
	for pid, (host, parent, own, reaped) in before.items():
		if pid not in after and parent in before and parent in after:
			used[host] = max(0, used.get(host, 0) - own - reaped)
	return used
