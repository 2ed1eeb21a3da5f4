/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Phase marks (pci-core/phases.c): the final link of the kernel world
 * wraps these calls (ld --wrap), __real_* is the kernel's own function.
 */
#ifndef SIM_PHASES_H
#define SIM_PHASES_H

struct pci_bus;

void __real_pci_assign_unassigned_root_bus_resources(struct pci_bus *bus);
void __wrap_pci_assign_unassigned_root_bus_resources(struct pci_bus *bus);
void __real_pci_bus_add_devices(const struct pci_bus *bus);
void __wrap_pci_bus_add_devices(const struct pci_bus *bus);

#endif /* SIM_PHASES_H */
