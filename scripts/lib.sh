# Shared helpers for the project's scripts. They only *use* an existing Frappe v15 bench:
# link this checkout into it as an app, install/migrate it on a site, run commands. They never build Frappe.
set -euo pipefail

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP=complaint_mgmt
: "${HOME:=$(getent passwd "$(id -un)" | cut -d: -f6)}"
BENCH=${FRAPPE_BENCH:-$HOME/frappe-bench}
PY="$BENCH/env/bin/python"

die() {
	echo >&2
	echo "ERROR: $*" >&2
	exit 1
}

step() { echo "==> $*"; }

require_bench() {
	if [ ! -d "$BENCH/apps/frappe" ] || [ ! -x "$PY" ] || [ ! -d "$BENCH/sites" ]; then
		die "No Frappe bench found at $BENCH (expected apps/frappe, env/bin/python and sites/).
       Set FRAPPE_BENCH to your Frappe v15 bench, or create one at ~/frappe-bench (see README: Prerequisites)."
	fi
	local version
	version=$("$PY" -c 'import frappe; print(frappe.__version__)' 2>/dev/null) \
		|| die "The bench's python at $PY cannot import frappe."
	case "$version" in
	15.*) ;;
	*) die "complaint_mgmt needs Frappe v15; the bench at $BENCH has Frappe $version." ;;
	esac
}

# Run a Frappe CLI command the way `bench` does (no dependency on the `bench` executable or PATH).
frappe_cli() {
	(cd "$BENCH/sites" && "$PY" -m frappe.utils.bench_helper frappe "$@")
}

# Make the bench use this checkout as its complaint_mgmt app (what `bench get-app` does, without copying).
link_app() {
	local target="$BENCH/apps/$APP"
	if [ -L "$target" ] || [ ! -e "$target" ]; then
		ln -sfn "$APP_DIR" "$target"
	elif [ "$(realpath "$target")" != "$APP_DIR" ]; then
		die "$target exists and is not this checkout. Move it away (or run from that checkout)."
	fi
	if "$PY" -m pip --version >/dev/null 2>&1; then
		"$PY" -m pip install --quiet --no-deps -e "$target"
	elif command -v uv >/dev/null 2>&1; then
		uv pip install --quiet --python "$PY" --no-deps -e "$target"
	else
		die "Neither pip in $PY nor uv is available to install the app into the bench."
	fi
	grep -qx "$APP" "$BENCH/sites/apps.txt" || printf '\n%s\n' "$APP" >>"$BENCH/sites/apps.txt"
	sed -i '/^$/d' "$BENCH/sites/apps.txt"
	# the app's /assets (public/js/durations.js on every desk page): the link `bench build` makes for an app
	mkdir -p "$BENCH/sites/assets"
	ln -sfn "$target/$APP/public" "$BENCH/sites/assets/$APP"
}

# What the bench's config (sites/common_site_config.json) says, with Frappe's defaults, for the scripts:
#   bench_conf root-login        the MariaDB admin user Frappe creates and drops sites with ("root_login"; its
#                                password: "root_password", same file)
#   bench_conf services          "<name> <host> <port>" of MariaDB and of each Redis (cache, queue), a line each
#   bench_conf next-queue-db     the queue's Redis URL with the next database number
bench_conf() {
	"$PY" - "$BENCH/sites/common_site_config.json" "$1" <<'PY'
import json, sys
from urllib.parse import urlparse
conf, what = json.load(open(sys.argv[1])), sys.argv[2]
redis = {key: urlparse(conf.get(key) or "redis://127.0.0.1:6379") for key in ("redis_cache", "redis_queue")}
if what == "root-login":
	print(conf.get("root_login") or "root")
elif what == "services":
	print("MariaDB", conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306)
	for address in dict.fromkeys((url.hostname or "127.0.0.1", url.port or 6379) for url in redis.values()):
		print("Redis", *address)
elif what == "next-queue-db":
	queue = redis["redis_queue"]
	print(queue._replace(path=f"/{(int(queue.path.strip('/') or 0) + 1) % 16}").geturl())
PY
}

ensure_site() {
	local site=$1
	if [ ! -f "$BENCH/sites/$site/site_config.json" ]; then
		step "Creating site $site"
		local root_login
		root_login=$(bench_conf root-login)
		frappe_cli new-site "$site" --admin-password "${ADMIN_PASSWORD:-admin}" --db-root-username "$root_login" </dev/null \
			|| die "Could not create site $site. Frappe needs MariaDB admin credentials without a prompt:
       put \"root_login\" and \"root_password\" of a MariaDB admin user into $BENCH/sites/common_site_config.json."
	fi
}

install_or_migrate() {
	local site=$1
	if frappe_cli --site "$site" execute frappe.get_installed_apps 2>/dev/null | grep -q "\"$APP\""; then
		step "Migrating $APP on $site"
		frappe_cli --site "$site" migrate
	else
		step "Installing $APP on $site"
		frappe_cli --site "$site" install-app "$APP"
	fi
}

# How pytest's arguments narrow a run, printed as "<names tests> <narrowed>" (1 or 0 each): an argument naming an
# existing test path or node id (from the checkout or here) names tests; that or -k / -m narrows the run. The value
# of another option (-p no:cacheprovider, --maxfail 3) does neither.
narrowing() {
	local names=0 selects=0 arg
	for arg in "$@"; do
		case "$arg" in
		-k* | -m*) selects=1 ;;
		-*) ;;
		*) if [ -e "$APP_DIR/${arg%%::*}" ] || [ -e "${arg%%::*}" ]; then names=1; fi ;;
		esac
	done
	echo "$names $((names | selects))"
}

answers() { "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close()' "$1" "$2" 2>/dev/null; }

# Dies, naming the service, when MariaDB or Redis does not accept a connection: every tier needs both, and an install
# that fails on a refused connection deep in Frappe's cache says less.
require_services() {
	local name host port
	while read -r name host port; do
		answers "$host" "$port" || die "$name does not answer at $host:$port (the bench's common_site_config.json).
       Start it, or point the bench's config at a running one."
	done < <(bench_conf services)
}
