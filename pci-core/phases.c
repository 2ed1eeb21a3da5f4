// SPDX-License-Identifier: GPL-2.0
/*
 * Phase marks for benchmarks: where the kernel's own pci_host_probe()
 * goes from scanning (enumeration) to sizing and assigning resources, and
 * from there to adding the devices (driver binding).
 *
 * Nothing in the kernel is changed for this: the final link of the kernel
 * world wraps the two calls pci_host_probe() makes into other files
 * (ld --wrap, see KWRAP in the Makefile), so each call from another
 * kernel file lands here first, tells the host, and goes on to the
 * kernel's own function.
 */
#include <linux/pci.h>
#include <sim/host_abi.h>
#include <sim/phases.h>

void __wrap_pci_assign_unassigned_root_bus_resources(struct pci_bus *bus)
{
	host_phase(SIM_PHASE_ASSIGN);
	__real_pci_assign_unassigned_root_bus_resources(bus);
}

void __wrap_pci_bus_add_devices(const struct pci_bus *bus)
{
	/* only the root bus (no parent): the kernel recurses into children */
	if (!bus->parent)
		host_phase(SIM_PHASE_ADD);
	__real_pci_bus_add_devices(bus);
	if (!bus->parent)
		host_phase(SIM_PHASE_ADDED);
}
