#!/bin/bash
# fetch-kernel.sh PACKAGE SUITE CACHEDIR
#
# Fetches Debian's PACKAGE (linux-source-7.3) from SUITE (trixie-backports)
# on a machine whose apt knows only its own release (Debian 12), without
# touching the system's apt configuration: a private sources list naming the
# mirror the machine's own sources already name (so no mirror address is
# written into the project), a private lists directory and apt-get download,
# which needs neither root nor a lock on the system's state. The .deb is
# unpacked into CACHEDIR (outside build/, so make clean does not fetch it
# again) and the path of the tarball it carries is printed.
#
# Exit 1 with one message naming the package and the suite when it cannot
# be had.
set -euo pipefail

pkg=$1 suite=$2 cache=$3

fail() {
	echo "pcisim: cannot obtain Debian package $pkg from $suite: $*" >&2
	echo "pcisim: (or point KTARBALL= at a linux-source tarball, KSRC= at a tree)" >&2
	exit 1
}

# An already unpacked tarball is the answer.
tarball=$(ls "$cache"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1 || true)
if [ -n "$tarball" ] && [ -f "$cache/$pkg.ok" ]; then
	echo "$tarball"
	exit 0
fi

command -v apt-get >/dev/null || fail "apt-get is not installed"

# The Debian mirror the machine already uses: the first URI of a source
# whose suites are Debian's own releases (not -security, not a third party).
mirror=
while read -r uri; do
	case $uri in
	*debian-security*|"") ;;
	*/debian|*/debian/) mirror=${uri%/}; break ;;
	esac
done < <(
	{
		sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
		sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
			/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
	} | awk 'NF'
)
[ -n "$mirror" ] || fail "no Debian mirror in the machine's apt sources"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "$keyring is missing (package debian-archive-keyring)"

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc/preferences.d"
printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" > "$apt_dir/etc/sources.list"
: > "$apt_dir/status"

apt_private=(
	-o "Dir::Etc::SourceList=$apt_dir/etc/sources.list"
	-o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::Etc::PreferencesParts=$apt_dir/etc/preferences.d"
	-o "Dir::State::Lists=$apt_dir/lists"
	-o "Dir::State::status=$apt_dir/status"
	-o "Dir::Cache=$apt_dir"
	-o "Dir::Cache::archives=$apt_dir/archives"
	-o "Debug::NoLocking=1"
	-o "APT::Sandbox::User=$(id -un)"
)

echo "  FETCH   $pkg ($suite, via $(id -un)'s private apt lists)" >&2
apt-get "${apt_private[@]}" -qq update >/dev/null 2>"$apt_dir/update.err" ||
	fail "apt-get update of $suite failed: $(tail -n1 "$apt_dir/update.err")"
(cd "$apt_dir/archives" && apt-get "${apt_private[@]}" -qq download "$pkg" \
	>/dev/null 2>"$apt_dir/download.err") ||
	fail "$(tail -n1 "$apt_dir/download.err")"

deb=$(ls -t "$apt_dir"/archives/"${pkg}"_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || fail "apt-get download left no .deb"
dpkg-deb -x "$deb" "$cache" || fail "dpkg-deb could not unpack $deb"
dpkg-deb -f "$deb" Version > "$cache/$pkg.version"
tarball=$(ls "$cache"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || fail "$deb holds no linux-source tarball"
touch "$cache/$pkg.ok"
echo "$tarball"
