#!/bin/sh
# Derive the kernel world's compiler flags from the kernel's own build.
#
# Kbuild compiled one file (drivers/pci/access.o) and recorded the exact
# command in its .cmd file. We take that command, drop what is per-file
# (dependency output, -c/-o, KBUILD_* names, the file's own -I), drop the
# few flags a userspace process cannot live with, and add ours. Why each:
#   -mcmodel=kernel               kernel addresses live in the top 2 GiB;
#                                 we link an ordinary -no-pie executable.
#   -mpreferred-stack-boundary=3  kernel code calls into libc (memcpy...),
#   -mstack-alignment=8           which expects the 16-byte ABI alignment
#                                 (the second spelling is clang's, for the
#                                 LLVM=1 tree of the AFL=1 build, #6).
#   -mskip-rax-setup              keeps varargs calls ABI-compatible.
#   -fno-asynchronous-unwind-tables  keep .eh_frame so gdb can unwind.
#   -fomit-frame-pointer          replaced by -fno-omit-frame-pointer.
#   objtool                       not run: nothing here is patched at boot.
# Usage: kflags.sh KSRC KBUILD_OUT CMDFILE
set -eu
ksrc=$1; kobj=$2; cmd=$3
line=$(sed -n 's/^savedcmd_[^ ]* := //p' "$cmd" | sed 's/ *;.*$//')
[ -n "$line" ] || { echo "kflags.sh: no command in $cmd" >&2; exit 1; }
out=
skip=0
for w in $line; do
	if [ $skip = 1 ]; then skip=0; continue; fi
	case "$w" in
	gcc|*-gcc|clang|*/clang) ;;
	-Wp,-MMD,*|-c) ;;
	-o) skip=1 ;;
	*.c) ;;
	-DKBUILD_*|-D__KBUILD_MODNAME=*) ;;
	-I"$ksrc"/drivers/pci|-Idrivers/pci) ;;
	-mcmodel=kernel|-mpreferred-stack-boundary=*|-mstack-alignment=*|-mskip-rax-setup) ;;
	-fno-asynchronous-unwind-tables|-fomit-frame-pointer) ;;
	-I./*) out="$out -I$kobj/${w#-I./}" ;;
	-include) out="$out -include" ;;
	*) out="$out $w" ;;
	esac
done
echo "$out -g -fno-omit-frame-pointer"
