# Benchmarks (#7): the full live update at growing sizes; bench/RESULTS.md
# says what runs, what was measured and where the time goes.
#
#   make bench                 1k, 10k, 100k and 1M functions; writes bench/RESULTS.md
#   make bench BENCH_SIZES='1000 10000'   fewer sizes (RESULTS.md says which ran)
#   make bench-profile         where the time goes: 10k (callgrind, perf) and 1M (perf)
#
# Not part of make check: the largest size takes minutes and GiBs.

BENCH_SIZES    ?= 1000 10000 100000 1000000
BENCH_SHAPE    ?= depth=1,fanout=8,endpoints=4,vfs=7
BENCH_FRACTION ?= 0.01
BENCH_OUT      ?= $(B)/bench

.PHONY: bench bench-profile
bench: $(B)/pcisim
	$(Q)bench/run-bench.sh $(B)/pcisim $(BENCH_OUT) "$(BENCH_SIZES)" \
		"$(BENCH_SHAPE)" $(BENCH_FRACTION)
	$(Q)python3 bench/oracle_times.py $(B)/pcisim tests/oracle > $(BENCH_OUT)/oracle-times.md
	$(Q)python3 bench/report.py $(BENCH_OUT) bench/findings.md > bench/RESULTS.md.tmp
	$(Q)mv bench/RESULTS.md.tmp bench/RESULTS.md
	@echo "  BENCH   bench/RESULTS.md"

bench-profile: $(B)/pcisim
	$(Q)bench/profile.sh $(B)/pcisim $(BENCH_OUT) "$(BENCH_SHAPE)"
