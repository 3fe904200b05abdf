#!/bin/sh
# run-corpus.sh: replays every saved fuzz input (tests/fuzz/corpus/<name>/)
# through its harness, built with the normal compiler and a plain main()
# (tests/fuzz/driver.c) instead of libFuzzer, and prints
# `fuzz-corpus: N passed, N failed`.  Run from the top of the tree.
# Honours CC, CFLAGS, LDFLAGS (e.g. -fsanitize=address,undefined) and BUILD.
set -u

CC=${CC:-cc}
CFLAGS=${CFLAGS:--O1 -g}
LDFLAGS=${LDFLAGS:-}
BUILD=${BUILD:-build}
out=$BUILD/fuzz-corpus
WARN="-std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Wno-unused-parameter"
JANSSON_CFLAGS=$(pkg-config --cflags jansson libuv libconfig libxml-2.0)
LIBS=$(pkg-config --libs jansson openssl libutf8proc)

mkdir -p "$out" || exit 2

passed=0
failed=0
for t in fuzz_pii fuzz_report fuzz_http fuzz_import fuzz_web; do
	extra=
	case $t in
	fuzz_pii)	srcs="daemon/core/pii.c daemon/core/fold.c" ;;
	fuzz_report)	srcs="daemon/core/concern.c daemon/core/pii.c daemon/core/fold.c \
			    daemon/core/calendar.c daemon/core/util.c daemon/core/sha256.c daemon/store/log.c" ;;
	# The HTTP request layer is the core's alone: no libuv, no libconfig.
	fuzz_http)	srcs="daemon/core/http_request.c daemon/core/http_config.c \
			    daemon/core/http_page.c daemon/core/util.c daemon/core/sha256.c \
			    daemon/core/fold.c"
			extra="-lhttp_parser" ;;
	fuzz_import)	srcs="daemon/core/import.c daemon/core/import_csv.c \
			    daemon/core/import_json.c daemon/core/import_meta.c \
			    daemon/core/import_table.c daemon/core/import_text.c \
			    daemon/core/import_revise.c daemon/core/office.c daemon/core/plan.c \
			    daemon/core/calendar.c daemon/core/cfg.c daemon/core/source.c daemon/core/util.c daemon/core/sha256.c \
			    daemon/core/fold.c daemon/store/log.c"
			extra="$(pkg-config --libs libconfig libzip libxml-2.0)" ;;
	fuzz_web)	srcs="daemon/core/web.c daemon/core/link.c daemon/core/template.c \
			    daemon/core/cfg.c daemon/core/source.c daemon/core/util.c daemon/core/sha256.c daemon/core/fold.c daemon/store/log.c"
			extra="$(pkg-config --libs libconfig)" ;;
	esac
	# shellcheck disable=SC2086
	if ! $CC $WARN -D_GNU_SOURCE -iquote daemon/core -iquote daemon/store -iquote daemon/services -iquote daemon/shell $JANSSON_CFLAGS $CFLAGS \
	    -o "$out/$t" tests/fuzz/driver.c "tests/fuzz/$t.c" $srcs \
	    $LDFLAGS $LIBS $extra; then
		echo "fuzz-corpus: cannot build $t" >&2
		failed=$((failed + 1))
		continue
	fi
	line=$("$out/$t" -n "$t" "tests/fuzz/corpus/$t")
	echo "$line"
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
done
echo "fuzz-corpus: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
