// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim-native: a stand-in for a native driver such as igb. Unlike
 * pcisim-vfio it matches its device by ID, so the driver core binds it
 * by itself whenever the device or the driver appears. Probe takes the
 * device over (enables it and its bus mastering, as a native driver does
 * before it resets and programs it); it has no LUO file handler and
 * preserves nothing.
 *
 * After a kexec it is what must not happen to a preserved device: the
 * PCI core lets a preserved device probe only once user space has set
 * its driver_override, so this driver cannot take it from the driver
 * that preserved it.
 *
 * Departs from a native driver: no MMIO, so no reset and no programming.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/pci.h>

static const struct pci_device_id pcisim_native_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_INTEL, 0x1533) },	/* I210, igb's */
	{}
};

static int pcisim_native_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	pci_set_master(pdev);
	pci_info(pdev, "taken over by pcisim-native\n");
	return 0;
}

static void pcisim_native_remove(struct pci_dev *pdev)
{
	pci_clear_master(pdev);
	pci_disable_device(pdev);
}

static struct pci_driver pcisim_native = {
	.name = "pcisim-native",
	.id_table = pcisim_native_ids,
	.probe = pcisim_native_probe,
	.remove = pcisim_native_remove,
};

static int __init pcisim_native_init(void)
{
	return pci_register_driver(&pcisim_native);
}
device_initcall(pcisim_native_init);
