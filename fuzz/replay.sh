#!/bin/bash
# Replay every input we keep through the harness programs in BINDIR:
# fuzz/seeds/H, fuzz/corpus/H, tests/fuzz/H (crash regressions) and, if
# there is one, the queue of the last fuzzing run in OUT/H.
# Usage: replay.sh BINDIR OUT HARNESS...
set -u
bindir=$1 out=$2; shift 2
fail=0
for h in "$@"; do
	dirs=()
	for d in fuzz/seeds/$h fuzz/corpus/$h tests/fuzz/$h "$out/$h/default/queue"; do
		[ -d "$d" ] && [ -n "$(ls -A "$d")" ] && dirs+=("$d")
	done
	[ ${#dirs[@]} = 0 ] && continue
	if ! FUZZ_TIMING=1 "$bindir/fuzz-$h" "${dirs[@]}"; then
		echo "fuzz-$h: a replayed input is a finding (see above)"
		fail=1
	fi
done
exit $fail
