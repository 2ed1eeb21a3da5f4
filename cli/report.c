/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reports over what the kernel enumerated: a tree as "lspci -t" draws the
 * hierarchy, and per function what a kernel developer checks first (IDs,
 * class, header type, port type, bus numbers, windows, BARs, driver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim/host_abi.h"

/* include/linux/ioport.h: resource flag bits (kernel ABI of %pR) */
#define IORESOURCE_IO		0x00000100
#define IORESOURCE_MEM		0x00000200
#define IORESOURCE_BUS		0x00001000
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000
#define IORESOURCE_DISABLED	0x10000000
#define IORESOURCE_UNSET	0x20000000

#define RES_ROM		6
#define RES_IOV_FIRST	7
#define RES_BRIDGE_FIRST 13

static const char *const pcie_type_names[] = {
	[0x0] = "PCIe Endpoint",
	[0x1] = "PCIe Legacy Endpoint",
	[0x4] = "PCIe Root Port",
	[0x5] = "PCIe Switch Upstream Port",
	[0x6] = "PCIe Switch Downstream Port",
	[0x7] = "PCIe to PCI/PCI-X bridge",
	[0x8] = "PCI/PCI-X to PCIe bridge",
	[0x9] = "PCIe Root Complex Integrated Endpoint",
	[0xa] = "PCIe Root Complex Event Collector",
};

static const char *port_type(const struct sim_pci_info *d)
{
	if (d->pcie_type < 0)
		return "conventional PCI";
	if ((size_t)d->pcie_type < sizeof(pcie_type_names) / sizeof(pcie_type_names[0]) &&
	    pcie_type_names[d->pcie_type])
		return pcie_type_names[d->pcie_type];
	return "PCIe (unknown type)";
}

const char *report_res(char *buf, size_t len, unsigned long long start,
		       unsigned long long end, unsigned long flags)
{
	const char *kind = flags & IORESOURCE_IO ? "io " :
			   flags & IORESOURCE_MEM ? "mem" : "??? ";

	snprintf(buf, len, "[%s %#llx-%#llx%s%s%s]", kind, start, end,
		 flags & IORESOURCE_MEM_64 ? " 64bit" : "",
		 flags & IORESOURCE_PREFETCH ? " pref" : "",
		 flags & IORESOURCE_UNSET ? " unassigned" :
		 flags & IORESOURCE_DISABLED ? " disabled" : "");
	return buf;
}

struct dev_list {
	struct sim_pci_info *v;
	size_t n, cap;
};

static int collect(const struct sim_pci_info *info, void *ctx)
{
	struct dev_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct sim_pci_info *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *info;
	return 0;
}

static int depth_of(const struct dev_list *l, size_t i)
{
	int depth = 0;

	while (l->v[i].has_parent) {
		size_t j;

		for (j = 0; j < i; j++)
			if (l->v[j].domain == l->v[i].domain &&
			    l->v[j].bus == l->v[i].parent_bus &&
			    l->v[j].devfn == l->v[i].parent_devfn)
				break;
		if (j == i)
			break;
		i = j;
		depth++;
	}
	return depth;
}

void report_tree(FILE *out)
{
	struct dev_list l = { 0 };
	unsigned int domain = ~0u, root = ~0u;
	size_t i;

	sim_pci_visit_devs(collect, &l);
	for (i = 0; i < l.n; i++) {
		const struct sim_pci_info *d = &l.v[i];
		int depth = depth_of(&l, i);

		if (!depth && (d->domain != domain || d->bus != root)) {
			domain = d->domain;
			root = d->bus;
			fprintf(out, "[%04x:%02x]\n", domain, root);
		}
		fprintf(out, "%*s+-%02x:%02x.%x [%04x:%04x]", 2 + 4 * depth, "",
			d->bus, d->devfn >> 3, d->devfn & 7, d->vendor,
			d->device);
		if (d->is_bridge)
			fprintf(out, "-[%02x-%02x]", d->secondary, d->subordinate);
		fprintf(out, " %s%s%s\n", port_type(d),
			d->is_virtfn ? " (VF)" : "",
			d->driver[0] ? "" : "");
	}
	free(l.v);
}

static void report_one(FILE *out, const struct sim_pci_info *d)
{
	char buf[96];
	int i;

	fprintf(out, "%s [%04x:%04x] class %06x type %02x %s%s\n", d->name,
		d->vendor, d->device, d->class_code, d->hdr_type & 0x7f,
		port_type(d), d->is_virtfn ? " (VF)" : "");
	if (d->subsys_vendor || d->subsys_device)
		fprintf(out, "    subsystem [%04x:%04x]\n", d->subsys_vendor,
			d->subsys_device);
	if (d->is_bridge)
		fprintf(out, "    bus: primary=%02x secondary=%02x subordinate=%02x\n",
			d->primary, d->secondary, d->subordinate);
	for (i = 0; i < SIM_NR_RES; i++) {
		const struct sim_res *r = &d->res[i];

		if (!r->flags || (!r->start && !r->end))
			continue;
		report_res(buf, sizeof(buf), r->start, r->end, r->flags);
		if (i < RES_ROM)
			fprintf(out, "    BAR %d %s\n", i, buf);
		else if (i == RES_ROM)
			fprintf(out, "    ROM %s\n", buf);
		else if (i < RES_BRIDGE_FIRST)
			fprintf(out, "    VF BAR %d %s\n", i - RES_IOV_FIRST, buf);
		else
			fprintf(out, "    window %s\n", buf);
	}
	if (d->sriov_total)
		fprintf(out, "    SR-IOV: %u of %u VFs enabled\n", d->sriov_num,
			d->sriov_total);
	fprintf(out, "    driver: %s\n", d->driver[0] ? d->driver : "(none)");
}

static int print_one(const struct sim_pci_info *info, void *ctx)
{
	report_one(ctx, info);
	return 0;
}

void report_functions(FILE *out)
{
	sim_pci_visit_devs(print_one, out);
}
