/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the simulated drivers pcisim-vfio and pcisim-pf share, the way
 * vfio-pci and its variant drivers share vfio_pci_core: the state of a
 * bound device, its device file, and the LUO file handler that preserves
 * that file across a live update.
 */
#ifndef _PCISIM_CORE_H
#define _PCISIM_CORE_H

#include <linux/fs.h>
#include <linux/liveupdate.h>
#include <linux/pci.h>
#include <linux/types.h>

/**
 * struct pcisim_driver - a simulated driver with live-updatable devices
 * @pci:	the PCI driver; its name is what driver_override names
 * @handler:	LUO file handler for its device files, with the PCI FLB
 * @fops:	f_op of its device files, by which can_preserve() knows them
 * @tag:	short name for the callback log
 * @list:	on the list of simulated drivers
 */
struct pcisim_driver {
	struct pci_driver pci;
	struct liveupdate_file_handler handler;
	const struct file_operations *fops;
	const char *tag;
	struct list_head list;
};

/**
 * struct pcisim_dev - driver data of a bound device
 * @pdev:	the device
 * @drv:	the driver it is bound to
 * @file:	its device file, NULL until opened or retrieved
 * @enabled:	this driver called pci_enable_device()
 * @master:	Bus Master Enable is this driver's: set here, or adopted
 * @dma:	the device runs DMA: started here, or inherited
 * @dma_started: this kernel rang the doorbell (host_dma_start())
 * @preserved:	@file is preserved for the next kernel
 * @frozen:	preserved, and LUO froze it for the kexec
 * @incoming:	a driver preserved it for this kernel; not finished yet
 * @retrieved:	incoming, and its file was retrieved
 */
struct pcisim_dev {
	struct pci_dev *pdev;
	struct pcisim_driver *drv;
	struct file *file;
	bool enabled;
	bool master;
	bool dma;
	bool dma_started;
	bool preserved;
	bool frozen;
	bool incoming;
	bool retrieved;
};

int pcisim_driver_register(struct pcisim_driver *drv);

/* pci_driver callbacks, for both drivers. */
int pcisim_probe(struct pci_dev *pdev, const struct pci_device_id *id);
void pcisim_remove(struct pci_dev *pdev);
void pcisim_shutdown(struct pci_dev *pdev);

/* The driver data of pdev, if it is bound to a simulated driver. */
struct pcisim_dev *pcisim_dev_get(struct pci_dev *pdev);
struct pci_dev *pcisim_get_dev(unsigned int domain, unsigned int bus,
			       unsigned int devfn);

/*
 * May pdev not lose its driver now: its file is preserved, or was
 * retrieved and is not finished; for a PF, also a VF of it is, or is
 * handed over.
 */
bool pcisim_dev_busy(struct pci_dev *pdev);

/*
 * The device file of pdev (there is one per bound device), with a new
 * reference for the caller; its f_op->release must be pcisim_dev_release.
 */
struct file *pcisim_dev_open(struct pci_dev *pdev);
int pcisim_dev_release(struct inode *inode, struct file *file);

/*
 * /dev/pcisim's one ioctl: the file of the device @id (domain << 16 |
 * BDF) as a new fd in @fd, as vfio gives a VMM a device fd.
 */
struct pcisim_device_fd {
	__u32 size;
	__s32 fd;
	__u64 id;
};

#define PCISIM_IOCTL_DEVICE_FD	_IO('p', 0x00)

/* LUO token and serialized_data of a device: domain << 16 | BDF. */
static inline u64 pcisim_dev_id(struct pci_dev *pdev)
{
	return (u64)pci_domain_nr(pdev->bus) << 16 |
		PCI_DEVID(pdev->bus->number, pdev->devfn);
}

/* Bind pdev to the driver called name (NULL: unbind), as sysfs would. */
int pcisim_bind(struct pci_dev *pdev, const char *name);

/* Append "tag.op:BDF" to the callback log. */
void pcisim_log(struct pcisim_driver *drv, const char *op,
		struct pci_dev *pdev);
size_t pcisim_log_read(char *buf, size_t len);

#endif /* _PCISIM_CORE_H */
