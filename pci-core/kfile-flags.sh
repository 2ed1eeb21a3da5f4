#!/bin/bash
# The per-file part of each kernel file's compile command, as Kbuild has it.
#
# kflags.sh takes the flags every file shares from Kbuild's command for
# drivers/pci/access.o. What Kbuild adds or removes for one file (CFLAGS_x.o,
# CFLAGS_REMOVE_x.o, ccflags-y of its directory, -ffreestanding for
# lib/string.c, libfdt's include directory) and the module name it gives it
# (KBUILD_MODNAME is the composite object's: portdrv.c and rcec.c are
# "pcieportdrv") differ per file. Kbuild is asked for each: it preprocesses
# every file (make FILE.i, quick) and records the command in .FILE.i.cmd;
# the words that differ from access.i's are the file's own.
#
# Writes OUT/FILE.add (words to add: the KBUILD_* names and the file's own
# flags) and OUT/FILE.remove (shared words Kbuild leaves out for the file),
# each one line.
# A file the tree does not have (lu/'s) is compiled as an obj-y in its
# directory would be: its base name is its module name.
# Usage: kfile-flags.sh KSRC KOBJ OUT FILE...
set -euo pipefail
ksrc=$1 kobj=$2 out=$3
shift 3

in_tree=(drivers/pci/access.i) serial=()
for f; do
	[ -f "$ksrc/$f" ] && [ "$f" != drivers/pci/access.c ] || continue
	case $f in
	# arch/x86/lib's Makefile names its files twice (lib-y and obj-y):
	# Kbuild makes their .i twice, and two makes at once race on the
	# dependency file. One at a time.
	arch/x86/lib/*) serial+=("${f%.c}.i") ;;
	*) in_tree+=("${f%.c}.i") ;;
	esac
done
make -s -C "$ksrc" O="$kobj" ARCH=x86_64 -j2 "${in_tree[@]}" >/dev/null
[ ${#serial[@]} = 0 ] ||
	make -s -C "$ksrc" O="$kobj" ARCH=x86_64 -j1 "${serial[@]}" >/dev/null

cmd_words() {	# the words of the command in a .cmd file, one a line
	sed -n 's/^savedcmd_[^ ]* := //p' "$1" | sed 's/ *;.*$//' | tr -s ' ' '\n' | awk 'NF'
}
# Words that are per file by nature, or that kflags.sh replaces for all.
per_file='^(-Wp,-MMD,.*|-E|-o|.*\.[ci]|-DKBUILD_.*|-D__KBUILD_MODNAME=.*|-I.*|-include|.*\.h)$'
cmd_words "$kobj/drivers/pci/.access.i.cmd" | grep -Ev "$per_file" | sort -u > "$out.base"
trap 'rm -f "$out.base"' EXIT

for f; do
	d=$out/$(dirname "$f")
	b=$(basename "$f" .c)
	mkdir -p "$d"
	cmd=$kobj/$(dirname "$f")/.$b.i.cmd
	if [ ! -f "$ksrc/$f" ]; then
		n=${b//-/_}
		printf '%s\n' "-DKBUILD_MODFILE='\"${f%.c}\"'" \
			"-DKBUILD_BASENAME='\"$n\"'" "-DKBUILD_MODNAME='\"$n\"'" \
			"-D__KBUILD_MODNAME=$n" | paste -sd' ' > "$d/$b.add"
		echo > "$d/$b.remove"
		continue
	fi
	[ -f "$cmd" ] || { echo "kfile-flags.sh: Kbuild left no $cmd" >&2; exit 1; }
	words=$(cmd_words "$cmd")
	{
		# names, and include directories of the file's own (not the tree's
		# or the object tree's shared ones, nor the file's directory,
		# which the compile command adds for the overlay too)
		printf '%s\n' "$words" | grep -E '^(-DKBUILD_.*|-D__KBUILD_MODNAME=.*)$'
		printf '%s\n' "$words" | grep -E '^-I' | grep -vxF \
			-e "-I$ksrc/$(dirname "$f")" -e "-I$(dirname "$f")" \
			-f <(cmd_words "$kobj/drivers/pci/.access.i.cmd" | grep -E '^-I') || true
		printf '%s\n' "$words" | grep -Ev "$per_file" | sort -u | comm -13 "$out.base" - || true
	} | paste -sd' ' > "$d/$b.add"
	printf '%s\n' "$words" | grep -Ev "$per_file" | sort -u | comm -23 "$out.base" - |
		paste -sd' ' > "$d/$b.remove"
done
