#!/bin/sh
# Writes templates/assets/share.jpg: the share preview (og:image,
# twitter:image) of pages without a cover or press photo of their own, in
# the size the photos' previews have (lib/image.h, IMAGE_SHARE_W x
# IMAGE_SHARE_H): the site's icon, 400 px, centred on its soft background.
#
#   sh deploy/share-image.sh    (needs vips, from Debian's libvips-tools)
set -eu

cd "$(dirname "$0")/.."
SVG=templates/assets/icon.svg
OUT=templates/assets/share.jpg
W=1200 H=630 ICON=400
BG="241 245 248"   # site.css --soft, #f1f5f8
SVG_SIZE=32        # the SVG's own width and height (its viewBox)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

vips copy "$SVG[scale=$(echo "$ICON $SVG_SIZE" | awk '{ print $1 / $2 }')]" "$tmp/icon.png"
vips black "$tmp/black.v" "$W" "$H" --bands 3
vips linear "$tmp/black.v" "$tmp/bg.v" "1 1 1" "$BG" --uchar
vips copy "$tmp/bg.v" "$tmp/bg.png" --interpretation srgb
vips composite2 "$tmp/bg.png" "$tmp/icon.png" "$tmp/out.v" over \
	--x $(((W - ICON) / 2)) --y $(((H - ICON) / 2))
vips flatten "$tmp/out.v" "$tmp/flat.v"
vips jpegsave "$tmp/flat.v" "$OUT" --Q 85 --strip --optimize-coding
vipsheader "$OUT"
