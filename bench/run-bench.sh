#!/bin/bash
# Run the full live update at each size; one directory of results per size.
#   bench/run-bench.sh PCISIM OUTDIR "SIZES" SHAPE FRACTION
# Each run: pcisim run gen:functions=N,SHAPE --enable-vfs
#   --preserve-fraction FRACTION --kexec 1 --phases OUT/N/phases.tsv,
# the whole process timed by /usr/bin/time (OUT/N/time.txt), its stdout
# in OUT/N/run.out, the kernel log in OUT/N/kernel.log.
set -eu
pcisim=$1 out=$2 sizes=$3 shape=$4 frac=$5
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is missing (apt-get install time)"; exit 1; }
mkdir -p "$out"
{
	echo "cpu	$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "cores	$(nproc)"
	echo "memory_kb	$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
	echo "host_kernel	$(uname -sr)"
	echo "pcisim_kernel	$(cat "$(dirname "$pcisim")/kernel-version.txt" 2>/dev/null || echo '?')"
	echo "compiler	$(gcc --version | head -1)"
	echo "commit	$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- . ':!bench/RESULTS.md' 2>/dev/null || echo ' (with local changes)')"
	echo "date	$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "shape	$shape"
	echo "fraction	$frac"
	echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$out/machine.tsv"
for n in $sizes; do
	d="$out/$n"
	rm -rf "$d" && mkdir -p "$d"
	cmd=("$pcisim" run "gen:functions=$n,$shape" --enable-vfs
	     --preserve-fraction "$frac" --kexec 1 --phases "$d/phases.tsv"
	     --log "$d/kernel.log")
	echo "${cmd[*]}" > "$d/command.txt"
	echo "  BENCH   $n functions"
	rc=0
	/usr/bin/time -f '%e\t%U\t%S\t%M' -o "$d/time.txt" "${cmd[@]}" > "$d/run.out" || rc=$?
	echo "$rc" > "$d/status.txt"
	tail -1 "$d/run.out"
done
