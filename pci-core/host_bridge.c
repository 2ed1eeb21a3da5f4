// SPDX-License-Identifier: GPL-2.0
/*
 * The host bridge driver: a generic ECAM-style host whose config cycles
 * go to the machine.
 *
 * This does what drivers/pci/controller/pci-host-common.c does on an
 * arm64 or riscv device-tree system, minus the device tree: the windows
 * come from the topology instead of a "ranges" property, in the same
 * order (bus range, I/O, memory, 64-bit memory), are requested from
 * ioport_resource/iomem_resource, PCI_REASSIGN_ALL_BUS is set unless
 * "probe only", and the kernel's own pci_host_probe() does the rest.
 * Config accesses are the machine's: nothing here decodes an address.
 *
 * The other personality (SIM_HOST_KEEP_BUSES, "keep-buses" in a
 * topology) is that of x86's host bridges (arch/x86/pci/acpi.c,
 * drivers/acpi/pci_root.c): PCI_REASSIGN_ALL_BUS is left alone, so bus
 * numbers firmware (or the previous kernel, after a kexec) left are kept
 * unless the command line has pci=assign-busses (shim/arch.c).
 *
 * SIM_HOST_PRESERVE_CONFIG ("preserve-config") is firmware asking to keep
 * its resource setup (ACPI _DSM function 5, linux,pci-probe-only): the
 * host bridge's preserve_config, so pci_host_probe() claims every BAR and
 * window with pci_bus_claim_resources() before assigning the rest.
 */
#include <linux/pci.h>
#include <linux/ioport.h>
#include <linux/slab.h>
#include <sim/host_abi.h>

/*
 * Domains whose firmware asks to keep its resource setup (topology flag
 * preserve-config). pci_register_host_bridge() sets preserve_config from
 * ACPI or the device tree (this world has neither) after the arch hooks it
 * calls; the root bus's pcibios_fixup_bus() runs next, during the scan,
 * before pci_host_probe() reads preserve_config.
 */
static DECLARE_BITMAP(sim_preserve_config, 65536);

void pcibios_fixup_bus(struct pci_bus *bus)
{
	if (pci_is_root_bus(bus) &&
	    test_bit(pci_domain_nr(bus), sim_preserve_config))
		pci_find_host_bridge(bus)->preserve_config = 1;
}

/* The requester as host_cfg_read() wants it: domain, bus, devfn packed */
static unsigned int sim_rid(struct pci_bus *bus, unsigned int devfn)
{
	return (unsigned int)pci_domain_nr(bus) << 16 | bus->number << 8 | devfn;
}

/*
 * The host answers with a PCIBIOS code and the error response itself:
 * every config cycle comes this way, so nothing is left to do but jump.
 */
static_assert(HOST_CFG_NO_DEVICE == PCIBIOS_DEVICE_NOT_FOUND);

static int sim_pci_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	return host_cfg_read(sim_rid(bus, devfn), where, size, val);
}

static int sim_pci_write(struct pci_bus *bus, unsigned int devfn, int where,
			 int size, u32 val)
{
	return host_cfg_write(sim_rid(bus, devfn), where, size, val);
}

static struct pci_ops sim_pci_ops = {
	.read = sim_pci_read,
	.write = sim_pci_write,
};

/*
 * As devm_of_pci_get_host_bridge_resources() leaves them: a 64-bit
 * "ranges" entry loses IORESOURCE_MEM_64; the address says where it is.
 */
static unsigned long sim_window_flags(const struct sim_window *w)
{
	switch (w->kind) {
	case SIM_WIN_IO:
		return IORESOURCE_IO;
	case SIM_WIN_MEM:
	case SIM_WIN_MEM64:
		return IORESOURCE_MEM;
	case SIM_WIN_PREF:
		return IORESOURCE_MEM | IORESOURCE_PREFETCH;
	}
	return 0;
}

int sim_pci_host_probe(unsigned int domain, unsigned int bus_start,
		       unsigned int bus_end, const struct sim_window *win,
		       int nr_win, unsigned int flags)
{
	struct pci_host_bridge *bridge;
	struct pci_sysdata *sd;
	struct resource *busn;
	struct resource_entry *entry;
	int i, ret;

	bridge = pci_alloc_host_bridge(sizeof(*sd));
	if (!bridge)
		return -ENOMEM;
	sd = pci_host_bridge_priv(bridge);
	sd->domain = domain;

	busn = kzalloc_obj(*busn, GFP_KERNEL);
	if (!busn)
		return -ENOMEM;
	busn->name = "PCI busn";
	busn->start = bus_start;
	busn->end = bus_end;
	busn->flags = IORESOURCE_BUS;
	pci_add_resource(&bridge->windows, busn);

	for (i = 0; i < nr_win; i++) {
		struct resource *res = kzalloc_obj(*res, GFP_KERNEL);

		if (!res)
			return -ENOMEM;
		res->name = "PCI host window";
		res->start = win[i].start;
		res->end = win[i].end;
		res->flags = sim_window_flags(&win[i]);
		pci_add_resource(&bridge->windows, res);
	}

	/* devm_request_pci_bus_resources() */
	resource_list_for_each_entry(entry, &bridge->windows) {
		struct resource *parent, *res = entry->res;

		switch (resource_type(res)) {
		case IORESOURCE_IO:
			parent = &ioport_resource;
			break;
		case IORESOURCE_MEM:
			parent = &iomem_resource;
			break;
		default:
			continue;
		}
		ret = request_resource(parent, res);
		if (ret) {
			pr_err("pci%04x: can't request host window %pR\n",
			       domain, res);
			return ret;
		}
	}

	if (flags & SIM_HOST_PRESERVE_CONFIG)
		set_bit(domain, sim_preserve_config);
	else
		clear_bit(domain, sim_preserve_config);

	if (!(flags & SIM_HOST_KEEP_BUSES) && !pci_has_flag(PCI_PROBE_ONLY))
		pci_add_flags(PCI_REASSIGN_ALL_BUS);
	/*
	 * On a device-tree host, binding a driver to any PCI function runs
	 * pci_dma_configure() -> of_dma_configure() -> of_iommu_configure(),
	 * which calls pci_request_acs() (drivers/iommu/of_iommu.c), IOMMU or
	 * not, just before pci_enable_acs(): 7.x kernels on such hosts enable
	 * ACS on every port that has it. Nothing reads the flag before the
	 * first bind, so it is set here, once, for the device-tree
	 * personality; x86's (keep-buses) asks only with an IOMMU.
	 */
	if (!(flags & SIM_HOST_KEEP_BUSES))
		pci_request_acs();

	bridge->sysdata = sd;
	bridge->busnr = bus_start;
	bridge->ops = &sim_pci_ops;
	return pci_host_probe(bridge);
}
