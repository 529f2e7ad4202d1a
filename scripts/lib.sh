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

# The MariaDB admin user Frappe creates and drops sites with (its password: "root_password", same file).
db_root_login() {
	"$PY" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("root_login") or "root")' \
		"$BENCH/sites/common_site_config.json"
}

ensure_site() {
	local site=$1
	if [ ! -f "$BENCH/sites/$site/site_config.json" ]; then
		step "Creating site $site"
		local root_login
		root_login=$(db_root_login)
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

# host port of MariaDB ("db_host" / "db_port" of common_site_config.json) and of Redis ("redis_cache"), a line each
service_addresses() {
	"$PY" - "$BENCH/sites/common_site_config.json" <<'PY'
import json, sys
from urllib.parse import urlparse
conf = json.load(open(sys.argv[1]))
print("MariaDB", conf.get("db_host") or "127.0.0.1", conf.get("db_port") or 3306)
redis = urlparse(conf.get("redis_cache") or "redis://127.0.0.1:6379")
print("Redis", redis.hostname or "127.0.0.1", redis.port or 6379)
PY
}

answers() { "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close()' "$1" "$2" 2>/dev/null; }

# Dies, naming the service, when MariaDB or Redis does not accept a connection: every tier needs both, and an install
# that fails on a refused connection deep in Frappe's cache says less.
require_services() {
	local name host port
	while read -r name host port; do
		answers "$host" "$port" || die "$name does not answer at $host:$port (the bench's common_site_config.json).
       Start it, or point the bench's config at a running one."
	done < <(service_addresses)
}
