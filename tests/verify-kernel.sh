#!/bin/bash
# Prove that every kernel source file the build compiles is byte-for-byte
# the pinned tarball's copy, and list them.
# Usage: verify-kernel.sh TARBALL KSRC FILE...
set -eu
tarball=$1 ksrc=$2
shift 2
top=$(tar -tJf "$tarball" 2>/dev/null | head -1 | cut -d/ -f1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
members=()
for f in "$@"; do members+=("$top/$f"); done
tar -C "$tmp" -xJf "$tarball" "${members[@]}"
bad=0
echo "Kernel files compiled unmodified from $(basename "$tarball") ($#):"
for f in "$@"; do
	if cmp -s "$tmp/$top/$f" "$ksrc/$f"; then
		echo "  ok   $f"
	else
		echo "  DIFF $f: $ksrc/$f is not the tarball's copy"
		bad=1
	fi
done
[ $bad = 0 ] && echo "verify-kernel: all $# files identical to the tarball"
exit $bad
