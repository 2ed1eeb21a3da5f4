/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI Live Update: the hooks the PCI core calls (drivers/pci internal).
 */
#ifndef DRIVERS_PCI_LIVEUPDATE_H
#define DRIVERS_PCI_LIVEUPDATE_H

#include <linux/pci.h>

#ifdef CONFIG_PCI_LIVEUPDATE
/* probe.c pci_setup_device(): is this device one the last kernel kept? */
void pci_liveupdate_setup_device(struct pci_dev *dev);
/* remove.c: a device goes away */
void pci_liveupdate_cleanup_device(struct pci_dev *dev);

/*
 * probe.c pci_scan_bridge_extend(): keep the bus numbers the hardware has
 * (the last kernel preserved something). Returns true to inherit; sets
 * *refuse when this bridge was preserved but lost its bus numbers, in
 * which case nothing below it may be numbered or enumerated and
 * *max_bus is the last bus number it had, which stays taken.
 */
bool pci_liveupdate_inherit_bus_numbers(struct pci_bus *bus,
					struct pci_dev *dev, bool broken,
					bool *refuse, int *max_bus);

/*
 * probe.c pci_read_bases(), iov.c sriov_init(): BARs from the handover,
 * not sized; called before the sizing, which writes all ones to them
 */
bool pci_liveupdate_read_bases(struct pci_dev *dev, unsigned int howmany,
			       int rom);
bool pci_liveupdate_read_iov_bases(struct pci_dev *dev, u16 total);

/* probe.c pci_host_probe(): claim what preserved devices decode, first. */
void pci_liveupdate_claim_resources(struct pci_bus *bus);

/* probe.c pci_host_probe(): scanned; report preserved devices not found */
void pci_liveupdate_scan_done(struct pci_bus *bus);

/* bus.c pci_bus_add_device(): a device is visible; VFs may come back. */
void pci_liveupdate_add_device(struct pci_dev *dev);

/* pci-driver.c pci_device_can_probe(): only through driver_override? */
bool pci_liveupdate_probe_needs_override(struct pci_dev *dev);

/* pci-driver.c pci_device_shutdown() */
void pci_liveupdate_freeze(struct pci_dev *dev);
bool pci_liveupdate_is_outgoing(struct pci_dev *dev);

/* pci.c: ACS Control and ARI Forwarding Enable left as they were */
int pci_liveupdate_enable_adopted_acs_controls(struct pci_dev *dev);
int pci_liveupdate_adopt_ari(struct pci_dev *dev);

/* iov.c: keep a preserved PF's VFs enabled through enumeration */
bool pci_liveupdate_sriov_adopt(struct pci_dev *dev, u16 *num_vfs);
bool pci_liveupdate_vfs_by_core(void);
void pci_liveupdate_set_vf_policy(const char *str);
void pci_liveupdate_set_fault(const char *str);

#else
static inline void pci_liveupdate_setup_device(struct pci_dev *dev) {}
static inline void pci_liveupdate_cleanup_device(struct pci_dev *dev) {}

static inline bool
pci_liveupdate_inherit_bus_numbers(struct pci_bus *bus, struct pci_dev *dev,
				   bool broken, bool *refuse, int *max_bus)
{
	return false;
}

static inline bool pci_liveupdate_read_bases(struct pci_dev *dev,
					     unsigned int howmany, int rom)
{
	return false;
}

static inline bool pci_liveupdate_read_iov_bases(struct pci_dev *dev,
						 u16 total)
{
	return false;
}

static inline void pci_liveupdate_claim_resources(struct pci_bus *bus) {}
static inline void pci_liveupdate_scan_done(struct pci_bus *bus) {}
static inline void pci_liveupdate_add_device(struct pci_dev *dev) {}

static inline bool pci_liveupdate_probe_needs_override(struct pci_dev *dev)
{
	return false;
}

static inline void pci_liveupdate_freeze(struct pci_dev *dev) {}

static inline bool pci_liveupdate_is_outgoing(struct pci_dev *dev)
{
	return false;
}

static inline int pci_liveupdate_enable_adopted_acs_controls(struct pci_dev *dev)
{
	return -EINVAL;
}

static inline int pci_liveupdate_adopt_ari(struct pci_dev *dev)
{
	return -EINVAL;
}

static inline bool pci_liveupdate_sriov_adopt(struct pci_dev *dev,
					      u16 *num_vfs)
{
	return false;
}

static inline bool pci_liveupdate_vfs_by_core(void)
{
	return false;
}

static inline void pci_liveupdate_set_vf_policy(const char *str) {}
static inline void pci_liveupdate_set_fault(const char *str) {}
#endif /* CONFIG_PCI_LIVEUPDATE */

#endif /* DRIVERS_PCI_LIVEUPDATE_H */
