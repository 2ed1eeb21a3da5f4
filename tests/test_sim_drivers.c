/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated drivers (lu/sim-drivers/) as user space sees them, across
 * kexecs: the host binds pcisim-vfio and pcisim-pf, starts SR-IOV,
 * preserves device files and retrieves and finishes them (sim_lu_*), and
 * checks what the drivers did and when (their callback log), what they
 * refuse, and what the machine saw: DMA never stopped for a preserved
 * device (its event log), no driver bound until user space names one,
 * the device and the bridges above it (a VF's PF too) at the same BDFs
 * with the same bus numbers, BARs and windows, nothing handed over left
 * unrestored. Devices not preserved stop their DMA cleanly at shutdown.
 * The topology matrix of the PCI core is tests/test_liveupdate.c.
 *
 * Scenarios run in the forked kernel-world child: a failed check prints
 * "lu-test: FAIL ..." and fails the run; the drivers' callback logs are
 * printed as "lu-log TAG: ..." lines for the parent to compare.
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
#include <cmocka.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "simtest.h"

#define LU_CMDLINE	"kho=on liveupdate=on"
#define LU_USER_VFS	LU_CMDLINE " pci=lu_vfs=user"
#define VFIO		"pcisim-vfio"
#define PF		"pcisim-pf"
#define T3		"tests/topo/T3_switch.topo"
#define T5		"tests/topo/T5_sriov_nvme.topo"

/* T3_switch: an NVMe behind a switch, an e1000e behind a root port */
#define NVME		"0000:03:00.0"
#define NIC		"0000:06:00.0"
/* T5_sriov_nvme: an NVMe PF with 4 VFs (ARI, offset 1, stride 1) */
#define NVME_PF		"0000:01:00.0"
#define NR_VFS		4

#define CHECK(cond, ...) SIMTEST_CHECK("lu-test", cond, __VA_ARGS__)

struct bdf {
	unsigned int domain, bus, devfn;
};

static struct bdf bdf(const char *name)
{
	unsigned int d, b, dev, fn;
	struct bdf r = { 0xffffffff, 0, 0 };

	if (sscanf(name, "%x:%x:%x.%x", &d, &b, &dev, &fn) == 4) {
		r.domain = d;
		r.bus = b;
		r.devfn = dev << 3 | fn;
	}
	return r;
}

/* "0000:01:00.N": the Nth function of the PF's device (VF N, ARI) */
static const char *vf_name(int n)
{
	static char buf[NR_VFS + 1][16];

	snprintf(buf[n], sizeof(buf[n]), "0000:01:00.%d", n);
	return buf[n];
}

static int lu_bind(const char *name, const char *driver)
{
	struct bdf b = bdf(name);

	return sim_lu_bind(b.domain, b.bus, b.devfn, driver);
}

static int lu_preserve(const char *session, const char *name)
{
	struct bdf b = bdf(name);

	return sim_lu_preserve(session, b.domain, b.bus, b.devfn);
}

static int lu_state(const char *name)
{
	struct bdf b = bdf(name);

	return sim_lu_dev_state(b.domain, b.bus, b.devfn);
}

static int lu_enable_vfs(const char *name, int nr)
{
	struct bdf b = bdf(name);

	return sim_lu_enable_vfs(b.domain, b.bus, b.devfn, nr);
}

/* The driver bound to name ("" if none), or "(absent)". */
static const char *driver_of(const char *name)
{
	static char buf[64];
	struct bdf b = bdf(name);

	if (sim_lu_driver_of(b.domain, b.bus, b.devfn, buf, sizeof(buf)))
		return "(absent)";
	return buf;
}

static bool dma_running(struct machine *m, const char *name)
{
	struct bdf b = bdf(name);
	struct mfunc *f = machine_find(m, b.domain, b.bus, b.devfn);

	return f && mfunc_dma_running(f);
}

/*
 * Every event of the machine's log that stopped DMA. (BAR routing breaks
 * while the new kernel sizes BARs; that matters to peer-to-peer only.)
 */
static int disruptions(struct machine *m)
{
	size_t i;
	int bad = 0;

	for (i = 0; i < machine_nr_events(m); i++) {
		const struct mevent *e = machine_event(m, i);

		if (e->kind != MEV_DMA_DISRUPTED && e->kind != MEV_RESET)
			continue;
		fprintf(stderr, "lu-test: %s %s at %llu ns: %s\n", e->bdf,
			mevent_kind_name(e->kind),
			(unsigned long long)e->time_ns, e->what);
		bad++;
	}
	return bad;
}

/* How many events of kind the log holds for name. */
static int nr_events(struct machine *m, const char *name,
		     enum mevent_kind kind)
{
	size_t i;
	int n = 0;

	for (i = 0; i < machine_nr_events(m); i++) {
		const struct mevent *e = machine_event(m, i);

		n += e->kind == kind && !strcmp(e->bdf, name);
	}
	return n;
}

static void dump_callbacks(const char *tag)
{
	char buf[8192];

	sim_lu_callback_log(buf, sizeof(buf));
	fprintf(stderr, "lu-log %s: %s\n", tag, buf);
}

/* cli_kexec(), with the outgoing kernel's callback log dumped last. */
static int kexec(struct machine *m, const char *cmdline, const char *tag)
{
	struct sim_handover kho;
	int ret;

	ret = sim_kernel_kexec_prepare(&kho);
	if (ret)
		return ret;
	dump_callbacks(tag);
	return cli_kexec_reboot(m, cmdline, &kho);
}

/* ---- what the kernel enumerated, before and after ---- */

struct snap {
	struct sim_pci_info *dev;
	size_t n;
};

static int snap_one(const struct sim_pci_info *info, void *ctx)
{
	struct snap *s = ctx;
	struct sim_pci_info *v = realloc(s->dev, (s->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	s->dev = v;
	s->dev[s->n++] = *info;
	return 0;
}

static struct snap snapshot(void)
{
	struct snap s = { 0 };

	sim_pci_visit_devs(snap_one, &s);
	return s;
}

static const struct sim_pci_info *snap_find(const struct snap *s,
					    unsigned int domain,
					    unsigned int bus,
					    unsigned int devfn)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->dev[i].domain == domain && s->dev[i].bus == bus &&
		    s->dev[i].devfn == devfn)
			return &s->dev[i];
	}
	return NULL;
}

/* One function: still there, same IDs, bus numbers, BARs and windows. */
static int same_function(const struct sim_pci_info *a,
			 const struct snap *after)
{
	const struct sim_pci_info *b;
	int i;

	b = snap_find(after, a->domain, a->bus, a->devfn);
	CHECK(b, "%s is gone after kexec", a->name);
	CHECK(a->vendor == b->vendor && a->device == b->device,
	      "%s: now [%04x:%04x]", a->name, b->vendor, b->device);
	CHECK(a->primary == b->primary && a->secondary == b->secondary &&
	      a->subordinate == b->subordinate,
	      "%s: bus numbers %02x/%02x-%02x, now %02x/%02x-%02x", a->name,
	      a->primary, a->secondary, a->subordinate, b->primary,
	      b->secondary, b->subordinate);
	CHECK(a->sriov_num == b->sriov_num, "%s: %u VFs, now %u", a->name,
	      a->sriov_num, b->sriov_num);
	for (i = 0; i < SIM_NR_RES; i++) {
		CHECK(a->res[i].start == b->res[i].start &&
		      a->res[i].end == b->res[i].end,
		      "%s: resource %d [%#llx-%#llx], now [%#llx-%#llx]",
		      a->name, i, a->res[i].start, a->res[i].end,
		      b->res[i].start, b->res[i].end);
	}
	return 0;
}

/* name and every bridge above it (and a VF's PF) are as they were. */
static int same_path(const struct snap *before, const struct snap *after,
		     const char *name)
{
	struct bdf b = bdf(name);
	const struct sim_pci_info *a;

	a = snap_find(before, b.domain, b.bus, b.devfn);
	CHECK(a, "%s was not there before kexec", name);
	for (;;) {
		if (same_function(a, after))
			return -1;
		if (a->is_virtfn) {
			/* ARI PF at function 0 of the same bus (T5) */
			a = snap_find(before, a->domain, a->bus, 0);
			CHECK(a, "the PF of %s", name);
			continue;
		}
		if (!a->has_parent)
			return 0;
		a = snap_find(before, a->domain, a->parent_bus,
			      a->parent_devfn);
		CHECK(a, "a bridge above %s", name);
	}
}

/* ---- one device through vfio ---- */

struct vfio_args {
	int kexecs;
	bool bind_first;	/* user space binds before retrieving */
};

static int vfio_round_trip(struct machine *m, void *arg)
{
	const struct vfio_args *va = arg;
	struct snap before, after;
	char tag[16];
	int k, st;

	CHECK(!lu_bind(NVME, VFIO), "bind");
	CHECK(!lu_bind(NIC, VFIO), "bind the device not preserved");
	st = lu_state(NVME);
	CHECK(st == (SIM_LU_BOUND | SIM_LU_MASTER | SIM_LU_DMA |
		     SIM_LU_DMA_STARTED), "state %#x after probe", st);
	CHECK(dma_running(m, NVME), "DMA after probe");
	CHECK(!lu_preserve("vm", NVME), "preserve");
	CHECK(lu_state(NVME) & SIM_LU_PRESERVED, "not preserved");
	before = snapshot();

	for (k = 1; k <= va->kexecs; k++) {
		snprintf(tag, sizeof(tag), "k%d", k - 1);
		CHECK(!kexec(m, LU_CMDLINE, tag), "kexec %d", k);

		/* no driver until user space names one */
		CHECK(!strcmp(driver_of(NVME), ""), "bound to %s at boot",
		      driver_of(NVME));
		CHECK(dma_running(m, NVME), "DMA stopped by kexec %d", k);
		if (k == 1)
			CHECK(!dma_running(m, NIC) &&
			      nr_events(m, NIC, MEV_DMA_STOPPED) == 1,
			      "the device not preserved did not stop cleanly");
		if (va->bind_first) {
			CHECK(!lu_bind(NVME, VFIO), "bind after kexec %d", k);
			st = lu_state(NVME);
			CHECK(st == (SIM_LU_BOUND | SIM_LU_MASTER | SIM_LU_DMA |
				     SIM_LU_INCOMING),
			      "state %#x after probe of a handed-over device", st);
			/* not retrieved yet: busy only once it is */
			CHECK(lu_preserve("vm", NVME) == -EBUSY,
			      "opened before retrieve");
		}
		CHECK(sim_lu_retrieve("vm") == 1, "retrieve after kexec %d", k);
		CHECK(!strcmp(driver_of(NVME), VFIO), "retrieve bound %s",
		      driver_of(NVME));
		st = lu_state(NVME);
		CHECK(st == (SIM_LU_BOUND | SIM_LU_MASTER | SIM_LU_DMA |
			     SIM_LU_OPEN | SIM_LU_INCOMING | SIM_LU_RETRIEVED),
		      "state %#x after retrieve", st);
		CHECK(lu_bind(NVME, NULL) == -EBUSY, "unbound while retrieved");
		CHECK(!sim_lu_finish("vm"), "finish after kexec %d", k);
		CHECK(!(lu_state(NVME) & SIM_LU_INCOMING), "still incoming");
		CHECK(!sim_kho_leaked_pages(), "%lu pages leaked after kexec %d",
		      sim_kho_leaked_pages(), k);
		CHECK(!disruptions(m), "DMA disrupted by kexec %d", k);
		CHECK(dma_running(m, NVME), "DMA after finish");
		after = snapshot();
		if (same_path(&before, &after, NVME))
			return -1;
		free(after.dev);
		snprintf(tag, sizeof(tag), "k%d-end", k);
		if (k == va->kexecs) {
			dump_callbacks(tag);
			break;
		}
		/* as a VMM would: preserve again what it got back */
		CHECK(!lu_preserve("vm", NVME), "re-preserve");
	}
	CHECK(nr_events(m, NVME, MEV_DMA_STARTED) == 1,
	      "DMA started %d times", nr_events(m, NVME, MEV_DMA_STARTED));
	free(before.dev);
	return 0;
}

static void run_ok(struct sim_run *run, struct sim_result *r)
{
	if (!run->topo_path && !run->topo_text)
		run->topo_path = T3;
	if (!run->cmdline)
		run->cmdline = LU_CMDLINE;
	assert_int_equal(simtest_run(run, r), 0);
	if (r->status) {
		/* the whole log: cmocka cuts long messages short */
		fprintf(stderr, "%s", r->log);
		fail_msg("child exited %d (its log is above)", r->status);
	}
}

static void expect_log(const struct sim_result *r, const char *want)
{
	if (!strstr(r->log, want))
		fail_msg("expected \"%s\" in:\n%s", want, r->log);
}

static int count_log(const struct sim_result *r, const char *what)
{
	const char *p = r->log;
	int n = 0;

	while ((p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	return n;
}

static void test_vfio_device_kept_running(void **state)
{
	struct vfio_args va = { .kexecs = 1, .bind_first = true };
	struct sim_run run = { .scenario = vfio_round_trip, .arg = &va };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/*
	 * 2.5: preserve, then freeze before any device shuts down (last
	 * added first); the device not preserved stops its DMA there.
	 */
	expect_log(&r, "lu-log k0: vfio.probe:" NVME " vfio.probe:" NIC
		   " vfio.preserve:" NVME " vfio.freeze:" NVME
		   " vfio.shutdown:" NIC " vfio.shutdown-preserved:" NVME "\n");
	/* user space binds, retrieves, finishes */
	expect_log(&r, "lu-log k1-end: vfio.probe-incoming:" NVME
		   " vfio.retrieve:" NVME " vfio.can_finish:" NVME
		   " vfio.finish:" NVME "\n");
	/* the new kernel's pci_enable_device() found nothing to turn on */
	assert_int_equal(count_log(&r, "pcisim-vfio " NVME ": enabling device"), 1);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_vfio_retrieve_binds_the_driver(void **state)
{
	struct vfio_args va = { .kexecs = 1, .bind_first = false };
	struct sim_run run = { .scenario = vfio_round_trip, .arg = &va };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "lu-log k1-end: vfio.retrieve:" NVME
		   " vfio.probe-incoming:" NVME " vfio.can_finish:" NVME
		   " vfio.finish:" NVME "\n");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_vfio_three_kexecs(void **state)
{
	struct vfio_args va = { .kexecs = 3, .bind_first = true };
	struct sim_run run = { .scenario = vfio_round_trip, .arg = &va };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "lu-log k2: vfio.probe-incoming:" NVME
		   " vfio.retrieve:" NVME " vfio.can_finish:" NVME
		   " vfio.finish:" NVME " vfio.preserve:" NVME
		   " vfio.freeze:" NVME " vfio.shutdown-preserved:" NVME "\n");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/* ---- user space mistakes and refusals ---- */

static int refusals(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(lu_preserve("vm", NVME) == -ENODEV, "preserve with no driver");
	CHECK(!strcmp(driver_of("0000:02:00.0"), "pcieport"), "switch port");
	CHECK(lu_preserve("vm", "0000:02:00.0") == -ENODEV,
	      "preserve a device of another driver");
	CHECK(lu_bind("0000:09:00.0", VFIO) == -ENODEV, "absent device");
	CHECK(lu_bind(NVME, "no-such-driver") == -ENODEV, "unknown driver");
	CHECK(!strcmp(driver_of(NVME), ""), "bound to %s", driver_of(NVME));
	CHECK(!lu_bind(NVME, VFIO), "bind");
	CHECK(!lu_bind(NVME, VFIO), "bind again");
	CHECK(!lu_preserve("vm", NVME), "preserve");
	/* 7.3: its token is in the session already */
	CHECK(lu_preserve("vm", NVME) == -EEXIST, "preserved twice");
	CHECK(lu_preserve("db", NVME) == -EBUSY, "same file in two sessions");
	CHECK(lu_bind(NVME, NULL) == -EBUSY, "unbound while preserved");
	CHECK(lu_bind(NVME, PF) == -EBUSY, "rebound while preserved");
	CHECK(!strcmp(driver_of(NVME), VFIO), "lost its driver");
	CHECK(sim_lu_retrieve("vm") == -ENOENT, "no incoming session");

	/* cancel: unpreserved, then an ordinary device at the kexec */
	CHECK(!sim_lu_cancel("vm"), "cancel");
	CHECK(sim_lu_cancel("vm") == -ENOENT, "cancel twice");
	CHECK(!(lu_state(NVME) & SIM_LU_PRESERVED), "still preserved");
	CHECK(!lu_bind(NVME, NULL), "unbind once unpreserved");
	CHECK(!dma_running(m, NVME) &&
	      nr_events(m, NVME, MEV_DMA_STOPPED) == 1, "remove stops DMA");
	CHECK(!lu_bind(NVME, VFIO), "bind again");
	CHECK(!lu_preserve("vm", NVME), "preserve again");
	CHECK(!sim_lu_cancel("vm"), "cancel again");
	CHECK(!kexec(m, LU_CMDLINE, "k0"), "kexec");

	CHECK(sim_lu_retrieve("vm") == -ENOENT, "a cancelled session came back");
	CHECK(!dma_running(m, NVME), "DMA of a cancelled device kept running");
	CHECK(!lu_bind(NVME, VFIO), "bind after kexec");
	CHECK(lu_state(NVME) & SIM_LU_DMA_STARTED,
	      "not started afresh: %#x", lu_state(NVME));
	CHECK(!disruptions(m), "DMA disrupted");
	dump_callbacks("k1");
	return 0;
}

static void test_refusals_and_cancel(void **state)
{
	struct sim_run run = { .scenario = refusals };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "lu-log k0: vfio.probe:" NVME
		   " vfio.preserve:" NVME " vfio.unpreserve:" NVME " vfio.remove:" NVME
		   " vfio.probe:" NVME " vfio.preserve:" NVME
		   " vfio.unpreserve:" NVME " vfio.shutdown:" NVME);
	expect_log(&r, "lu-log k1: vfio.probe:" NVME "\n");
	simtest_free(&r);
}

/* The wrong driver bound after kexec lets go without touching the device. */
static int wrong_driver(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(!lu_bind(NVME, VFIO), "bind");
	CHECK(!lu_preserve("vm", NVME), "preserve");
	CHECK(!kexec(m, LU_CMDLINE, "k0"), "kexec");

	CHECK(!lu_bind(NVME, PF), "bind the wrong driver");
	CHECK(lu_state(NVME) & SIM_LU_INCOMING, "not seen as handed over");
	CHECK(sim_lu_retrieve("vm") == -EBUSY, "retrieved by the wrong one");
	CHECK(sim_lu_finish("vm") == -EBUSY, "finished by the wrong one");
	CHECK(!lu_bind(NVME, VFIO), "rebind to the right driver");
	CHECK(dma_running(m, NVME), "the wrong driver stopped DMA");
	/* a failed retrieve stays failed: finish without the file */
	CHECK(sim_lu_retrieve("vm") == -EBUSY, "retrieve is sticky");
	CHECK(!sim_lu_finish("vm"), "finish");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	CHECK(!disruptions(m), "DMA disrupted");
	CHECK(nr_events(m, NVME, MEV_DMA_STARTED) == 1, "DMA restarted");
	dump_callbacks("k1");
	return 0;
}

static void test_wrong_driver_after_kexec(void **state)
{
	struct sim_run run = { .scenario = wrong_driver };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "lu-log k1: pf.probe-incoming:" NVME
		   " vfio.retrieve:" NVME " pf.remove:" NVME " vfio.probe-incoming:" NVME
		   " vfio.can_finish:" NVME " vfio.finish:" NVME "\n");
	simtest_free(&r);
}

/*
 * A file of a later session fails to freeze (the LUO self-test handler
 * is told to): the kexec is refused, the device's file is unfrozen and
 * stays preserved, the device keeps running, and the next try works.
 */
static int freeze_fails(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(!lu_bind(NVME, VFIO), "bind");
	CHECK(!lu_preserve("vm", NVME), "preserve");
	CHECK(!sim_luo_selftest_preserve("other", 1, "x", 1), "other file");
	CHECK(!sim_luo_selftest_fail("freeze", 1, -EIO), "inject");
	CHECK(cli_kexec(m, LU_CMDLINE) == -EIO, "kexec must fail");
	CHECK(lu_state(NVME) == (SIM_LU_BOUND | SIM_LU_MASTER | SIM_LU_DMA |
				 SIM_LU_DMA_STARTED | SIM_LU_OPEN |
				 SIM_LU_PRESERVED),
	      "state %#x after a failed freeze", lu_state(NVME));
	CHECK(!sim_luo_selftest_fail("freeze", 1, 0), "clear");
	CHECK(!kexec(m, LU_CMDLINE, "k0"), "kexec");

	CHECK(sim_lu_retrieve("vm") == 1, "retrieve");
	CHECK(!sim_lu_finish("vm"), "finish");
	CHECK(!sim_luo_selftest_finish("other"), "finish the other session");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	CHECK(!disruptions(m), "DMA disrupted");
	return 0;
}

static void test_failed_freeze_unfreezes_the_device(void **state)
{
	struct sim_run run = { .scenario = freeze_fails };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "lu-log k0: vfio.probe:" NVME " vfio.preserve:" NVME
		   " vfio.freeze:" NVME " vfio.unfreeze:" NVME
		   " vfio.freeze:" NVME " vfio.shutdown-preserved:" NVME "\n");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/* ---- SR-IOV: a PF driver and VFs for vfio ---- */

struct sriov_args {
	const char *cmdline;	/* the VF policy of the new kernel */
	bool preserve_pf;	/* the PF's file too, not only the VFs' */
};

static int sriov(struct machine *m, void *arg)
{
	const struct sriov_args *sa = arg;
	bool user = strstr(sa->cmdline, "lu_vfs=user");
	int nr_files = NR_VFS + sa->preserve_pf;
	struct snap before, after;
	int i, n;

	CHECK(!lu_bind(NVME_PF, PF), "bind the PF");
	CHECK(!lu_enable_vfs(NVME_PF, NR_VFS), "enable VFs");
	for (i = 1; i <= NR_VFS; i++) {
		CHECK(!lu_bind(vf_name(i), VFIO), "bind VF %d", i);
		CHECK(dma_running(m, vf_name(i)), "DMA of VF %d", i);
	}
	if (sa->preserve_pf)
		CHECK(!lu_preserve("vm", NVME_PF), "preserve the PF");
	for (i = 1; i <= NR_VFS; i++)
		CHECK(!lu_preserve("vm", vf_name(i)), "preserve VF %d", i);
	CHECK(lu_enable_vfs(NVME_PF, 0) == -EBUSY, "VFs disabled while preserved");
	CHECK(lu_bind(NVME_PF, NULL) == -EBUSY, "PF unbound under its VFs");
	before = snapshot();
	CHECK(!kexec(m, sa->cmdline, "k0"), "kexec");

	CHECK(dma_running(m, NVME_PF), "PF DMA stopped");
	for (i = 1; i <= NR_VFS; i++) {
		CHECK(dma_running(m, vf_name(i)), "DMA of VF %d stopped", i);
		CHECK(!strcmp(driver_of(vf_name(i)), user ? "(absent)" : ""),
		      "VF %d at boot: %s", i, driver_of(vf_name(i)));
	}
	/* user space: the PF driver first, it owns the VFs */
	CHECK(!lu_bind(NVME_PF, PF), "bind the PF after kexec");
	n = sim_lu_retrieve("vm");
	CHECK(n == (user ? sa->preserve_pf : nr_files), "retrieved %d", n);
	if (user) {
		CHECK(!lu_enable_vfs(NVME_PF, NR_VFS), "enable VFs again");
		n = sim_lu_retrieve("vm");
		CHECK(n == nr_files, "retrieved %d with the VFs back", n);
	}
	for (i = 1; i <= NR_VFS; i++)
		CHECK(!strcmp(driver_of(vf_name(i)), VFIO), "VF %d bound to %s",
		      i, driver_of(vf_name(i)));
	CHECK(!sim_lu_finish("vm"), "finish");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	CHECK(!disruptions(m), "DMA disrupted");
	CHECK(dma_running(m, NVME_PF), "PF DMA after finish");
	after = snapshot();
	for (i = 1; i <= NR_VFS; i++) {
		CHECK(!(lu_state(vf_name(i)) & SIM_LU_INCOMING), "VF %d", i);
		if (same_path(&before, &after, vf_name(i)))
			return -1;
	}
	CHECK(nr_events(m, NVME_PF, MEV_DMA_STARTED) == 1, "PF DMA restarted");
	/* everything finished: SR-IOV is user space's again */
	CHECK(!lu_enable_vfs(NVME_PF, 0), "disable VFs once finished");
	CHECK(nr_events(m, vf_name(1), MEV_DMA_STOPPED) == 1, "VF 1 stop");
	CHECK(!disruptions(m), "disabling VFs disrupted something");
	dump_callbacks("k1");
	free(before.dev);
	free(after.dev);
	return 0;
}

static void sriov_case(const char *cmdline, bool preserve_pf)
{
	struct sriov_args sa = { cmdline, preserve_pf };
	struct sim_run run = {
		.topo_path = T5, .cmdline = cmdline, .scenario = sriov,
		.arg = &sa,
	};
	struct sim_result r;

	run_ok(&run, &r);
	expect_log(&r, preserve_pf ?
		   "lu-log k0: pf.probe:" NVME_PF " vfio.probe:0000:01:00.1" :
		   "lu-log k0: pf.probe:" NVME_PF);
	expect_log(&r, "pf.shutdown-preserved:" NVME_PF);
	expect_log(&r, "lu-log k1: pf.probe-incoming:" NVME_PF);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_sriov_pf_and_vfs_core_recreates(void **state)
{
	(void)state;
	sriov_case(LU_CMDLINE, true);
}

static void test_sriov_pf_and_vfs_user_recreates(void **state)
{
	(void)state;
	sriov_case(LU_USER_VFS, true);
}

static void test_sriov_only_vfs_preserved(void **state)
{
	(void)state;
	sriov_case(LU_CMDLINE, false);
}

static void test_sriov_only_vfs_preserved_user_recreates(void **state)
{
	(void)state;
	sriov_case(LU_USER_VFS, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vfio_device_kept_running),
		cmocka_unit_test(test_vfio_retrieve_binds_the_driver),
		cmocka_unit_test(test_vfio_three_kexecs),
		cmocka_unit_test(test_refusals_and_cancel),
		cmocka_unit_test(test_wrong_driver_after_kexec),
		cmocka_unit_test(test_failed_freeze_unfreezes_the_device),
		cmocka_unit_test(test_sriov_pf_and_vfs_core_recreates),
		cmocka_unit_test(test_sriov_pf_and_vfs_user_recreates),
		cmocka_unit_test(test_sriov_only_vfs_preserved),
		cmocka_unit_test(test_sriov_only_vfs_preserved_user_recreates),
	};

	return cmocka_run_group_tests_name("sim_drivers", tests, NULL, NULL);
}
