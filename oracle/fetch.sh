#!/bin/bash
# oracle/fetch.sh CACHE: what `make oracle` boots, from Debian's archive.
#
# - qemu-system-arm (QEMU 7.2 on Debian 12: qemu-system-aarch64), installed
#   with apt-get when missing (as root; otherwise the command is printed);
# - Debian's arm64 kernel package of the same version as linux-source-6.12
#   (the tree pcisim compiles; ORACLE_KERNEL_PKG= picks another), and
#   busybox-static for arm64, fetched with `apt-get download` after
#   `dpkg --add-architecture arm64`, unpacked with dpkg-deb -x;
# - an initramfs: busybox, oracle/init, and the pci-pf-stub module.
#
# Leaves CACHE/<kernel_pkg>/{vmlinuz,initrd.gz,versions.txt}; prints the
# kernel package name. Nothing is fetched again once the files are there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$(mkdir -p "$1" && cd "$1" && pwd)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "make oracle needs, as root: $*" >&2
		exit 1
	fi
}

if ! command -v qemu-system-aarch64 >/dev/null; then
	need_root "apt-get install -y qemu-system-arm"
	echo "  APT     qemu-system-arm" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm >/dev/null
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	need_root "dpkg --add-architecture arm64 && apt-get update"
	echo "  DPKG    --add-architecture arm64" >&2
	dpkg --add-architecture arm64
	apt-get update -qq
fi

# The kernel package whose version is linux-source-6.12's.
pkg=${ORACLE_KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || true)
	[ -n "$srcver" ] || { echo "linux-source-6.12 is not installed (make deps)" >&2; exit 1; }
	# 6.12.117-1~deb12u1 -> linux-image-6.12.117+deb12-arm64
	up=${srcver%%-*}
	pkg="linux-image-$up+deb12-arm64"
fi
out="$cache/$pkg"
if [ -f "$out/vmlinuz" ] && [ -f "$out/initrd.gz" ] && [ "$out/initrd.gz" -nt "$here/init" ]; then
	echo "$pkg"
	exit 0
fi

mkdir -p "$cache/debs"
cd "$cache/debs"
for p in "$pkg:arm64" busybox-static:arm64; do
	name=${p%%:*}
	if ! ls "${name}"_*_arm64.deb >/dev/null 2>&1; then
		echo "  FETCH   $p" >&2
		apt-get download -qq -o APT::Sandbox::User=root "$p" >&2 || {
			[ "$(id -u)" = 0 ] && apt-get update -qq && apt-get download -qq -o APT::Sandbox::User=root "$p" >&2
		}
	fi
done
kdeb=$(ls "$pkg"_*_arm64.deb | head -1)
bdeb=$(ls busybox-static_*_arm64.deb | head -1)

rm -rf "$out" && mkdir -p "$out/kpkg" "$out/bbpkg"
dpkg-deb -x "$kdeb" "$out/kpkg"
dpkg-deb -x "$bdeb" "$out/bbpkg"
cp "$out/kpkg"/boot/vmlinuz-* "$out/vmlinuz"
kver=$(basename "$out/kpkg"/lib/modules/*)

# The initramfs: /init, busybox, and pci-pf-stub (a module in Debian).
root="$out/root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules}
cp "$out/bbpkg/bin/busybox" "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
stub=$(find "$out/kpkg/lib/modules" -name 'pci-pf-stub.ko*' | head -1)
if [ -n "$stub" ]; then
	case "$stub" in
	*.xz) xz -dc "$stub" > "$root/lib/modules/pci-pf-stub.ko" ;;
	*.zst) zstd -dqc "$stub" > "$root/lib/modules/pci-pf-stub.ko" ;;
	*) cp "$stub" "$root/lib/modules/pci-pf-stub.ko" ;;
	esac
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out/initrd.gz"

{
	echo "kernel_pkg=$pkg"
	echo "kernel_version=$(dpkg-deb -f "$kdeb" Version)"
	echo "kernel_release=$kver"
	echo "busybox_version=$(dpkg-deb -f "$bdeb" Version)"
} > "$out/versions.txt"
rm -rf "$out/bbpkg" "$out/kpkg"
echo "$pkg"
