# Variant builds of pcisim (#6): the whole thing instrumented, each in a
# build directory of its own so that it never mixes with build/:
#
#   SANITIZE=1   ASan + UBSan, host and kernel world       build-san/
#   COVERAGE=1   gcov, host and kernel world                build-cov/
#   AFL=1        AFL++ edge coverage (afl-clang-fast)       build-afl/
#   AFL=cmplog   the same with CMPLOG instrumentation       build-afl-cmplog/
#
# e.g. "make check SANITIZE=1". Included by the Makefile right after its
# first variables, so B, KSRC, KOBJ and CC set here win. B= on the command
# line still picks another directory.
#
# A variant reuses the kernel tree build/ extracted (when there is one)
# and configures it in its own $(B)/kbuild.

VARIANT := $(strip $(if $(filter 1,$(SANITIZE)),san) \
		   $(if $(filter 1,$(COVERAGE)),cov) \
		   $(if $(filter 1,$(AFL)),afl) \
		   $(if $(filter cmplog,$(AFL)),afl-cmplog))

ifneq ($(VARIANT),)
ifneq ($(words $(VARIANT)),1)
$(error SANITIZE=1, COVERAGE=1 and AFL=1|cmplog are separate builds: pick one)
endif
ifneq ($(origin B),command line)
B := build-$(VARIANT)
endif
ABS_B := $(abspath $(B))
KOBJ  := $(ABS_B)/kbuild
ifeq ($(origin KSRC),file)
KSRC := $(if $(wildcard build/.stamp-extract),$(abspath build),$(ABS_B))/linux-source-$(KVER)
endif
# The tests that run the pcisim command run this build's.
override EXTRA_HCFLAGS += '-DPCISIM="$(B)/pcisim"'
endif

# ASan and UBSan in both worlds. The kernel world allocates from the
# machine's RAM with its own allocators, which ASan does not know: it
# checks the kernel world's globals and stacks, not its heap (README).
# UBSan: what the kernel's own CONFIG_UBSAN checks, plus alignment (both
# worlds run on x86, where it is a portability finding only: off) and
# pointer overflow; every report aborts.
ifeq ($(VARIANT),san)
SAN_UB_KERNEL := bounds,shift,integer-divide-by-zero,unreachable,vla-bound,bool,enum,null,return,object-size,nonnull-attribute,returns-nonnull-attribute,builtin,pointer-overflow
override EXTRA_KCFLAGS += -fsanitize=address -fsanitize=$(SAN_UB_KERNEL) \
			  -fno-sanitize-recover=all
override EXTRA_HCFLAGS += -fsanitize=address,undefined -fno-sanitize=alignment \
			  -fno-sanitize-recover=all -fno-omit-frame-pointer
override EXTRA_LDFLAGS += -fsanitize=address,undefined -fno-sanitize=alignment
endif

# gcov. Counters of kernel-world code live in the kernel world's bss,
# which a kexec zeroes: fuzz/cov_hooks.c writes them out first (wrapping
# host_kworld_reset()), and also before the _exit() of forked test
# children.
ifeq ($(VARIANT),cov)
override EXTRA_KCFLAGS += --coverage
override EXTRA_HCFLAGS += --coverage
override EXTRA_LDFLAGS += --coverage -Wl,--wrap=host_kworld_reset -Wl,--wrap=_exit \
			  $(B)/h/fuzz/cov_hooks.o
endif

# AFL++: the host world by afl-clang-fast (LLVM mode, PCGUARD edges); the
# kernel world by gcc, as Kbuild configures it (7.x needs clang 17, Debian
# 12 has 14), with kcov's instrumentation, -fsanitize-coverage=trace-pc,
# whose calls fuzz/kcov_afl.c counts as edges in AFL++'s map; for CMPLOG
# also trace-cmp, which AFL++'s runtime feeds to CMPLOG. What clang warns
# about that gcc did not is no error here.
ifneq ($(filter afl afl-cmplog,$(VARIANT)),)
CC := afl-clang-fast
KCC := gcc
override EXTRA_KCFLAGS += -fsanitize-coverage=trace-pc$(if $(filter afl-cmplog,$(VARIANT)),$(comma)trace-cmp)
override EXTRA_HCFLAGS += -Wno-error
override EXTRA_LDFLAGS += $(B)/h/fuzz/kcov_afl.o
ifeq ($(VARIANT),afl-cmplog)
export AFL_LLVM_CMPLOG := 1
endif
export AFL_QUIET := 1
endif
