/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim run --preserve: a PCI Live Update, checked.
 *
 * The host plays the user-space agent of a live update (a VMM with its
 * LUO session): it binds each device to be kept to the simulated vfio
 * driver (or a PF with SR-IOV to the simulated PF driver, which enables
 * its VFs), preserves the device files in a LUO session, kexecs, and in
 * the new kernel retrieves the session (binding each device again, as
 * user space names drivers) and finishes it. Around that it checks every
 * invariant of design.md section 6 for each preserved device and every
 * bridge above it, and prints a report.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "cli.h"
#include "machine.h"
#include "phase.h"
#include "run.h"
#include "state_dir.h"
#include "sim/host_abi.h"

#define SESSION		"pcisim-run"

/*
 * The kernel's devices, in the order it walks them, with an index by
 * domain/bus/devfn: a run over a million functions looks each one up
 * in O(log n), never with a scan of the list.
 */
struct devs {
	struct sim_pci_info *v;
	size_t n, cap;
	uint64_t *idx;			/* key << 24 | position, sorted */
	int32_t *acs;			/* ACS Control read, or -1 (see acs_of) */
};

static uint64_t dev_key(unsigned int domain, unsigned int bus,
			unsigned int devfn)
{
	return (uint64_t)domain << 16 | bus << 8 | devfn;
}

static int collect(const struct sim_pci_info *info, void *ctx)
{
	struct devs *d = ctx;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		struct sim_pci_info *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return -1;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = *info;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct devs snapshot(void)
{
	struct devs d = { 0 };

	sim_pci_visit_devs(collect, &d);
	d.idx = malloc((d.n ? d.n : 1) * sizeof(*d.idx));
	if (!d.idx) {
		fprintf(stderr, "pcisim run: out of memory\n");
		exit(EXIT_CHECK_FAILED);
	}
	for (size_t i = 0; i < d.n; i++)
		d.idx[i] = dev_key(d.v[i].domain, d.v[i].bus, d.v[i].devfn) << 24 | i;
	qsort(d.idx, d.n, sizeof(*d.idx), cmp_u64);
	return d;
}

static void devs_free(struct devs *d)
{
	free(d->v);
	free(d->idx);
	free(d->acs);
	memset(d, 0, sizeof(*d));
}

static const struct sim_pci_info *find_key(const struct devs *d, uint64_t key)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint64_t k = d->idx[mid] >> 24;

		if (k < key)
			lo = mid + 1;
		else if (k > key)
			hi = mid;
		else
			return &d->v[d->idx[mid] & 0xffffff];
	}
	return NULL;
}

/* Hex digits up to the character end; s moves past it. */
static bool hex_field(const char **s, char end, unsigned int *v)
{
	const char *p = *s;

	*v = 0;
	for (; *p != end; p++) {
		int c = *p, d = c >= '0' && c <= '9' ? c - '0' :
				c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0 || p - *s >= 8)
			return false;
		*v = *v << 4 | d;
	}
	if (p == *s)
		return false;
	*s = p + (end != '\0');
	return true;
}

/*
 * A device by its kernel name ("0000:01:00.0"). Not sscanf(): the checks
 * look up every device several times, and sscanf() was 3% of a 10k live
 * update's instructions.
 */
static const struct sim_pci_info *find(const struct devs *d, const char *bdf)
{
	unsigned int dom, bus, dev, fn;

	if (!hex_field(&bdf, ':', &dom) || !hex_field(&bdf, ':', &bus) ||
	    !hex_field(&bdf, '.', &dev) || !hex_field(&bdf, '\0', &fn))
		return NULL;
	return find_key(d, dev_key(dom, bus, dev << 3 | fn));
}

/* What x depends on: a VF's PF, else the bridge above it. */
static const struct sim_pci_info *parent_of(const struct devs *d,
					    const struct sim_pci_info *x)
{
	unsigned int bus = x->parent_bus, devfn = x->parent_devfn;

	if (x->is_virtfn) {
		bus = x->physfn_bus;
		devfn = x->physfn_devfn;
	} else if (!x->has_parent) {
		return NULL;
	}
	return find_key(d, dev_key(x->domain, bus, devfn));
}

static int parse_bdf(const char *s, struct run_dev *rd)
{
	unsigned int dom, bus, dev, fn;
	char tail;

	if (sscanf(s, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) != 4 ||
	    bus > 0xff || dev > 0x1f || fn > 7)
		return -1;
	rd->domain = dom;
	rd->bus = bus;
	rd->devfn = dev << 3 | fn;
	snprintf(rd->bdf, sizeof(rd->bdf), "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return 0;
}

int run_parse_preserve(const char *list, struct run_dev **out, size_t *n)
{
	char *copy = strdup(list), *tok, *save = NULL;
	struct run_dev *v = NULL;

	*n = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct run_dev *nv = realloc(v, (*n + 1) * sizeof(*v));

		if (!nv)
			break;
		v = nv;
		memset(&v[*n], 0, sizeof(v[*n]));
		if (parse_bdf(tok, &v[*n])) {
			fprintf(stderr, "pcisim run: --preserve: '%s' is not a BDF like 0000:03:00.0\n",
				tok);
			free(copy);
			free(v);
			return -1;
		}
		(*n)++;
	}
	free(copy);
	*out = v;
	if (!*n) {
		fprintf(stderr, "pcisim run: --preserve: no BDF in '%s' (a list like 0000:03:00.0,0000:05:00.0)\n",
			list);
		free(v);
		*out = NULL;
		return -1;
	}
	return 0;
}

static bool bus_master_on(struct machine *m, const struct sim_pci_info *d)
{
	uint32_t cmd = 0;

	machine_cfg_read(m, d->domain, d->bus, d->devfn, PCI_COMMAND, 2, &cmd);
	return cmd & PCI_COMMAND_MASTER;
}

/* Where the extended capability id of d is, as the hardware has it; 0 if none. */
static unsigned int ext_cap(struct machine *m, const struct sim_pci_info *d,
			    unsigned int id)
{
	unsigned int pos = PCI_CFG_SPACE_SIZE, guard = 0;
	uint32_t v = 0;

	if (d->cfg_size <= PCI_CFG_SPACE_SIZE)
		return 0;
	while (pos && guard++ < 480) {
		if (!machine_cfg_read(m, d->domain, d->bus, d->devfn, pos, 4, &v) ||
		    !v || v == 0xffffffff)
			return 0;
		if (PCI_EXT_CAP_ID(v) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(v);
	}
	return 0;
}

/* ACS Control of d as the hardware has it; -1 without an ACS capability. */
static int32_t acs_ctrl(struct machine *m, const struct sim_pci_info *d)
{
	unsigned int pos = ext_cap(m, d, PCI_EXT_CAP_ID_ACS);
	uint32_t v = 0;

	if (!pos)
		return -1;
	machine_cfg_read(m, d->domain, d->bus, d->devfn, pos + PCI_ACS_CTRL, 2, &v);
	return (int32_t)v;
}

/*
 * Before the kexec: the ACS Control of every function on the path of each
 * preserved device, the device and the bridges above it, for check_path().
 */
static void record_acs(struct machine *m, struct devs *d,
		       const struct run_dev *pd, size_t np)
{
	d->acs = malloc((d->n ? d->n : 1) * sizeof(*d->acs));
	if (!d->acs)
		return;
	for (size_t i = 0; i < d->n; i++)
		d->acs[i] = -1;
	for (size_t j = 0; j < np; j++)
		for (const struct sim_pci_info *x = find(d, pd[j].bdf); x;
		     x = parent_of(d, x))
			d->acs[x - d->v] = acs_ctrl(m, x);
}

/* User space: SR-IOV PFs get pcisim-pf and all their VFs enabled. */
int run_enable_vfs(void)
{
	struct devs d = snapshot();
	int ret = 0;

	for (size_t i = 0; i < d.n; i++) {
		const struct sim_pci_info *x = &d.v[i];
		int r;

		if (!x->sriov_total || x->sriov_num)
			continue;
		r = sim_lu_bind(x->domain, x->bus, x->devfn, "pcisim-pf");
		r = r ?: sim_lu_enable_vfs(x->domain, x->bus, x->devfn,
					   (int)x->sriov_total);
		if (r) {
			printf("FAIL: enabling the VFs of %s: %d\n", x->name, r);
			ret = r;
		}
	}
	devs_free(&d);
	return ret;
}

static const char *driver_for(const struct sim_pci_info *x)
{
	return x->sriov_total ? "pcisim-pf" : "pcisim-vfio";
}

struct pci_state {
	struct devs devs;
	size_t event_mark;
	uint64_t t_kexec;
};

/*
 * A bridge (or a host bridge function, class 06) is not something user
 * space preserves: bridges are kept because of the devices below them,
 * and vfio-pci refuses them. Naming one is bad input: say so, count it.
 */
int run_check_preservable(const struct run_dev *pd, size_t np, bool vfs_enabled)
{
	struct devs d = snapshot();
	int bad = 0;

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(&d, pd[i].bdf);

		for (size_t k = 0; k < i; k++) {
			if (strcmp(pd[k].bdf, pd[i].bdf))
				continue;
			fprintf(stderr, "pcisim: --preserve %s: named twice\n",
				pd[i].bdf);
			bad++;
			break;
		}
		if (!x) {
			fprintf(stderr,
				"pcisim: --preserve %s: no such function after the boot%s\n",
				pd[i].bdf, vfs_enabled ? "" :
				" (a VF exists only once its PF's VFs are enabled: --enable-vfs)");
			bad++;
			continue;
		}
		if (!(x->is_bridge || x->hdr_type == 1 ||
		      x->class_code >> 16 == 0x06))
			continue;
		fprintf(stderr,
			"pcisim: --preserve %s: a bridge (class %06x): bridges are kept because of the devices below them, not preserved by name\n",
			pd[i].bdf, x->class_code);
		bad++;
	}
	devs_free(&d);
	return bad;
}

/* Preserve every device named (binding its driver first). */
static int run_preserve(struct run_dev *pd, size_t np, struct devs *before)
{
	int failures = 0;

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(before, pd[i].bdf);
		int r;

		if (i % 1024 == 0)
			phase_progress("%zu of %zu devices", i, np);
		if (!x) {
			printf("FAIL: %s: no such device to preserve\n", pd[i].bdf);
			failures++;
			continue;
		}
		if (!x->driver[0] || strcmp(x->driver, driver_for(x))) {
			r = sim_lu_bind(x->domain, x->bus, x->devfn, driver_for(x));
			if (r) {
				printf("FAIL: %s: binding %s: %d\n", x->name,
				       driver_for(x), r);
				failures++;
				continue;
			}
		}
		r = sim_lu_preserve(SESSION, x->domain, x->bus, x->devfn);
		if (r) {
			printf("FAIL: %s: preserving: %d\n", x->name, r);
			failures++;
			continue;
		}
		sim_lu_driver_of(x->domain, x->bus, x->devfn, pd[i].driver,
				 sizeof(pd[i].driver));
	}
	return failures;
}

/*
 * The kernel's live-update device list (sim_lu_visit_list()), with an
 * index by domain/bus/devfn like struct devs.
 */
struct lu_list {
	struct sim_lu_entry *v;
	size_t n, cap;
	uint64_t *idx;			/* key << 24 | position, sorted */
};

static int collect_lu(const struct sim_lu_entry *e, void *ctx)
{
	struct lu_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct sim_lu_entry *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

static struct lu_list lu_list_get(int which)
{
	struct lu_list l = { 0 };

	if (sim_lu_visit_list(which, collect_lu, &l) ||
	    !(l.idx = malloc((l.n ? l.n : 1) * sizeof(*l.idx)))) {
		fprintf(stderr, "pcisim run: out of memory\n");
		exit(EXIT_CHECK_FAILED);
	}
	for (size_t i = 0; i < l.n; i++)
		l.idx[i] = dev_key(l.v[i].domain, l.v[i].bus, l.v[i].devfn) << 24 | i;
	qsort(l.idx, l.n, sizeof(*l.idx), cmp_u64);
	return l;
}

static void lu_list_free(struct lu_list *l)
{
	free(l->v);
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

static const struct sim_lu_entry *lu_find(const struct lu_list *l,
					  const struct sim_pci_info *x)
{
	uint64_t key = dev_key(x->domain, x->bus, x->devfn);
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		uint64_t k = l->idx[mid] >> 24;

		if (k < key)
			lo = mid + 1;
		else if (k > key)
			hi = mid;
		else
			return &l->v[l->idx[mid] & 0xffffff];
	}
	return NULL;
}

static const char *lu_role_name(int role)
{
	return role == SIM_LU_ROLE_PRESERVED ? "preserved" :
	       role == SIM_LU_ROLE_BRIDGE ? "bridge above preserved devices" :
	       "PF of preserved VFs";
}

static void print_lu_list(const struct lu_list *l, const char *when)
{
	printf("live-update device list %s (the kernel's, walked down from the host bridges):\n",
	       when);
	for (size_t i = 0; i < l->n; i++) {
		const struct sim_lu_entry *e = &l->v[i];

		printf("  %s [%04x:%04x] %s", e->name, e->vendor, e->device,
		       lu_role_name(e->role));
		if (e->role != SIM_LU_ROLE_PRESERVED || e->refcount != 1)
			printf(", %u preserved at or below", e->refcount);
		printf(", depends on %s", e->has_dep ? e->dep_name : "the host bridge");
		if (e->sriov)
			printf(", SR-IOV kept (%u VFs)", e->num_vfs);
		printf("%s\n", e->found ? "" : ", NOT FOUND after kexec");
	}
}

/*
 * Does the kernel's list agree with what was asked to be preserved? Each
 * preserved device listed as preserved; every bridge above it (and the PF
 * of a VF) listed, with the right role, and each listed device depending
 * on exactly the one above it; every refcount the number of preserved
 * devices at or below; nothing listed that nothing preserved needs. d is
 * the kernel's tree the devices were preserved from.
 */
static int check_lu_list(struct run_dev *pd, size_t np, const struct devs *d,
			 const struct lu_list *l, const char *when)
{
	uint32_t *want = calloc(d->n ? d->n : 1, sizeof(*want));
	char *seen = calloc(d->n ? d->n : 1, 1), *kept = calloc(d->n ? d->n : 1, 1);
	int bad = 0;

	if (!want || !seen || !kept) {
		fprintf(stderr, "pcisim run: out of memory\n");
		exit(EXIT_CHECK_FAILED);
	}
	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(d, pd[i].bdf);

		if (x)
			kept[x - d->v] = 1;
		for (const struct sim_pci_info *u = x; u; u = parent_of(d, u))
			want[u - d->v]++;
	}
	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(d, pd[i].bdf);

		for (const struct sim_pci_info *u = x; u && !seen[u - d->v];
		     u = parent_of(d, u)) {
			const struct sim_pci_info *up = parent_of(d, u);
			const struct sim_lu_entry *e = lu_find(l, u);
			int role = kept[u - d->v] ? SIM_LU_ROLE_PRESERVED :
				   u->is_bridge ? SIM_LU_ROLE_BRIDGE :
				   SIM_LU_ROLE_PF;

			seen[u - d->v] = 1;
			if (!e) {
				printf("FAIL %s: %s (%s) is missing from the kernel's device list %s\n",
				       pd[i].bdf, u->name, lu_role_name(role), when);
				bad++;
				continue;
			}
			if (e->role != role) {
				printf("FAIL %s: the kernel's device list %s has %s as %s, not %s\n",
				       pd[i].bdf, when, u->name,
				       lu_role_name(e->role), lu_role_name(role));
				bad++;
			}
			if (!e->found) {
				printf("FAIL %s: the kernel's device list %s has %s, but no such device\n",
				       pd[i].bdf, when, u->name);
				bad++;
			}
			if (e->found &&
			    (up ? !e->has_dep || strcmp(e->dep_name, up->name) :
				  e->has_dep)) {
				printf("FAIL %s: the kernel's device list %s has %s depend on %s, not %s\n",
				       pd[i].bdf, when, u->name,
				       e->has_dep ? e->dep_name : "the host bridge",
				       up ? up->name : "the host bridge");
				bad++;
			}
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		const struct sim_lu_entry *e = &l->v[i];
		const struct sim_pci_info *x;

		x = find_key(d, dev_key(e->domain, e->bus, e->devfn));
		if (!x || !want[x - d->v]) {
			printf("FAIL: the kernel's device list %s has %s, which nothing preserved depends on\n",
			       when, e->name);
			bad++;
		} else if (e->refcount != want[x - d->v]) {
			printf("FAIL: the kernel's device list %s counts %u preserved devices at or below %s, not %u\n",
			       when, e->refcount, e->name, want[x - d->v]);
			bad++;
		}
	}
	free(want);
	free(seen);
	free(kept);
	return bad;
}

/* Print the kernel's list and check it against what was preserved. */
static int lu_list_report(struct run_dev *pd, size_t np, const struct devs *d,
			  int which, const char *when)
{
	struct lu_list l = lu_list_get(which);
	int bad;

	sim_lu_print_list(which);	/* the kernel's own words, into its log */
	print_lu_list(&l, when);
	bad = check_lu_list(pd, np, d, &l, when);
	lu_list_free(&l);
	return bad;
}

/*
 * The VFs of each PF, by the PF's key: key << 24 | position of the VF,
 * sorted, so the VFs of one PF are a range found in O(log n).
 */
struct vf_index {
	uint64_t *v;
	size_t n;
};

static struct vf_index vf_index_of(const struct devs *d)
{
	struct vf_index x = { malloc((d->n ? d->n : 1) * sizeof(*x.v)), 0 };

	for (size_t i = 0; x.v && i < d->n; i++)
		if (d->v[i].is_virtfn)
			x.v[x.n++] = dev_key(d->v[i].domain, d->v[i].physfn_bus,
					     d->v[i].physfn_devfn) << 24 | i;
	if (x.v)
		qsort(x.v, x.n, sizeof(*x.v), cmp_u64);	/* VFs stay in walk order */
	return x;
}

/* The VFs of pf: positions in d of first .. *end (exclusive) in x. */
static size_t vfs_of(const struct vf_index *x, const struct sim_pci_info *pf,
		     size_t *end)
{
	uint64_t key = dev_key(pf->domain, pf->bus, pf->devfn);
	size_t lo = 0, hi = x->n, first;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (x->v[mid] >> 24 < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < x->n && x->v[lo] >> 24 == key)
		lo++;
	*end = lo;
	return first;
}

/* Every function of the path of dev: itself and the bridges above it. */
static int check_path(struct machine *m, struct run_dev *rd,
		      const struct devs *b, const struct devs *a)
{
	const struct sim_pci_info *x = find(b, rd->bdf);
	int bad = 0;

	for (; x; x = parent_of(b, x)) {
		const struct sim_pci_info *y = find(a, x->name);

		if (!y) {
			printf("FAIL %s: %s is gone after kexec\n", rd->bdf, x->name);
			bad++;
			continue;
		}
		if (y->vendor != x->vendor || y->device != x->device) {
			printf("FAIL %s: %s is [%04x:%04x] after kexec, was [%04x:%04x]\n",
			       rd->bdf, x->name, y->vendor, y->device, x->vendor,
			       x->device);
			bad++;
		}
		if (x->is_bridge &&
		    (y->primary != x->primary || y->secondary != x->secondary ||
		     y->subordinate != x->subordinate)) {
			printf("FAIL %s: bridge %s bus numbers %02x/%02x/%02x, were %02x/%02x/%02x\n",
			       rd->bdf, x->name, y->primary, y->secondary,
			       y->subordinate, x->primary, x->secondary,
			       x->subordinate);
			bad++;
		}
		for (int i = 0; i < SIM_NR_RES; i++) {
			if (x->res[i].start == y->res[i].start &&
			    x->res[i].end == y->res[i].end)
				continue;
			if (!x->res[i].flags || x->res[i].end <= x->res[i].start)
				continue;
			printf("FAIL %s: %s resource %d is %#llx-%#llx, was %#llx-%#llx\n",
			       rd->bdf, x->name, i, y->res[i].start, y->res[i].end,
			       x->res[i].start, x->res[i].end);
			bad++;
		}
		if (!bus_master_on(m, y)) {
			printf("FAIL %s: Bus Master Enable is off on %s\n", rd->bdf,
			       x->name);
			bad++;
		}
		/* IOMMU groups, peer-to-peer routing: ACS Control adopted */
		if (b->acs && b->acs[x - b->v] >= 0 &&
		    acs_ctrl(m, y) != b->acs[x - b->v]) {
			printf("FAIL %s: ACS Control of %s is 0x%04x after kexec, was 0x%04x\n",
			       rd->bdf, x->name, acs_ctrl(m, y), b->acs[x - b->v]);
			bad++;
		}
	}
	return bad;
}

/*
 * Right after the kexec, before user space enables any VF again (which
 * --enable-vfs and pci=lu_vfs=user do, hiding VFs that were stopped): a
 * preserved PF that ran VFs still has VF Enable set and the same NumVFs
 * in the hardware, so its VFs never stopped.
 */
static int check_vfs_kept(struct machine *m, const struct run_dev *pd,
			  size_t np, const struct devs *b, int kexec_nr)
{
	int bad = 0;

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(b, pd[i].bdf);
		uint32_t ctrl = 0, num = 0;
		unsigned int pos;

		if (!x || !x->sriov_num)
			continue;
		pos = ext_cap(m, x, PCI_EXT_CAP_ID_SRIOV);
		if (pos) {
			machine_cfg_read(m, x->domain, x->bus, x->devfn,
					 pos + PCI_SRIOV_CTRL, 2, &ctrl);
			machine_cfg_read(m, x->domain, x->bus, x->devfn,
					 pos + PCI_SRIOV_NUM_VF, 2, &num);
		}
		if (pos && ctrl & PCI_SRIOV_CTRL_VFE && num == x->sriov_num)
			continue;
		printf("FAIL %s: its %u VFs were not kept by kexec %d: the new kernel left SR-IOV Control %#06x, NumVFs %u%s\n",
		       pd[i].bdf, x->sriov_num, kexec_nr, ctrl, num,
		       pos ? "" : " (no SR-IOV capability found)");
		bad++;
	}
	return bad;
}

static int check_vfs(struct run_dev *rd, const struct devs *b,
		     const struct vf_index *bvf, const struct devs *a)
{
	const struct sim_pci_info *x = find(b, rd->bdf), *y = find(a, rd->bdf);
	int bad = 0;

	if (!x || !y || !x->sriov_total)
		return 0;
	if (y->sriov_num != x->sriov_num) {
		printf("FAIL %s: %u VFs enabled after kexec, %u before\n", rd->bdf,
		       y->sriov_num, x->sriov_num);
		bad++;
	}
	/* the same VFs at the same BDFs */
	for (size_t end, i = vfs_of(bvf, x, &end); i < end; i++) {
		const struct sim_pci_info *vf = &b->v[bvf->v[i] & 0xffffff];

		if (!find(a, vf->name)) {
			printf("FAIL %s: its VF %s is gone after kexec\n", rd->bdf,
			       vf->name);
			bad++;
		}
	}
	return bad;
}

/*
 * DMA disruptions and resets of the device, and any moment its BARs
 * stopped decoding where they were (peer-to-peer and doorbells break).
 */
static bool disruptive(const struct mevent *e)
{
	return e->kind == MEV_DMA_DISRUPTED || e->kind == MEV_RESET ||
	       e->kind == MEV_BAR_ROUTING_BROKEN;
}

/*
 * The disruptive events since mark, sorted by BDF (then by time), so
 * that each preserved device finds its own with a binary search: a run
 * preserving ten thousand devices would otherwise read the log ten
 * thousand times.
 */
struct ev_index {
	struct machine *m;
	size_t *v, n;
};

static struct ev_index *ev_sort_ctx;

static int cmp_event(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(machine_event(ev_sort_ctx->m, x)->bdf,
		       machine_event(ev_sort_ctx->m, y)->bdf);

	return c ? c : x < y ? -1 : x > y;
}

static struct ev_index ev_index_of(struct machine *m, size_t mark,
				   bool (*want)(const struct mevent *e))
{
	struct ev_index x = { m, NULL, 0 };
	size_t total = machine_nr_events(m);

	x.v = malloc((total > mark ? total - mark : 1) * sizeof(*x.v));
	for (size_t i = mark; x.v && i < total; i++)
		if (want(machine_event(m, i)))
			x.v[x.n++] = i;
	ev_sort_ctx = &x;
	if (x.v)
		qsort(x.v, x.n, sizeof(*x.v), cmp_event);
	ev_sort_ctx = NULL;
	return x;
}

/* The events of bdf: positions first .. *end (exclusive) in ev. */
static size_t ev_range(const struct ev_index *ev, const char *bdf, size_t *end)
{
	size_t lo = 0, hi = ev->n, first;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(machine_event(ev->m, ev->v[mid])->bdf, bdf) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < ev->n && !strcmp(machine_event(ev->m, ev->v[lo])->bdf, bdf))
		lo++;
	*end = lo;
	return first;
}

static bool bus_master_step(const struct mevent *e)
{
	return e->kind == MEV_BUS_MASTER;
}

/*
 * The Bus Master history of function x since mark, from the machine's
 * event log: the value it had at mark (the last one recorded before),
 * then every value recorded since (when DMA started at or below it, and
 * after each write of its Command register). With print, prints it and
 * a FAIL line if it was cleared since mark, and returns the number of
 * failures; *cleared tells whether it was, in any case.
 */
static int bus_master_history(const struct ev_index *bm, size_t mark,
			      const char *pbdf, const struct sim_pci_info *x,
			      bool print, bool *cleared)
{
	char hist[256] = "";
	size_t at = 0, end, i = ev_range(bm, x->name, &end);
	int last = -1, writes = 0;
	uint64_t when = 0;

	*cleared = false;
	for (; i < end; i++) {
		const struct mevent *e = machine_event(bm->m, bm->v[i]);

		if (bm->v[i] < mark) {
			last = e->value;	/* the value when the cycle began */
			continue;
		}
		writes += e->write;
		if (e->value == last)
			continue;
		if (!e->value && last >= 0 && !*cleared) {
			*cleared = true;
			when = e->time_ns;
		}
		last = e->value;
		if (at < sizeof(hist))
			at += snprintf(hist + at, sizeof(hist) - at, "%s%d",
				       at ? " -> " : "", e->value);
	}
	if (!at && last >= 0)
		snprintf(hist, sizeof(hist), "%d", last);
	if (!print)
		return 0;
	if (last < 0)
		printf("    Bus Master history of %s: none (no DMA at or below it)\n",
		       x->name);
	else
		printf("    Bus Master history of %s: %s, %s (%d write%s of Command seen)\n",
		       x->name, hist, *cleared ? "CLEARED" :
		       last ? "never cleared" : "never set", writes,
		       writes == 1 ? "" : "s");
	if (!*cleared)
		return 0;
	printf("FAIL %s: Bus Master Enable of %s was cleared at %" PRIu64 " ns (history: %s)\n",
	       pbdf, x->name, when, hist);
	return 1;
}

static int count_disruptions(const struct ev_index *ev, const struct devs *b,
			     struct run_dev *rd)
{
	const struct sim_pci_info *x = find(b, rd->bdf);
	size_t end, i;
	int n = 0;

	if (!x)
		return 0;
	for (i = ev_range(ev, x->name, &end); i < end; i++) {
		const struct mevent *e = machine_event(ev->m, ev->v[i]);

		printf("FAIL %s: %s at %" PRIu64 " ns: %s\n", rd->bdf,
		       mevent_kind_name(e->kind), e->time_ns, e->what);
		n++;
	}
	return n;
}

/*
 * Right after finish: every page KHO handed back to its owner (the PCI
 * device list, LUO's sessions and files) has been freed again.
 */
static int check_restored_freed(int kexec_nr)
{
	unsigned long not_freed, total;
	unsigned long long first;

	total = sim_kho_restored_pages(&not_freed, &first);
	if (not_freed) {
		printf("FAIL kexec %d: %lu of %lu restored pages not freed after finish (the first at %#llx)\n",
		       kexec_nr, not_freed, total, first);
		return 1;
	}
	printf("  %lu preserved pages restored, all freed after finish\n", total);
	return 0;
}

int run_pci_cycle(struct machine *m, const char *cmdline, bool enable_vfs,
		  bool vfs_by_user, struct run_dev *pd, size_t np,
		  int kexec_nr)
{
	struct devs before, after;
	struct vf_index bvf, avf;
	struct ev_index evx, bmx;
	size_t mark, hmark = machine_nr_events(m);
	char *shown;
	uint64_t t0;
	int failures = 0, r;

	phase_begin("preserve");
	before = snapshot();
	failures += run_preserve(pd, np, &before);
	devs_free(&before);
	before = snapshot();	/* with the drivers bound */
	record_acs(m, &before, pd, np);
	failures += lu_list_report(pd, np, &before, SIM_LU_LIST_OUTGOING,
				   "before kexec");
	state_dir_phase(m, "preserved", kexec_nr - 1);
	state_dir_lulist(SIM_LU_LIST_OUTGOING, "outgoing-", kexec_nr - 1);

	mark = machine_nr_events(m);
	t0 = machine_time_ns(m);
	r = cli_kexec(m, cmdline);
	if (r) {
		printf("FAIL kexec %d: kexec failed: %d\n", kexec_nr, r);
		devs_free(&before);
		return failures + 1;
	}
	phase_begin("restore");
	failures += check_vfs_kept(m, pd, np, &before, kexec_nr);
	state_dir_phase(m, "kexec", kexec_nr);
	state_dir_lulist(SIM_LU_LIST_INCOMING, "incoming-", kexec_nr);

	/*
	 * User space in the new kernel takes the devices back: PFs first;
	 * with pci=lu_vfs=user it enables their VFs again (which adopts the
	 * running ones) before it can retrieve a VF.
	 */
	/*
	 * With lu_vfs=user and only VFs preserved, user space brings their
	 * PF's driver and VFs back before it can retrieve them.
	 */
	for (size_t i = 0; vfs_by_user && i < np; i++) {
		const struct sim_pci_info *x = find(&before, pd[i].bdf), *pf;
		char drv[32] = "";

		if (!x || !x->is_virtfn)
			continue;
		pf = parent_of(&before, x);
		if (!pf)
			continue;
		sim_lu_driver_of(pf->domain, pf->bus, pf->devfn, drv, sizeof(drv));
		if (drv[0])
			continue;
		r = sim_lu_bind(pf->domain, pf->bus, pf->devfn, "pcisim-pf");
		r = r ?: sim_lu_enable_vfs(pf->domain, pf->bus, pf->devfn,
					   (int)pf->sriov_num);
		if (r) {
			printf("FAIL %s: bringing back its PF %s and VFs: %d\n",
			       pd[i].bdf, pf->name, r);
			failures++;
		}
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < np; i++) {
			const struct sim_pci_info *x = find(&before, pd[i].bdf);

			if (!x || (pass == 0) != (x->sriov_total > 0))
				continue;
			r = sim_lu_retrieve_dev(SESSION, pd[i].domain, pd[i].bus,
						pd[i].devfn);
			if (r < 0) {
				printf("FAIL %s: retrieving its file: %d\n",
				       pd[i].bdf, r);
				failures++;
			}
			if (vfs_by_user && x->sriov_num) {
				r = sim_lu_enable_vfs(x->domain, x->bus, x->devfn,
						      (int)x->sriov_num);
				if (r) {
					printf("FAIL %s: enabling its %u VFs again: %d\n",
					       pd[i].bdf, x->sriov_num, r);
					failures++;
				}
			}
			pd[i].blackout_ns = machine_time_ns(m) - t0;
		}
	}
	/* what the new kernel says it was handed, now that all came back */
	failures += lu_list_report(pd, np, &before, SIM_LU_LIST_INCOMING,
				   "after kexec");
	r = sim_lu_finish(SESSION);
	if (r) {
		printf("FAIL kexec %d: finishing the session: %d\n", kexec_nr, r);
		failures++;
	} else {
		struct lu_list l = lu_list_get(SIM_LU_LIST_INCOMING);

		for (size_t i = 0; i < l.n; i++)
			printf("FAIL kexec %d: %s is still in the kernel's incoming device list after finish\n",
			       kexec_nr, l.v[i].name);
		failures += (int)l.n;
		lu_list_free(&l);
		/* (an unfinished session rightly keeps its memory) */
		failures += check_restored_freed(kexec_nr);
	}
	if (enable_vfs)
		failures += run_enable_vfs() ? 1 : 0;
	state_dir_phase(m, "finished", kexec_nr);
	state_dir_lulist(SIM_LU_LIST_INCOMING, "incoming-finished", kexec_nr);
	phase_begin("check");
	after = snapshot();
	bvf = vf_index_of(&before);
	avf = vf_index_of(&after);
	evx = ev_index_of(m, mark, disruptive);
	bmx = ev_index_of(m, 0, bus_master_step);
	shown = calloc(before.n ? before.n : 1, 1);
	if (!shown) {
		fprintf(stderr, "pcisim run: out of memory\n");
		exit(EXIT_CHECK_FAILED);
	}

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(&before, pd[i].bdf);
		const struct sim_pci_info *y = find(&after, pd[i].bdf);
		bool cleared = false;
		char drv[32] = "";
		int bad = 0, dis;

		bad += check_path(m, &pd[i], &before, &after);
		bad += check_vfs(&pd[i], &before, &bvf, &after);
		dis = count_disruptions(&evx, &before, &pd[i]);
		bad += dis;
		if (y)
			sim_lu_driver_of(y->domain, y->bus, y->devfn, drv,
					 sizeof(drv));
		if (strcmp(drv, pd[i].driver)) {
			printf("FAIL %s: bound to '%s' after kexec, was '%s'\n",
			       pd[i].bdf, drv, pd[i].driver);
			bad++;
		}
		if (x)
			bus_master_history(&bmx, hmark, pd[i].bdf, x, false,
					   &cleared);
		printf("  %s: BDF %s -> %s, bus master %s, %d DMA/BAR disruption(s), driver %s",
		       pd[i].bdf, pd[i].bdf, y ? y->name : "(gone)",
		       y && bus_master_on(m, y) && !cleared ? "kept" : "LOST",
		       dis, drv[0] ? drv : "(none)");
		if (y && y->sriov_total) {
			const char *first = NULL, *last = NULL;

			for (size_t end, k = vfs_of(&avf, y, &end); k < end; k++) {
				const char *name = after.v[avf.v[k] & 0xffffff].name;

				first = first ? first : name;
				last = name;
			}
			printf(", %u VFs", y->sriov_num);
			if (first)
				printf(" %s..%s", first, last);
		}
		printf(", blackout %" PRIu64 " us\n", pd[i].blackout_ns / 1000);
		/* the device, its PF, the bridges above: each function once */
		for (const struct sim_pci_info *u = x; u; u = parent_of(&before, u)) {
			if (shown[u - before.v]++)
				continue;
			bad += bus_master_history(&bmx, hmark, pd[i].bdf, u, true,
						  &cleared);
		}
		failures += bad;
	}
	/* devices that were not preserved: enumerated as before */
	for (size_t i = 0; i < before.n; i++)
		if (!find(&after, before.v[i].name)) {
			printf("FAIL kexec %d: %s is missing after kexec\n",
			       kexec_nr, before.v[i].name);
			failures++;
		}
	for (size_t i = 0; i < after.n; i++)
		if (!find(&before, after.v[i].name)) {
			printf("FAIL kexec %d: %s appeared after kexec\n", kexec_nr,
			       after.v[i].name);
			failures++;
		}
	if (sim_kho_leaked_pages()) {
		printf("FAIL kexec %d: %lu preserved pages never restored (leaked)\n",
		       kexec_nr, sim_kho_leaked_pages());
		failures++;
	}
	devs_free(&before);
	devs_free(&after);
	free(bvf.v);
	free(avf.v);
	free(evx.v);
	free(bmx.v);
	free(shown);
	return failures;
}
