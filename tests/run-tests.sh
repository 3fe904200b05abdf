#!/bin/bash
# Runs every unit-test binary in $BUILD/tests, the fuzz corpora and every
# integration script in tests/integration, shows each one's closing line
# (and its whole output when it failed), and ends with the total:
# `check: N passed, N failed`.
#
# Unit tests run one after another.  Integration scripts mostly wait on
# the daemon, a mail server or a clock, so JOBS of them (default: the
# number of cores, at least 2) run at once, the slowest first; each works
# in a directory and on ports of its own.  JOBS=1 runs them in order.
BUILD=${BUILD:-build}
export BUILD
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
[ "$JOBS" -ge 2 ] 2>/dev/null || JOBS=2
pass=0
fail=0
bad=""
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
trap 'kill $(jobs -p) 2>/dev/null; exit 130' INT TERM

# tally NAME LOG RC [SECONDS]: adds a finished test's counts and shows its
# result (and how long it took).
tally() {
	local name=$1 log=$2 rc=$3 secs=${4:+ (${4} s)} line p f
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
		echo "$line$secs"
	fi
}

run() {
	local name=$1 rc t0=$SECONDS
	shift
	"$@" >"$logs/$name.log" 2>&1
	rc=$?
	tally "$name" "$logs/$name.log" "$rc" $((SECONDS - t0))
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
if [ -f tests/fuzz/run-corpus.sh ]; then
	run fuzz-corpus sh tests/fuzz/run-corpus.sh
fi

# The slow ones first, so the pool does not end waiting on one of them.
scripts=$(ls tests/integration/*.sh | grep -v '/lib\.sh$' |
    awk '/valgrind|crash|docs|delivery|intake/ { print 0, $0; next }
	 { print 1, $0 }' | sort -k1,1n -k2 | cut -d' ' -f2)
declare -A pid_name pid_start
running=0
# reap: waits for one script to end and tallies it.
reap() {
	local pid rc
	wait -n -p pid
	rc=$?
	tally "${pid_name[$pid]}" "$logs/${pid_name[$pid]}.log" "$rc" \
	    $((SECONDS - pid_start[$pid]))
	unset "pid_name[$pid]" "pid_start[$pid]"
	running=$((running - 1))
}
for t in $scripts; do
	name=$(basename "$t" .sh)
	bash "$t" >"$logs/$name.log" 2>&1 &
	pid_name[$!]=$name
	pid_start[$!]=$SECONDS
	running=$((running + 1))
	[ "$running" -ge "$JOBS" ] && reap
done
while [ "$running" -gt 0 ]; do
	reap
done
[ -n "$bad" ] && echo "failed:$bad"
echo "check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
