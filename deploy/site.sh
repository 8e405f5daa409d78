#!/bin/sh
# Starts and stops the whole site on loopback: the FastCGI programs on Unix
# sockets and an nginx in front of them, everything kept inside VARDIR.
# Shared by `make run`, the end-to-end tests and the benchmarks.
#
#   sh deploy/site.sh start VARDIR PORT   (WORKERS=N per program, default 2;
#                                          BYPASS_RATE, default 20: see below;
#                                          ADMIN_WORKERS=N for admin, default 4)
#   sh deploy/site.sh stop VARDIR
#   sh deploy/site.sh apache-start VARDIR PORT   (Apache httpd in front of the
#   sh deploy/site.sh apache-stop VARDIR          same programs, another port)
#
# start creates VARDIR with `cgi-bin/admin init` when VARDIR/site.db is
# missing, and upgrades a site of an earlier release with `cgi-bin/admin
# migrate` (which keeps a copy of the database beside it).  stop ends
# only what start recorded in VARDIR/run/*.pid (and Apache, if
# apache-start started one).  apache-start starts the programs
# too when they are not running.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
GEN=$ROOT/deploy/gen.sh
# The programs, from deploy/programs.tsv: those with public pages must
# run; the others (the admin area) are started when built.
PROGRAMS=$(sh "$GEN" programs page | tr '\n' ' ') || exit 1
ALL_PROGRAMS=$(sh "$GEN" programs | tr '\n' ' ') || exit 1
WORKERS=${WORKERS:-2}
# Requests a second with a session cookie that may skip nginx's microcache
# (deploy/nginx/symposium-http.conf).
BYPASS_RATE=${BYPASS_RATE:-20}
case $BYPASS_RATE in ''|*[!0-9]*|0*) echo "site: BYPASS_RATE must be a positive number" >&2; exit 1 ;; esac
# The admin takes photos in bulk, three requests at a time from its script,
# and must still answer pages meanwhile: more workers than that, as in
# deploy/systemd/symposium-admin.service.
ADMIN_WORKERS=${ADMIN_WORKERS:-4}
START_WAIT=100     # tenths of a second to wait for a socket or for nginx
STOP_WAIT=50       # tenths of a second to wait for a process to end
# Apache's binary (in /usr/sbin, which a user's PATH may lack), its
# children's user (it refuses to serve as root) and its module directory.
APACHE_BIN=${APACHE_BIN:-$(command -v apache2 || echo /usr/sbin/apache2)}
APACHE_USER=${APACHE_USER:-www-data}
APACHE_MODULES=${APACHE_MODULES:-/usr/lib/apache2/modules}

die() { echo "site: $*" >&2; exit 1; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

pidof_file() { cat "$1" 2>/dev/null || true; }

# Waits up to STOP_WAIT tenths for pid to end; 0 when it did.
wait_gone() {
	i=0
	while alive "$1"; do
		[ $i -ge $STOP_WAIT ] && return 1
		sleep 0.1; i=$((i + 1))
	done
	return 0
}

abspath() {
	mkdir -p "$1" && (cd "$1" && pwd)
}

start_program() {
	name=$1 var=$2
	pidf=$var/run/$name.pid sock=$var/run/$name.sock
	if alive "$(pidof_file "$pidf")"; then
		die "$name is already running (pid $(cat "$pidf")); run: sh deploy/site.sh stop $var"
	fi
	rm -f "$sock"
	# setsid: its own process group, so a stuck supervisor and its workers
	# can be ended together by group id in stop.
	n=$WORKERS
	[ "$name" = admin ] && n=$ADMIN_WORKERS
	setsid "$ROOT/cgi-bin/$name" --listen "$sock" --workers "$n" \
		--db "$var/site.db" --templates "$ROOT/templates" \
		>>"$var/log/$name.log" 2>&1 </dev/null &
	echo $! >"$pidf"
}

wait_socket() {
	name=$1 var=$2
	pid=$(pidof_file "$var/run/$name.pid") i=0
	while [ ! -S "$var/run/$name.sock" ]; do
		alive "$pid" || return 1
		[ $i -ge $START_WAIT ] && return 1
		sleep 0.1; i=$((i + 1))
	done
}

# render FILE VARDIR PORT USER [CONFDIR]
render() {
	sed -e "s|@VARDIR@|$2|g" -e "s|@RUNDIR@|$2/run|g" -e "s|@ROOT@|$ROOT|g" \
	    -e "s|@CONF@|${5:-$2/nginx}|g" -e "s|@PORT@|$3|g" -e "s|@USER@|$4|g" \
	    -e "s|@BYPASS_RATE@|$BYPASS_RATE|g" "$1"
}

write_nginx_conf() {
	var=$1 port=$2 user=""
	[ "$(id -u)" -eq 0 ] && user="user root;"
	mkdir -p "$var/nginx/tmp"
	for f in symposium-http.conf fastcgi.conf security-headers.conf file-headers.conf pdf-headers.conf; do
		render "$ROOT/deploy/nginx/$f" "$var" "$port" "$user" >"$var/nginx/$f"
	done
	sh "$GEN" nginx "$ROOT/deploy/nginx/symposium.conf" >"$var/nginx/symposium.conf.in" || return 1
	render "$var/nginx/symposium.conf.in" "$var" "$port" "$user" >"$var/nginx/symposium.conf"
	rm -f "$var/nginx/symposium.conf.in"
	render "$ROOT/deploy/nginx/nginx.conf.in" "$var" "$port" "$user" >"$var/nginx/nginx.conf"
}

# Any HTTP answer but a gateway error means nginx and home are both up.
wait_http() {
	port=$1 i=0
	while :; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
			"http://127.0.0.1:$port/" 2>/dev/null || true)
		case $code in
		000|502|503|504) ;;
		*) return 0 ;;
		esac
		[ $i -ge $START_WAIT ] && return 1
		sleep 0.1; i=$((i + 1))
	done
}

# The programs on their sockets in VARDIR/run, VARDIR created when new.
start_programs() {
	var=$1
	for p in $PROGRAMS; do
		[ -x "$ROOT/cgi-bin/$p" ] || die "cgi-bin/$p is not built; run make"
	done
	mkdir -p "$var/run" "$var/log"

	if [ ! -f "$var/site.db" ]; then
		[ -x "$ROOT/cgi-bin/admin" ] || die "cgi-bin/admin is not built; run make"
		(cd "$ROOT" && SITE_SCHEMA="$ROOT/schema.sql" ./cgi-bin/admin init "$var") ||
			die "cgi-bin/admin init $var failed"
	elif [ -x "$ROOT/cgi-bin/admin" ]; then
		# A site of an earlier release is upgraded (with a copy beside it)
		# before any program opens it; the programs refuse it otherwise.
		"$ROOT/cgi-bin/admin" migrate --db "$var/site.db" ||
			die "cgi-bin/admin migrate --db $var/site.db failed; the site is not started"
	fi

	programs=""
	for p in $ALL_PROGRAMS; do
		[ -x "$ROOT/cgi-bin/$p" ] && programs="$programs $p"
	done
	for p in $programs; do
		start_program "$p" "$var"
	done
	for p in $programs; do
		if ! wait_socket "$p" "$var"; then
			tail -n 20 "$var/log/$p.log" >&2 2>/dev/null || true
			case " $PROGRAMS " in
			*" $p "*) ;;
			*)	# The admin area is optional for the public site.
				echo "site: $p did not open its socket; its URLs will answer 502" >&2
				continue ;;
			esac
			stop "$var"
			die "$p did not open $var/run/$p.sock"
		fi
	done
}

start() {
	[ $# -eq 2 ] || die "usage: site.sh start VARDIR PORT"
	var=$(abspath "$1") port=$2
	case $port in ''|*[!0-9]*) die "PORT must be a number: $port" ;; esac
	start_programs "$var"

	write_nginx_conf "$var" "$port" ||
		{ stop "$var"; die "could not write the nginx configuration from deploy/programs.tsv"; }
	if ! nginx -q -t -p "$var/nginx/" -c "$var/nginx/nginx.conf" 2>"$var/log/nginx-test.log"; then
		cat "$var/log/nginx-test.log" >&2
		stop "$var"
		die "the nginx configuration in $var/nginx/ is invalid"
	fi
	rm -f "$var/log/nginx-test.log"
	nginx -p "$var/nginx/" -c "$var/nginx/nginx.conf" ||
		{ stop "$var"; die "nginx did not start (see $var/log/nginx-error.log)"; }
	if ! wait_http "$port"; then
		tail -n 20 "$var/log/nginx-error.log" >&2 2>/dev/null || true
		stop "$var"
		die "no answer on http://127.0.0.1:$port/"
	fi
}

stop_nginx() {
	var=$1 pidf=$1/run/nginx.pid
	pid=$(pidof_file "$pidf")
	alive "$pid" || { rm -f "$pidf"; return 0; }
	kill -QUIT "$pid" 2>/dev/null || true     # graceful: finish requests
	wait_gone "$pid" || { kill -TERM "$pid" 2>/dev/null || true; wait_gone "$pid"; } ||
		kill -KILL "$pid" 2>/dev/null || true
	rm -f "$pidf"
}

# SIGTERM to every program first (each supervisor stops its workers within
# a second), then wait for them together.
stop_programs() {
	var=$1
	for p in $ALL_PROGRAMS; do
		pid=$(pidof_file "$var/run/$p.pid")
		if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
	done
	for p in $ALL_PROGRAMS; do
		pid=$(pidof_file "$var/run/$p.pid")
		if alive "$pid" && ! wait_gone "$pid"; then
			echo "site: $p (pid $pid) ignored SIGTERM; killing its process group" >&2
			kill -KILL "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -f "$var/run/$p.pid" "$var/run/$p.sock"
	done
}

stop() {
	[ $# -eq 1 ] || die "usage: site.sh stop VARDIR"
	[ -d "$1" ] || return 0
	var=$(cd "$1" && pwd)
	stop_apache "$var"
	stop_nginx "$var"
	stop_programs "$var"
}

# --- Apache httpd in front of the same programs ------------------------------

programs_running() {
	for p in $PROGRAMS; do
		alive "$(pidof_file "$1/run/$p.pid")" && [ -S "$1/run/$p.sock" ] || return 1
	done
}

# Started as root, Apache's children run as APACHE_USER: give its group
# the way to the sockets (0660) and the media files (0640, directories
# 0750, lib/store.c).  The set-group-ID directories make files and
# directories the programs create later inherit the group, as in
# README.md's Deploying.
apache_grant() {
	var=$1
	group=$(id -gn "$APACHE_USER") || die "no user $APACHE_USER (set APACHE_USER)"
	chgrp "$group" "$var" "$var/run" "$var"/run/*.sock
	chmod g+x "$var" "$var/run"
	chgrp -R "$group" "$var/media"
	chmod -R g+rX "$var/media"
	find "$var/media" -type d -exec chmod g+s {} +
}

# The tree may lie where APACHE_USER cannot go (a private clone, as CI
# makes one): Apache then serves a copy of the assets kept in VARDIR.
apache_assets() {
	var=$1 assets=$ROOT/templates/assets
	if [ "$(id -u)" -eq 0 ] &&
	   ! runuser -u "$APACHE_USER" -- test -r "$assets/site.css" 2>/dev/null; then
		rm -rf "$var/assets"
		cp -R "$assets" "$var/assets"
		chgrp -R "$(id -gn "$APACHE_USER")" "$var/assets"
		chmod -R g+rX "$var/assets"
		assets=$var/assets
	fi
	echo "$assets"
}

write_apache_conf() {
	var=$1 port=$2 user="" group=""
	if [ "$(id -u)" -eq 0 ]; then
		user="User $APACHE_USER" group="Group $(id -gn "$APACHE_USER")"
	fi
	mkdir -p "$var/apache/run"
	assets=$(apache_assets "$var")
	sh "$GEN" apache "$ROOT/deploy/apache/symposium.conf" >"$var/apache/symposium.conf.in" || return 1
	render "$var/apache/symposium.conf.in" "$var" "$port" "" "$var/apache" |
		sed -e "s|$ROOT/templates/assets|$assets|g" >"$var/apache/symposium.conf"
	rm -f "$var/apache/symposium.conf.in"
	render "$ROOT/deploy/apache/httpd.conf.in" "$var" "$port" "$user" "$var/apache" |
		sed -e "s|@MODULES@|$APACHE_MODULES|g" -e "s|@GROUP@|$group|g" >"$var/apache/httpd.conf"
}

apache_start() {
	[ $# -eq 2 ] || die "usage: site.sh apache-start VARDIR PORT"
	var=$(abspath "$1") port=$2
	case $port in ''|*[!0-9]*) die "PORT must be a number: $port" ;; esac
	[ -x "$APACHE_BIN" ] || die "apache2 is not installed"
	conf=$var/apache/httpd.conf
	if alive "$(pidof_file "$var/run/apache.pid")"; then
		die "Apache is already running; run: sh deploy/site.sh apache-stop $var"
	fi
	programs_running "$var" || start_programs "$var"
	[ "$(id -u)" -eq 0 ] && apache_grant "$var"

	write_apache_conf "$var" "$port" ||
		die "could not write the Apache configuration from deploy/programs.tsv"
	if ! "$APACHE_BIN" -t -f "$conf" 2>"$var/log/apache-test.log"; then
		cat "$var/log/apache-test.log" >&2
		die "the Apache configuration in $var/apache/ is invalid"
	fi
	rm -f "$var/log/apache-test.log"
	"$APACHE_BIN" -f "$conf" -k start ||
		die "Apache did not start (see $var/log/apache-error.log)"
	if ! wait_http "$port"; then
		tail -n 20 "$var/log/apache-error.log" >&2 2>/dev/null || true
		stop_apache "$var"
		die "no answer from Apache on http://127.0.0.1:$port/"
	fi
}

# SIGTERM is Apache's "stop": the parent ends its children, then itself.
stop_apache() {
	var=$1 pidf=$1/run/apache.pid
	pid=$(pidof_file "$pidf")
	alive "$pid" || { rm -f "$pidf"; return 0; }
	kill -TERM "$pid" 2>/dev/null || true
	wait_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
	rm -f "$pidf"
}

apache_stop() {
	[ $# -eq 1 ] || die "usage: site.sh apache-stop VARDIR"
	[ -d "$1" ] || return 0
	stop_apache "$(cd "$1" && pwd)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
start) start "$@" ;;
stop) stop "$@" ;;
apache-start) apache_start "$@" ;;
apache-stop) apache_stop "$@" ;;
*) die "usage: site.sh start VARDIR PORT | stop VARDIR | apache-start VARDIR PORT | apache-stop VARDIR" ;;
esac
