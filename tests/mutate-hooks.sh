#!/bin/bash
# Remove (or misplace) each hook of lu/patches in turn, rebuild, run every
# test program, and list the tests that fail: the measurement behind the
# last column of lu/patches/REBASE-7.3.md. A mutation edits a patch file in
# place (the "+" line calling the hook made a no-op, line counts kept, so
# the series still applies and builds) and is undone with git checkout
# after its run. Takes about a minute a mutation on two cores.
# Usage: tests/mutate-hooks.sh [OUTDIR [NAME...]]   (NAMEs: run only those)
set -u
cd "$(dirname "$0")/.." || exit 1
out=${1:-build/mutations}
shift || true
only=" $* "
P=lu/patches
M=tests/mutations
mkdir -p "$out"
if ! git diff --quiet -- $P; then
	echo "$0: $P has changes; commit or stash them first" >&2
	exit 1
fi
trap 'git checkout -- $P' EXIT

# NAME then pairs of PATCH-GLOB and sed expression (or cp:FILE)
mutation() {
	local name=$1 d f e
	shift
	[ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || return 0
	d=$out/$name
	rm -rf "$d"
	mkdir -p "$d"
	while [ $# -gt 1 ]; do
		f=$(echo $P/$1); e=$2
		shift 2
		case "$e" in
		cp:*) cp "${e#cp:}" "$f" ;;
		*) sed -i "$e" "$f" ;;
		esac
	done
	git diff -- $P > "$d/mutation.diff"
	if [ ! -s "$d/mutation.diff" ]; then
		echo "== $name: the mutation changed nothing" | tee "$d/failures.txt"
		return
	fi
	if ! make -j2 > "$d/build.log" 2>&1; then
		echo "== $name: does not build (see $d/build.log)" | tee "$d/failures.txt"
		git checkout -- $P
		return
	fi
	for t in build/tests/test_*; do
		b=$(basename "$t")
		CMOCKA_MESSAGE_OUTPUT=TAP timeout 300 "$t" > "$d/$b.log" 2>&1
		rc=$?
		grep -o 'not ok [0-9]* - .*' "$d/$b.log" |
			sed "s/^not ok [0-9]* - /$b: /"
		# a program that crashed, aborted or timed out fails as a whole
		if [ $rc != 0 ] && ! grep -q '^not ok [0-9]' "$d/$b.log"; then
			echo "$b: exited with status $rc"
		fi
	done > "$d/failures.txt"
	git checkout -- $P
	echo "== $name: $(wc -l < "$d/failures.txt") failing"
	cat "$d/failures.txt"
}

mutation 0002-setup-device 0002-* 's/^+\tpci_liveupdate_setup_device(dev);/+\tif (0) pci_liveupdate_setup_device(dev);/'
mutation 0002-cleanup-device 0002-* 's/^+\tpci_liveupdate_cleanup_device(dev);/+\tif (0) pci_liveupdate_cleanup_device(dev);/'
# 0003's call is on the line as 0013 rewrites it
mutation 0003-inherit-bus-numbers 0013-* 's/^+\tif (pci_liveupdate_inherit_bus_numbers(bus, dev, broken, &lu_refuse,/+\tif (0 \&\& pci_liveupdate_inherit_bus_numbers(bus, dev, broken, \&lu_refuse,/'
mutation 0004-claim-resources 0004-* 's/^+\t\tpci_liveupdate_claim_resources(bus);/+\t\t(void)0;/'
mutation 0005-freeze 0005-* 's/^+\tpci_liveupdate_freeze(pci_dev);/+\tif (0) pci_liveupdate_freeze(pci_dev);/'
mutation 0005-is-outgoing 0005-* 's/^+\t    !pci_liveupdate_is_outgoing(pci_dev))/+\t    !(0 \&\& pci_liveupdate_is_outgoing(pci_dev)))/'
mutation 0006-probe-needs-override 0006-* 's/^+\t       (!pci_liveupdate_probe_needs_override(pdev) ||/+\t       (!(0 \&\& pci_liveupdate_probe_needs_override(pdev)) ||/'
mutation 0007-acs 0007-* 's/^+\tif (!pci_liveupdate_enable_adopted_acs_controls(dev))/+\tif (0 \&\& !pci_liveupdate_enable_adopted_acs_controls(dev))/'
mutation 0007-ari 0007-* 's/^+\tif (!pci_liveupdate_adopt_ari(bridge))/+\tif (0 \&\& !pci_liveupdate_adopt_ari(bridge))/'
mutation 0008-sriov-enable-adopt 0008-* 's/^+\tadopt = pci_liveupdate_sriov_adopt(dev, &adopt_vfs) &&/+\tadopt = 0 \&\& pci_liveupdate_sriov_adopt(dev, \&adopt_vfs) \&\&/'
mutation 0008-sriov-init-adopt 0008-* 's/^+\tadopt = pci_liveupdate_sriov_adopt(dev, &adopt_vfs);/+\tadopt = 0 \&\& pci_liveupdate_sriov_adopt(dev, \&adopt_vfs);/'
mutation 0008-add-device 0008-* 's/^+\tpci_liveupdate_add_device(dev);/+\tif (0) pci_liveupdate_add_device(dev);/'
# the lu_vfs= lines are 0009's context too
mutation 0008-lu-vfs-param 0008-* 's/^+\t\t\t\tpci_liveupdate_set_vf_policy(str + 7);/+\t\t\t\tif (0) pci_liveupdate_set_vf_policy(str + 7);/' \
	0009-* 's/^ \t\t\t\tpci_liveupdate_set_vf_policy(str + 7);/ \t\t\t\tif (0) pci_liveupdate_set_vf_policy(str + 7);/'
mutation 0009-lu-fault-param 0009-* 's/^+\t\t\t\tpci_liveupdate_set_fault(str + 9);/+\t\t\t\tif (0) pci_liveupdate_set_fault(str + 9);/'
mutation 0010-portdrv 0010-* 's/^+\t\tif (!pci_liveupdate_is_incoming(dev))/+\t\tif (1 || !pci_liveupdate_is_incoming(dev))/'
mutation 0011-read-bases 0011-* 's/^+\tif (pci_liveupdate_read_bases(dev, howmany, rom))/+\tif (0 \&\& pci_liveupdate_read_bases(dev, howmany, rom))/'
mutation 0011-read-bases-misplaced 0011-* cp:$M/0011-read_bases-misplaced.patch
mutation 0011-read-iov-bases 0011-* 's/^+\tlu_bars = pci_liveupdate_read_iov_bases(dev, total);/+\tlu_bars = 0 \&\& pci_liveupdate_read_iov_bases(dev, total);/'
mutation 0011-read-iov-bases-misplaced 0011-* cp:$M/0011-read_iov_bases-misplaced.patch
mutation 0012-pref64 0012-* 's/^+\t    pci_liveupdate_is_incoming(bridge)) {/+\t    0 \&\& pci_liveupdate_is_incoming(bridge)) {/'
mutation 0013-lu-max 0013-* 's/^+\t\t\tmax = max(max, lu_max);/+\t\t\t(void)lu_max;/'
mutation 0014-scan-done 0014-* 's/^+\tpci_liveupdate_scan_done(bus);/+\tif (0) pci_liveupdate_scan_done(bus);/'
mutation 0015-setup-bridge 0015-* 's/^+\tif (pci_liveupdate_is_incoming(bridge)) {/+\tif (0 \&\& pci_liveupdate_is_incoming(bridge)) {/'
mutation 0015-setup-one-window 0015-* 's/^+\tif (pci_liveupdate_is_incoming(bridge))$/+\tif (0 \&\& pci_liveupdate_is_incoming(bridge))/'
mutation 0015-release 0015-* 's/^+\tif (pci_liveupdate_is_incoming(dev))$/+\tif (0 \&\& pci_liveupdate_is_incoming(dev))/'
make -j2 > "$out/restore-build.log" 2>&1
