# make oracle: the differential test against the real kernel (#3).
#
# Boots Debian's arm64 Linux 7.3 (the version of the linux-source-7.3
# pcisim compiles, as pci-core/linux-source.pin pins it; fetched from
# $(KDEB_SUITE) with private
# apt lists, pci-core/apt-private.sh) under QEMU's arm64 virt machine for
# every topology in oracle/topologies/ and writes what the kernel assigned
# to tests/oracle/NAME/ (oracle/README.md), then compares pcisim with it.
# Takes minutes; not part of make check, which compares pcisim with the
# committed captures (tests/test_oracle_qemu.c).
#
#   make oracle                      every topology
#   make oracle ORACLE_ONLY='T3_switch T7_many_functions'
#   ORACLE_CACHE=DIR                 downloads and the initramfs (build/oracle-cache)
#   ORACLE_TIMEOUT=S                 seconds one boot may take (60)
#   ORACLE_KERNEL_PKG=PKG            another arm64 image package of $(KDEB_SUITE)
ORACLE_CACHE   ?= $(ABS_B)/oracle-cache
ORACLE_TIMEOUT ?= 60
ORACLE_ONLY    ?=
# prints the kernel package name (bench-qemu uses it too)
ORACLE_FETCH    = ORACLE_KERNEL_PKG=$(ORACLE_KERNEL_PKG) oracle/fetch.sh $(ORACLE_CACHE) \
		  $(KDEB_SUITE) $(KPIN_VERSION)

.PHONY: oracle
oracle: $(B)/pcisim
	$(Q)pkg=$$($(ORACLE_FETCH)) && \
	start=$$(date +%s) && \
	PYTHONDONTWRITEBYTECODE=1 python3 oracle/oracle.py --cache $(ORACLE_CACHE) --kernel-pkg $$pkg \
		--work $(B)/oracle --out tests/oracle --timeout $(ORACLE_TIMEOUT) $(ORACLE_ONLY) && \
	echo "  ORACLE  captured in $$(( $$(date +%s) - start )) s; comparing with pcisim" && \
	$(MAKE) -s $(B)/tests/test_oracle_qemu && $(B)/tests/test_oracle_qemu && \
	echo "  ORACLE  the real kernel's enumeration time beside pcisim's (bench/oracle_times.py):" && \
	python3 bench/oracle_times.py $(B)/pcisim tests/oracle
