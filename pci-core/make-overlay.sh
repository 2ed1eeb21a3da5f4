#!/bin/bash
# Build the overlay: the kernel directories that lu/ adds files to or that
# lu/patches/ changes, copied (files only, not subdirectories) from the
# pristine tree, then lu/'s files put in place, then the patch series
# applied in order. Whole directories are copied because a quoted
# #include "pci.h" resolves next to the including file: an unpatched
# sibling compiled from the pristine tree would see the unpatched header.
# The pristine tree is never written.
#
# The overlay is built in a staging directory and then brought in: a file
# whose content changed is copied (it gets a new time, so what includes it
# is recompiled), a file that is the same keeps its time, a file no longer
# in the overlay is removed. Editing one lu/ file or one patch thus makes
# only the objects that read the files it changes out of date.
# Usage: make-overlay.sh KSRC OVERLAY LU_DIR PATCH...
set -euo pipefail
ksrc=$1 ovl=$2 lu=$3
shift 3
tmp="$ovl.new"
rm -rf "$tmp" "$tmp.diff"
mkdir -p "$tmp"
dirs=$( { for p in "$@"; do sed -n 's|^+++ b/\([^\t ]*\).*|\1|p' "$p"; done
	  (cd "$lu" && find drivers include -type f 2>/dev/null); } |
	xargs -r -n1 dirname | sort -u)
for d in $dirs; do
	mkdir -p "$tmp/$d"
	if [ -d "$ksrc/$d" ]; then
		find "$ksrc/$d" -maxdepth 1 -type f -exec cp -p -t "$tmp/$d/" {} +
	fi
done
(cd "$lu" && find drivers include -type f 2>/dev/null) | while read -r f; do
	cp -p "$lu/$f" "$tmp/$f"
done
# A patch that does not apply (KSRC= a tree it was not written for) is
# named with each file it failed on.
for p in "$@"; do
	if ! out=$(patch -p1 -d "$tmp" --no-backup-if-mismatch -f -r - < "$p" 2>&1); then
		files=$(printf '%s\n' "$out" | awk '/^patching file /{ f = $3 }
			/FAILED|No file to patch/ && f != "" { print f }' | sort -u | paste -sd' ')
		printf '%s\n' "$out" | grep -E "FAILED|can't find file|No file to patch" | sed 's/^/  /' >&2
		echo "make-overlay.sh: $p does not apply to ${files:-the tree} ($ksrc)" >&2
		exit 1
	fi
done

if [ ! -d "$ovl" ]; then
	mv "$tmp" "$ovl"
	exit 0
fi
# diff -rq names what differs: "Files A and B differ", "Only in DIR: NAME".
LC_ALL=C diff -rq "$tmp" "$ovl" > "$tmp.diff" || [ $? = 1 ]
while read -r line; do
	case "$line" in
	"Files $tmp/"*" differ")
		f=${line#"Files $tmp/"}
		f=${f%% and *}
		cp "$tmp/$f" "$ovl/$f"
		;;
	"Only in $tmp"*)
		d=${line#"Only in "}
		d=${d%%: *}
		n=${line##*: }
		cp -R "$d/$n" "$ovl/${d#"$tmp"}/"
		;;
	"Only in $ovl"*)
		d=${line#"Only in "}
		d=${d%%: *}
		rm -rf "${d:?}/${line##*: }"
		;;
	*)
		echo "make-overlay.sh: unexpected: $line" >&2
		exit 1
		;;
	esac
done < "$tmp.diff"
rm -rf "$tmp" "$tmp.diff"
