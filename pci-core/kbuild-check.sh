#!/bin/bash
# make kbuild-check: build the PCI Live Update as kernel code with the
# kernel's own Kbuild, W=1 and sparse (C=1), to show lu/ is buildable in a
# real kernel tree and not only in pcisim's build. The tree is the pristine
# one (as symlinks, so nothing is written to it), with the overlay (lu/ and
# the patch series) put in place; KHO and LUO are the tree's own.
#
# Fails on any compiler or sparse warning in lu/'s own files, and on any
# error; warnings W=1 reports in the patched drivers/pci files are listed
# (the pristine files already have some).
# Usage: kbuild-check.sh KSRC OVERLAY FRAGMENT OUTDIR
set -euo pipefail
ksrc=$1 ovl=$2 frag=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
cp -as "$ksrc" "$out/tree"
(cd "$ovl" && find . -type f) | while read -r f; do
	rm -f "$out/tree/$f"
	mkdir -p "$out/tree/$(dirname "$f")"
	cp "$ovl/$f" "$out/tree/$f"
done
# drivers/pci/Kconfig and Makefile come from the overlay: patch 0016 adds
# CONFIG_PCI_LIVEUPDATE and liveupdate.o; the fragment enables it
grep -q '^obj-$(CONFIG_PCI_LIVEUPDATE)' "$out/tree/drivers/pci/Makefile" || {
	echo "kbuild-check: drivers/pci/Makefile does not build liveupdate.o"; exit 1; }
cd "$out/tree"
make -s O="$out/kb" ARCH=x86_64 KCONFIG_ALLCONFIG="$frag" allnoconfig
"$here"/check-config.sh "$frag" "$out/kb/.config"
make -s -j2 O="$out/kb" ARCH=x86_64 prepare >/dev/null
objs="drivers/pci/liveupdate.o drivers/pci/probe.o drivers/pci/pci-driver.o
      drivers/pci/pci.o drivers/pci/iov.o drivers/pci/bus.o drivers/pci/remove.o
      drivers/pci/setup-bus.o drivers/pci/pcie/portdrv.o
      kernel/liveupdate/kexec_handover.o kernel/liveupdate/kho_block.o
      kernel/liveupdate/luo_core.o kernel/liveupdate/luo_flb.o"
# 7.x's Makefile turns the checker off unless it knows __typeof_unqual__
# (scripts/checker-valid.sh), which Debian 12's sparse 0.6.4 does not:
# sparse is told to read it as __typeof__ (the qualifiers it drops do not
# matter to what sparse checks here), and a build log that says the
# checker was not run fails the check.
check="sparse -D__typeof_unqual__=__typeof__"
make O="$out/kb" ARCH=x86_64 W=1 C=1 CHECK="$check" $objs > "$out/build.log" 2>&1 || {
	cat "$out/build.log"; echo "kbuild-check: the build failed"; exit 1; }
if grep -q "is not available or not up to date" "$out/build.log" ||
   ! grep -q "CHECK .*drivers/pci/liveupdate.c" "$out/build.log"; then
	cat "$out/build.log"; echo "kbuild-check: sparse did not run"; exit 1
fi
lu_warn=$(grep -E "(warning|error):" "$out/build.log" | grep -c "drivers/pci/liveupdate\.[ch]" || true)
# A warning in kernel/liveupdate on a line the pristine file has too is
# upstream's (e.g. sparse on get_unaligned()), not the safe-mode patches'.
klu_warn=0
while IFS=: read -r file line _; do
	rel=${file#"$out/tree/"}
	text=$(sed -n "${line}p" "$file")
	grep -qxF -- "$text" "$ksrc/$rel" || klu_warn=$((klu_warn + 1))
done < <(grep -E "(warning|error):" "$out/build.log" | grep "kernel/liveupdate/\|linux/kexec_handover\.h" || true)
other=$(grep -E "(warning|error):" "$out/build.log" | grep -v "kernel/liveupdate/\|linux/kexec_handover\.h" | grep -vc "drivers/pci/liveupdate\.[ch]" || true)
grep -E "(warning|error):" "$out/build.log" || true
echo "kbuild-check: $(echo $objs | wc -w) objects built with Kbuild, W=1, sparse; $lu_warn warning(s) in lu/, $klu_warn on lines the safe-mode patches changed in kernel/liveupdate, $other in the patched drivers/pci files"
[ "$lu_warn" = 0 ] && [ "$klu_warn" = 0 ]

# Without CONFIG_PCI_LIVEUPDATE: the patched files build against the
# static inline stubs of the two headers, and liveupdate.o is not built.
{ grep -v '^CONFIG_PCI_LIVEUPDATE=' "$frag"; echo 'CONFIG_PCI_LIVEUPDATE=n'; } > "$out/off.config"
make -s O="$out/kb-off" ARCH=x86_64 KCONFIG_ALLCONFIG="$out/off.config" allnoconfig
"$here"/check-config.sh "$out/off.config" "$out/kb-off/.config"
make -s -j2 O="$out/kb-off" ARCH=x86_64 prepare >/dev/null
offobjs=$(echo $objs | sed -e 's|drivers/pci/liveupdate.o||' -e 's|kernel/liveupdate/[a-z_]*\.o||g')
make O="$out/kb-off" ARCH=x86_64 W=1 $offobjs > "$out/build-off.log" 2>&1 || {
	cat "$out/build-off.log"; echo "kbuild-check: the build without CONFIG_PCI_LIVEUPDATE failed"; exit 1; }
stub_warn=$(grep -E "(warning|error):" "$out/build-off.log" | grep -c "liveupdate\.h" || true)
echo "kbuild-check: without CONFIG_PCI_LIVEUPDATE: $(echo $offobjs | wc -w) objects built, $stub_warn warning(s) in the stubs"
[ "$stub_warn" = 0 ]
