#!/bin/sh
# `make deb`: a Debian package of this tree.  dpkg-buildpackage writes its
# results next to the tree it builds, so it builds a copy in build/deb/
# (the files git knows plus new ones it does not ignore; without git, the
# tree less build output), then lintian checks the package: any error
# fails.  Prints the .deb's path last.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/build/deb

die() { echo "deb: $*" >&2; exit 1; }

for t in dpkg-buildpackage dpkg-parsechangelog dh lintian fakeroot; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing; run: sh deploy/deps.sh"
done
version=$(dpkg-parsechangelog -S Version) || die "cannot read debian/changelog"
src=$OUT/symposium-$version
rm -rf "$OUT"
mkdir -p "$src"

if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar -cf - --exclude=./build --exclude=./var --exclude=./tests/out \
		--exclude=./tests/e2e/node_modules . | tar -xf - -C "$src"
fi

echo "deb: building symposium $version in $src (log: $OUT/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc -j2) >"$OUT/build.log" 2>&1; then
	tail -n 40 "$OUT/build.log" >&2
	die "dpkg-buildpackage failed"
fi
deb=$(ls "$OUT"/symposium_"$version"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "no .deb in $OUT"

# Errors fail the build; warnings and notes are shown for the record.
# (lintian refuses to run as root unless told it may.)
if ! lintian --allow-root --fail-on error --tag-display-limit 0 "$deb" >"$OUT/lintian.log" 2>&1; then
	cat "$OUT/lintian.log" >&2
	die "lintian found errors in $deb"
fi
sed 's/^/deb: lintian: /' "$OUT/lintian.log"
echo "$deb"
