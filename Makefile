# pcisim: the real Linux PCI core, in userspace, on simulated hardware.
#
#   make            build build/pcisim (installs Debian packages when root)
#   make run        enumerate the default topology
#   make check      build and run every test
#   make help       all targets and options

# The pinned tree: Debian's linux-source-7.3 from trixie-backports. On a
# Debian 12 machine pci-core/fetch-kernel.sh downloads it with private apt
# lists (the system's apt configuration is not touched) into KCACHE,
# outside build/, so make clean and distclean do not fetch it again. An
# installed package's /usr/src tarball is used as it is.
KPIN       := pci-core/linux-source.pin
pin         = $(shell sed -n 's/^$(1) //p' $(KPIN))
KDEB_PKG   := $(call pin,package)
KVER       := $(patsubst linux-source-%,%,$(KDEB_PKG))
KDEB_SUITE := $(call pin,suite)
KPIN_VERSION := $(call pin,version)
KPIN_KERNEL  := $(call pin,kernel)
KPIN_SHA256  := $(call pin,sha256)
KCACHE     ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/pcisim/$(KDEB_PKG)
KTARBALL   ?= $(if $(wildcard /usr/src/$(KDEB_PKG).tar.xz),/usr/src/$(KDEB_PKG).tar.xz,$(KCACHE)/usr/src/$(KDEB_PKG).tar.xz)
B          := build
ABS_B      := $(abspath $(B))
# KSRC=/path/to/linux uses another (configured-nowhere, read-only) tree.
KSRC       ?= $(ABS_B)/linux-source-$(KVER)
KOBJ       := $(ABS_B)/kbuild
V          ?= 0
Q          := $(if $(filter 1,$(V)),,@)
CC         := gcc
# The kernel world's compiler: gcc, as Kbuild configures the tree (the AFL
# builds compile the host world with afl-clang-fast, fuzz/variant.mk).
KCC        := gcc
comma      := ,
LD         := ld
OBJCOPY    := objcopy
JOBS       ?= 2
# Variant builds (SANITIZE=1, COVERAGE=1, AFL=1: fuzz/variant.mk, #6) pick
# their own build directory, compiler and the EXTRA_* flags below.
EXTRA_KCFLAGS ?=
EXTRA_HCFLAGS ?=
EXTRA_LDFLAGS ?=
-include fuzz/variant.mk

DEB_PACKAGES := flex bison bc libelf-dev libssl-dev \
		libcmocka-dev libpciaccess-dev libfdt-dev pciutils sparse gcc make \
		xz-utils python3 graphviz

# PCI Live Update: lu/ holds new kernel files (placed in the tree at the
# same paths), lu/patches/ the hooks into existing ones; both land in an
# overlay that is compiled ahead of the pristine tree.
OVL        := $(ABS_B)/overlay
PATCHES    := $(sort $(wildcard lu/patches/*.patch))
LU_TREE    := $(shell find lu/drivers lu/include -type f 2>/dev/null)
LU_KFILES  := $(patsubst lu/%,%,$(filter %.c,$(LU_TREE)))
SIMDRV_SRCS := $(wildcard lu/sim-drivers/*.c)

KFILES     := $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' pci-core/kernel-files.txt)
KOBJS      := $(patsubst %.c,$(B)/k/%.o,$(KFILES) $(LU_KFILES))
# Kernel files only the test worlds link (pci-core/kernel-test-files.txt):
# compiled as those above, linked into $(KHO_TEST_WORLD) below.
KTFILES    := $(shell sed -e 's/\#.*//' -e '/^[[:space:]]*$$/d' pci-core/kernel-test-files.txt)
KTOBJS     := $(patsubst %.c,$(B)/k/%.o,$(KTFILES))
SHIM_SRCS  := $(wildcard shim/*.c) $(wildcard pci-core/*.c) $(SIMDRV_SRCS)
SHIM_OBJS  := $(patsubst %.c,$(B)/ks/%.o,$(SHIM_SRCS))

HOST_SRCS  := $(wildcard shim/host/*.c) $(wildcard topo/*.c) $(wildcard cli/*.c)
HOST_OBJS  := $(patsubst %.c,$(B)/h/%.o,$(HOST_SRCS))
HOST_LIB_OBJS := $(filter-out $(B)/h/cli/main.o,$(HOST_OBJS))
# Frame pointers: perf's call stacks reach through host code (make bench-profile).
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -fno-omit-frame-pointer -D_GNU_SOURCE \
	       '-D__noreturn=__attribute__((noreturn))' \
	       -Ishim/include -Ishim/host -Itopo -Icli
HOST_LIBS  := -lfdt -lpciaccess

TEST_SRCS  := $(wildcard tests/test_*.c)
TEST_BINS  := $(patsubst tests/%.c,$(B)/tests/%,$(TEST_SRCS))

STAMP_EXTRACT := $(B)/.stamp-extract
STAMP_OVERLAY := $(B)/.stamp-overlay
STAMP_PREPARE := $(B)/.stamp-prepare
KFLAGS_FILE   := $(B)/kflags.txt
KFLAGS     = $(file < $(KFLAGS_FILE))
SHIM_INC   = -I$(OVL)/drivers/pci -I$(KSRC)/drivers/pci -I$(KSRC)/drivers/base -I$(OVL)/kernel -I$(KSRC)/kernel -I$(KSRC)/mm

# Every file a patch changes, as PATCH:FILE.
PATCH_TARGETS := $(shell awk '/^\+\+\+ b\//{ print FILENAME ":" substr($$2, 3) }' $(PATCHES) /dev/null)

# Incremental builds. A kernel-world object depends on the files its .d
# file names (the tree's or the overlay's copies), on make-overlay.sh and
# on $(KWORLD_SIG), not on the Makefile: that file holds the text of the
# commands that compile the kernel world and of the variables they use,
# and the overlay's layout (the patches, the files each changes, lu/'s
# files); make rewrites it, as it reads this file, only when that text
# changed. So editing the Makefile elsewhere, one lu/ file or a patch's
# hunks recompiles only the objects that read an overlay file whose
# content changed; adding or removing a patch or an lu/ file, changing the
# files a patch touches or the compile commands, recompiles them all.
KWORLD_SIG := $(B)/kworld-sig.txt
kworld_sig = KCC=$(KCC) EXTRA_KCFLAGS=$(EXTRA_KCFLAGS) KSRC=$(KSRC) KOBJ=$(KOBJ) OVL=$(OVL) \
	kflags=$(value kflags_cmd) k=$(value kcc_k) ks=$(value kcc_ks) \
	shim_inc=$(SHIM_INC) patches=$(PATCHES) $(PATCH_TARGETS) lu=$(LU_TREE)

.PHONY: all run check help clean distclean deps verify-kernel stubs-check checkpatch kbuild-check
# The build is everything make check runs: pcisim, the test programs, and
# the proof that the kernel files compiled are the tarball's (verify-kernel),
# so that make check after it only runs the tests.
all: $(B)/pcisim $(TEST_BINS) $(B)/.verified-kernel

help:
	@echo 'Targets:'
	@echo '  all (default)   build build/pcisim and the tests, run verify-kernel'
	@echo '  run             live update of the built-in default topology (see PRESERVE=, KEXEC=)'
	@echo '  check           build (all) and run every test (CMocka, TAP output)'
	@echo '  verify-kernel   prove each kernel file the compiler read is the tarball'"'"'s, or it + lu/patches'
	@echo '  stubs-check     fail if the abort-on-call stub list differs from pci-core/stubs.txt'
	@echo '  checkpatch      scripts/checkpatch.pl --strict over the kernel-side code'
	@echo '  kbuild-check    build lu/ and the patched files with Kbuild, W=1 and sparse'
	@echo '  oracle          the real 7.3 (arm64) under QEMU on oracle/topologies/: captures to'
	@echo '                  tests/oracle/, compared with pcisim; downloads once (ORACLE_ONLY=)'
	@echo '  oracle-lu       a 7.3 kernel with lu/ built for arm64, real live updates under QEMU'
	@echo '                  on oracle/lu/topologies/: captures to tests/oracle-lu/, replayed by'
	@echo '                  pcisim; upstream LUO selftests in the same guest (ORACLE_LU_ONLY=)'
	@echo '  bench           the live update at 1k-1M functions; writes bench/RESULTS.md (BENCH_SIZES=)'
	@echo '  bench-profile   callgrind and perf profiles, kernel code vs pcisim'"'"'s own (bench/shares.py)'
	@echo '  bench-qemu      the real kernel on the 1k benchmark tree under QEMU, beside pcisim'
	@echo '  fuzz            every fuzz harness under AFL++ (FUZZ_SECONDS=N), fuzz/README.md'
	@echo '  fuzz-smoke      each harness 10 s (CI); new crashes fail it with FUZZ_STRICT=1'
	@echo '  coverage        gcov build: make check and the fuzz corpora, lcov report'
	@echo '  check SANITIZE=1  everything built with ASan and UBSan (build-san/), tested'
	@echo '  clean           remove objects, keep the configured kernel tree'
	@echo '  distclean       remove build/ entirely'
	@echo 'Options:'
	@echo '  V=1             show commands'
	@echo '  KSRC=DIR        use the kernel tree in DIR instead of extracting $(KTARBALL)'
	@echo '  TOPO=FILE       topology for make run (default: the built-in one)'
	@echo '  PRESERVE=BDFS   devices make run preserves (default $(PRESERVE))'
	@echo '  KEXEC=N         kexecs make run does (default 1)'

# ---- Debian packages -------------------------------------------------------
$(B)/.stamp-deps:
	$(Q)mkdir -p $(B)
	$(Q)missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "  APT     $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "pcisim needs Debian packages; run as root:"; \
			echo "  apt-get install -y $$missing"; exit 1; \
		fi; \
	fi
	$(Q)touch $@
deps: $(B)/.stamp-deps

# ---- The pinned kernel tree: fetch, extract, configure, prepare -----------
$(KCACHE)/usr/src/$(KDEB_PKG).tar.xz:
	$(Q)pci-core/fetch-kernel.sh $(KDEB_PKG) $(KDEB_SUITE) $(KCACHE) $(KPIN_VERSION) >/dev/null

ifeq ($(KSRC),$(ABS_B)/linux-source-$(KVER))
# The tarball must be the pinned one: its SHA-256 and its Makefile's version.
$(STAMP_EXTRACT): $(KTARBALL) $(KPIN) | $(B)/.stamp-deps
	@echo "  EXTRACT $(KTARBALL)"
	$(Q)sum=$$(sha256sum < $(KTARBALL) | cut -d' ' -f1); [ "$$sum" = "$(KPIN_SHA256)" ] || { \
		echo "$(KTARBALL): not the pinned $(KDEB_PKG) $(KPIN_VERSION):"; \
		echo "  sha256 $$sum, $(KPIN) says $(KPIN_SHA256)"; \
		echo "  (a newer Debian package? move the pin in $(KPIN); KSRC= builds any tree)"; exit 1; }
	$(Q)rm -rf $(KSRC) && mkdir -p $(B)
	$(Q)tar -C $(B) -xf $(KTARBALL)
	$(Q)v=$$($(MAKE) -s -C $(KSRC) kernelversion); [ "$$v" = "$(KPIN_KERNEL)" ] || { \
		echo "$(KTARBALL) holds Linux $$v, $(KPIN) says $(KPIN_KERNEL)"; exit 1; }
	$(Q)echo "$(KPIN_KERNEL) (Debian $(KDEB_PKG) $(KPIN_VERSION), sha256 $(KPIN_SHA256))" \
		> $(B)/kernel-version.txt
	$(Q)touch $@
else
$(STAMP_EXTRACT): | $(B)/.stamp-deps
	$(Q)test -f $(KSRC)/Makefile || { echo "KSRC=$(KSRC) is not a kernel tree"; exit 1; }
	$(Q)mkdir -p $(B)
	$(Q)echo "$$($(MAKE) -s -C $(KSRC) kernelversion) (KSRC=$(KSRC), not the pinned tree)" \
		> $(B)/kernel-version.txt
	$(Q)touch $@
endif

# Kconfig opens a file in the object tree before the one in the source
# tree (scripts/kconfig/lexer.l, zconf_fopen()): the overlay's
# drivers/pci/Kconfig, with the series' CONFIG_PCI_LIVEUPDATE, is put
# there, so the pristine tree is configured as the patched one would be.
# Copied only when it changed, so that editing the series does not
# reconfigure (and rebuild) the whole kernel world.
$(KOBJ)/drivers/pci/Kconfig: $(STAMP_OVERLAY)
	$(Q)mkdir -p $(@D)
	$(Q)cmp -s $(OVL)/drivers/pci/Kconfig $@ || cp $(OVL)/drivers/pci/Kconfig $@

$(KOBJ)/.config: $(STAMP_EXTRACT) $(KOBJ)/drivers/pci/Kconfig pci-core/pcisim.config
	@echo "  CONFIG  allnoconfig + pci-core/pcisim.config"
	$(Q)$(MAKE) -s -C $(KSRC) O=$(KOBJ) ARCH=x86_64 \
		KCONFIG_ALLCONFIG=$(abspath pci-core/pcisim.config) allnoconfig >/dev/null
	$(Q)pci-core/check-config.sh pci-core/pcisim.config $(KOBJ)/.config
	$(Q)touch $@

$(STAMP_PREPARE): $(KOBJ)/.config
	@echo "  PREPARE kernel $$($(MAKE) -s -C $(KSRC) kernelversion) (make prepare)"
	$(Q)$(MAKE) -s -C $(KSRC) O=$(KOBJ) ARCH=x86_64 -j$(JOBS) prepare >/dev/null
	@# one real Kbuild compile, so the flags come from the kernel's own build
	$(Q)$(MAKE) -s -C $(KSRC) O=$(KOBJ) ARCH=x86_64 drivers/pci/access.o >/dev/null
	$(Q)touch $@

# Overlay include directories go ahead of the pristine ones; shim/include
# (sim/: the seam) comes after everything.
kflags_cmd = pci-core/kflags.sh $(KSRC) $(KOBJ) $(KOBJ)/drivers/pci/.access.o.cmd | \
	sed -e 's| -I$(KSRC)/include | -I$(OVL)/include -I$(KSRC)/include |' \
	    -e 's| -I$(KSRC)/arch/x86/include | -I$(OVL)/arch/x86/include -I$(KSRC)/arch/x86/include |' > $@.tmp && \
	echo " -I$(abspath shim/include) -include $(abspath shim/prelude.h)" >> $@.tmp && \
	tr -d '\n' < $@.tmp > $@ && rm $@.tmp
$(KFLAGS_FILE): $(STAMP_PREPARE) pci-core/kflags.sh $(KWORLD_SIG)
	$(Q)$(kflags_cmd)

# make-overlay.sh rewrites only the overlay files whose content changed.
$(STAMP_OVERLAY): $(STAMP_EXTRACT) $(PATCHES) $(LU_TREE) pci-core/make-overlay.sh $(KWORLD_SIG)
	@echo "  OVERLAY $(words $(PATCHES)) patches, $(words $(LU_TREE)) lu/ files"
	$(Q)pci-core/make-overlay.sh $(KSRC) $(OVL) lu $(PATCHES)
	$(Q)touch $@

# An overlay file is made by $(STAMP_OVERLAY), out of the lu/ file or the
# patches it comes from: the objects that read it (their .d files name it)
# see its time after the overlay is brought up to date, and one whose
# content did not change keeps its time. One that is gone counts as new.
$(foreach t,$(PATCH_TARGETS),$(eval $(OVL)/$(lastword $(subst :, ,$(t))): $(firstword $(subst :, ,$(t)))))
$(foreach f,$(LU_TREE),$(eval $(OVL)/$(f:lu/%=%): $(f)))
$(OVL)/%: | $(STAMP_OVERLAY) ;

# ---- Kernel world ----------------------------------------------------------
kname = $(subst -,_,$(notdir $(basename $(1))))

# What Kbuild adds to or removes from one file's command (its module name,
# CFLAGS_x.o, CFLAGS_REMOVE_x.o: -ffreestanding for lib/string.c, libfdt's
# include directory, pcieportdrv for portdrv.c), asked of Kbuild itself.
KFF := $(B)/kfileflags
$(KFF)/.stamp: $(STAMP_PREPARE) pci-core/kfile-flags.sh pci-core/kernel-files.txt \
		pci-core/kernel-test-files.txt $(KWORLD_SIG)
	@echo "  KFLAGS  per file, from Kbuild (make FILE.i)"
	$(Q)rm -rf $(KFF) && mkdir -p $(KFF)
	$(Q)pci-core/kfile-flags.sh $(KSRC) $(KOBJ) $(abspath $(KFF)) $(KFILES) $(LU_KFILES) $(KTFILES)
	$(Q)touch $@

# A file the overlay holds (patched, or added by lu/) is compiled from
# there ($$d: the overlay or the tree; asked at run time, when the overlay
# is up to date); __FILE__ (BUG and WARN sites) says drivers/pci/..., as
# for the tree.
kcc_k = $(KCC) $(filter-out $(file < $(KFF)/$*.remove),$(KFLAGS)) $(EXTRA_KCFLAGS) \
	-I$$d/$(dir $*) -I$(KSRC)/$(dir $*) -fmacro-prefix-map=$(OVL)/= \
	$(file < $(KFF)/$*.add) -MMD -MP -MF $(@:.o=.d) -c $$d/$*.c -o $@
kcc_ks = $(KCC) $(KFLAGS) $(EXTRA_KCFLAGS) $(SHIM_INC) -DKBUILD_MODFILE='"$*"' \
	-DKBUILD_BASENAME='"$(call kname,$*)"' -DKBUILD_MODNAME='"$(call kname,$*)"' \
	-D__KBUILD_MODNAME=$(call kname,$*) -MMD -MP -MF $(@:.o=.d) -c $< -o $@

# x86 builds arch/x86/lib/hweight.S, whose __sw_hweight{32,64}() keep every
# register but the result: the call that asm/arch_hweight.h makes in place
# of popcnt declares no other clobber. lib/hweight.c stands in for it,
# compiled as x86 compiled it before hweight.S (ARCH_HWEIGHT_CFLAGS), and
# without instrumentation, whose calls would break that promise.
HWEIGHT_CFLAGS := $(foreach r,rdi rsi rdx rcx r8 r9 r10 r11,-fcall-saved-$(r))
HWEIGHT_NOINSTR := -fsanitize% -fprofile% --coverage -fsanitize-coverage%
$(B)/k/lib/hweight.o: EXTRA_KCFLAGS := $(filter-out $(HWEIGHT_NOINSTR),$(EXTRA_KCFLAGS)) \
	$(HWEIGHT_CFLAGS)

# (After everything $(KWORLD_SIG) holds is defined.)
sq = $(subst ','\'',$(1))
ifneq ($(filter-out help clean distclean,$(or $(MAKECMDGOALS),all)),)
$(shell mkdir -p $(B) && t='$(call sq,$(kworld_sig))' && \
	{ [ "$$t" = "$$(cat $(KWORLD_SIG) 2>/dev/null)" ] || printf '%s\n' "$$t" > $(KWORLD_SIG); })
endif
$(KWORLD_SIG):
	$(Q)mkdir -p $(@D) && printf '%s\n' '$(call sq,$(kworld_sig))' > $@

$(B)/k/%.o: $(KFLAGS_FILE) $(KWORLD_SIG) pci-core/make-overlay.sh $(KFF)/.stamp | $(STAMP_OVERLAY)
	@mkdir -p $(@D)
	$(Q)d=$(OVL); [ -f $$d/$*.c ] || d=$(KSRC); \
	echo "  KCC     $*.c$$([ $$d = $(KSRC) ] || echo ' (overlay)')"; \
	$(kcc_k)

$(B)/ks/%.o: %.c $(KFLAGS_FILE) $(KWORLD_SIG) pci-core/make-overlay.sh | $(STAMP_OVERLAY)
	@echo "  KCC     $<"
	@mkdir -p $(@D)
	$(Q)$(kcc_ks)

# Calls pci_host_probe() makes into other files go through phase marks
# first (pci-core/phases.c: benchmarks time scan, assign and add apart).
KWRAP := --wrap=pci_assign_unassigned_root_bus_resources --wrap=pci_bus_add_devices

$(B)/kernel-pass1.o: $(KOBJS) $(SHIM_OBJS)
	@echo "  LD      $@"
	$(Q)$(LD) -r $(KWRAP) -o $@ $^

# Still-missing symbols become abort-on-call stubs; the list is checked in.
# Runtimes of instrumented variant builds (sanitizers, gcov, AFL++) are not
# kernel symbols: they come from the host's libraries at the final link.
INSTR_SYMS := ^(__asan_|__ubsan_|__gcov_|__afl_|__sanitizer_|__cmplog_|__(start|stop)___sancov)
$(B)/stubs.txt: $(B)/kernel-pass1.o pci-core/host-symbols.txt
	$(Q)nm -u $< | awk '{print $$2}' | grep -Ev '$(INSTR_SYMS)' | sort -u | \
		grep -vxF -f <(sed -e 's/#.*//' -e '/^$$/d' pci-core/host-symbols.txt) > $@ || true

$(B)/stubs.c: $(B)/stubs.txt pci-core/gen-stubs.sh
	$(Q)pci-core/gen-stubs.sh $< > $@

$(B)/stubs.o: $(B)/stubs.c
	$(Q)$(CC) -O2 -g -ffreestanding -fno-builtin -w -c $< -o $@

$(B)/kernel-world.o: $(B)/kernel-pass1.o $(B)/stubs.o
	@echo "  LD      $@ (kernel symbols made local except sim_*)"
	$(Q)$(LD) -r --defsym=const_current_task=current_task --defsym=jiffies=jiffies_64 \
		-o $@.tmp $^
	$(Q)$(OBJCOPY) -w --keep-global-symbol='sim_*' $@.tmp $@ && rm -f $@.tmp
	@n=$$(wc -l < $(B)/stubs.txt); \
	echo "  STUBS   $$n kernel symbols abort if called ($(B)/stubs.txt)$$([ $$n = 0 ] || echo :)"; \
	tr '\n' ' ' < $(B)/stubs.txt | fmt -w 68 | sed 's/^/          /'

# A second kernel world for tests of upstream's own test code (lib/test_kho.c):
# the same objects and stubs plus $(KTOBJS), linked and localized the same
# way. Its name ends in kernel-world.o, so initcalls.ld gathers its text,
# data and bss as the kernel world's (reset at kexec, faults in it are
# kernel oopses). It may not need a symbol the world lacks: the stubs are
# the world's (stubs-check), so one more would be a silent stub.
KHO_TEST_WORLD := $(B)/kho-test/kernel-world.o
$(B)/kho-test/kernel-pass1.o: $(B)/kernel-pass1.o $(KTOBJS) $(B)/stubs.txt pci-core/host-symbols.txt
	@echo "  LD      $@ (+ $(KTFILES))"
	@mkdir -p $(@D)
	$(Q)$(LD) -r -o $@ $(B)/kernel-pass1.o $(KTOBJS)
	$(Q)extra=$$(nm -u $@ | awk '{print $$2}' | grep -Ev '$(INSTR_SYMS)' | sort -u | \
		grep -vxF -f <(sed -e 's/#.*//' -e '/^$$/d' pci-core/host-symbols.txt) | \
		comm -23 - $(B)/stubs.txt); \
	[ -z "$$extra" ] || { echo "$@: kernel symbols the kernel world lacks:" $$extra; \
		rm -f $@; exit 1; }

$(KHO_TEST_WORLD): $(B)/kho-test/kernel-pass1.o $(B)/stubs.o
	@echo "  LD      $@ (kernel symbols made local except sim_*)"
	$(Q)$(LD) -r --defsym=const_current_task=current_task --defsym=jiffies=jiffies_64 \
		-o $@.tmp $^
	$(Q)$(OBJCOPY) -w --keep-global-symbol='sim_*' $@.tmp $@ && rm -f $@.tmp

# ---- Host world ------------------------------------------------------------
$(B)/h/%.o: %.c | $(B)/.stamp-deps
	@echo "  CC      $<"
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(EXTRA_HCFLAGS) -MMD -MP -MF $(@:.o=.d) -c $< -o $@

# The built-in default topology travels inside the binary.
$(B)/h/default-topo.o: topo/examples/default.topo
	@mkdir -p $(@D)
	$(Q)$(LD) -r -b binary -o $@ $<

$(B)/pcisim: $(HOST_OBJS) $(B)/h/default-topo.o $(B)/kernel-world.o pci-core/initcalls.ld
	@echo "  LINK    $@"
	$(Q)$(CC) -no-pie -g -o $@ $(HOST_OBJS) $(B)/h/default-topo.o $(B)/kernel-world.o \
		-Wl,-T,pci-core/initcalls.ld -Wl,-z,noexecstack $(EXTRA_LDFLAGS) $(HOST_LIBS)

# ---- Run and check ---------------------------------------------------------
# make run: the full live update on the built-in default topology: an
# NVMe behind a switch, a NIC PF with its VFs enabled and one of its VFs
# preserved, one kexec, every invariant checked; the kernel log goes to
# build/run.log. TOPO=, PRESERVE=, KEXEC= and RUN_ARGS= change it.
TOPO     ?=
PRESERVE ?= 0000:03:00.0,0000:05:00.0,0000:05:10.0
KEXEC    ?= 1
RUN_ARGS ?= --enable-vfs
run: $(B)/pcisim
	$(B)/pcisim run $(TOPO) --preserve $(PRESERVE) --kexec $(KEXEC) $(RUN_ARGS) \
		--log $(B)/run.log

# A test links the kernel world; the test of upstream's KHO test links the
# second one above (TEST_WORLD).
TEST_WORLD = $(B)/kernel-world.o
$(B)/tests/test_upstream_kho: TEST_WORLD = $(KHO_TEST_WORLD)
$(B)/tests/test_upstream_kho: $(KHO_TEST_WORLD)
$(B)/tests/%: tests/%.c tests/simtest.c tests/simtest.h $(HOST_LIB_OBJS) $(B)/h/default-topo.o \
		$(B)/kernel-world.o pci-core/initcalls.ld
	@echo "  CC      $@"
	@mkdir -p $(@D)
	$(Q)$(CC) $(HOST_CFLAGS) $(EXTRA_HCFLAGS) -Itests -no-pie -o $@ $< tests/simtest.c $(TEST_EXTRA) $(HOST_LIB_OBJS) \
		$(B)/h/default-topo.o $(TEST_WORLD) -Wl,-T,pci-core/initcalls.ld -Wl,-z,noexecstack \
		$(EXTRA_LDFLAGS) $(HOST_LIBS) -lcmocka

# Upstream's LUO selftests (tools/testing/selftests/liveupdate/), compiled
# unmodified with the flags of their Makefile and selftests/lib.mk against
# the tree's uapi headers (make headers, as kselftest's KHDR_INCLUDES),
# then linked per test with ld -r --wrap=SYSCALL for the system calls they
# make (nm -u), which tests/luo_uapi.c takes to the kernel world; each
# main() renamed upstream_NAME_main, every other symbol made local (each
# test has lib/lu_utils.c of its own).
LUSELF       = $(KSRC)/tools/testing/selftests/liveupdate
LUSELF_TESTS := liveupdate luo_kexec_simple luo_multi_session luo_stress_files luo_stress_sessions
LUSELF_WRAP  := open close ioctl read write lseek memfd_create ftruncate mmap munmap \
		fork setsid sleep chdir exit getrlimit setrlimit
LUSELF_CFLAGS = -D_GNU_SOURCE= -I$(KSRC)/tools/testing/selftests -isystem $(ABS_B)/khdr/usr/include \
		-I$(LUSELF)/lib/include -Wall -O2 -Wno-unused-function -g
LUSELF_OBJS  := $(patsubst %,$(B)/luself/up_%.o,$(LUSELF_TESTS))

$(B)/khdr/.stamp: $(STAMP_EXTRACT)
	@echo "  HEADERS uapi headers for the selftests (make headers)"
	$(Q)$(MAKE) -s -C $(KSRC) O=$(ABS_B)/khdr ARCH=x86_64 headers >/dev/null
	$(Q)touch $@

# The tree's files do not change once extracted: no .d files needed.
$(B)/luself/src/%.o: $(STAMP_EXTRACT) $(B)/khdr/.stamp
	@echo "  CC      selftests/liveupdate/$*.c (upstream)"
	@mkdir -p $(@D)
	$(Q)$(CC) $(LUSELF_CFLAGS) $(EXTRA_HCFLAGS) -c $(LUSELF)/$*.c -o $@

$(B)/luself/up_%.o: $(B)/luself/src/%.o $(B)/luself/src/lib/lu_utils.o
	@echo "  LD      $@ (--wrap: $(LUSELF_WRAP))"
	$(Q)$(LD) -r $(addprefix --wrap=,$(LUSELF_WRAP)) -o $@.tmp $^
	$(Q)$(OBJCOPY) --redefine-sym main=upstream_$*_main $@.tmp
	$(Q)$(OBJCOPY) --keep-global-symbol=upstream_$*_main $@.tmp $@ && rm -f $@.tmp

# (and test_memfd, which preserves a memfd with LUO's ioctls)
$(B)/tests/test_memfd: TEST_EXTRA = -isystem $(ABS_B)/khdr/usr/include
$(B)/tests/test_memfd: $(B)/khdr/.stamp

.SECONDARY: $(patsubst %,$(B)/luself/src/%.o,$(LUSELF_TESTS) lib/lu_utils)

$(B)/tests/test_upstream_luo: TEST_EXTRA = tests/luo_uapi.c $(LUSELF_OBJS)
$(B)/tests/test_upstream_luo: tests/luo_uapi.c tests/luo_uapi.h $(LUSELF_OBJS)

# The checks below leave a stamp per input, so make check re-proves only
# what changed (a kernel file, the series, a source file) since last time.
# verify-kernel checks the files the compiler read (the objects' .d files:
# the tree's or the overlay's copy) against the tarball and lu/patches.
$(B)/.verified-kernel: $(KOBJS) $(KTOBJS) $(SHIM_OBJS) $(PATCHES) $(LU_TREE) tests/verify-kernel.sh \
		pci-core/pcisim.config
	$(Q)tests/verify-kernel.sh $(KTARBALL) $(KSRC) $(OVL) lu $(B) $(KFILES) $(LU_KFILES) $(KTFILES) \
		-- $(PATCHES) > $@.log || { cat $@.log; exit 1; }
	$(Q)tail -1 $@.log && touch $@

verify-kernel: $(B)/.verified-kernel
	$(Q)cat $(B)/.verified-kernel.log

stubs-check: $(B)/stubs.txt
	$(Q)diff -u pci-core/stubs.txt $(B)/stubs.txt || { \
		echo "The abort-on-call stub list changed: review build/stubs.txt and"; \
		echo "copy it to pci-core/stubs.txt if the change is intended."; exit 1; }

# Kernel-side code follows kernel coding style: shims standing in for
# kernel code, the kernel-world glue, lu/ and its simulated drivers. The
# patch series is checked as linux-pci would see it: from inside the tree,
# so checkpatch knows the documented parameters.
KSTYLE_SRCS := $(wildcard shim/*.c shim/*.h shim/include/sim/*.h pci-core/*.c) \
	       $(LU_TREE) $(SIMDRV_SRCS) $(wildcard lu/sim-drivers/*.h) \
	       $(wildcard oracle/lu/*.c oracle/lu/include/sim/*.h)
KSTYLE_OK   := $(B)/checkpatch/sources.ok $(B)/checkpatch/patches.ok

# One checkpatch.pl run over the files changed since the last clean run
# (all of them when the tree was extracted again): starting perl and
# reading its tables cost more than a file (60 runs took 21 s, two take 11).
checkpatch_changed = $(if $(filter $(STAMP_EXTRACT),$?),$(1),$(filter-out $(STAMP_EXTRACT),$?))
checkpatch_quiet = grep -v '^total: 0 errors, 0 warnings, 0 checks, [0-9]* lines checked$$' || true

$(B)/checkpatch/sources.ok: $(KSTYLE_SRCS) $(STAMP_EXTRACT)
	@mkdir -p $(@D)
	$(Q)out=$$($(KSRC)/scripts/checkpatch.pl --strict --no-tree -q --terse -f \
		$(call checkpatch_changed,$(KSTYLE_SRCS)) 2>&1); rc=$$?; \
		printf '%s\n' "$$out" | $(checkpatch_quiet); exit $$rc
	$(Q)touch $@

$(B)/checkpatch/patches.ok: $(PATCHES) $(STAMP_EXTRACT)
	@mkdir -p $(@D)
	$(Q)out=$$(cd $(KSRC) && scripts/checkpatch.pl --strict -q --terse \
		$(abspath $(call checkpatch_changed,$(PATCHES))) 2>&1); rc=$$?; \
		printf '%s\n' "$$out" | $(checkpatch_quiet); exit $$rc
	$(Q)touch $@

checkpatch: $(KSTYLE_OK)
	@echo "checkpatch --strict: clean ($(words $(KSTYLE_SRCS)) files, $(words $(PATCHES)) patches)"

# lu/ as kernel code: Kbuild, W=1, sparse (Debian's package).
kbuild-check: $(STAMP_OVERLAY)
	$(Q)command -v sparse >/dev/null || { echo "kbuild-check needs sparse: apt-get install sparse"; exit 1; }
	$(Q)pci-core/kbuild-check.sh $(KSRC) $(OVL) \
		$(abspath pci-core/pcisim.config) $(ABS_B)/kbuild-check

check: all
	$(Q)$(MAKE) -s stubs-check
	$(Q)tests/run-tests.sh $(TEST_BINS)

# Fuzzing, coverage and sanitizers (#6), benchmarks (#7): their own files.
-include fuzz/fuzz.mk
-include oracle/oracle.mk
-include oracle/lu/oracle-lu.mk
-include bench/bench.mk

clean:
	rm -rf $(B)/k $(B)/ks $(B)/h $(B)/tests $(B)/kho-test $(B)/luself $(B)/*.o $(B)/stubs.* $(B)/pcisim

distclean:
	rm -rf $(B)

-include $(shell find $(B)/k $(B)/ks $(B)/h -name '*.d' 2>/dev/null)
SHELL := /bin/bash
MAKEFLAGS += --no-builtin-rules
%.d: ;
