/* SPDX-License-Identifier: GPL-2.0 */
/* Host-world control of the kernel world's environment. */
#ifndef PCISIM_HOST_H
#define PCISIM_HOST_H

#include <stdio.h>

struct machine;

/* Exit status when the kernel world stops: BUG, panic, missing symbol. */
#define HOST_EXIT_KERNEL_STOPPED	3

void host_set_machine(struct machine *m);
void host_set_log(FILE *f, int max_level);
void host_install_traps(void);

#endif /* PCISIM_HOST_H */
