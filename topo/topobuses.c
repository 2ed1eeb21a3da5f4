// SPDX-License-Identifier: GPL-2.0
/*
 * Do the buses fit? A topology file has no bus numbers, but the kernel
 * gives every bridge's secondary bus one, and SR-IOV VFs whose routing IDs
 * run past function ff live on the buses after their PF's. A host whose
 * bus= range is too small does not fail loudly in the kernel: it logs
 * "can't allocate child bus" or "can't enable VFs" and the devices are
 * silently missing. So the file is refused instead, at the first function
 * that would get no bus.
 *
 * The numbering is the kernel's (pci_scan_child_bus_extend() in
 * drivers/pci/probe.c, with nothing configured by firmware): each bus is
 * scanned, then the buses its PFs' VFs need are reserved right after it
 * (pci_iov_bus_range(): the largest need of any PF on the bus), then each
 * bridge, in devfn order, gets the next number for its secondary bus and
 * its subtree is numbered before the next bridge's. Hot-plug ports get
 * nothing extra by default (pci=hpbussize= changes that; it is a command
 * line, not hardware), so this is the minimum the tree needs.
 *
 * The walk stops once the tree needs more than a domain's 256 buses: it
 * therefore visits at most 257 buses of 256 functions per host, however
 * large the templates multiply the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo_tree.h"

#define DOMAIN_BUSES	256u

/* One bus being numbered: the bridges on it, found in devfn order. */
struct busscan {
	uint64_t bridges[4];		/* devfns of bridges */
	uint32_t node[256];		/* valid where bridges[] says so */
	uint32_t origin[256];		/* template instance's line, or 0 */
	uint32_t number;		/* relative to the host's first bus */
	uint32_t next;			/* next devfn to look for a bridge at */
};

/* The first function that gets no bus. */
struct misfit {
	uint32_t node;			/* TNONE: everything fits (so far) */
	uint32_t origin;
	uint32_t bus;			/* relative bus it would need */
};

struct buswalk {
	const struct topo *t;
	struct busscan *lv;
	uint32_t nr_lv, cap_lv;
	uint32_t last;			/* relative number of the last bus */
	uint32_t max;			/* highest relative number used */
	struct misfit misfit;
};

static void note_misfit(struct buswalk *w, uint32_t node, uint32_t origin,
			uint32_t bus)
{
	if (w->misfit.node == TNONE)
		w->misfit = (struct misfit){ node, origin, bus };
}

/* What scanning one bus found besides its bridges. */
struct busvfs {
	uint32_t buses;			/* most buses any PF's VFs need */
	uint32_t misfit, origin;	/* lowest-devfn PF whose VFs do not
					 * fit, TNONE: none */
};

static void add_list(struct buswalk *w, struct busscan *b, uint32_t first,
		     uint32_t origin, struct busvfs *vfs)
{
	const struct topo *t = w->t;

	for (uint32_t c = first; c != TNONE; c = t->nodes[c].next) {
		const struct tnode *n = &t->nodes[c];

		if (topo_kind_is_bridge(n->kind)) {
			b->bridges[n->devfn >> 6] |= UINT64_C(1) << (n->devfn & 63);
			b->node[n->devfn] = c;
			b->origin[n->devfn] = origin;
		}
		if (n->vf_buses > vfs->buses)
			vfs->buses = n->vf_buses;
		if (b->number + n->vf_buses > w->last &&
		    (vfs->misfit == TNONE ||
		     n->devfn < t->nodes[vfs->misfit].devfn)) {
			vfs->misfit = c;
			vfs->origin = origin;
		}
	}
}

/*
 * Scan the bus numbered w->max, whose functions are the list first, plus,
 * for a bridge node (TNONE for a root bus), its template chain's children.
 * Reserves the buses its VFs need. 0, or -1 when out of memory.
 */
static int enter_bus(struct buswalk *w, uint32_t first, uint32_t bridge,
		     uint32_t origin)
{
	const struct topo *t = w->t;
	struct busvfs vfs = { 0, TNONE, 0 };
	struct busscan *b;

	if (topo_grow((void **)&w->lv, &w->cap_lv, w->nr_lv + 1,
		      sizeof(*w->lv)))
		return -1;
	b = &w->lv[w->nr_lv++];
	memset(b->bridges, 0, sizeof(b->bridges));
	b->number = w->max;
	b->next = 0;
	add_list(w, b, first, origin, &vfs);
	if (bridge != TNONE) {
		/* As topo_build(): a template's children belong to the line
		 * that instantiated it, the outermost instance. */
		uint32_t o = origin ? origin : t->nodes[bridge].line;

		for (uint32_t tm = t->nodes[bridge].tmpl; tm;
		     tm = t->nodes[t->tmpls[tm - 1].root].tmpl)
			add_list(w, b, t->nodes[t->tmpls[tm - 1].root].first_child,
				 o, &vfs);
	}
	w->max = b->number + vfs.buses;
	if (vfs.misfit != TNONE)
		note_misfit(w, vfs.misfit, vfs.origin,
			    b->number + t->nodes[vfs.misfit].vf_buses);
	return 0;
}

/* Number one host's tree. Buses it needs, or 0 when out of memory;
 * more than DOMAIN_BUSES means "more than a domain has" (walk cut short). */
static uint32_t walk_host(struct buswalk *w, const struct thost *h)
{
	const struct topo *t = w->t;

	w->nr_lv = 0;
	w->max = 0;
	w->last = (uint32_t)(h->bus_end - h->bus_start);
	w->misfit.node = TNONE;
	if (enter_bus(w, h->first_child, TNONE, 0))
		return 0;
	while (w->nr_lv && w->max < DOMAIN_BUSES) {
		struct busscan *b = &w->lv[w->nr_lv - 1];
		uint32_t devfn = b->next, node, origin;

		while (devfn < 256 &&
		       !(b->bridges[devfn >> 6] >> (devfn & 63) & 1))
			devfn++;
		if (devfn >= 256) {
			w->nr_lv--;
			continue;
		}
		b->next = devfn + 1;
		node = b->node[devfn];
		origin = b->origin[devfn];
		if (++w->max > w->last)
			note_misfit(w, node, origin, w->max);
		if (enter_bus(w, t->nodes[node].first_child, node, origin))
			return 0;
	}
	return w->max + 1;
}

static void report(const struct buswalk *w, const struct thost *h,
		   uint32_t need, struct topo_error *err)
{
	const struct tnode *n = &w->t->nodes[w->misfit.node];
	char range[64], needs[32], from[48] = "";
	uint32_t bus = h->bus_start + w->misfit.bus;

	if (h->implicit)
		snprintf(range, sizeof(range), "bus=%02x-%02x of the default host",
			 h->bus_start, h->bus_end);
	else
		snprintf(range, sizeof(range), "bus=%02x-%02x of the host at line %u",
			 h->bus_start, h->bus_end, h->line);
	if (need > DOMAIN_BUSES)
		snprintf(needs, sizeof(needs), "more than %u", DOMAIN_BUSES);
	else
		snprintf(needs, sizeof(needs), "%u", need);
	if (w->misfit.origin)
		snprintf(from, sizeof(from), " (template instantiated at line %u)",
			 w->misfit.origin);
	err->line = (int)n->line;
	err->col = (int)n->col;
	if (topo_kind_is_bridge(n->kind))
		snprintf(err->msg, sizeof(err->msg), "no bus left for the "
			 "secondary bus of this %s: it would be bus %02x, past "
			 "%s, whose tree needs %s buses%s",
			 topo_kind_name(n->kind), bus, range, needs, from);
	else
		snprintf(err->msg, sizeof(err->msg), "the VFs of this function "
			 "need buses up to %02x (reserved after its own bus "
			 "%02x), past %s, whose tree needs %s buses%s", bus,
			 bus - n->vf_buses, range, needs, from);
}

int topo_check_buses(const struct topo *t, struct topo_error *err)
{
	struct buswalk w = { .t = t };
	int rc = 0;

	for (uint32_t hi = 0; hi < t->nr_hosts && !rc; hi++) {
		const struct thost *h = &t->hosts[hi];
		uint32_t need = walk_host(&w, h);

		if (!need) {
			err->line = (int)h->line;
			err->col = (int)h->col;
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			rc = -1;
		} else if (w.misfit.node != TNONE) {
			report(&w, h, need, err);
			rc = -1;
		}
	}
	free(w.lv);
	return rc;
}
