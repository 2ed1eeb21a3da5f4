/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI Live Update ABI: what the PCI core hands the next kernel.
 *
 * The PCI FLB's handle is the physical address of one struct pci_ser.
 * Its devices are struct pci_dev_ser entries in a KHO block set
 * (<linux/kho/abi/block.h>), one per preserved device and per bridge
 * above one. "version" is the first field and never moves or changes
 * size; any other change to anything in this file bumps
 * PCI_LUO_FLB_VERSION, and a kernel refuses a version it does not know.
 *
 * Version history (this project's; upstream's "pci" FLB is version 2 with
 * domain, bdf and refcount only):
 *   3: adds device IDs (to refuse a replaced device), the bus numbers of
 *      bridges, BARs and bridge windows, SR-IOV state and flags.
 */
#ifndef _LINUX_KHO_ABI_PCI_H
#define _LINUX_KHO_ABI_PCI_H

#include <linux/types.h>

#define PCI_LUO_FLB_COMPATIBLE	"pci"
#define PCI_LUO_FLB_VERSION	3

#define PCI_DEV_SER_NR_RES	17	/* PCI_NUM_RESOURCES with SR-IOV */

/* pci_dev_ser.flags */
#define PCI_DEV_SER_PRESERVED	BIT(0)	/* a driver preserved it */
#define PCI_DEV_SER_BRIDGE	BIT(1)	/* bus numbers are valid */
#define PCI_DEV_SER_SRIOV	BIT(2)	/* sriov_* are valid */
#define PCI_DEV_SER_ARI		BIT(3)	/* ARI Forwarding Enable was set */

struct pci_res_ser {
	u64 start;
	u64 end;
	u64 flags;
} __packed;

struct pci_dev_ser {
	u32 domain;
	u16 bdf;
	u16 refcount;		/* preserved devices at or below; 0 = free */
	u16 vendor;
	u16 device;
	u32 flags;		/* PCI_DEV_SER_* */
	u8 primary;		/* bridges: bus numbers */
	u8 secondary;
	u8 subordinate;
	u8 reserved;
	u16 acs_ctrl;
	u16 sriov_num_vfs;	/* PFs: VFs enabled */
	u16 sriov_ctrl;		/* PFs: SR-IOV Control */
	u16 reserved2[3];
	struct pci_res_ser res[PCI_DEV_SER_NR_RES];
} __packed;

struct pci_ser {
	u32 version;
	u32 nr_devices;
	u64 devices;		/* PA of the first block of pci_dev_ser */
} __packed;

#endif /* _LINUX_KHO_ABI_PCI_H */
