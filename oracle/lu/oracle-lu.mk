# make oracle-lu: a real live update under QEMU, compared with pcisim (#13).
#
# Builds an arm64 Linux from the pinned tree with the overlay (lu/ and
# lu/patches) and lu/sim-drivers built in (oracle/lu/build-kernel.sh),
# the guest's agent (oracle/lu/guest/lu-agent.c, static), then live-updates
# every machine of oracle/lu/topologies/ under QEMU with real kexecs and
# writes what it saw to tests/oracle-lu/NAME/ (oracle/lu/oracle_lu.py),
# runs upstream's LUO selftests on the same kernel as upstream does
# (oracle/lu/upstream_selftests.py, tests/oracle-lu/upstream-selftests.txt);
# then runs build/tests/test_oracle_lu, which replays each capture with
# pcisim and compares, and prints both live updates' times. Not part of make check or CI (minutes, and a kernel build);
# make check runs the same test on the committed captures.
#
#   make oracle-lu                         every topology
#   make oracle-lu ORACLE_LU_ONLY='L1_nvme_behind_switch'
#   ORACLE_LU_TIMEOUT=S                    seconds one run may take (180)
ORACLE_LU_ONLY    ?=
ORACLE_LU_TIMEOUT ?= 180
ORACLE_LU_DIR     := $(ABS_B)/oracle-lu
ORACLE_LU_CROSS   ?= aarch64-linux-gnu-

.PHONY: oracle-lu
oracle-lu: $(B)/pcisim $(STAMP_OVERLAY)
	$(Q)command -v qemu-system-aarch64 >/dev/null || { \
		echo "oracle-lu needs qemu-system-aarch64 (make oracle installs it)"; exit 1; }
	$(Q)pkg=$$($(ORACLE_FETCH)) && \
	oracle/lu/build-kernel.sh $(KSRC) $(OVL) $(ORACLE_LU_DIR) $(JOBS) && \
	$(ORACLE_LU_CROSS)gcc -std=c11 -Wall -Wextra -Werror -O2 -static \
		-I$(ORACLE_LU_DIR)/kb/usr/include -o $(ORACLE_LU_DIR)/lu-agent \
		oracle/lu/guest/lu-agent.c && \
	start=$$(date +%s) && \
	PYTHONDONTWRITEBYTECODE=1 python3 oracle/lu/oracle_lu.py --kernel $(ORACLE_LU_DIR) \
		--busybox $(ORACLE_CACHE)/$$pkg/root/bin/busybox --agent $(ORACLE_LU_DIR)/lu-agent \
		--work $(ORACLE_LU_DIR)/runs --out tests/oracle-lu --timeout $(ORACLE_LU_TIMEOUT) \
		$(ORACLE_LU_ONLY) && \
	PYTHONDONTWRITEBYTECODE=1 python3 oracle/lu/upstream_selftests.py --kernel $(ORACLE_LU_DIR) \
		--ksrc $(KSRC) --busybox $(ORACLE_CACHE)/$$pkg/root/bin/busybox \
		--work $(ORACLE_LU_DIR)/selftests --out tests/oracle-lu/upstream-selftests.txt && \
	echo "  ORACLE-LU captured in $$(( $$(date +%s) - start )) s; comparing with pcisim" && \
	$(MAKE) -s $(B)/tests/test_oracle_lu && $(B)/tests/test_oracle_lu && \
	echo "  ORACLE-LU the real kernel's live update beside pcisim's (bench/oracle_lu_times.py):" && \
	python3 bench/oracle_lu_times.py $(B)/pcisim tests/oracle-lu
