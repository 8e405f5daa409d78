#!/bin/sh
# `make run`: serves the site from var/ on http://127.0.0.1:$PORT/ until
# Ctrl-C (or SIGTERM), then stops everything it started.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VARDIR=$ROOT/var
PORT=${PORT:-8080}

stopped=0
finish() {
	[ "$stopped" -eq 1 ] && return
	stopped=1
	echo
	echo "run: stopping"
	sh "$ROOT/deploy/site.sh" stop "$VARDIR"
}
trap 'finish; exit 0' INT TERM HUP
trap finish EXIT

# The quick check of an existing site (database sound, files there with
# their sizes, no orphans, links right): it reports, it does not stop the
# site from starting.
if [ -f "$VARDIR/site.db" ] && [ -x "$ROOT/cgi-bin/admin" ]; then
	# A site of an earlier release is upgraded first (with a copy beside
	# it; site.sh start would do it too), so that the check can read it.
	"$ROOT/cgi-bin/admin" migrate --db "$VARDIR/site.db" || exit 1
	"$ROOT/cgi-bin/admin" check --db "$VARDIR/site.db" ||
		echo "run: the check found problems (above); cgi-bin/admin check --repair" \
			"--db $VARDIR/site.db removes orphans and remakes links" >&2
fi

new_site=1
[ -f "$VARDIR/site.db" ] && new_site=0
sh "$ROOT/deploy/site.sh" start "$VARDIR" "$PORT"
# The demo content's base URL names port 8080; a new site on another port
# names its own (Site settings change it later).
if [ "$new_site" -eq 1 ] && [ "$PORT" != 8080 ]; then
	"$ROOT/cgi-bin/admin" site --base-url "http://127.0.0.1:$PORT" --db "$VARDIR/site.db" >/dev/null
fi

# The first run makes the administrator "admin": with ADMIN_PASSWORD when
# it is set, otherwise with a random password shown this once.
if ! "$ROOT/cgi-bin/admin" user list --db "$VARDIR/site.db" | grep -q '^admin	'; then
	pw=${ADMIN_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
	printf '%s\n' "$pw" | "$ROOT/cgi-bin/admin" user add admin --db "$VARDIR/site.db" >/dev/null
	if [ -n "${ADMIN_PASSWORD:-}" ]; then
		echo "run: admin user 'admin' created with the password in ADMIN_PASSWORD"
	else
		echo "run: admin user 'admin' created, password: $pw (shown only now)"
	fi
fi
echo "run: the site is at http://127.0.0.1:$PORT/ (data in $VARDIR); Ctrl-C stops it"

# Stay in the foreground while nginx runs; a short sleep lets the trap run
# promptly.
nginx_pid=$(cat "$VARDIR/run/nginx.pid")
while kill -0 "$nginx_pid" 2>/dev/null; do
	sleep 1
done
echo "run: nginx has exited" >&2
exit 1
