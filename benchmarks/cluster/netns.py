"""The hosts of the cluster: Linux network namespaces on one bridge, each with one address of a private /24.

Slot 0 is the documented layout: bridge ``cmbr0`` with 10.77.0.1 in the root namespace (so the bench's processes
and the benchmark clients there reach every host), namespaces ``cm-<host>``, host addresses 10.77.0.<n>. Slot k
(several clusters on one machine, e.g. engineers running drills at once) is ``cmbr<k>``, ``cm<k>-<host>``,
10.77.<k>.<n>. The bridge is the slot's lock: ``ip link add`` fails when it exists, so two clusters never share a
slot. Only what this object made is ever addressed or removed. No frappe import."""

import os
import signal
import subprocess
import time
from pathlib import Path

HOSTS = {
	"db1": 11,
	"db2": 12,
	"redis": 13,
	"web1": 21,
	"web2": 22,
	"lb": 30,
	"worker1": 41,
	"worker2": 42,
}
SLOTS = 10


class NetworkError(RuntimeError):
	pass


# The hosts' /etc/resolv.conf (`ip netns exec` mounts /etc/netns/<namespace>/resolv.conf over it): no name
# server, so a lookup (Frappe's gravatar job asks for gravatar.com when a user is made) fails at once on the
# host's own loopback instead of sending queries towards the machine's name server, which is outside the
# cluster, and waiting 2 x 5 s for each to time out.
NETNS_ETC = Path("/etc/netns")
NO_RESOLVER = "# a host of the complaint_mgmt cluster (benchmarks/cluster): no name server\noptions timeout:1 attempts:1\n"


def resolver_of(ns: str) -> Path:
	return NETNS_ETC / ns / "resolv.conf"


def remove_resolver(ns: str) -> None:
	resolver_of(ns).unlink(missing_ok=True)
	for folder in (NETNS_ETC / ns, NETNS_ETC):
		try:
			folder.rmdir()  # only when empty: /etc/netns may hold other namespaces' files
		except OSError:
			break


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
	done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=60)
	if check and done.returncode:
		raise NetworkError(f"ip {' '.join(args)}: {done.stderr.strip()}")
	return done


class Network:
	def __init__(self, slot: int | None = None):
		self.slot: int | None = None
		self.wanted = slot
		self.hosts: list[str] = []  # namespaces this object made, in order

	# ---- names and addresses
	def ns(self, host: str) -> str:
		return f"cm-{host}" if self.slot == 0 else f"cm{self.slot}-{host}"

	def addr(self, host: str) -> str:
		return f"10.77.{self.slot}.{HOSTS[host]}"

	@property
	def bridge(self) -> str:
		return f"cmbr{self.slot}"

	@property
	def gateway(self) -> str:
		return f"10.77.{self.slot}.1"

	def veth(self, host: str) -> str:
		return f"cmv{self.slot}-{host}"[:15]

	# ---- lifecycle
	def claim(self) -> int:
		"""Create the bridge of the first free slot (or of the slot asked for) and put the gateway address on it."""
		slots = [self.wanted] if self.wanted is not None else list(range(SLOTS))
		for slot in slots:
			if ip("link", "add", f"cmbr{slot}", "type", "bridge", check=False).returncode == 0:
				self.slot = slot
				ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
				ip("link", "set", self.bridge, "up")
				return slot
		taken = ", ".join(f"cmbr{s}" for s in slots)
		raise NetworkError(
			f"no free cluster slot: {taken} exist (another cluster is running, or a run was killed: "
			"scripts/cluster --cleanup <slot> removes a dead one)"
		)

	def add_host(self, host: str) -> None:
		ns, veth = self.ns(host), self.veth(host)
		ip("netns", "add", ns)
		self.hosts.append(host)
		resolver_of(ns).parent.mkdir(parents=True, exist_ok=True)
		resolver_of(ns).write_text(NO_RESOLVER)
		ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns)
		ip("link", "set", veth, "master", self.bridge)
		ip("link", "set", veth, "up")
		ip("-n", ns, "addr", "add", f"{self.addr(host)}/24", "dev", "eth0")
		ip("-n", ns, "link", "set", "eth0", "up")
		ip("-n", ns, "link", "set", "lo", "up")
		ip("-n", ns, "route", "add", "default", "via", self.gateway)

	def sysctl(self, host: str, key: str, value: str) -> None:
		"""A kernel setting of the host's own network stack (per namespace: the machine's stays as it is)."""
		done = subprocess.run(
			["ip", "netns", "exec", self.ns(host), "sysctl", "-q", "-w", f"{key}={value}"],
			capture_output=True,
			text=True,
			timeout=30,
		)
		if done.returncode:
			raise NetworkError(f"sysctl {key} on {host}: {done.stderr.strip()}")

	def pids(self, host: str) -> list[int]:
		done = ip("netns", "pids", self.ns(host), check=False)
		return [int(p) for p in done.stdout.split() if p.strip().isdigit()]

	def kill(self, host: str, sig: int = signal.SIGKILL) -> list[int]:
		"""Send `sig` to every process in the host's namespace; the pids signalled."""
		pids = self.pids(host)
		for pid in pids:
			try:
				os.kill(pid, sig)
			except ProcessLookupError:
				pass
		return pids

	def wait_empty(self, host: str, timeout: float) -> bool:
		deadline = time.monotonic() + timeout
		while time.monotonic() < deadline:
			if not self.pids(host):
				return True
			time.sleep(0.2)
		return not self.pids(host)

	def link(self, host: str, up: bool) -> None:
		ip("link", "set", self.veth(host), "up" if up else "down")

	def destroy(self) -> list[str]:
		"""Kill every process in our namespaces, delete them and the bridge; what could not be removed."""
		left = []
		for host in reversed(self.hosts):
			self.kill(host)
			if not self.wait_empty(host, 10):
				left.append(f"processes in {self.ns(host)}: {self.pids(host)}")
			if ip("netns", "del", self.ns(host), check=False).returncode:
				left.append(f"namespace {self.ns(host)}")
			ip("link", "del", self.veth(host), check=False)  # normally gone with its peer
			remove_resolver(self.ns(host))
		self.hosts = []
		if self.slot is not None and ip("link", "show", self.bridge, check=False).returncode == 0:
			if ip("link", "del", self.bridge, check=False).returncode:
				left.append(f"bridge {self.bridge}")
		self.slot = None
		return left


def cleanup_slot(slot: int) -> list[str]:
	"""Remove what a killed run of slot `slot` left (its namespaces, their processes, the bridge)."""
	net = Network(slot)
	net.slot = slot
	existing = set(ip("netns", "list", check=False).stdout.split())
	net.hosts = [h for h in HOSTS if net.ns(h) in existing]
	return net.destroy()
