#!/bin/sh
# Installs what building, running and testing the site needs.
#
#   sh deploy/deps.sh          Debian packages (build, run, test)
#   sh deploy/deps.sh test     the same, then the end-to-end tests' npm
#                              packages in tests/e2e/node_modules
#
# Packages come only from Debian (apt-get) and npm, by name.  The browser is
# Debian's /usr/bin/chromium; nothing here downloads a browser or a JDK.
set -eu

cd "$(dirname "$0")/.."
mode=${1:-all}

BUILD="gcc make pkg-config libfcgi-dev libxml2-dev libsqlite3-dev libsodium-dev
libvips-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libcmocka-dev libarchive-dev libzip-dev clang libclang-rt-14-dev"
RUN="sqlite3 curl tzdata"
# make install/deb and their tests (tests/install/): the Debian packaging
# tools, a man page checker and logrotate (the shipped snippet is run).
PACKAGE="dpkg-dev debhelper fakeroot lintian mandoc logrotate"
# python3-icalendar: the strict parser the calendar files (.ics) are read
# with in tests/e2e/programme.test.mjs; libxml2-utils: xmllint, which
# checks the sitemap and the feed against their schemas (seo.test.mjs).
TEST="nodejs chromium fonts-dejavu-core default-jre-headless wrk libfcgi-bin poppler-utils libvips-tools apache2 unzip python3-icalendar libxml2-utils"

installed() {
	dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q ' installed$'
}

missing=""
for p in $BUILD $RUN $PACKAGE $TEST; do
	installed "$p" || missing="$missing $p"
done
# Any of Debian's nginx flavours will do; the light one is enough.
if ! installed nginx-light && ! installed nginx && ! installed nginx-core &&
   ! installed nginx-full && ! installed nginx-extras; then
	missing="$missing nginx-light"
fi
# npm may come bundled with the nodejs package (no separate npm package):
# only ask for Debian's npm when there is no npm command at all.
if ! command -v npm >/dev/null 2>&1 && ! installed npm; then
	missing="$missing npm"
fi

if [ -n "$missing" ]; then
	line="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing Debian packages:$missing" >&2
		echo "deps: as root, run:" >&2
		echo "  apt-get update && $line" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	apt-get update
	# shellcheck disable=SC2086 # the package list is meant to split
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi

[ "$mode" = test ] || exit 0

# --- npm packages for tests/e2e ---------------------------------------------
# Reinstalled only when package.json or package-lock.json changed since the
# last install (a stamp file records their checksum).  --ignore-scripts: the
# packages need no install step, and vnu-jar's would fetch a Java runtime.
e2e=tests/e2e
lock=$e2e/package-lock.json
stamp=$e2e/node_modules/.deps-stamp

if [ -f "$lock" ] && grep -q '"resolved"' "$lock"; then
	echo "deps: $lock records download addresses (\"resolved\");" >&2
	echo "deps: regenerate it with $e2e/.npmrc in effect (omit-lockfile-registry-resolved)" >&2
	exit 1
fi

want=$(cat "$e2e/package.json" "$lock" 2>/dev/null | sha256sum | cut -d' ' -f1)
have=$(cat "$stamp" 2>/dev/null || true)
if [ "$want" != "$have" ] || [ ! -d "$e2e/node_modules/playwright-core" ]; then
	if [ -f "$lock" ]; then
		(cd "$e2e" && npm ci --ignore-scripts --no-audit --no-fund)
	else
		(cd "$e2e" && npm install --ignore-scripts --no-audit --no-fund)
		if grep -q '"resolved"' "$lock"; then
			echo "deps: npm wrote \"resolved\" entries into $lock" >&2
			exit 1
		fi
	fi
	# The checksum after install: npm install may have written the lock.
	cat "$e2e/package.json" "$lock" | sha256sum | cut -d' ' -f1 >"$stamp"
fi

for f in node_modules/playwright-core/package.json \
         node_modules/axe-core/axe.min.js \
         node_modules/vnu-jar/build/dist/vnu.jar; do
	if [ ! -f "$e2e/$f" ]; then
		echo "deps: $e2e/$f is missing after npm install" >&2
		exit 1
	fi
done
