// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim-pf: a driver for SR-IOV physical functions, bound through
 * driver_override. Like a real PF driver it runs the PF itself (bus
 * mastering, DMA) and lets user space set the number of VFs through
 * sriov_numvfs, as pci_sriov_configure_simple() does. Its VFs go to
 * pcisim-vfio, bound by user space. The PF's device file is preserved
 * across a live update through the LUO file handler "pcisim-pf-v1", with
 * the PCI FLB attached; see pcisim_core.c.
 *
 * The VF count is part of what is preserved: it cannot change while the
 * PF's file is preserved, and VFs cannot be disabled while one of them is
 * preserved or handed over. How VFs come back after kexec (the PCI core
 * at enumeration, or user space writing sriov_numvfs again) is the PCI
 * core's policy; the driver does the same either way.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/pci.h>
#include "pcisim_core.h"

static const struct pci_device_id pcisim_pf_ids[] = {
	/* only through driver_override */
	{ PCI_DEVICE_DRIVER_OVERRIDE(PCI_ANY_ID, PCI_ANY_ID, 1) },
	{}
};

static const struct file_operations pcisim_pf_fops = {
	.owner = THIS_MODULE,
	.release = pcisim_dev_release,
};

static int pcisim_pf_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	struct pcisim_dev *sdev = pci_get_drvdata(pdev);
	int err;

	if (sdev->preserved) {
		pci_warn(pdev, "SR-IOV is preserved as it is; cannot set %d VFs\n",
			 nr_virtfn);
		return -EBUSY;
	}
	if (!nr_virtfn) {
		if (pcisim_dev_busy(pdev) && pci_num_vf(pdev)) {
			pci_warn(pdev, "VFs are preserved or handed over; cannot disable them\n");
			return -EBUSY;
		}
		pci_disable_sriov(pdev);
		return 0;
	}
	err = pci_enable_sriov(pdev, nr_virtfn);
	return err ? err : nr_virtfn;
}

static void pcisim_pf_remove(struct pci_dev *pdev)
{
	if (pcisim_dev_busy(pdev))
		pci_err(pdev, "removed while it or its VFs are preserved\n");
	else
		pci_disable_sriov(pdev);
	pcisim_remove(pdev);
}

static struct pcisim_driver pcisim_pf = {
	.pci = {
		.name = "pcisim-pf",
		.id_table = pcisim_pf_ids,
		.probe = pcisim_probe,
		.remove = pcisim_pf_remove,
		.shutdown = pcisim_shutdown,
		.sriov_configure = pcisim_pf_sriov_configure,
	},
	.handler = {
		.compatible = "pcisim-pf-v1",
	},
	.fops = &pcisim_pf_fops,
	.tag = "pf",
};

static int __init pcisim_pf_init(void)
{
	return pcisim_driver_register(&pcisim_pf);
}
device_initcall(pcisim_pf_init);
