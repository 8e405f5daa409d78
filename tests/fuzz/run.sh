#!/bin/sh
# Fuzzing of lib/form*.c, lib/md.c, lib/ical.c and the template engine
# (lib/tmpl.c, lib/tmpl_compile.c and the rest of its compiler) with clang's
# libFuzzer.
#
#   sh tests/fuzz/run.sh run      build each target with libFuzzer, ASan and
#                                 UBSan and fuzz it for FUZZ_SECONDS seconds
#                                 (default 60), starting from its seed corpus;
#                                 new inputs go to a temporary directory (not
#                                 into the tree), a crashing input is saved
#                                 under build/fuzz/crashes/<target>/.
#   sh tests/fuzz/run.sh replay   build each target with ASan and UBSan and
#                                 the driver replay.c, and run it on every
#                                 file of tests/fuzz/corpus/<target>/.
# tests/fuzz/<target>.dict, when present, is given to libFuzzer as -dict.
# FUZZ_TARGETS="tmpl md" limits either to those targets.
#
# Neither needs the network; both stop by themselves.  A crash found by
# `run` belongs in the corpus once fixed, so `replay` keeps checking it.
set -u
cd "$(dirname "$0")/../.." || exit 1

CLANG=${FUZZ_CC:-clang}
TARGETS=${FUZZ_TARGETS:-"multipart urlencoded cookie md ical tmpl"}
SRC="lib/form.c lib/form_multipart.c lib/form_mp_header.c lib/http.c lib/buf.c"
# What a target needs besides SRC: md links lib/md.c and Debian's cmark-gfm
# (not instrumented itself; the checks are on md.c's output); tmpl links
# libxml2 the same way, with the include path pkg-config gives the Makefile.
extra() {
	case $1 in
	md) echo "lib/md.c -lcmark-gfm-extensions -lcmark-gfm" ;;
	ical) echo "lib/ical.c lib/when.c" ;;
	tmpl) echo "lib/tmpl.c lib/tmpl_compile.c lib/tmpl_markup.c lib/tmpl_read.c" \
		"$(pkg-config --cflags --libs libxml-2.0 2>/dev/null ||
		   echo -I/usr/include/libxml2 -lxml2)" ;;
	esac
}
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -Ilib -g -O1 -fno-omit-frame-pointer
	-fno-sanitize-recover=all -Wall -Wextra -Werror"
OUT=build/fuzz

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found (install clang and libclang-rt-14-dev)" >&2
	exit 1
fi
mkdir -p "$OUT"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

build() {  # build OUTPUT SANITIZERS SOURCES_AND_LIBRARIES...
	out=$1 san=$2
	shift 2
	# shellcheck disable=SC2086
	if ! "$CLANG" $CFLAGS -fsanitize="$san" -o "$out" "$@" $SRC \
	     2>"$tmp/build.log"; then
		cat "$tmp/build.log" >&2
		echo "fuzz: building $out failed" >&2
		exit 1
	fi
}

run() {
	secs=${FUZZ_SECONDS:-60}
	crashed=0
	for t in $TARGETS; do
		# shellcheck disable=SC2046  # one word per file or library
		build "$OUT/fuzz_$t" fuzzer,address,undefined "tests/fuzz/fuzz_$t.c" $(extra "$t")
		mkdir -p "$tmp/corpus_$t"
		rm -rf "$OUT/crashes/$t"
		mkdir -p "$OUT/crashes/$t"
		dict=
		[ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
		# shellcheck disable=SC2086
		"$OUT/fuzz_$t" -max_total_time="$secs" -timeout=10 $dict \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$OUT/crashes/$t/" \
			"$tmp/corpus_$t" "tests/fuzz/corpus/$t" \
			>"$tmp/$t.log" 2>&1
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$tmp/$t.log" | tail -n 1)
		found=$(ls "$OUT/crashes/$t" | wc -l)
		new=$(ls "$tmp/corpus_$t" | wc -l)
		echo "fuzz: $t: ${execs:-?} executions in ${secs}s," \
		     "$found crashes, $new new corpus inputs (discarded)"
		if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
			crashed=$((crashed + 1))
			grep -E 'ERROR|SUMMARY|runtime error|deadly signal' \
				"$tmp/$t.log" | head -n 5
			tail -n 30 "$tmp/$t.log" > "$OUT/crashes/$t.log"
			echo "fuzz: $t: log tail in $OUT/crashes/$t.log," \
			     "inputs in $OUT/crashes/$t/"
		fi
	done
	[ "$crashed" -eq 0 ]
}

replay() {
	pass=0 fail=0
	for t in $TARGETS; do
		# shellcheck disable=SC2046
		build "$OUT/replay_$t" address,undefined "tests/fuzz/fuzz_$t.c" \
			tests/fuzz/replay.c $(extra "$t")
		for f in "tests/fuzz/corpus/$t"/*; do
			[ -f "$f" ] || continue
			if "$OUT/replay_$t" "$f" >"$tmp/out" 2>&1; then
				pass=$((pass + 1))
			else
				fail=$((fail + 1))
				echo "fuzz-replay: $t: $f failed:"
				head -n 20 "$tmp/out"
			fi
		done
	done
	echo "fuzz-replay: $pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}

case "${1:-}" in
run)    run ;;
replay) replay ;;
*)      echo "usage: $0 run|replay" >&2; exit 2 ;;
esac
