#!/bin/bash
# Where the time goes (make bench-profile):
#  1. callgrind, 10k functions: instructions of the enumeration alone
#     (cli_boot: boot, scan, assign, add) and of the whole
#     live update, split into the kernel's code and pcisim's own
#     (bench/shares.py);
#  2. perf, 1M functions (the size where superlinear code shows): the
#     whole live update sampled with call stacks, split the same way,
#     and the kernel functions that grow faster than the number of
#     functions.
#   bench/profile.sh PCISIM OUTDIR SHAPE [BIG]
# The enumeration is of a shape without VFs (they appear only once user
# space enables them, which is not enumeration): ENUM_SHAPE.
set -eu
pcisim=$1 out=$2/profile shape=$3 big=${4:-1000000}
enum_shape=${ENUM_SHAPE:-depth=1,fanout=8,endpoints=8}
build=$(dirname "$pcisim")
here=$(dirname "$0")
mkdir -p "$out"
command -v valgrind >/dev/null || { echo "bench-profile: apt-get install valgrind"; exit 1; }
command -v perf >/dev/null || { echo "bench-profile: apt-get install linux-perf"; exit 1; }

echo "  CALLGRIND 10k enumeration"
valgrind --tool=callgrind --toggle-collect='cli_boot' \
	--callgrind-out-file="$out/enumerate-10k.callgrind" \
	"$pcisim" enumerate "gen:functions=10000,$enum_shape" --quiet --log /dev/null 2>"$out/enumerate-10k.valgrind.txt"
callgrind_annotate --tree=caller --inclusive=no --threshold=100 \
	"$out/enumerate-10k.callgrind" > "$out/enumerate-10k.tree.txt"
python3 "$here/shares.py" callgrind "$out/enumerate-10k.tree.txt" > "$out/enumerate-10k.shares.md"

echo "  PERF     10k enumeration, 20 runs"
for i in $(seq 20); do
	perf record -q -e cpu-clock -F 20000 -g -o "$out/enumerate-10k.$i.perf" \
		"$pcisim" enumerate "gen:functions=10000,$enum_shape" --quiet --log /dev/null
	perf script -i "$out/enumerate-10k.$i.perf" -F ip,sym 2>/dev/null
	rm -f "$out/enumerate-10k.$i.perf"
done > "$out/enumerate-10k.script.txt"
python3 "$here/shares.py" perf "$build" "$out/enumerate-10k.script.txt" cli_boot \
	> "$out/enumerate-10k.perf-shares.md"

echo "  CALLGRIND 10k live update"
valgrind --tool=callgrind --callgrind-out-file="$out/run-10k.callgrind" \
	"$pcisim" run "gen:functions=10000,$shape" --enable-vfs --preserve-fraction 0.01 \
	--log /dev/null > /dev/null 2>"$out/run-10k.valgrind.txt"
callgrind_annotate --tree=caller --inclusive=no --threshold=100 \
	"$out/run-10k.callgrind" > "$out/run-10k.tree.txt"
python3 "$here/shares.py" callgrind "$out/run-10k.tree.txt" > "$out/run-10k.shares.md"

echo "  PERF     $big functions live update"
perf record -q -e cpu-clock -F 250 -g -o "$out/run-big.perf" \
	"$pcisim" run "gen:functions=$big,$shape" --enable-vfs --preserve-fraction 0.01 \
	--phases "$out/run-big.phases.tsv" --log /dev/null > /dev/null
perf script -i "$out/run-big.perf" -F ip,sym > "$out/run-big.script.txt" 2>/dev/null
python3 "$here/shares.py" perf "$build" "$out/run-big.script.txt" > "$out/run-big.shares.md"
perf report -i "$out/run-big.perf" --no-children --sort symbol -g caller,0.5,callee,function,percent \
	--percent-limit 1 --stdio > "$out/run-big.report.txt" 2>/dev/null
echo "  PROFILE  $out/*.shares.md, $out/run-big.report.txt"
