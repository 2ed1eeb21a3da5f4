#!/bin/bash
# Build the overlay: the kernel directories that lu/ adds files to or that
# lu/patches/ changes, copied (files only, not subdirectories) from the
# pristine tree, then lu/'s files put in place, then the patch series
# applied in order. Whole directories are copied because a quoted
# #include "pci.h" resolves next to the including file: an unpatched
# sibling compiled from the pristine tree would see the unpatched header.
# The pristine tree is never written.
# Usage: make-overlay.sh KSRC OVERLAY LU_DIR PATCH...
set -euo pipefail
ksrc=$1 ovl=$2 lu=$3
shift 3
tmp="$ovl.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
dirs=$( { for p in "$@"; do sed -n 's|^+++ b/\([^\t ]*\).*|\1|p' "$p"; done
	  (cd "$lu" && find drivers include -type f 2>/dev/null); } |
	xargs -r -n1 dirname | sort -u)
for d in $dirs; do
	mkdir -p "$tmp/$d"
	if [ -d "$ksrc/$d" ]; then
		find "$ksrc/$d" -maxdepth 1 -type f -exec cp -p {} "$tmp/$d/" \;
	fi
done
(cd "$lu" && find drivers include -type f 2>/dev/null) | while read -r f; do
	cp -p "$lu/$f" "$tmp/$f"
done
for p in "$@"; do
	if ! patch -p1 -d "$tmp" --no-backup-if-mismatch -s -f < "$p"; then
		echo "make-overlay.sh: $p does not apply" >&2
		exit 1
	fi
done
rm -rf "$ovl"
mv "$tmp" "$ovl"
