// SPDX-License-Identifier: GPL-2.0
/*
 * DMA engines and the machine's event log.
 *
 * A driver tells a function to run DMA into host memory; the engine then
 * runs until the driver stops it or the function is reset. Whether the
 * device can still master the bus, and whether its BARs still route, is
 * decided from the registers as programmed, like everything else in the
 * machine: its own Command register (for a VF: its own Bus Master Enable
 * and the PF's SR-IOV state) and D-state (only D0 masters and decodes,
 * pm.c), and every bridge between it and the host bridge: Bus Master
 * Enable (a bridge forwards upstream memory requests only with it set,
 * PCIe r6.0 7.5.1.1.3), its D-state (not in D0 it forwards nothing), the
 * bus-number registers (the routing ID the device was given must still
 * reach it), Memory Space Enable and the memory/prefetchable windows (for
 * its BARs).
 *
 * Cost. Every function counts the engines at or below it (itself, its
 * VFs, everything behind a bridge), and every bus keeps the engines of
 * the functions attached to it. A config write to a function with no
 * engine below it costs one test; a write that changes nothing costs a
 * 4-byte compare; otherwise only the engines below the written function
 * that the bits written may affect are checked (a bridge's SERR Enable or
 * AER registers affect none), found by walking down the buses that have
 * engines. A bridge's new bus range may also take a sibling's bus number,
 * so then the engines below the bridge's own bus whose bus lies in the
 * old or new range are checked too. One check costs about a config cycle
 * or two (60-120 ns four levels deep).
 *
 * Each check recomputes the set of broken conditions, each identified by
 * what broke and whose register; a condition not in the previous set
 * records one event, so repeated writes record nothing new.
 *
 * Bus Master history. A function with an engine at or below it records
 * its Bus Master Enable when the first such engine starts, and after
 * every write of its Command register while one runs (MEV_BUS_MASTER),
 * changed or not: a checker reads what the bit was all along, not only
 * what it is at the end.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "mfunc.h"

/* What can break; the ones before C_MSE stop DMA, the others only BARs. */
enum {
	C_BME,			/* own Bus Master Enable */
	C_DSTATE,		/* own D-state not D0: cannot master */
	C_NUMVFS,		/* VF index no longer below NumVFs (sriov.c
				 * keeps NumVFs while VF Enable is set) */
	C_VF_RID,		/* the PF moved its VFs' routing IDs */
	C_BRIDGE_BME,		/* an upstream bridge's Bus Master Enable */
	C_BRIDGE_DSTATE,	/* an upstream bridge not in D0 */
	C_RANGE,		/* bus outside an upstream bridge's range */
	C_SECONDARY,		/* bus no longer the parent's secondary */
	C_ROUTE,		/* the BDF reaches another function */
	C_MSE,			/* own (a VF's: the PF's VF) Memory Space */
	C_DSTATE_DECODE,	/* own D-state not D0: no memory decode */
	C_BAR_MOVED,
	C_BRIDGE_MSE,
	C_BRIDGE_DSTATE_DECODE,	/* an upstream bridge not in D0 */
	C_WINDOW,		/* BAR outside an upstream bridge's windows */
};

struct mcond {
	uint8_t code;
	int8_t bar;			/* BAR index, -1 for none */
	const struct mfunc *who;	/* whose register; identity */
	const struct mfunc *other;	/* C_ROUTE: who answers now */
	uint64_t a, b;			/* details for the text */
};

struct mbar_track {
	int8_t idx;
	bool vf;
	uint64_t addr, size;		/* address when DMA started */
};

struct mdma {
	struct mfunc *f;
	struct mdma *next, *prev;	/* every engine of the machine */
	struct mdma *bnext, *bprev;	/* engines on one bus (bus->dma) */
	struct mbus *bus;		/* the bus whose list holds it */
	uint8_t bus_nr, devfn;		/* routing ID given at start */
	char path[MACHINE_PATH_MAX];
	char bdf[16];
	struct mbar_track bar[MACHINE_MAX_BARS];
	int nr_bars;
	struct mcond *broken;
	size_t nr_broken, cap_broken;
};

struct mdmas {
	struct mdma *head;
	size_t nr_engines;
	struct mevent *ev;
	size_t nr_ev, cap_ev;
	uint64_t checks;
	struct mcond *scratch;
	size_t cap_scratch;
};

static struct mdmas *dmas_get(struct machine *m)
{
	struct mdmas **slot = machine_mdma(m);

	if (!*slot)
		*slot = calloc(1, sizeof(**slot));
	return *slot;
}

static struct machine *fn_machine(const struct mfunc *f)
{
	return mhost_machine(f->host);
}

/* The function whose bus and bridges a function hangs below. */
static const struct mfunc *attach_point(const struct mfunc *f)
{
	return f->pf ? f->pf : f;
}

/* ---- paths ---- */

static unsigned int host_root_bus(const struct mhost *h)
{
	uint8_t start, end;

	mhost_bus_range(h, &start, &end);
	return start;
}

const char *mfunc_path(const struct mfunc *f, char *buf, size_t len)
{
	const struct mfunc *chain[MBUS_DEVFNS];
	const struct mfunc *x = attach_point(f);
	int n = 0, at;

	if (!len)
		return buf;
	/* Deeper than 256 levels cannot be routed anyway; cut there. */
	for (; x && n < MBUS_DEVFNS; x = x->bus->bridge)
		chain[n++] = x;
	if (mhost_first_of_domain(f->host))
		at = snprintf(buf, len, "%04x", mhost_domain(f->host));
	else
		at = snprintf(buf, len, "%04x:%02x", mhost_domain(f->host),
			      host_root_bus(f->host));
	while (n-- && at >= 0 && (size_t)at < len)
		at += snprintf(buf + at, len - at, "/%02x.%x",
			       chain[n]->devfn >> 3, chain[n]->devfn & 7);
	if (f->pf && at >= 0 && (size_t)at < len)
		snprintf(buf + at, len - at, "/vf%u", f->vf_index);
	return buf;
}

static int path_part(const char **p, unsigned int *dev, unsigned int *fn,
		     unsigned int *vf)
{
	char *end;
	unsigned long v;

	if (**p != '/')
		return -1;
	(*p)++;
	if (!strncmp(*p, "vf", 2) && (*p)[2] >= '0' && (*p)[2] <= '9') {
		v = strtoul(*p + 2, &end, 10);
		if (v > 0xffff)
			return -1;
		*vf = v;
		*p = end;
		return 1;
	}
	v = strtoul(*p, &end, 16);
	if (end == *p || *end != '.' || v > 0x1f)
		return -1;
	*dev = v;
	*p = end + 1;
	v = strtoul(*p, &end, 16);
	if (end == *p || v > 7)
		return -1;
	*fn = v;
	*p = end;
	return 0;
}

struct mfunc *machine_find_path(struct machine *m, const char *path)
{
	struct mhost *h = NULL;
	struct mfunc *f = NULL;
	struct mbus *bus;
	unsigned long dom;
	char *end;

	long root_bus = -1;

	dom = strtoul(path, &end, 16);
	if (end == path || dom > 0xffff)
		return NULL;
	if (*end == ':') {		/* a domain's second host: "0000:3f" */
		const char *b = end + 1;

		root_bus = strtol(b, &end, 16);
		if (end != b + 2 || root_bus < 0 || root_bus > 0xff)
			return NULL;
	}
	for (size_t i = 0; i < machine_nr_hosts(m) && !h; i++) {
		struct mhost *x = machine_host(m, i);

		if (mhost_domain(x) == dom &&
		    (root_bus < 0 ? mhost_first_of_domain(x) :
		     !mhost_first_of_domain(x) &&
		     host_root_bus(x) == (unsigned long)root_bus))
			h = x;
	}
	if (!h)
		return NULL;
	bus = mhost_root(h);
	for (const char *p = end; *p;) {
		unsigned int dev, fn, vf;
		int kind = path_part(&p, &dev, &fn, &vf);

		if (kind < 0)
			return NULL;
		if (kind == 1) {
			if (!f || !f->iov || *p)
				return NULL;
			return sriov_vf(f, vf);
		}
		if (!bus)
			return NULL;
		f = bus->fn[dev << 3 | fn];
		if (!f)
			return NULL;
		bus = f->sec;
	}
	return f;
}

/* ---- the event log ---- */

static void event_add(struct machine *m, const struct mdma *e,
		      enum mevent_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void event_add(struct machine *m, const struct mdma *e,
		      enum mevent_kind kind, const char *fmt, ...)
{
	struct mdmas *d = dmas_get(m);
	struct mevent *ev;
	va_list ap;

	if (!d)
		return;
	if (d->nr_ev == d->cap_ev) {
		size_t cap = d->cap_ev ? 2 * d->cap_ev : 64;
		struct mevent *n = realloc(d->ev, cap * sizeof(*n));

		if (!n)
			return;
		d->ev = n;
		d->cap_ev = cap;
	}
	ev = &d->ev[d->nr_ev++];
	memset(ev, 0, sizeof(*ev));
	ev->time_ns = machine_time_ns(m);
	memcpy(ev->path, e->path, sizeof(ev->path));
	memcpy(ev->bdf, e->bdf, sizeof(ev->bdf));
	ev->kind = kind;
	va_start(ap, fmt);
	vsnprintf(ev->what, sizeof(ev->what), fmt, ap);
	va_end(ap);
}

static uint16_t command(const struct mfunc *f);

/* The BDF a config cycle reaches f at now (a VF: its engine's). */
static void fn_bdf(const struct mfunc *f, char *buf, size_t len)
{
	if (f->dma) {
		snprintf(buf, len, "%s", f->dma->bdf);
		return;
	}
	snprintf(buf, len, "%04x:%02x:%02x.%d", mhost_domain(f->host),
		 f->bus_nr, f->devfn >> 3, f->devfn & 7);
}

/* One step of f's Bus Master history (struct mevent, MEV_BUS_MASTER). */
static void bus_master_event(struct mfunc *f, bool write)
{
	const char *why = write ? "after a write" : "when DMA started at or below";
	struct machine *m = fn_machine(f);
	struct mdmas *d = dmas_get(m);
	uint16_t cmd = command(f);
	struct mdma who = { 0 };
	size_t at;

	if (!d)
		return;
	mfunc_path(f, who.path, sizeof(who.path));
	fn_bdf(f, who.bdf, sizeof(who.bdf));
	at = d->nr_ev;
	event_add(m, &who, MEV_BUS_MASTER, "Bus Master Enable %d %s (Command %#06x)",
		  !!(cmd & PCI_COMMAND_MASTER), why, cmd);
	if (d->nr_ev > at) {
		d->ev[at].value = !!(cmd & PCI_COMMAND_MASTER);
		d->ev[at].write = write;
	}
}

size_t machine_nr_events(const struct machine *m)
{
	const struct mdmas *d = *machine_mdma((struct machine *)m);

	return d ? d->nr_ev : 0;
}

const struct mevent *machine_event(const struct machine *m, size_t i)
{
	const struct mdmas *d = *machine_mdma((struct machine *)m);

	return d && i < d->nr_ev ? &d->ev[i] : NULL;
}

const char *mevent_kind_name(enum mevent_kind kind)
{
	static const char *const names[] = {
		[MEV_DMA_STARTED] = "dma-started",
		[MEV_DMA_STOPPED] = "dma-stopped",
		[MEV_DMA_DISRUPTED] = "dma-disrupted",
		[MEV_DMA_RESUMED] = "dma-resumed",
		[MEV_BAR_ROUTING_BROKEN] = "bar-routing-broken",
		[MEV_BAR_ROUTING_RESTORED] = "bar-routing-restored",
		[MEV_RESET] = "reset",
		[MEV_BUS_MASTER] = "bus-master",
	};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0]) ?
	       names[kind] : "?";
}

/* ---- registers ---- */

static uint16_t command(const struct mfunc *f)
{
	return cfg_get(f, PCI_COMMAND, 2);
}

static uint32_t wmask_get(const struct mfunc *f, uint16_t off)
{
	return f->wmask[off] | f->wmask[off + 1] << 8 |
	       f->wmask[off + 2] << 16 | (uint32_t)f->wmask[off + 3] << 24;
}

/*
 * The memory BAR at off: address and size from its value and write mask
 * (the size is what BAR sizing would read). Returns the slots it takes,
 * 0 for an unimplemented or I/O BAR.
 */
static int mem_bar(const struct mfunc *f, uint16_t off, uint64_t *addr,
		   uint64_t *size)
{
	uint32_t lo = cfg_get(f, off, 4);
	uint64_t mask = wmask_get(f, off) & PCI_BASE_ADDRESS_MEM_MASK;
	bool is64 = (lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		    PCI_BASE_ADDRESS_MEM_TYPE_64;

	if (lo & PCI_BASE_ADDRESS_SPACE_IO)
		return 0;
	*addr = lo & PCI_BASE_ADDRESS_MEM_MASK;
	if (is64) {
		*addr |= (uint64_t)cfg_get(f, off + 4, 4) << 32;
		mask |= (uint64_t)wmask_get(f, off + 4) << 32;
	}
	if (!mask)
		return 0;	/* no writable address bit: not implemented */
	if (!is64)
		mask |= 0xffffffff00000000ULL;
	*size = ~mask + 1;
	return is64 ? 2 : 1;
}

/* BAR address now: a VF's is its PF's VF BAR plus index times size. */
static uint64_t bar_now(const struct mdma *e, const struct mbar_track *t)
{
	const struct mfunc *f = e->f;
	uint64_t addr = 0, size = 0;

	if (t->vf) {
		mem_bar(f->pf, sriov_pos(f->pf) + PCI_SRIOV_BAR + 4 * t->idx,
			&addr, &size);
		return addr + (uint64_t)f->vf_index * size;
	}
	mem_bar(f, PCI_BASE_ADDRESS_0 + 4 * t->idx, &addr, &size);
	return addr;
}

/* Memory BARs assigned (non-zero) when DMA starts. */
static void bars_track(struct mdma *e)
{
	const struct mfunc *f = e->f;
	const struct mfunc *src = f->pf ? f->pf : f;
	uint16_t base = f->pf ? sriov_pos(f->pf) + PCI_SRIOV_BAR :
				PCI_BASE_ADDRESS_0;
	int nr = f->pf ? PCI_SRIOV_NUM_BARS : PCI_STD_NUM_BARS;

	for (int i = 0; i < nr; i++) {
		struct mbar_track *t = &e->bar[e->nr_bars];
		uint64_t addr, size;
		int slots = mem_bar(src, base + 4 * i, &addr, &size);

		if (!slots)
			continue;
		*t = (struct mbar_track){ .idx = i, .vf = f->pf != NULL,
					  .size = size };
		t->addr = bar_now(e, t);
		if (t->addr)
			e->nr_bars++;
		i += slots - 1;
	}
}

/* Does bridge b forward memory [start, end] downstream (either window)? */
static bool window_has(const struct mfunc *b, uint64_t start, uint64_t end)
{
	uint64_t base = (uint64_t)(cfg_get(b, PCI_MEMORY_BASE, 2) & 0xfff0) << 16;
	uint64_t limit = (uint64_t)(cfg_get(b, PCI_MEMORY_LIMIT, 2) & 0xfff0) << 16 |
			 0xfffff;
	uint16_t pb, pl;

	if (base <= limit && start >= base && end <= limit)
		return true;
	if (!b->wmask[PCI_PREF_MEMORY_BASE + 1])
		return false;		/* no prefetchable window */
	pb = cfg_get(b, PCI_PREF_MEMORY_BASE, 2);
	pl = cfg_get(b, PCI_PREF_MEMORY_LIMIT, 2);
	base = (uint64_t)(pb & 0xfff0) << 16;
	limit = (uint64_t)(pl & 0xfff0) << 16 | 0xfffff;
	if ((pb & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64) {
		base |= (uint64_t)cfg_get(b, PCI_PREF_BASE_UPPER32, 4) << 32;
		limit |= (uint64_t)cfg_get(b, PCI_PREF_LIMIT_UPPER32, 4) << 32;
	}
	return base <= limit && start >= base && end <= limit;
}

/* ---- checking one engine ---- */

struct eval {
	struct mdmas *d;
	size_t n;
};

/* Note one broken condition; NULL only when out of memory. */
static struct mcond *cond(struct eval *v, uint8_t code, int bar,
			  const struct mfunc *who, uint64_t a, uint64_t b)
{
	struct mdmas *d = v->d;

	if (v->n == d->cap_scratch) {
		size_t cap = d->cap_scratch ? 2 * d->cap_scratch : 32;
		struct mcond *n = realloc(d->scratch, cap * sizeof(*n));

		if (!n)
			return NULL;
		d->scratch = n;
		d->cap_scratch = cap;
	}
	d->scratch[v->n] = (struct mcond){ code, bar, who, NULL, a, b };
	return &d->scratch[v->n++];
}

/* Bridges between the host bridge and f, top-down; returns how many. */
static int upstream(const struct mfunc *f, const struct mfunc **chain)
{
	const struct mfunc *x = attach_point(f)->bus->bridge;
	int n = 0;

	for (; x && n < MBUS_DEVFNS; x = x->bus->bridge)
		chain[n++] = x;
	for (int i = 0; i < n / 2; i++) {
		const struct mfunc *t = chain[i];

		chain[i] = chain[n - 1 - i];
		chain[n - 1 - i] = t;
	}
	return n;
}

static void eval_dma(struct eval *v, struct mdma *e,
		     const struct mfunc **chain, int depth)
{
	struct mfunc *f = e->f, *pf = f->pf, *now;
	struct mcond *c;
	bool routed = true;

	if (!(command(f) & PCI_COMMAND_MASTER))
		cond(v, C_BME, -1, f, 0, 0);
	if (pm_state(f) != PM_D0)
		cond(v, C_DSTATE, -1, f, pm_state(f), 0);
	if (pf) {
		uint32_t rid = sriov_vf_rid(pf, f->vf_index);

		if (f->vf_index >= sriov_nr_vfs(pf)) {
			cond(v, C_NUMVFS, -1, pf, sriov_nr_vfs(pf), 0);
			routed = false;
		}
		if (rid != ((uint32_t)e->bus_nr << 8 | e->devfn)) {
			cond(v, C_VF_RID, -1, pf, rid, 0);
			routed = false;
		}
	}
	for (int i = 0; i < depth; i++) {
		const struct mfunc *b = chain[i];

		if (!(command(b) & PCI_COMMAND_MASTER))
			cond(v, C_BRIDGE_BME, -1, b, 0, 0);
		/* Not in D0 it routes nothing: that is the cause, not routing. */
		if (pm_state(b) != PM_D0) {
			cond(v, C_BRIDGE_DSTATE, -1, b, pm_state(b), 0);
			routed = false;
		}
		if (!bridge_range_has(b, e->bus_nr)) {
			cond(v, C_RANGE, -1, b, cfg_byte(b, PCI_SECONDARY_BUS),
			     cfg_byte(b, PCI_SUBORDINATE_BUS));
			routed = false;
		}
	}
	/* A function (not a VF) sits on its parent's secondary bus. */
	if (routed && depth && !pf &&
	    bridge_secondary(chain[depth - 1]) != e->bus_nr) {
		cond(v, C_SECONDARY, -1, chain[depth - 1],
		     bridge_secondary(chain[depth - 1]), 0);
		routed = false;
	}
	/* Everything else that decides routing: ask the router. */
	if (routed) {
		now = machine_route_peek(f->host, e->bus_nr, e->devfn);
		if (now != f) {
			c = cond(v, C_ROUTE, -1, NULL, 0, 0);
			if (c)
				c->other = now;
		}
	}
}

static void eval_bars(struct eval *v, struct mdma *e,
		      const struct mfunc **chain, int depth)
{
	struct mfunc *f = e->f, *pf = f->pf;
	const struct mfunc *owner = pf ? pf : f;
	uint64_t now[MACHINE_MAX_BARS];

	if (!e->nr_bars)
		return;
	if (pf ? !(cfg_get(pf, sriov_pos(pf) + PCI_SRIOV_CTRL, 2) &
		   PCI_SRIOV_CTRL_MSE) :
		 !(command(f) & PCI_COMMAND_MEMORY))
		cond(v, C_MSE, -1, owner, 0, 0);
	if (pm_state(f) != PM_D0)
		cond(v, C_DSTATE_DECODE, -1, f, pm_state(f), 0);
	for (int i = 0; i < e->nr_bars; i++) {
		now[i] = bar_now(e, &e->bar[i]);
		if (now[i] != e->bar[i].addr)
			cond(v, C_BAR_MOVED, e->bar[i].idx, owner,
			     e->bar[i].addr, now[i]);
	}
	for (int j = 0; j < depth; j++) {
		const struct mfunc *b = chain[j];

		if (!(command(b) & PCI_COMMAND_MEMORY))
			cond(v, C_BRIDGE_MSE, -1, b, 0, 0);
		if (pm_state(b) != PM_D0)
			cond(v, C_BRIDGE_DSTATE_DECODE, -1, b, pm_state(b), 0);
		for (int i = 0; i < e->nr_bars; i++)
			if (!window_has(b, now[i], now[i] + e->bar[i].size - 1))
				cond(v, C_WINDOW, e->bar[i].idx, b, now[i],
				     e->bar[i].size);
	}
}

static void cond_text(const struct mdma *e, const struct mcond *c,
		      char *buf, size_t len)
{
	char who[MACHINE_PATH_MAX], other[MACHINE_PATH_MAX];
	const struct mfunc *f = e->f;
	const char *bar = f->pf ? "VF BAR" : "BAR";

	if (c->who)
		mfunc_path(c->who, who, sizeof(who));
	switch (c->code) {
	case C_BME:
		snprintf(buf, len, "bus master cleared on the %s",
			 f->pf ? "VF" : "device");
		break;
	case C_DSTATE:
		snprintf(buf, len, "%s in %s: it cannot master the bus",
			 f->pf ? "VF" : "device", pm_state_name(c->a));
		break;
	case C_NUMVFS:
		snprintf(buf, len, "VF %u not below NumVFs %llu of PF %s",
			 f->vf_index, (unsigned long long)c->a, who);
		break;
	case C_VF_RID:
		snprintf(buf, len,
			 "VF routing ID moved to %04x:%02llx:%02llx.%llx by PF %s (routing ID changed)",
			 mhost_domain(f->host),
			 (unsigned long long)(c->a >> 8 & 0xff),
			 (unsigned long long)(c->a >> 3 & 0x1f),
			 (unsigned long long)(c->a & 7), who);
		break;
	case C_BRIDGE_BME:
		snprintf(buf, len, "bus master cleared on upstream bridge %s", who);
		break;
	case C_BRIDGE_DSTATE:
		snprintf(buf, len, "upstream bridge %s in %s: it forwards no requests",
			 who, pm_state_name(c->a));
		break;
	case C_RANGE:
		snprintf(buf, len,
			 "bus %02x outside bus range %02llx-%02llx of upstream bridge %s (routing ID changed)",
			 e->bus_nr, (unsigned long long)c->a,
			 (unsigned long long)c->b, who);
		break;
	case C_SECONDARY:
		snprintf(buf, len,
			 "bus %02x no longer the secondary bus of upstream bridge %s (now %02llx; routing ID changed)",
			 e->bus_nr, who, (unsigned long long)c->a);
		break;
	case C_ROUTE:
		if (c->other)
			mfunc_path(c->other, other, sizeof(other));
		snprintf(buf, len, "config cycles to %s reach %s (routing ID changed)",
			 e->bdf, c->other ? other : "nothing");
		break;
	case C_MSE:
		if (f->pf)
			snprintf(buf, len, "VF memory space disabled on PF %s", who);
		else
			snprintf(buf, len, "memory space disabled on the device");
		break;
	case C_DSTATE_DECODE:
		snprintf(buf, len, "%s in %s: its memory space is not decoded",
			 f->pf ? "VF" : "device", pm_state_name(c->a));
		break;
	case C_BAR_MOVED:
		snprintf(buf, len, "%s %d moved from %#llx to %#llx", bar, c->bar,
			 (unsigned long long)c->a, (unsigned long long)c->b);
		break;
	case C_BRIDGE_MSE:
		snprintf(buf, len, "memory space disabled on upstream bridge %s",
			 who);
		break;
	case C_BRIDGE_DSTATE_DECODE:
		snprintf(buf, len,
			 "upstream bridge %s in %s: it forwards no memory requests downstream",
			 who, pm_state_name(c->a));
		break;
	case C_WINDOW:
		snprintf(buf, len,
			 "%s %d %#llx-%#llx outside the windows of upstream bridge %s",
			 bar, c->bar, (unsigned long long)c->a,
			 (unsigned long long)(c->a + c->b - 1), who);
		break;
	}
}

static bool cond_in(const struct mcond *c, const struct mcond *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i].code == c->code && set[i].bar == c->bar &&
		    set[i].who == c->who)
			return true;
	return false;
}

/* Does set hold a condition that stops DMA (dma) or one of BAR routing? */
static bool any_kind(const struct mcond *set, size_t n, bool dma)
{
	for (size_t i = 0; i < n; i++)
		if ((set[i].code < C_MSE) == dma)
			return true;
	return false;
}

/* Recompute e's broken conditions; record what broke or healed. */
static void evaluate(struct mdma *e, const struct mfunc *by)
{
	const struct mfunc *chain[MBUS_DEVFNS];
	struct machine *m = fn_machine(e->f);
	struct eval v = { dmas_get(m), 0 };
	char text[160], bypath[MACHINE_PATH_MAX] = "";
	struct mcond *cur;
	bool dma_back, bars_back;
	int depth;

	if (!v.d)
		return;
	v.d->checks++;
	depth = upstream(e->f, chain);
	eval_dma(&v, e, chain, depth);
	eval_bars(&v, e, chain, depth);
	cur = v.d->scratch;

	for (size_t i = 0; i < v.n; i++) {
		if (cond_in(&cur[i], e->broken, e->nr_broken))
			continue;
		cond_text(e, &cur[i], text, sizeof(text));
		event_add(m, e, cur[i].code < C_MSE ? MEV_DMA_DISRUPTED :
			  MEV_BAR_ROUTING_BROKEN, "%s", text);
	}
	dma_back = any_kind(e->broken, e->nr_broken, true) &&
		   !any_kind(cur, v.n, true);
	bars_back = any_kind(e->broken, e->nr_broken, false) &&
		    !any_kind(cur, v.n, false);
	if (by && (dma_back || bars_back))
		mfunc_path(by, bypath, sizeof(bypath));
	if (dma_back)
		event_add(m, e, MEV_DMA_RESUMED, "DMA resumed%s%s",
			  by ? " after a write to " : "", bypath);
	if (bars_back)
		event_add(m, e, MEV_BAR_ROUTING_RESTORED, "BAR routing restored%s%s",
			  by ? " after a write to " : "", bypath);

	if (v.n > e->cap_broken) {
		struct mcond *n = realloc(e->broken, v.n * sizeof(*n));

		if (!n)
			return;
		e->broken = n;
		e->cap_broken = v.n;
	}
	if (v.n)
		memcpy(e->broken, cur, v.n * sizeof(*cur));
	e->nr_broken = v.n;
}

/* ---- engines: life and where they hang ---- */

/*
 * Count e at its function, its PF, and every bus and bridge above. A
 * function that gets its first engine at or below it starts its Bus
 * Master history with the value it has now.
 */
static void fn_count(struct mfunc *f, int delta)
{
	f->dma_below += delta;
	if (delta > 0 && f->dma_below == (uint32_t)delta)
		bus_master_event(f, false);
}

static void engine_count(struct mdma *e, int delta)
{
	struct mfunc *f = e->f;

	fn_count(f, delta);
	if (f->pf)
		fn_count(f->pf, delta);
	for (struct mbus *bus = e->bus; bus;
	     bus = bus->bridge ? bus->bridge->bus : NULL) {
		bus->dma_below += delta;
		if (bus->bridge)
			fn_count(bus->bridge, delta);
	}
}

static void engine_destroy(struct mdmas *d, struct mdma *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		d->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	if (e->bprev)
		e->bprev->bnext = e->bnext;
	else
		e->bus->dma = e->bnext;
	if (e->bnext)
		e->bnext->bprev = e->bprev;
	engine_count(e, -1);
	e->f->dma = NULL;
	d->nr_engines--;
	free(e->broken);
	free(e);
}

int machine_dma_start(struct machine *m, uint16_t domain, uint8_t bus,
		      uint8_t devfn)
{
	struct mfunc *f = machine_find(m, domain, bus, devfn);
	struct mdmas *d = dmas_get(m);
	struct mdma *e;

	if (!f || !d || mfunc_is_type1(f->kind) || f->kind == MF_HOST_BRIDGE)
		return -1;
	if (f->dma)
		return 0;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -1;
	e->f = f;
	e->bus = attach_point(f)->bus;
	e->bus_nr = bus;
	e->devfn = devfn;
	mfunc_path(f, e->path, sizeof(e->path));
	snprintf(e->bdf, sizeof(e->bdf), "%04x:%02x:%02x.%d", domain, bus,
		 devfn >> 3, devfn & 7);
	bars_track(e);

	e->next = d->head;
	if (d->head)
		d->head->prev = e;
	d->head = e;
	e->bnext = e->bus->dma;
	if (e->bus->dma)
		e->bus->dma->bprev = e;
	e->bus->dma = e;
	f->dma = e;
	d->nr_engines++;
	engine_count(e, 1);

	event_add(m, e, MEV_DMA_STARTED, "DMA started by the driver");
	evaluate(e, NULL);	/* a driver may start it on a dead device */
	return 0;
}

int machine_dma_stop(struct machine *m, uint16_t domain, uint8_t bus,
		     uint8_t devfn)
{
	struct mfunc *f = machine_find(m, domain, bus, devfn);

	if (!f || !f->dma)
		return -1;
	event_add(m, f->dma, MEV_DMA_STOPPED, "DMA stopped by the driver");
	engine_destroy(dmas_get(m), f->dma);
	return 0;
}

bool mfunc_dma_running(const struct mfunc *f)
{
	return f->dma && !any_kind(f->dma->broken, f->dma->nr_broken, true);
}

bool mfunc_dma_started(const struct mfunc *f)
{
	return f->dma != NULL;
}

size_t machine_nr_dma(const struct machine *m)
{
	const struct mdmas *d = *machine_mdma((struct machine *)m);

	return d ? d->nr_engines : 0;
}

uint64_t machine_dma_checks(const struct machine *m)
{
	const struct mdmas *d = *machine_mdma((struct machine *)m);

	return d ? d->checks : 0;
}

void mdma_free(struct mdmas *d)
{
	if (!d)
		return;
	while (d->head)
		engine_destroy(d, d->head);
	free(d->ev);
	free(d->scratch);
	free(d);
}

/* ---- hooks ---- */

/*
 * Check the engines on bus and below; range, when given, holds two bus
 * ranges (lo, hi, lo, hi) and only engines whose bus is in one count.
 */
static void check_bus(struct mbus *bus, const struct mfunc *by,
		      const uint8_t range[4])
{
	if (!bus->dma_below)
		return;
	for (struct mdma *e = bus->dma; e; e = e->bnext)
		if (!range ||
		    (e->bus_nr >= range[0] && e->bus_nr <= range[1]) ||
		    (e->bus_nr >= range[2] && e->bus_nr <= range[3]))
			evaluate(e, by);
	for (uint16_t i = 0; i < bus->nr_bridges; i++)
		check_bus(bus->bridges[i]->sec, by, range);
}

void dma_check_under(struct mfunc *f, const struct mfunc *by)
{
	if (!f->dma_below)
		return;
	if (f->dma)
		evaluate(f->dma, by);
	if (f->iov)
		for (struct mdma *e = f->bus->dma; e; e = e->bnext)
			if (e->f->pf == f)
				evaluate(e, by);
	if (f->sec)
		check_bus(f->sec, by, NULL);
}

bool dma_pre_write(const struct mfunc *f, uint16_t where, int size,
		   struct dma_pre *pre)
{
	if (!dma_watched(f))
		return false;
	pre->where = where;
	pre->size = size;
	for (int i = 0; i < size; i++)
		pre->old[i] = cfg_byte(f, where + i);
	pre->bus_nr = f->bus_nr;
	pre->sec = f->sec ? cfg_byte(f, PCI_SECONDARY_BUS) : 0;
	pre->sub = f->sec ? cfg_byte(f, PCI_SUBORDINATE_BUS) : 0;
	return true;
}

/*
 * Which bits of a register an engine can depend on. Its own function:
 * Bus Master and Memory Space Enable, the BARs. A PF, for its VFs: the
 * SR-IOV capability. A bridge above it: Bus Master and Memory Space
 * Enable, secondary and subordinate bus, memory and prefetchable windows,
 * ARI Forwarding Enable. (Resets are hooked where they happen.)
 */
static uint8_t own_bits(const struct mfunc *f, uint16_t off)
{
	if (off == PCI_COMMAND)
		return PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	return off >= PCI_BASE_ADDRESS_0 && off <= PCI_BASE_ADDRESS_5 + 3 &&
	       !f->pf ? 0xff : 0;
}

static uint8_t sriov_bits(const struct mfunc *pf, uint16_t off)
{
	return off >= sriov_pos(pf) &&
	       off < sriov_pos(pf) + PCI_EXT_CAP_SRIOV_SIZEOF ? 0xff : 0;
}

static uint8_t bridge_bits(const struct mfunc *b, uint16_t off)
{
	if (off == PCI_COMMAND)
		return PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (off == PCI_SECONDARY_BUS || off == PCI_SUBORDINATE_BUS ||
	    (off >= PCI_MEMORY_BASE && off < PCI_IO_BASE_UPPER16))
		return 0xff;
	if (b->pcie && off == b->pcie + PCI_EXP_DEVCTL2)
		return PCI_EXP_DEVCTL2_ARI;
	return 0;
}

static bool changed(const struct mfunc *f, const struct dma_pre *pre,
		    uint8_t (*bits)(const struct mfunc *, uint16_t))
{
	for (int i = 0; i < pre->size; i++) {
		uint16_t off = pre->where + i;

		if ((pre->old[i] ^ cfg_byte(f, off)) & bits(f, off))
			return true;
	}
	return false;
}

/* The engines at or below f that the bits written may affect. */
static void check_written(struct mfunc *f, const struct dma_pre *pre,
			  bool moved)
{
	if (f->dma && changed(f, pre, own_bits))
		evaluate(f->dma, f);
	/* VFs follow the PF's bus number and SR-IOV capability. */
	if (f->iov && (moved || changed(f, pre, sriov_bits)))
		for (struct mdma *e = f->bus->dma; e; e = e->bnext)
			if (e->f->pf == f)
				evaluate(e, f);
	if (f->sec && changed(f, pre, bridge_bits))
		check_bus(f->sec, f, NULL);
}

void dma_post_write(struct mfunc *f, const struct dma_pre *pre)
{
	bool moved = pre->bus_nr != f->bus_nr;

	/* every write of the Command register, changed or not: its history */
	if (f->dma_below && pre->where <= PCI_COMMAND &&
	    pre->where + pre->size > PCI_COMMAND)
		bus_master_event(f, true);

	/* Only what a write changed can change what engines can do. */
	if (!moved && cfg_same(f, pre->where, pre->old, pre->size))
		return;
	if (f->dma_below)
		check_written(f, pre, moved);
	/*
	 * A bridge claiming other bus numbers may take a sibling's (the
	 * lowest-numbered bridge claims a cycle first) or give one back.
	 */
	if (f->sec && (pre->sec != cfg_byte(f, PCI_SECONDARY_BUS) ||
		       pre->sub != cfg_byte(f, PCI_SUBORDINATE_BUS))) {
		uint8_t range[4] = { pre->sec, pre->sub,
				     cfg_byte(f, PCI_SECONDARY_BUS),
				     cfg_byte(f, PCI_SUBORDINATE_BUS) };

		check_bus(f->bus, f, range);
	}
}

static void reset_engine(struct mdma *e, const char *why,
			 const struct mfunc *by)
{
	struct machine *m = fn_machine(e->f);
	char path[MACHINE_PATH_MAX] = "";

	if (by)
		mfunc_path(by, path, sizeof(path));
	event_add(m, e, MEV_RESET, "%s%s%s", why, by ? " " : "", path);
	engine_destroy(dmas_get(m), e);
}

void dma_reset(struct mfunc *f, const char *why, const struct mfunc *by)
{
	if (f->dma)
		reset_engine(f->dma, why, by);
}

void dma_reset_vfs(struct mfunc *pf, const char *why, const struct mfunc *by)
{
	struct mdma *e, *next;

	if (!pf->dma_below)
		return;
	for (e = pf->bus->dma; e; e = next) {
		next = e->bnext;
		if (e->f->pf == pf)
			reset_engine(e, why, by);
	}
}

void dma_reset_bus(struct mbus *bus, const char *why, const struct mfunc *by)
{
	struct mdma *e, *next;

	if (!bus->dma_below)
		return;
	for (e = bus->dma; e; e = next) {
		next = e->bnext;
		reset_engine(e, why, by);
	}
	for (uint16_t i = 0; i < bus->nr_bridges; i++)
		dma_reset_bus(bus->bridges[i]->sec, why, by);
}

void dma_reset_all(struct machine *m, const char *why)
{
	struct mdmas *d = *machine_mdma(m);

	while (d && d->head)
		reset_engine(d->head, why, NULL);
}
