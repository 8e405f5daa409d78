#!/bin/sh
# `make install` into a DESTDIR, then the installed programs serve a new
# data directory behind an nginx that includes the installed snippets;
# the man pages, `admin --help`, the systemd units (systemd-analyze verify,
# when it exists) and `make uninstall` are checked on the way.  Run by
# `make test` (tests/install/all.sh); prints "install: N passed, N failed".
#
# PREFIX is a directory of the test's own: the files go to DESTDIR/PREFIX
# as a package build would stage them, and PREFIX is then made a symlink to
# that staging directory, so the paths written into the installed files
# (without DESTDIR) lead to them.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/symposium-install.XXXXXX") || exit 1
. "$ROOT/tests/install/lib.sh"

P=$T/prefix DEST=$T/stage DATA=$T/data
PIDS=""
cleanup() {
	stop_nginx
	for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $PIDS; do wait "$pid" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

VARS="PREFIX=$P DESTDIR=$DEST VARDIR=$DATA RUNDIR=$DATA/run"
# shellcheck disable=SC2086 # VARS is meant to split
check "make install $VARS" make --no-print-directory install $VARS
ln -s "$DEST$P" "$P"
PROGRAMS=$(sh deploy/gen.sh programs)

# --- the files ---------------------------------------------------------------
missing=""
for f in $(echo "$PROGRAMS" | sed "s|^|lib/symposium/|") sbin/symposium-admin \
	share/symposium/schema.sql share/symposium/programs.tsv share/symposium/demo/content.xml \
	share/symposium/templates/home.xml share/symposium/templates/admin \
	share/symposium/templates/assets/site.css \
	share/symposium/nginx/symposium-http.conf share/symposium/nginx/symposium.conf \
	share/symposium/nginx/fastcgi.conf share/symposium/apache/symposium.conf \
	lib/systemd/system/symposium@.service lib/systemd/system/symposium@.socket \
	lib/systemd/system/symposium.target lib/systemd/system/symposium@admin.service.d/admin.conf \
	lib/systemd/system/symposium-backup.service lib/systemd/system/symposium-backup.timer \
	lib/symposium/symposium-backup share/symposium/logrotate/symposium \
	share/man/man8/symposium.8 share/man/man8/symposium-admin.8; do
	[ -e "$P/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "every file in its place"; else not_ok "missing:$missing"; fi
# (@EXPORT@ of export.conf is the administrator's: where an export is.)
left=$(grep -rlE '@([A-DF-Z][A-Z_]*|E[A-WYZ][A-Z_]*)@' "$P/share/symposium/nginx" "$P/share/symposium/apache" \
	"$P/lib/systemd/system" "$P/sbin" "$P/lib/symposium/symposium-backup" "$P/share/symposium/logrotate" 2>/dev/null)
if [ -z "$left" ]; then ok "no placeholder left in the snippets, units, wrapper, backup script and logrotate snippet"
else not_ok "placeholders in: $left"; fi
if grep -q "^$DATA/log/\*\.log {" "$P/share/symposium/logrotate/symposium"; then ok "the logrotate snippet rotates $DATA/log/*.log"
else not_ok "the logrotate snippet does not name $DATA/log"; fi

# --- man pages and --help ----------------------------------------------------
if command -v mandoc >/dev/null 2>&1; then
	check "man pages: mandoc -T lint finds nothing" \
		mandoc -T lint -W warning "$P/share/man/man8/symposium.8" "$P/share/man/man8/symposium-admin.8"
fi
help=$("$P/sbin/symposium-admin" --help 2>&1); rc=$?
if [ $rc -eq 0 ]; then ok "admin --help: exit 0"; else not_ok "admin --help: exit $rc"; fi
check "every command of admin --help has its entry in symposium-admin(8)" \
	sh tests/install/mancheck.sh "$P/sbin/symposium-admin" "$P/share/man/man8/symposium-admin.8"
for p in $PROGRAMS; do
	[ "$p" = admin ] && continue
	"$P/lib/symposium/$p" --help >/dev/null 2>&1 || not_ok "$p --help: exit $?"
done
"$P/sbin/symposium-admin" no-such-command >/dev/null 2>&1; rc=$?
if [ $rc -eq 2 ]; then ok "an unknown command: exit 2"; else not_ok "an unknown command: exit $rc"; fi

# --- systemd units -----------------------------------------------------------
# Template units are verified as instances (a copy per name: systemd would
# read the template for each); any message is a failure.
if command -v systemd-analyze >/dev/null 2>&1; then
	U=$T/units
	mkdir -p "$U/symposium@admin.service.d"
	names=""
	for p in $PROGRAMS; do
		cp "$P/lib/systemd/system/symposium@.service" "$U/symposium@$p.service"
		cp "$P/lib/systemd/system/symposium@.socket" "$U/symposium@$p.socket"
		names="$names symposium@$p.service symposium@$p.socket"
	done
	cp "$P/lib/systemd/system/symposium.target" "$P/lib/systemd/system/symposium-backup.service" \
		"$P/lib/systemd/system/symposium-backup.timer" "$U/"
	names="$names symposium-backup.service symposium-backup.timer"
	cp "$P/lib/systemd/system/symposium@admin.service.d/admin.conf" "$U/symposium@admin.service.d/"
	# --man=no: systemd-analyze would run man(1) once per unit (seconds
	# each); the Documentation= pages are checked against the installed
	# ones below instead.
	# shellcheck disable=SC2086 # names is meant to split
	out=$(cd "$U" && systemd-analyze verify --man=no $names symposium.target 2>&1); rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ]; then ok "systemd-analyze verify: clean"
	else not_ok "systemd-analyze verify (exit $rc):"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
	docs=$(sed -n 's/^Documentation=man:\([a-z-]*\)(\([0-9]\))$/\1.\2/p' "$U"/*.service "$U"/*.target | sort -u)
	nodoc=""
	for d in $docs; do
		[ -f "$P/share/man/man${d##*.}/$d" ] || nodoc="$nodoc $d"
	done
	if [ -n "$docs" ] && [ -z "$nodoc" ]; then ok "the units' Documentation= pages are installed:" $docs
	else not_ok "Documentation= pages not installed:$nodoc"; fi
	for want in ProtectSystem=strict PrivateNetwork=yes NoNewPrivileges=yes \
		RestrictAddressFamilies=AF_UNIX MemoryDenyWriteExecute=yes; do
		for unit in symposium@.service symposium-backup.service; do
			grep -q "^$want\$" "$P/lib/systemd/system/$unit" || not_ok "$unit lost $want"
		done
	done
else
	echo "# systemd-analyze is not installed: units not verified"
fi

# --- the installed programs serve a new data directory ------------------------
# From / and with no SITE_* variable: nothing may depend on the source tree.
check "symposium-admin init (demo content) from the installed files" \
	env -u SITE_SCHEMA -u SITE_DEMO -u SITE_DB sh -c "cd / && '$P/sbin/symposium-admin' init '$DATA'"
printf 'install-test-pw-1\n' | "$P/sbin/symposium-admin" user add installer >/dev/null 2>&1 &&
	"$P/sbin/symposium-admin" user list | grep -q '^installer	' && ok "symposium-admin user add/list use $DATA/site.db" ||
	not_ok "symposium-admin user add/list"

# The backup the timer runs, with the unit's environment but our own
# directory: three runs with KEEP=2 leave the newest two, each with a
# checksum that holds; the newest restores to a site that passes the check.
B=$T/backups
mkdir -p "$B"
envs=$(sed -n 's/^Environment=//p' "$P/lib/systemd/system/symposium-backup.service")
cmd=$(sed -n 's/^ExecStart=//p' "$P/lib/systemd/system/symposium-backup.service")
# shellcheck disable=SC2086 # the unit's words
for i in 1 2 3; do
	env $envs KEEP=2 BACKUPDIR="$B" $cmd >"$T/backup.out" 2>&1 || { not_ok "symposium-backup run $i"; cat "$T/backup.out"; }
	[ $i -lt 3 ] && sleep 1.1     # the names count seconds
done
kept=$(ls "$B" | grep -c '^site-[0-9-]*\.tar$')
if [ "$kept" = 2 ] && (cd "$B" && sha256sum -c --quiet ./*.sha256); then
	ok "symposium-backup (the unit's ExecStart): KEEP=2 of 3 kept, their .sha256 hold"
else not_ok "symposium-backup: $kept backups kept:"; ls -l "$B" | sed 's/^/#   /'; fi
newest=$(ls "$B"/site-*.tar | sort | tail -n 1)
check "the newest restores with the installed command and passes check --hashes" sh -c \
	"'$P/sbin/symposium-admin' restore '$newest' '$T/restored' && '$P/sbin/symposium-admin' check --hashes --db '$T/restored/site.db'"
# shellcheck disable=SC2086
if env $envs BACKUPDIR="$B" SITE_DB="$T/nowhere/site.db" $cmd >"$T/backup.out" 2>&1; then
	not_ok "symposium-backup of a missing site succeeded"
elif [ "$(ls "$B" | grep -c '^site-[0-9-]*\.tar$')" = 2 ] && ! ls "$B" | grep -q tmp; then
	ok "a failed backup exits nonzero and leaves the kept ones alone"
else not_ok "a failed backup changed $B:"; ls -l "$B" | sed 's/^/#   /'; fi

# The microcache's parent directory (README.md, "Installing").
mkdir -p "$DATA/run" "$DATA/nginx"
for p in $PROGRAMS; do
	(cd / && exec "$P/lib/symposium/$p" --listen "$DATA/run/$p.sock" --workers 1 \
		--db "$DATA/site.db" --templates "$P/share/symposium/templates") >>"$T/programs.log" 2>&1 &
	PIDS="$PIDS $!"
done
i=0
for p in $PROGRAMS; do
	while [ ! -S "$DATA/run/$p.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
done
if start_nginx "$P/share/symposium/nginx" && wait_up; then
	ok "nginx starts with the installed snippets"
	serves "the installed programs serve every kind of page" / /2023/ /imprint /2023/press /de/2023/press \
		/2023/presentations /2023/gallery /admin/login
	serves "nginx serves the installed assets" /assets/site.css
	# nginx adds the security headers at the server level, so the
	# programs' answers also inherit the server block's own (HSTS); the
	# programs, told so by fastcgi.conf, send none of their own.
	sec="content-security-policy x-content-type-options referrer-policy x-frame-options"
	one_header_each "pages and errors: the security headers and the server block's own, once each" \
		"$sec x-operator-header" /2023/ /2023/press /admin/login /no-such-page
	one_header_each "files: the security headers once each" "$sec" /assets/site.css /favicon.ico
	slide=$(curl -s "http://127.0.0.1:$PORT/2023/presentations" | grep -o '/media/talks/[0-9a-z.-]*\.pdf' | head -n 1)
	serves "and the data directory's media ($slide)" "${slide:-/media/talks/none.pdf}"
	s=$(status /no-such-page)
	[ "$s" = 404 ] && ok "an unknown address: 404 from home" || not_ok "an unknown address: $s"
else
	not_ok "nginx with the installed snippets did not answer"
	cat "$T/nginx/error.log" "$T/programs.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
fi
stop_nginx

# --- uninstall ---------------------------------------------------------------
rm "$P"
# shellcheck disable=SC2086
check "make uninstall" make --no-print-directory uninstall $VARS
files=$(find "$DEST" -type f -o -type l | head -n 5)
if [ -z "$files" ]; then ok "make uninstall leaves no file"; else not_ok "left after uninstall: $files"; fi

summary install
