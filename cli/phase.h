/* SPDX-License-Identifier: GPL-2.0 */
/* Phases of a run, timed for benchmarks and shown on a terminal (phase.c). */
#ifndef PCISIM_PHASE_H
#define PCISIM_PHASE_H

#include <stdbool.h>

struct machine;

/*
 * Start measuring (m may be NULL until the machine exists: called again
 * with it); hooks the kernel's probe phases. Without it every call here
 * does nothing.
 */
void phase_init(struct machine *m);
/* A kernel boots: "<prefix>enumerate" until the probe says otherwise. */
void phase_boot_begin(void);
/* Names of the phases inside a boot get this prefix ("kexec-"). */
void phase_boot_prefix(const char *prefix);
/* End the running phase (if any) and start name. */
void phase_begin(const char *name);
void phase_end(void);
/* End the running phase; write the table to path (NULL: nothing). */
int phase_write(const char *path, unsigned long long functions);
/* stderr is a terminal: long loops may show progress. */
bool phase_tty(void);
/* On a terminal: a progress line for the running phase (overwritten). */
void phase_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PCISIM_PHASE_H */
