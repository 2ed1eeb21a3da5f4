#!/bin/bash
# make kbuild-check: build the PCI Live Update as kernel code with the
# kernel's own Kbuild, W=1 and sparse (C=1), to show lu/ is buildable in a
# real kernel tree and not only in pcisim's build. The tree is the pristine
# one (as symlinks, so nothing is written to it), with the overlay (lu/ and
# the patch series) and the KHO/LUO headers the series builds on (newer
# kernels have them; 6.12 does not) put in place.
#
# Fails on any compiler or sparse warning in lu/'s own files, and on any
# error; warnings W=1 reports in the patched drivers/pci files are listed
# (the pristine 6.12 files already have some).
# Usage: kbuild-check.sh KSRC OVERLAY SHIM_INCLUDE FRAGMENT OUTDIR
set -euo pipefail
ksrc=$1 ovl=$2 shiminc=$3 frag=$4 out=$5
rm -rf "$out"
mkdir -p "$out"
cp -as "$ksrc" "$out/tree"
(cd "$ovl" && find . -type f) | while read -r f; do
	rm -f "$out/tree/$f"
	mkdir -p "$out/tree/$(dirname "$f")"
	cp "$ovl/$f" "$out/tree/$f"
done
cp -r "$shiminc/linux/." "$out/tree/include/linux/"
# what the series would add to drivers/pci/Makefile with its Kconfig symbol
echo 'obj-$(CONFIG_PCI) += liveupdate.o' >> "$out/tree/drivers/pci/Makefile"
cd "$out/tree"
make -s O="$out/kb" ARCH=x86_64 KCONFIG_ALLCONFIG="$frag" allnoconfig
make -s -j2 O="$out/kb" ARCH=x86_64 prepare >/dev/null
objs="drivers/pci/liveupdate.o drivers/pci/probe.o drivers/pci/pci-driver.o
      drivers/pci/pci.o drivers/pci/iov.o drivers/pci/bus.o drivers/pci/remove.o
      drivers/pci/pcie/portdrv.o"
make O="$out/kb" ARCH=x86_64 W=1 C=1 $objs > "$out/build.log" 2>&1 || {
	cat "$out/build.log"; echo "kbuild-check: the build failed"; exit 1; }
lu_warn=$(grep -E "(warning|error):" "$out/build.log" | grep -c "drivers/pci/liveupdate\.[ch]" || true)
other=$(grep -E "(warning|error):" "$out/build.log" | grep -vc "drivers/pci/liveupdate\.[ch]" || true)
grep -E "(warning|error):" "$out/build.log" || true
echo "kbuild-check: $(echo $objs | wc -w) objects built with Kbuild, W=1, sparse; $lu_warn warning(s) in lu/, $other in the patched 6.12 files"
[ "$lu_warn" = 0 ]
