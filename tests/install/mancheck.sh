#!/bin/sh
# Every command that `admin --help` lists has its entry in the manual
# (".It Cm NAME" under COMMANDS of symposium-admin(8)).  `make unit` runs it
# on the tree, tests/install/run.sh on the installed files.
#   sh tests/install/mancheck.sh ADMIN_PROGRAM MAN_PAGE
set -u
[ $# -eq 2 ] || { echo "usage: mancheck.sh ADMIN_PROGRAM MAN_PAGE" >&2; exit 2; }
help=$("$1" --help 2>&1) || { echo "man: $1 --help failed: $help"; exit 1; }
cmds=$(printf '%s\n' "$help" | sed -n 's/^  admin \([a-z][a-z-]*\).*/\1/p' | sort -u)
[ -n "$cmds" ] || { echo "man: $1 --help lists no command"; exit 1; }
missing=""
for c in $cmds; do
	grep -q "^\.It Cm $c\( \|$\)" "$2" || missing="$missing $c"
done
if [ -n "$missing" ]; then
	echo "man: commands of admin --help without an entry in $2:$missing"
	echo "man: add an \".It Cm NAME ...\" paragraph under COMMANDS (see its first lines)"
	exit 1
fi
echo "man: every command of admin --help is in $2:" $cmds
