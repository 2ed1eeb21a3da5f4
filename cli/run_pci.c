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
#include "run.h"
#include "sim/host_abi.h"

#define SESSION		"pcisim-run"

struct devs {
	struct sim_pci_info *v;
	size_t n;
};

static int collect(const struct sim_pci_info *info, void *ctx)
{
	struct devs *d = ctx;
	struct sim_pci_info *v = realloc(d->v, (d->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	d->v = v;
	d->v[d->n++] = *info;
	return 0;
}

static struct devs snapshot(void)
{
	struct devs d = { 0 };

	sim_pci_visit_devs(collect, &d);
	return d;
}

static const struct sim_pci_info *find(const struct devs *d, const char *bdf)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, bdf))
			return &d->v[i];
	return NULL;
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
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].domain == x->domain && d->v[i].bus == bus &&
		    d->v[i].devfn == devfn)
			return &d->v[i];
	return NULL;
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
	return *n ? 0 : -1;
}

static bool bus_master_on(struct machine *m, const struct sim_pci_info *d)
{
	uint32_t cmd = 0;

	machine_cfg_read(m, d->domain, d->bus, d->devfn, PCI_COMMAND, 2, &cmd);
	return cmd & PCI_COMMAND_MASTER;
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
	free(d.v);
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

/* Preserve every device named; print the live-update device list. */
static int run_preserve(struct run_dev *pd, size_t np, struct devs *before)
{
	int failures = 0;

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = find(before, pd[i].bdf);
		int r;

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

static void print_device_list(struct run_dev *pd, size_t np,
			      const struct devs *d)
{
	printf("live-update device list (walked down from the host bridges):\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct sim_pci_info *x = &d->v[i];
		const char *role = NULL;

		for (size_t j = 0; j < np && !role; j++) {
			const struct sim_pci_info *p = find(d, pd[j].bdf);

			if (p == x) {
				role = "preserved";
				break;
			}
			for (const struct sim_pci_info *u = p ? parent_of(d, p) : NULL;
			     u && !role; u = parent_of(d, u))
				if (u == x)
					role = x->is_bridge ?
					       "bridge above a preserved device" :
					       "PF of a preserved VF";
		}
		if (role)
			printf("  %s [%04x:%04x] %s\n", x->name, x->vendor,
			       x->device, role);
	}
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
	}
	return bad;
}

static int check_vfs(struct run_dev *rd, const struct devs *b,
		     const struct devs *a)
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
	for (size_t i = 0; i < b->n; i++) {
		const struct sim_pci_info *vf = &b->v[i];

		if (!vf->is_virtfn || vf->domain != x->domain ||
		    vf->physfn_bus != x->bus || vf->physfn_devfn != x->devfn)
			continue;
		if (!find(a, vf->name)) {
			printf("FAIL %s: its VF %s is gone after kexec\n", rd->bdf,
			       vf->name);
			bad++;
		}
	}
	return bad;
}

static int count_disruptions(struct machine *m, size_t mark,
			     const struct devs *b, struct run_dev *rd)
{
	const struct sim_pci_info *x = find(b, rd->bdf);
	int n = 0;

	for (size_t i = mark; x && i < machine_nr_events(m); i++) {
		const struct mevent *e = machine_event(m, i);

		if (e->kind != MEV_DMA_DISRUPTED && e->kind != MEV_RESET)
			continue;
		if (strcmp(e->bdf, x->name))
			continue;
		printf("FAIL %s: DMA %s at %" PRIu64 " ns: %s\n", rd->bdf,
		       mevent_kind_name(e->kind), e->time_ns, e->what);
		n++;
	}
	return n;
}

int run_pci_cycle(struct machine *m, const char *cmdline, bool enable_vfs,
		  bool vfs_by_user, struct run_dev *pd, size_t np,
		  int kexec_nr)
{
	struct devs before, after;
	size_t mark;
	uint64_t t0;
	int failures = 0, r;

	before = snapshot();
	failures += run_preserve(pd, np, &before);
	free(before.v);
	before = snapshot();	/* with the drivers bound */
	print_device_list(pd, np, &before);

	mark = machine_nr_events(m);
	t0 = machine_time_ns(m);
	r = cli_kexec(m, cmdline);
	if (r) {
		printf("FAIL kexec %d: kexec failed: %d\n", kexec_nr, r);
		free(before.v);
		return failures + 1;
	}

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
	r = sim_lu_finish(SESSION);
	if (r) {
		printf("FAIL kexec %d: finishing the session: %d\n", kexec_nr, r);
		failures++;
	}
	if (enable_vfs)
		failures += run_enable_vfs() ? 1 : 0;
	after = snapshot();

	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *y = find(&after, pd[i].bdf);
		char drv[32] = "";
		int bad = 0, dis;

		bad += check_path(m, &pd[i], &before, &after);
		bad += check_vfs(&pd[i], &before, &after);
		dis = count_disruptions(m, mark, &before, &pd[i]);
		bad += dis;
		if (y)
			sim_lu_driver_of(y->domain, y->bus, y->devfn, drv,
					 sizeof(drv));
		if (strcmp(drv, pd[i].driver)) {
			printf("FAIL %s: bound to '%s' after kexec, was '%s'\n",
			       pd[i].bdf, drv, pd[i].driver);
			bad++;
		}
		printf("  %s: BDF %s -> %s, bus master %s, %d DMA disruption(s), driver %s",
		       pd[i].bdf, pd[i].bdf, y ? y->name : "(gone)",
		       y && bus_master_on(m, y) ? "kept" : "LOST", dis,
		       drv[0] ? drv : "(none)");
		if (y && y->sriov_total) {
			const char *first = NULL, *last = NULL;

			for (size_t k = 0; k < after.n; k++)
				if (after.v[k].is_virtfn &&
				    after.v[k].physfn_bus == y->bus &&
				    after.v[k].physfn_devfn == y->devfn) {
					first = first ? first : after.v[k].name;
					last = after.v[k].name;
				}
			printf(", %u VFs", y->sriov_num);
			if (first)
				printf(" %s..%s", first, last);
		}
		printf(", blackout %" PRIu64 " us\n", pd[i].blackout_ns / 1000);
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
	free(before.v);
	free(after.v);
	return failures;
}
