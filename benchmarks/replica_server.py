"""A throw-away MariaDB server for the replica benchmark: this machine's ``mariadbd`` with its own data directory
under a temporary directory, its own port on 127.0.0.1 and its own socket, read-only for everyone but root (and
the replication thread). No frappe import. ``Replica.stop`` shuts it down and deletes the directory."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

START_TIMEOUT = 120


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


def binary(*names: str) -> str:
	for name in names:
		found = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
		if found:
			return found
	raise SystemExit(f"none of {', '.join(names)} found on this machine")


def stop_group(proc: subprocess.Popen | None, grace: float) -> None:
	"""End a server started in a session of its own (its process group): SIGTERM, `grace` seconds to shut down,
	then SIGKILL. Nothing when it is not running (any more)."""
	if proc is None or proc.poll() is not None:
		return
	try:
		os.killpg(proc.pid, signal.SIGTERM)
		proc.wait(timeout=grace)
	except subprocess.TimeoutExpired:
		os.killpg(proc.pid, signal.SIGKILL)
		proc.wait(timeout=10)
	except ProcessLookupError:
		pass


class Client:
	"""The ``mariadb`` command-line client on one server (socket or host/port), batch mode."""

	def __init__(self, socket_path=None, host=None, port=None, user="root", password=None):
		self.args = [binary("mariadb", "mysql"), "--no-defaults", "-u", user, "-N", "-B"]
		if socket_path:
			self.args += ["-S", str(socket_path)]
		else:
			self.args += ["-h", host or "127.0.0.1", "-P", str(port or 3306), "--protocol=TCP"]
		self.env = {k: v for k, v in os.environ.items() if k != "MYSQL_PWD"}
		if password:
			self.env["MYSQL_PWD"] = password  # not on the command line (ps would show it)

	def sql(self, statement: str, database: str | None = None) -> list[list[str]]:
		cmd = [*self.args, *([database] if database else []), "-e", statement]
		done = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=600)
		if done.returncode:
			raise RuntimeError(f"{statement[:120]}: {done.stderr.strip()}")
		return [line.split("\t") for line in done.stdout.splitlines()]

	def value(self, statement: str):
		rows = self.sql(statement)
		return rows[0][-1] if rows else None

	def status(self, *names: str) -> dict[str, int]:
		quoted = ", ".join(f"'{n}'" for n in names)  # constant names from this module, not input
		rows = self.sql(f"SHOW GLOBAL STATUS WHERE Variable_name IN ({quoted})")
		found = {name: int(value) for name, value in rows}
		return {name: found.get(name, 0) for name in names}

	def vertical(self, statement: str) -> dict[str, str]:
		"""The first row of `statement` as {column: value} (``SHOW SLAVE STATUS``)."""
		cmd = [*(a for a in self.args if a != "-N"), "-E", "-e", statement]
		done = subprocess.run(cmd, capture_output=True, text=True, env=self.env, timeout=60)
		if done.returncode:
			raise RuntimeError(f"{statement}: {done.stderr.strip()}")
		pairs = (line.partition(":") for line in done.stdout.splitlines() if ":" in line)
		return {key.strip(): value.strip() for key, _colon, value in pairs if not key.startswith("*")}

	def load(self, dump: Path, database: str, binlog: bool = True) -> None:
		"""Run a dump file into `database` (binlog=False: not written to this server's binary log)."""
		init = [] if binlog else ["--init-command=SET sql_log_bin=0"]
		with open(dump, "rb") as source:
			done = subprocess.run(
				[*self.args, *init, database], stdin=source, capture_output=True, env=self.env, timeout=3600
			)
		if done.returncode:
			raise RuntimeError(f"loading {dump}: {done.stderr.decode(errors='replace').strip()}")


class Replica:
	"""A replica (read-only, follows only `replicate_db`); with ``as_primary`` a writable server with its binary
	log on instead (the scratch primary of ``replica_benchmark.py --scratch-primary``)."""

	def __init__(self, server_id: int, replicate_db: str, keep: bool = False, as_primary: bool = False):
		self.as_primary = as_primary
		self.dir = Path(tempfile.mkdtemp(prefix="cm-replica-"))
		self.datadir, self.socket = self.dir / "data", self.dir / "mysqld.sock"
		self.port, self.server_id, self.replicate_db, self.keep = free_port(), server_id, replicate_db, keep
		self.log = self.dir / "error.log"
		self.proc: subprocess.Popen | None = None
		self.client = Client(socket_path=self.socket)

	def start(self) -> "Replica":
		user = ["--user=root"] if os.geteuid() == 0 else []
		install = [
			binary("mariadb-install-db", "mysql_install_db"),
			"--no-defaults",
			f"--datadir={self.datadir}",
			"--auth-root-authentication-method=normal",
			"--skip-test-db",
			"--skip-name-resolve",
			*user,
		]
		done = subprocess.run(install, capture_output=True, text=True, timeout=300)
		if done.returncode:
			raise RuntimeError(f"mariadb-install-db failed: {done.stderr[-2000:]}")
		cmd = [
			binary("mariadbd", "mysqld"),
			"--no-defaults",
			f"--datadir={self.datadir}",
			f"--socket={self.socket}",
			f"--port={self.port}",
			"--bind-address=127.0.0.1",
			f"--pid-file={self.dir / 'mysqld.pid'}",
			f"--log-error={self.log}",
			f"--server-id={self.server_id}",
			"--skip-name-resolve",
			*self.role_options(),
			"--character-set-server=utf8mb4",
			"--collation-server=utf8mb4_unicode_ci",
			"--innodb-buffer-pool-size=1G",
			"--innodb-doublewrite=0",
			"--innodb-log-file-size=256M",
			"--innodb-flush-log-at-trx-commit=2",
			"--max-connections=50",
			*user,
		]
		self.proc = subprocess.Popen(
			cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
		)
		deadline = time.monotonic() + START_TIMEOUT
		while time.monotonic() < deadline and self.proc.poll() is None:
			try:
				if self.client.value("SELECT 1") == "1":
					return self
			except RuntimeError:
				pass
			time.sleep(0.5)
		raise RuntimeError(f"the replica did not start: {self.log_tail()}")

	def role_options(self) -> list[str]:
		if self.as_primary:
			return [f"--log-bin={self.dir / 'binlog'}", "--binlog-format=ROW"]
		return [
			"--skip-log-bin",
			f"--relay-log={self.dir / 'relay-bin'}",
			f"--replicate-wild-do-table={self.replicate_db}.%",
			"--read-only=1",  # only root and the replication thread write
		]

	def log_tail(self) -> str:
		try:
			return self.log.read_text(errors="replace")[-2000:]
		except OSError:
			return "(no log)"

	def stop(self) -> None:
		"""Shut the replica down (SIGTERM, then SIGKILL) and delete its directory (unless kept)."""
		stop_group(self.proc, grace=60)
		if not self.keep:
			shutil.rmtree(self.dir, ignore_errors=True)
