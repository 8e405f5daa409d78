#!/bin/sh
# End-to-end tests: a fresh site in a temporary VARDIR behind nginx on a free
# loopback port, then node's test runner over tests/e2e/*.test.mjs.
# Screenshots, saved pages and logs go to tests/out/.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=$ROOT/tests/out
PORT_TRIES=5

sh deploy/deps.sh test || exit 1
mkdir -p "$OUT"

VARDIR=$(mktemp -d "${TMPDIR:-/tmp}/symposium-e2e.XXXXXX") || exit 1
cleanup() {
	sh deploy/site.sh stop "$VARDIR"
	# Keep the logs of the run next to the screenshots.
	rm -rf "$OUT/log" && cp -r "$VARDIR/log" "$OUT/log" 2>/dev/null
	rm -rf "$VARDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port the kernel hands out for a bind to port 0 is free at that moment;
# another process may still take it before nginx binds, hence the retries.
free_port() {
	node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# The templates' check mode (lib/tmpl.h): every page the tests make the
# programs render reports a ${name} that no query set, in the site's logs,
# which the end of this script reads.
export SITE_TMPL_CHECK=1

started=0 try=0
while [ $try -lt $PORT_TRIES ]; do
	try=$((try + 1))
	PORT=$(free_port) || continue
	# The pages' absolute addresses (canonical, hreflang) name the port
	# the tests reach them at; set before the start, whose first requests
	# nginx's microcache keeps for a second.
	[ -f "$VARDIR/site.db" ] || SITE_SCHEMA=$ROOT/schema.sql ./cgi-bin/admin init "$VARDIR" >/dev/null || break
	./cgi-bin/admin site --base-url "http://127.0.0.1:$PORT" --db "$VARDIR/site.db" >/dev/null || break
	if sh deploy/site.sh start "$VARDIR" "$PORT"; then
		started=1
		break
	fi
	echo "e2e: start on port $PORT failed (try $try of $PORT_TRIES)" >&2
done
if [ $started -eq 0 ]; then
	echo "e2e: 0 passed, 1 failed"
	exit 1
fi
echo "e2e: site at http://127.0.0.1:$PORT/ (VARDIR $VARDIR)"

# One file at a time: http.test.mjs briefly unpublishes an edition.
# E2E_FILES narrows the run to some files (e.g. E2E_FILES=tests/e2e/http.test.mjs).
BASE_URL=http://127.0.0.1:$PORT VARDIR=$VARDIR SITE_ROOT=$ROOT OUT_DIR=$OUT \
node --test --test-concurrency=1 --test-timeout=300000 \
	--test-reporter=spec --test-reporter-destination=stdout \
	--test-reporter=tap --test-reporter-destination="$OUT/e2e.tap" \
	${E2E_FILES:-tests/e2e/*.test.mjs}
rc=$?

pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/e2e.tap" | tail -n 1)
fail=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/e2e.tap" | tail -n 1)
pass=${pass:-0} fail=${fail:-0}
[ $rc -ne 0 ] && [ "$fail" -eq 0 ] && fail=1

# One more check: the templates, rendered for every page above (public and
# admin), never met a name that nothing set.
unset_names=$(cat "$VARDIR"/log/*.log 2>/dev/null | grep -F ' is not set' | sort | uniq -c)
if [ -n "$unset_names" ]; then
	echo "e2e: templates rendered names that nothing set:"
	echo "$unset_names"
	fail=$((fail + 1)) rc=1
else
	echo "e2e: ok - no template rendered a name that nothing set"
	pass=$((pass + 1))
fi
echo "e2e: $pass passed, $fail failed"
exit $rc
