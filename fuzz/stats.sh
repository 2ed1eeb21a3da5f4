#!/bin/bash
# Print the stats of the fuzzing runs in OUT, one line per harness.
# Usage: stats.sh OUT HARNESS...
out=$1; shift
printf '%-9s %8s %10s %8s %7s %11s %7s %7s %9s\n' harness 'time[s]' execs 'execs/s' corpus edges crashes hangs stability
for h in "$@"; do
	s=$out/$h/default/fuzzer_stats
	[ -f "$s" ] || { printf '%-9s (no stats)\n' "$h"; continue; }
	get() { sed -n "s/^$1 *: *//p" "$s"; }
	printf '%-9s %8s %10s %8s %7s %11s %7s %7s %9s\n' "$h" "$(get run_time)" \
		"$(get execs_done)" "$(get execs_per_sec)" "$(get corpus_count)" \
		"$(get edges_found)/$(get total_edges)" "$(get saved_crashes)" \
		"$(get saved_hangs)" "$(get stability)"
done
