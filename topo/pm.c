// SPDX-License-Identifier: GPL-2.0
/*
 * Device power states (PCI Bus Power Management Interface r1.2; PCIe r6.0
 * 5.3.1 and 7.5.2): which D-state a function is in, and what a write of
 * PMCSR's PowerState field does beyond storing bits.
 *
 * The state is the PowerState field itself (caps.c makes it writable);
 * nothing else is kept, so every reset, which restores the power-on image,
 * is also a return to D0. After a write of PMCSR:
 *
 *  - A state the capability does not advertise (D1 or D2 without its
 *    support bit in PMC) is discarded and the field keeps its old value:
 *    "the write operation must complete normally on the bus; however, the
 *    data is discarded and no state change occurs" (PCI PM r1.2, PMCSR).
 *  - D3hot -> D0 with No_Soft_Reset 0 is an internal reset: the
 *    configuration context is lost, the function is back at its power-on
 *    state except for sticky bits, as after FLR (PCIe r6.0 7.5.2.2). With
 *    No_Soft_Reset 1 it keeps its state. D1 and D2 always keep it.
 *
 * What a state changes elsewhere: in D1, D2 and D3hot a function answers
 * config cycles addressed to it but decodes no memory or I/O and cannot
 * master the bus (PCIe r6.0 5.3.1; dma.c checks its engines against
 * that); a bridge not in D0 forwards no type-1 config cycle and no request
 * in either direction (PCIe r6.0 5.3.1: a virtual bridge in a non-D0
 * state terminates type-1 configuration and downstream memory and I/O
 * requests, like a conventional bridge whose secondary bus is in B2/B3).
 * D3cold is power removed: not a state this register can reach.
 */
#include <linux/pci_regs.h>

#include "mfunc.h"

/* The capability must fit below the end of conventional config space. */
#define PM_CAP_LAST	(PCI_CFG_SIZE - PCI_PM_SIZEOF)

uint8_t pm_cap(const struct mfunc *f)
{
	uint8_t pos;

	if (!(cfg_byte(f, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg_byte(f, PCI_CAPABILITY_LIST) & ~3;
	/* 48 capabilities fill the space: a longer list loops (raw=). */
	for (int n = 0; pos >= PCI_STD_HEADER_SIZEOF && pos <= PM_CAP_LAST &&
	     n < 48; n++) {
		if (cfg_byte(f, pos) == PCI_CAP_ID_PM)
			return pos;
		pos = cfg_byte(f, pos + PCI_CAP_LIST_NEXT) & ~3;
	}
	return 0;
}

unsigned int pm_state(const struct mfunc *f)
{
	uint8_t pos = pm_cap(f);

	return pos ? cfg_get(f, pos + PCI_PM_CTRL, 2) & PCI_PM_CTRL_STATE_MASK :
		     PM_D0;
}

const char *pm_state_name(unsigned int state)
{
	static const char *const names[] = { "D0", "D1", "D2", "D3hot" };

	return names[state & PCI_PM_CTRL_STATE_MASK];
}

uint8_t pm_csr_written(const struct mfunc *f, uint16_t where, int size)
{
	uint8_t pos;

	/* Most writes are to the header or extended space: no list walk. */
	if (where >= PCI_CFG_SIZE || where + size <= PCI_STD_HEADER_SIZEOF)
		return 0;
	pos = pm_cap(f);
	if (pos && where < pos + PCI_PM_CTRL + 2 &&
	    where + size > pos + PCI_PM_CTRL)
		return pos;
	return 0;
}

/* D3hot -> D0 without No_Soft_Reset: context lost, sticky bits kept. */
static void soft_reset(struct mfunc *f)
{
	dma_reset(f, "soft reset: D3hot to D0 without No_Soft_Reset", NULL);
	if (f->iov)
		dma_reset_vfs(f, "VF gone: soft reset of PF (D3hot to D0)", f);
	/* The same internal reset FLR does (mfunc_flr() names no cause
	 * once the engines are gone). */
	mfunc_flr(f);
}

void pm_written(struct mfunc *f, uint8_t pos, uint16_t old_csr)
{
	uint16_t pmc = cfg_get(f, pos + PCI_PM_PMC, 2);
	uint16_t csr = cfg_get(f, pos + PCI_PM_CTRL, 2);
	unsigned int from = old_csr & PCI_PM_CTRL_STATE_MASK;
	unsigned int to = csr & PCI_PM_CTRL_STATE_MASK;

	if ((to == PM_D1 && !(pmc & PCI_PM_CAP_D1)) ||
	    (to == PM_D2 && !(pmc & PCI_PM_CAP_D2))) {
		cfg_set(f, pos + PCI_PM_CTRL, 2,
			(csr & ~PCI_PM_CTRL_STATE_MASK) | from);
		to = from;
	}
	if (from == to)
		return;
	if (from == PM_D3HOT && to == PM_D0 &&
	    !(csr & PCI_PM_CTRL_NO_SOFT_RESET)) {
		soft_reset(f);
		return;
	}
	/* A bridge entering or leaving D0 stops or resumes forwarding. */
	if (f->sec && (from == PM_D0 || to == PM_D0))
		machine_route_changed();
	dma_check_under(f, f);
}
