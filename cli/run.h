/* SPDX-License-Identifier: GPL-2.0 */
/* pcisim run: the PCI live update scenario (run_pci.c). */
#ifndef PCISIM_RUN_H
#define PCISIM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* A device the run preserves. */
struct run_dev {
	unsigned int domain, bus, devfn;
	char bdf[16];
	char driver[32];	/* bound before kexec */
	uint64_t blackout_ns;	/* kexec start to driver bound again */
};

/* "0000:03:00.0,0000:05:00.0" -> array; -1 with a message if malformed. */
int run_parse_preserve(const char *list, struct run_dev **out, size_t *n);

/* User space: bind SR-IOV PFs to pcisim-pf and enable all their VFs. */
int run_enable_vfs(void);

/*
 * Devices named to preserve that cannot be (bridges, a BDF named twice, a
 * function the boot did not find), each reported on stderr: bad input,
 * found before anything is preserved, not as failed checks after a kexec.
 */
int run_check_preservable(const struct run_dev *pd, size_t np, bool vfs_enabled);

/* Preserve, kexec, retrieve, finish, check; returns failures. */
int run_pci_cycle(struct machine *m, const char *cmdline, bool enable_vfs,
		  bool vfs_by_user, struct run_dev *pd, size_t np,
		  int kexec_nr);

#endif /* PCISIM_RUN_H */
