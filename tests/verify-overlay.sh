#!/bin/bash
# Prove the overlay is exactly the pristine tree + lu/ files + the patch
# series (nothing edited by hand), and list what compiles from it.
# Usage: verify-overlay.sh KSRC OVERLAY LU_DIR PATCH...
set -euo pipefail
ksrc=$1 ovl=$2 lu=$3
shift 3
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/../pci-core/make-overlay.sh" "$ksrc" "$tmp/ovl" "$lu" "$@"
if ! diff -r "$tmp/ovl" "$ovl" >/dev/null; then
	echo "verify-overlay: $ovl differs from pristine tree + lu/ + patches:"
	diff -rq "$tmp/ovl" "$ovl" | head
	exit 1
fi
echo "Patch series applied to the overlay ($#):"
for p in "$@"; do
	echo "  $(basename "$p"): $(sed -n 's|^+++ b/\([^\t ]*\).*|\1|p' "$p" | tr '\n' ' ')"
done
echo "Files added by lu/: $(cd "$lu" && find drivers include -type f 2>/dev/null | tr '\n' ' ')"
echo "verify-overlay: overlay = pristine tree + lu/ + $# patches"
