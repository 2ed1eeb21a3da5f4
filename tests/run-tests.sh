#!/bin/bash
# Run every CMocka test binary with TAP output and print one closing line
# "N passed, N failed" over all of them. Exit non-zero if any failed or if
# a binary crashed before reporting.
set -u
export CMOCKA_MESSAGE_OUTPUT=TAP
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	echo "$out"
	p=$(grep -c '^ok ' <<<"$out")
	f=$(grep -c '^not ok ' <<<"$out")
	pass=$((pass + p))
	fail=$((fail + f))
	# CMocka exits with the number of failed tests; anything else (a
	# crash, an abort, a sanitizer's report at exit) is one more failure
	if [ $rc -ne 0 ] && [ $rc -ne "$f" ]; then
		echo "not ok - $(basename "$t") exited with status $rc ($f failure(s) reported)"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
