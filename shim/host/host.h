/* SPDX-License-Identifier: GPL-2.0 */
/* Host-world control of the kernel world's environment. */
#ifndef PCISIM_HOST_H
#define PCISIM_HOST_H

#include <stddef.h>
#include <stdio.h>

struct machine;

/* Exit status when the kernel world stops: BUG, panic, missing symbol. */
#define HOST_EXIT_KERNEL_STOPPED	3

void host_set_machine(struct machine *m);
void host_set_log(FILE *f, int max_level);
void host_install_traps(void);

/*
 * Benchmarks and progress: called with SIM_PHASE_* as the kernel's
 * pci_host_probe() moves on, and every 2^20 config cycles.
 */
void host_set_phase_hook(void (*fn)(unsigned int phase));
void host_set_progress_hook(void (*fn)(void));

/*
 * The soft-lockup watchdog, as the kernel's own detector would report a
 * CPU stuck in a loop: from now on the kernel world may issue that many
 * config cycles (checked every 2^20); past them it is stopped (exit 3,
 * "soft lockup"). 0 turns it off; host_set_machine() does too.
 */
void host_watchdog_arm(unsigned long long cycles);

/*
 * At kexec, after RAM was poisoned: write the kexec_file segments the
 * outgoing kernel added to RAM (-1 if one did not fit), and empty the
 * vmalloc range.
 */
int host_kexec_load_segments(void);
void host_vmalloc_reset(void);

/* The kernel world's image (kworld.c). */
int host_kworld_snapshot(void);
void host_kworld_reset(void);
size_t host_kworld_image_size(void);

#endif /* PCISIM_HOST_H */
