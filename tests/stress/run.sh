#!/bin/sh
# make stress: kill -9 of admin workers during uploads and saves, then a
# check of what is left.  Not part of make test.  Loopback only, bounded:
# STRESS_ROUNDS rounds (default 200), STRESS_SECONDS at most (default 900).
# A fresh site in a temporary VARDIR behind nginx on a free port, as the
# end-to-end tests make it; everything it starts is stopped at the end.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
OUT=$ROOT/tests/out
mkdir -p "$OUT"

VARDIR=$(mktemp -d "${TMPDIR:-/tmp}/symposium-stress.XXXXXX") || exit 1
cleanup() {
	sh deploy/site.sh stop "$VARDIR" >/dev/null 2>&1
	rm -rf "$OUT/stress-log" && cp -r "$VARDIR/log" "$OUT/stress-log" 2>/dev/null
	rm -rf "$VARDIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(node -e 'const s = require("net").createServer();
	s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });') || exit 1
WORKERS=${WORKERS:-3} sh deploy/site.sh start "$VARDIR" "$PORT" >/dev/null || exit 1

BASE_URL=http://127.0.0.1:$PORT VARDIR=$VARDIR SITE_ROOT=$ROOT OUT_DIR=$OUT \
STRESS_ROUNDS=${STRESS_ROUNDS:-200} STRESS_SECONDS=${STRESS_SECONDS:-900} \
	node tests/stress/stress.mjs
