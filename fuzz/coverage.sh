#!/bin/bash
# The coverage report of a gcov build: the kernel world's files (the
# kernel's own, those the overlay patches, lu/, shim/, pci-core/ glue),
# as HTML in COVDIR/html and as a per-file summary of lines and functions.
# lu/'s files are named by their place in lu/; kernel files the patch
# series changes by their place in the overlay (COVDIR/overlay/...).
# Usage: coverage.sh COVDIR OVERLAY
set -euo pipefail
cov=$1 ovl=$2
top=$(pwd)
ksrc=$(sed -n 's/.*-I\([^ ]*linux-source-[0-9.]*\)\/include .*/\1/p' "$cov/kflags.txt" | head -1)
lcov -q --capture --directory "$cov" --output-file "$cov/all.info" 2>"$cov/lcov.log" || {
	cat "$cov/lcov.log"; exit 1; }
lcov -q --extract "$cov/all.info" "$ksrc/*" "$ovl/*" "$top/shim/*" "$top/lu/*" \
	"$top/pci-core/*" --output-file "$cov/kernel.info" 2>>"$cov/lcov.log"
lcov -q --remove "$cov/kernel.info" "*.h" --output-file "$cov/kernel.info" 2>>"$cov/lcov.log"
# lu/'s own files by their name in lu/ (the overlay holds copies);
# patched kernel files keep their overlay path (the source genhtml shows)
while read -r f; do
	rel=${f#"$ovl/"}
	if [ -f "lu/$rel" ] && cmp -s "lu/$rel" "$f"; then
		sed -i "s|^SF:$f\$|SF:$top/lu/$rel|" "$cov/kernel.info"
	fi
done < <(sed -n "s|^SF:\($ovl/.*\)|\1|p" "$cov/kernel.info")
mkdir -p "$cov/html"
genhtml -q --prefix "$ksrc" --prefix "$top" \
	--title "pcisim: the kernel world under make check and the fuzz corpora" \
	-o "$cov/html" "$cov/kernel.info" 2>>"$cov/lcov.log"
echo "coverage (lines, functions) per file; HTML: $cov/html/index.html"
lcov --list "$cov/kernel.info" 2>/dev/null | sed -e "s|$ksrc/||" -e "s|$top/||"
