# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables are for the sourcing script
# pci-core/apt-private.sh: Debian packages from a suite the machine's apt
# does not list, without touching the system's apt configuration. Sourced
# by pci-core/fetch-kernel.sh (linux-source-7.3) and oracle/fetch.sh (the
# arm64 kernel make oracle boots): one copy of the mechanism.
#
# A private sources list names the mirror the machine's own sources already
# name (so no mirror address is written into the project); private lists,
# status and archives directories under DIR; apt-get download, which needs
# neither root nor a lock on the system's state.
#
#   apt_private_init DIR SUITE [ARCH]   set up DIR; ARCH (e.g. arm64) is the
#                                       architecture whose lists are fetched
#                                       (default: the machine's own)
#   apt_private_update                  apt-get update of the private lists
#   apt_private_download PKG...         .debs into DIR/archives
#   apt_private_get ARGS...             any other apt-get/apt-cache call:
#   apt_private_cache ARGS...           (apt-cache show, policy, depends)
#
# Each returns non-zero with the reason in $apt_private_err; the caller
# says it in its own words. The .debs are in $APT_PRIVATE_DIR/archives.

apt_private_err=
APT_PRIVATE_DIR=
APT_PRIVATE=()

# The Debian mirror the machine already uses: the first URI of a source
# whose suites are Debian's own releases (not -security, not a third party).
apt_private_mirror() {
	local uri
	while read -r uri; do
		case $uri in
		*debian-security*|"") ;;
		*/debian|*/debian/) echo "${uri%/}"; return 0 ;;
		esac
	done < <(
		{
			sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n'
			sed -n 's/^[[:space:]]*deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' \
				/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
		} | awk 'NF'
	)
	return 1
}

apt_private_init() {
	local dir=$1 suite=$2 arch=${3:-} mirror keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	command -v apt-get >/dev/null || { apt_private_err="apt-get is not installed"; return 1; }
	mirror=$(apt_private_mirror) ||
		{ apt_private_err="no Debian mirror in the machine's apt sources"; return 1; }
	[ -f "$keyring" ] ||
		{ apt_private_err="$keyring is missing (package debian-archive-keyring)"; return 1; }
	mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc/preferences.d"
	printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" > "$dir/etc/sources.list"
	: > "$dir/status"
	APT_PRIVATE_DIR=$dir
	APT_PRIVATE=(
		-o "Dir::Etc::SourceList=$dir/etc/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::State::status=$dir/status"
		-o "Dir::Cache=$dir"
		-o "Dir::Cache::archives=$dir/archives"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=$(id -un)"
	)
	# Another architecture's packages (dpkg need not know it: nothing is
	# installed, only downloaded).
	[ -z "$arch" ] || APT_PRIVATE+=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch")
}

apt_private_update() {
	apt-get "${APT_PRIVATE[@]}" -qq update >/dev/null 2>"$APT_PRIVATE_DIR/update.err" || {
		apt_private_err="apt-get update failed: $(tail -n1 "$APT_PRIVATE_DIR/update.err")"
		return 1
	}
}

apt_private_download() {
	(cd "$APT_PRIVATE_DIR/archives" && apt-get "${APT_PRIVATE[@]}" -qq download "$@" \
		>/dev/null 2>"$APT_PRIVATE_DIR/download.err") || {
		apt_private_err=$(tail -n1 "$APT_PRIVATE_DIR/download.err")
		return 1
	}
}

apt_private_get() { apt-get "${APT_PRIVATE[@]}" "$@"; }
apt_private_cache() { apt-cache "${APT_PRIVATE[@]}" "$@"; }
