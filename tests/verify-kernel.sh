#!/bin/bash
# Prove what the compiler read. For every kernel source the build compiled,
# and every kernel header any kernel-world object included, take the path
# the compiler actually opened from the object's dependency file (gcc -MMD)
# and check the file against the pinned tarball: it must be the tarball's
# copy byte for byte, or exactly the tarball's copy with the lu/patches that
# name it applied in order (or, for lu/'s own files, lu/'s copy with those
# patches). A file the patches change that was read from the pristine tree
# is an error too: that object never saw the patch. Lists every source
# with where it was read from and what it is, and the headers the patches
# change; exits 1 on any other file.
# Usage: verify-kernel.sh TARBALL KSRC OVERLAY LU_DIR BUILD FILE... -- PATCH...
#   FILE: kernel sources as compiled (BUILD/k/FILE.d holds their deps);
#   every BUILD/ks/**/*.d (the shims) adds the headers it read.
set -euo pipefail
tarball=$1 ksrc=$2 ovl=$3 lu=$4 b=$5
shift 5
files=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	files+=("$1")
	shift
done
[ $# -gt 0 ] && shift
patches=("$@")

norm() { realpath -m -s "$@"; }
ksrc=$(norm "$ksrc") ovl=$(norm "$ovl") lu=$(norm "$lu") babs=$(norm "$b")
here=$(cd "$(dirname "$0")/.." && pwd)
fragment=$here/pci-core/pcisim.config
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() {
	echo "  FAIL $*"
	bad=1
}

# Which patches name which file ("0003 0011"), and which files they create.
declare -A by_file=() created=()
for p in "${patches[@]}"; do
	n=$(basename "$p")
	n=${n%%-*}
	while read -r kind f; do
		by_file[$f]="${by_file[$f]:+${by_file[$f]} }$n"
		[ "$kind" = new ] && created[$f]=1
	done < <(awk '/^--- /{ src = $2 }
		     /^\+\+\+ b\//{ print (src == "/dev/null" ? "new " : "mod ") substr($2, 3) }' "$p")
done
is_lu() { [ -f "$lu/$1" ]; }

# The file each source was compiled from, and every file any object read.
declare -A src_of=()
dfiles=()
for f in "${files[@]}"; do
	d="$b/k/${f%.c}.d"
	if [ ! -f "$d" ]; then
		fail "$f: not compiled ($d missing)"
		continue
	fi
	dfiles+=("$d")
	src_of[$f]=$(norm "$(awk '{ for (i = 1; i <= NF; i++)
				if ($i !~ /:$/ && $i != "\\") { print $i; exit } }' "$d")")
done
[ -d "$b/ks" ] && while IFS= read -r d; do dfiles+=("$d"); done < <(find "$b/ks" -name '*.d')
tr -s ' \\\n' '\n\n\n' < <(cat "${dfiles[@]}") | grep -v -e ':$' -e '^$' | sort -u |
	xargs -r realpath -m -s | sort -u > "$tmp/read"

# Sort them: "tree REL", "overlay REL", Kbuild's generated headers,
# pcisim's stand-ins for the tree's KHO/LUO headers, or pcisim's own.
declare -A read_tree=() read_ovl=() read_gen=()
n_own=0
while IFS= read -r path; do
	case "$path" in
	"$ksrc"/*) read_tree[${path#"$ksrc"/}]=1 ;;
	"$ovl"/*) read_ovl[${path#"$ovl"/}]=1 ;;
	"$babs"/kbuild/*) read_gen[${path#"$babs"/kbuild/}]=1 ;;
	*) n_own=$((n_own + 1)) ;;
	esac
done < "$tmp/read"

# The tarball's copies of all of them, and of everything the patches change.
top=$( { tar -tJf "$tarball" 2>/dev/null || true; } | head -1 | cut -d/ -f1)
for rel in "${!read_tree[@]}" "${!read_ovl[@]}" "${!by_file[@]}"; do
	is_lu "$rel" || [ -n "${created[$rel]:-}" ] || echo "$top/$rel"
done | sort -u > "$tmp/members"
mkdir -p "$tmp/t" "$tmp/x"
tar -C "$tmp/t" --strip-components=1 -I 'xz -T0' -xf "$tarball" -T "$tmp/members"

# Tarball (or lu/) + the patch series, for every file the patches change.
for rel in "${!by_file[@]}"; do
	[ -n "${created[$rel]:-}" ] && continue
	mkdir -p "$tmp/x/$(dirname "$rel")"
	if is_lu "$rel"; then
		cp "$lu/$rel" "$tmp/x/$rel"
	else
		cp "$tmp/t/$rel" "$tmp/x/$rel"
	fi
done
for p in "${patches[@]}"; do
	patch -p1 -d "$tmp/x" --no-backup-if-mismatch -s -f < "$p" >/dev/null ||
		{ echo "verify-kernel: $p does not apply to the tarball's files"; exit 1; }
done

# check WHERE REL: is the copy at WHERE (tree, overlay) what it must be?
# Sets $what to what it is.
check() {
	local where=$1 rel=$2 actual expect
	if [ "$where" = tree ]; then actual=$ksrc/$rel; else actual=$ovl/$rel; fi
	if [ -n "${by_file[$rel]:-}" ]; then
		expect=$tmp/x/$rel
		what="$(is_lu "$rel" && echo lu/ || echo tarball) + $(echo "${by_file[$rel]}" | sed 's/ /, /g')"
	elif is_lu "$rel"; then
		expect=$lu/$rel what="lu/ (not in the tarball)"
	else
		expect=$tmp/t/$rel what=tarball
	fi
	if [ "$where" = tree ] && { [ -n "${by_file[$rel]:-}" ] || is_lu "$rel"; }; then
		fail "$rel: read from the pristine tree, but it must be $what;" \
		     "read by $(grep -l -F "$ksrc/$rel" "${dfiles[@]}" | sed 's/\.d$/.o/' | tr '\n' ' ')"
		return 1
	fi
	if ! cmp -s "$actual" "$expect"; then
		fail "$rel: $actual is not $what"
		return 1
	fi
}

echo "Kernel sources compiled (${#files[@]}): the copy the compiler read ($b/k/*.d) and what it is"
echo "  (tree = ${ksrc#"$PWD"/}, overlay = ${ovl#"$PWD"/}, tarball = $(basename "$tarball"), NNNN = lu/patches/NNNN-*)"
n_same=0 n_patched=0 n_lu=0
for f in "${files[@]}"; do
	s=${src_of[$f]:-}
	[ -n "$s" ] || continue
	case "$s" in
	"$ksrc/$f") where=tree ;;
	"$ovl/$f") where=overlay ;;
	*) fail "$f: compiled from $s, neither the tree's nor the overlay's copy"; continue ;;
	esac
	check $where "$f" || continue
	printf '  ok   %-32s %-8s %s\n' "$f" "$where" "$what"
	case "$what" in
	tarball) n_same=$((n_same + 1)) ;;
	lu/*) n_lu=$((n_lu + 1)) ;;
	*) n_patched=$((n_patched + 1)) ;;
	esac
done

echo "Kernel headers the patches change, or lu/ adds, as read:"
n_hdr=0 n_hdr_same=0
for where in tree overlay; do
	if [ $where = tree ]; then
		rels=("${!read_tree[@]}")
	else
		rels=("${!read_ovl[@]}")
	fi
	for rel in $(printf '%s\n' "${rels[@]}" | sort); do
		case " ${files[*]} " in *" $rel "*) continue ;; esac
		n_hdr=$((n_hdr + 1))
		check $where "$rel" || continue
		if [ "$what" = tarball ]; then
			n_hdr_same=$((n_hdr_same + 1))
		else
			printf '  ok   %-32s %-8s %s\n' "$rel" "$where" "$what"
		fi
	done
done
echo "  ok   $n_hdr_same other kernel headers (and #included .c files), each the tarball's copy"

# What else the patches change (not read by the compiler): the overlay's copy.
for rel in $(printf '%s\n' "${!by_file[@]}" | sort); do
	[ -n "${read_ovl[$rel]:-}" ] && continue
	[ -z "${read_tree[$rel]:-}" ] || continue
	check overlay "$rel" && printf '  ok   %-32s %-8s %s (not compiled)\n' "$rel" overlay "$what"
done
# Kbuild's generated headers (autoconf.h, asm-offsets.h, the asm-generic
# wrappers): each must be what a fresh configuration and make prepare of
# the tarball's tree with pcisim's fragment generate, byte for byte; one
# that a fresh prepare does not make would shadow the tree's headers
# (the generated directories come first in the search order).
mkdir -p "$tmp/kb/drivers/pci"
[ -f "$ovl/drivers/pci/Kconfig" ] && cp "$ovl/drivers/pci/Kconfig" "$tmp/kb/drivers/pci/"
make -s -C "$ksrc" O="$tmp/kb" ARCH=x86_64 KCONFIG_ALLCONFIG="$fragment" allnoconfig >/dev/null
make -s -C "$ksrc" O="$tmp/kb" ARCH=x86_64 -j2 prepare >/dev/null
n_gen=0 gen_bad=0
for rel in $(printf '%s\n' "${!read_gen[@]}" | sort); do
	n_gen=$((n_gen + 1))
	if [ ! -f "$tmp/kb/$rel" ]; then
		fail "$b/kbuild/$rel: a fresh make prepare does not generate it"
		gen_bad=1
	elif ! cmp -s "$babs/kbuild/$rel" "$tmp/kb/$rel"; then
		fail "$b/kbuild/$rel: not what a fresh make prepare generates"
		gen_bad=1
	fi
done
[ $gen_bad = 1 ] ||
	echo "  ok   $n_gen headers Kbuild generated ($b/kbuild), each what a fresh make prepare generates"

echo "Also read: $n_own of pcisim's own files (shim/, lu/sim-drivers/, pci-core/)"

[ $bad = 0 ] || { echo "verify-kernel: FAILED"; exit 1; }
echo "verify-kernel: ${#files[@]} kernel sources compiled: $n_same the tarball's," \
     "$n_patched tarball + lu/patches, $n_lu lu/'s; $n_hdr kernel headers read:" \
     "$n_hdr_same the tarball's, $((n_hdr - n_hdr_same)) from lu/ or its patches;" \
     "$n_gen generated, as a fresh make prepare makes them"
