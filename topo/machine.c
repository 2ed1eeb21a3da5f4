// SPDX-License-Identifier: GPL-2.0
/*
 * The machine: host bridges, attaching functions, and config-cycle routing.
 *
 * Routing is what real hardware does with the registers as programmed. On
 * the root bus number a host bridge issues type 0 cycles to its root bus.
 * Above it, type 1 cycles are offered to the bridges on the root bus; a
 * bridge claims the bus numbers secondary..subordinate, turns the cycle
 * into type 0 on its secondary bus or passes it further down, and SR-IOV
 * PFs claim type 1 cycles for the buses their VFs live on. A PCIe link
 * (below a root or downstream port) carries only device 0 unless the
 * port's ARI Forwarding Enable is set. What nobody claims reads all ones.
 *
 * Lookups are per-bus arrays indexed by devfn plus, per bus, the short
 * lists of bridges and PFs, so the cost of a cycle is its depth in the
 * hierarchy, not the number of functions in the machine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "mfunc.h"

#define PCI_SLOT(devfn)	((devfn) >> 3)

struct mwin {
	enum mwindow_kind kind;
	uint64_t start, end;
};

/*
 * Where the type-1 walk for one bus number ended, valid while route_gen
 * has not moved: every change to a bridge's bus-number registers (a
 * config write, a reset, a bridge attached or destroyed) bumps it. The
 * walk's outcome depends on nothing else; what is dynamic at the end of
 * it (ARI Forwarding, VF Enable) is looked at on every cycle.
 */
struct mroute {
	uint64_t gen;
	struct mbus *bus;	/* the bus the walk stopped at */
	bool type0;		/* it is bus nr itself (else: VFs of PFs on it) */
};

/* The tick hook is called every MACHINE_TICK_CYCLES config cycles. */
#define MACHINE_TICK_CYCLES (UINT64_C(1) << 20)

static uint64_t route_gen = 1;

static void (*machine_tick_hook)(void);

void machine_set_tick_hook(void (*fn)(void))
{
	machine_tick_hook = fn;
}

void machine_route_changed(void)
{
	route_gen++;
}

struct mhost {
	struct machine *m;
	uint16_t domain;
	uint8_t bus_start, bus_end;
	bool keep_buses;	/* its driver keeps firmware's bus numbers */
	bool preserve_config;	/* firmware says: keep its resources */
	struct mwin *win;
	size_t nr_win;
	struct mbus root;
	struct mroute *rcache;	/* [256] by bus number, allocated on use */
};

struct machine {
	struct mhost **hosts;	/* sorted by domain, then bus_start */
	size_t nr_hosts;
	struct mhost *last_host;	/* the last one host_find() found */
	/*
	 * The function the last config cycle reached (or NULL: nobody), for
	 * the next cycle to the same BDF (lookup()). What may change routing
	 * forgets it: an attach, a machine reset, and route_gen moving (bus
	 * numbers, ARI Forwarding, a bridge's D-state, VF Enable set, a PF's
	 * bus number, any function destroyed).
	 */
	struct mlast {
		bool valid;
		uint32_t key;		/* domain << 16 | bus << 8 | devfn */
		uint64_t gen;		/* route_gen when it was found */
		struct mfunc *f;
		bool type0;
	} last, prev;		/* prev: the one before (A-B-A patterns) */
	uint64_t accesses;
	uint64_t next_tick;	/* when to call the tick hook next */
	struct mram *ram;	/* topo/ram.c */
	struct mdmas *dma;	/* topo/dma.c: engines and event log */
	uint64_t time_ns;
};

/* Routing may have changed: the cached answers go. */
static void forget_last(struct machine *m)
{
	m->last.valid = false;
	m->prev.valid = false;
}

uint64_t machine_time_ns(const struct machine *m)
{
	return m->time_ns;
}

void machine_advance_time(struct machine *m, uint64_t ns)
{
	m->time_ns += ns;
}

struct mram **machine_mram(struct machine *m)
{
	return &m->ram;
}

struct mdmas **machine_mdma(struct machine *m)
{
	return &m->dma;
}

struct machine *mhost_machine(const struct mhost *h)
{
	return h->m;
}

struct mbus *mhost_root(struct mhost *h)
{
	return &h->root;
}

int merr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

struct machine *machine_new(void)
{
	struct machine *m = calloc(1, sizeof(struct machine));

	if (m)
		m->next_tick = MACHINE_TICK_CYCLES;
	return m;
}

static void mbus_free(struct mbus *bus)
{
	for (int devfn = 0; devfn < MBUS_DEVFNS; devfn++) {
		struct mfunc *f = bus->fn[devfn];

		if (!f)
			continue;
		if (f->sec)
			mbus_free(f->sec);
		mfunc_destroy(f);
	}
}

void machine_free(struct machine *m)
{
	if (!m)
		return;
	mram_free(m->ram);
	mdma_free(m->dma);	/* first: engines point into functions */
	for (size_t i = 0; i < m->nr_hosts; i++) {
		struct mhost *h = m->hosts[i];

		mbus_free(&h->root);
		free(h->root.bridges);
		free(h->root.pfs);
		free(h->win);
		free(h->rcache);
		free(h);
	}
	free(m->hosts);
	free(m);
}

static uint32_t host_key(uint16_t domain, uint8_t bus)
{
	return (uint32_t)domain << 8 | bus;
}

/* Index of the first host whose (domain, bus_start) is above (domain, bus). */
static size_t host_index(const struct machine *m, uint16_t domain, uint8_t bus)
{
	size_t lo = 0, hi = m->nr_hosts;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (host_key(m->hosts[mid]->domain, m->hosts[mid]->bus_start) <=
		    host_key(domain, bus))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The host bridge a cycle to domain:bus goes to: the one of the domain
 * whose bus range holds bus (a domain may have several, x86 servers'
 * uncore root buses beside bus 00); a bus no range holds goes to one of
 * the domain's hosts, where nothing answers. NULL: no such domain.
 */
static struct mhost *host_find(struct machine *m, uint16_t domain, uint8_t bus)
{
	struct mhost *h = m->last_host;
	size_t i;

	/* the kernel scans one root bus at a time: the last one answers */
	if (h && h->domain == domain && bus >= h->bus_start && bus <= h->bus_end)
		return h;
	i = host_index(m, domain, bus);
	if (i && m->hosts[i - 1]->domain == domain)
		return m->last_host = m->hosts[i - 1];
	if (i < m->nr_hosts && m->hosts[i]->domain == domain)
		return m->last_host = m->hosts[i];
	return NULL;
}

bool mhost_first_of_domain(const struct mhost *h)
{
	const struct machine *m = h->m;
	size_t i = host_index(m, h->domain, h->bus_start);

	return i < 2 || m->hosts[i - 2]->domain != h->domain;
}

struct mhost *machine_add_host(struct machine *m, uint16_t domain,
			       uint8_t bus_start, uint8_t bus_end,
			       char *err, size_t errlen)
{
	struct mhost *h, **hosts;
	size_t i;

	if (bus_start > bus_end) {
		merr(err, errlen, "empty bus range %02x-%02x", bus_start, bus_end);
		return NULL;
	}
	/*
	 * Hosts are sorted by domain and first bus, and the ranges of one
	 * domain never overlap: only the neighbours where this one goes can
	 * (a scan of every host made 65,536 of them quadratic).
	 */
	i = host_index(m, domain, bus_start);
	for (size_t j = i ? i - 1 : 0; j < m->nr_hosts && j <= i; j++) {
		const struct mhost *o = m->hosts[j];

		if (o->domain == domain && bus_start <= o->bus_end &&
		    bus_end >= o->bus_start) {
			merr(err, errlen, "domain %04x already exists with buses %02x-%02x",
			     domain, o->bus_start, o->bus_end);
			return NULL;
		}
	}
	h = calloc(1, sizeof(*h));
	hosts = realloc(m->hosts, (m->nr_hosts + 1) * sizeof(*hosts));
	if (!h || !hosts) {
		free(h);
		if (hosts)
			m->hosts = hosts;
		merr(err, errlen, "out of memory");
		return NULL;
	}
	m->hosts = hosts;
	h->m = m;
	h->domain = domain;
	h->bus_start = bus_start;
	h->bus_end = bus_end;
	i = host_index(m, domain, bus_start);
	memmove(&hosts[i + 1], &hosts[i], (m->nr_hosts - i) * sizeof(*hosts));
	hosts[i] = h;
	m->nr_hosts++;
	return h;
}

int mhost_add_window(struct mhost *h, enum mwindow_kind kind,
		     uint64_t start, uint64_t end, char *err, size_t errlen)
{
	struct mwin *win;

	if (kind != MW_IO && kind != MW_MEM && kind != MW_PREF &&
	    kind != MW_MEM64)
		return merr(err, errlen, "unknown window kind %d", (int)kind);
	if (start > end)
		return merr(err, errlen, "window %#llx-%#llx is empty",
			    (unsigned long long)start, (unsigned long long)end);
	if ((kind == MW_IO || kind == MW_MEM) && end > 0xffffffffULL)
		return merr(err, errlen, "%s window ends above 4G",
			    kind == MW_IO ? "I/O" : "memory");
	for (size_t i = 0; i < h->nr_win; i++) {
		const struct mwin *w = &h->win[i];

		if ((w->kind == MW_IO) == (kind == MW_IO) &&
		    start <= w->end && w->start <= end)
			return merr(err, errlen, "window %#llx-%#llx overlaps another",
				    (unsigned long long)start,
				    (unsigned long long)end);
	}
	win = realloc(h->win, (h->nr_win + 1) * sizeof(*win));
	if (!win)
		return merr(err, errlen, "out of memory");
	h->win = win;
	win[h->nr_win++] = (struct mwin){ kind, start, end };
	return 0;
}

static int list_add(struct mfunc ***list, uint16_t *nr, struct mfunc *f)
{
	struct mfunc **l = realloc(*list, (*nr + 1) * sizeof(*l));
	uint16_t i = *nr;

	if (!l)
		return -1;
	/* Keep devfn order: the lowest-numbered bridge sees a cycle first. */
	while (i && l[i - 1]->devfn > f->devfn) {
		l[i] = l[i - 1];
		i--;
	}
	l[i] = f;
	*list = l;
	(*nr)++;
	return 0;
}

/*
 * Which functions form one device: below a PCIe link every function on the
 * bus (an ARI device may use all 256 function numbers), elsewhere the 8
 * functions of one device number.
 */
static bool same_device(const struct mbus *bus, uint8_t a, uint8_t b)
{
	if (bus->bridge && caps_is_link_port(bus->bridge))
		return true;
	return PCI_SLOT(a) == PCI_SLOT(b);
}

/*
 * Read-only state that depends on siblings: the Multi-Function bit of the
 * Header Type, and the ARI Next Function Number chain through the device's
 * ARI functions (0 ends it). Functions are only ever added, so a new one
 * changes its own state and at most one neighbour's: the bit of the first
 * sibling (when the device stops being single-function) and the Next
 * Function of the ARI function before it. A device of 256 functions
 * costs 256 updates to build, not 256 squared.
 */
static void device_update(struct mbus *bus, uint8_t devfn)
{
	struct mfunc *f = bus->fn[devfn], *prev = NULL, *next = NULL;
	int n = 0;

	for (int d = 0; d < MBUS_DEVFNS; d++) {
		struct mfunc *x = bus->fn[d];

		if (!x || !same_device(bus, d, devfn))
			continue;
		n++;
		if (d == devfn || !x->ari)
			continue;
		if (d < devfn)
			prev = x;
		else if (!next)
			next = x;
	}
	if (n == 2) {
		/* the one sibling there was is now part of a multi-function device */
		for (int d = 0; d < MBUS_DEVFNS; d++)
			if (bus->fn[d] && d != devfn && same_device(bus, d, devfn))
				cfg_poke(bus->fn[d], PCI_HEADER_TYPE, 1, 0,
					 PCI_HEADER_TYPE_MFD);
	}
	cfg_poke(f, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_MFD,
		 n > 1 ? PCI_HEADER_TYPE_MFD : 0);
	if (f->ari) {
		caps_set_ari_next(f, next ? next->devfn : 0);
		if (prev)
			caps_set_ari_next(prev, devfn);
	}
}

const char *mfunc_unreachable(const struct mfunc *f)
{
	const struct mbus *bus = f->bus;
	bool link = bus->bridge && caps_is_link_port(bus->bridge);
	const struct mfunc *fn0 = bus->fn[link ? 0 : f->devfn & ~7];

	if (!fn0)
		return "no function 0 on its device: the kernel scans a device "
		       "only when function 0 answers (pci_scan_slot())";
	if (!link || f == fn0)
		return NULL;
	if (fn0->ari && !f->ari)
		return "not an ARI function beside an ARI function 0: with ARI on "
		       "(the kernel's default; pci=noari aside) the kernel "
		       "follows function 0's ARI Next Function chain, which only "
		       "ARI functions are on";
	if (!fn0->ari && f->devfn >= 8)
		return "function numbers past 7 are ARI's, and function 0 has no "
		       "ARI capability (add ari to 00.0)";
	return NULL;
}

struct mfunc *machine_add_function(struct machine *m, struct mhost *h,
				   struct mfunc *parent, uint8_t devfn,
				   const struct mfunc_desc *d,
				   char *err, size_t errlen)
{
	struct mbus *bus;
	struct mfunc *f;

	if (!h || h->m != m) {
		merr(err, errlen, "host bridge not in this machine");
		return NULL;
	}
	if (parent && (!parent->sec || parent->host != h)) {
		merr(err, errlen, "parent is not a bridge of this host");
		return NULL;
	}
	bus = parent ? parent->sec : &h->root;
	if (bus->fn[devfn]) {
		merr(err, errlen, "devfn %02x.%d already taken",
		     PCI_SLOT(devfn), devfn & 7);
		return NULL;
	}
	f = mfunc_create(d, devfn, err, errlen);
	if (!f)
		return NULL;
	f->host = h;
	f->bus = bus;
	/* A function is a bridge or a PF, never both: one list at most. */
	if ((f->sec && list_add(&bus->bridges, &bus->nr_bridges, f)) ||
	    (f->iov && list_add(&bus->pfs, &bus->nr_pfs, f))) {
		mfunc_destroy(f);
		merr(err, errlen, "out of memory");
		return NULL;
	}
	bus->fn[devfn] = f;
	forget_last(m);
	if (f->sec)
		machine_route_changed();
	device_update(bus, devfn);
	if (parent)
		caps_set_presence(parent, true);
	return f;
}

/*
 * A VF claiming a cycle; peek looks without building one (checks of DMA
 * engines must not change the machine).
 */
static struct mfunc *vf_at(struct mfunc *pf, uint8_t nr, uint8_t devfn,
			   bool peek)
{
	return peek ? sriov_peek_vf(pf, nr, devfn) :
		      sriov_find_vf(pf, nr, devfn);
}

/* Type 0 on bus, whose number is nr. */
static struct mfunc *route_type0(struct mbus *bus, uint8_t nr, uint8_t devfn,
				 bool peek)
{
	struct mfunc *f;

	if (bus->bridge && caps_is_link_port(bus->bridge) && PCI_SLOT(devfn) &&
	    !caps_ari_forwarding(bus->bridge))
		return NULL;
	f = bus->fn[devfn];
	if (f)
		return f;
	for (uint16_t i = 0; i < bus->nr_pfs; i++) {
		f = vf_at(bus->pfs[i], nr, devfn, peek);
		if (f)
			return f;
	}
	return NULL;
}

/*
 * Type 1 for bus nr, offered to what sits on bus: the bus the cycle ends
 * up on, type 0 there (*type0) or for the VFs of the PFs on it.
 */
static struct mbus *walk_type1(struct mbus *bus, uint8_t nr, bool *type0)
{
	for (;;) {
		struct mfunc *b = NULL;

		for (uint16_t i = 0; i < bus->nr_bridges; i++) {
			if (bridge_forwards(bus->bridges[i], nr)) {
				b = bus->bridges[i];
				break;
			}
		}
		if (!b) {
			*type0 = false;
			return bus;
		}
		if (nr == bridge_secondary(b)) {
			*type0 = true;
			return b->sec;
		}
		bus = b->sec;
	}
}

static struct mfunc *route_pfs(struct mbus *bus, uint8_t nr, uint8_t devfn,
			       bool peek)
{
	struct mfunc *f;

	for (uint16_t i = 0; i < bus->nr_pfs; i++) {
		f = vf_at(bus->pfs[i], nr, devfn, peek);
		if (f)
			return f;
	}
	return NULL;
}

static struct mfunc *route_peek(struct mhost *h, uint8_t bus, uint8_t devfn,
				bool *type0, bool peek)
{
	struct mroute *rc;
	struct mbus *to;

	*type0 = false;
	if (bus < h->bus_start || bus > h->bus_end)
		return NULL;
	if (bus == h->bus_start) {
		*type0 = true;
		return route_type0(&h->root, bus, devfn, peek);
	}
	if (!h->rcache)
		h->rcache = calloc(256, sizeof(*h->rcache));
	rc = h->rcache ? &h->rcache[bus] : NULL;
	if (rc && rc->gen == route_gen) {
		to = rc->bus;
		*type0 = rc->type0;
	} else {
		to = walk_type1(&h->root, bus, type0);
		if (rc)
			*rc = (struct mroute){ route_gen, to, *type0 };
	}
	return *type0 ? route_type0(to, bus, devfn, peek) :
			route_pfs(to, bus, devfn, peek);
}

static struct mfunc *route(struct mhost *h, uint8_t bus, uint8_t devfn,
			   bool *type0)
{
	return route_peek(h, bus, devfn, type0, false);
}

struct mfunc *machine_route_peek(struct mhost *h, uint8_t bus, uint8_t devfn)
{
	bool type0;

	return route_peek(h, bus, devfn, &type0, true);
}

static bool access_ok(uint16_t where, int size)
{
	/* a mask, not %: a division per config cycle showed in profiles */
	return (size == 1 || size == 2 || size == 4) && !(where & (size - 1)) &&
	       where + size <= MACHINE_CFG_SIZE;
}

/*
 * The function a config cycle to domain:bus:devfn reaches (NULL: none),
 * and whether it arrived as type 0; false if no host has that domain.
 * The kernel reads and writes one function many times in a row: the
 * last answer is kept until routing may have changed (route_gen moved,
 * or a write to a bridge or a PF, see machine_cfg_write()).
 */
static bool lookup_slow(struct machine *m, uint32_t key, struct mfunc **f,
			bool *type0)
{
	struct mlast found;
	struct mhost *h;

	/* The kernel often goes back and forth between two functions. */
	if (m->prev.valid && m->prev.key == key && m->prev.gen == route_gen) {
		found = m->prev;
	} else {
		h = host_find(m, key >> 16, key >> 8 & 0xff);
		if (!h)
			return false;
		found.f = route(h, key >> 8 & 0xff, key & 0xff, &found.type0);
		found.valid = true;
		found.key = key;
		found.gen = route_gen;
	}
	m->prev = m->last;
	m->last = found;
	*f = found.f;
	*type0 = found.type0;
	return true;
}

static inline bool lookup(struct machine *m, uint32_t key, struct mfunc **f,
			  bool *type0)
{
	if (m->last.valid && m->last.key == key && m->last.gen == route_gen) {
		*f = m->last.f;
		*type0 = m->last.type0;
		return true;
	}
	return lookup_slow(m, key, f, type0);
}

/*
 * The tick hook, every 2^20 config cycles the machine answers: the hot
 * path only compares the count, the slow path (where a due tick sends
 * the cycle) calls the hook.
 */
static __attribute__((noinline, cold)) void machine_tick(struct machine *m)
{
	m->next_tick = (m->accesses / MACHINE_TICK_CYCLES + 1) *
		       MACHINE_TICK_CYCLES;
	if (machine_tick_hook)
		machine_tick_hook();
}

static inline void machine_tick_check(struct machine *m)
{
	if (m->accesses >= m->next_tick)
		machine_tick(m);
}

/* A cycle the machine answers, to f (NULL: nobody claims it). */
static inline int cfg_read_at(struct machine *m, const struct mfunc *f,
			      uint16_t where, int size, uint32_t *val)
{
	m->accesses++;
	/*
	 * access_ok(), knowing that cfg_size is at most MACHINE_CFG_SIZE,
	 * without a branch per condition: sizes 1, 2 and 4 come mixed, and
	 * a branch on them is mispredicted often.
	 */
	if (f && (((unsigned int)size <= 4 && (0x16 >> size) & 1) &
		  !(where & (size - 1)) & (where + size <= f->cfg_size)))
		*val = mfunc_read_in(f, where, size);
	else
		*val = cfg_ones(size);
	return 0;
}

/* Out of line, so that the hot path below needs no stack frame. */
static __attribute__((noinline)) int cfg_read_slow(struct machine *m,
						   uint32_t rid,
						   uint16_t where, int size,
						   uint32_t *val)
{
	struct mfunc *f;
	bool type0;

	if (!m || !lookup_slow(m, rid, &f, &type0)) {
		*val = 0xffffffff;
		return MACHINE_CFG_NO_HOST;
	}
	machine_tick_check(m);
	return cfg_read_at(m, f, where, size, val);
}

int machine_cfg_read_rid(struct machine *m, uint32_t rid, uint16_t where,
			 int size, uint32_t *val)
{
	/* the tick, when due, goes the slow way: a loop on one function too */
	if (m && m->last.valid && m->last.key == rid &&
	    m->last.gen == route_gen && m->accesses < m->next_tick)
		return cfg_read_at(m, m->last.f, where, size, val);
	return cfg_read_slow(m, rid, where, size, val);
}

int machine_cfg_write_rid(struct machine *m, uint32_t rid, uint16_t where,
			  int size, uint32_t val)
{
	struct dma_pre pre;
	struct mfunc *f;
	bool type0, watch;

	if (!m || !lookup(m, rid, &f, &type0))
		return MACHINE_CFG_NO_HOST;
	machine_tick_check(m);
	m->accesses++;
	if (!f || !access_ok(where, size))
		return 0;
	/* Only when DMA engines sit at or below f (or beside a bridge). */
	watch = dma_watched(f) && dma_pre_write(f, where, size, &pre);
	/*
	 * Functions capture their bus number from type-0 writes; a PF's VFs
	 * route by the PF's. Whatever else a write changes in routing (a
	 * bridge's bus numbers, ARI Forwarding, D-state or a reset below it,
	 * a PF's VF Enable or reset) moves route_gen where it happens
	 * (mfunc_write() and what it calls), and the cached answers go.
	 */
	if (type0 && !f->pf) {
		uint8_t nr = rid >> 8 & 0xff;

		if (f->iov && f->bus_nr != nr)
			machine_route_changed();
		f->bus_nr = nr;
	}
	mfunc_write(f, where, size, val);
	if (watch)
		dma_post_write(f, &pre);
	return 0;
}

bool machine_cfg_read(struct machine *m, uint16_t domain, uint8_t bus,
		      uint8_t devfn, uint16_t where, int size, uint32_t *val)
{
	if (machine_cfg_read_rid(m, MACHINE_RID(domain, bus, devfn), where,
				 size, val)) {
		*val = cfg_ones(size);	/* as a read of nothing */
		return false;
	}
	return true;
}

bool machine_cfg_write(struct machine *m, uint16_t domain, uint8_t bus,
		       uint8_t devfn, uint16_t where, int size, uint32_t val)
{
	return !machine_cfg_write_rid(m, MACHINE_RID(domain, bus, devfn),
				      where, size, val);
}

struct mfunc *machine_find(struct machine *m, uint16_t domain, uint8_t bus,
			   uint8_t devfn)
{
	struct mhost *h = host_find(m, domain, bus);
	bool type0;

	return h ? route(h, bus, devfn, &type0) : NULL;
}

void machine_reset(struct machine *m)
{
	forget_last(m);
	dma_reset_all(m, "machine reset (cold)");
	for (size_t i = 0; i < m->nr_hosts; i++)
		mbus_reset(&m->hosts[i]->root, true);
}

size_t machine_nr_hosts(const struct machine *m)
{
	return m->nr_hosts;
}

struct mhost *machine_host(struct machine *m, size_t i)
{
	return i < m->nr_hosts ? m->hosts[i] : NULL;
}

uint16_t mhost_domain(const struct mhost *h)
{
	return h->domain;
}

void mhost_set_keep_buses(struct mhost *h, bool keep)
{
	h->keep_buses = keep;
}

bool mhost_keep_buses(const struct mhost *h)
{
	return h->keep_buses;
}

void mhost_set_preserve_config(struct mhost *h, bool keep)
{
	h->preserve_config = keep;
}

bool mhost_preserve_config(const struct mhost *h)
{
	return h->preserve_config;
}

void mhost_bus_range(const struct mhost *h, uint8_t *start, uint8_t *end)
{
	*start = h->bus_start;
	*end = h->bus_end;
}

size_t mhost_nr_windows(const struct mhost *h)
{
	return h->nr_win;
}

void mhost_window(const struct mhost *h, size_t i, enum mwindow_kind *kind,
		  uint64_t *start, uint64_t *end)
{
	*kind = h->win[i].kind;
	*start = h->win[i].start;
	*end = h->win[i].end;
}

uint64_t machine_cfg_accesses(const struct machine *m)
{
	return m->accesses;
}

static size_t bus_count(const struct mbus *bus, size_t *vfs)
{
	size_t n = 0;

	for (int devfn = 0; devfn < MBUS_DEVFNS; devfn++) {
		const struct mfunc *f = bus->fn[devfn];

		if (!f)
			continue;
		n++;
		if (f->iov)
			*vfs += cfg_get(f, sriov_pos(f) + PCI_SRIOV_TOTAL_VF, 2);
		if (f->sec)
			n += bus_count(f->sec, vfs);
	}
	return n;
}

size_t machine_nr_functions(const struct machine *m, size_t *possible_vfs)
{
	size_t n = 0, vfs = 0;

	for (size_t i = 0; i < m->nr_hosts; i++)
		n += bus_count(&m->hosts[i]->root, &vfs);
	if (possible_vfs)
		*possible_vfs = vfs;
	return n;
}

void machine_cow_stats(uint64_t *shared_blobs, uint64_t *shared_bytes,
		       uint64_t *private_chunks)
{
	mcow_stats(shared_blobs, shared_bytes);
	*private_chunks = mcow_private_chunks();
}
