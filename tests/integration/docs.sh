#!/bin/bash
# The documentation as a reader meets it: every example in README.md,
# docs/*.md and the man pages runs (tests/docexamples.py says how each
# is marked), and every document a file of the repository names is in
# the repository.
. "$(dirname "$0")/lib.sh"

/usr/bin/python3 "$TOP/tests/docexamples.py" "$TOP" "$BUILD" >"$T/docs.out" 2>&1
rc=$?
grep -E '^(ok|FAIL|skip):|^    ' "$T/docs.out" | grep -v '^ok:'
npass=$((npass + $(grep -c '^ok:' "$T/docs.out")))
nfail=$((nfail + $(grep -c '^FAIL:' "$T/docs.out")))
if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$T/docs.out"; then
	cat "$T/docs.out"
	not_ok "docexamples.py ran to the end"
fi

# Every *.md a tracked file mentions exists, beside the file, at the
# top or in docs/.
missing=
for f in $(git -C "$TOP" ls-files); do
	case $f in *.png|*.db) continue ;; esac
	for ref in $(grep -oE '[A-Za-z0-9_./-]+\.md\b' "$TOP/$f" 2>/dev/null | sort -u); do
		base=${ref#./}
		[ -e "$TOP/$base" ] || [ -e "$TOP/$(dirname "$f")/$base" ] ||
		    [ -e "$TOP/docs/$base" ] || missing="$missing $f:$ref"
	done
done
check "every document named is in the repository${missing:+ (missing:$missing)}" [ -z "$missing" ]
finish
