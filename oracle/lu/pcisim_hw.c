// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated drivers' doorbell on a real machine. Under pcisim,
 * host_dma_start() makes the device model write into guest memory until
 * host_dma_stop(), so that a live update that stops a device is seen as
 * lost DMA. QEMU's devices have no such doorbell without their own
 * driver, so here DMA is what the PCI core sees of it: the device is
 * enabled and its Bus Master Enable set (pcisim_start() did both), and
 * these only say so in the log, as a driver that started its rings would.
 */
#include <linux/pci.h>
#include <linux/printk.h>
#include <sim/host_abi.h>

int host_dma_start(unsigned int domain, unsigned int bus, unsigned int devfn)
{
	pr_info("pcisim: %04x:%02x:%02x.%d: DMA started (Bus Master only)\n",
		domain, bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
	return 0;
}

int host_dma_stop(unsigned int domain, unsigned int bus, unsigned int devfn)
{
	pr_info("pcisim: %04x:%02x:%02x.%d: DMA stopped\n",
		domain, bus, PCI_SLOT(devfn), PCI_FUNC(devfn));
	return 0;
}
