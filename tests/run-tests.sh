#!/bin/sh
# Runs every unit-test binary in $BUILD/tests and every integration script
# in tests/integration, shows each one's closing line (and its whole output
# when it failed), and ends with the total: `check: N passed, N failed`.
BUILD=${BUILD:-build}
export BUILD
pass=0
fail=0
bad=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT INT TERM

run() {
	name=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	if [ -z "$line" ]; then
		p=0
		f=1
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -ne 0 ]; then
		bad="$bad $name"
		echo "---- $name (exit $rc)"
		cat "$log"
		echo "----"
	else
		echo "$line"
	fi
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
if [ -f tests/fuzz/run-corpus.sh ]; then
	run fuzz-corpus sh tests/fuzz/run-corpus.sh
fi
for t in tests/integration/*.sh; do
	case $t in */lib.sh) continue ;; esac
	run "$(basename "$t" .sh)" bash "$t"
done
[ -n "$bad" ] && echo "failed:$bad"
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
