#!/bin/bash
# Run afl-fuzz on each harness for SECONDS, one after the other, with the
# instrumented programs of build-afl/ and (when built: not by the CI
# smoke run) build-afl-cmplog/ for CMPLOG, the seeds in SEEDS/HARNESS
# plus the corpus in CORPUS/HARNESS, the harness's dictionary, and its
# output in OUT/HARNESS (resumed when it exists: a corpus grows over
# runs). Usage: run-afl.sh OUT SECONDS SEEDS CORPUS HARNESS...
set -u
# the known findings (fuzz.mk sets it too)
export FUZZ_KNOWN=${FUZZ_KNOWN:-$PWD/fuzz/known-findings.txt}
out=$1 secs=$2 seeds=$3 corpus=$4; shift 4
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_SKIP_CRASHES=1 AFL_CMPLOG_ONLY_NEW=1 \
       AFL_FAST_CAL=1
mkdir -p "$out"
for h in "$@"; do
	# timeout per input (ms) and longest input: small inputs, cheap runs
	case $h in
	handover) t=1000 G=4096 ;;
	config)   t=1000 G=4200 ;;
	topo)     t=200  G=8192 ;;
	lspci)    t=200  G=16384 ;;
	*)        t=1000 G=8192 ;;
	esac
	in=$out/in-$h
	rm -rf "$in" && mkdir -p "$in"
	cp "$seeds/$h"/* "$in"/ 2>/dev/null
	[ -d "$corpus/$h" ] && cp "$corpus/$h"/* "$in"/ 2>/dev/null
	cmplog=()
	[ -z "${FUZZ_NO_CMPLOG:-}" ] && [ -x "build-afl-cmplog/fuzz/fuzz-$h" ] && cmplog=(-c "build-afl-cmplog/fuzz/fuzz-$h")
	echo "  AFL     fuzz-$h for $secs s${cmplog:+ (with CMPLOG)}"
	if ! timeout -k 10 $((secs + 300)) afl-fuzz -V "$secs" -t "$t" -G "$G" \
		-i "$in" -o "$out/$h" -x "fuzz/dict/$h.dict" "${cmplog[@]}" \
		-- "build-afl/fuzz/fuzz-$h" > "$out/$h.log" 2>&1; then
		echo "afl-fuzz failed, see $out/$h.log:"
		tail -20 "$out/$h.log"
		exit 1
	fi
done
