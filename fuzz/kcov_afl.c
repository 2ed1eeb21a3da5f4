// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel-world edges for AFL++, the way kcov-based kernel fuzzers get them.
 *
 * Linux 7.x needs clang 17 or later (scripts/min-tool-version.sh), and
 * Debian 12's afl-clang-fast is clang 14, while its afl-gcc-fast plugin
 * does not load into Debian's gcc (fuzz/README.md). So in the AFL builds
 * the kernel world is compiled by gcc, configured by Kbuild as in the
 * normal build, with -fsanitize-coverage=trace-pc: every basic block
 * calls __sanitizer_cov_trace_pc(). Here each call is an edge (the hash
 * of this block's address with the previous one's, as AFL's classic
 * instrumentation does) counted in AFL++'s shared map, in slots of its
 * own: 65536 PCGUARD guards registered with AFL++'s runtime before it sets
 * the map up, so the map holds the host world's edges (afl-clang-fast's
 * PCGUARD) and, after them, the kernel world's. For AFL=cmplog, gcc's
 * -fsanitize-coverage=trace-cmp calls land in the runtime's
 * __sanitizer_cov_trace_cmp*(), which feed CMPLOG.
 */
#include <stdint.h>

#define KCOV_AFL_EDGES	65536

extern uint8_t *__afl_area_ptr;
void __sanitizer_cov_trace_pc_guard_init(uint32_t *start, uint32_t *stop);
void __sanitizer_cov_trace_pc(void);

static uint32_t kcov_guards[KCOV_AFL_EDGES];
static __thread uint32_t kcov_prev;

/*
 * Before AFL++'s runtime sizes the map and starts the fork server (a
 * priority of the implementation's range, as the runtime's own).
 */
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wprio-ctor-dtor"
#endif
__attribute__((constructor(1))) static void kcov_afl_init(void)
{
	__sanitizer_cov_trace_pc_guard_init(kcov_guards,
					    kcov_guards + KCOV_AFL_EDGES);
}

void __sanitizer_cov_trace_pc(void)
{
	uint64_t pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	uint32_t cur = (uint32_t)((pc ^ (pc >> 21)) * 0x9e3779b97f4a7c15ULL >> 32);

	__afl_area_ptr[kcov_guards[(cur ^ kcov_prev) % KCOV_AFL_EDGES]]++;
	kcov_prev = cur >> 1;
}
