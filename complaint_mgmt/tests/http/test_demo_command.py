"""The README's first command, ``scripts/demo``, run as a newcomer runs it, on a site of its own and a free port
(``PORT`` other than the bench's 8000 starts the web server, worker and scheduler itself; 8000 is ``bench
start``). It prints one ready line with the site's URL, a demo login works over HTTP, and stopping it (the
terminal's Ctrl-C, a process manager's TERM) leaves none of its processes running: before, a TERM left the web
server, the worker and the scheduler behind (checked)."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from complaint_mgmt.tests.server import free_port

DEMO = Path(__file__).resolve().parents[3] / "scripts" / "demo"
SITE = "complaint-demo-check.localhost"
PASSWORD = "Complaint#Demo2026"  # the demo logins' (README)
READY_S = 900  # a new site, the app installed, the demo data loaded (a rerun only migrates)


def all_pids() -> set[int]:
	return {int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()}


def stat_fields(pid: int) -> list[str] | None:
	"""/proc/PID/stat after the command name (which may hold spaces): state, parent pid, ...; None: gone."""
	try:
		stat = Path(f"/proc/{pid}/stat").read_text()
	except OSError:
		return None
	return stat[stat.rindex(")") + 2 :].split()


def children_of() -> dict[int, list[int]]:
	found: dict[int, list[int]] = {}
	for pid in all_pids():
		if fields := stat_fields(pid):
			found.setdefault(int(fields[1]), []).append(pid)
	return found


def descendants(pid: int) -> set[int]:
	tree, found, todo = children_of(), set(), [pid]
	while todo:
		for child in tree.get(todo.pop(), []):
			if child not in found:
				found.add(child)
				todo.append(child)
	return found


def running(pids: set[int]) -> set[int]:
	"""The processes of `pids` still running (a zombie waiting for its parent is not)."""
	return {pid for pid in pids if (fields := stat_fields(pid)) and fields[0] != "Z"}


def command_line(pid: int) -> str:
	try:
		return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
	except OSError:
		return "?"


def start_demo(log: Path) -> tuple[subprocess.Popen, int]:
	port = free_port()
	env = {**os.environ, "CM_DEMO_SITE": SITE, "PORT": str(port)}
	with open(log, "wb") as out:
		proc = subprocess.Popen(
			["bash", str(DEMO)],
			stdout=out,
			stderr=subprocess.STDOUT,
			env=env,
			start_new_session=True,  # its own process group: the terminal's foreground group
			# a terminal's foreground command has Ctrl-C's default handling (this runner may have inherited it ignored)
			preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
		)
	deadline = time.monotonic() + READY_S
	while time.monotonic() < deadline:
		if "ready:" in log.read_text(errors="replace"):
			return proc, port
		if proc.poll() is not None:
			break
		time.sleep(1)
	proc.kill()
	pytest.fail(
		f"scripts/demo did not get ready (exit {proc.poll()}):\n{log.read_text(errors='replace')[-3000:]}"
	)


@pytest.mark.parametrize(
	("stop", "exit_code"),
	[("ctrl-c", 130), ("term", 143)],
)
def test_the_demo_command_serves_the_demo_and_stops_whole(tmp_path, stop, exit_code):
	log = tmp_path / "demo.log"
	before = all_pids()
	proc, port = start_demo(log)
	pieces = set()
	try:
		output = log.read_text()
		assert f"ready: http://{SITE}:{port}" in output
		assert "specialist@demo.example.com" in output  # the table of demo logins
		login = requests.post(
			f"http://127.0.0.1:{port}/api/method/login",
			data={"usr": "specialist@demo.example.com", "pwd": PASSWORD},
			headers={"Host": SITE},
			timeout=60,
		)
		assert login.status_code == 200, login.text[:500]
		# its processes: its descendants, and the bench's processes started since (one a subshell left behind
		# would have been re-parented away from it)
		started = {pid for pid in all_pids() - before if "frappe.utils.bench_helper" in command_line(pid)}
		pieces = descendants(proc.pid) | started
		served = [pid for pid in pieces if f"--port {port}" in command_line(pid)]
		assert served, "the web server is one of the demo's processes"
		if stop == "ctrl-c":
			os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends its foreground process group
		else:
			proc.terminate()  # a process manager stops the command it started
		assert proc.wait(timeout=120) == exit_code
		deadline = time.monotonic() + 60  # an RQ worker finishes its warm shutdown
		while running(pieces) and time.monotonic() < deadline:
			time.sleep(1)
		left = running(pieces)
		assert not left, [command_line(pid) for pid in left]
	finally:
		if proc.poll() is None:
			proc.kill()
		for pid in running(pieces):
			os.kill(pid, signal.SIGKILL)
