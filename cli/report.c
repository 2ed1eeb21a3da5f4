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

static bool is_parent(const struct sim_pci_info *b,
		      const struct sim_pci_info *d)
{
	return d->has_parent && b->domain == d->domain &&
	       b->bus == d->parent_bus && b->devfn == d->parent_devfn;
}

/* Functions without a parent under one "[domain:bus]" line */
static bool same_tree(const struct sim_pci_info *a,
		      const struct sim_pci_info *b)
{
	return a->domain == b->domain && a->bus == b->bus;
}

/*
 * Like lspci -tv, one function a line: "+-" before a function with a
 * sibling after it, "\-" before the last, "|" down the side of a parent
 * whose siblings come later. The kernel's walk is depth-first, so the
 * ancestors of a function are a stack; a function without a parent (on a
 * root bus, or a VF on a bus iov.c added) starts a tree of its own.
 */
void report_tree(FILE *out)
{
	struct dev_list l = { 0 };
	size_t *up, *stack, depth = 0, root = 0, i;
	bool *last, *seen;

	sim_pci_visit_devs(collect, &l);
	up = calloc(l.n + 1, sizeof(*up));		/* parent, or l.n: none */
	stack = calloc(l.n + 1, sizeof(*stack));
	last = calloc(l.n + 1, sizeof(*last));
	seen = calloc(l.n + 1, sizeof(*seen));
	if (!up || !stack || !last || !seen)
		goto out;
	for (i = 0; i < l.n; i++) {
		while (depth && !is_parent(&l.v[stack[depth - 1]], &l.v[i]))
			depth--;
		up[i] = depth ? stack[depth - 1] : l.n;
		if (l.v[i].is_bridge)
			stack[depth++] = i;
	}
	/* the last child of each parent, and of each tree's root */
	for (i = l.n; i-- > 0;) {
		size_t p = up[i];

		if (p < l.n) {
			last[i] = !seen[p];
			seen[p] = true;
		} else {
			last[i] = !seen[l.n] || !same_tree(&l.v[i], &l.v[root]);
			seen[l.n] = true;
			root = i;
		}
	}
	depth = 0;
	root = l.n;
	for (i = 0; i < l.n; i++) {
		const struct sim_pci_info *d = &l.v[i];

		while (depth && stack[depth - 1] != up[i])
			depth--;
		if (up[i] == l.n) {
			if (root == l.n || !same_tree(d, &l.v[root]))
				fprintf(out, "[%04x:%02x]\n", d->domain, d->bus);
			root = i;
		}
		fputs("  ", out);
		for (size_t k = 0; k < depth; k++)
			fputs(last[stack[k]] ? "    " : "|   ", out);
		fprintf(out, "%s%02x:%02x.%x [%04x:%04x]", last[i] ? "\\-" : "+-",
			d->bus, d->devfn >> 3, d->devfn & 7, d->vendor,
			d->device);
		if (d->is_bridge)
			fprintf(out, "-[%02x-%02x]", d->secondary, d->subordinate);
		fprintf(out, " %s%s\n", port_type(d),
			d->is_virtfn ? " (VF)" : "");
		stack[depth++] = i;
	}
out:
	free(up);
	free(stack);
	free(last);
	free(seen);
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
