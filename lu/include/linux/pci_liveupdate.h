/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI Live Update: keeping PCI devices running across a kexec.
 *
 * A driver that hands a device over to the next kernel (vfio-pci, an
 * SR-IOV PF driver) attaches the PCI core's FLB to its LUO file handler
 * with pci_liveupdate_register_flb(), calls pci_liveupdate_preserve() from
 * its handler's .preserve() and pci_liveupdate_finish() from .finish()
 * in the next kernel. The PCI core then keeps the device's BDF, bus
 * numbers, Bus Master Enable, BARs, bridge windows, ACS and ARI settings
 * and SR-IOV state, and every bridge above it, through the kexec.
 *
 * Mirrors the upstream API (David Matlack's series, v9); VFs, BARs and
 * windows, and the no-auto-probe rule are this project's additions (the
 * LPC 2025 "PCI Subsystem Live-Update" points upstream has not done).
 */
#ifndef _LINUX_PCI_LIVEUPDATE_H
#define _LINUX_PCI_LIVEUPDATE_H

#include <linux/errno.h>
#include <linux/types.h>

struct pci_dev;
struct pci_bus;
struct pci_dev_ser;
struct liveupdate_file_handler;

/* Per-device state, embedded in struct pci_dev as "liveupdate". */
struct pci_liveupdate {
	struct pci_dev_ser *outgoing;	/* entry in the outgoing pci_ser */
	struct pci_dev_ser *incoming;	/* entry handed over to us */
	u16 acs_ctrl;			/* ACS Control the last kernel left */
	bool was_incoming;		/* incoming at enumeration, ever */
	bool refused;			/* listed, but refused: kept as is */
	bool vfs_from_hw;		/* its VFs are adopted as the hardware has them */
	bool frozen;			/* shut down for kexec */
};

/* How VFs of a preserved PF come back after kexec (pci=lu_vfs=). */
enum pci_liveupdate_vf_policy {
	PCI_LU_VFS_CORE,	/* the PCI core recreates them at enumeration */
	PCI_LU_VFS_USER,	/* when user space enables SR-IOV again */
};

/**
 * struct pci_liveupdate_entry - a device of the live-update device list
 * @dev: the device; NULL for an incoming entry no device claimed
 * @dep: what @dev directly depends on: a VF's PF, else the bridge above
 *	(NULL on a root bus); listed before @dev
 * @ser: its state as handed over (refcount: preserved devices at or below
 *	it; flags: PCI_DEV_SER_* of <linux/kho/abi/pci.h>)
 */
struct pci_liveupdate_entry {
	struct pci_dev *dev;
	struct pci_dev *dep;
	const struct pci_dev_ser *ser;
};

typedef int (*pci_liveupdate_list_fn)(const struct pci_liveupdate_entry *e,
				      void *arg);

#ifdef CONFIG_PCI_LIVEUPDATE
int pci_liveupdate_register_flb(struct liveupdate_file_handler *fh);
void pci_liveupdate_unregister_flb(struct liveupdate_file_handler *fh);

int pci_liveupdate_preserve(struct pci_dev *dev);
void pci_liveupdate_unpreserve(struct pci_dev *dev);
void pci_liveupdate_finish(struct pci_dev *dev);
bool pci_liveupdate_is_incoming(struct pci_dev *dev);
bool pci_liveupdate_was_preserved(struct pci_dev *dev);
int pci_liveupdate_walk_list(bool outgoing, pci_liveupdate_list_fn fn,
			     void *arg);
void pci_liveupdate_print_list(bool outgoing);
#else
static inline int
pci_liveupdate_register_flb(struct liveupdate_file_handler *fh)
{
	return -EOPNOTSUPP;
}

static inline void
pci_liveupdate_unregister_flb(struct liveupdate_file_handler *fh)
{
}

static inline int pci_liveupdate_preserve(struct pci_dev *dev)
{
	return -EOPNOTSUPP;
}

static inline void pci_liveupdate_unpreserve(struct pci_dev *dev)
{
}

static inline void pci_liveupdate_finish(struct pci_dev *dev)
{
}

static inline bool pci_liveupdate_is_incoming(struct pci_dev *dev)
{
	return false;
}

static inline bool pci_liveupdate_was_preserved(struct pci_dev *dev)
{
	return false;
}

static inline int pci_liveupdate_walk_list(bool outgoing,
					   pci_liveupdate_list_fn fn,
					   void *arg)
{
	return 0;
}

static inline void pci_liveupdate_print_list(bool outgoing)
{
}
#endif /* CONFIG_PCI_LIVEUPDATE */

#endif /* _LINUX_PCI_LIVEUPDATE_H */
