// SPDX-License-Identifier: GPL-2.0
/*
 * Type-1 (PCI-to-PCI bridge) header: bus-number registers, the I/O, memory
 * and prefetchable windows, Bridge Control; which bus numbers a bridge
 * forwards; and the secondary bus reset it can drive.
 *
 * Window registers reset to 0 as on real bridges and QEMU (so a fresh
 * bridge decodes base 0 <= limit 0); the low nibble of the I/O and
 * prefetchable base/limit is read-only and says 16/32-bit or 32/64-bit,
 * which is what the kernel's pci_read_bridge_windows() probes.
 */
#include <linux/pci_regs.h>

#include "mfunc.h"

#define SEC_STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			 PCI_STATUS_REC_TARGET_ABORT | \
			 PCI_STATUS_REC_MASTER_ABORT | \
			 PCI_STATUS_SIG_SYSTEM_ERROR | \
			 PCI_STATUS_DETECTED_PARITY)
/* Master Abort Mode is PCI-only; hardwired 0 on PCIe (r6.0 7.5.1.3.13). */
#define BCTL_PCIE	(PCI_BRIDGE_CTL_PARITY | PCI_BRIDGE_CTL_SERR | \
			 PCI_BRIDGE_CTL_ISA | PCI_BRIDGE_CTL_VGA | \
			 PCI_BRIDGE_CTL_VGA_16BIT | PCI_BRIDGE_CTL_BUS_RESET)
#define BCTL_PCI	(BCTL_PCIE | PCI_BRIDGE_CTL_MASTER_ABORT)

/*
 * Type 2 (CardBus bridge) header, PCI r2.2's PC Card chapter as
 * include/uapi/linux/pci_regs.h lays it out: the socket registers' BAR at
 * 0x10 (bar0), bus numbers and CardBus latency at 0x18-0x1b, two memory
 * windows (4K granular) and two I/O windows (4-byte granular, 32-bit
 * decode) at 0x1c-0x3b, Bridge Control at 0x3e, subsystem IDs at 0x40 and
 * the 16-bit legacy mode base at 0x44. Nothing answers behind it: a card
 * is enumerated by pcmcia's yenta driver, not by the PCI core, and this
 * kernel world has neither (CONFIG_CARDBUS is off, so the kernel neither
 * numbers its bus nor sizes its windows).
 */
#define CB_BCTL		(PCI_CB_BRIDGE_CTL_PARITY | PCI_CB_BRIDGE_CTL_SERR | \
			 PCI_CB_BRIDGE_CTL_ISA | PCI_CB_BRIDGE_CTL_VGA | \
			 PCI_CB_BRIDGE_CTL_MASTER_ABORT | \
			 PCI_CB_BRIDGE_CTL_CB_RESET | \
			 PCI_CB_BRIDGE_CTL_16BIT_INT | \
			 PCI_CB_BRIDGE_CTL_PREFETCH_MEM0 | \
			 PCI_CB_BRIDGE_CTL_PREFETCH_MEM1 | \
			 PCI_CB_BRIDGE_CTL_POST_WRITES)

void cardbus_init(struct mfunc *f, const struct mfunc_desc *d)
{
	cfg_init(f, PCI_CB_SEC_STATUS, 2, 0, 0, SEC_STATUS_W1C);
	cfg_init(f, PCI_CB_PRIMARY_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_CB_CARD_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_CB_SUBORDINATE_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_CB_LATENCY_TIMER, 1, 0, 0xff, 0);
	for (int w = 0; w < 2; w++) {
		cfg_init(f, PCI_CB_MEMORY_BASE_0 + 8 * w, 4, 0, 0xfffff000, 0);
		cfg_init(f, PCI_CB_MEMORY_LIMIT_0 + 8 * w, 4, 0, 0xfffff000, 0);
		cfg_init(f, PCI_CB_IO_BASE_0 + 8 * w, 4, 1, 0xfffffffc, 0);
		cfg_init(f, PCI_CB_IO_LIMIT_0 + 8 * w, 4, 1, 0xfffffffc, 0);
	}
	/* bit 0 of each I/O register: 32-bit decode, read-only */
	cfg_init(f, PCI_CB_BRIDGE_CONTROL, 2,
		 PCI_CB_BRIDGE_CTL_CB_RESET | PCI_CB_BRIDGE_CTL_16BIT_INT,
		 CB_BCTL, 0);
	cfg_init(f, PCI_CB_SUBSYSTEM_VENDOR_ID, 2, d->subsys_vendor, 0, 0);
	cfg_init(f, PCI_CB_SUBSYSTEM_ID, 2, d->subsys_device, 0, 0);
	cfg_init(f, PCI_CB_LEGACY_MODE_BASE, 4, 0, 0xfffffffe, 0);
}

void bridge_init(struct mfunc *f, const struct mfunc_desc *d)
{
	bool pci = d->kind == MF_PCI_BRIDGE;

	cfg_init(f, PCI_PRIMARY_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_SECONDARY_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_SUBORDINATE_BUS, 1, 0, 0xff, 0);
	cfg_init(f, PCI_SEC_LATENCY_TIMER, 1, 0, pci ? 0xff : 0, 0);

	if (d->io_window) {
		uint8_t type = d->io32 ? PCI_IO_RANGE_TYPE_32 :
					 PCI_IO_RANGE_TYPE_16;

		cfg_init(f, PCI_IO_BASE, 1, type, 0xf0, 0);
		cfg_init(f, PCI_IO_LIMIT, 1, type, 0xf0, 0);
		if (d->io32) {
			cfg_init(f, PCI_IO_BASE_UPPER16, 2, 0, 0xffff, 0);
			cfg_init(f, PCI_IO_LIMIT_UPPER16, 2, 0, 0xffff, 0);
		}
	}
	cfg_init(f, PCI_SEC_STATUS, 2, 0, 0, SEC_STATUS_W1C);

	cfg_init(f, PCI_MEMORY_BASE, 2, 0, 0xfff0, 0);
	cfg_init(f, PCI_MEMORY_LIMIT, 2, 0, 0xfff0, 0);

	if (d->pref_window) {
		uint16_t type = d->pref64 ? PCI_PREF_RANGE_TYPE_64 :
					    PCI_PREF_RANGE_TYPE_32;

		cfg_init(f, PCI_PREF_MEMORY_BASE, 2, type, 0xfff0, 0);
		cfg_init(f, PCI_PREF_MEMORY_LIMIT, 2, type, 0xfff0, 0);
		if (d->pref64) {
			cfg_init(f, PCI_PREF_BASE_UPPER32, 4, 0, 0xffffffff, 0);
			cfg_init(f, PCI_PREF_LIMIT_UPPER32, 4, 0, 0xffffffff, 0);
		}
	}
	cfg_init(f, PCI_BRIDGE_CONTROL, 2, 0, pci ? BCTL_PCI : BCTL_PCIE, 0);
}

uint8_t bridge_secondary(const struct mfunc *b)
{
	return cfg_byte(b, PCI_SECONDARY_BUS);
}

/*
 * Bus numbers secondary..subordinate as currently programmed. Secondary 0
 * is the reset value: such a bridge has not been configured and has no
 * range, as an empty range has none.
 */
bool bridge_range_has(const struct mfunc *b, uint8_t bus)
{
	uint8_t sec = cfg_byte(b, PCI_SECONDARY_BUS);
	uint8_t sub = cfg_byte(b, PCI_SUBORDINATE_BUS);

	return sec && sec <= sub && bus >= sec && bus <= sub;
}

/*
 * A bridge claims a type-1 cycle for a bus in its range, in D0 only: in
 * D1-D3hot it terminates type-1 configuration requests (PCIe r6.0 5.3.1).
 * The power state is looked at only once the range matched, so routing
 * past a bus full of bridges costs no capability walk per bridge.
 */
bool bridge_forwards(const struct mfunc *b, uint8_t bus)
{
	return bridge_range_has(b, bus) && pm_state(b) == PM_D0;
}

/* Secondary Bus Reset: a hot reset of everything below, on its 0->1 edge. */
void bridge_written(struct mfunc *b, uint16_t old_bctl)
{
	uint16_t bctl = cfg_get(b, PCI_BRIDGE_CONTROL, 2);

	if (!(old_bctl & PCI_BRIDGE_CTL_BUS_RESET) &&
	    (bctl & PCI_BRIDGE_CTL_BUS_RESET)) {
		dma_reset_bus(b->sec, "secondary bus reset by bridge", b);
		mbus_reset(b->sec, false);
	}
}

/*
 * Every function on bus, and recursively below its bridges, to power-on
 * state. A hot reset keeps sticky bits; a cold one does not.
 */
void mbus_reset(struct mbus *bus, bool cold)
{
	for (int devfn = 0; devfn < MBUS_DEVFNS; devfn++) {
		struct mfunc *f = bus->fn[devfn];

		if (!f)
			continue;
		mfunc_power_on(f, cold);
		if (f->sec)
			mbus_reset(f->sec, cold);
	}
}
