# Benchmarks (#7): the full live update at growing sizes; bench/RESULTS.md
# says what runs, what was measured and where the time goes.
#
#   make bench                 1k, 10k, 100k and 1M functions; writes bench/RESULTS.md
#   make bench BENCH_SIZES='1000 10000'   fewer sizes (RESULTS.md says which ran)
#   make bench-profile         where the time goes: 10k (callgrind, perf) and 1M (perf)
#   make bench-qemu            the real kernel at the 1k size under QEMU, beside pcisim
#
# Not part of make check: the largest size takes minutes and GiBs.

BENCH_SIZES    ?= 1000 10000 100000 1000000
BENCH_SHAPE    ?= depth=1,fanout=8,endpoints=4,vfs=7
BENCH_FRACTION ?= 0.01
BENCH_OUT      ?= $(B)/bench

.PHONY: bench bench-profile bench-qemu
bench: $(B)/pcisim
	$(Q)bench/run-bench.sh $(B)/pcisim $(BENCH_OUT) "$(BENCH_SIZES)" \
		"$(BENCH_SHAPE)" $(BENCH_FRACTION)
	$(Q)python3 bench/oracle_times.py $(B)/pcisim tests/oracle > $(BENCH_OUT)/oracle-times.md
	$(Q)python3 bench/report.py $(BENCH_OUT) bench/findings.md > bench/RESULTS.md.tmp
	$(Q)mv bench/RESULTS.md.tmp bench/RESULTS.md
	@echo "  BENCH   bench/RESULTS.md"

bench-profile: $(B)/pcisim
	$(Q)bench/profile.sh $(B)/pcisim $(BENCH_OUT) "$(BENCH_SHAPE)"

# The real kernel at the benchmark's 1k size (bench/qemu/: the shape QEMU
# 7.2 can build), booted as make oracle boots its machines, into
# $(BENCH_OUT)/qemu/ (about 20 MB a capture: not committed, unlike
# tests/oracle/); pcisim is compared with it function by function
# (tests/test_oracle_qemu.c, ORACLE_DIR=) and the times go to
# $(BENCH_OUT)/qemu-times.md, which make bench's report includes.
BENCH_QEMU_TIMEOUT ?= 1200
bench-qemu: $(B)/pcisim $(B)/tests/test_oracle_qemu
	$(Q)rm -f $(BENCH_OUT)/qemu-times.md
	$(Q)pkg=$$($(ORACLE_FETCH)) && \
	PYTHONDONTWRITEBYTECODE=1 python3 oracle/oracle.py --cache $(ORACLE_CACHE) \
		--kernel-pkg $$pkg --topologies bench/qemu --work $(B)/oracle \
		--out $(BENCH_OUT)/qemu --timeout $(BENCH_QEMU_TIMEOUT)
	$(Q)ORACLE_DIR=$(BENCH_OUT)/qemu/ $(B)/tests/test_oracle_qemu
	$(Q)python3 bench/oracle_times.py $(B)/pcisim $(BENCH_OUT)/qemu > $(BENCH_OUT)/qemu-times.md
	$(Q)cat $(BENCH_OUT)/qemu-times.md
