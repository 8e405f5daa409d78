#!/bin/sh
# Writes templates/assets/favicon.ico from templates/assets/icon.svg: the
# file that browsers, feed readers and crawlers ask for at /favicon.ico
# whatever the page says.  An ICO file may hold PNG images (Windows Vista
# and every browser since), so this is a 6-byte ICONDIR, one 16-byte
# ICONDIRENTRY per size, then the PNGs that libvips renders.
#
#   sh deploy/favicon.sh        (needs vips, from Debian's libvips-tools)
set -eu

cd "$(dirname "$0")/.."
SVG=templates/assets/icon.svg
OUT=templates/assets/favicon.ico
SIZES="16 32 48"
SVG_SIZE=32        # the SVG's own width and height (its viewBox)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

byte() { printf "\\$(printf '%03o' "$1")"; }
le16() { byte $(($1 & 255)); byte $(($1 >> 8 & 255)); }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }

count=0
for s in $SIZES; do
	# scale= renders the vector at that size (no blurry upscaling).
	vips copy "$SVG[scale=$(echo "$s $SVG_SIZE" | awk '{ print $1 / $2 }')]" "$tmp/$s.png[strip]"
	count=$((count + 1))
done

{
	le16 0; le16 1; le16 $count                     # ICONDIR: reserved, type 1 (icon), count
	offset=$((6 + 16 * count))
	for s in $SIZES; do
		n=$(wc -c <"$tmp/$s.png")
		byte $s; byte $s; byte 0; byte 0          # width, height, no palette, reserved
		le16 1; le16 32; le32 "$n"; le32 $offset    # planes, bits per pixel, size, offset
		offset=$((offset + n))
	done
	for s in $SIZES; do
		cat "$tmp/$s.png"
	done
} >"$OUT"
echo "favicon: wrote $OUT ($(wc -c <"$OUT") bytes, sizes $SIZES)"
