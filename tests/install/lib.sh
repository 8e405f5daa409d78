# Shared by the install tests: pass/fail counting, a free port, and a site
# served from installed files by an nginx of the test's own.
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() {   # check WHAT COMMAND...: ok when the command succeeds
	what=$1; shift
	if "$@" >"$T/check.out" 2>&1; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$T/check.out" | head -n 20; fi
}
summary() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }

free_port() {
	node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# start_nginx SNIPPETS_DIR: an nginx on a free port, everything of its own in
# $T/nginx, including the installed snippets; sets PORT.
start_nginx() {
	mkdir -p "$T/nginx/tmp"
	PORT=$(free_port)
	user=""
	[ "$(id -u)" -eq 0 ] && user="user root;"
	cat >"$T/nginx/nginx.conf" <<CONF
$user
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/nginx/tmp/body;
	fastcgi_temp_path $T/nginx/tmp/fastcgi;
	proxy_temp_path $T/nginx/tmp/proxy;
	scgi_temp_path $T/nginx/tmp/scgi;
	uwsgi_temp_path $T/nginx/tmp/uwsgi;
	include $1/symposium-http.conf;
	server {
		listen 127.0.0.1:$PORT;
		# The operator's own header, as HSTS would be (README.md,
		# Deploying): every page must carry it (one_header_each).
		add_header X-Operator-Header yes always;
		include $1/symposium.conf;
	}
}
CONF
	nginx -p "$T/nginx/" -c "$T/nginx/nginx.conf"
}

stop_nginx() {
	[ -f "$T/nginx/nginx.pid" ] && kill -QUIT "$(cat "$T/nginx/nginx.pid")" 2>/dev/null
	i=0
	while [ -f "$T/nginx/nginx.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}

# status PATH: the HTTP status of GET PATH on the test's nginx.
status() {
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT$1"
}

# one_header_each NAME "FIELDS" PATH...: each answer carries each of the
# (lowercase) header fields exactly once.
one_header_each() {
	name=$1 fields=$2; shift 2
	bad=""
	for p in "$@"; do
		h=$(curl -s -D - -o /dev/null --max-time 10 "http://127.0.0.1:$PORT$p" | tr -d '\r' | tr 'A-Z' 'a-z')
		for f in $fields; do
			n=$(printf '%s\n' "$h" | grep -c "^$f:")
			[ "$n" = 1 ] || bad="$bad $p:$f*$n"
		done
	done
	if [ -z "$bad" ]; then ok "$name"; else not_ok "$name:$bad"; fi
}

# wait_up: until the site answers (up to 10 s).
wait_up() {
	i=0
	while :; do
		case $(status /) in 000|502|503|504) ;; *) return 0 ;; esac
		[ $i -ge 100 ] && return 1
		sleep 0.1; i=$((i + 1))
	done
}

# serves NAME PATHS...: each path answers 200.
serves() {
	name=$1; shift
	bad=""
	for p in "$@"; do
		s=$(status "$p")
		[ "$s" = 200 ] || bad="$bad $p:$s"
	done
	if [ -z "$bad" ]; then ok "$name"; else not_ok "$name:$bad"; fi
}
