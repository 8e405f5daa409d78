#!/bin/sh
# `make deb`, then `dpkg -i` on this machine: the symposium user, the data
# directory with an empty site, the units and snippets in place, the
# backup timer enabled; the installed programs (run as symposium) serve
# the site behind an nginx that includes the installed snippets; an
# administrator made with the installed command logs in; the backup
# unit's command and the logrotate snippet run for real.  Then `dpkg
# --purge` removes it all but the backups.  Needs
# root; skipped when the package is already installed (it is not ours to
# remove).  Prints "deb: N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/symposium-deb.XXXXXX") || exit 1
. "$ROOT/tests/install/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "# not root: the package is not installed"; rm -rf "$T"; summary deb; exit
fi
if dpkg-query -W -f='${Status}' symposium 2>/dev/null | grep -q 'installed'; then
	echo "# a symposium package is installed already: left alone, not tested"; rm -rf "$T"; summary deb; exit
fi

PIDS="" installed=0 made_run=0 made_backups=0
[ -e /var/backups/symposium ] || made_backups=1
cleanup() {
	stop_nginx
	for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $PIDS; do wait "$pid" 2>/dev/null; done
	if [ $installed -eq 1 ]; then
		dpkg --purge symposium >"$T/purge.log" 2>&1 || cat "$T/purge.log"
	fi
	[ $made_run -eq 1 ] && rm -rf /run/symposium
	# The package leaves the backups on purge (they outlive it); these
	# are the test's.
	[ $made_backups -eq 1 ] && rm -rf /var/backups/symposium
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if make --no-print-directory deb >"$T/deb.log" 2>&1; then
	ok "make deb: dpkg-buildpackage, lintian without errors"
else
	not_ok "make deb"; tail -n 30 "$T/deb.log" | sed 's/^/#   /'; summary deb; exit
fi
DEB=$(tail -n 1 "$T/deb.log")
grep '^deb: lintian' "$T/deb.log" | sed 's/^/# /'

if dpkg -i "$DEB" >"$T/install.log" 2>&1; then
	installed=1; ok "dpkg -i $(basename "$DEB")"
else
	installed=1; not_ok "dpkg -i"; sed 's/^/#   /' "$T/install.log" | tail -n 20; summary deb; exit
fi

check "the system user symposium" sh -c 'getent passwd symposium | grep -q "^symposium:[^:]*:[0-9]*:[0-9]*:[^:]*:/var/lib/symposium:"'
check "/var/lib/symposium holds an empty site owned by symposium" \
	sh -c '[ "$(stat -c %U /var/lib/symposium/site.db)" = symposium ] && [ -d /var/lib/symposium/media ]'
check "units, snippets and man pages in place" ls /lib/systemd/system/symposium@.service \
	/lib/systemd/system/symposium@.socket /lib/systemd/system/symposium.target \
	/usr/share/symposium/nginx/symposium.conf /usr/share/symposium/apache/symposium.conf \
	/usr/share/man/man8/symposium-admin.8.gz /usr/share/man/man8/symposium.8.gz \
	/lib/systemd/system/symposium-backup.service /lib/systemd/system/symposium-backup.timer \
	/usr/lib/symposium/symposium-backup /etc/logrotate.d/symposium
check "the backup timer is enabled; the backups' directory belongs to symposium alone" sh -c \
	'[ -L /etc/systemd/system/timers.target.wants/symposium-backup.timer ] &&
	 [ "$(stat -c %U:%G:%a /var/backups/symposium)" = symposium:symposium:750 ]'
check "/etc/logrotate.d/symposium is a conffile" \
	sh -c 'dpkg-query -W -f="\${Conffiles}" symposium | grep -q "^ */etc/logrotate.d/symposium "'
check "the web server's own configuration is untouched" \
	sh -c '! ls /etc/nginx/sites-enabled/*symposium* /etc/nginx/conf.d/*symposium* /etc/apache2/*/*symposium* 2>/dev/null | grep -q .'
check "symposium-admin --help" /usr/sbin/symposium-admin --help

# The installed programs, as the systemd units would run them (as
# symposium, on /run/symposium sockets), without systemd.
[ -d /run/symposium ] || made_run=1
install -d -o symposium -g symposium -m 0755 /run/symposium
start_programs() {
	for p in $(sed -n 's/^\([a-z][a-z0-9_-]*\)	.*/\1/p' /usr/share/symposium/programs.tsv | sort -u); do
		setpriv --reuid=symposium --regid=symposium --init-groups \
			/usr/lib/symposium/"$p" --listen /run/symposium/"$p".sock --workers 1 \
			--db /var/lib/symposium/site.db --templates /usr/share/symposium/templates \
			>>"$T/programs.log" 2>&1 &
		PIDS="$PIDS $!"
	done
	i=0
	while [ $i -lt 100 ] && [ "$(ls /run/symposium/*.sock 2>/dev/null | wc -l)" -lt "$(echo $PIDS | wc -w)" ]; do
		sleep 0.1; i=$((i + 1))
	done
}
stop_programs() {
	for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $PIDS; do wait "$pid" 2>/dev/null; done
	PIDS=""
	rm -f /run/symposium/*.sock
}
# logs_in NAME PASSWORD WHAT: the log-in form answers 303 (a session
# written by the admin program).
logs_in() {
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Origin: http://127.0.0.1:$PORT" \
		--data-urlencode "name=$1" --data-urlencode "password=$2" "http://127.0.0.1:$PORT/admin/login")
	[ "$code" = 303 ] && ok "$3" || not_ok "$3: $code"
}
not_up() {
	not_ok "$1"
	cat "$T/nginx/error.log" "$T/programs.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
}
start_programs

if start_nginx /usr/share/symposium/nginx && wait_up; then
	ok "nginx starts with the installed snippets"
	serves "the installed programs and assets answer" /admin/login /assets/site.css
	s=$(status /no-such-page)
	[ "$s" = 404 ] && ok "home answers 404 in the site's layout" || not_ok "an unknown address: $s"
	printf 'deb-test-pw-1\n' | setpriv --reuid=symposium --regid=symposium --init-groups \
		/usr/sbin/symposium-admin user add debtest >/dev/null 2>&1
	logs_in debtest deb-test-pw-1 "an administrator made with symposium-admin logs in"
else
	not_up "nginx with the installed snippets did not answer"
fi
stop_nginx

# The daily backup as its unit runs it (its Environment= and ExecStart=,
# as symposium), while the programs serve: a tar and a .sha256 that holds.
envs=$(sed -n 's/^Environment=//p' /lib/systemd/system/symposium-backup.service)
cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/symposium-backup.service)
# shellcheck disable=SC2086 # the unit's words
if setpriv --reuid=symposium --regid=symposium --init-groups env $envs $cmd >"$T/backup.log" 2>&1 &&
   (cd / && sha256sum -c --quiet /var/backups/symposium/site-*.tar.sha256); then
	ok "symposium-backup.service's command, as symposium: a backup in /var/backups/symposium, its checksum holds"
else
	not_ok "symposium-backup.service's command"; sed 's/^/#   /' "$T/backup.log"
fi

# The logrotate snippet, run for real (forced, a state file of our own) on
# a log file of the site's user.
printf 'a line\n' | setpriv --reuid=symposium --regid=symposium --init-groups \
	sh -c 'cat >/var/lib/symposium/log/deb-test.log'
if logrotate -f -s "$T/logrotate.state" /etc/logrotate.d/symposium >"$T/logrotate.log" 2>&1 &&
   [ -s /var/lib/symposium/log/deb-test.log.1 ] && [ ! -s /var/lib/symposium/log/deb-test.log ]; then
	ok "logrotate rotates the site's logs with /etc/logrotate.d/symposium"
else
	not_ok "logrotate with /etc/logrotate.d/symposium"; sed 's/^/#   /' "$T/logrotate.log"
	ls -l /var/lib/symposium/log | sed 's/^/#   /'
fi

# README's restore of a packaged site, command by command, as root: the
# first release's backup (tests/fixtures/v1-backup/) replaces the empty
# site; with its owner, nginx's group on media/ and the microcache's
# directory given back, the programs (as symposium) serve it and its
# administrator logs in (a write).
stop_programs
V=/var/lib/symposium
if /usr/sbin/symposium-admin restore "$ROOT/tests/fixtures/v1-backup/site-v1.tar" $V --force \
	>"$T/restore.log" 2>&1 &&
   chown -R symposium:symposium $V &&
   chgrp -R www-data $V/media && chmod -R g+rX $V/media && find $V/media -type d -exec chmod g+s {} + &&
   install -d -m 0755 $V/nginx; then
	ok "README's restore as root: a first-release backup onto /var/lib/symposium, owners given back"
else
	not_ok "README's restore"; sed 's/^/#   /' "$T/restore.log"
fi
start_programs
if start_nginx /usr/share/symposium/nginx && wait_up; then
	serves "the restored site is served: the 2023 edition and its slides" /2023/ \
		/media/talks/2023-makowski-imaging-data-cancer-care.pdf
	logs_in alice 'correct horse battery' "the restored site's administrator logs in"
else
	not_up "nginx did not start on the restored site"
fi
stop_nginx
stop_programs

# An upgrade of the package over a site of an earlier release (the first
# release's database put in place, the package installed again): the
# package migrates it, a copy of the old database beside it.
install -o symposium -g symposium -m 0640 "$ROOT/tests/fixtures/v1/site.db" $V/site.db
rm -f $V/site.db-wal $V/site.db-shm
if dpkg -i "$DEB" >"$T/upgrade.log" 2>&1 &&
   [ "$(sqlite3 $V/site.db 'PRAGMA user_version')" = "$(sed -n 's/^PRAGMA user_version = \([0-9]*\);/\1/p' "$ROOT/schema.sql")" ] &&
   [ "$(stat -c %U $V/site.db.v1-*.bak)" = symposium ]; then
	ok "dpkg -i over a site of the first release migrates it, a copy kept: $(basename $V/site.db.v1-*.bak)"
else
	not_ok "dpkg -i over a first-release site"; sed 's/^/#   /' "$T/upgrade.log" | tail -n 20
fi

installed=0
check "dpkg --purge symposium" dpkg --purge symposium
check "nothing of it is left" sh -c '! ls -d /usr/lib/symposium /usr/share/symposium /var/lib/symposium \
	/lib/systemd/system/symposium@.service /usr/sbin/symposium-admin /etc/logrotate.d/symposium \
	/lib/systemd/system/symposium-backup.timer /etc/systemd/system/timers.target.wants/symposium-backup.timer \
	2>/dev/null | grep -q .'
check "the backups stay" sh -c 'ls /var/backups/symposium/site-*.tar >/dev/null'

summary deb
