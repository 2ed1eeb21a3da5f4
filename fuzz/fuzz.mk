# Fuzzing, coverage and sanitizers (#6). Included at the end of the
# Makefile; the variant builds themselves (SANITIZE=1, COVERAGE=1, AFL=1)
# are set up by fuzz/variant.mk. See fuzz/README.md.
#
#   make fuzz [FUZZ_SECONDS=N]  every harness under afl-fuzz, N s each
#                               (default 60), then their stats
#   make fuzz-smoke             the same, 10 s each, and fail on a crash
#                               that fuzz/known-findings.txt does not list
#   make fuzz-replay            replay the corpora and crash inputs with
#                               this build's harnesses (plain, SANITIZE=1)
#   make fuzz-cmin              minimize the corpora into fuzz/corpus/
#   make coverage               gcov build: make check, the corpora; lcov
#   make check SANITIZE=1       everything built with ASan + UBSan, tested

FUZZ_ALL_HARNESSES := handover topo lspci config
FUZZ_HARNESSES ?= $(FUZZ_ALL_HARNESSES)
FUZZ_BINS      := $(patsubst %,$(B)/fuzz/fuzz-%,$(FUZZ_HARNESSES))
FUZZ_SRCS      := fuzz/fuzz_main.c fuzz/fuzz_common.c
FUZZ_SECONDS   ?= 60
FUZZ_OUT       ?= build-afl/out
# The corpora fuzzing built up, minimized (make fuzz-cmin), kept in git as
# one small archive and unpacked where a build needs them.
FUZZ_CORPUS    := $(B)/fuzz/corpus
FUZZ_DEB_PACKAGES := afl++ lcov
export FUZZ_KNOWN := $(abspath fuzz/known-findings.txt)

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins fuzz-seeds fuzz-replay fuzz-cmin \
	fuzz-deps coverage

# ---- the harness programs --------------------------------------------------
# One per harness, linked like a test program. Every build makes them:
# make check replays the crash inputs under tests/fuzz/ with them.
$(B)/fuzz/fuzz-%: fuzz/h_%.c $(FUZZ_SRCS) fuzz/fuzz.h $(HOST_LIB_OBJS) \
		$(B)/h/default-topo.o $(B)/kernel-world.o pci-core/initcalls.ld
	@echo "  CC      $@"
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(EXTRA_HCFLAGS) -Ifuzz -DFUZZ_OVERLAY='"$(OVL)"' -DFUZZ_KSRC_DEFAULT='"$(KSRC)"' \
		-no-pie -o $@ $< $(FUZZ_SRCS) \
		$(HOST_LIB_OBJS) $(B)/h/default-topo.o $(B)/kernel-world.o \
		-Wl,-T,pci-core/initcalls.ld -Wl,-z,noexecstack $(EXTRA_LDFLAGS) $(HOST_LIBS)

fuzz-bins: $(FUZZ_BINS)

# tests/test_fuzz.c runs them on every input under tests/fuzz/;
# tests/test_kernel_findings.c replays K3 through fuzz-config.
$(B)/tests/test_fuzz: $(FUZZ_BINS)
$(B)/tests/test_kernel_findings: $(B)/fuzz/fuzz-config

$(FUZZ_CORPUS)/.stamp: fuzz/corpus.tar.xz
	$(Q)rm -rf $(FUZZ_CORPUS) && mkdir -p $(@D)
	$(Q)tar -C $(dir $(FUZZ_CORPUS)) -xJf $< && touch $@

ifeq ($(VARIANT),cov)
$(B)/pcisim $(TEST_BINS) $(FUZZ_BINS): $(B)/h/fuzz/cov_hooks.o
endif
ifneq ($(filter afl afl-cmplog,$(VARIANT)),)
$(B)/pcisim $(TEST_BINS) $(FUZZ_BINS): $(B)/h/fuzz/kcov_afl.o
endif

# ---- AFL++ -----------------------------------------------------------------
$(B)/.stamp-fuzz-deps:
	$(Q)mkdir -p $(B)
	$(Q)missing=$$(for p in $(FUZZ_DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "  APT     $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "fuzzing and coverage need Debian packages; run as root:"; \
			echo "  apt-get install -y $$missing"; exit 1; \
		fi; \
	fi
	$(Q)touch $@
fuzz-deps: $(B)/.stamp-fuzz-deps

# The instrumented harnesses: build-afl/ (edges) and build-afl-cmplog/.
fuzz-build: fuzz-deps
	$(Q)$(MAKE) -s AFL=1 fuzz-bins
	$(Q)$(MAKE) -s AFL=cmplog fuzz-bins

# Seeds: fuzz/seeds/NAME/ (written by hand or kept from the tests), plus
# what comes from the tests at fuzz time: the topology files, lspci
# snippets of the reference captures, and the handover and config-space
# seeds the harnesses generate from a live run.
FUZZ_SEEDS := $(B)/fuzz/seeds
fuzz-seeds: $(B)/fuzz/fuzz-handover $(B)/fuzz/fuzz-config $(FUZZ_CORPUS)/.stamp
	$(Q)rm -rf $(FUZZ_SEEDS) && mkdir -p $(FUZZ_SEEDS)
	$(Q)for h in $(FUZZ_ALL_HARNESSES); do mkdir -p $(FUZZ_SEEDS)/$$h; \
		cp fuzz/seeds/$$h/* $(FUZZ_SEEDS)/$$h/ 2>/dev/null || true; done
	$(Q)cp tests/topo/*.topo topo/examples/*.topo $(FUZZ_SEEDS)/topo/
	$(Q)python3 fuzz/lspci-seeds.py tests/oracle $(FUZZ_SEEDS)/lspci
	$(Q)$(B)/fuzz/fuzz-handover --make-seeds $(FUZZ_SEEDS)/handover
	$(Q)$(B)/fuzz/fuzz-config --make-seeds $(FUZZ_SEEDS)/config
	@echo "  SEEDS   $$(for h in $(FUZZ_ALL_HARNESSES); do printf '%s %s  ' $$h $$(ls $(FUZZ_SEEDS)/$$h | wc -l); done)"

# afl-fuzz: each harness for FUZZ_SECONDS, one after the other on one
# core (fuzz/run-afl.sh), then the stats of every run.
fuzz: fuzz-build fuzz-seeds
	$(Q)fuzz/run-afl.sh $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ_SEEDS) $(FUZZ_CORPUS) $(FUZZ_HARNESSES)
	$(Q)fuzz/stats.sh $(FUZZ_OUT) $(FUZZ_HARNESSES)

# CI: a short run of each (AFL=1 only, no CMPLOG build: it saves minutes),
# which must run and execute; then every crash it saved is replayed and
# sorted (fuzz/triage.sh). New crashes fail it only with FUZZ_STRICT=1:
# what a 10 s run stumbles on is random, and CI must not be.
SMOKE_SECONDS ?= 10
fuzz-smoke: fuzz-deps
	$(Q)$(MAKE) -s AFL=1 fuzz-bins
	$(Q)$(MAKE) -s fuzz-seeds $(FUZZ_BINS)
	$(Q)rm -rf build-afl/smoke
	$(Q)FUZZ_NO_CMPLOG=1 fuzz/run-afl.sh build-afl/smoke $(SMOKE_SECONDS) $(FUZZ_SEEDS) \
		$(FUZZ_CORPUS) $(FUZZ_HARNESSES)
	$(Q)fuzz/stats.sh build-afl/smoke $(FUZZ_HARNESSES) | tee build-afl/smoke/stats.txt
	$(Q)awk 'NR > 1 && $$3 + 0 == 0 { print "fuzz-" $$1 ": no executions"; bad = 1 } END { exit bad }' \
		build-afl/smoke/stats.txt
	$(Q)fuzz/triage.sh $(B)/fuzz build-afl/smoke $(FUZZ_HARNESSES) || [ "$(FUZZ_STRICT)" != 1 ]

# Every corpus and crash regression input, through this build's
# harnesses (e.g. make fuzz-replay SANITIZE=1).
fuzz-replay: $(FUZZ_BINS) $(FUZZ_CORPUS)/.stamp
	$(Q)fuzz/replay.sh $(B)/fuzz $(FUZZ_CORPUS) $(FUZZ_OUT) $(FUZZ_HARNESSES)

# Minimize the corpora (the one in git and what fuzzing added) into
# fuzz/corpus.tar.xz.
fuzz-cmin: fuzz-build $(FUZZ_CORPUS)/.stamp
	$(Q)rm -rf $(FUZZ_OUT)/cmin && mkdir -p $(FUZZ_OUT)/cmin/corpus
	$(Q)for h in $(FUZZ_HARNESSES); do \
		all=$(FUZZ_OUT)/cmin/all-$$h; mkdir -p $$all; \
		cp $(FUZZ_CORPUS)/$$h/* $$all/ 2>/dev/null; \
		cp $(FUZZ_OUT)/$$h/default/queue/id:* $$all/ 2>/dev/null; \
		AFL_SKIP_CPUFREQ=1 afl-cmin -t 2000 -i $$all -o $(FUZZ_OUT)/cmin/min-$$h \
			-- build-afl/fuzz/fuzz-$$h >/dev/null || exit 1; \
		mkdir -p $(FUZZ_OUT)/cmin/corpus/$$h; \
		for f in $(FUZZ_OUT)/cmin/min-$$h/*; do \
			cp $$f $(FUZZ_OUT)/cmin/corpus/$$h/$$(sha1sum < $$f | cut -c1-12); done; \
		echo "  CMIN    $$h: $$(ls $(FUZZ_OUT)/cmin/corpus/$$h | wc -l) inputs"; \
	done
	$(Q)tar -C $(FUZZ_OUT)/cmin --sort=name --mtime=@0 --owner=0 --group=0 \
		--numeric-owner -cJf fuzz/corpus.tar.xz corpus
	@echo "  TAR     fuzz/corpus.tar.xz ($$(stat -c %s fuzz/corpus.tar.xz) bytes)"

# ---- coverage --------------------------------------------------------------
# A gcov build (build-cov/) runs make check and replays the corpora; lcov
# and genhtml report on the kernel files, lu/ and shim/.
COV_DIR := build-cov
coverage: fuzz-deps
	$(Q)$(MAKE) -s COVERAGE=1 $(COV_DIR)/pcisim
	$(Q)lcov -q --zerocounters --directory $(COV_DIR) 2>/dev/null
	$(Q)$(MAKE) -s COVERAGE=1 check || { echo "make check failed in the coverage build"; exit 1; }
	$(Q)$(MAKE) -s COVERAGE=1 fuzz-replay 2>&1 | grep "inputs in"
	$(Q)fuzz/coverage.sh $(COV_DIR) $(abspath $(COV_DIR))/overlay
