#!/bin/bash
# make oracle-lu, step 1: an arm64 Linux from the pinned tree with what
# pcisim runs in place of what the tree has: the overlay (lu/ and the
# lu/patches series, as make-overlay.sh made it for pcisim's own build),
# and lu/sim-drivers built in as real drivers under drivers/pci/pcisim/.
# The pristine tree is only read (cp -as, as kbuild-check.sh does).
#
# drivers/pci/pcisim/ is this oracle's, not part of the series: the
# simulated drivers are test drivers, so they are hooked into the copy's
# drivers/pci/{Kconfig,Makefile} here rather than by a patch.
#
# Usage: build-kernel.sh KSRC OVERLAY OUTDIR JOBS
# Writes OUTDIR/Image, OUTDIR/build-seconds, OUTDIR/.config (in OUTDIR/kb).
set -euo pipefail
ksrc=$1 ovl=$2 out=$3 jobs=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
command -v "${cross}gcc" >/dev/null || {
	echo "oracle-lu: ${cross}gcc not found: apt-get install gcc-aarch64-linux-gnu"; exit 1; }

start=$(date +%s)
mkdir -p "$out"
# put SRC at DST unless DST has that content already: a rebuild after a
# change to lu/ recompiles what depends on it, not the whole kernel
put() {
	cmp -s "$1" "$2" 2>/dev/null && return 0
	rm -f "$2"
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
}
# the tree: symlinks to the pristine one (made again if that moved)
if [ "$(cat "$out/tree.src" 2>/dev/null)" != "$ksrc" ]; then
	rm -rf "$out/tree" "$out/kb"
	cp -as "$ksrc" "$out/tree"
	echo "$ksrc" > "$out/tree.src"
fi
(cd "$ovl" && find . -type f) | while read -r f; do
	put "$ovl/$f" "$out/tree/$f"
done
grep -q '^obj-$(CONFIG_PCI_LIVEUPDATE)' "$ovl/drivers/pci/Makefile" || {
	echo "oracle-lu: drivers/pci/Makefile does not build liveupdate.o"; exit 1; }

d=$out/tree/drivers/pci/pcisim
gen=$out/gen
rm -rf "$gen" && mkdir -p "$gen"
for f in pcisim_core.c pcisim_core.h pcisim_vfio.c pcisim_pf.c pcisim_native.c; do
	put "$top/lu/sim-drivers/$f" "$d/$f"
done
put "$here/pcisim_hw.c" "$d/pcisim_hw.c"
put "$here/pcisim_debugfs.c" "$d/pcisim_debugfs.c"
put "$here/include/sim/host_abi.h" "$d/include/sim/host_abi.h"
cat > "$gen/Kconfig" <<'KEOF'
# SPDX-License-Identifier: GPL-2.0
config PCISIM_DRIVERS
	bool "pcisim's simulated drivers: pcisim-vfio, pcisim-pf, pcisim-native"
	depends on PCI_LIVEUPDATE && DEBUG_FS
	help
	  The drivers pcisim runs its live updates with (lu/sim-drivers/),
	  for make oracle-lu: a vfio-like driver bound through
	  driver_override, an SR-IOV PF driver, and a native driver; and
	  the PCI core's live-update device list in debugfs.
KEOF
cat > "$gen/Makefile" <<'KEOF'
# SPDX-License-Identifier: GPL-2.0
ccflags-y += -I$(src)/include
obj-y += pcisim_core.o pcisim_vfio.o pcisim_pf.o pcisim_native.o pcisim_hw.o \
	pcisim_debugfs.o
KEOF
put "$gen/Kconfig" "$d/Kconfig"
put "$gen/Makefile" "$d/Makefile"
{ cat "$ovl/drivers/pci/Makefile"; echo 'obj-$(CONFIG_PCISIM_DRIVERS) += pcisim/'; } > "$gen/pci.Makefile"
sed 's|^source "drivers/pci/hotplug/Kconfig"|&\nsource "drivers/pci/pcisim/Kconfig"|' \
	"$ovl/drivers/pci/Kconfig" > "$gen/pci.Kconfig"
grep -q pcisim/Kconfig "$gen/pci.Kconfig" || {
	echo "oracle-lu: cannot hook drivers/pci/pcisim/Kconfig"; exit 1; }
put "$gen/pci.Makefile" "$out/tree/drivers/pci/Makefile"
put "$gen/pci.Kconfig" "$out/tree/drivers/pci/Kconfig"

kmake() { make -C "$out/tree" O="$out/kb" ARCH=arm64 CROSS_COMPILE="$cross" "$@"; }
kmake -s KCONFIG_ALLCONFIG="$here/kernel.config" allnoconfig
"$top/pci-core/check-config.sh" "$here/kernel.config" "$out/kb/.config"
kmake -s -j"$jobs" Image > "$out/build.log" 2>&1 || {
	tail -40 "$out/build.log"; echo "oracle-lu: the kernel build failed ($out/build.log)"; exit 1; }
# uAPI headers for the guest programs, in kb/usr/include (headers_install
# would need rsync)
kmake -s headers >/dev/null
cp "$out/kb/arch/arm64/boot/Image" "$out/Image"
echo $(( $(date +%s) - start )) > "$out/build-seconds"
echo "  ORACLE-LU kernel $(kmake -s kernelversion) built in $(cat "$out/build-seconds") s ($(nproc) CPUs, -j$jobs)"
