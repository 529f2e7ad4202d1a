"""Command lines and configuration files of the cluster's servers: Debian's MariaDB, Redis and nginx, the bench's
gunicorn, RQ worker and scheduler. Everything lives under one directory per host of the run's workdir; nothing
reads or writes the system services' files (/etc/mysql, /var/lib/mysql, /etc/nginx, /var/log/nginx). No frappe
import."""

import shutil
import subprocess
from pathlib import Path

from benchmarks.replica_server import binary

DB_ROOT_PASSWORD = "cmroot"  # the throw-away servers' admin (root@'%'), only reachable on the private bridge
REPL_USER, REPL_PASSWORD = "repl", "cmrepl"


def mariadb_install(datadir: Path) -> None:
	datadir.parent.mkdir(parents=True, exist_ok=True)
	cmd = [
		binary("mariadb-install-db", "mysql_install_db"),
		"--no-defaults",
		f"--datadir={datadir}",
		"--auth-root-authentication-method=socket",
		"--skip-test-db",
		"--skip-name-resolve",
		"--user=root",
	]
	done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
	if done.returncode:
		raise RuntimeError(f"mariadb-install-db failed: {done.stderr[-2000:]}")


def mariadbd_argv(hostdir: Path, addr: str, server_id: int, primary: bool, pool_mb: int) -> list[str]:
	"""The server of db1 (binary log on) or db2 (read-only replica, relay log), on addr:3306 in its namespace and
	a socket in its directory (the root namespace's admin client uses the socket)."""
	role = (
		[f"--log-bin={hostdir / 'binlog'}", "--binlog-format=ROW", "--sync-binlog=0"]
		if primary
		else [f"--relay-log={hostdir / 'relay-bin'}", "--read-only=1", "--skip-log-bin"]
	)
	return [
		binary("mariadbd", "mysqld"),
		"--no-defaults",
		"--user=root",
		f"--datadir={hostdir / 'data'}",
		f"--socket={hostdir / 'mysqld.sock'}",
		f"--pid-file={hostdir / 'mysqld.pid'}",
		f"--log-error={hostdir / 'error.log'}",
		f"--bind-address={addr}",
		"--port=3306",
		f"--server-id={server_id}",
		"--skip-name-resolve",
		*role,
		"--character-set-server=utf8mb4",
		"--collation-server=utf8mb4_unicode_ci",
		f"--innodb-buffer-pool-size={pool_mb}M",
		"--innodb-flush-log-at-trx-commit=2",
		"--innodb-doublewrite=0",
		"--max-connections=400",
	]


def mysql_client(hostdir: Path) -> list[str]:
	return [
		binary("mariadb", "mysql"),
		"--no-defaults",
		"-u",
		"root",
		"-S",
		str(hostdir / "mysqld.sock"),
		"-N",
		"-B",
	]


def sql(hostdir: Path, query: str, timeout: float = 600) -> list[list[str]]:
	done = subprocess.run(
		[*mysql_client(hostdir), "-e", query], capture_output=True, text=True, timeout=timeout
	)
	if done.returncode:
		raise RuntimeError(f"{query[:160]}: {done.stderr.strip()}")
	return [line.split("\t") for line in done.stdout.splitlines()]


def vertical(hostdir: Path, query: str) -> dict[str, str]:
	"""The first row of `query` as {column: value} (SHOW SLAVE STATUS)."""
	cmd = [a for a in mysql_client(hostdir) if a != "-N"]
	done = subprocess.run([*cmd, "-E", "-e", query], capture_output=True, text=True, timeout=60)
	if done.returncode:
		raise RuntimeError(f"{query}: {done.stderr.strip()}")
	pairs = (line.partition(":") for line in done.stdout.splitlines() if ":" in line)
	return {k.strip(): v.strip() for k, _c, v in pairs if not k.startswith("*")}


ADMIN_USERS = (
	f"CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '{DB_ROOT_PASSWORD}';"
	"GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
	f"CREATE USER IF NOT EXISTS '{REPL_USER}'@'%' IDENTIFIED BY '{REPL_PASSWORD}';"
	f"GRANT REPLICATION SLAVE ON *.* TO '{REPL_USER}'@'%';"
	"FLUSH PRIVILEGES;"
)


def redis_argv(addr: str, hostdir: Path) -> list[str]:
	return [
		binary("redis-server"),
		"--bind",
		addr,
		"--port",
		"6379",
		"--save",
		"",
		"--appendonly",
		"no",
		"--daemonize",
		"no",
		"--dir",
		str(hostdir),
		"--logfile",
		str(hostdir / "redis.log"),
		"--protected-mode",
		"no",
	]


def redis_cli(addr: str, *args: str) -> str:
	done = subprocess.run(
		[binary("redis-cli"), "-h", addr, "-p", "6379", *args], capture_output=True, text=True, timeout=30
	)
	return done.stdout.strip() if done.returncode == 0 else ""


def nginx_config(hostdir: Path, addr: str, upstreams: list[str], sites: Path) -> Path:
	"""nginx (Debian's package) as the load balancer: round robin over the web hosts' gunicorns, the way
	``bench setup nginx`` proxies to gunicorn, and the bench's assets served from disk. The access log records
	which web host served each request (``upstream_addr``)."""
	hostdir.mkdir(parents=True, exist_ok=True)
	servers = "\n".join(f"\t\tserver {u} max_fails=0;" for u in upstreams)
	conf = f"""
user root;
worker_processes 1;
daemon off;
pid {hostdir}/nginx.pid;
error_log {hostdir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_body_temp_path {hostdir}/client_body;
	proxy_temp_path {hostdir}/proxy;
	fastcgi_temp_path {hostdir}/fastcgi;
	uwsgi_temp_path {hostdir}/uwsgi;
	scgi_temp_path {hostdir}/scgi;
	log_format upstream '$remote_addr [$time_iso8601] "$request" $status $upstream_addr $request_time';
	access_log {hostdir}/access.log upstream;
	client_max_body_size 50m;
	upstream frappe-web {{
{servers}
		keepalive 32;
	}}
	server {{
		listen {addr}:80 default_server;
		location /assets {{ root {sites}; try_files $uri =404; }}
		location / {{
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Proto $scheme;
			proxy_read_timeout 120;
			proxy_next_upstream off;
			proxy_pass http://frappe-web;
		}}
	}}
}}
"""
	path = hostdir / "nginx.conf"
	path.write_text(conf)
	return path


def nginx_argv(conf: Path, hostdir: Path) -> list[str]:
	nginx = shutil.which("nginx") or "/usr/sbin/nginx"
	return [nginx, "-c", str(conf), "-p", str(hostdir), "-e", str(hostdir / "error.log")]


def gunicorn_argv(bench: Path, addr: str, workers: int) -> list[str]:
	return [
		str(bench / "env" / "bin" / "gunicorn"),
		"-b",
		f"{addr}:8000",
		"-w",
		str(workers),
		"-t",
		"120",
		"--keep-alive",
		"5",
		"frappe.app:application",
	]


def frappe_argv(bench: Path, *args: str) -> list[str]:
	return [str(bench / "env" / "bin" / "python"), "-m", "frappe.utils.bench_helper", "frappe", *args]
