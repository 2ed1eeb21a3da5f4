// SPDX-License-Identifier: GPL-2.0
/*
 * The COVERAGE=1 build only (fuzz/variant.mk links it with --wrap): gcov
 * keeps its counters in memory until the process exits, and the kernel
 * world's counters sit in the kernel world's bss. So before a kexec
 * zeroes that bss, and before a forked test child leaves with _exit()
 * (which skips the exit handlers that write .gcda files), the counters
 * are merged into the .gcda files and zeroed.
 */
#include <unistd.h>

void __gcov_dump(void);
void __gcov_reset(void);
void __real_host_kworld_reset(void);
void __wrap_host_kworld_reset(void);
void __real__exit(int status) __attribute__((noreturn));
void __wrap__exit(int status) __attribute__((noreturn));

static void cov_flush(void)
{
	__gcov_dump();
	__gcov_reset();
}

void __wrap_host_kworld_reset(void)
{
	cov_flush();
	__real_host_kworld_reset();
}

void __wrap__exit(int status)
{
	cov_flush();
	__real__exit(status);
}
