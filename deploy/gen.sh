#!/bin/sh
# Writes what the web servers and systemd need from deploy/programs.tsv, the
# one list of programs and URLs (see its header).
#
#   sh deploy/gen.sh programs [KIND]   the programs, one a line, in table
#                                      order (only those with a KIND line)
#   sh deploy/gen.sh nginx FILE        FILE with its @PROGRAM_LOCATIONS@ line
#                                      replaced by one location per line
#   sh deploy/gen.sh apache FILE       FILE with @PROGRAM_LIMITS@ and
#                                      @PROGRAM_PROXIES@ lines replaced
#   sh deploy/gen.sh systemd FILE      FILE with @PROGRAM_SOCKETS@ replaced
#                                      by the programs' socket units
#
# Other placeholders (@RUNDIR@, @CONF@...) are left for the caller to fill
# in.  PROGRAMS_TSV names another table (the tests use it).  A malformed
# table line stops it with the line's number, so nothing half-written is
# served.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
TABLE=${PROGRAMS_TSV:-$HERE/programs.tsv}
# The session cookie whose absence makes an upload address refuse a POST
# (lib/auth.h, AUTH_COOKIE: "__Host-" binds it to this host, RFC 6265bis).
COOKIE=__Host-sid
# Requests with a session cookie that may skip nginx's microcache at once
# before its rate (symposium-http.conf) applies.
BYPASS_BURST=40
# What the web server answers such a POST.
ANON="You are not logged in, or your session has expired. Please log in again at /admin/login."
# What the web server answers an admin form over its line's limit (413),
# ahead of the program; %s: the limit ("448 KB").
TOO_LARGE="The form is larger than the %s this address takes, so nothing was sent or saved. Go back: what you typed is still in the form; shorten it and save again."

die() { echo "gen: $*" >&2; exit 1; }

[ -r "$TABLE" ] || die "cannot read $TABLE"

# The table's lines as "order<TAB>line<TAB>program<TAB>kind<TAB>bytes<TAB>
# body<TAB>timeout<TAB>url", in the order a request tries them: regular
# expressions as listed, then prefixes, longest first.
rows() {
	out=$(awk -F '\t' '
	function fail(m) { printf "gen: %s line %d: %s\n", FILENAME, NR, m > "/dev/stderr"; bad = 1; exit 1 }
	/^#/ || /^[ \t]*$/ { next }
	{
		if (NF != 5) fail("5 tab-separated columns expected, " NF " found")
		if ($1 !~ /^[a-z][a-z0-9_-]*$/) fail("program name: " $1)
		if ($2 !~ /^(page|admin|upload)$/) fail("kind: " $2 " (page, admin or upload)")
		if ($3 !~ /^[0-9]+[km]?$/) fail("body: " $3 " (a number with k or m)")
		if ($4 !~ /^[1-9][0-9]*$/) fail("timeout: " $4 " (seconds)")
		if ($5 ~ /^\^/) { if (index($5, "#") || index($5, "\"")) fail("url: no # or \" in a regular expression") }
		else if ($5 !~ /^\/[A-Za-z0-9\/_.-]*$/) fail("url: ^regex or /prefix")
		n = $3 + 0
		if ($3 ~ /k$/) n *= 1024
		if ($3 ~ /m$/) n *= 1048576
		key = ($5 ~ /^\^/) ? sprintf("0 %06d", NR) : sprintf("1 %06d", 999999 - length($5))
		printf "%s\t%d\t%s\t%s\t%d\t%s\t%s\t%s\n", key, NR, $1, $2, n, $3, $4, $5
	}' "$TABLE") || exit 1
	[ -n "$out" ] || die "$TABLE lists no program"
	printf '%s\n' "$out" | sort -t '	' -k1,1 | cut -f2-
}

programs() {
	rows >/dev/null || exit 1
	awk -F '\t' -v kind="${1:-}" '!/^#/ && NF == 5 && (kind == "" || $2 == kind) && !seen[$1]++ { print $1 }' "$TABLE"
}

# replace FILE MARKER: FILE with each line that holds only MARKER replaced
# by stdin.
replace() {
	# ENVIRON, not -v: awk would read backslashes in -v values as escapes.
	BLOCK=$(cat) awk -v marker="$2" '
		{ line = $0; gsub(/^[ \t]+|[ \t]+$/, "", line) }
		line == marker { print ENVIRON["BLOCK"]; found = 1; next }
		{ print }
		END { if (!found) { printf "gen: %s has no %s line\n", FILENAME, marker > "/dev/stderr"; exit 1 } }' "$1"
}

nginx_locations() {
	rows | awk -F '\t' -v anon="$ANON" -v burst="$BYPASS_BURST" -v large="$TOO_LARGE" '
	{
		line = $1; prog = $2; kind = $3; body = $5; tmo = $6; url = $7
		human = body; sub(/k$/, " KB", human); sub(/m$/, " MB", human)
		printf "# programs.tsv line %d: %s (%s)\n", line, prog, kind
		if (url ~ /^\^/) printf "location ~ \"%s\" {\n", url
		else printf "location %s {\n", url
		printf "\tclient_max_body_size %s;\n", body
		printf "\tfastcgi_read_timeout %ss;\n", tmo
		if (kind == "upload") {
			# A POST without the session cookie: refused in the rewrite
			# phase, before nginx reads (and buffers to disk) any of the
			# body; nginx then drops the rest of it unread or unstored.
			print "\tdefault_type \"text/plain; charset=utf-8\";"
			print "\tif ($symposium_upload_anonymous) {"
			printf "\t\treturn 403 \"%s\\n\";\n", anon
			print "\t}"
		}
		if (kind != "page") {
			# The admin area is never kept by the microcache.
			print "\tfastcgi_cache off;"
		}
		if (kind == "admin") {
			# A body over the limit: a readable answer (RFC 9110 15.5.14)
			# rather than the server default page.
			printf "\terror_page 413 @too_large_%d;\n", line
		}
		if (kind == "page") {
			# Requests with a session cookie skip the microcache, within
			# the shared budget of symposium-http.conf; past it, they get
			# the cached page like everyone (README.md, "Microcache").
			print "\tlimit_req zone=symposium_bypass burst=" burst " nodelay;"
			printf "\terror_page 429 = @%s_cached;\n", prog
		}
		print "\tinclude @CONF@/fastcgi.conf;"
		printf "\tfastcgi_pass unix:@RUNDIR@/%s.sock;\n", prog
		print "}"
		if (kind == "admin") {
			printf "location @too_large_%d {\n", line
			print "\tdefault_type \"text/plain; charset=utf-8\";"
			printf "\treturn 413 \"" large "\\n\";\n", human
			print "}"
		}
		if (kind == "page" && !named[prog]++) {
			printf "location @%s_cached {\n", prog
			print "\tfastcgi_cache_bypass $symposium_negotiated;"
			print "\tfastcgi_no_cache $symposium_private $symposium_negotiated;"
			print "\tinclude @CONF@/fastcgi.conf;"
			printf "\tfastcgi_pass unix:@RUNDIR@/%s.sock;\n", prog
			print "}"
		}
	}'
}

apache_limits() {
	rows | awk -F '\t' -v cookie="$COOKIE" -v anon="$ANON" -v large="$TOO_LARGE" '
	{
		line = $1; prog = $2; kind = $3; bytes = $4; url = $7
		human = $5; sub(/k$/, " KB", human); sub(/m$/, " MB", human)
		re = url
		if (url !~ /^\^/) { gsub(/\./, "\\.", re); re = "^" re }
		printf "# programs.tsv line %d: %s (%s), at most %d bytes\n", line, prog, kind, bytes
		printf "<%s \"%%{REQUEST_URI} =~ m#%s#\">\n", (NR == 1 ? "If" : "ElseIf"), re
		printf "\t<If \"%%{HTTP:Content-Length} -gt %d\">\n", bytes
		if (kind == "admin")
			printf "\t\tErrorDocument 413 \"" large "\"\n", human
		print "\t\tRedirect 413\n\t</If>"
		if (kind == "upload") {
			# 413, not 403: for any status that keeps the connection
			# open, Apache first reads the whole body to discard it
			# (ap_discard_request_body); a 413 closes the connection.
			printf "\t<If \"%%{REQUEST_METHOD} == '\''POST'\'' && ! %%{HTTP:Cookie} =~ /(?:^|;)[ \\t]*%s=/\">\n", cookie
			printf "\t\tErrorDocument 413 \"%s\"\n", anon
			print "\t\tRedirect 413"
			print "\t</If>"
		}
		printf "</%s>\n", (NR == 1 ? "If" : "ElseIf")
	}'
}

apache_proxies() {
	rows | awk -F '\t' '
	{
		line = $1; prog = $2; url = $7; tmo = $6
		target = sprintf("\"unix:@RUNDIR@/%s.sock|fcgi://symposium-%s-%d/\" enablereuse=off connectiontimeout=5 timeout=%s", prog, prog, line, tmo)
		if (url ~ /^\^/) printf "ProxyPassMatch \"%s\" %s\n", url, target
		else printf "ProxyPass \"%s\" %s\n", url, target
	}'
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
programs)
	programs "$@" ;;
nginx)
	[ $# -eq 1 ] || die "usage: gen.sh nginx FILE"
	locs=$(nginx_locations) || exit 1
	printf '%s\n' "$locs" | replace "$1" @PROGRAM_LOCATIONS@ ;;
apache)
	[ $# -eq 1 ] || die "usage: gen.sh apache FILE"
	lim=$(apache_limits) || exit 1
	prx=$(apache_proxies) || exit 1
	tmp=$(printf '%s\n' "$lim" | replace "$1" @PROGRAM_LIMITS@) || exit 1
	printf '%s\n' "$tmp" >"${TMPDIR:-/tmp}/gen.$$"
	printf '%s\n' "$prx" | replace "${TMPDIR:-/tmp}/gen.$$" @PROGRAM_PROXIES@ ||
		{ rm -f "${TMPDIR:-/tmp}/gen.$$"; exit 1; }
	rm -f "${TMPDIR:-/tmp}/gen.$$" ;;
systemd)
	[ $# -eq 1 ] || die "usage: gen.sh systemd FILE"
	socks=$(programs | sed 's/.*/symposium@&.socket/' | tr '\n' ' ' | sed 's/ $//')
	[ -n "$socks" ] || die "$TABLE lists no program"
	printf '%s\n' "Wants=$socks" | replace "$1" @PROGRAM_SOCKETS@ ;;
*)
	die "usage: gen.sh programs [KIND] | nginx FILE | apache FILE | systemd FILE" ;;
esac
