#!/bin/bash
# fetch-kernel.sh PACKAGE SUITE CACHEDIR VERSION
#
# Fetches Debian's PACKAGE (linux-source-7.3) from SUITE (trixie-backports)
# on a machine whose apt knows only its own release (Debian 12), without
# touching the system's apt configuration: pci-core/apt-private.sh (a
# private sources list naming the mirror the machine's own sources already
# name, private lists, apt-get download), which oracle/fetch.sh uses too
# for the arm64 kernel. The .deb is unpacked into CACHEDIR (outside build/,
# so make clean does not fetch it again), its version is written to
# CACHEDIR/PACKAGE.version (what the cache holds) and the path of the
# tarball it carries is printed.
#
# VERSION is the pinned one (pci-core/linux-source.pin): exactly that is
# asked for, and a cache holding another version is fetched again. Exit 1
# with one message naming the package, the version and the suite when it
# cannot be had (a suite keeps only its newest version: then the pin has to
# move).
set -euo pipefail

pkg=$1 suite=$2 cache=$3 version=$4

fail() {
	echo "pcisim: cannot obtain Debian package $pkg $version from $suite: $*" >&2
	echo "pcisim: (or point KTARBALL= at a linux-source tarball, KSRC= at a tree)" >&2
	exit 1
}

# An already unpacked tarball is the answer.
tarball=$(ls "$cache"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1 || true)
if [ -n "$tarball" ] && [ -f "$cache/$pkg.ok" ] &&
   [ "$(cat "$cache/$pkg.version" 2>/dev/null)" = "$version" ]; then
	echo "$tarball"
	exit 0
fi
rm -rf "$cache/usr" "$cache/$pkg.ok"

# shellcheck source=pci-core/apt-private.sh
. "$(dirname "$0")/apt-private.sh"
apt_private_init "$cache/apt" "$suite" || fail "$apt_private_err"
echo "  FETCH   $pkg ($suite, via $(id -un)'s private apt lists)" >&2
apt_private_update || fail "$apt_private_err"
apt_private_download "$pkg=$version" ||
	fail "$apt_private_err (the suite keeps only its newest version: move the pin, pci-core/linux-source.pin)"

deb=$(ls -t "$APT_PRIVATE_DIR"/archives/"${pkg}"_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "apt-get download left no .deb"
dpkg-deb -x "$deb" "$cache" || fail "dpkg-deb could not unpack $deb"
dpkg-deb -f "$deb" Version > "$cache/$pkg.version"
tarball=$(ls "$cache"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || fail "$deb holds no linux-source tarball"
touch "$cache/$pkg.ok"
echo "$tarball"
