#!/bin/bash
# make bench: prints figures, asserts nothing.  Each figure is the median
# of RUNS runs, next to a reference measured in the same run on the same
# machine, and their ratio.  Record results in docs/benchmarks.md.
set -u
BUILD=${BUILD:-build}
RUNS=${RUNS:-5}

# median_ms CMD...: median wall time of RUNS runs, in milliseconds.
median_ms() {
	local i t0 t1 times=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1000 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "n/a" }'
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "runs: $RUNS (median)"

files="conf/planwatch.conf conf/organization.conf conf/calendar.conf conf/plans/*.conf rules/templates/*/*.txt"
ref=$(median_ms sh -c "cat $files")
t=$(median_ms "$BUILD/planwatchd" -n -f conf/planwatch.conf)
echo "configuration load and check (planwatchd -n): $t ms; reference, a process reading the same files (cat): $ref ms; ratio $(ratio "$t" "$ref")"

ref=$(median_ms cat tests/data/skarpnack-2019.txt)
t=$(median_ms "$BUILD/planwatchctl" plan import tests/data/skarpnack-2019.txt)
echo "plan import of the reference document: $t ms; reference, cat of the same file: $ref ms; ratio $(ratio "$t" "$ref")"

for b in tests/bench/*.bench; do
	[ -e "$b" ] && bash "$b"
done
exit 0
