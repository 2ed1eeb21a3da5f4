// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim-vfio: a stand-in for vfio-pci. Like vfio-pci it matches no
 * device on its own: user space binds it through driver_override. Probe
 * enables the device and its bus mastering and starts its DMA (into a
 * guest); its device file, what /dev/vfio/devices/vfioN is, can be
 * preserved across a live update through the LUO file handler
 * "pcisim-vfio-v1", with the PCI FLB attached. See pcisim_core.c.
 *
 * Departs from vfio-pci: no VFIO uAPI, no IOMMU, no interrupts; DMA is
 * started by the driver at probe rather than by a guest through the VMM.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/pci.h>
#include "pcisim_core.h"

static const struct pci_device_id pcisim_vfio_ids[] = {
	/* only through driver_override, as vfio-pci */
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_ANY_ID, PCI_ANY_ID, 1) },
	{}
};

static const struct file_operations pcisim_vfio_fops = {
	.owner = THIS_MODULE,
	.release = pcisim_dev_release,
};

static struct pcisim_driver pcisim_vfio = {
	.pci = {
		.name = "pcisim-vfio",
		.id_table = pcisim_vfio_ids,
		.probe = pcisim_probe,
		.remove = pcisim_remove,
		.shutdown = pcisim_shutdown,
		.driver_managed_dma = true,
	},
	.handler = {
		.compatible = "pcisim-vfio-v1",
	},
	.fops = &pcisim_vfio_fops,
	.tag = "vfio",
};

static int __init pcisim_vfio_init(void)
{
	return pcisim_driver_register(&pcisim_vfio);
}
device_initcall(pcisim_vfio_init);
