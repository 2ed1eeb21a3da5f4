/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim run --state-dir DIR: at each step of the live update, the files
 * make oracle-lu captures of a real kernel doing the same steps
 * (oracle/lu/README.md), so that tests/test_oracle_lu.c compares them.
 *
 *   lspci-PHASE.dump       every function's config space (cli/dump.c)
 *   drivers-PHASE.txt      every function's driver ("BDF<tab>name", "-")
 *   lulist-KEY.txt         the PCI core's live-update device list
 *   kho-in-N.txt           the KHO FDT kernel N was handed, as text
 *
 * PHASE is boot, preservedN (devices preserved, before kexec N+1),
 * kexecN (kernel N enumerated, nothing retrieved) and finishedN; KEY is
 * outgoing-N, incoming-N or incoming-finishedN. A file that cannot be
 * written is named at once; the run goes on and exits 2 at the end unless
 * a check failed (state_dir_lost()).
 */
#ifndef PCISIM_CLI_STATE_DIR_H
#define PCISIM_CLI_STATE_DIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct machine;
struct sim_handover;

/* Use DIR (created if missing); 0, or -1 having said why. */
int state_dir_open(const char *dir);
/* Did a file of the directory fail to be written? */
bool state_dir_lost(void);
/* Nothing is written when no directory was opened. */
void state_dir_phase(struct machine *m, const char *phase, int n);
void state_dir_lulist(int which, const char *key, int n);
/* The handover of the next kexec (the first call: kexec 1, and so on). */
void state_dir_handover(struct machine *m, const struct sim_handover *kho);
/* The FDT text of kho-in-N.txt: what oracle/lu/fdt_text.py writes. */
int state_dir_fdt_text(FILE *out, const char *name, const unsigned char *b,
		       size_t len);

#endif
