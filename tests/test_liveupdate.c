/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PCI Live Update test matrix: every scenario boots a small machine
 * written inline, binds the simulated drivers, preserves devices, kexecs,
 * retrieves and finishes, then checks the invariants of design.md
 * section 6 for the devices named.
 *
 * Two flows run in the forked kernel-world child:
 *
 *   lu_run    the scenario runner's own cycle, run_pci_cycle() (cli/),
 *             which prints "FAIL <bdf>: ..." lines into the log for every
 *             broken invariant and returns how many there were;
 *   lu_split  the same steps by hand, with the kexec split in two so the
 *             test can read the handed-over pci_ser and change the
 *             hardware (or the handover) between the kernels.
 *
 * Both record into memory shared with the test process (struct lu_case):
 * what the kernel saw before the first kexec, the hardware after the last
 * one (Command, bus-number registers, ARI Forwarding, DMA engines), the
 * DMA event log since the first kexec, and the pci_ser entries of the
 * (last) handover. The test process then asserts specific bus numbers,
 * BARs, drivers, VF BDFs and exactly which FAIL lines the run printed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <libfdt.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "run.h"
#include "simtest.h"
#include "topofile.h"

#define BASE_CMDLINE	"kho=on liveupdate=on"
#define SESSION		"lu-test"

#define PCI_DEVFN(d, f)	((((d) & 0x1f) << 3) | ((f) & 0x07))

#define MAXDEV		192
#define MAXEV		1024
#define MAXSER		64
#define MAXPD		16
#define MAXK		4

/* ---- what the child records for the test process ---- */

struct lu_hw {
	char name[32];
	uint16_t cmd;
	uint32_t buses;		/* bridges: dword at 0x18 as the hardware has it */
	int ari_fwd;		/* bridges with a PCIe cap: ARI Forwarding Enable */
	int acs_ctrl;		/* ACS Control, -1 without an ACS capability */
	int dma;		/* 0 no engine, 1 running, 2 started but disrupted */
};

struct lu_ev {
	char bdf[16];
	enum mevent_kind kind;
	char what[160];
};

/* struct pci_dev_ser of <linux/kho/abi/pci.h>, version 3, as read back */
struct lu_ser {
	unsigned int domain, bdf, refcount, vendor, device, flags;
	unsigned int primary, secondary, subordinate, num_vfs;
};

#define SER_PRESERVED	0x1
#define SER_BRIDGE	0x2
#define SER_SRIOV	0x4
#define SER_ARI		0x8

struct lu_case;
typedef int (*lu_hook)(struct machine *m, struct lu_case *c);
/* At kexec, between the two halves: may return another machine. */
typedef struct machine *(*lu_kexec_hook)(struct machine *m, struct lu_case *c);

struct lu_case {
	/* in */
	const char *preserve;	/* "0000:01:00.0,..." */
	int kexecs;		/* lu_run: run_pci_cycle() calls */
	const char *cmdline;	/* every kernel's */
	const char *kexec_cmdline; /* the kernels after a kexec, if not the same */
	bool enable_vfs;	/* bind PFs to pcisim-pf and enable all VFs */
	bool vfs_user;		/* pci=lu_vfs=user: user space re-enables */
	bool no_retrieve;	/* lu_split: nothing to retrieve after kexec */
	lu_hook setup;		/* after boot, before anything is preserved */
	lu_hook before_kexec;	/* lu_split: after preserving, before kexec */
	lu_hook after_boot;	/* lu_split: in the new kernel, before retrieving */
	lu_hook after_finish;	/* lu_split: in the new kernel, after finishing */
	lu_kexec_hook at_kexec;	/* lu_split: between the two halves */
	int how;		/* for the hooks */

	/* out */
	int failures[MAXK];	/* lu_run: of each run_pci_cycle() */
	int cycles;
	int preserve_err[MAXPD], retrieve_err[MAXPD];
	int prepare_err, boot_err, finish_err, hook_err;
	uint32_t regs[8];	/* for the hooks: registers they read */
	char driver_at_boot[MAXPD][32];	/* lu_split: right after the kexec */
	unsigned long leaked;
	size_t nb;
	struct sim_pci_info before[MAXDEV];
	size_t nh;
	struct lu_hw hw[MAXDEV];
	size_t ne;
	struct lu_ev ev[MAXEV];
	/* the handover's pci_ser (lu_split; the last kexec) */
	bool ser_found;
	uint64_t fdt_pa;	/* the KHO root blob */
	uint64_t luo_pa;	/* the LUO root, struct luo_ser */
	uint64_t flb_pa;	/* its luo_flb_ser entry */
	uint64_t ser_pa;
	unsigned int ser_version, ser_nr;
	size_t nser;
	size_t nslots;		/* entries in the block set, free ones too */
	struct lu_ser ser[MAXSER];
	/* lu_split: the kernel's device list, at the LIST_* points */
	size_t nlist[3];
	struct sim_lu_entry list[3][MAXSER];
};

#define LIST_OUT	0	/* outgoing, just before kexec */
#define LIST_IN		1	/* incoming, after retrieving, before finish */
#define LIST_DONE	2	/* incoming, after finish */

/* Shared with the child, which fills in the "out" part. */
static struct lu_case *lu_new(void)
{
	struct lu_case *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(c != MAP_FAILED);
	memset(c, 0, sizeof(*c));
	c->kexecs = 1;
	return c;
}

static void lu_free(struct lu_case *c)
{
	munmap(c, sizeof(*c));
}

/* ---- child side ---- */

static int collect_before(const struct sim_pci_info *info, void *ctx)
{
	struct lu_case *c = ctx;

	if (c->nb < MAXDEV)
		c->before[c->nb++] = *info;
	return 0;
}

static const struct sim_pci_info *info_find(const struct sim_pci_info *v,
					    size_t n, const char *bdf)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, bdf))
			return &v[i];
	return NULL;
}

/* ACS Control as the hardware has it, -1 without an ACS capability. */
static int acs_ctrl_of(struct machine *m, const struct sim_pci_info *d)
{
	unsigned int pos = 0x100, guard = 0;
	uint32_t v = 0;

	while (pos && guard++ < 480) {
		machine_cfg_read(m, d->domain, d->bus, d->devfn, pos, 4, &v);
		if (!v || v == 0xffffffff)
			return -1;
		if ((v & 0xffff) == 0x000d) {
			machine_cfg_read(m, d->domain, d->bus, d->devfn, pos + 6,
					 2, &v);
			return (int)v;
		}
		pos = (v >> 20) & 0xffc;
	}
	return -1;
}

/* Offset of the PCIe capability, 0 if none. */
static unsigned int pcie_cap(struct machine *m, const struct sim_pci_info *d)
{
	uint32_t v = 0;
	unsigned int pos, guard = 0;

	machine_cfg_read(m, d->domain, d->bus, d->devfn, 0x06, 2, &v);
	if (!(v & 0x10))
		return 0;
	machine_cfg_read(m, d->domain, d->bus, d->devfn, 0x34, 1, &v);
	for (pos = v & 0xfc; pos && guard++ < 48;) {
		machine_cfg_read(m, d->domain, d->bus, d->devfn, pos, 2, &v);
		if ((v & 0xff) == 0x10)
			return pos;
		pos = (v >> 8) & 0xfc;
	}
	return 0;
}

struct after_ctx {
	struct machine *m;
	struct lu_case *c;
};

static int collect_hw(const struct sim_pci_info *info, void *ctx)
{
	struct after_ctx *a = ctx;
	struct lu_hw *h;
	struct mfunc *f;
	uint32_t v = 0;
	unsigned int cap;

	if (a->c->nh >= MAXDEV)
		return 0;
	h = &a->c->hw[a->c->nh++];
	memset(h, 0, sizeof(*h));
	memcpy(h->name, info->name, sizeof(h->name));
	machine_cfg_read(a->m, info->domain, info->bus, info->devfn, 0x04, 2, &v);
	h->cmd = (uint16_t)v;
	h->acs_ctrl = info->cfg_size > 0x100 ? acs_ctrl_of(a->m, info) : -1;
	machine_cfg_read(a->m, info->domain, info->bus, info->devfn, 0x0e, 1, &v);
	if ((v & 0x7f) == 1) {
		machine_cfg_read(a->m, info->domain, info->bus, info->devfn,
				 0x18, 4, &h->buses);
		cap = pcie_cap(a->m, info);
		h->ari_fwd = -1;
		if (cap) {
			machine_cfg_read(a->m, info->domain, info->bus,
					 info->devfn, cap + 0x28, 2, &v);
			h->ari_fwd = !!(v & 0x20);
		}
	}
	f = machine_find(a->m, info->domain, info->bus, info->devfn);
	if (f && mfunc_dma_started(f))
		h->dma = mfunc_dma_running(f) ? 1 : 2;
	return 0;
}

static void record_after(struct machine *m, struct lu_case *c, size_t mark)
{
	struct after_ctx a = { m, c };

	c->nh = 0;
	sim_pci_visit_devs(collect_hw, &a);
	c->ne = 0;
	for (size_t i = mark; i < machine_nr_events(m) && c->ne < MAXEV; i++) {
		const struct mevent *e = machine_event(m, i);
		struct lu_ev *x = &c->ev[c->ne++];

		memcpy(x->bdf, e->bdf, sizeof(x->bdf));
		x->kind = e->kind;
		memcpy(x->what, e->what, sizeof(x->what));
		printf("lu-test: event %s %s at %llu ns: %s\n", e->bdf,
		       mevent_kind_name(e->kind), (unsigned long long)e->time_ns,
		       e->what);
	}
	c->leaked = sim_kho_leaked_pages();
}

static const char *cmdline_of(const struct lu_case *c)
{
	return c->cmdline ? c->cmdline : BASE_CMDLINE " pci=lu_vfs=core";
}

static const char *kexec_cmdline_of(const struct lu_case *c)
{
	return c->kexec_cmdline ? c->kexec_cmdline : cmdline_of(c);
}

/* The whole live update through the scenario runner, c->kexecs times. */
static int lu_run(struct machine *m, void *arg)
{
	struct lu_case *c = arg;
	struct run_dev *pd = NULL;
	size_t np = 0, mark;
	int ret;

	if (run_parse_preserve(c->preserve, &pd, &np))
		return -EINVAL;
	if (c->setup && (ret = c->setup(m, c)))
		return ret;
	if (c->enable_vfs && (ret = run_enable_vfs()))
		return ret;
	c->nb = 0;
	sim_pci_visit_devs(collect_before, c);
	mark = machine_nr_events(m);
	for (int k = 1; k <= c->kexecs && k <= MAXK; k++) {
		c->failures[k - 1] = run_pci_cycle(m, kexec_cmdline_of(c), c->enable_vfs,
						   c->vfs_user, pd, np, k);
		c->cycles = k;
		printf("lu-test: kexec %d: %d failure(s)\n", k, c->failures[k - 1]);
	}
	record_after(m, c, mark);
	free(pd);
	return 0;
}

/* ---- the handover, read back from the machine's RAM ---- */

struct ser_block_hdr {
	uint64_t next;
	uint64_t count;
} __attribute__((packed));

struct ser_dev {			/* struct pci_dev_ser, version 3 */
	uint32_t domain;
	uint16_t bdf;
	uint16_t refcount;
	uint16_t vendor;
	uint16_t device;
	uint32_t flags;
	uint8_t primary, secondary, subordinate, reserved;
	uint16_t acs_ctrl;
	uint16_t sriov_num_vfs;
	uint16_t sriov_ctrl;
	uint16_t reserved2[3];
	struct {
		uint64_t start, end, flags;
	} __attribute__((packed)) res[17];
} __attribute__((packed));

struct ser_root {			/* struct pci_ser */
	uint32_t version;
	uint32_t nr_devices;
	uint64_t devices;
} __attribute__((packed));

_Static_assert(sizeof(struct ser_dev) == 440, "pci_dev_ser layout");

#define LUO_SER_FLBS_OFFSET	24	/* last u64 of 7.3's 32-byte luo_ser */
#define FLB_NAME_LEN		48	/* LIVEUPDATE_FLB_COMPAT_LENGTH */
#define FLB_ENTRY_LEN		64

static void *ram_at(struct machine *m, uint64_t pa, uint64_t len)
{
	uint64_t base, size;
	char *ram = machine_ram(m, &base, &size);

	if (!ram || pa < base || pa - base >= size || len > size - (pa - base))
		return NULL;
	return ram + (pa - base);
}

/*
 * Physical address of the luo_flb_ser entry of the "pci" FLB, or 0; *luo_pa
 * the LUO root's, if found.
 */
static uint64_t find_pci_flb(struct machine *m, uint64_t fdt_pa,
			     uint64_t *luo_pa)
{
	const void *fdt = ram_at(m, fdt_pa, 64);
	const fdt64_t *p;
	uint64_t luo, flbs, *hdr;
	int node, len;

	if (!fdt || fdt_check_header(fdt))
		return 0;
	node = fdt_subnode_offset(fdt, 0, "LUO");
	if (node < 0)
		return 0;
	p = fdt_getprop(fdt, node, "preserved-data", &len);
	if (!p || len != 8)
		return 0;
	memcpy(&luo, p, 8);		/* KHO writes it CPU-endian */
	if (!ram_at(m, luo, 32))
		return 0;
	*luo_pa = luo;
	flbs = *(uint64_t *)ram_at(m, luo + LUO_SER_FLBS_OFFSET, 8);
	hdr = ram_at(m, flbs, 4096);
	if (!hdr)
		return 0;
	for (uint64_t i = 0; i < hdr[1] && i < 60; i++) {
		uint64_t e = flbs + 16 + i * FLB_ENTRY_LEN;
		const char *name = ram_at(m, e, FLB_ENTRY_LEN);

		if (name && !strncmp(name, "pci", FLB_NAME_LEN))
			return e;
	}
	return 0;
}

static void read_handover(struct machine *m, struct lu_case *c,
			  uint64_t fdt_pa)
{
	uint64_t flb, blk;
	struct ser_root *root;
	int guard = 0;

	c->fdt_pa = fdt_pa;
	c->luo_pa = 0;
	flb = find_pci_flb(m, fdt_pa, &c->luo_pa);
	c->ser_found = false;
	c->nser = 0;
	c->nslots = 0;
	if (!flb)
		return;
	c->flb_pa = flb;
	c->ser_pa = *(uint64_t *)ram_at(m, flb + FLB_NAME_LEN, 8);
	root = ram_at(m, c->ser_pa, sizeof(*root));
	if (!root)
		return;
	c->ser_found = true;
	c->ser_version = root->version;
	c->ser_nr = root->nr_devices;
	for (blk = root->devices; blk && guard++ < 64;) {
		struct ser_block_hdr *h = ram_at(m, blk, 4096);

		if (!h)
			break;
		c->nslots += h->count;
		for (uint64_t i = 0; i < h->count; i++) {
			struct ser_dev *d = ram_at(m, blk + sizeof(*h) +
						   i * sizeof(*d), sizeof(*d));
			struct lu_ser *s;

			if (!d || !d->refcount || c->nser >= MAXSER)
				continue;
			s = &c->ser[c->nser++];
			s->domain = d->domain;
			s->bdf = d->bdf;
			s->refcount = d->refcount;
			s->vendor = d->vendor;
			s->device = d->device;
			s->flags = d->flags;
			s->primary = d->primary;
			s->secondary = d->secondary;
			s->subordinate = d->subordinate;
			s->num_vfs = d->sriov_num_vfs;
		}
		blk = h->next;
	}
}

static const char *driver_for(const struct sim_pci_info *x)
{
	return x->sriov_total ? "pcisim-pf" : "pcisim-vfio";
}

struct list_ctx {
	struct lu_case *c;
	int at;
};

static int collect_list(const struct sim_lu_entry *e, void *ctx)
{
	struct list_ctx *l = ctx;

	if (l->c->nlist[l->at] < MAXSER)
		l->c->list[l->at][l->c->nlist[l->at]++] = *e;
	return 0;
}

static void record_list(struct lu_case *c, int at, int which)
{
	struct list_ctx l = { c, at };

	c->nlist[at] = 0;
	sim_lu_visit_list(which, collect_list, &l);
}

/* Preserve, kexec in two halves (c->at_kexec between), retrieve, finish. */
static int lu_split(struct machine *m, void *arg)
{
	struct lu_case *c = arg;
	struct sim_handover kho;
	struct run_dev *pd = NULL;
	struct machine *m2;
	size_t np = 0, mark;
	int ret;

	if (run_parse_preserve(c->preserve, &pd, &np) || np > MAXPD)
		return -EINVAL;
	if (c->setup && (ret = c->setup(m, c)))
		return ret;
	if (c->enable_vfs && (ret = run_enable_vfs()))
		return ret;
	c->nb = 0;
	sim_pci_visit_devs(collect_before, c);
	for (size_t i = 0; i < np; i++) {
		const struct sim_pci_info *x = info_find(c->before, c->nb,
							 pd[i].bdf);

		ret = x ? 0 : -ENODEV;
		if (!ret && strcmp(x->driver, driver_for(x)))
			ret = sim_lu_bind(x->domain, x->bus, x->devfn,
					  driver_for(x));
		ret = ret ?: sim_lu_preserve(SESSION, pd[i].domain, pd[i].bus,
					     pd[i].devfn);
		c->preserve_err[i] = ret;
		printf("lu-test: preserve %s: %d\n", pd[i].bdf, ret);
	}
	if (c->before_kexec && (ret = c->before_kexec(m, c)))
		return ret;
	c->nb = 0;
	sim_pci_visit_devs(collect_before, c);	/* with drivers bound */
	record_list(c, LIST_OUT, SIM_LU_LIST_OUTGOING);

	mark = machine_nr_events(m);
	c->prepare_err = sim_kernel_kexec_prepare(&kho);
	printf("lu-test: kexec prepare: %d\n", c->prepare_err);
	/* simtest counts the last kernel's WARNs only */
	if (sim_warn_count())
		printf("pcisim: %lu kernel WARNING(s) before the kexec\n",
		       sim_warn_count());
	if (c->prepare_err)
		return 0;
	read_handover(m, c, kho.fdt);
	m2 = c->at_kexec ? c->at_kexec(m, c) : m;
	if (!m2)
		return -EIO;
	if (m2 != m) {
		host_set_machine(m2);
		mark = 0;
	}
	c->boot_err = cli_kexec_reboot(m2, kexec_cmdline_of(c), &kho);
	printf("lu-test: boot after kexec: %d\n", c->boot_err);
	if (c->boot_err)
		return c->boot_err;
	for (size_t i = 0; i < np; i++)
		sim_lu_driver_of(pd[i].domain, pd[i].bus, pd[i].devfn,
				 c->driver_at_boot[i], sizeof(c->driver_at_boot[i]));
	if (c->after_boot && (ret = c->after_boot(m2, c)))
		return ret;

	for (int pass = 0; pass < 2 && !c->no_retrieve; pass++) {
		for (size_t i = 0; i < np; i++) {
			const struct sim_pci_info *x = info_find(c->before, c->nb,
								 pd[i].bdf);

			if (!x || (pass == 0) != (x->sriov_total > 0))
				continue;
			ret = sim_lu_retrieve_dev(SESSION, pd[i].domain,
						  pd[i].bus, pd[i].devfn);
			if (!ret && c->vfs_user && x->sriov_num)
				ret = sim_lu_enable_vfs(x->domain, x->bus,
							x->devfn,
							(int)x->sriov_num);
			c->retrieve_err[i] = ret;
			printf("lu-test: retrieve %s: %d\n", pd[i].bdf, ret);
		}
	}
	record_list(c, LIST_IN, SIM_LU_LIST_INCOMING);
	if (!c->no_retrieve) {
		c->finish_err = sim_lu_finish(SESSION);
		printf("lu-test: finish: %d\n", c->finish_err);
	}
	record_list(c, LIST_DONE, SIM_LU_LIST_INCOMING);
	if (c->after_finish && (ret = c->after_finish(m2, c)))
		return ret;
	record_after(m2, c, mark);
	free(pd);
	return 0;
}

/* ---- hooks the scenarios share ---- */

static int bind_vfio(unsigned int bus, unsigned int dev, unsigned int fn)
{
	return sim_lu_bind(0, bus, PCI_DEVFN(dev, fn), "pcisim-vfio");
}

/* Attach a function to the live machine: path of the parent, or NULL. */
static struct mfunc *hot_add(struct machine *m, const char *parent,
			     unsigned int devfn, const struct mfunc_desc *d)
{
	struct mfunc *p = parent ? machine_find_path(m, parent) : NULL;
	char err[256] = "";
	struct mfunc *f;

	if (parent && !p) {
		printf("lu-test: hot-add: no %s\n", parent);
		return NULL;
	}
	f = machine_add_function(m, machine_host(m, 0), p, (uint8_t)devfn, d,
				 err, sizeof(err));
	if (!f)
		printf("lu-test: hot-add below %s: %s\n", parent ? parent : "host",
		       err);
	return f;
}

static const struct mfunc_desc new_root_port = {
	.kind = MF_ROOT_PORT, .vendor = 0x1b36, .device = 0x000c,
	.class_code = 0x060400, .io_window = true, .pref_window = true,
	.pref64 = true, .slot = true, .slot_number = 9, .hotplug = true,
};

static const struct mfunc_desc new_nic = {
	.kind = MF_ENDPOINT, .vendor = 0x8086, .device = 0x10d3,
	.class_code = 0x020000,
	.bar = { { MBAR_MEM32, false, 128 << 10 } },
};

/* ---- test side ---- */

static void show(const struct sim_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void run_case(const char *topo, struct lu_case *c,
		     int (*flow)(struct machine *, void *),
		     struct sim_result *r)
{
	struct sim_run run = {
		.topo_text = topo,
		.cmdline = cmdline_of(c),
		.scenario = flow,
		.arg = c,
	};

	assert_int_equal(simtest_run(&run, r), 0);
	if (r->status)
		show(r, "the kernel-world child exited %d", r->status);
	if (getenv("LU_SHOW"))		/* LU_SHOW=1: every run's log */
		printf("%s", r->log);
}

/* Fail with a message, after printing the run's log. */
static void show(const struct sim_result *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* the log as TAP comments (cmocka truncates long messages) */
	printf("# ---- log of the failed run ----\n");
	for (const char *p = r->log; *p;) {
		size_t n = strcspn(p, "\n");

		printf("# %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	fflush(stdout);
	fail_msg("%s", msg);
}

static void expect_log(const struct sim_result *r, const char *want)
{
	if (!strstr(r->log, want))
		show(r, "expected \"%s\" in the log", want);
}

static void expect_no_log(const struct sim_result *r, const char *bad)
{
	if (strstr(r->log, bad))
		show(r, "did not expect \"%s\" in the log", bad);
}

static int count_log(const struct sim_result *r, const char *s)
{
	int n = 0;

	for (const char *p = r->log; (p = strstr(p, s)); p++)
		n++;
	return n;
}

/* Does the whole of s match pattern, where '*' matches any run? */
static bool glob(const char *pat, const char *s)
{
	if (!*pat)
		return !*s;
	if (*pat == '*')
		return glob(pat + 1, s) || (*s && glob(pat, s + 1));
	return *pat == *s && glob(pat + 1, s + 1);
}

/*
 * The lines of the log that start with "FAIL" are exactly these: each
 * pattern (matched against a whole line, '*' for any run of characters)
 * matches at least one of them, and each of them matches a pattern. NULL
 * ends the list.
 */
static void expect_fail_lines(const struct sim_result *r, const char *const *want)
{
	bool seen[32] = { false };
	int nwant = 0;

	while (want && want[nwant])
		nwant++;
	assert_true(nwant <= 32);
	for (const char *p = r->log; *p;) {
		size_t n = strcspn(p, "\n");
		char line[512];
		bool known = false;

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		if (strncmp(line, "FAIL", 4))
			continue;
		for (int i = 0; i < nwant; i++)
			if (glob(want[i], line))
				known = seen[i] = true;
		if (!known)
			show(r, "unexpected line: %s", line);
	}
	for (int i = 0; i < nwant; i++)
		if (!seen[i])
			show(r, "expected a line like \"%s\"", want[i]);
}

static int count_fail_lines(const struct sim_result *r)
{
	int n = 0;

	for (const char *p = r->log; *p;) {
		size_t len = strcspn(p, "\n");

		n += !strncmp(p, "FAIL", 4);
		p += len + (p[len] == '\n');
	}
	return n;
}

/* Some line of the log matches pattern ('*': any run of characters). */
static void expect_line(const struct sim_result *r, const char *pattern)
{
	for (const char *p = r->log; *p;) {
		size_t n = strcspn(p, "\n");
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		if (glob(pattern, line))
			return;
	}
	show(r, "expected a line like \"%s\"", pattern);
}

static void expect_no_fail(const struct sim_result *r)
{
	expect_fail_lines(r, NULL);
}

static const struct sim_pci_info *dev(const struct sim_result *r, const char *bdf)
{
	const struct sim_pci_info *d = simtest_find(r, bdf);

	if (!d)
		show(r, "%s is not there after the live update", bdf);
	return d;
}

static const struct sim_pci_info *before(const struct lu_case *c,
					 const struct sim_result *r,
					 const char *bdf)
{
	const struct sim_pci_info *d = info_find(c->before, c->nb, bdf);

	if (!d)
		show(r, "%s was not there before the live update", bdf);
	return d;
}

static const struct lu_hw *hw(const struct lu_case *c, const struct sim_result *r,
			      const char *bdf)
{
	for (size_t i = 0; i < c->nh; i++)
		if (!strcmp(c->hw[i].name, bdf))
			return &c->hw[i];
	show(r, "no hardware record of %s", bdf);
	return NULL;
}

/* A bridge: the kernel's and the hardware's bus numbers. */
static void expect_buses(const struct lu_case *c, const struct sim_result *r,
			 const char *bdf, unsigned int pri, unsigned int sec,
			 unsigned int sub)
{
	const struct sim_pci_info *d = dev(r, bdf);
	const struct lu_hw *h = hw(c, r, bdf);
	uint32_t want = pri | sec << 8 | sub << 16;

	if (!d->is_bridge || d->primary != pri || d->secondary != sec ||
	    d->subordinate != sub)
		show(r, "%s: kernel has bus %02x/%02x/%02x, want %02x/%02x/%02x",
		     bdf, d->primary, d->secondary, d->subordinate, pri, sec, sub);
	if ((h->buses & 0xffffff) != want)
		show(r, "%s: bus-number register %06x, want %06x", bdf,
		     h->buses & 0xffffff, want);
}

/* Same IDs, bus numbers and every BAR/window as before the kexec. */
static void expect_unchanged(const struct lu_case *c, const struct sim_result *r,
			     const char *bdf)
{
	const struct sim_pci_info *b = before(c, r, bdf), *a = dev(r, bdf);

	if (a->vendor != b->vendor || a->device != b->device)
		show(r, "%s: [%04x:%04x], was [%04x:%04x]", bdf, a->vendor,
		     a->device, b->vendor, b->device);
	if (a->is_bridge != b->is_bridge || a->primary != b->primary ||
	    a->secondary != b->secondary || a->subordinate != b->subordinate)
		show(r, "%s: bus %02x/%02x/%02x, was %02x/%02x/%02x", bdf,
		     a->primary, a->secondary, a->subordinate, b->primary,
		     b->secondary, b->subordinate);
	for (int i = 0; i < SIM_NR_RES; i++) {
		if (!b->res[i].flags && !a->res[i].flags)
			continue;
		if (a->res[i].start != b->res[i].start ||
		    a->res[i].end != b->res[i].end)
			show(r, "%s: resource %d %#llx-%#llx, was %#llx-%#llx",
			     bdf, i, a->res[i].start, a->res[i].end,
			     b->res[i].start, b->res[i].end);
	}
}

/*
 * Bus Master on, DMA engine running, no DMA disruption or reset logged
 * since the first kexec, and its BARs routed at the end. (BAR routing
 * broken for a moment is a FAIL line of the runner, and checked on its
 * own by test_preserved_bars_keep_decoding and
 * test_preserved_pref64_window_keeps_decoding.)
 */
static void expect_running(const struct lu_case *c, const struct sim_result *r,
			   const char *bdf)
{
	const struct lu_hw *h = hw(c, r, bdf);
	const struct lu_ev *bar = NULL;

	if (!(h->cmd & 0x4))
		show(r, "%s: Bus Master Enable is off (Command %04x)", bdf, h->cmd);
	if (h->dma != 1)
		show(r, "%s: DMA engine %s", bdf,
		     h->dma ? "disrupted" : "not started");
	for (size_t i = 0; i < c->ne; i++) {
		if (strcmp(c->ev[i].bdf, bdf))
			continue;
		if (c->ev[i].kind == MEV_DMA_DISRUPTED ||
		    c->ev[i].kind == MEV_RESET)
			show(r, "%s: %s: %s", bdf,
			     mevent_kind_name(c->ev[i].kind), c->ev[i].what);
		if (c->ev[i].kind == MEV_BAR_ROUTING_BROKEN ||
		    c->ev[i].kind == MEV_BAR_ROUTING_RESTORED)
			bar = &c->ev[i];
	}
	if (bar && bar->kind == MEV_BAR_ROUTING_BROKEN)
		show(r, "%s: BAR routing still broken: %s", bdf, bar->what);
}

/* Bus Master on for a bridge above preserved devices. */
static void expect_master(const struct lu_case *c, const struct sim_result *r,
			  const char *bdf)
{
	const struct lu_hw *h = hw(c, r, bdf);

	if (!(h->cmd & 0x4))
		show(r, "%s: Bus Master Enable is off (Command %04x)", bdf, h->cmd);
}

static bool has_event(const struct lu_case *c, const char *bdf,
		      enum mevent_kind kind)
{
	for (size_t i = 0; i < c->ne; i++)
		if (!strcmp(c->ev[i].bdf, bdf) && c->ev[i].kind == kind)
			return true;
	return false;
}

static void expect_driver(const struct sim_result *r, const char *bdf,
			  const char *drv)
{
	const struct sim_pci_info *d = dev(r, bdf);

	if (strcmp(d->driver, drv))
		show(r, "%s: bound to '%s', want '%s'", bdf, d->driver, drv);
}

/* The VFs of pf after the update, in order: exactly these BDFs. */
static void expect_vfs(const struct sim_result *r, const char *pf,
		       const char *const *vfs)
{
	const struct sim_pci_info *p = dev(r, pf);
	unsigned int n = 0;

	for (; vfs[n]; n++) {
		const struct sim_pci_info *v = dev(r, vfs[n]);

		if (!v->is_virtfn || v->physfn_bus != p->bus ||
		    v->physfn_devfn != p->devfn)
			show(r, "%s is not a VF of %s", vfs[n], pf);
	}
	if (p->sriov_num != n)
		show(r, "%s has %u VFs, want %u", pf, p->sriov_num, n);
	for (size_t i = 0; i < r->n; i++) {
		const struct sim_pci_info *v = &r->dev[i];
		bool listed = false;

		if (!v->is_virtfn || v->physfn_bus != p->bus ||
		    v->physfn_devfn != p->devfn)
			continue;
		for (unsigned int j = 0; j < n && !listed; j++)
			listed = !strcmp(v->name, vfs[j]);
		if (!listed)
			show(r, "%s: unexpected VF %s", pf, v->name);
	}
}

/* No two functions decode the same address (VFs are inside their PF's). */
static void expect_no_overlap(const struct sim_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		for (size_t j = i + 1; j < r->n; j++) {
			const struct sim_pci_info *a = &r->dev[i], *b = &r->dev[j];

			if (a->is_virtfn || b->is_virtfn || a->is_bridge ||
			    b->is_bridge)
				continue;
			for (int x = 0; x < 13; x++) {
				for (int y = 0; y < 13; y++) {
					const struct sim_res *p = &a->res[x], *q = &b->res[y];

					if (x == 6 || y == 6 || !p->start || !q->start ||
					    (p->flags & 0x300) != (q->flags & 0x300))
						continue;
					if (p->start <= q->end && q->start <= p->end)
						show(r, "%s resource %d %#llx-%#llx overlaps %s resource %d %#llx-%#llx",
						     a->name, x, p->start, p->end,
						     b->name, y, q->start, q->end);
				}
			}
		}
	}
}

static void expect_all_unchanged(const struct lu_case *c,
				 const struct sim_result *r)
{
	for (size_t i = 0; i < c->nb; i++)
		expect_unchanged(c, r, c->before[i].name);
	if (r->n != c->nb)
		show(r, "%zu functions after the update, %zu before", r->n, c->nb);
	expect_no_overlap(r);
}

static void expect_clean_cycles(const struct lu_case *c,
				const struct sim_result *r)
{
	char line[64];

	assert_int_equal(c->cycles, c->kexecs);
	for (int k = 1; k <= c->kexecs; k++) {
		snprintf(line, sizeof(line), "lu-test: kexec %d: 0 failure(s)", k);
		expect_log(r, line);
	}
	expect_no_fail(r);
	if (r->warns)
		show(r, "%lu kernel WARNING(s)", r->warns);
	expect_no_log(r, "kernel WARNING(s) before the kexec");
	assert_int_equal(c->leaked, 0);
	/* the memory handed back was checked, and there was some */
	expect_line(r, "  * preserved pages restored, all freed after finish");
	expect_no_log(r, "  0 preserved pages restored");
}

static const struct lu_ser *ser_of(const struct lu_case *c,
				   const struct sim_result *r, unsigned int bus,
				   unsigned int devfn)
{
	for (size_t i = 0; i < c->nser; i++)
		if (c->ser[i].bdf == (bus << 8 | devfn))
			return &c->ser[i];
	show(r, "%02x:%02x.%u is not in the handed-over pci_ser", bus,
	     devfn >> 3, devfn & 7);
	return NULL;
}

static void expect_ser(const struct lu_case *c, const struct sim_result *r,
		       unsigned int bus, unsigned int devfn,
		       unsigned int refcount, bool preserved)
{
	const struct lu_ser *s = ser_of(c, r, bus, devfn);

	if (s->refcount != refcount || !!(s->flags & SER_PRESERVED) != preserved)
		show(r, "%02x:%02x.%u in pci_ser: refcount %u%s, want %u%s", bus,
		     devfn >> 3, devfn & 7, s->refcount,
		     s->flags & SER_PRESERVED ? " preserved" : "", refcount,
		     preserved ? " preserved" : "");
}

/*
 * The kernel's device list at point at has bdf in role with refcount,
 * depending on dep (NULL: on a root bus), and lists dep before it.
 */
static void expect_entry(const struct lu_case *c, const struct sim_result *r,
			 int at, const char *bdf, int role,
			 unsigned int refcount, const char *dep)
{
	const struct sim_lu_entry *v = c->list[at];
	size_t i, k;

	for (i = 0; i < c->nlist[at] && strcmp(v[i].name, bdf); i++)
		;
	if (i == c->nlist[at])
		show(r, "list %d: %s is not in the kernel's device list", at, bdf);
	if (v[i].role != role || v[i].refcount != refcount || !v[i].found)
		show(r, "list %d: %s has role %d, refcount %u, found %d; want role %d, refcount %u",
		     at, bdf, v[i].role, v[i].refcount, v[i].found, role, refcount);
	if (!dep) {
		if (v[i].has_dep)
			show(r, "list %d: %s depends on %s, want nothing", at, bdf,
			     v[i].dep_name);
		return;
	}
	if (!v[i].has_dep || strcmp(v[i].dep_name, dep))
		show(r, "list %d: %s depends on %s, want %s", at, bdf,
		     v[i].has_dep ? v[i].dep_name : "nothing", dep);
	for (k = 0; k < i && strcmp(v[k].name, dep); k++)
		;
	if (k == i)
		show(r, "list %d: %s is not listed before %s, which depends on it",
		     at, dep, bdf);
}

static void expect_list_len(const struct lu_case *c, const struct sim_result *r,
			    int at, size_t n)
{
	if (c->nlist[at] != n)
		show(r, "list %d: %zu devices in the kernel's device list, want %zu",
		     at, c->nlist[at], n);
}

/*
 * Ports as QEMU makes them: hot-plug capable, with MSI-X. (Ports without
 * a hot-plug slot: test_bridge_master_kept_when_port_driver_fails.)
 */
#define PORTS								\
	"template rp root-port id=1b36:000c pin=a msix=1 aer acs hotplug\n" \
	"template up switch-up id=104c:8232 msi aer\n"			\
	"template down switch-down id=104c:8233 msi aer hotplug\n"

/* =================================================================== */
/* Where the device sits                                               */
/* =================================================================== */

static const char topo_root_bus[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  02.0 rciep id=8086:10d3 class=020000 bar0=mem32:128K bar1=mem32:128K bar2=io:32 bar3=mem32:16K msix=5\n"
	"  03.0 rciep id=1b36:0010 class=010802 bar0=mem64:16K\n";

/* An RCiEP on the root bus: no bridge above it at all. */
static void test_endpoint_on_root_bus(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:00:02.0";
	run_case(topo_root_bus, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 1 devices were preserved by the previous kernel");
	expect_log(&r, "pci 0000:00:02.0: preserved by the previous kernel");
	expect_no_log(&r, "pci 0000:00:03.0: preserved by the previous kernel");
	expect_unchanged(c, &r, "0000:00:02.0");
	expect_running(c, &r, "0000:00:02.0");
	expect_driver(&r, "0000:00:02.0", "pcisim-vfio");
	/* the BARs the first kernel gave it, not only "the same as before" */
	assert_int_not_equal(dev(&r, "0000:00:02.0")->res[0].start, 0);
	/* the neighbour was never bound: enumerated again, no driver */
	expect_driver(&r, "0000:00:03.0", "");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static const char topo_root_port[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K msix=65\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

static void test_endpoint_behind_root_port(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	run_case(topo_root_port, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 2 devices were preserved by the previous kernel");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x02, 0x02);
	expect_master(c, &r, "0000:00:01.0");
	expect_unchanged(c, &r, "0000:00:01.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.0");
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	/* the histories of the device and its port: on, never cleared */
	expect_line(&r, "    Bus Master history of 0000:01:00.0: 1, never cleared (* writes of Command seen)");
	expect_line(&r, "    Bus Master history of 0000:00:01.0: 1, never cleared (* writes of Command seen)");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/*
 * A root port without hot-plug: the port driver finds no service it can
 * run (no interrupts without CONFIG_PCI_MSI) and used to clear Bus Master
 * Enable on the port, under the DMA of the preserved device below
 * (lu/patches/0010 keeps it on incoming bridges).
 */
static const char topo_port_no_hotplug[] =
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 root-port id=1b36:000c slot=1 msix=1 pin=a aer\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n";

static void test_bridge_master_kept_when_port_driver_fails(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	run_case(topo_port_no_hotplug, c, lu_run, &r);
	expect_running(c, &r, "0000:01:00.0");
	expect_clean_cycles(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static const char topo_two_switches[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 up\n"
	"      00.0 down slot=2\n"
	"        00.0 switch-up id=10b5:8747 msi aer\n"
	"          08.0 switch-down id=10b5:8747 slot=3 msi aer hotplug\n"
	"            00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
	"          10.0 switch-down id=10b5:8747 slot=4 msi aer hotplug\n"
	"            00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n"
	"      01.0 down slot=5\n"
	"  02.0 rp slot=6\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

/*
 * root port 00:01.0 [01-07] > switch 01:00.0 [02-07] > port 02:00.0 [03-06]
 * > switch 03:00.0 [04-06] > port 04:08.0 [05] > 05:00.0, preserved; the
 * other ports (04:10.0, 02:01.0, 00:02.0) keep their numbers too.
 */
static void test_endpoint_behind_two_switch_levels(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:05:00.0";
	run_case(topo_two_switches, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 6 devices were preserved by the previous kernel");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x07);
	expect_buses(c, &r, "0000:01:00.0", 0x01, 0x02, 0x07);
	expect_buses(c, &r, "0000:02:00.0", 0x02, 0x03, 0x06);
	expect_buses(c, &r, "0000:03:00.0", 0x03, 0x04, 0x06);
	expect_buses(c, &r, "0000:04:08.0", 0x04, 0x05, 0x05);
	expect_buses(c, &r, "0000:04:10.0", 0x04, 0x06, 0x06);
	expect_buses(c, &r, "0000:02:01.0", 0x02, 0x07, 0x07);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x08, 0x08);
	for (const char *const *b = (const char *const[]){ "0000:00:01.0",
		"0000:01:00.0", "0000:02:00.0", "0000:03:00.0", "0000:04:08.0",
		NULL }; *b; b++) {
		expect_master(c, &r, *b);
		expect_unchanged(c, &r, *b);
	}
	expect_running(c, &r, "0000:05:00.0");
	expect_driver(&r, "0000:05:00.0", "pcisim-vfio");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static const char topo_multifunction[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1521 class=020000 bar0=mem32:1M bar3=mem32:16K msix=10\n"
	"    00.1 endpoint id=8086:1521 class=020000 bar0=mem32:1M bar3=mem32:16K msix=10\n";

static int bind_fn0(struct machine *m, struct lu_case *c)
{
	(void)m;
	(void)c;
	return bind_vfio(1, 0, 0);
}

/*
 * Function 1 preserved; function 0 of the same device is running under
 * its driver but not preserved: stopped at kexec, enumerated normally.
 */
static void test_multifunction_preserve_function_1_only(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.1";
	c->setup = bind_fn0;
	run_case(topo_multifunction, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "pci 0000:01:00.1: preserved by the previous kernel");
	expect_no_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	expect_log(&r, "PCI: liveupdate: 2 devices were preserved by the previous kernel");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_unchanged(c, &r, "0000:01:00.1");
	expect_running(c, &r, "0000:01:00.1");
	expect_driver(&r, "0000:01:00.1", "pcisim-vfio");
	/* function 0: its driver stopped it at shutdown; a normal device now */
	expect_driver(&r, "0000:01:00.0", "");
	assert_true(has_event(c, "0000:01:00.0", MEV_DMA_STOPPED));
	assert_false(has_event(c, "0000:01:00.0", MEV_DMA_DISRUPTED));
	assert_int_equal(hw(c, &r, "0000:01:00.0")->cmd & 0x4, 0);
	assert_int_equal(hw(c, &r, "0000:01:00.0")->dma, 0);
	assert_int_not_equal(dev(&r, "0000:01:00.0")->res[0].start, 0);
	assert_true(dev(&r, "0000:01:00.0")->res[0].start !=
		    dev(&r, "0000:01:00.1")->res[0].start);
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/* =================================================================== */
/* SR-IOV                                                              */
/* =================================================================== */

static const char topo_sriov[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:10c9 class=020000 bar0=mem32:128K msix=10 sriov=4 vf-offset=1 vf-stride=1 vf-device=10ca vfbar0=mem64:16K vfbar3=mem64:16K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n";

static void check_sriov(bool user)
{
	static const char *const vfs[] = { "0000:01:00.1", "0000:01:00.2",
					   "0000:01:00.3", "0000:01:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.0,0000:01:00.2";
	c->enable_vfs = true;
	c->vfs_user = user;
	c->cmdline = user ? BASE_CMDLINE " pci=lu_vfs=user" :
			    BASE_CMDLINE " pci=lu_vfs=core";
	run_case(topo_sriov, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 3 devices were preserved by the previous kernel");
	/* by the core at enumeration, or by the PF driver for user space */
	expect_log(&r, user ? "pcisim-pf 0000:01:00.0: taking over 4 VFs enabled before the live update" :
			      "pci 0000:01:00.0: taking over 4 VFs enabled before the live update");
	expect_vfs(&r, "0000:01:00.0", vfs);
	/* the runner's report: no VF Enable wait (100 ms) on the way */
	expect_line(&r, "  0000:01:00.0: BDF 0000:01:00.0 -> 0000:01:00.0, bus master kept, 0 * disruption(s), driver pcisim-pf, 4 VFs 0000:01:00.1..0000:01:00.4, blackout 0 us");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_unchanged(c, &r, "0000:01:00.2");
	expect_running(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.2");
	expect_driver(&r, "0000:01:00.0", "pcisim-pf");
	expect_driver(&r, "0000:01:00.2", "pcisim-vfio");
	expect_driver(&r, "0000:01:00.1", "");
	/* VF Enable never dropped: no VF was reset */
	for (size_t i = 0; i < c->ne; i++)
		if (c->ev[i].kind == MEV_RESET)
			show(&r, "%s was reset: %s", c->ev[i].bdf, c->ev[i].what);
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static void test_pf_and_vf_vfs_by_core(void **state)
{
	(void)state;
	check_sriov(false);
}

static void test_pf_and_vf_vfs_by_user(void **state)
{
	(void)state;
	check_sriov(true);
}

/*
 * The handover describes a preserved device as it is at the kexec, not as
 * it was when it was preserved (0005: the entries are taken again at
 * shutdown, when the devices freeze). The ACS Control of the root port
 * above the preserved device changes after the device was preserved; the
 * next kernel, which writes back the ACS Control the entry has (0007),
 * must find the value the hardware had at the kexec.
 */
#define ACS_AT_KEXEC	0x001d

static int change_acs_after_preserve(struct machine *m, struct lu_case *c)
{
	unsigned int pos = 0x100, guard = 0;
	uint32_t v = 0;

	(void)c;
	while (pos && guard++ < 480) {
		machine_cfg_read(m, 0, 0, PCI_DEVFN(1, 0), pos, 4, &v);
		if ((v & 0xffff) == 0x000d) {
			machine_cfg_write(m, 0, 0, PCI_DEVFN(1, 0), pos + 6, 2,
					  ACS_AT_KEXEC);
			return 0;
		}
		pos = (v >> 20) & 0xffc;
	}
	return -ENODEV;
}

static void test_handover_taken_at_kexec(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->before_kexec = change_acs_after_preserve;
	run_case(topo_root_port, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	assert_int_equal(hw(c, &r, "0000:00:01.0")->acs_ctrl, ACS_AT_KEXEC);
	expect_no_log(&r, "kernel WARNING(s) before the kexec");
	expect_running(c, &r, "0000:01:00.0");
	if (r.warns)
		show(&r, "%lu kernel WARNING(s)", r.warns);
	simtest_free(&r);
	lu_free(c);
}

/*
 * BARs kept means decoded all along: the new kernel must not size the
 * BARs (all-ones written with Memory Space off) of a running preserved
 * device or of a bridge above one, nor the VF BARs of a preserved PF
 * (sized with VF MSE on), since that moves them under whoever reaches
 * them (P2P DMA, MMIO).
 */
static void test_preserved_bars_keep_decoding(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;
	int n = 0;
	size_t first = 0;

	(void)state;
	c->preserve = "0000:01:00.0,0000:01:00.2,0000:02:00.0";
	c->enable_vfs = true;
	run_case(topo_sriov, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	for (size_t i = 0; i < c->ne; i++) {
		if (c->ev[i].kind != MEV_BAR_ROUTING_BROKEN)
			continue;
		if (!n++) {
			first = i;
			printf("# BAR routing broken during the live update:\n");
		}
		printf("#   %s: %s\n", c->ev[i].bdf, c->ev[i].what);
	}
	if (n)
		show(&r, "BAR routing of preserved devices broken %d times during the live update (first: %s: %s)",
		     n, c->ev[first].bdf, c->ev[first].what);
	simtest_free(&r);
	lu_free(c);
}

/*
 * The same for a bridge's prefetchable window: a preserved device with a
 * 64-bit prefetchable BAR (above 4 GiB) behind a root port. The new
 * kernel must not move the window it decodes through, not even to find
 * out whether the window's upper half is writable.
 */
static const char topo_pref64[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1572 class=020000 bar0=pref64:1M bar3=pref64:32K\n";

static void test_preserved_pref64_window_keeps_decoding(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	run_case(topo_pref64, c, lu_run, &r);
	assert_true(dev(&r, "0000:01:00.0")->res[0].start >= 1ULL << 32);
	for (size_t i = 0; i < c->ne; i++)
		if (c->ev[i].kind == MEV_BAR_ROUTING_BROKEN)
			show(&r, "%s: %s", c->ev[i].bdf, c->ev[i].what);
	expect_clean_cycles(c, &r);
	expect_running(c, &r, "0000:01:00.0");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/*
 * A resource the new kernel cannot assign makes it release, with
 * pci=realloc (or CONFIG_PCI_REALLOC_ENABLE_AUTO for VF BARs), the window
 * of the bridge above it with everything in it, and assign it all again
 * (pci_prepare_next_assign_round() -> pci_bridge_release_resources()).
 * Function 1 of the card is not preserved and asks for 16 MiB in the new
 * kernel (pci=resource_alignment), which the root port's window, kept as
 * it was around preserved function 0, cannot give: releasing that window
 * would move function 0's BARs under its DMA (0015).
 */
#define REALLOC_CMDLINE	BASE_CMDLINE " pci=lu_vfs=core pci=realloc pci=resource_alignment=24@0000:01:00.1"

static void test_preserved_window_kept_through_realloc(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->kexec_cmdline = REALLOC_CMDLINE;
	run_case(topo_multifunction, c, lu_run, &r);
	expect_log(&r, "Kernel command line: " REALLOC_CMDLINE);
	expect_clean_cycles(c, &r);
	/* function 1 did not fit, and the kernel tried again: the path ran */
	expect_line(&r, "pci 0000:01:00.1: BAR 0 [mem size 0x01000000]: can't assign; no space");
	expect_log(&r, "PCI: No. 2 try to assign unassigned res");
	for (size_t i = 0; i < c->ne; i++)
		if (c->ev[i].kind == MEV_BAR_ROUTING_BROKEN)
			show(&r, "%s: %s", c->ev[i].bdf, c->ev[i].what);
	expect_unchanged(c, &r, "0000:00:01.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.0");
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	simtest_free(&r);
	lu_free(c);
}

/* Only a VF is preserved: its PF is kept as "PF of preserved VFs". */
static void check_vf_only(bool user)
{
	static const char *const vfs[] = { "0000:01:00.1", "0000:01:00.2",
					   "0000:01:00.3", "0000:01:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.3";
	c->enable_vfs = true;
	c->vfs_user = user;
	c->cmdline = user ? BASE_CMDLINE " pci=lu_vfs=user" :
			    BASE_CMDLINE " pci=lu_vfs=core";
	run_case(topo_sriov, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 3 devices were preserved by the previous kernel");
	expect_no_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	expect_vfs(&r, "0000:01:00.0", vfs);
	expect_running(c, &r, "0000:01:00.3");
	expect_running(c, &r, "0000:01:00.0");
	expect_driver(&r, "0000:01:00.3", "pcisim-vfio");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static void test_vf_only_vfs_by_core(void **state)
{
	(void)state;
	check_vf_only(false);
}

static void test_vf_only_vfs_by_user(void **state)
{
	(void)state;
	check_vf_only(true);
}

/*
 * The kernel's device list for a preserved VF, before the kexec and
 * after it: its PF and the root port above are listed as what it depends
 * on (the VF on the PF, the PF on the port), each before what depends on
 * it; after finish nothing is listed any more.
 */
static void test_device_list_of_a_vf(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.3";
	c->enable_vfs = true;
	run_case(topo_sriov, c, lu_split, &r);
	assert_int_equal(c->preserve_err[0], 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	for (int at = LIST_OUT; at <= LIST_IN; at++) {
		expect_list_len(c, &r, at, 3);
		expect_entry(c, &r, at, "0000:00:01.0", SIM_LU_ROLE_BRIDGE, 1, NULL);
		expect_entry(c, &r, at, "0000:01:00.0", SIM_LU_ROLE_PF, 1,
			     "0000:00:01.0");
		expect_entry(c, &r, at, "0000:01:00.3", SIM_LU_ROLE_PRESERVED, 1,
			     "0000:01:00.0");
		assert_true(c->list[at][1].sriov);
		assert_int_equal(c->list[at][1].num_vfs, 4);
	}
	expect_list_len(c, &r, LIST_DONE, 0);
	expect_running(c, &r, "0000:01:00.3");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
	lu_free(c);
}

/*
 * VFs past devfn ff: 8 VFs from offset 252 are 01:1f.4-01:1f.7 and
 * 02:00.0-02:00.3, so the root port spans buses 01-02 and the next root
 * port gets 03. All of it must come back.
 */
static const char topo_vf_other_bus[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1572 class=020000 bar0=mem64:1M ari sriov=8 vf-offset=252 vf-stride=1 vf-device=154c vfbar0=mem64:16K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n";

static void check_vf_other_bus(bool user)
{
	static const char *const vfs[] = {
		"0000:01:1f.4", "0000:01:1f.5", "0000:01:1f.6", "0000:01:1f.7",
		"0000:02:00.0", "0000:02:00.1", "0000:02:00.2", "0000:02:00.3",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.0,0000:02:00.1,0000:01:1f.5,0000:03:00.0";
	c->enable_vfs = true;
	c->vfs_user = user;
	c->cmdline = user ? BASE_CMDLINE " pci=lu_vfs=user" :
			    BASE_CMDLINE " pci=lu_vfs=core";
	run_case(topo_vf_other_bus, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_vfs(&r, "0000:01:00.0", vfs);
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x02);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x03, 0x03);
	assert_int_equal(hw(c, &r, "0000:00:01.0")->ari_fwd, 1);
	expect_running(c, &r, "0000:02:00.1");
	expect_running(c, &r, "0000:01:1f.5");
	expect_running(c, &r, "0000:03:00.0");
	expect_driver(&r, "0000:02:00.1", "pcisim-vfio");
	expect_driver(&r, "0000:01:1f.5", "pcisim-vfio");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static void test_vfs_on_another_bus_vfs_by_core(void **state)
{
	(void)state;
	check_vf_other_bus(false);
}

static void test_vfs_on_another_bus_vfs_by_user(void **state)
{
	(void)state;
	check_vf_other_bus(true);
}

/* 16 VFs at 01:00.1-01:02.0: functions past 7 need ARI Forwarding. */
static const char topo_ari_on[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1572 class=020000 bar0=mem64:1M ari sriov=16 vf-offset=1 vf-stride=1 vf-device=154c vfbar0=mem64:16K\n";

static void test_ari_forwarding_kept(void **state)
{
	static const char *const vfs[] = {
		"0000:01:00.1", "0000:01:00.2", "0000:01:00.3", "0000:01:00.4",
		"0000:01:00.5", "0000:01:00.6", "0000:01:00.7", "0000:01:01.0",
		"0000:01:01.1", "0000:01:01.2", "0000:01:01.3", "0000:01:01.4",
		"0000:01:01.5", "0000:01:01.6", "0000:01:01.7", "0000:01:02.0",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:01:02.0,0000:01:01.3";
	c->enable_vfs = true;
	run_case(topo_ari_on, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_vfs(&r, "0000:01:00.0", vfs);
	assert_int_equal(hw(c, &r, "0000:00:01.0")->ari_fwd, 1);
	expect_running(c, &r, "0000:01:02.0");
	expect_running(c, &r, "0000:01:01.3");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/*
 * The new kernel is booted with pci=noari: the preserved root port keeps
 * ARI Forwarding on all the same, or VFs 01:01.0-01:02.0 would vanish.
 */
static void test_ari_forwarding_kept_with_noari(void **state)
{
	static const char *const vfs[] = {
		"0000:01:00.1", "0000:01:00.2", "0000:01:00.3", "0000:01:00.4",
		"0000:01:00.5", "0000:01:00.6", "0000:01:00.7", "0000:01:01.0",
		"0000:01:01.1", "0000:01:01.2", "0000:01:01.3", "0000:01:01.4",
		"0000:01:01.5", "0000:01:01.6", "0000:01:01.7", "0000:01:02.0",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:01:02.0";
	c->enable_vfs = true;
	c->kexec_cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=noari";
	run_case(topo_ari_on, c, lu_run, &r);
	expect_log(&r, "Kernel command line: " BASE_CMDLINE " pci=lu_vfs=core pci=noari");
	expect_clean_cycles(c, &r);
	expect_vfs(&r, "0000:01:00.0", vfs);
	assert_int_equal(hw(c, &r, "0000:00:01.0")->ari_fwd, 1);
	expect_running(c, &r, "0000:01:02.0");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/* No ARI capability: 7 VFs stay in device 0; forwarding stays off. */
static const char topo_ari_off[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:10c9 class=020000 bar0=mem32:128K sriov=7 vf-offset=1 vf-stride=1 vf-device=10ca vfbar0=mem64:16K\n";

static void test_ari_off_stays_off(void **state)
{
	static const char *const vfs[] = {
		"0000:01:00.1", "0000:01:00.2", "0000:01:00.3", "0000:01:00.4",
		"0000:01:00.5", "0000:01:00.6", "0000:01:00.7", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:01:00.7";
	c->enable_vfs = true;
	run_case(topo_ari_off, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_vfs(&r, "0000:01:00.0", vfs);
	assert_int_equal(hw(c, &r, "0000:00:01.0")->ari_fwd, 0);
	expect_running(c, &r, "0000:01:00.7");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/*
 * The first kernel ran with pci=noari, so the preserved root port does
 * not forward ARI; the kernel after the kexec may use ARI and would
 * turn forwarding on for the ARI-capable PF below it (pci_configure_ari()),
 * changing how the running functions' routing IDs are decoded. It keeps
 * forwarding as it was (0007).
 */
static const char topo_ari_cap[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1572 class=020000 bar0=mem64:1M ari sriov=4 vf-offset=1 vf-stride=1 vf-device=154c vfbar0=mem64:16K\n";

static void test_ari_forwarding_off_kept_without_noari(void **state)
{
	static const char *const vfs[] = { "0000:01:00.1", "0000:01:00.2",
					   "0000:01:00.3", "0000:01:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:01:00.2";
	c->enable_vfs = true;
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=noari";
	c->kexec_cmdline = BASE_CMDLINE " pci=lu_vfs=core";
	run_case(topo_ari_cap, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_vfs(&r, "0000:01:00.0", vfs);
	assert_int_equal(hw(c, &r, "0000:00:01.0")->ari_fwd, 0);
	expect_running(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.2");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/*
 * ACS Control of the root port above the preserved NVMe: the first
 * kernel sets SV, TB and UF with pci=config_acs (0x0013); the kernel
 * after the kexec is told to clear them all. A 7.x kernel on a
 * device-tree host enables the standard set (SV, RR, CR, UF: 0x001d) on
 * every port when a driver binds (pci_request_acs() from of_iommu, then
 * pci_enable_acs()), so a second kernel that did not adopt would program
 * 0x001d, or 0 with its own config_acs.
 */
#define ACS_FIRST	" pci=config_acs=10011@0000:00:01.0"
#define ACS_SECOND	" pci=config_acs=00000@0000:00:01.0"

static void check_acs(const char *kexec_extra, const char *const *want)
{
	char kcmd[256];
	struct lu_case *c = lu_new();
	struct sim_result r;

	snprintf(kcmd, sizeof(kcmd), "%s pci=lu_vfs=core%s", BASE_CMDLINE,
		 kexec_extra);
	c->preserve = "0000:01:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core" ACS_FIRST;
	c->kexec_cmdline = kcmd;
	run_case(topo_root_port, c, lu_run, &r);
	/* 7.x configures ACS when a driver binds (pci_dma_configure()) */
	expect_log(&r, "pcieport 0000:00:01.0: Configured ACS to 0x0013");
	if (strstr(kexec_extra, "config_acs"))
		expect_log(&r, "Kernel command line: " BASE_CMDLINE " pci=lu_vfs=core" ACS_SECOND);
	/* the root port that is not above a preserved device: the standard set */
	assert_int_equal(hw(c, &r, "0000:00:02.0")->acs_ctrl, 0x1d);
	if (!want) {
		expect_clean_cycles(c, &r);
		assert_int_equal(hw(c, &r, "0000:00:01.0")->acs_ctrl, 0x13);
		expect_running(c, &r, "0000:01:00.0");
	} else {
		expect_fail_lines(&r, want);
		assert_int_equal(c->failures[0], count_fail_lines(&r));
		assert_int_equal(hw(c, &r, "0000:00:01.0")->acs_ctrl, 0);
	}
	simtest_free(&r);
	lu_free(c);
}

/* The new kernel adopts 0x0013 instead of clearing it. */
static void test_acs_control_adopted(void **state)
{
	(void)state;
	check_acs(ACS_SECOND, NULL);
}

/* Without config_acs the new kernel keeps it as well. */
static void test_acs_control_kept_without_option(void **state)
{
	(void)state;
	check_acs("", NULL);
}

/* Adoption switched off: cleared, and the runner names the bridge. */
static void test_fault_acs_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:01:00.0: ACS Control of 0000:00:01.0 is 0x0000 after kexec, was 0x0013",
		NULL };

	(void)state;
	check_acs(ACS_SECOND " pci=lu_fault=acs", want);
}

/* =================================================================== */
/* Shared bridges, unpreserve, cancel                                  */
/* =================================================================== */

static const char topo_shared_bridge[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 up\n"
	"      00.0 down slot=2\n"
	"        00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
	"      01.0 down slot=3\n"
	"        00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

/* 04:00.0 in a session of its own, for the test to cancel */
static int preserve_b(struct machine *m, struct lu_case *c)
{
	(void)m;
	(void)c;
	return bind_vfio(4, 0, 0) ?: sim_lu_preserve("other", 0, 4, PCI_DEVFN(0, 0));
}

static int cancel_b(struct machine *m, struct lu_case *c)
{
	(void)m;
	(void)c;
	return sim_lu_cancel("other");
}

static void test_two_preserved_share_bridges(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:03:00.0,0000:04:00.0";
	run_case(topo_shared_bridge, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_true(c->ser_found);
	assert_int_equal(c->ser_version, 3);
	assert_int_equal(c->ser_nr, 6);
	assert_int_equal(c->nser, 6);
	expect_ser(c, &r, 0x00, PCI_DEVFN(1, 0), 2, false);
	expect_ser(c, &r, 0x01, PCI_DEVFN(0, 0), 2, false);
	expect_ser(c, &r, 0x02, PCI_DEVFN(0, 0), 1, false);
	expect_ser(c, &r, 0x02, PCI_DEVFN(1, 0), 1, false);
	expect_ser(c, &r, 0x03, PCI_DEVFN(0, 0), 1, true);
	expect_ser(c, &r, 0x04, PCI_DEVFN(0, 0), 1, true);
	/* bridges carry their bus numbers, endpoints do not */
	assert_true(ser_of(c, &r, 0x00, PCI_DEVFN(1, 0))->flags & SER_BRIDGE);
	assert_int_equal(ser_of(c, &r, 0x00, PCI_DEVFN(1, 0))->secondary, 0x01);
	assert_int_equal(ser_of(c, &r, 0x00, PCI_DEVFN(1, 0))->subordinate, 0x04);
	assert_int_equal(ser_of(c, &r, 0x02, PCI_DEVFN(1, 0))->secondary, 0x04);
	assert_false(ser_of(c, &r, 0x03, PCI_DEVFN(0, 0))->flags & SER_BRIDGE);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->retrieve_err[1], 0);
	assert_int_equal(c->finish_err, 0);
	expect_running(c, &r, "0000:03:00.0");
	expect_running(c, &r, "0000:04:00.0");
	/* the kernel's device list: the shared bridges counted twice */
	for (int at = LIST_OUT; at <= LIST_IN; at++) {
		expect_list_len(c, &r, at, 6);
		expect_entry(c, &r, at, "0000:00:01.0", SIM_LU_ROLE_BRIDGE, 2, NULL);
		expect_entry(c, &r, at, "0000:01:00.0", SIM_LU_ROLE_BRIDGE, 2,
			     "0000:00:01.0");
		expect_entry(c, &r, at, "0000:02:00.0", SIM_LU_ROLE_BRIDGE, 1,
			     "0000:01:00.0");
		expect_entry(c, &r, at, "0000:02:01.0", SIM_LU_ROLE_BRIDGE, 1,
			     "0000:01:00.0");
		expect_entry(c, &r, at, "0000:03:00.0", SIM_LU_ROLE_PRESERVED, 1,
			     "0000:02:00.0");
		expect_entry(c, &r, at, "0000:04:00.0", SIM_LU_ROLE_PRESERVED, 1,
			     "0000:02:01.0");
	}
	expect_list_len(c, &r, LIST_DONE, 0);
	expect_all_unchanged(c, &r);
	assert_int_equal(c->leaked, 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
	lu_free(c);
}

/*
 * Both preserved (in two sessions), then one session cancelled: the
 * shared bridges are handed over once, for the device still preserved.
 */
static void test_two_share_bridges_one_unpreserved(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:03:00.0";
	c->setup = preserve_b;
	c->before_kexec = cancel_b;
	run_case(topo_shared_bridge, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "pcisim-vfio 0000:04:00.0: will be preserved across the next live update");
	expect_log(&r, "pcisim-vfio 0000:04:00.0: will no longer be preserved");
	assert_true(c->ser_found);
	assert_int_equal(c->ser_nr, 4);
	assert_int_equal(c->nser, 4);
	expect_ser(c, &r, 0x00, PCI_DEVFN(1, 0), 1, false);
	expect_ser(c, &r, 0x01, PCI_DEVFN(0, 0), 1, false);
	expect_ser(c, &r, 0x02, PCI_DEVFN(0, 0), 1, false);
	expect_ser(c, &r, 0x03, PCI_DEVFN(0, 0), 1, true);
	expect_log(&r, "PCI: liveupdate: 4 devices were preserved by the previous kernel");
	expect_log(&r, "pci 0000:03:00.0: preserved by the previous kernel");
	expect_no_log(&r, "pci 0000:04:00.0: preserved by the previous kernel");
	/* the kernel's device list: the other branch gone, refcounts 1 */
	for (int at = LIST_OUT; at <= LIST_IN; at++) {
		expect_list_len(c, &r, at, 4);
		expect_entry(c, &r, at, "0000:00:01.0", SIM_LU_ROLE_BRIDGE, 1, NULL);
		expect_entry(c, &r, at, "0000:01:00.0", SIM_LU_ROLE_BRIDGE, 1,
			     "0000:00:01.0");
		expect_entry(c, &r, at, "0000:02:00.0", SIM_LU_ROLE_BRIDGE, 1,
			     "0000:01:00.0");
		expect_entry(c, &r, at, "0000:03:00.0", SIM_LU_ROLE_PRESERVED, 1,
			     "0000:02:00.0");
	}
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_running(c, &r, "0000:03:00.0");
	expect_master(c, &r, "0000:02:00.0");
	expect_master(c, &r, "0000:01:00.0");
	expect_master(c, &r, "0000:00:01.0");
	/* the other one was stopped by its driver at kexec, not disrupted */
	assert_true(has_event(c, "0000:04:00.0", MEV_DMA_STOPPED));
	assert_false(has_event(c, "0000:04:00.0", MEV_DMA_DISRUPTED));
	assert_int_equal(hw(c, &r, "0000:04:00.0")->cmd & 0x4, 0);
	expect_driver(&r, "0000:04:00.0", "");
	expect_all_unchanged(c, &r);
	assert_int_equal(c->leaked, 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
	lu_free(c);
}

static int cancel_then_preserve_b(struct machine *m, struct lu_case *c)
{
	return cancel_b(m, c) ?: preserve_b(m, c);
}

/*
 * Preserved, cancelled, preserved again: the entries the cancel emptied
 * are used again, the block set does not grow.
 */
static void test_unpreserved_entries_are_reused(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:03:00.0";
	c->setup = preserve_b;
	c->before_kexec = cancel_then_preserve_b;
	run_case(topo_shared_bridge, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_true(c->ser_found);
	assert_int_equal(c->ser_nr, 6);
	assert_int_equal(c->nser, 6);
	assert_int_equal(c->nslots, 6);
	expect_ser(c, &r, 0x00, PCI_DEVFN(1, 0), 2, false);
	expect_ser(c, &r, 0x02, PCI_DEVFN(1, 0), 1, false);
	expect_ser(c, &r, 0x04, PCI_DEVFN(0, 0), 1, true);
	expect_running(c, &r, "0000:03:00.0");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
	lu_free(c);
}

static int cancel_main(struct machine *m, struct lu_case *c)
{
	(void)m;
	(void)c;
	return sim_lu_cancel(SESSION);
}

/* Preserve, then cancel: the next boot is a plain one. */
static void test_preserve_then_cancel(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->before_kexec = cancel_main;
	c->no_retrieve = true;
	run_case(topo_root_port, c, lu_split, &r);
	assert_int_equal(c->preserve_err[0], 0);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "pcisim-vfio 0000:01:00.0: will no longer be preserved");
	/* no PCI FLB in the handover at all */
	assert_false(c->ser_found);
	expect_no_log(&r, "preserved by the previous kernel");
	expect_no_log(&r, "devices were preserved");
	/* a normal boot renumbers: the device was stopped before that */
	assert_true(has_event(c, "0000:01:00.0", MEV_DMA_STOPPED));
	assert_false(has_event(c, "0000:01:00.0", MEV_DMA_DISRUPTED));
	assert_int_equal(hw(c, &r, "0000:01:00.0")->dma, 0);
	assert_int_equal(hw(c, &r, "0000:01:00.0")->cmd & 0x4, 0);
	expect_driver(&r, "0000:01:00.0", "");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_all_unchanged(c, &r);
	assert_int_equal(c->leaked, 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
	lu_free(c);
}

/* =================================================================== */
/* Drivers after the kexec                                             */
/* =================================================================== */

/* User space names the wrong driver for a preserved device first. */
static int bind_wrong_driver(struct machine *m, struct lu_case *c)
{
	(void)m;
	c->hook_err = sim_lu_bind(0, 1, PCI_DEVFN(0, 0), "pcisim-pf");
	printf("lu-test: bind 0000:01:00.0 to pcisim-pf: %d\n", c->hook_err);
	return 0;
}

/*
 * Nothing binds a preserved device by itself after the kexec. If user
 * space binds another driver than the one that preserved it, that driver
 * leaves the running device alone and the file is not handed to it.
 */
static void test_no_autoprobe_and_wrong_driver_refused(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->after_boot = bind_wrong_driver;
	run_case(topo_root_port, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_string_equal(c->driver_at_boot[0], "");
	assert_int_equal(c->hook_err, 0);
	expect_log(&r, "pcisim-pf 0000:01:00.0: handed over to pcisim-vfio but bound to pcisim-pf");
	assert_int_equal(c->retrieve_err[0], -EBUSY);
	assert_int_not_equal(c->finish_err, 0);
	expect_driver(&r, "0000:01:00.0", "pcisim-pf");
	expect_running(c, &r, "0000:01:00.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	simtest_free(&r);
	lu_free(c);
}

/* Two I210s, which pcisim-native (a driver that matches by ID) takes. */
static const char topo_native[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1533 class=020000 bar0=mem32:128K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:1533 class=020000 bar0=mem32:128K\n";

#define NATIVE_01 "pcisim-native 0000:01:00.0: taken over by pcisim-native"
#define NATIVE_02 "pcisim-native 0000:02:00.0: taken over by pcisim-native"

/*
 * The native driver binds both I210s on a cold boot by itself, and the
 * one not preserved again after the kexec; the preserved one stays
 * unbound until user space names its driver through driver_override.
 */
static void test_native_driver_does_not_grab_preserved(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	run_case(topo_native, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	/* cold boot: both; after the kexec: only 02:00.0 */
	assert_int_equal(count_log(&r, NATIVE_01), 1);
	assert_int_equal(count_log(&r, NATIVE_02), 2);
	assert_string_equal(c->driver_at_boot[0], "");
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	expect_driver(&r, "0000:02:00.0", "pcisim-native");
	expect_running(c, &r, "0000:01:00.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	simtest_free(&r);
	lu_free(c);
}

/* Without the hook the native driver takes it, and the runner says so. */
static void test_fault_probe_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:01:00.0: retrieving its file: -16",
		"FAIL kexec 1: finishing the session: -16",
		"FAIL 0000:01:00.0: bound to 'pcisim-native' after kexec, was 'pcisim-vfio'",
		/* kho_block.c takes a block back only when it frees it */
		"FAIL kexec 1: 2 preserved pages never restored (leaked)",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=probe";
	run_case(topo_native, c, lu_run, &r);
	expect_log(&r, "PCI: liveupdate: fault injection: probe guarantee switched off");
	assert_int_equal(count_log(&r, NATIVE_01), 2);
	expect_log(&r, "pcisim-native 0000:01:00.0: handed over to pcisim-vfio but bound to pcisim-native");
	expect_fail_lines(&r, want);
	assert_int_equal(c->failures[0], count_fail_lines(&r));
	expect_driver(&r, "0000:01:00.0", "pcisim-native");
	simtest_free(&r);
	lu_free(c);
}

/* =================================================================== */
/* Two host bridges                                                    */
/* =================================================================== */

static const char topo_two_hosts[] =
	PORTS
	"host domain=0000 io=0x0-0x7fff mem=0x10000000-0x1fffffff pref=0x8000000000-0x80ffffffff\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
	"host domain=0001 io=0x8000-0xffff mem=0x20000000-0x2fffffff pref=0x8100000000-0x81ffffffff\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=2\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
	"  02.0 rp slot=3\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

/* The same BDF preserved in two domains: two entries, both kept. */
static void test_same_bdf_in_two_domains(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0001:01:00.0";
	run_case(topo_two_hosts, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	expect_log(&r, "PCI: liveupdate: 4 devices were preserved by the previous kernel");
	expect_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	expect_log(&r, "pci 0001:01:00.0: preserved by the previous kernel");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0001:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0001:00:02.0", 0x00, 0x02, 0x02);
	expect_running(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0001:01:00.0");
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

/* =================================================================== */
/* Several kexecs                                                      */
/* =================================================================== */

static const char topo_mixed[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 up\n"
	"      00.0 down slot=11\n"
	"        00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K msix=65\n"
	"      01.0 down slot=12\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:10c9 class=020000 bar0=mem32:128K bar1=mem32:4M bar2=io:32 bar3=mem32:16K ari sriov=8 vf-offset=128 vf-stride=2 vf-device=10ca vfbar0=mem64:16K vfbar3=mem64:16K\n"
	"    00.1 endpoint id=8086:10c9 class=020000 bar0=mem32:128K bar1=mem32:4M bar2=io:32 bar3=mem32:16K ari sriov=8 vf-offset=128 vf-stride=2 vf-device=10ca vfbar0=mem64:16K vfbar3=mem64:16K\n"
	"  03.0 rp slot=3\n"
	"  04.0 rciep id=8086:10d3 class=020000 bar0=mem32:128K bar1=mem32:128K bar2=io:32 bar3=mem32:16K\n";

static void check_three_kexecs(bool user)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:03:00.0,0000:05:00.0,0000:05:10.0,0000:05:10.3";
	c->enable_vfs = true;
	c->vfs_user = user;
	c->kexecs = 3;
	c->cmdline = user ? BASE_CMDLINE " pci=lu_vfs=user" :
			    BASE_CMDLINE " pci=lu_vfs=core";
	run_case(topo_mixed, c, lu_run, &r);
	expect_clean_cycles(c, &r);
	assert_int_equal(count_log(&r, "PCI: liveupdate: 9 devices were preserved by the previous kernel"), 3);
	assert_int_equal(count_log(&r, "luo: Retrieved live update data, liveupdate number: "), 3);
	expect_log(&r, "luo: Retrieved live update data, liveupdate number: 3");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x04);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x05, 0x05);
	expect_running(c, &r, "0000:03:00.0");
	expect_running(c, &r, "0000:05:00.0");
	expect_running(c, &r, "0000:05:10.0");
	expect_running(c, &r, "0000:05:10.3");	/* VF 1 of the second port */
	expect_driver(&r, "0000:05:10.3", "pcisim-vfio");
	assert_int_equal(dev(&r, "0000:05:00.0")->sriov_num, 8);
	assert_int_equal(dev(&r, "0000:05:00.1")->sriov_num, 8);
	expect_all_unchanged(c, &r);
	simtest_free(&r);
	lu_free(c);
}

static void test_three_kexecs_in_a_row(void **state)
{
	(void)state;
	check_three_kexecs(false);
}

static void test_three_kexecs_in_a_row_vfs_by_user(void **state)
{
	(void)state;
	check_three_kexecs(true);
}

/* =================================================================== */
/* Mixed, hot-add, reassigning all buses                               */
/* =================================================================== */

#define HOTADD_FUNCS							\
	"  00.0 host-bridge id=1b36:0008\n"				\
	"  02.0 rp slot=2\n"						\
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"	\
	"  03.0 rp slot=3\n"						\
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n"	\
	"  04.0 rp slot=4\n"

static const char topo_hotadd[] = PORTS "host\n" HOTADD_FUNCS;

/* The same machine with x86's host personality: bus numbers found are kept. */
static const char topo_hotadd_keep[] = PORTS "host keep-buses\n" HOTADD_FUNCS;

/*
 * 02:00.0 runs DMA but is not preserved. Before the kexec, a card goes
 * into the empty hot-plug slot 00:04.0 and a new root port with a card
 * appears at 00:01.0, before the preserved one in scan order: a kernel
 * numbering from scratch would give it bus 01 and move everything.
 */
static int mixed_hot_add(struct machine *m, struct lu_case *c)
{
	(void)c;
	if (bind_vfio(2, 0, 0))
		return -EIO;
	if (!hot_add(m, "0000/04.0", PCI_DEVFN(0, 0), &new_nic))
		return -EIO;
	if (!hot_add(m, NULL, PCI_DEVFN(1, 0), &new_root_port) ||
	    !hot_add(m, "0000/01.0", PCI_DEVFN(0, 0), &new_nic))
		return -EIO;
	return 0;
}

static void check_hot_add(const char *topo, const char *cmdline)
{
	static const char *const appeared[] = {
		"FAIL kexec 1: 0000:00:01.0 appeared after kexec",
		"FAIL kexec 1: 0000:03:00.0 appeared after kexec",
		"FAIL kexec 1: 0000:04:00.0 appeared after kexec",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.0";
	c->setup = mixed_hot_add;
	c->cmdline = cmdline;
	run_case(topo, c, lu_run, &r);
	expect_no_log(&r, "Unknown option");
	/* the runner reports the new functions, and nothing else */
	assert_int_equal(c->failures[0], 3);
	expect_fail_lines(&r, appeared);
	/* preserved and inherited numbers kept; the new ones above them */
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:03.0", 0x00, 0x02, 0x02);
	expect_buses(c, &r, "0000:00:04.0", 0x00, 0x03, 0x03);
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x04, 0x04);
	expect_unchanged(c, &r, "0000:00:02.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.0");
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	expect_no_overlap(&r);
	assert_int_equal(dev(&r, "0000:03:00.0")->vendor, 0x8086);
	assert_int_equal(dev(&r, "0000:04:00.0")->vendor, 0x8086);
	assert_int_not_equal(dev(&r, "0000:04:00.0")->res[0].start, 0);
	assert_int_not_equal(dev(&r, "0000:03:00.0")->res[0].start, 0);
	/*
	 * The one not preserved: stopped at kexec, back without a driver,
	 * enumerated normally (its BAR may move to make room).
	 */
	assert_int_not_equal(dev(&r, "0000:02:00.0")->res[0].start, 0);
	assert_true(has_event(c, "0000:02:00.0", MEV_DMA_STOPPED));
	assert_false(has_event(c, "0000:02:00.0", MEV_DMA_DISRUPTED));
	expect_driver(&r, "0000:02:00.0", "");
	assert_int_equal(r.warns, 0);
	assert_int_equal(c->leaked, 0);
	simtest_free(&r);
	lu_free(c);
}

/* The default (generic ECAM) host renumbers every bus: inheritance wins. */
static void test_mixed_and_hot_add(void **state)
{
	(void)state;
	check_hot_add(topo_hotadd, BASE_CMDLINE " pci=lu_vfs=core");
}

/*
 * A host that keeps firmware's bus numbers, told to renumber them all
 * with pci=assign-busses (x86's option): inheritance wins again. That
 * the option is taken, and renumbers, is what the next two tests show.
 */
static void test_mixed_and_hot_add_assign_busses(void **state)
{
	(void)state;
	check_hot_add(topo_hotadd_keep,
		      BASE_CMDLINE " pci=lu_vfs=core pci=assign-busses");
}

/*
 * Bus numbers after the hot-add and a kexec with inheritance switched off
 * (pci=lu_fault=buses), on the keep-buses host: the root ports' secondary
 * buses in the order 00:01.0 00:02.0 00:03.0 00:04.0.
 */
static void check_keep_buses(const char *cmdline, const unsigned int *sec,
			     const char *moved)
{
	static const char *const appeared[] = {
		"FAIL kexec 1: 0000:00:01.0 appeared after kexec",
		"FAIL kexec 1: 0000:03:00.0 appeared after kexec",
		"FAIL kexec 1: 0000:04:00.0 appeared after kexec",
		NULL };
	static const char *const bridges[] = {
		"0000:00:01.0", "0000:00:02.0", "0000:00:03.0", "0000:00:04.0",
	};
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.0";
	c->setup = mixed_hot_add;
	c->cmdline = cmdline;
	run_case(topo_hotadd_keep, c, lu_run, &r);
	expect_log(&r, "fault injection: buses guarantee switched off");
	expect_no_log(&r, "Unknown option");
	for (int i = 0; i < 4; i++)
		expect_buses(c, &r, bridges[i], 0x00, sec[i], sec[i]);
	assert_int_equal(c->failures[0], count_fail_lines(&r));
	if (!moved) {
		expect_fail_lines(&r, appeared);
		expect_running(c, &r, "0000:01:00.0");
	} else {
		expect_line(&r, moved);
		expect_line(&r, "FAIL 0000:01:00.0: 0000:01:00.0 is [8086:10d3] after kexec, was [1b36:0010]");
	}
	simtest_free(&r);
	lu_free(c);
}

/*
 * Without live update's inheritance, the keep-buses host keeps the
 * numbers the last kernel left all by itself: only the appearance of the
 * hot-added functions is reported.
 */
static void test_keep_buses_host_keeps_numbers(void **state)
{
	static const unsigned int kept[] = { 0x04, 0x01, 0x02, 0x03 };

	(void)state;
	check_keep_buses(BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=buses",
			 kept, NULL);
}

/*
 * The same with pci=assign-busses: every bus renumbered in scan order,
 * the hot-added root port first, and the preserved device moves (as
 * test_fault_buses_with_hot_add_is_caught on the ECAM host).
 */
static void test_assign_busses_renumbers(void **state)
{
	static const unsigned int renumbered[] = { 0x01, 0x02, 0x03, 0x04 };

	(void)state;
	check_keep_buses(BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=buses pci=assign-busses",
			 renumbered,
			 "FAIL 0000:01:00.0: bridge 0000:00:02.0 bus numbers 00/02/02, were 00/01/01");
}

/*
 * In the running new kernel, after the restore: a card goes into the
 * empty hot-plug slot 00:04.0 and a root port with a card appears at
 * 00:01.0, and user space rescans the root bus (pci_rescan_bus()).
 */
static int hot_add_and_rescan(struct machine *m, struct lu_case *c)
{
	int max;

	(void)c;
	if (!hot_add(m, "0000/04.0", PCI_DEVFN(0, 0), &new_nic) ||
	    !hot_add(m, NULL, PCI_DEVFN(1, 0), &new_root_port) ||
	    !hot_add(m, "0000/01.0", PCI_DEVFN(0, 0), &new_nic))
		return -EIO;
	max = sim_pci_rescan_bus(0, 0);
	printf("lu-test: rescan: bus %02x is the last\n", max);
	return max < 0 ? max : 0;
}

/*
 * The new functions get bus numbers above the inherited ones (the new
 * root port is first in scan order: a kernel numbering from scratch would
 * give it bus 01, the preserved device's) and resources of their own; the
 * preserved device keeps its BDF, BARs, driver and DMA throughout.
 */
static void test_hot_add_after_kexec(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->after_finish = hot_add_and_rescan;
	run_case(topo_hotadd, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_log(&r, "lu-test: rescan: bus 04 is the last");
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:03.0", 0x00, 0x02, 0x02);
	expect_buses(c, &r, "0000:00:04.0", 0x00, 0x03, 0x03);
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x04, 0x04);
	assert_int_equal(dev(&r, "0000:03:00.0")->vendor, 0x8086);
	assert_int_equal(dev(&r, "0000:04:00.0")->vendor, 0x8086);
	assert_int_not_equal(dev(&r, "0000:03:00.0")->res[0].start, 0);
	assert_int_not_equal(dev(&r, "0000:04:00.0")->res[0].start, 0);
	expect_no_overlap(&r);
	expect_unchanged(c, &r, "0000:00:02.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.0");
	expect_master(c, &r, "0000:00:02.0");
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	assert_int_equal(r.n, c->nb + 3);
	if (r.warns)
		show(&r, "%lu kernel WARNING(s)", r.warns);
	assert_int_equal(c->leaked, 0);
	simtest_free(&r);
	lu_free(c);
}

/* =================================================================== */
/* The hardware changes under the handover                             */
/* =================================================================== */

static const char topo_bus_reset[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n";

static const struct mfunc_desc new_nvme = {	/* the preserved one's model */
	.kind = MF_ENDPOINT, .vendor = 0x1b36, .device = 0x0010,
	.class_code = 0x010802,
	.bar = { { MBAR_MEM64, false, 16 << 10 } },
};

/* A root port with a card (c->how: the preserved card's model) at 00:03.0. */
static int add_root_port_3(struct machine *m, struct lu_case *c)
{
	if (!hot_add(m, NULL, PCI_DEVFN(3, 0), &new_root_port) ||
	    !hot_add(m, "0000/03.0", PCI_DEVFN(0, 0), c->how ? &new_nvme : &new_nic))
		return -EIO;
	return 0;
}

/* The preserved root port loses its bus numbers during the kexec. */
static struct machine *reset_bus_numbers(struct machine *m, struct lu_case *c)
{
	(void)c;
	machine_cfg_write(m, 0, 0, PCI_DEVFN(2, 0), 0x18, 2, 0);
	machine_cfg_write(m, 0, 0, PCI_DEVFN(2, 0), 0x1a, 1, 0);
	return m;
}

/*
 * Refused, not renumbered, and its bus number is not given to anyone:
 * the root port hot-added at 00:03.0 (numbered after the inherited ones)
 * must not get bus 02.
 */
static void check_refused_bridge(bool same_model)
{
	struct lu_case *c = lu_new();
	struct sim_result r;
	uint32_t busreg;

	c->preserve = "0000:02:00.0";
	c->setup = add_root_port_3;
	c->at_kexec = reset_bus_numbers;
	c->how = same_model;
	run_case(topo_bus_reset, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "pci 0000:00:02.0: Cannot reconfigure bridge during Live Update: preserved as [bus 02-02], now [bus 00-00]");
	/* the card in the new slot is not the preserved device */
	expect_no_log(&r, "pci 0000:02:00.0: preserved by the previous kernel");
	/* not renumbered */
	busreg = hw(c, &r, "0000:00:02.0")->buses & 0xffffff;
	if (busreg)
		show(&r, "00:02.0 was renumbered to %06x", busreg);
	/* the other root port kept its number */
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	/* nothing answers on bus 02, nobody's range covers it */
	for (size_t i = 0; i < r.n; i++) {
		const struct sim_pci_info *d = &r.dev[i];

		if (d->bus == 2)
			show(&r, "%s [%04x:%04x] answers at the refused bridge's bus 02",
			     d->name, d->vendor, d->device);
		if (d->is_bridge && d->secondary <= 2 && d->subordinate >= 2)
			show(&r, "%s [bus %02x-%02x] took the refused bridge's bus 02",
			     d->name, d->secondary, d->subordinate);
	}
	for (size_t i = 0; i < c->nh; i++) {
		unsigned int sec = c->hw[i].buses >> 8 & 0xff;
		unsigned int sub = c->hw[i].buses >> 16 & 0xff;

		if (c->hw[i].buses && sec <= 2 && sub >= 2)
			show(&r, "%s forwards bus 02 ([bus %02x-%02x] in hardware)",
			     c->hw[i].name, sec, sub);
	}
	/* the hot-added root port got a number of its own */
	dev(&r, "0000:00:03.0");
	simtest_free(&r);
	lu_free(c);
}

static void test_preserved_bridge_lost_bus_numbers(void **state)
{
	(void)state;
	check_refused_bridge(false);
}

/*
 * The same, with a card of the preserved one's model in the new slot:
 * given bus 02, it would answer at the preserved BDF with the preserved
 * IDs and be taken for the preserved device.
 */
static void test_preserved_bridge_lost_bus_numbers_same_model(void **state)
{
	(void)state;
	check_refused_bridge(true);
}

/* ---- a device replaced or gone: a second machine, same RAM ---- */

static const char topo_replaced[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=1234:5678 class=020000 bar0=mem32:128K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

static const char topo_missing[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:10d3 class=020000 bar0=mem32:128K\n";

/*
 * The machine API has no way to change a function's IDs (read-only to
 * config writes, mfunc_config() is const) or to detach one, so the card
 * is "swapped" by moving to a second machine during the kexec: the RAM
 * moves over (machine_ram_move()), and the registers the old kernel
 * programmed are written again.
 */
static struct machine *swap_machine(struct machine *m, struct lu_case *c)
{
	const char *text = c->how ? topo_missing : topo_replaced;
	struct topo_error err;
	struct machine *m2;
	struct topo *t;
	memset(&err, 0, sizeof(err));
	t = topo_parse_string("<swap>", text, strlen(text), &err);
	m2 = t ? topo_build(t, &err) : NULL;
	topo_free(t);
	if (!m2) {
		topo_error_print(&err, stdout);
		return NULL;
	}
	/* the same RAM, with what the outgoing kernel preserved in it */
	machine_ram_move(m2, m);
	/* top-down, so routing to each function works when it is written */
	for (size_t i = 0; i < c->nb; i++) {
		const struct sim_pci_info *d = &c->before[i];
		uint32_t v;

		for (unsigned int off = 0x0c; off < 0x40; off += 4) {
			if (!machine_cfg_read(m, d->domain, d->bus, d->devfn, off, 4, &v))
				continue;
			machine_cfg_write(m2, d->domain, d->bus, d->devfn, off, 4, v);
		}
		machine_cfg_read(m, d->domain, d->bus, d->devfn, 0x04, 2, &v);
		machine_cfg_write(m2, d->domain, d->bus, d->devfn, 0x04, 2, v);
	}
	return m2;
}

static void test_preserved_device_replaced(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->at_kexec = swap_machine;
	c->how = 0;
	run_case(topo_bus_reset, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "KHO: found kexec handover data.");
	expect_log(&r, "pci 0000:01:00.0: preserved as [8086:10d3] but is now [1234:5678]: not treated as preserved");
	expect_no_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	/* the new card is a device like any other: nobody binds it */
	assert_int_equal(dev(&r, "0000:01:00.0")->vendor, 0x1234);
	expect_driver(&r, "0000:01:00.0", "");
	assert_int_not_equal(c->retrieve_err[0], 0);
	/* the bridge above was kept as it was */
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_unchanged(c, &r, "0000:00:01.0");
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x02, 0x02);
	simtest_free(&r);
	lu_free(c);
}

static void test_preserved_device_missing(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->at_kexec = swap_machine;
	c->how = 1;
	run_case(topo_bus_reset, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "KHO: found kexec handover data.");
	assert_null(simtest_find(&r, "0000:01:00.0"));
	expect_no_log(&r, "0000:01:00.0: preserved by the previous kernel");
	/* its file cannot be retrieved, and says which device is gone */
	assert_int_equal(c->retrieve_err[0], -ENODEV);
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x02, 0x02);
	/* the PCI core says that a device it was handed did not come back */
	expect_line(&r, "PCI: liveupdate: *0000:01:00.0*");
	simtest_free(&r);
	lu_free(c);
}

/*
 * A preserved device removed in the new kernel before its driver took it
 * back (echo 1 > remove): the kernel says so (0002's cleanup hook), and
 * its file can no longer be retrieved.
 */
static int remove_preserved(struct machine *m, struct lu_case *c)
{
	(void)m;
	c->hook_err = sim_pci_remove_dev(0, 1, PCI_DEVFN(0, 0));
	return 0;
}

static void test_preserved_device_removed_is_reported(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->after_boot = remove_preserved;
	run_case(topo_root_port, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->boot_err, 0);
	assert_int_equal(c->hook_err, 0);
	expect_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	expect_log(&r, "pci 0000:01:00.0: removed while preserved for live update");
	assert_null(simtest_find(&r, "0000:01:00.0"));
	assert_int_not_equal(c->retrieve_err[0], 0);
	if (r.warns)
		show(&r, "%lu kernel WARNING(s)", r.warns);
	simtest_free(&r);
	lu_free(c);
}

/*
 * A preserved bridge's window the new kernel could not claim: 7.3's
 * pci_claim_bridge_resource() then writes it, clipped to what the host
 * bridge has or disabled (pci_setup_one_bridge_window()), under the
 * device decoding through it. The claim runs where firmware asks the OS
 * to keep its setup (preserve_config: pci_bus_claim_resources()); the
 * previous kernel left the root port's 64-bit prefetchable window
 * reaching past the host bridge's window (an inconsistent platform, made
 * here during the kexec by moving its limit up by 4 GiB). Writing that
 * window clears its upper limit first, so the BARs behind it stop being
 * routed for a moment even when the clipped window still holds them; the
 * window must stay as the hardware has it (0015).
 */
static const char topo_claim_fails[] =
	PORTS
	"host io=0x0-0xffff mem=0x10000000-0x1fffffff pref=0x8000000000-0x80ffffffff preserve-config\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=8086:1572 class=020000 bar0=pref64:1M bar3=pref64:32K\n";

#define RP1	PCI_DEVFN(1, 0)

static struct machine *pref_window_past_host(struct machine *m,
					     struct lu_case *c)
{
	uint32_t v = 0;

	machine_cfg_read(m, 0, 0, RP1, 0x2c, 4, &v);
	machine_cfg_write(m, 0, 0, RP1, 0x2c, 4, v + 1);
	for (int i = 0; i < 3; i++)
		machine_cfg_read(m, 0, 0, RP1, 0x24 + 4 * i, 4, &c->regs[i]);
	return m;
}

static int read_pref_window(struct machine *m, struct lu_case *c)
{
	for (int i = 0; i < 3; i++)
		machine_cfg_read(m, 0, 0, RP1, 0x24 + 4 * i, 4, &c->regs[3 + i]);
	return 0;
}

static void test_preserved_window_kept_when_claim_fails(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->at_kexec = pref_window_past_host;
	c->after_finish = read_pref_window;
	run_case(topo_claim_fails, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	/* the claim did fail: the path under test ran */
	expect_line(&r, "pci 0000:00:01.0: bridge window [mem 0x8000000000-0x81*64bit pref]: can't claim; no compatible bridge window");
	for (size_t i = 0; i < c->ne; i++)
		if (c->ev[i].kind == MEV_BAR_ROUTING_BROKEN)
			show(&r, "%s: %s", c->ev[i].bdf, c->ev[i].what);
	for (int i = 0; i < 3; i++)
		if (c->regs[3 + i] != c->regs[i])
			show(&r, "00:01.0: prefetchable window register %#x written: %08x, was %08x",
			     0x24 + 4 * i, c->regs[3 + i], c->regs[i]);
	expect_running(c, &r, "0000:01:00.0");
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	simtest_free(&r);
	lu_free(c);
}

/* ---- a corrupt pci_ser ---- */

enum ser_corruption {
	SER_VERSION,		/* a version this kernel does not read */
	SER_COUNT,		/* header disagrees with the list */
	SER_LIST_UNPRESERVED,	/* list pointer to a page not handed over */
	SER_FLB_UNPRESERVED,	/* the FLB points to a page not handed over */
	/* refused before the PCI core sees its list (FINDINGS.md F1, F6) */
	HO_KHO_COMPATIBLE,	/* the KHO root blob is "kho-v9" */
	HO_LUO_COMPATIBLE,	/* the LUO root is "luo-v99" */
	HO_FLB_ARRAY,		/* LUO's FLB array says it is 2 pages long */
	HO_LUO_NO_SESSION,	/* the LUO root names no session (F5) */
};

#define LUO_SER_SESSIONS_OFFSET	16	/* sessions_pa */

/* A page of RAM nobody preserved (poisoned at kexec). */
static uint64_t unpreserved_page(struct machine *m)
{
	uint64_t base, size;

	machine_ram(m, &base, &size);
	return base + size - 8 * 4096;
}

static struct machine *corrupt_ser(struct machine *m, struct lu_case *c)
{
	struct ser_root *root;

	if (!c->ser_found)
		return NULL;
	root = ram_at(m, c->ser_pa, sizeof(*root));
	switch (c->how) {
	case SER_VERSION:
		root->version = 99;
		break;
	case SER_COUNT:
		root->nr_devices += 1;
		break;
	case SER_LIST_UNPRESERVED:
		root->devices = unpreserved_page(m);
		break;
	case SER_FLB_UNPRESERVED:
		/* the "data" of the pci entry of LUO's FLB array */
		*(uint64_t *)ram_at(m, c->flb_pa + FLB_NAME_LEN, 8) =
			unpreserved_page(m);
		break;
	case HO_KHO_COMPATIBLE: {
		void *fdt = ram_at(m, c->fdt_pa, 4096);
		int len;
		char *compat = (char *)fdt_getprop(fdt, 0, "compatible", &len);

		if (!compat || len != 7)
			return NULL;
		compat[5] = '9';
		break;
	}
	case HO_LUO_COMPATIBLE:
		memcpy(ram_at(m, c->luo_pa, 8), "luo-v99", 8);
		break;
	case HO_FLB_ARRAY:
		/* the pgcnt of the array's header */
		*(uint64_t *)ram_at(m, *(uint64_t *)ram_at(m, c->luo_pa +
							   LUO_SER_FLBS_OFFSET, 8), 8) = 2;
		break;
	case HO_LUO_NO_SESSION:
		memset(ram_at(m, c->luo_pa + LUO_SER_SESSIONS_OFFSET, 8), 0, 8);
		break;
	}
	return m;
}

static const char topo_corrupt[] =
	PORTS
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 rp slot=1\n"
	"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
	"  02.0 rp slot=2\n"
	"    00.0 endpoint id=8086:10c9 class=020000 bar0=mem32:128K sriov=4 vf-offset=1 vf-stride=1 vf-device=10ca vfbar0=mem64:16K\n";

/*
 * The handover is refused with a message; the core keeps every bus
 * number, BAR and window as the hardware has them, so what was preserved
 * keeps running although nobody can take it back.
 */
#define SAFE_CMDLINE	BASE_CMDLINE " kho_safe=on pci=lu_vfs=core"

static void check_refused_with(const char *cmdline, enum ser_corruption how,
			       const char *msg, const char *why)
{
	static const char *const vfs[] = { "0000:02:00.1", "0000:02:00.2",
					   "0000:02:00.3", "0000:02:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->cmdline = cmdline;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = how;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->ser_nr, 5);
	expect_log(&r, msg);
	expect_log(&r, why);
	expect_no_log(&r, ": preserved by the previous kernel");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x02, 0x02);
	expect_master(c, &r, "0000:00:01.0");
	expect_master(c, &r, "0000:00:02.0");
	expect_running(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:02:00.0");
	expect_unchanged(c, &r, "0000:00:01.0");
	expect_unchanged(c, &r, "0000:00:02.0");
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_unchanged(c, &r, "0000:02:00.0");
	/* SR-IOV too: the PF keeps its VFs, the preserved one running */
	expect_vfs(&r, "0000:02:00.0", vfs);
	expect_running(c, &r, "0000:02:00.2");
	expect_unchanged(c, &r, "0000:02:00.2");
	/* no driver may take them: retrieving is refused */
	expect_driver(&r, "0000:01:00.0", "");
	assert_int_not_equal(c->retrieve_err[0], 0);
	simtest_free(&r);
	lu_free(c);
}

static void check_refused(enum ser_corruption how, const char *msg,
			  const char *why)
{
	check_refused_with(NULL, how, msg, why);
}

static void check_corrupt(enum ser_corruption how, const char *msg)
{
	check_refused(how, msg,
		      "PCI: liveupdate: cannot retrieve what the previous kernel preserved");
}

static void test_corrupt_ser_version(void **state)
{
	(void)state;
	check_corrupt(SER_VERSION, "PCI: liveupdate: incoming pci_ser is version 99, this kernel reads version 3: refused");
}

static void test_corrupt_ser_count(void **state)
{
	(void)state;
	check_corrupt(SER_COUNT, "PCI: liveupdate: incoming device list has 5 devices, its header says 6: refused");
}

/*
 * The device list is a block chain, read by 7.3's kho_block.c, which
 * follows the pointer it is given: into memory nobody preserved (by now
 * the new kernel's memmap, which memblock put at the top of RAM), and on
 * through whatever it finds there until the kernel stops (exit 3), as
 * upstream's would oops.
 */
static void test_corrupt_ser_list_pointer(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_run run = { .topo_text = topo_corrupt, .scenario = lu_split,
			       .arg = c };
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = SER_LIST_UNPRESERVED;
	run.cmdline = cmdline_of(c);
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	expect_log(&r, "pcisim: kernel stopped");
	simtest_free(&r);
	lu_free(c);
}

static void test_corrupt_ser_not_preserved(void **state)
{
	(void)state;
	check_corrupt(SER_FLB_UNPRESERVED, "was not preserved");
}

/*
 * Keeping everything as the hardware has it includes SR-IOV: the PF's
 * VFs stay enabled (a preserved VF among them is doing DMA), which the
 * kernel can see from VF Enable without reading the handover.
 */
static void test_corrupt_ser_keeps_vfs(void **state)
{
	static const char *const vfs[] = { "0000:02:00.1", "0000:02:00.2",
					   "0000:02:00.3", "0000:02:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = SER_VERSION;
	run_case(topo_corrupt, c, lu_split, &r);
	expect_log(&r, "PCI: liveupdate: cannot retrieve what the previous kernel preserved");
	for (size_t i = 0; i < c->ne; i++)
		if (c->ev[i].kind == MEV_RESET ||
		    c->ev[i].kind == MEV_DMA_DISRUPTED)
			show(&r, "%s: %s: %s", c->ev[i].bdf,
			     mevent_kind_name(c->ev[i].kind), c->ev[i].what);
	expect_vfs(&r, "0000:02:00.0", vfs);
	expect_running(c, &r, "0000:02:00.2");
	simtest_free(&r);
	lu_free(c);
}

/*
 * Refused before the PCI core sees its list, by LUO (FINDINGS.md F1):
 * the kexec carried a handover, so devices may still be running. The
 * kernel says why and keeps everything as the hardware has it, as for a
 * list it cannot read.
 */

/*
 * Dropped by KHO (kho_populate(): "disabling KHO revival"): 7.3 then
 * boots as if cold, and nothing tells the PCI core that devices may
 * still be running; it enumerates them afresh. Keeping the hardware here
 * is for the safe-mode patches, not upstream.
 */
static void test_kho_dropped_is_a_cold_boot(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = HO_KHO_COMPATIBLE;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	expect_log(&r, "is incompatible with 'kho-v4'");
	expect_log(&r, "KHO: disabling KHO revival");
	expect_no_log(&r, "KHO: found kexec handover data.");
	expect_no_log(&r, ": preserved by the previous kernel");
	expect_no_log(&r, "PCI: liveupdate: the handover from the previous kernel was refused");
	assert_int_not_equal(c->retrieve_err[0], 0);
	simtest_free(&r);
	lu_free(c);
}

/*
 * 7.3's LUO panics on an incoming state it cannot read
 * (luo_restore_fail()): the kernel stops (exit 3) with the message.
 */
static void test_luo_root_incompatible_panics(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_run run = { .topo_text = topo_corrupt, .scenario = lu_split,
			       .arg = c };
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = HO_LUO_COMPATIBLE;
	run.cmdline = cmdline_of(c);
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	expect_log(&r, "luo: LUO state is incompatible with 'luo-v5'");
	expect_log(&r, "The incoming tree failed to initialize properly");
	simtest_free(&r);
	lu_free(c);
}

/*
 * 7.3 reads only the entries of the FLB array: its page count is not
 * looked at, and the handover goes through.
 */
static void test_luo_flb_array_page_count_is_not_read(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = HO_FLB_ARRAY;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_running(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:02:00.2");
	simtest_free(&r);
	lu_free(c);
}

/*
 * The LUO root names no session, the PCI list three preserved devices.
 * Nothing will retrieve or finish them, and 7.3 has no way to say so to
 * the FLB's owner (FINDINGS.md K11; pcisim's own LUO had an .abandoned
 * callback for it, F5): the devices stay kept as they are, running,
 * without a driver, and nothing in the log names them as stranded.
 */
static void test_luo_no_session_keeps_devices_silently(void **state)
{
	static const char *const kept[] = { "0000:01:00.0", "0000:02:00.0",
					    "0000:02:00.2" };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_ser;
	c->how = HO_LUO_NO_SESSION;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		expect_running(c, &r, kept[i]);
		expect_unchanged(c, &r, kept[i]);
	}
	expect_no_log(&r, "will never be finished");
	expect_driver(&r, "0000:01:00.0", "");
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	assert_int_not_equal(c->retrieve_err[0], 0);
	simtest_free(&r);
	lu_free(c);
}

/*
 * The same handovers with the safe-mode patches switched on (kho_safe=on,
 * lu/patches/0017-0019): each is refused with a message, and every
 * preserved device, its bridges and its VFs are kept as the hardware has
 * them.
 */
#define SAFE_REFUSED \
	"PCI: liveupdate: the handover from the previous kernel was refused: keeping every bus number, BAR and window as the hardware has them"

static void test_safe_kho_dropped_keeps_hardware(void **state)
{
	(void)state;
	check_refused_with(SAFE_CMDLINE, HO_KHO_COMPATIBLE,
			   "luo: KHO dropped the handover: refusing the incoming state",
			   SAFE_REFUSED);
}

static void test_safe_luo_root_incompatible_keeps_hardware(void **state)
{
	(void)state;
	check_refused_with(SAFE_CMDLINE, HO_LUO_COMPATIBLE,
			   "luo: LUO state is incompatible with 'luo-v5'",
			   SAFE_REFUSED);
}

static void test_safe_list_pointer_keeps_hardware(void **state)
{
	(void)state;
	check_refused_with(SAFE_CMDLINE, SER_LIST_UNPRESERVED,
			   "is not preserved memory",
			   "PCI: liveupdate: cannot retrieve what the previous kernel preserved (-22)");
}

/* A normal handover: every file came, and no message of a stranded FLB. */
static void test_normal_handover_names_no_kept_device(void **state)
{
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->retrieve_err[0], 0);
	assert_int_equal(c->finish_err, 0);
	expect_log(&r, "pci 0000:01:00.0: preserved by the previous kernel");
	expect_no_log(&r, "will never be finished");
	simtest_free(&r);
	lu_free(c);
}

/* ---- a device list that is not closed upwards (FINDINGS.md F3, F7) ---- */

enum list_corruption {
	LIST_BRIDGE_ELSEWHERE,	/* the PF's root port entry names domain 1 */
	LIST_PF_VFE_OFF,	/* the PF's entry has VF Enable off */
	LIST_PF_ONE_VF,		/* the PF's entry keeps 1 VF: not VF 1 */
	LIST_PF_VF_BAR_ELSEWHERE, /* the PF's VF BAR 0 on the NVMe's BAR (F9) */
};

/* The entry of bus:devfn in the handed-over device list, in RAM. */
static struct ser_dev *ser_entry(struct machine *m, struct lu_case *c,
				 unsigned int bus, unsigned int devfn)
{
	struct ser_root *root = ram_at(m, c->ser_pa, sizeof(*root));
	uint64_t blk = root ? root->devices : 0;

	for (int guard = 0; blk && guard++ < 64;) {
		struct ser_block_hdr *h = ram_at(m, blk, 4096);

		if (!h)
			return NULL;
		for (uint64_t i = 0; i < h->count; i++) {
			struct ser_dev *d = ram_at(m, blk + sizeof(*h) +
						   i * sizeof(*d), sizeof(*d));

			if (d && d->refcount && d->bdf == (bus << 8 | devfn))
				return d;
		}
		blk = h->next;
	}
	return NULL;
}

static struct machine *corrupt_list(struct machine *m, struct lu_case *c)
{
	struct ser_dev *d, *n;

	if (!c->ser_found)
		return NULL;
	switch (c->how) {
	case LIST_BRIDGE_ELSEWHERE:
		d = ser_entry(m, c, 0x00, PCI_DEVFN(2, 0));
		if (!d)
			return NULL;
		d->domain = 1;
		break;
	case LIST_PF_VFE_OFF:
		d = ser_entry(m, c, 0x02, PCI_DEVFN(0, 0));
		if (!d)
			return NULL;
		d->sriov_ctrl &= ~1;
		break;
	case LIST_PF_ONE_VF:
		d = ser_entry(m, c, 0x02, PCI_DEVFN(0, 0));
		if (!d)
			return NULL;
		d->sriov_num_vfs = 1;
		break;
	case LIST_PF_VF_BAR_ELSEWHERE:
		d = ser_entry(m, c, 0x02, PCI_DEVFN(0, 0));
		n = ser_entry(m, c, 0x01, PCI_DEVFN(0, 0));
		if (!d || !n)
			return NULL;
		/* PCI_IOV_RESOURCES: where the hardware decodes the NVMe */
		d->res[7].end += n->res[0].start - d->res[7].start;
		d->res[7].start = n->res[0].start;
		break;
	}
	return m;
}

/*
 * The refused devices are named and kept as the hardware has them: the
 * PF keeps its BARs, its VF BARs and all 4 VFs, the preserved VF keeps
 * its DMA, nothing warns; the NVMe next to them is taken back as usual.
 */
static void check_list_refused(enum list_corruption how,
			       const char *const *msgs)
{
	static const char *const vfs[] = { "0000:02:00.1", "0000:02:00.2",
					   "0000:02:00.3", "0000:02:00.4", NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	c->preserve = "0000:01:00.0,0000:02:00.0,0000:02:00.2";
	c->enable_vfs = true;
	c->at_kexec = corrupt_list;
	c->how = how;
	run_case(topo_corrupt, c, lu_split, &r);
	assert_int_equal(c->prepare_err, 0);
	assert_int_equal(c->boot_err, 0);
	for (; *msgs; msgs++)
		expect_log(&r, *msgs);
	expect_no_log(&r, "can't update enabled VF BAR");
	if (r.warns)
		show(&r, "%lu kernel WARNING(s)", r.warns);
	expect_buses(c, &r, "0000:00:01.0", 0x00, 0x01, 0x01);
	expect_buses(c, &r, "0000:00:02.0", 0x00, 0x02, 0x02);
	expect_unchanged(c, &r, "0000:00:02.0");
	expect_unchanged(c, &r, "0000:02:00.0");
	expect_unchanged(c, &r, "0000:02:00.2");
	expect_master(c, &r, "0000:00:02.0");
	expect_running(c, &r, "0000:02:00.0");
	expect_running(c, &r, "0000:02:00.2");
	expect_vfs(&r, "0000:02:00.0", vfs);
	expect_no_log(&r, "pci 0000:02:00.2: preserved by the previous kernel");
	assert_int_not_equal(c->retrieve_err[2], 0);
	/* the rest of the list is taken back */
	expect_unchanged(c, &r, "0000:01:00.0");
	expect_running(c, &r, "0000:01:00.0");
	assert_int_equal(c->retrieve_err[0], 0);
	expect_driver(&r, "0000:01:00.0", "pcisim-vfio");
	simtest_free(&r);
	lu_free(c);
}

static void test_list_pf_without_its_bridge(void **state)
{
	static const char *const msgs[] = {
		"pci 0000:02:00.0: preserved, but the bridge above it 0000:00:02.0 is not: not treated as preserved, kept as the hardware has it",
		"pci 0000:02:00.2: preserved, but its PF 0000:02:00.0 is not: not treated as preserved, kept as the hardware has it",
		NULL };

	(void)state;
	check_list_refused(LIST_BRIDGE_ELSEWHERE, msgs);
}

static void test_list_vf_of_pf_with_vf_enable_off(void **state)
{
	static const char *const msgs[] = {
		"pci 0000:02:00.0: preserved with SR-IOV Control 0x0008 and 4 VFs, but the hardware runs 4 VFs: kept as the hardware has them",
		"pci 0000:02:00.2: preserved as VF 1 of 0000:02:00.0, whose entry has SR-IOV Control 0x0008 and 4 VFs: not treated as preserved, kept as the hardware has it",
		NULL };

	(void)state;
	check_list_refused(LIST_PF_VFE_OFF, msgs);
}

static void test_list_vf_of_pf_with_too_few_vfs(void **state)
{
	static const char *const msgs[] = {
		"pci 0000:02:00.0: preserved with SR-IOV Control 0x0009 and 1 VFs, but the hardware runs 4 VFs: kept as the hardware has them",
		"pci 0000:02:00.2: preserved as VF 1 of 0000:02:00.0, whose entry has SR-IOV Control 0x0009 and 1 VFs: not treated as preserved, kept as the hardware has it",
		NULL };

	(void)state;
	check_list_refused(LIST_PF_ONE_VF, msgs);
}

/*
 * An entry whose VF BAR is not where the hardware decodes it: claimed
 * from the entry, it fell outside the bridge window, and the core moved
 * the VF BAR under VF Enable (FINDINGS.md F9). The PF is refused instead.
 */
static void test_list_pf_vf_bar_not_where_hardware_has_it(void **state)
{
	static const char *const msgs[] = {
		"pci 0000:02:00.0: preserved with VF BAR 0 at 0x",
		"but the hardware decodes it at 0x",
		"pci 0000:02:00.2: preserved, but its PF 0000:02:00.0 is not: not treated as preserved, kept as the hardware has it",
		NULL };

	(void)state;
	check_list_refused(LIST_PF_VF_BAR_ELSEWHERE, msgs);
}

/* =================================================================== */
/* The checks themselves: guarantees switched off on purpose           */
/* =================================================================== */

static void test_fault_master_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:01:00.0: Bus Master Enable is off on 0000:01:00.0",
		"FAIL 0000:01:00.0: *dma-disrupted at * ns: bus master cleared on the device",
		"FAIL 0000:01:00.0: *dma-disrupted at * ns: bus master cleared on upstream bridge 0000/01.0",
		"FAIL 0000:01:00.0: Bus Master Enable of 0000:01:00.0 was cleared at * ns (history: 1 -> 0)",
		"FAIL 0000:01:00.0: Bus Master Enable of 0000:00:01.0 was cleared at * ns (history: 1 -> 0 -> 1)",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=master";
	run_case(topo_root_port, c, lu_run, &r);
	expect_log(&r, "PCI: liveupdate: fault injection: master guarantee switched off");
	expect_log(&r, "lu-test: kexec 1: 5 failure(s)");
	expect_fail_lines(&r, want);
	assert_int_equal(hw(c, &r, "0000:01:00.0")->cmd & 0x4, 0);
	/*
	 * The history, not the final bit: the port's Bus Master is on again
	 * (its driver set it in the new kernel), but was cleared at kexec.
	 */
	expect_master(c, &r, "0000:00:01.0");
	expect_line(&r, "    Bus Master history of 0000:01:00.0: 1 -> 0, CLEARED (* writes of Command seen)");
	expect_line(&r, "    Bus Master history of 0000:00:01.0: 1 -> 0 -> 1, CLEARED (* writes of Command seen)");
	simtest_free(&r);
	lu_free(c);
}

/*
 * The runner checks the kernel's device list, not its own idea of it: a
 * kernel that leaves the bridges out of the list fails the run, before
 * the kexec and after it, naming each missing bridge.
 */
static void test_fault_list_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:03:00.0: 0000:02:00.0 (bridge above preserved devices) is missing from the kernel's device list before kexec",
		"FAIL 0000:03:00.0: 0000:01:00.0 (bridge above preserved devices) is missing from the kernel's device list before kexec",
		"FAIL 0000:03:00.0: 0000:00:01.0 (bridge above preserved devices) is missing from the kernel's device list before kexec",
		"FAIL 0000:04:00.0: 0000:02:01.0 (bridge above preserved devices) is missing from the kernel's device list before kexec",
		"FAIL 0000:03:00.0: 0000:02:00.0 (bridge above preserved devices) is missing from the kernel's device list after kexec",
		"FAIL 0000:03:00.0: 0000:01:00.0 (bridge above preserved devices) is missing from the kernel's device list after kexec",
		"FAIL 0000:03:00.0: 0000:00:01.0 (bridge above preserved devices) is missing from the kernel's device list after kexec",
		"FAIL 0000:04:00.0: 0000:02:01.0 (bridge above preserved devices) is missing from the kernel's device list after kexec",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:03:00.0,0000:04:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=list";
	run_case(topo_shared_bridge, c, lu_run, &r);
	expect_log(&r, "PCI: liveupdate: fault injection: list guarantee switched off");
	expect_log(&r, "lu-test: kexec 1: 8 failure(s)");
	expect_fail_lines(&r, want);
	/* nothing else broke: the devices themselves came through */
	expect_running(c, &r, "0000:03:00.0");
	expect_running(c, &r, "0000:04:00.0");
	simtest_free(&r);
	lu_free(c);
}

/*
 * Restored is not enough: the PCI core that does not free the device
 * list it was handed at finish fails the run, though every page was
 * restored (nothing "leaked" in the sense of never restored).
 */
static void test_fault_leak_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL kexec 1: 1 of * restored pages not freed after finish (the first at 0x*)",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=leak";
	run_case(topo_root_port, c, lu_run, &r);
	expect_log(&r, "PCI: liveupdate: fault injection: leak guarantee switched off");
	assert_int_equal(c->failures[0], 1);
	expect_fail_lines(&r, want);
	assert_int_equal(c->leaked, 0);
	expect_running(c, &r, "0000:01:00.0");
	simtest_free(&r);
	lu_free(c);
}

/* Buses renumbered from scratch: with nothing changed, the same numbers,
 * but forwarding was switched off on the way: the DMA was cut. */
static void test_fault_buses_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:01:00.0: *dma-disrupted at * ns: bus 01 outside bus range 00-00 of upstream bridge 0000/01.0 (routing ID changed)",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=buses";
	run_case(topo_root_port, c, lu_run, &r);
	expect_log(&r, "PCI: liveupdate: fault injection: buses guarantee switched off");
	assert_int_equal(c->failures[0], 1);
	expect_fail_lines(&r, want);
	simtest_free(&r);
	lu_free(c);
}

/* With a root port hot-added in front: renumbering moves the device. */
static void test_fault_buses_with_hot_add_is_caught(void **state)
{
	static const char *const want[] = {
		"FAIL 0000:01:00.0: retrieving its file: -22",
		"FAIL kexec 1: finishing the session: -16",
		"FAIL 0000:01:00.0: 0000:01:00.0 is [8086:10d3] after kexec, was [1b36:0010]",
		"FAIL 0000:01:00.0: the kernel's device list after kexec has 0000:01:00.0, but no such device",
		"FAIL 0000:01:00.0: 0000:01:00.0 resource 0 is *, was 0x*",
		"FAIL 0000:01:00.0: Bus Master Enable is off on 0000:01:00.0",
		"FAIL 0000:01:00.0: bridge 0000:00:02.0 bus numbers 00/02/02, were 00/01/01",
		"FAIL 0000:01:00.0: *dma-disrupted at * ns: bus 01 outside bus range 00-00 of upstream bridge 0000/02.0 (routing ID changed)",
		/* whatever answers at 01:00.0 now is enumerated as a new device */
		"FAIL 0000:01:00.0: *bar-routing-broken at * ns: *",
		"FAIL 0000:01:00.0: bound to '' after kexec, was 'pcisim-vfio'",
		"FAIL kexec 1: 0000:00:01.0 appeared after kexec",
		"FAIL kexec 1: 0000:03:00.0 appeared after kexec",
		"FAIL kexec 1: 0000:04:00.0 appeared after kexec",
		"FAIL kexec 1: 2 preserved pages never restored (leaked)",
		NULL };
	struct lu_case *c = lu_new();
	struct sim_result r;

	(void)state;
	c->preserve = "0000:01:00.0";
	c->setup = mixed_hot_add;
	c->cmdline = BASE_CMDLINE " pci=lu_vfs=core pci=lu_fault=buses";
	run_case(topo_hotadd, c, lu_run, &r);
	expect_fail_lines(&r, want);
	assert_int_equal(c->failures[0], count_fail_lines(&r));
	simtest_free(&r);
	lu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_endpoint_on_root_bus),
		cmocka_unit_test(test_endpoint_behind_root_port),
		cmocka_unit_test(test_bridge_master_kept_when_port_driver_fails),
		cmocka_unit_test(test_endpoint_behind_two_switch_levels),
		cmocka_unit_test(test_multifunction_preserve_function_1_only),
		cmocka_unit_test(test_pf_and_vf_vfs_by_core),
		cmocka_unit_test(test_pf_and_vf_vfs_by_user),
		cmocka_unit_test(test_handover_taken_at_kexec),
		cmocka_unit_test(test_preserved_bars_keep_decoding),
		cmocka_unit_test(test_preserved_pref64_window_keeps_decoding),
		cmocka_unit_test(test_preserved_window_kept_through_realloc),
		cmocka_unit_test(test_vf_only_vfs_by_core),
		cmocka_unit_test(test_vf_only_vfs_by_user),
		cmocka_unit_test(test_device_list_of_a_vf),
		cmocka_unit_test(test_vfs_on_another_bus_vfs_by_core),
		cmocka_unit_test(test_vfs_on_another_bus_vfs_by_user),
		cmocka_unit_test(test_ari_forwarding_kept),
		cmocka_unit_test(test_ari_forwarding_kept_with_noari),
		cmocka_unit_test(test_ari_off_stays_off),
		cmocka_unit_test(test_ari_forwarding_off_kept_without_noari),
		cmocka_unit_test(test_acs_control_adopted),
		cmocka_unit_test(test_acs_control_kept_without_option),
		cmocka_unit_test(test_fault_acs_is_caught),
		cmocka_unit_test(test_two_preserved_share_bridges),
		cmocka_unit_test(test_two_share_bridges_one_unpreserved),
		cmocka_unit_test(test_unpreserved_entries_are_reused),
		cmocka_unit_test(test_preserve_then_cancel),
		cmocka_unit_test(test_no_autoprobe_and_wrong_driver_refused),
		cmocka_unit_test(test_native_driver_does_not_grab_preserved),
		cmocka_unit_test(test_fault_probe_is_caught),
		cmocka_unit_test(test_same_bdf_in_two_domains),
		cmocka_unit_test(test_three_kexecs_in_a_row),
		cmocka_unit_test(test_three_kexecs_in_a_row_vfs_by_user),
		cmocka_unit_test(test_mixed_and_hot_add),
		cmocka_unit_test(test_mixed_and_hot_add_assign_busses),
		cmocka_unit_test(test_keep_buses_host_keeps_numbers),
		cmocka_unit_test(test_assign_busses_renumbers),
		cmocka_unit_test(test_hot_add_after_kexec),
		cmocka_unit_test(test_preserved_bridge_lost_bus_numbers),
		cmocka_unit_test(test_preserved_bridge_lost_bus_numbers_same_model),
		cmocka_unit_test(test_preserved_device_replaced),
		cmocka_unit_test(test_preserved_device_missing),
		cmocka_unit_test(test_preserved_device_removed_is_reported),
		cmocka_unit_test(test_preserved_window_kept_when_claim_fails),
		cmocka_unit_test(test_corrupt_ser_version),
		cmocka_unit_test(test_corrupt_ser_count),
		cmocka_unit_test(test_corrupt_ser_list_pointer),
		cmocka_unit_test(test_corrupt_ser_not_preserved),
		cmocka_unit_test(test_corrupt_ser_keeps_vfs),
		cmocka_unit_test(test_kho_dropped_is_a_cold_boot),
		cmocka_unit_test(test_luo_root_incompatible_panics),
		cmocka_unit_test(test_safe_kho_dropped_keeps_hardware),
		cmocka_unit_test(test_safe_luo_root_incompatible_keeps_hardware),
		cmocka_unit_test(test_safe_list_pointer_keeps_hardware),
		cmocka_unit_test(test_luo_flb_array_page_count_is_not_read),
		cmocka_unit_test(test_luo_no_session_keeps_devices_silently),
		cmocka_unit_test(test_normal_handover_names_no_kept_device),
		cmocka_unit_test(test_list_pf_without_its_bridge),
		cmocka_unit_test(test_list_vf_of_pf_with_vf_enable_off),
		cmocka_unit_test(test_list_vf_of_pf_with_too_few_vfs),
		cmocka_unit_test(test_list_pf_vf_bar_not_where_hardware_has_it),
		cmocka_unit_test(test_fault_master_is_caught),
		cmocka_unit_test(test_fault_list_is_caught),
		cmocka_unit_test(test_fault_leak_is_caught),
		cmocka_unit_test(test_fault_buses_is_caught),
		cmocka_unit_test(test_fault_buses_with_hot_add_is_caught),
	};

	/* LU_TEST=glob runs only the tests whose names match */
	if (getenv("LU_TEST"))
		cmocka_set_test_filter(getenv("LU_TEST"));
	return cmocka_run_group_tests_name("liveupdate", tests, NULL, NULL);
}
