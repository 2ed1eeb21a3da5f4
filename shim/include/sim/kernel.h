/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel-world shims share among themselves (never the host).
 */
#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

#include <linux/init.h>
#include <linux/types.h>

/* Initcall levels, as include/asm-generic/vmlinux.lds.h lays them out. */
extern initcall_entry_t __initcall_start[];
extern initcall_entry_t __initcall0_start[], __initcall1_start[];
extern initcall_entry_t __initcall2_start[], __initcall3_start[];
extern initcall_entry_t __initcall4_start[], __initcall5_start[];
extern initcall_entry_t __initcall6_start[], __initcall7_start[];
extern initcall_entry_t __initcall_end[];

/* Run queued work and RCU callbacks until none is left (workqueue.c). */
void sim_run_deferred(void);

/* Emit a pending log line that did not end in a newline (printk.c). */
void sim_printk_flush(void);

/* The virtual clock (time.c). */
u64 sim_clock_now_ns(void);

/* Stop the run with a formatted reason (bug.c). */
__printf(1, 2) __noreturn void sim_abortf(const char *fmt, ...);

#endif /* SIM_KERNEL_H */
