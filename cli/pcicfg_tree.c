// SPDX-License-Identifier: GPL-2.0
/*
 * Captured functions -> the physical tree -> topology text.
 *
 * A capture is flat: functions by bus number. The tree is in the bridges'
 * bus-number registers: a function's parent is the bridge whose secondary
 * bus is the function's bus; functions on a bus no bridge leads to sit on
 * a root bus, below a host. VFs are left out (their PF's SR-IOV capability
 * recreates them when the kernel enables them), and so is anything the
 * topology format cannot say, each with a warning.
 *
 * The text is checked before anyone sees it: parsed and built exactly as
 * "pcisim enumerate" would, so an import never hands over a file that
 * pcisim itself refuses.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "cli.h"
#include "pcicfg.h"
#include "topofile.h"

/* QEMU virt's windows (FORMAT.md) for the first host; later hosts get
 * made-up ones that overlap nothing: a capture does not show any. */
#define EXTRA_MEM_BASE		UINT64_C(0x40000000)
#define EXTRA_MEM_SIZE		UINT64_C(0x10000000)
#define EXTRA_MEM_SLOTS		12		/* up to 4 GiB */
#define EXTRA_MEM64_SIZE	UINT64_C(0x10000000000)
#define EXTRA_IO_BASE		UINT64_C(0x8000)	/* the first host: below */
#define EXTRA_IO_SIZE		UINT64_C(0x8000)

struct tree {
	struct pcifn *f;
	size_t n;
	int *first, *next;	/* children lists */
	struct pcicfg_diag *dg;
};

static int cmp_bdf(const void *a, const void *b)
{
	const struct pcicfg *x = *(const struct pcicfg *const *)a;
	const struct pcicfg *y = *(const struct pcicfg *const *)b;
	uint32_t kx = (uint32_t)x->domain << 16 | x->bus << 8 | x->devfn;
	uint32_t ky = (uint32_t)y->domain << 16 | y->bus << 8 | y->devfn;

	return kx < ky ? -1 : kx > ky;
}

/* Index into t->f of the function at domain:rid, or -1. */
static int find_fn(const struct tree *t, uint16_t domain, uint32_t rid)
{
	uint32_t key = (uint32_t)domain << 16 | rid;
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct pcicfg *c = t->f[mid].c;
		uint32_t k = (uint32_t)c->domain << 16 | c->bus << 8 | c->devfn;

		if (k == key)
			return (int)mid;
		if (k < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* VFs answer at PF + First VF Offset + n * VF Stride while VF Enable is
 * set; a capture taken then shows them, but they are no hardware of
 * their own. */
static void mark_vfs(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pcifn *pf = &t->f[i];
		uint32_t rid = (uint32_t)pf->c->bus << 8 | pf->c->devfn;

		if (!pf->vf_enable || pf->is_vf)
			continue;
		for (uint32_t v = 0; v < pf->num_vfs; v++) {
			uint32_t r = rid + pf->d.vf_offset + v * pf->d.vf_stride;
			int j;

			if (r > 0xffff)
				break;
			j = find_fn(t, pf->c->domain, r);
			if (j >= 0 && (size_t)j != i)
				t->f[j].is_vf = true;
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		struct pcifn *f = &t->f[i];

		if (!f->is_vf && (f->d.vendor == 0xffff || !f->d.vendor)) {
			pcicfg_warn(t->dg, f->c, "reads vendor %04x: left out (a VF whose PF is not in the capture?)",
				    f->d.vendor);
			f->is_vf = true;
		}
	}
}

static int cmp_secondary(const void *a, const void *b)
{
	const struct pcifn *x = *(struct pcifn *const *)a;
	const struct pcifn *y = *(struct pcifn *const *)b;
	uint64_t kx = (uint64_t)x->c->domain << 24 | (uint32_t)x->secondary << 16 |
		      x->c->bus << 8 | x->c->devfn;
	uint64_t ky = (uint64_t)y->c->domain << 24 | (uint32_t)y->secondary << 16 |
		      y->c->bus << 8 | y->c->devfn;

	return kx < ky ? -1 : kx > ky;
}

/* Parents from bus numbers: the bridge whose secondary bus is ours. */
static int link_parents(struct tree *t)
{
	struct pcifn **br = calloc(t->n + 1, sizeof(*br));
	size_t nb = 0;
	int rc = 0;

	if (!br)
		return -1;
	for (size_t i = 0; i < t->n; i++) {
		struct pcifn *f = &t->f[i];

		/* a secondary bus at or below its own is not programmed */
		if (!f->is_vf && (f->hdr_type == PCI_HEADER_TYPE_BRIDGE ||
				  f->hdr_type == PCI_HEADER_TYPE_CARDBUS) &&
		    f->secondary > f->c->bus)
			br[nb++] = f;
	}
	qsort(br, nb, sizeof(*br), cmp_secondary);
	for (size_t i = 1; i < nb; i++) {
		if (br[i]->c->domain == br[i - 1]->c->domain &&
		    br[i]->secondary == br[i - 1]->secondary) {
			pcicfg_error(t->dg, br[i]->c, "has secondary bus %02x, as %s does: the bus numbers do not form a tree",
				     br[i]->secondary, br[i - 1]->bdf);
			rc = -1;
		}
	}
	for (size_t i = 0; !rc && i < t->n; i++) {
		struct pcifn *f = &t->f[i];
		size_t lo = 0, hi = nb;
		uint32_t key = (uint32_t)f->c->domain << 8 | f->c->bus;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			uint32_t k = (uint32_t)br[mid]->c->domain << 8 | br[mid]->secondary;

			if (k == key) {
				f->parent = (int)(br[mid] - t->f);
				break;
			}
			if (k < key)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	free(br);
	return rc;
}

/* Children lists in devfn order; refuses loops in the bus numbers. */
static int link_children(struct tree *t)
{
	int *last = malloc((t->n + 1) * sizeof(int));

	if (!last)
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->first[i] = t->next[i] = last[i] = -1;
	for (size_t i = 0; i < t->n; i++) {
		struct pcifn *f = &t->f[i];
		size_t depth = 0;
		int p = f->parent;

		while (p >= 0 && depth++ <= t->n)
			p = t->f[p].parent;
		if (p >= 0) {
			pcicfg_error(t->dg, f->c, "sits below itself: the bridges' bus numbers form a loop");
			free(last);
			return -1;
		}
		if (f->is_vf || f->parent < 0)
			continue;
		if (last[f->parent] < 0)
			t->first[f->parent] = (int)i;
		else
			t->next[last[f->parent]] = (int)i;
		last[f->parent] = (int)i;
	}
	free(last);
	return 0;
}

#define KB(k)	(1u << (k))

/* FORMAT.md, "may sit below"; parent -1 is the host. */
static uint32_t allowed_below(int parent)
{
	switch (parent) {
	case -1:
		return KB(MF_RCIEP) | KB(MF_PCI_DEVICE) | KB(MF_HOST_BRIDGE) |
		       KB(MF_ROOT_PORT) | KB(MF_PCIE_TO_PCI) | KB(MF_PCI_BRIDGE) |
		       KB(MF_CARDBUS_BRIDGE);
	case MF_ROOT_PORT:
	case MF_SWITCH_DOWN:
		return KB(MF_ENDPOINT) | KB(MF_LEGACY_ENDPOINT) |
		       KB(MF_SWITCH_UP) | KB(MF_PCIE_TO_PCI);
	case MF_SWITCH_UP:
		return KB(MF_SWITCH_DOWN);
	case MF_PCIE_TO_PCI:
	case MF_PCI_BRIDGE:
		return KB(MF_PCI_DEVICE) | KB(MF_PCI_BRIDGE) |
		       KB(MF_CARDBUS_BRIDGE);
	}
	return 0;
}

/* The nearest kind that may sit there (real machines have RCiEPs that
 * call themselves endpoints, conventional functions below PCIe ports). */
static int substitute(const struct pcifn *f, int parent)
{
	bool type1 = f->hdr_type == PCI_HEADER_TYPE_BRIDGE;
	bool pcie = f->pcie_type >= 0;

	if (f->hdr_type == PCI_HEADER_TYPE_CARDBUS)
		return -1;	/* no other kind has its registers */
	switch (parent) {
	case -1:
		return type1 ? (pcie ? MF_ROOT_PORT : MF_PCI_BRIDGE) :
			       (pcie ? MF_RCIEP : MF_PCI_DEVICE);
	case MF_ROOT_PORT:
	case MF_SWITCH_DOWN:
		return type1 ? (pcie ? MF_SWITCH_UP : MF_PCIE_TO_PCI) : MF_ENDPOINT;
	case MF_SWITCH_UP:
		return type1 ? MF_SWITCH_DOWN : -1;
	default:
		return type1 ? MF_PCI_BRIDGE : MF_PCI_DEVICE;
	}
}

static const char *const kind_names[] = {
	[MF_ENDPOINT] = "endpoint", [MF_LEGACY_ENDPOINT] = "legacy-endpoint",
	[MF_RCIEP] = "rciep", [MF_PCI_DEVICE] = "pci-device",
	[MF_HOST_BRIDGE] = "host-bridge", [MF_ROOT_PORT] = "root-port",
	[MF_SWITCH_UP] = "switch-up", [MF_SWITCH_DOWN] = "switch-down",
	[MF_PCIE_TO_PCI] = "pcie-pci-bridge", [MF_PCI_BRIDGE] = "pci-bridge",
	[MF_CARDBUS_BRIDGE] = "cardbus-bridge",
};

/* Everything below i is left out: one warning each, naming it. */
static void left_out_below(struct tree *t, size_t i, const char *why)
{
	for (int c = t->first[i]; c >= 0; c = t->next[c]) {
		pcicfg_warn(t->dg, t->f[c].c, "sits below %s: left out (%s)",
			    t->f[i].bdf, why);
		left_out_below(t, (size_t)c, why);
	}
}

static size_t count_below(const struct tree *t, size_t i)
{
	size_t n = 0;

	for (int c = t->first[i]; c >= 0; c = t->next[c])
		n += 1 + count_below(t, (size_t)c);
	return n;
}

/* Make f's kind one that may sit below parent; false: leave it out. */
static bool fit(struct tree *t, size_t i, int parent)
{
	struct pcifn *f = &t->f[i];
	const char *pname = parent < 0 ? "a host" : kind_names[parent];
	enum mfunc_kind was = f->d.kind;
	char dropped[128];
	int k;

	if (f->hdr_type > PCI_HEADER_TYPE_CARDBUS) {
		pcicfg_warn(t->dg, f->c, "has header type %u (not modelled): left out with the %zu functions below it",
			    f->hdr_type, count_below(t, i));
		left_out_below(t, i, "a function above is left out");
		return false;
	}
	if (!(allowed_below(parent) & KB(was))) {
		k = substitute(f, parent);
		if (k < 0 || !(allowed_below(parent) & KB(k))) {
			pcicfg_warn(t->dg, f->c, "is a %s, which cannot sit below %s in a topology: left out with the %zu functions below it",
				    kind_names[was], pname, count_below(t, i));
			left_out_below(t, i, "a function above is left out");
			return false;
		}
		f->d.kind = (enum mfunc_kind)k;
		pcicfg_warn(t->dg, f->c, "is a %s below %s: imported as %s",
			    kind_names[was], pname, kind_names[k]);
	}
	if (f->d.kind == MF_CARDBUS_BRIDGE)
		left_out_below(t, i, "a CardBus card: a topology models nothing behind a cardbus-bridge, as the PCI core enumerates nothing there; pcmcia's yenta driver does");
	desc_drop_unsupported(&f->d, dropped, sizeof(dropped));
	if (dropped[0])
		pcicfg_warn(t->dg, f->c, "has %s, which a %s in a topology cannot have: left out",
			    dropped, kind_names[f->d.kind]);
	return true;
}

static int emit_fn(struct tree *t, FILE *o, size_t i, int depth, int parent)
{
	struct pcifn *f = &t->f[i];

	if (!fit(t, i, parent))
		return 0;
	fprintf(o, "%*s%02x.%x %s", 2 * depth, "", f->c->devfn >> 3,
		f->c->devfn & 7, kind_names[f->d.kind]);
	if (desc_write_attrs(o, &f->d) || fputc('\n', o) == EOF)
		return -1;
	for (int c = t->first[i]; c >= 0 && f->d.kind != MF_CARDBUS_BRIDGE;
	     c = t->next[c])
		if (emit_fn(t, o, (size_t)c, depth + 1, f->d.kind))
			return -1;
	return 0;
}

/* The root buses (hosts) of the capture: functions with no parent. */
static size_t count_hosts(const struct tree *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct pcifn *f = &t->f[i];

		if (f->is_vf || f->parent >= 0)
			continue;
		if (!n || t->f[i - 1].c->domain != f->c->domain ||
		    t->f[i - 1].c->bus != f->c->bus)
			n++;
	}
	return n;
}

/*
 * Host h's windows (h > 0, or h == 0 of several): QEMU virt's for the
 * first (less I/O), made-up ones that overlap nothing for the others. A
 * capture shows no host window, so these are the only choice to make:
 * every host gets I/O space while there is some to share (I/O space ends
 * at 0xffff: the first 8 extra hosts get 4K or more, any further none),
 * as x86's host bridges do from their _CRS,
 * the first host the lower half with the legacy ports, the others equal
 * 4K-aligned shares of the upper half (I/O space ends at 0xffff).
 */
static void host_windows(FILE *o, size_t h, size_t nhosts)
{
	uint64_t m64 = EXTRA_MEM64_SIZE * h;
	size_t extra = nhosts - 1;
	uint64_t share = extra ? (EXTRA_IO_SIZE / extra) & ~UINT64_C(0xfff) : 0;

	if (!h) {
		fprintf(o, " io=0x0-%#llx mem=0x10000000-0x3efeffff mem64=0x8000000000-0xffffffffff",
			(unsigned long long)(EXTRA_IO_BASE - 1));
		return;
	}
	if (share)
		fprintf(o, " io=%#llx-%#llx", (unsigned long long)
			(EXTRA_IO_BASE + (h - 1) * share), (unsigned long long)
			(EXTRA_IO_BASE + h * share - 1));
	if (h <= EXTRA_MEM_SLOTS)
		fprintf(o, " mem=%#llx-%#llx", (unsigned long long)
			(EXTRA_MEM_BASE + (h - 1) * EXTRA_MEM_SIZE),
			(unsigned long long)(EXTRA_MEM_BASE + h * EXTRA_MEM_SIZE - 1));
	fprintf(o, " mem64=%#llx-%#llx", (unsigned long long)m64,
		(unsigned long long)(m64 + EXTRA_MEM64_SIZE - 1));
}

/*
 * One host per root bus. A domain may have several (x86 servers' uncore
 * buses 3f, 7f, ff beside bus 00, with no bridge leading to them): each
 * is a host of that domain whose bus range starts at its root bus and
 * ends before the domain's next one, so every function keeps its BDF.
 */
static int emit_hosts(struct tree *t, FILE *o)
{
	size_t nhosts = count_hosts(t), nhost = 0;
	int rc = 0;

	for (size_t g = 0; g < t->n && !rc;) {
		const struct pcicfg *c = t->f[g].c;
		unsigned bus_end = 0xff;
		size_t end = g;

		if (t->f[g].is_vf || t->f[g].parent >= 0) {
			g++;
			continue;
		}
		/* this root bus ends where the domain's next one starts */
		for (size_t j = g; j < t->n; j++) {
			const struct pcicfg *cj = t->f[j].c;

			if (cj->domain != c->domain)
				break;
			if (cj->bus == c->bus) {
				end = j + 1;
			} else if (t->f[j].parent < 0 && !t->f[j].is_vf) {
				bus_end = cj->bus - 1u;
				break;
			}
		}
		if (nhost)
			fputc('\n', o);
		fputs("host", o);
		if (c->domain)
			fprintf(o, " domain=%04x", c->domain);
		if (c->bus || bus_end != 0xff)
			fprintf(o, " bus=%02x-%02x", c->bus, bus_end);
		if (nhosts > 1)
			host_windows(o, nhost, nhosts);
		fputc('\n', o);
		nhost++;
		for (size_t j = g; j < end && !rc; j++)
			if (!t->f[j].is_vf && t->f[j].parent < 0 &&
			    t->f[j].c->bus == c->bus)
				rc = emit_fn(t, o, j, 1, -1);
		g = end;
	}
	return rc;
}

/* Parse and build the text as "pcisim enumerate" would. */
static int self_check(const char *text, size_t len, struct pcicfg_diag *dg)
{
	struct topo_error err;
	struct machine *m = NULL;
	struct topo *tp;

	memset(&err, 0, sizeof(err));
	tp = topo_parse_string("<imported>", text, len, &err);
	if (tp) {
		m = topo_build(tp, &err);
		topo_free(tp);
	}
	if (m) {
		machine_free(m);
		return 0;
	}
	if (dg->f) {
		const char *l = text;

		fprintf(dg->f, "%s: error: the hardware does not fit a topology file:\n  ",
			dg->source ? dg->source : "pcisim");
		topo_error_print(&err, dg->f);
		for (int i = 1; i < err.line && l; i++) {
			l = strchr(l, '\n');
			l = l ? l + 1 : NULL;
		}
		if (l && err.line > 0)
			fprintf(dg->f, "  %.*s\n", (int)strcspn(l, "\n"), l);
	}
	return -1;
}

int pcicfg_to_topology(const struct pcicfg *cfgs, size_t n, FILE *out,
		       struct pcicfg_diag *dg)
{
	struct tree t = { .n = n, .dg = dg };
	const struct pcicfg **order = malloc((n + 1) * sizeof(*order));
	char *text = NULL;
	size_t len = 0;
	FILE *o = NULL;
	int rc = -1;

	t.f = calloc(n + 1, sizeof(*t.f));
	t.first = malloc((n + 1) * sizeof(int));
	t.next = malloc((n + 1) * sizeof(int));
	if (!order || !t.f || !t.first || !t.next)
		goto out;
	for (size_t i = 0; i < n; i++)
		order[i] = &cfgs[i];
	qsort(order, n, sizeof(*order), cmp_bdf);
	for (size_t i = 0; i < n; i++) {
		if (i && !cmp_bdf(&order[i - 1], &order[i])) {
			pcicfg_error(dg, order[i], "appears twice in the capture");
			goto out;
		}
		pcicfg_decode(order[i], &t.f[i], dg);
	}
	mark_vfs(&t);
	if (link_parents(&t) || link_children(&t))
		goto out;
	pcicfg_guess_sizes(t.f, n, dg);
	o = open_memstream(&text, &len);
	if (!o || emit_hosts(&t, o) || fclose(o))
		goto out;
	o = NULL;
	if (!len) {
		pcicfg_error(dg, NULL, "no PCI function to import");
		goto out;
	}
	if (self_check(text, len, dg))
		goto out;
	rc = fwrite(text, 1, len, out) == len ? 0 : -1;
out:
	if (o)
		fclose(o);
	free(text);
	free(order);
	free(t.f);
	free(t.first);
	free(t.next);
	return rc ? EXIT_BAD_INPUT : 0;
}
