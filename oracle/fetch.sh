#!/bin/bash
# oracle/fetch.sh CACHE SUITE SRCVERSION: what `make oracle` boots,
# from Debian's archive.
#
# - qemu-system-arm (QEMU 7.2 on Debian 12: qemu-system-aarch64) and cpio,
#   installed with apt-get when missing (as root; otherwise the command is
#   printed);
# - Debian's arm64 kernel of the same version as the linux-source-7.3 that
#   pcisim compiles: SRCVERSION is the pinned version (pci-core/
#   linux-source.pin; 7.3.4-1~bpo13+1 -> linux-image-7.3.4+deb13-arm64). It is in
#   SUITE (trixie-backports), which this machine's apt does not list, so it
#   comes through pci-core/apt-private.sh (private lists under CACHE/apt,
#   the system's apt configuration untouched). Since 7.x linux-image-ABI is
#   a wrapper: the image is in linux-binary-ABI, the modules in
#   linux-modules-ABI, both among its Depends, and all of the same ABI are
#   fetched. ORACLE_KERNEL_PKG= picks another arm64 image package of SUITE;
# - busybox-static for arm64, from the machine's own apt (Debian 12) after
#   `dpkg --add-architecture arm64`;
# - an initramfs: busybox, oracle/init, and the pci-pf-stub module
#   (decompressed: Debian compresses modules with xz, busybox's insmod
#   does not decompress).
#
# Leaves CACHE/<kernel_pkg>/{vmlinuz,initrd.gz,versions.txt}; prints the
# kernel package name. Nothing is fetched again once the files are there
# (and are of the version asked for).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$(mkdir -p "$1" && cd "$1" && pwd)
suite=$2 want_src=$3

fail() {
	echo "make oracle: $*" >&2
	exit 1
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "make oracle needs, as root: $*" >&2
		exit 1
	fi
}

missing=
for t in qemu-system-aarch64:qemu-system-arm cpio:cpio xz:xz-utils; do
	command -v "${t%%:*}" >/dev/null || missing="$missing ${t#*:}"
done
if [ -n "$missing" ]; then
	need_root "apt-get install -y$missing"
	echo "  APT    $missing" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	need_root "dpkg --add-architecture arm64 && apt-get update"
	echo "  DPKG    --add-architecture arm64" >&2
	dpkg --add-architecture arm64
	apt-get update -qq
fi

# shellcheck source=pci-core/apt-private.sh
. "$here/../pci-core/apt-private.sh"
apt_ready=
apt_ready() {
	[ -z "$apt_ready" ] || return 0
	apt_private_init "$cache/apt" "$suite" arm64 || fail "$apt_private_err"
	echo "  APT     $suite arm64 lists (private, $cache/apt)" >&2
	apt_private_update || fail "$suite: $apt_private_err"
	apt_ready=1
}

# The kernel package of linux-source's version.
pkg=${ORACLE_KERNEL_PKG:-} want=
if [ -z "$pkg" ]; then
	[ -n "$want_src" ] || fail "no version of the linux-source pcisim compiles" \
		"(pci-core/linux-source.pin; or ORACLE_KERNEL_PKG=)"
	want=$want_src
	up=${want%%-*}
	# 7.3.4-1~bpo13+1 -> 7.3.4+deb13, 6.12.117-1~deb12u1 -> 6.12.117+deb12
	if [[ $want =~ [~+](bpo|deb)([0-9]+) ]]; then
		pkg="linux-image-$up+deb${BASH_REMATCH[2]}-arm64"
	else
		# a release's own version (7.3.4-1): the suite's lists know the ABI
		apt_ready
		pkg=$(apt_private_cache pkgnames "linux-image-$up+deb" | grep -E -- '^linux-image-[^-]+-arm64$' | head -n1 || true)
		[ -n "$pkg" ] || fail "no linux-image-$up+debN-arm64 in $suite"
	fi
fi
out="$cache/$pkg"
if [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.gz" ] && [ "$out/initrd.gz" -nt "$here/init" ] && [ "$out/initrd.gz" -nt "$here/report.sh" ] &&
	{ [ -z "$want" ] || grep -qsx "kernel_version=$want" "$out/versions.txt"; }; then
	echo "$pkg"
	exit 0
fi

# The image package and the packages of its ABI it depends on.
apt_ready
echo "  FETCH   $pkg${want:+ $want} ($suite)" >&2
apt_private_download "$pkg:arm64${want:+=$want}" || fail "$pkg: $apt_private_err"
kdeb=$(ls -t "$APT_PRIVATE_DIR/archives/${pkg}_"*_arm64.deb | head -n1)
abi=${pkg#linux-image-}
kver=$(dpkg-deb -f "$kdeb" Version)
deps=()
for d in $(dpkg-deb -f "$kdeb" Depends | tr ',|' '\n\n' | sed 's/(.*//'); do
	case $d in linux-*-"$abi") deps+=("$d") ;; esac
done
debs=("$kdeb")
for d in "${deps[@]}"; do
	echo "  FETCH   $d $kver ($suite)" >&2
	apt_private_download "$d:arm64=$kver" || fail "$d: $apt_private_err"
	debs+=("$(ls -t "$APT_PRIVATE_DIR/archives/${d}_"*_arm64.deb | head -n1)")
done

# busybox from the machine's own apt.
mkdir -p "$cache/debs"
if ! ls "$cache"/debs/busybox-static_*_arm64.deb >/dev/null 2>&1; then
	echo "  FETCH   busybox-static:arm64" >&2
	(cd "$cache/debs" && { apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64 >&2 || {
		[ "$(id -u)" = 0 ] && apt-get update -qq && apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64 >&2
	}; })
fi
bdeb=$(ls "$cache"/debs/busybox-static_*_arm64.deb | head -n1)

# Only the image and pci-pf-stub are unpacked (the modules package is 86 MB).
rm -rf "$out" && mkdir -p "$out/kpkg" "$out/bbpkg"
for d in "${debs[@]}"; do
	members=$(dpkg-deb --fsys-tarfile "$d" | tar -t |
		grep -E '^\./boot/vmlinuz-|/lib/modules/[^/]+/vmlinuz$|/pci-pf-stub\.ko(\.[a-z]+)?$' || true)
	[ -z "$members" ] || dpkg-deb --fsys-tarfile "$d" | tar -C "$out/kpkg" -x $members
done
dpkg-deb -x "$bdeb" "$out/bbpkg"
# /boot/vmlinuz-RELEASE up to 6.x; /usr/lib/modules/RELEASE/vmlinuz in 7.x
vmlinuz=$(ls "$out"/kpkg/boot/vmlinuz-* "$out"/kpkg/{,usr/}lib/modules/*/vmlinuz 2>/dev/null | head -n1 || true)
[ -n "$vmlinuz" ] || fail "no kernel image in $pkg or its Depends (${deps[*]})"
cp "$vmlinuz" "$out/vmlinuz"
case $vmlinuz in
*/boot/vmlinuz-*) krel=${vmlinuz##*/vmlinuz-} ;;
*) krel=$(basename "$(dirname "$vmlinuz")") ;;
esac

# The initramfs: /init, busybox, and pci-pf-stub (a module in Debian).
root="$out/root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp "$out/bbpkg/bin/busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
cp "$here/report.sh" "$root/report.sh"
chmod 755 "$root/init" "$root/bin/busybox"
stub=$(find "$out/kpkg" -name 'pci-pf-stub.ko*' | head -n1)
[ -n "$stub" ] || fail "no pci-pf-stub module in $pkg or its Depends (${deps[*]})"
case "$stub" in
*.xz) xz -dc "$stub" > "$root/lib/modules/pci-pf-stub.ko" ;;
*.zst) zstd -dqc "$stub" > "$root/lib/modules/pci-pf-stub.ko" ;;
*.gz) gzip -dc "$stub" > "$root/lib/modules/pci-pf-stub.ko" ;;
*) cp "$stub" "$root/lib/modules/pci-pf-stub.ko" ;;
esac
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.gz"

{
	echo "kernel_pkg=$pkg"
	echo "kernel_version=$kver"
	echo "kernel_release=$krel"
	echo "busybox_version=$(dpkg-deb -f "$bdeb" Version)"
} > "$out/versions.txt"
rm -rf "$out/bbpkg" "$out/kpkg"
echo "$pkg"
