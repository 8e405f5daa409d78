#!/bin/sh
# `make bench`: the site's speed next to its physical limits, measured side
# by side on loopback in one run.  See README.md, "Benchmarks".
#
#   BENCH_SECONDS=3  seconds per wrk run       ROUNDS=5  rounds (medians)
#   WORKERS=2        workers per program, the site's and the bare one's
#   CONNS=64 THREADS=2                           wrk -c / -t
#
# Targets measured for each page, in one nginx (the site's, with the
# bench's servers added by Host name, so all four pay the same nginx):
#   static  nginx serving a copy of the page's exact bytes
#   bare    tests/bench/bare.c returning those bytes from memory (FastCGI)
#   live    the page's program through the site's own locations with the
#           microcache off (a server "live.bench" the bench adds): the path
#           of a visitor's request that the cache does not answer
#   cache   the page through the shipped config, microcache on
# then each public worker's Pss, a program's start to its first response,
# a 200 MB upload through nginx to the admin program, a 24-megapixel
# photo import, and 100 photos of 12 megapixels imported through nginx the
# way the admin's script sends them (one per request, three at a time)
# with the admin pages' latency meanwhile; and the operator's commands
# (admin backup, restore, check --hashes of the restore, export) on the
# demo site and on a site with 1000 photos uploaded and described through
# nginx.  Exit status: 0 when everything ran (targets missed or not), 1
# when something could not be run.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
BENCH_SECONDS=${BENCH_SECONDS:-3}
ROUNDS=${ROUNDS:-5}
WORKERS=${WORKERS:-2}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
B=${B:-build}
BARE=$ROOT/$B/bench/bare
IMPORT=$ROOT/$B/bench/image_import
STARTUP=$ROOT/$B/bench/startup
PAGES="/2023/ /2023/press /2023/presentations /2023/gallery /2023/gallery/3 /search?q=secure+cloud /2023/programme /2023/programme.ics /sitemap.xml /feed.atom"
# The same pages in German (/de + the English path; README.md, URL map).
PAGES="$PAGES /de/2023/ /de/2023/press /de/2023/presentations /de/2023/gallery /de/2023/gallery/3 /de/search?q=secure+cloud /de/2023/programme"
BIG_PAGES="/2023/gallery /2023/gallery?page=10"
BIG_PHOTOS=1000
BIG_PX=800                    # small photos (at most 0.64 MP), to make 1000 in minutes
BIG_STEP=34                   # their offsets in the noise picture: about 1250 of them
DESCRIBE_MAX=100              # photos one describe submit takes (ADMIN_DESCRIBE_MAX)
CGI_RUNS=20
PORT_TRIES=5
UPLOAD_MB=200
PHOTO_W=6000 PHOTO_H=4000
BULK_N=${BULK_N:-100} BULK_W=4000 BULK_H=3000 BULK_PARALLEL=3   # admin.js UPLOAD_PARALLEL

# The targets (the issue's numbers).
T_LIVE_RPS=0.90 T_LIVE_P99=1.10 T_CACHE_RPS=0.80 T_PSS_KB=2048
T_START_MS=50 T_UPLOAD_KB=8192 T_IMPORT_MS=1000 T_IMPORT_KB=153600
T_BULK_S=60 T_BULK_P99_MS=500

for t in wrk nginx curl sqlite3; do
	command -v $t >/dev/null 2>&1 || { echo "bench: $t is not installed (make deps)" >&2; exit 1; }
done
for f in "$BARE" "$IMPORT" "$STARTUP" cgi-bin/home cgi-bin/press cgi-bin/presentations cgi-bin/gallery cgi-bin/search cgi-bin/programme cgi-bin/feed; do
	[ -x "$f" ] || { echo "bench: $f is not built (make bench builds it)" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/symposium-bench.XXXXXX") || exit 1
VAR=$TMP/var BIG=$TMP/big
RES=$TMP/results CHK=$TMP/checks
: >"$RES"
: >"$CHK"
bare_pid=""
cleanup() {
	[ -n "$bare_pid" ] && kill -TERM "$bare_pid" 2>/dev/null && wait "$bare_pid" 2>/dev/null
	sh deploy/site.sh stop "$VAR" 2>/dev/null
	sh deploy/site.sh stop "$BIG" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
	echo "bench: $*" >&2
	exit 1
}

say() {
	echo "bench: $*" >&2
}

# ---- helpers ------------------------------------------------------------

# A port the kernel hands out for a bind to port 0 is free at that moment.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
	else
		awk -v s="$$" 'BEGIN { srand(s + systime()); print 20000 + int(rand() * 40000) }'
	fi
}

# start_site VARDIR: the site on a free port; prints the port.
start_site() {
	try=0
	while [ $try -lt $PORT_TRIES ]; do
		try=$((try + 1))
		p=$(free_port)
		if WORKERS=$WORKERS sh deploy/site.sh start "$1" "$p" >&2; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# live_server VARDIR PORT: a server "live.bench" in that site's nginx with
# the site's own locations (its symposium.conf: the same regular
# expressions, maps, limits and headers) but without the microcache, so
# every request reaches the program - as a visitor's does when the cache
# has no fresh copy.  (Skipping the cache with a session cookie, as an
# admin does, would also count each request against the cookies' shared
# budget, limit_req: about 5 % of the rate here, paid by admins only.)
live_server() {
	conf=$1/nginx
	grep -q '^fastcgi_cache symposium;$' "$conf/symposium.conf" ||
		fail "$conf/symposium.conf has no 'fastcgi_cache symposium;' line to leave out"
	grep -v '^fastcgi_cache symposium;$' "$conf/symposium.conf" >"$conf/symposium-live.conf"
	printf 'server {\n\tlisten 127.0.0.1:%s;\n\tserver_name live.bench;\n\tinclude %s;\n}\n' \
		"$2" "$conf/symposium-live.conf" >"$conf/live.conf"
	add_servers "$conf" "$conf/live.conf"
	wait_answer live.bench "http://127.0.0.1:$2/2023/"
}

# add_servers CONFDIR FILE: FILE's servers into that nginx after the site's
# server (the default one for its port): just before the closing brace of
# http {}, the file's last line; then a reload, waited for until the old
# workers are gone.  Until then they still accept connections with the
# old configuration: a request may get the site's 404 for a Host the new
# one knows, which once failed the bench's check of bare's answers.
add_servers() {
	[ "$(tail -n 1 "$1/nginx.conf")" = "}" ] || fail "$1/nginx.conf does not end with http's }"
	sed -i "\$i include $2;" "$1/nginx.conf"
	nginx -q -t -p "$1/" -c "$1/nginx.conf" || fail "with $2 the nginx configuration is invalid"
	master=$(cat "$1/../run/nginx.pid" 2>/dev/null) || fail "no nginx.pid beside $1"
	old=$(pgrep -P "$master" -f 'worker process' | tr '\n' ' ')
	nginx -p "$1/" -c "$1/nginx.conf" -s reload || fail "nginx did not reload"
	n=0
	for pid in $old; do
		while kill -0 "$pid" 2>/dev/null; do
			n=$((n + 1))
			[ $n -gt 100 ] && fail "nginx's old worker $pid did not stop within 10 s of the reload"
			sleep 0.1
		done
	done
}

# wait_answer HOST URL: until the server HOST answers URL with 200 (10 s).
wait_answer() {
	n=0
	until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: $1" "$2")" = 200 ]; do
		n=$((n + 1))
		[ $n -gt 100 ] && fail "$1 does not answer $2"
		sleep 0.1
	done
}

# The median of the numbers on stdin (one a line).
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

now_us() {
	echo $(($(date +%s%N) / 1000))
}

# pids of the workers of the program whose supervisor has pid $1.
workers_of() {
	pgrep -P "$1" 2>/dev/null || true
}

# Pss in kB of pid $1 (/proc/PID/smaps_rollup: Linux 4.14).
pss_kb() {
	awk '/^Pss:/ { print $2; exit }' "/proc/$1/smaps_rollup" 2>/dev/null
}

status_kb() {
	awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status" 2>/dev/null
}

# check NAME MEASURED TARGET OK(1/0)
check() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$([ "$4" = 1 ] && echo PASS || echo MISS)" >>"$CHK"
}

check_na() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "n/a" >>"$CHK"
}

# ---- the admin ----------------------------------------------------------

# admin_login NAME [PORT VARDIR]: a new administrator NAME of the site
# (default: the bench's) logged in through nginx; sets origin, sid and
# csrf, or prints why not ("n/a ...") and returns 1.
admin_login() {
	origin=http://127.0.0.1:${2:-$PORT}
	[ -x cgi-bin/admin ] || { echo "n/a (admin not built)"; return 1; }
	pw=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
	if ! printf '%s\n' "$pw" | SITE_DB=${3:-$VAR}/site.db ./cgi-bin/admin user add "$1" >/dev/null 2>&1; then
		echo "n/a (admin has no 'user add')"
		return 1
	fi
	curl -s -o /dev/null -D "$TMP/$1.login" -H "Origin: $origin" \
		--data-urlencode "name=$1" --data-urlencode "password=$pw" "$origin/admin/login"
	sid=$(sed -n 's/^[Ss]et-[Cc]ookie: __Host-sid=\([^;]*\).*/\1/p' "$TMP/$1.login" | tr -d '\r' | head -n 1)
	[ -n "$sid" ] || { echo "n/a (log-in failed: $(head -n 1 "$TMP/$1.login"))"; return 1; }
	curl -s -H "Cookie: __Host-sid=$sid" "$origin/admin/2023/presentations" >"$TMP/$1.form"
	csrf=$(grep -o '<input[^>]*name="csrf"[^>]*>' "$TMP/$1.form" | head -n 1 |
		sed -n 's/.*value="\([^"]*\)".*/\1/p')
	[ -n "$csrf" ] || { echo "n/a (no csrf field in /admin/2023/presentations)"; return 1; }
}

# ---- 100 photos of 12 megapixels, in bulk ---------------------------------

# The admin's script sends each photo on its own request, BULK_PARALLEL at
# a time; meanwhile an admin reads pages (the dashboard and the gallery's
# admin page in turn, one request after another), whose latency is kept.
BULK=$TMP/bulk

# noise_base DIR W H: DIR/base.v, photo-like: coarse noise blown up
# smoothly plus fine grain, so a JPEG of it compresses like a camera
# picture (about 4-5 MB at 12 MP and Q 92).
noise_base() {
	mkdir -p "$1"
	vips gaussnoise "$1/s.v" $(($2 / 10)) $(($3 / 10)) --mean 128 --sigma 60 &&
	vips bandjoin "$1/s.v $1/s.v $1/s.v" "$1/s3.v" &&
	vips resize "$1/s3.v" "$1/big.v" 10 --kernel linear &&
	vips gaussnoise "$1/n.v" "$2" "$3" --mean 0 --sigma 8 &&
	vips add "$1/big.v" "$1/n.v" "$1/sum.v" &&
	vips cast "$1/sum.v" "$1/base.v" uchar
}

# Every file differs in brightness, hence in bytes (stored by content).
bulk_photos() {
	noise_base "$BULK" $BULK_W $BULK_H || return 1
	seq 1 "$BULK_N" | xargs -P 2 -I{} vips linear "$BULK/base.v" "$BULK/photo-{}.jpg[Q=92]" 1 {} --uchar ||
		return 1
	rm -f "$BULK"/*.v
}

# send_photos DIR: every DIR/*.jpg to the logged-in site's 2023
# gallery as the admin's script sends them, one per request,
# BULK_PARALLEL at a time; "status seconds" a line.
send_photos() {
	ls "$1"/*.jpg | xargs -P "$BULK_PARALLEL" -I{} \
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 120 -H "Origin: $origin" \
		-H "Cookie: __Host-sid=$sid" -F "csrf=$csrf" -F one=1 \
		-F "file=@{};type=image/jpeg" "$origin/admin/2023/photos"
}

# describe_some DB: the oldest DESCRIBE_MAX photos waiting in DB described
# in one submit (alt text and credit), as the describe form sends them;
# prints the HTTP status.
describe_some() {
	fields=$(sqlite3 "$1" "SELECT group_concat('id=' || id || '&alt_' || id || '=Bench+photo+' || id, '&')
		FROM (SELECT id FROM photo_draft ORDER BY id LIMIT $DESCRIBE_MAX)")
	curl -s -o /dev/null -w '%{http_code}' --max-time 120 -H "Origin: $origin" \
		-H "Cookie: __Host-sid=$sid" --data "csrf=$csrf&credit_all=Bench&$fields" "$origin/admin/2023/photos/describe"
}

bulk_bench() {
	command -v vips >/dev/null 2>&1 || { echo "n/a (vips not installed)"; return 0; }
	admin_login bulk || return 0
	say "making $BULK_N JPEGs of ${BULK_W}x${BULK_H}"
	bulk_photos || { echo "n/a (vips could not make the photos)"; return 0; }
	bytes=$(cat "$BULK"/photo-*.jpg | wc -c)
	say "importing them through nginx, $BULK_PARALLEL at a time"
	: >"$BULK.lat"
	touch "$BULK.running"
	(
		n=0
		while [ -e "$BULK.running" ]; do
			pg=/admin/; [ $((n % 2)) = 1 ] && pg=/admin/2023/photos
			curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 10 \
				-H "Cookie: __Host-sid=$sid" "$origin$pg" >>"$BULK.lat"
			n=$((n + 1))
			sleep 0.05
		done
	) &
	reader=$!
	t0=$(now_us)
	send_photos "$BULK" >"$BULK.codes"
	t1=$(now_us)
	rm -f "$BULK.running"
	wait "$reader"
	ok=$(grep -c '^201 ' "$BULK.codes")
	waiting=$(sqlite3 "$VAR/site.db" "SELECT count(*) FROM photo_draft")
	# Then all of them described in one submit.
	t2=$(now_us)
	dcode=$(describe_some "$VAR/site.db")
	t3=$(now_us)
	lat_n=$(wc -l <"$BULK.lat")
	lat_bad=$(grep -vc '^200 ' "$BULK.lat")
	p50=$(awk '{ print $2 * 1000 }' "$BULK.lat" | median)
	p99=$(awk '{ print $2 * 1000 }' "$BULK.lat" | sort -g | awk '{ v[NR] = $1 } END { i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; print v[i] + 0 }')
	lat_max=$(awk '{ print $2 * 1000 }' "$BULK.lat" | sort -g | tail -n 1)
	per_file=$(awk '{ print $2 * 1000 }' "$BULK.codes" | median)
	rm -rf "$BULK"
	echo "$ok $waiting $(( (t1 - t0) / 1000 )) $bytes $lat_n $lat_bad $p50 $p99 $lat_max $per_file $dcode $(( (t3 - t2) / 1000 ))"
}
# The bulk import's lines and checks, from bulk_result.
bulk_report() {
	case $bulk_result in
	n/a*)
		check_na "bulk import of $BULK_N photos" "$bulk_result" "<= $T_BULK_S s"
		;;
	*)
		set -- $bulk_result
		echo "Bulk import: $1 of $BULK_N photos (${BULK_W}x${BULK_H}, $(($4 / 1048576)) MB together) answered 201"
		echo "  in $(awk -v ms="$3" 'BEGIN { printf "%.1f", ms / 1000 }') s, $BULK_PARALLEL requests at a time (median $(printf '%.0f' "${10}") ms a photo); $2 wait to describe."
		echo "  Admin pages meanwhile: $5 requests, p50 $(printf '%.0f' "$7") ms, p99 $(printf '%.0f' "$8") ms, max $(printf '%.0f' "$9") ms, $6 not 200."
		echo "  Describing all $2 in one submit: ${12} ms (answered ${11})."
		echo
		check "bulk import of $BULK_N photos of 12 MP" "$(awk -v ms="$3" 'BEGIN { printf "%.1f s", ms / 1000 }') ($1 x 201)" "<= $T_BULK_S s" \
			"$([ "$1" -eq "$BULK_N" ] && [ "$3" -le $((T_BULK_S * 1000)) ] && echo 1 || echo 0)"
		check "admin page p99 during the import" "$(printf '%.0f' "$8") ms ($6 not 200)" "<= $T_BULK_P99_MS ms" \
			"$(awk -v a="$8" -v t=$T_BULK_P99_MS -v bad="$6" 'BEGIN { print (a <= t && bad == 0) ? 1 : 0 }')"
		;;
	esac
}

# ---- the operator's commands: backup, restore, check, export ---------------

OPS=$TMP/ops

# gallery_count VARDIR: published photos in the 2023 gallery.
gallery_count() {
	sqlite3 "$1/site.db" "SELECT count(*) FROM photo p JOIN edition e ON e.id = p.edition_id
		WHERE e.year = 2023 AND p.in_gallery = 1 AND p.published = 1 AND p.deleted_at IS NULL"
}

# big_site: the site with BIG_PHOTOS photos in its 2023 gallery, made the
# way an admin makes one: a new site (deploy/site.sh start: the demo
# content), then JPEGs of up to BIG_PX x BIG_PX - overlapping crops of one
# noise picture, so every file differs, written by one vips process
# (dzsave's tiles; the ones at the picture's edges are smaller) -
# uploaded through nginx, BULK_PARALLEL at a time, and described (alt
# text, which makes them public) DESCRIBE_MAX per submit.  Sets BIG_PORT
# and big_made ("photos ms_made ms_uploaded ms_described submits").
big_site() {
	BIG_PORT=$(start_site "$BIG") || fail "the $BIG_PHOTOS-photo site did not start"
	admin_login big "$BIG_PORT" "$BIG" >"$TMP/login.msg" || fail "$BIG: $(cat "$TMP/login.msg")"
	need=$((BIG_PHOTOS - $(gallery_count "$BIG")))
	t0=$(now_us)
	mkdir -p "$OPS/up"
	noise_base "$OPS/photos" $((BIG_PX * 2)) $((BIG_PX * 3 / 2)) &&
	vips dzsave "$OPS/photos/base.v" "$OPS/photos/t" --depth one --tile-size $BIG_STEP \
		--overlap $(((BIG_PX - BIG_STEP) / 2)) --suffix '.jpg[Q=90]' || fail "vips could not make the photos"
	ls "$OPS/photos/t_files/0" | head -n "$need" | (cd "$OPS/photos/t_files/0" && xargs mv -t "$OPS/up")
	[ "$(ls "$OPS/up" | wc -l)" -eq "$need" ] || fail "vips made fewer than $need photos"
	t1=$(now_us)
	send_photos "$OPS/up" >"$OPS/codes"
	ok=$(grep -c '^201 ' "$OPS/codes")
	[ "$ok" -eq "$need" ] || fail "$BIG: $ok of $need uploads answered 201: $(grep -v '^201 ' "$OPS/codes" | sort | uniq -c | head -n 3)"
	t2=$(now_us)
	n=0
	while [ "$(sqlite3 "$BIG/site.db" "SELECT count(*) FROM photo_draft")" -gt 0 ]; do
		code=$(describe_some "$BIG/site.db")
		n=$((n + 1))
		[ "$code" = 303 ] && [ $n -le $((need / DESCRIBE_MAX + 1)) ] || fail "$BIG: describe answered $code"
	done
	t3=$(now_us)
	rm -rf "$OPS/photos" "$OPS/up"
	got=$(gallery_count "$BIG")
	[ "$got" -eq "$BIG_PHOTOS" ] || fail "$BIG: the gallery has $got published photos, not $BIG_PHOTOS"
	# Public means served: both sizes of every photo uploaded here lie in
	# media/, none in the private store.
	away=$(sqlite3 "$BIG/site.db" "SELECT m.path FROM photo p JOIN media m ON m.id IN (p.thumb_id, p.web_id)
		WHERE p.alt LIKE 'Bench photo %'" | while read -r f; do [ -f "$BIG/media/$f" ] || echo "$f"; done | wc -l)
	[ "$away" -eq 0 ] || fail "$BIG: $away files of the described photos are not in media/"
	big_made="$need $(( (t1 - t0) / 1000 )) $(( (t2 - t1) / 1000 )) $(( (t3 - t2) / 1000 )) $n"
}

# ops_bench LABEL VARDIR: `admin backup` of the serving site, `admin
# restore` of it into a new directory, `admin check --hashes` of the
# restored site, `admin export` of the site; one line into OPS.res:
# label backup_ms tar_bytes files restore_ms check_ms check_status
# export_ms export_files export_bytes load
ops_bench() {
	d=$OPS/$1
	mkdir -p "$d"
	load=$(cut -d' ' -f1 /proc/loadavg)
	t0=$(now_us)
	./cgi-bin/admin backup --db "$2/site.db" "$d/site.tar" >"$d/out" 2>&1 || { cat "$d/out" >&2; return 1; }
	t1=$(now_us)
	files=$(sed -n 's/.*MB), \([0-9]*\) media files.*/\1/p' "$d/out")
	./cgi-bin/admin restore "$d/site.tar" "$d/restored" >"$d/out" 2>&1 || { cat "$d/out" >&2; return 1; }
	t2=$(now_us)
	./cgi-bin/admin check --hashes --db "$d/restored/site.db" >"$d/out" 2>&1
	chk=$?
	[ $chk -eq 0 ] || sed 's/^/bench: check: /' "$d/out" | head -n 10 >&2
	t3=$(now_us)
	./cgi-bin/admin export --db "$2/site.db" "$d/export" >"$d/out" 2>&1 || { cat "$d/out" >&2; return 1; }
	t4=$(now_us)
	printf '%s\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n' "$1" $(( (t1 - t0) / 1000 )) \
		"$(stat -c %s "$d/site.tar")" "$files" $(( (t2 - t1) / 1000 )) $(( (t3 - t2) / 1000 )) "$chk" \
		$(( (t4 - t3) / 1000 )) "$(find "$d/export" -type f | wc -l)" "$(du -sb "$d/export" | cut -f1)" \
		"$load" >>"$OPS.res"
	rm -rf "$d"
}

# The operator's lines and checks, from OPS.res and big_made.
ops_report() {
	echo "Backup, restore, export (admin backup, restore, check --hashes of the restored copy, export;"
	echo "wall time of one run each while the site serves; load average when it began):"
	awk -F'\t' -v n=$BIG_PHOTOS '
		function mb(b) { return sprintf("%.1f MB", b / 1048576) }
		function s(ms) { return sprintf("%.2f s", ms / 1000) }
		{ name = $1 == "demo" ? "demo site" : n "-photo site"
		  printf "  %-26s backup %s, %s (site.db + %d files); restore %s; check %s (%s)\n", name, s($2), mb($3), $4, s($5), s($6), $7 == 0 ? "ok" : "exit " $7
		  printf "  %-26s export %s, %d files, %s; load %s\n", "", s($8), $9, mb($10), $11 }' "$OPS.res"
	if [ -n "${big_made:-}" ]; then
		set -- $big_made
		echo "  The $BIG_PHOTOS-photo site: the demo site plus $1 JPEGs of up to ${BIG_PX}x$BIG_PX px made with vips in $(awk -v ms="$2" 'BEGIN { printf "%.1f", ms / 1000 }') s,"
		echo "  uploaded through nginx in $(awk -v ms="$3" 'BEGIN { printf "%.1f", ms / 1000 }') s ($BULK_PARALLEL at a time), described in $5 submits in $(awk -v ms="$4" 'BEGIN { printf "%.1f", ms / 1000 }') s;"
		echo "  its media/ holds $(find "$BIG/media" -name '*.jpg' | wc -l) JPEGs, private/ $(find "$BIG/private" -name '*.jpg' 2>/dev/null | wc -l) (the full-resolution copies)."
	fi
	echo
	while IFS='	' read -r label _ _ _ _ _ chk _; do
		name="demo site"; [ "$label" = big ] && name="$BIG_PHOTOS-photo site"
		check "restored $name: admin check --hashes" "exit $chk" "exit 0" "$([ "$chk" = 0 ] && echo 1 || echo 0)"
	done <"$OPS.res"
}

# The target check table and the summary line.
print_checks() {
	echo "Target check:"
	awk -F'\t' '{ printf "  %-52s %-24s %-14s %s\n", $1, $2, $3, $4 }' "$CHK"
	misses=$(grep -c '	MISS$' "$CHK")
	echo
	echo "bench: $(grep -c '	PASS$' "$CHK") passed, $misses missed, $(grep -c '	n/a$' "$CHK") not measured"
}

# ---- wrk ----------------------------------------------------------------

# measure KIND LABEL URL [wrk -H arguments...]: one wrk run appended to
# RES as "kind label rps p50_ms p99_ms non2xx sockerr".
measure() {
	kind=$1 label=$2 url=$3
	shift 3
	out=$TMP/wrk.out
	if ! wrk -t"$THREADS" -c"$CONNS" -d"${BENCH_SECONDS}s" --timeout 5s --latency \
		"$@" "$url" >"$out" 2>&1; then
		cat "$out" >&2
		fail "wrk failed for $kind $label"
	fi
	awk -v kind="$kind" -v label="$label" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /m$/) return v * 60000
			if (v ~ /s$/) return v * 1000
			return v + 0
		}
		/^Requests\/sec:/ { rps = $2 }
		$1 == "50%" { p50 = ms($2) }
		$1 == "99%" { p99 = ms($2) }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ { gsub(/,/, ""); err = $4 + $6 + $8 + $10 }
		END {
			if (rps == "") exit 1
			printf "%s\t%s\t%s\t%.3f\t%.3f\t%d\t%d\n", kind, label, rps, p50, p99, bad, err
		}' "$out" >>"$RES" || { cat "$out" >&2; fail "no result from wrk for $kind $label"; }
}

# One round over the pages: static, bare, live, cache for each, in that
# order in odd rounds and the reverse in even ones, so that a machine
# getting faster or slower during a round favours no kind (ABBA).
# round PORT LABELPREFIX FIRST_INDEX ROUND PAGES...
round() {
	port=$1 prefix=$2 i=$3 rn=$4
	shift 4
	kinds="static bare live cache"
	[ $((rn % 2)) -eq 0 ] && kinds="cache live bare static"
	for pg in "$@"; do
		label=$prefix$pg
		for kind in $kinds; do
			case $kind in
			static) measure static "$label" "http://127.0.0.1:$PORT/p/$i" -H "Host: static.bench" ;;
			bare) measure bare "$label" "http://127.0.0.1:$PORT/p/$i" -H "Host: bare.bench" ;;
			live) measure live "$label" "http://127.0.0.1:$port$pg" -H "Host: live.bench" ;;
			cache) measure cache "$label" "http://127.0.0.1:$port$pg" ;;
			esac
		done
		i=$((i + 1))
	done
}

# ---- set-up -------------------------------------------------------------

say "starting the site (WORKERS=$WORKERS) in $VAR"
PORT=$(start_site "$VAR") || fail "the site did not start"
# The sitemap and the feed name absolute addresses: they need the base URL.
./cgi-bin/admin site --base-url "http://127.0.0.1:$PORT" --db "$VAR/site.db" >/dev/null ||
	fail "cannot set the base URL"

# BENCH_ONLY=bulk: the bulk import alone (about two minutes).
if [ "${BENCH_ONLY:-}" = bulk ]; then
	say "bulk import: $BULK_N photos of $((BULK_W * BULK_H / 1000000)) MP through nginx"
	bulk_result=$(bulk_bench)
	echo
	bulk_report
	print_checks
	exit 0
fi

# BENCH_ONLY=pages: the page rows of the demo site alone (BENCH_PAGES, if
# set, names the pages), with their targets.
if [ "${BENCH_ONLY:-}" = pages ]; then
	PAGES=${BENCH_PAGES:-$PAGES} BIG_PAGES=""
fi

# The operator's commands on the demo site, before the bench adds to it;
# then the 1000-photo site (the gallery pages below use it too), and the
# same commands on it.
if [ "${BENCH_ONLY:-}" != pages ]; then
command -v vips >/dev/null 2>&1 || fail "vips is not installed (make deps)"
mkdir -p "$OPS"
: >"$OPS.res"
say "backup, restore, check --hashes and export of the demo site"
ops_bench demo "$VAR" || fail "an operator's command failed on the demo site"
say "making a site with $BIG_PHOTOS photos in $BIG: small JPEGs uploaded through nginx and described"
big_site
say "backup, restore, check --hashes and export of the $BIG_PHOTOS-photo site"
ops_bench big "$BIG" || fail "an operator's command failed on the $BIG_PHOTOS-photo site"

# BENCH_ONLY=ops: those alone (a few minutes).
if [ "${BENCH_ONLY:-}" = ops ]; then
	echo
	ops_report
	print_checks
	exit 0
fi
fi

# The exact bytes of each page, for the static copies; for the bare
# responder, the page's whole response as its program wrote it: the
# header lines nginx passed on (less the ones nginx writes itself: its
# own, and the security headers security-headers.conf adds at the server
# level, bare's server's too) and the body.  So bare and live hand nginx the same
# response, and nginx parses the same header lines for both (about 6: the
# Content-Type, ETag, Last-Modified, Cache-Control...).
live_server "$VAR" "$PORT"
[ -z "$BIG_PAGES" ] || live_server "$BIG" "$BIG_PORT"
mkdir -p "$TMP/static/p" "$TMP/raw"
bare_args="" i=0
for spec in $(for pg in $PAGES; do echo "$PORT$pg"; done; for pg in $BIG_PAGES; do echo "$BIG_PORT$pg"; done); do
	url="http://127.0.0.1:$spec"
	code=$(curl -s -D "$TMP/raw/$i.h" -o "$TMP/static/p/$i" -w '%{http_code}' -H "Host: live.bench" "$url")
	[ "$code" = 200 ] || fail "$url answered $code"
	{
		printf 'Status: 200 OK\r\n'
		sed -e '1d' -e 's/\r$//' -e '/^$/d' "$TMP/raw/$i.h" |
			grep -Eiv '^(server|date|connection|keep-alive|transfer-encoding|x-cache-status|content-security-policy|x-content-type-options|referrer-policy|x-frame-options):' |
			sed 's/$/\r/'
		printf '\r\n'
		cat "$TMP/static/p/$i"
	} >"$TMP/raw/$i"
	bare_args="$bare_args /p/$i=$TMP/raw/$i"
	i=$((i + 1))
done

# shellcheck disable=SC2086  # one argument per page, no spaces in them
"$BARE" --listen "$TMP/bare.sock" --workers "$WORKERS" --raw $bare_args 2>>"$VAR/log/bare.log" &
bare_pid=$!

# The bench's servers go into the site's nginx: same process, same http {}
# settings (logging, sendfile, security headers), chosen by Host; each
# says server_tokens off as the site's server does (symposium.conf), so
# all four answer the same Server line.
CONF=$VAR/nginx
cat >"$CONF/bench.conf" <<EOF
server {
	listen 127.0.0.1:$PORT;
	server_name static.bench;
	server_tokens off;
	include $CONF/file-headers.conf;
	location /p/ {
		root $TMP/static;
		default_type text/html;
		charset utf-8;
	}
}
server {
	listen 127.0.0.1:$PORT;
	server_name bare.bench;
	server_tokens off;
	include $CONF/security-headers.conf;
	location /p/ {
		include $CONF/fastcgi.conf;
		fastcgi_pass unix:$TMP/bare.sock;
	}
}
EOF
add_servers "$CONF" "$CONF/bench.conf"
wait_answer bare.bench "http://127.0.0.1:$PORT/p/0"
wait_answer static.bench "http://127.0.0.1:$PORT/p/0"
for i in $(seq 0 $(($(echo $PAGES $BIG_PAGES | wc -w) - 1))); do
	body=$(curl -s -H 'Host: bare.bench' "http://127.0.0.1:$PORT/p/$i" | cksum)
	[ "$body" = "$(cksum <"$TMP/static/p/$i")" ] || fail "bare /p/$i differs from the page"
	# The same header lines as the page's, but for those nginx writes.
	curl -s -o /dev/null -D "$TMP/raw/$i.bare" -H 'Host: bare.bench' "http://127.0.0.1:$PORT/p/$i"
	for f in h bare; do
		tr -d '\r' <"$TMP/raw/$i.$f" | grep -Eiv '^(server|date|x-cache-status):' | sort >"$TMP/raw/$i.$f.s"
	done
	cmp -s "$TMP/raw/$i.h.s" "$TMP/raw/$i.bare.s" ||
		fail "bare /p/$i answers other headers than the page: $(diff "$TMP/raw/$i.h.s" "$TMP/raw/$i.bare.s" | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
done

# ---- throughput and latency ---------------------------------------------

nruns=$(( ROUNDS * 4 * $(echo $PAGES $BIG_PAGES | wc -w) ))
say "$nruns wrk runs of ${BENCH_SECONDS}s (-t$THREADS -c$CONNS), about $(( nruns * (BENCH_SECONDS + 1) / 60 + 1 )) min"
npages=$(echo $PAGES | wc -w)
r=1
while [ $r -le "$ROUNDS" ]; do
	say "round $r of $ROUNDS"
	# shellcheck disable=SC2086
	round "$PORT" "" 0 "$r" $PAGES
	# shellcheck disable=SC2086
	[ -z "$BIG_PAGES" ] || round "$BIG_PORT" "$BIG_PHOTOS photos " "$npages" "$r" $BIG_PAGES
	r=$((r + 1))
done

# ---- memory of the workers ----------------------------------------------

if [ "${BENCH_ONLY:-}" != pages ]; then

PSS=$TMP/pss
: >"$PSS"
for prog in $(sh deploy/gen.sh programs page); do
	for w in $(workers_of "$(cat "$VAR/run/$prog.pid")"); do
		echo "$prog $w $(pss_kb "$w")" >>"$PSS"
	done
done
for w in $(workers_of "$(cat "$BIG/run/gallery.pid")"); do
	echo "gallery($BIG_PHOTOS) $w $(pss_kb "$w")" >>"$PSS"
done
for w in $(workers_of "$bare_pid"); do
	echo "bare $w $(pss_kb "$w")" >>"$PSS"
done

# ---- start to first response --------------------------------------------

# Plain CGI: exec, compile the templates, open the database, query, render,
# write: the cold path of a worker, median of CGI_RUNS (tests/bench/startup.c).
START=$TMP/start
: >"$START"
for spec in home=/2023/ press=/2023/press presentations=/2023/presentations gallery=/2023/gallery programme=/2023/programme; do
	prog=${spec%%=*} uri=${spec#*=}
	REQUEST_METHOD=GET REQUEST_URI=$uri QUERY_STRING= SERVER_PROTOCOL=HTTP/1.1 \
		GATEWAY_INTERFACE=CGI/1.1 SITE_DB=$VAR/site.db SITE_TEMPLATES=$ROOT/templates \
		"$STARTUP" "$CGI_RUNS" "$ROOT/cgi-bin/$prog" >"$TMP/startup.out" ||
		fail "CGI $prog $uri did not answer 200"
	sed -n "s/^median_ms=\([0-9.]*\) min_ms=\([0-9.]*\)/$prog \1 \2/p" "$TMP/startup.out" >>"$START"
done

# ---- a 200 MB upload through nginx to the admin -------------------------

UP=$TMP/upload
upload_bench() {
	admin_pid=$(cat "$VAR/run/admin.pid" 2>/dev/null) || { echo "n/a (admin not running)"; return 0; }
	admin_login bench || return 0

	# A valid PDF: one page, then a stream of NUL padding, then %%EOF.
	pad=$((UPLOAD_MB * 1024 * 1024))
	{
		printf '%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'
		printf '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n'
		printf '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n'
		printf '4 0 obj\n<< /Length %d >>\nstream\n' "$pad"
		head -c "$pad" /dev/zero
		printf '\nendstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%%%EOF\n'
	} >"$UP.pdf"

	# The peak of each admin worker from now on (clear_refs 5 resets VmHWM:
	# the log-in's password hash must not count).
	: >"$UP.before"
	for w in $(workers_of "$admin_pid"); do
		echo 5 >"/proc/$w/clear_refs" 2>/dev/null
		echo "$w $(status_kb "$w" VmRSS)" >>"$UP.before"
	done
	t0=$(now_us)
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 300 -H "Origin: $origin" \
		-H "Cookie: __Host-sid=$sid" -F "csrf=$csrf" -F "title=Bench upload" \
		-F "speakers=Bench" -F "file=@$UP.pdf;type=application/pdf;filename=bench.pdf" \
		"$origin/admin/2023/presentations")
	t1=$(now_us)
	rm -f "$UP.pdf"
	growth=0
	while read -r w before; do
		hwm=$(status_kb "$w" VmHWM)
		[ -n "$hwm" ] && [ $((hwm - before)) -gt $growth ] && growth=$((hwm - before))
	done <"$UP.before"
	echo "$code $growth $(( (t1 - t0) / 1000 ))"
}
say "uploading a $UPLOAD_MB MB PDF to /admin/2023/presentations"
upload_result=$(upload_bench)

# ---- a 24-megapixel photo -----------------------------------------------

photo_result="n/a (vips not installed)"
if command -v vips >/dev/null 2>&1; then
	say "making a ${PHOTO_W}x${PHOTO_H} JPEG"
	# Photo-like: smooth noise in three bands (blurred, so it compresses
	# like a camera picture, not like white noise).
	for b in r g b; do
		vips gaussnoise "$TMP/$b.v" $PHOTO_W $PHOTO_H --mean 128 --sigma 60 || fail "vips gaussnoise"
	done
	vips bandjoin "$TMP/r.v $TMP/g.v $TMP/b.v" "$TMP/rgb.v" &&
	vips gaussblur "$TMP/rgb.v" "$TMP/blur.v" 1.2 &&
	vips cast "$TMP/blur.v" "$TMP/photo.v" uchar &&
	vips jpegsave "$TMP/photo.v" "$TMP/photo.jpg" --Q 92 || fail "cannot make the test photo"
	rm -f "$TMP"/*.v
	mkdir -p "$TMP/photo-media"
	/usr/bin/time -v "$IMPORT" "$TMP/photo-media" "$TMP/photo.jpg" >"$TMP/import.out" 2>"$TMP/import.time" ||
		{ cat "$TMP/import.out" "$TMP/import.time" >&2; fail "image_import failed"; }
	ms=$(sed -n 's/^import_ms=\([0-9]*\).*/\1/p' "$TMP/import.out")
	kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/import.time")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$TMP/import.time")
	photo_result="$ms $kb $wall $(du -k "$TMP/photo.jpg" | cut -f1) $(sed 's/^import_ms=[0-9]* //' "$TMP/import.out")"
fi

say "bulk import: $BULK_N photos of $((BULK_W * BULK_H / 1000000)) MP through nginx"
bulk_result=$(bulk_bench)
fi

# ---- report -------------------------------------------------------------

[ "$(wc -l <"$RES")" -eq "$nruns" ] || fail "only $(wc -l <"$RES") of $nruns wrk runs gave a result"

echo
echo "Benchmark: wrk -t$THREADS -c$CONNS -d${BENCH_SECONDS}s on loopback, medians of $ROUNDS rounds;"
echo "$WORKERS workers per program (bare and live alike); $(nproc) CPUs; nginx $(nginx -v 2>&1 | sed 's|.*/||')"
echo "ratio: bare/static, live/bare (requests/s), cache/static: each round's, then their median;"
echo "rounds: the lowest and the highest round's ratio."
echo
awk -F'\t' '
	{ k = $2 SUBSEP $1; n[k]++; rps[k, n[k]] = $3; p50[k, n[k]] = $4; p99[k, n[k]] = $5
	  bad[k] += $6 + $7; if (!(($2) in seen)) { seen[$2] = 1; order[++pages] = $2 } }
	function med(a, k,   m, i, j, t, v) {
		m = n[k]
		for (i = 1; i <= m; i++) v[i] = a[k, i] + 0
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
	}
	END {
		printf "%-42s %10s %9s %9s %8s %7s  %s\n", "target", "req/s", "p50 ms", "p99 ms", "non-2xx", "ratio", "rounds"
		split("static bare live cache", kinds, " ")
		for (p = 1; p <= pages; p++) {
			pg = order[p]
			for (q = 1; q <= 4; q++) {
				kd = kinds[q]; k = pg SUBSEP kd
				if (!n[k]) continue
				ref = kd == "bare" ? "static" : kd == "live" ? "bare" : kd == "cache" ? "static" : ""
				# The ratio of each round (its two runs were next to each
				# other, ABBA), then the median of those rounds.
				# "rounds": the lowest and highest of them, how far the
				# ratio moved from round to round on this machine.
				ratio = spread = ""
				if (ref != "") {
					kr = pg SUBSEP ref
					lo = hi = rps[k, 1] / rps[kr, 1]
					for (i = 1; i <= n[k]; i++) {
						rr[k, i] = rps[k, i] / rps[kr, i]
						pr[k, i] = p99[k, i] / p99[kr, i]
						if (rr[k, i] < lo) lo = rr[k, i]
						if (rr[k, i] > hi) hi = rr[k, i]
					}
					ratio = sprintf("%.2f", med(rr, k))
					spread = sprintf("%.2f-%.2f", lo, hi)
				}
				printf "%-42s %10.0f %9.2f %9.2f %8d %7s  %s\n", "(" q ") " kd " " pg, med(rps, k), med(p50, k), med(p99, k), bad[k], ratio, spread
				if (ref != "")
					printf "%s\t%s\t%s\t%s\n", pg, kd, med(rr, k), med(pr, k) > "/dev/stderr"
				BAD += bad[k]
			}
		}
		printf "total\t%d\n", BAD > "/dev/stderr"
	}' "$RES" 2>"$TMP/ratios"

if [ "${BENCH_ONLY:-}" != pages ]; then
echo
echo "Worker memory (Pss, kB):"
awk '{ printf "  %-22s pid %-8s %6s kB\n", $1, $2, $3 }' "$PSS"
echo
echo "Start to first response (plain CGI, exec to exit, median of $CGI_RUNS):"
awk '{ printf "  %-14s %6.1f ms  (fastest %.1f ms)\n", $1, $2, $3 }' "$START"
fi
echo

# ---- target check -------------------------------------------------------

# Each ratio is compared as printed (two decimals).
while IFS='	' read -r pg kind ratio p99ratio; do
	[ "$pg" = total ] && continue
	ratio=$(printf '%.2f' "$ratio") p99ratio=$(printf '%.2f' "$p99ratio")
	case $kind in
	live)
		check "live/bare req/s $pg" "$ratio" ">= $T_LIVE_RPS" \
			"$(awk -v a="$ratio" -v t=$T_LIVE_RPS 'BEGIN { print (a >= t) ? 1 : 0 }')"
		check "live/bare p99 $pg" "$p99ratio" "<= $T_LIVE_P99" \
			"$(awk -v a="$p99ratio" -v t=$T_LIVE_P99 'BEGIN { print (a <= t) ? 1 : 0 }')"
		;;
	cache)
		check "cache/static req/s $pg" "$ratio" ">= $T_CACHE_RPS" \
			"$(awk -v a="$ratio" -v t=$T_CACHE_RPS 'BEGIN { print (a >= t) ? 1 : 0 }')"
		;;
	esac
done <"$TMP/ratios"
total_bad=$(awk -F'\t' '$1 == "total" { print $2 }' "$TMP/ratios")
check "non-2xx and socket errors, all runs" "$total_bad" "0" "$([ "$total_bad" -eq 0 ] && echo 1 || echo 0)"
if [ "${BENCH_ONLY:-}" = pages ]; then
	print_checks
	exit 0
fi

max_pss=$(awk '$1 != "bare" && $3 > m { m = $3 } END { print m + 0 }' "$PSS")
check "public worker Pss, largest" "$max_pss kB" "<= $T_PSS_KB kB" "$([ "$max_pss" -le $T_PSS_KB ] && echo 1 || echo 0)"

max_start=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$START")
check "start to first response, slowest" "$max_start ms" "<= $T_START_MS ms" \
	"$(awk -v a="$max_start" -v t=$T_START_MS 'BEGIN { print (a <= t) ? 1 : 0 }')"

case $upload_result in
n/a*) check_na "$UPLOAD_MB MB upload: admin worker RSS growth" "$upload_result" "<= $T_UPLOAD_KB kB" ;;
*)
	set -- $upload_result
	if [ "$1" = 303 ]; then
		check "$UPLOAD_MB MB upload: admin worker RSS growth" "$2 kB ($3 ms, 303)" "<= $T_UPLOAD_KB kB" \
			"$([ "$2" -le $T_UPLOAD_KB ] && echo 1 || echo 0)"
	else
		check "$UPLOAD_MB MB upload: answered $1, not 303" "$2 kB" "303, <= $T_UPLOAD_KB kB" 0
	fi
	;;
esac

case $photo_result in
n/a*)
	check_na "24 MP import time" "$photo_result" "<= $T_IMPORT_MS ms"
	;;
*)
	set -- $photo_result
	echo "24 MP photo: a ${4} kB JPEG imported to $5, $6; the whole process took $3 (m:ss)"; echo
	check "24 MP import time" "$1 ms" "<= $T_IMPORT_MS ms" \
		"$([ "$1" -le $T_IMPORT_MS ] && echo 1 || echo 0)"
	check "24 MP import peak RSS" "$2 kB" "<= $T_IMPORT_KB kB" \
		"$([ "$2" -le $T_IMPORT_KB ] && echo 1 || echo 0)"
	;;
esac

bulk_report
ops_report

print_checks
exit 0
