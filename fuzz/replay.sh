#!/bin/bash
# Replay every input we keep through the harness programs in BINDIR: the
# corpus (CORPUS/H, unpacked from fuzz/corpus.tar.xz), tests/fuzz/H (crash
# regressions), fuzz/findings/H (open findings' reproducers: they pass as
# known findings) and, if there is one, the queue of the last fuzzing run
# in OUT/H. Usage: replay.sh BINDIR CORPUS OUT HARNESS...
set -u
# the known findings (fuzz.mk sets it too)
export FUZZ_KNOWN=${FUZZ_KNOWN:-$PWD/fuzz/known-findings.txt}
bindir=$1 corpus=$2 out=$3; shift 3
fail=0
for h in "$@"; do
	dirs=()
	for d in "$corpus/$h" tests/fuzz/$h fuzz/findings/$h "$out/$h/default/queue"; do
		[ -d "$d" ] && [ -n "$(ls -A "$d")" ] && dirs+=("$d")
	done
	[ ${#dirs[@]} = 0 ] && continue
	if ! FUZZ_TIMING=1 "$bindir/fuzz-$h" "${dirs[@]}"; then
		echo "fuzz-$h: a replayed input is a finding (see above)"
		fail=1
	fi
done
exit $fail
