#!/bin/bash
# Replay every crash and hang afl-fuzz saved in OUT with the plain harness
# programs in BINDIR, and sort them: known findings (fuzz/known-findings.txt:
# the harness says "known finding", or lets the input pass now), new
# ones, and what does not reproduce. Exit 1 if there is a new one.
# Usage: triage.sh BINDIR OUT HARNESS...
set -u
# the known findings (fuzz.mk sets it too)
export FUZZ_KNOWN=${FUZZ_KNOWN:-$PWD/fuzz/known-findings.txt}
bindir=$1 out=$2; shift 2
new=0
for h in "$@"; do
	k=0 n=0 gone=0
	for f in "$out/$h"/default/crashes/id:* "$out/$h"/default/hangs/id:*; do
		[ -f "$f" ] || continue
		log=$(timeout 20 "$bindir/fuzz-$h" "$f" 2>&1)
		rc=$?
		if [ $rc = 0 ]; then
			gone=$((gone + 1))
			continue
		fi
		if grep -q "known finding" <<<"$log" && ! grep -q FINDING <<<"$log"; then
			k=$((k + 1))
			continue
		fi
		n=$((n + 1))
		new=1
		echo "NEW fuzz-$h finding: $f (exit $rc)"
		grep -m3 'FINDING\|kernel BUG\|ERROR: \|runtime error' <<<"$log" | sed 's/^/    /'
	done
	printf 'fuzz-%-8s crashes and hangs: %d new, %d known (kernel stopped), %d pass now (fixed, or known and let pass)\n' "$h" $n $k $gone
done
exit $new
