// SPDX-License-Identifier: GPL-2.0
/*
 * DMA engines and the event log of the machine world. Each test builds a
 * small machine, programs it through config cycles as the kernel would,
 * starts DMA as a driver would, and checks what the machine recorded.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "machine.h"

#define DEVFN(dev, fn)	((uint8_t)((dev) << 3 | (fn)))
#define RP		DEVFN(1, 0)	/* root port on bus 0 */
#define CMD_ON		(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)
#define EP_BAR0		0x10000000u	/* 16K, 32-bit */
#define EP_BAR2		0x8000000000ULL	/* 1M, 64-bit prefetchable */

static struct machine *m;
static struct mhost *h;
static char err[256];

static int setup(void **state)
{
	(void)state;
	m = machine_new();
	h = machine_add_host(m, 0, 0x00, 0xff, err, sizeof(err));
	return m && h ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	machine_free(m);
	return 0;
}

static uint32_t rd(uint8_t bus, uint8_t devfn, uint16_t where, int size)
{
	uint32_t v;

	assert_true(machine_cfg_read(m, 0, bus, devfn, where, size, &v));
	return v;
}

static void wr(uint8_t bus, uint8_t devfn, uint16_t where, int size,
	       uint32_t val)
{
	assert_true(machine_cfg_write(m, 0, bus, devfn, where, size, val));
}

static struct mfunc_desc desc(enum mfunc_kind kind)
{
	struct mfunc_desc d = {
		.kind = kind, .vendor = 0x1af4, .device = 0x1000,
		.class_code = 0x010802,
	};

	if (kind >= MF_ROOT_PORT) {
		d.class_code = 0x060400;
		d.pref_window = d.pref64 = true;
	} else {
		d.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
		d.bar[2] = (struct mbar_desc){ MBAR_MEM64, true, 0x100000 };
	}
	return d;
}

static struct mfunc *add(struct mfunc *parent, uint8_t devfn,
			 const struct mfunc_desc *d)
{
	struct mfunc *f = machine_add_function(m, h, parent, devfn, d, err,
					       sizeof(err));

	assert_non_null(f);
	return f;
}

static void set_buses(uint8_t bus, uint8_t devfn, uint8_t pri, uint8_t sec,
		      uint8_t sub)
{
	wr(bus, devfn, PCI_PRIMARY_BUS, 4,
	   pri | sec << 8 | (uint32_t)sub << 16);
}

/* Windows and Command of a bridge as the kernel leaves them. */
static void bridge_on(uint8_t bus, uint8_t devfn)
{
	wr(bus, devfn, PCI_MEMORY_BASE, 2, EP_BAR0 >> 16);
	wr(bus, devfn, PCI_MEMORY_LIMIT, 2, (EP_BAR0 >> 16) + 0x30);	/* 4M */
	wr(bus, devfn, PCI_PREF_MEMORY_BASE, 2, 0x0001);
	wr(bus, devfn, PCI_PREF_MEMORY_LIMIT, 2, 0x0001);
	wr(bus, devfn, PCI_PREF_BASE_UPPER32, 4, EP_BAR2 >> 32);
	wr(bus, devfn, PCI_PREF_LIMIT_UPPER32, 4, EP_BAR2 >> 32);
	wr(bus, devfn, PCI_COMMAND, 2, CMD_ON);
}

/* An endpoint's BARs assigned and decoding, bus mastering on. */
static void endpoint_on(uint8_t bus, uint8_t devfn)
{
	wr(bus, devfn, PCI_BASE_ADDRESS_0, 4, EP_BAR0);
	wr(bus, devfn, PCI_BASE_ADDRESS_2, 4, (uint32_t)EP_BAR2);
	wr(bus, devfn, PCI_BASE_ADDRESS_3, 4, EP_BAR2 >> 32);
	wr(bus, devfn, PCI_COMMAND, 2, CMD_ON);
}

/* Root port 00:01.0 -> endpoint 01:00.0, enumerated and bus mastering. */
static struct mfunc *rp_endpoint(void)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *f;

	f = add(add(NULL, RP, &rp), 0, &ep);
	set_buses(0, RP, 0, 1, 1);
	bridge_on(0, RP);
	endpoint_on(1, 0);
	return f;
}

/*
 * Root port 00:01.0 -> switch upstream port 01:00.0 -> downstream port
 * 02:00.0 -> endpoint 03:00.0.
 */
static struct mfunc *switch_endpoint(void)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), up = desc(MF_SWITCH_UP);
	struct mfunc_desc dn = desc(MF_SWITCH_DOWN), ep = desc(MF_ENDPOINT);
	struct mfunc *f;

	f = add(add(add(add(NULL, RP, &rp), 0, &up), 0, &dn), 0, &ep);
	set_buses(0, RP, 0, 1, 3);
	set_buses(1, 0, 1, 2, 3);
	set_buses(2, 0, 2, 3, 3);
	bridge_on(0, RP);
	bridge_on(1, 0);
	bridge_on(2, 0);
	endpoint_on(3, 0);
	return f;
}

static uint16_t find_ecap(uint8_t bus, uint8_t devfn, uint16_t id)
{
	uint16_t pos = 0x100;

	for (int n = 0; pos && n < 64; n++) {
		uint32_t hdr = rd(bus, devfn, pos, 4);

		if (hdr == 0xffffffff || !hdr)
			return 0;
		if ((hdr & 0xffff) == id)
			return pos;
		pos = hdr >> 20;
	}
	return 0;
}

static uint16_t find_cap(uint8_t bus, uint8_t devfn, uint8_t id)
{
	uint8_t pos = rd(bus, devfn, PCI_CAPABILITY_LIST, 1);

	for (int n = 0; pos && n < 48; n++) {
		if (rd(bus, devfn, pos, 1) == id)
			return pos;
		pos = rd(bus, devfn, pos + PCI_CAP_LIST_NEXT, 1);
	}
	return 0;
}

/*
 * Root port -> SR-IOV PF 01:00.0 with 4 VFs at 01:00.1..01:00.4 (offset
 * 1, stride 1), VF BAR0 16K each from 0x10100000, VFs enabled.
 */
static uint16_t pf_with_vfs(void)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), pf = desc(MF_ENDPOINT);
	uint16_t iov;

	pf.ari = true;
	pf.total_vfs = 4;
	pf.vf_offset = 1;
	pf.vf_stride = 1;
	pf.vf_device = 0x10;
	pf.vf_bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
	add(add(NULL, RP, &rp), 0, &pf);
	set_buses(0, RP, 0, 1, 1);
	bridge_on(0, RP);
	wr(0, RP, find_cap(0, RP, PCI_CAP_ID_EXP) + PCI_EXP_DEVCTL2, 2,
	   PCI_EXP_DEVCTL2_ARI);
	endpoint_on(1, 0);
	iov = find_ecap(1, 0, PCI_EXT_CAP_ID_SRIOV);
	wr(1, 0, iov + PCI_SRIOV_BAR, 4, 0x10100000);
	wr(1, 0, iov + PCI_SRIOV_NUM_VF, 2, 4);
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2,
	   PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	for (int vf = 1; vf <= 4; vf++)
		wr(1, vf, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	return iov;
}

static const struct mevent *last(void)
{
	assert_int_not_equal(machine_nr_events(m), 0);
	return machine_event(m, machine_nr_events(m) - 1);
}

/* Events recorded since mark, of one kind. */
static size_t count(size_t mark, enum mevent_kind kind)
{
	size_t n = 0;

	for (size_t i = mark; i < machine_nr_events(m); i++)
		n += machine_event(m, i)->kind == kind;
	return n;
}

/* Events since mark about engines (not the Bus Master history). */
static size_t engine_events(size_t mark)
{
	return machine_nr_events(m) - mark - count(mark, MEV_BUS_MASTER);
}

static void expect_last(enum mevent_kind kind, const char *path,
			const char *bdf, const char *what)
{
	const struct mevent *ev = last();

	assert_string_equal(mevent_kind_name(ev->kind), mevent_kind_name(kind));
	assert_string_equal(ev->path, path);
	assert_string_equal(ev->bdf, bdf);
	assert_string_equal(ev->what, what);
}

/* --- running --- */

static void test_dma_keeps_running_while_bus_master_stays_set(void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = switch_endpoint();
	assert_int_equal(machine_dma_start(m, 0, 3, 0), 0);
	assert_true(mfunc_dma_running(f));
	expect_last(MEV_DMA_STARTED, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0", "DMA started by the driver");
	mark = machine_nr_events(m);
	machine_advance_time(m, 1000000);
	wr(3, 0, PCI_COMMAND, 2, CMD_ON | PCI_COMMAND_SERR);
	wr(3, 0, PCI_INTERRUPT_LINE, 1, 0x2a);
	wr(0, RP, PCI_COMMAND, 2, CMD_ON | PCI_COMMAND_PARITY);
	wr(2, 0, PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_SERR);
	set_buses(1, 0, 1, 2, 3);		/* same numbers again */
	assert_true(mfunc_dma_running(f));
	assert_int_equal(engine_events(mark), 0);
	/* only the two Command writes, in the Bus Master history */
	assert_int_equal(count(mark, MEV_BUS_MASTER), 2);
	assert_int_equal(machine_nr_dma(m), 1);
}

/*
 * The Bus Master history: from DMA start (the value then) for the device
 * and every bridge above it, then every Command write, changed or not,
 * with the function's BDF and the bit; functions with no engine below
 * have none.
 */
static void test_bus_master_history_of_device_and_bridges(void **state)
{
	static const char *const who[] = { "0000:03:00.0", "0000:02:00.0",
					    "0000:01:00.0", "0000:00:01.0" };
	const struct mevent *ev;
	size_t mark, k = 0;

	(void)state;
	switch_endpoint();
	mark = machine_nr_events(m);
	machine_dma_start(m, 0, 3, 0);
	/* the history begins: device, then up to the root port, all on */
	for (size_t i = mark; i < machine_nr_events(m); i++) {
		ev = machine_event(m, i);
		if (ev->kind != MEV_BUS_MASTER)
			continue;
		assert_true(k < 4);
		assert_string_equal(ev->bdf, who[k]);
		assert_int_equal(ev->value, 1);
		k++;
	}
	assert_int_equal(k, 4);
	mark = machine_nr_events(m);
	machine_advance_time(m, 100);
	wr(1, 0, PCI_COMMAND, 2, CMD_ON);		/* unchanged */
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);	/* cleared */
	wr(1, 0, PCI_COMMAND, 2, CMD_ON);		/* set again */
	wr(1, 0, PCI_COMMAND + 1, 1, 0);		/* not the bit's byte */
	wr(1, 0, PCI_CACHE_LINE_SIZE, 4, 0);		/* nor here */
	wr(0, DEVFN(2, 0), PCI_COMMAND, 2, 0);		/* nothing below */
	assert_int_equal(count(mark, MEV_BUS_MASTER), 3);
	k = 0;
	for (size_t i = mark; i < machine_nr_events(m); i++) {
		static const int want[] = { 1, 0, 1 };

		ev = machine_event(m, i);
		if (ev->kind != MEV_BUS_MASTER)
			continue;
		assert_string_equal(ev->bdf, "0000:01:00.0");
		assert_string_equal(ev->path, "0000/01.0/00.0");
		assert_int_equal(ev->time_ns, 100);
		assert_int_equal(ev->value, want[k]);
		k++;
	}
	/* and the clear disrupted the DMA, as before */
	assert_int_equal(count(mark, MEV_DMA_DISRUPTED), 1);
	assert_int_equal(count(mark, MEV_DMA_RESUMED), 1);
}

static void test_clearing_bus_master_records_disruption_with_time(
	void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = rp_endpoint();
	machine_dma_start(m, 0, 1, 0);
	machine_advance_time(m, 1234567);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_false(mfunc_dma_running(f));
	assert_true(mfunc_dma_started(f));
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0", "0000:01:00.0",
		    "bus master cleared on the device");
	assert_int_equal(last()->time_ns, 1234567);
	/* Recorded when it breaks, not on every write. */
	mark = machine_nr_events(m);
	wr(1, 0, PCI_COMMAND, 2, 0);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(count(mark, MEV_DMA_DISRUPTED), 0);
}

static void test_clearing_bus_master_on_upstream_bridge_names_it(
	void **state)
{
	struct mfunc *f;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	wr(2, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_false(mfunc_dma_running(f));
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0",
		    "bus master cleared on upstream bridge 0000/01.0/00.0/00.0");
	wr(0, RP, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0",
		    "bus master cleared on upstream bridge 0000/01.0");
}

static void test_setting_bus_master_again_resumes(void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	wr(3, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	mark = machine_nr_events(m);
	wr(1, 0, PCI_COMMAND, 2, CMD_ON);	/* the device's still off */
	assert_false(mfunc_dma_running(f));
	assert_int_equal(engine_events(mark), 0);
	machine_advance_time(m, 50);
	wr(3, 0, PCI_COMMAND, 2, CMD_ON);
	assert_true(mfunc_dma_running(f));
	expect_last(MEV_DMA_RESUMED, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0",
		    "DMA resumed after a write to 0000/01.0/00.0/00.0/00.0");
	assert_int_equal(last()->time_ns, 50);
	/* Broken again after healing: a new event. */
	wr(3, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(count(mark, MEV_DMA_DISRUPTED), 1);
}

static void test_renumbering_a_bridge_above_records_disruption(
	void **state)
{
	struct mfunc *f;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	set_buses(1, 0, 1, 2, 4);		/* a wider range is fine */
	assert_true(mfunc_dma_running(f));
	set_buses(1, 0, 1, 5, 6);
	assert_false(mfunc_dma_running(f));
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0",
		    "bus 03 outside bus range 05-06 of upstream bridge 0000/01.0/00.0 (routing ID changed)");
	set_buses(1, 0, 1, 2, 3);
	assert_true(mfunc_dma_running(f));
	assert_int_equal(last()->kind, MEV_DMA_RESUMED);
}

static void test_new_secondary_bus_of_parent_records_disruption(
	void **state)
{
	struct mfunc *f;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	set_buses(0, RP, 0, 1, 4);
	set_buses(1, 0, 1, 2, 4);
	set_buses(2, 0, 2, 3, 4);
	assert_true(mfunc_dma_running(f));
	/* Bus 3 still passes the port, but no longer as its secondary. */
	set_buses(2, 0, 2, 2, 4);
	assert_false(mfunc_dma_running(f));
	assert_string_equal(last()->what,
			    "bus 03 no longer the secondary bus of upstream bridge 0000/01.0/00.0/00.0 (now 02; routing ID changed)");
	set_buses(2, 0, 2, 3, 4);
	assert_true(mfunc_dma_running(f));
}

static void test_sibling_bridge_taking_the_bus_records_disruption(
	void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *f;

	(void)state;
	add(NULL, DEVFN(1, 0), &rp);
	f = add(add(NULL, DEVFN(2, 0), &rp), 0, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	set_buses(0, DEVFN(2, 0), 0, 2, 2);
	bridge_on(0, DEVFN(2, 0));
	endpoint_on(2, 0);
	machine_dma_start(m, 0, 2, 0);
	assert_true(mfunc_dma_running(f));
	/* 00:01.0 now claims bus 2 first: cycles for it go elsewhere. */
	set_buses(0, DEVFN(1, 0), 0, 1, 2);
	assert_false(mfunc_dma_running(f));
	expect_last(MEV_DMA_DISRUPTED, "0000/02.0/00.0", "0000:02:00.0",
		    "config cycles to 0000:02:00.0 reach nothing (routing ID changed)");
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_true(mfunc_dma_running(f));
}

static void test_ari_forwarding_cleared_above_cuts_off_function_8(
	void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port, *f;
	uint16_t exp;

	(void)state;
	ep.ari = true;
	port = add(NULL, RP, &rp);
	add(port, 0, &ep);
	f = add(port, DEVFN(1, 0), &ep);
	set_buses(0, RP, 0, 1, 1);
	bridge_on(0, RP);
	exp = find_cap(0, RP, PCI_CAP_ID_EXP);
	wr(0, RP, exp + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
	endpoint_on(1, DEVFN(1, 0));
	machine_dma_start(m, 0, 1, DEVFN(1, 0));
	assert_true(mfunc_dma_running(f));
	wr(0, RP, exp + PCI_EXP_DEVCTL2, 2, 0);
	assert_false(mfunc_dma_running(f));
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/01.0", "0000:01:01.0",
		    "config cycles to 0000:01:01.0 reach nothing (routing ID changed)");
}

/* --- resets --- */

static void test_flr_stops_dma_until_started_again(void **state)
{
	struct mfunc *f;
	uint16_t exp;
	size_t mark;

	(void)state;
	f = rp_endpoint();
	machine_dma_start(m, 0, 1, 0);
	machine_advance_time(m, 77);
	exp = find_cap(1, 0, PCI_CAP_ID_EXP);
	wr(1, 0, exp + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
	assert_false(mfunc_dma_started(f));
	expect_last(MEV_RESET, "0000/01.0/00.0", "0000:01:00.0",
		    "function level reset");
	assert_int_equal(last()->time_ns, 77);
	/* Bus master on again is not the driver starting DMA. */
	mark = machine_nr_events(m);
	endpoint_on(1, 0);
	assert_false(mfunc_dma_running(f));
	assert_int_equal(machine_nr_events(m), mark);
	assert_int_equal(machine_dma_start(m, 0, 1, 0), 0);
	assert_true(mfunc_dma_running(f));
	assert_int_equal(last()->kind, MEV_DMA_STARTED);
}

static void test_secondary_bus_reset_stops_dma_below(void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	wr(0, RP, PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	assert_false(mfunc_dma_started(f));
	expect_last(MEV_RESET, "0000/01.0/00.0/00.0/00.0", "0000:03:00.0",
		    "secondary bus reset by bridge 0000/01.0");
	mark = machine_nr_events(m);
	wr(0, RP, PCI_BRIDGE_CONTROL, 2, 0);
	set_buses(1, 0, 1, 2, 3);
	set_buses(2, 0, 2, 3, 3);
	bridge_on(1, 0);
	bridge_on(2, 0);
	endpoint_on(3, 0);
	assert_false(mfunc_dma_started(f));
	assert_int_equal(machine_nr_events(m), mark);
}

static void test_vf_enable_cleared_stops_vf_dma(void **state)
{
	struct mfunc *vf;
	uint16_t iov;

	(void)state;
	iov = pf_with_vfs();
	vf = machine_find(m, 0, 1, 3);
	assert_int_equal(machine_dma_start(m, 0, 1, 3), 0);
	assert_true(mfunc_dma_running(vf));
	expect_last(MEV_DMA_STARTED, "0000/01.0/00.0/vf2", "0000:01:00.3",
		    "DMA started by the driver");
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_MSE);
	assert_null(machine_find(m, 0, 1, 3));
	expect_last(MEV_RESET, "0000/01.0/00.0/vf2", "0000:01:00.3",
		    "VF gone: VF Enable cleared on PF 0000/01.0/00.0");
	assert_int_equal(machine_nr_dma(m), 0);
}

static void test_vf_dma_needs_its_own_bus_master_not_the_pfs(void **state)
{
	struct mfunc *vf;

	(void)state;
	pf_with_vfs();
	vf = machine_find(m, 0, 1, 1);
	machine_dma_start(m, 0, 1, 1);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_true(mfunc_dma_running(vf));
	wr(1, 1, PCI_COMMAND, 2, 0);
	assert_false(mfunc_dma_running(vf));
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0/vf0", "0000:01:00.1",
		    "bus master cleared on the VF");
}

static void test_pf_on_a_new_bus_moves_its_vfs_routing_ids(void **state)
{
	struct mfunc *vf;

	(void)state;
	pf_with_vfs();
	vf = machine_find(m, 0, 1, 4);
	machine_dma_start(m, 0, 1, 4);
	set_buses(0, RP, 0, 6, 6);
	assert_false(mfunc_dma_running(vf));
	/* The PF captures bus 6 from a config write: VFs follow it. */
	wr(6, 0, PCI_INTERRUPT_LINE, 1, 9);
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0/vf3", "0000:01:00.4",
		    "VF routing ID moved to 0000:06:00.4 by PF 0000/01.0/00.0 (routing ID changed)");
	set_buses(0, RP, 0, 1, 1);
	assert_false(mfunc_dma_running(vf));
	wr(1, 0, PCI_INTERRUPT_LINE, 1, 9);
	assert_true(mfunc_dma_running(vf));
	assert_int_equal(last()->kind, MEV_DMA_RESUMED);
}

static void test_flr_of_pf_stops_its_vfs_dma(void **state)
{
	uint16_t exp;

	(void)state;
	pf_with_vfs();
	machine_dma_start(m, 0, 1, 0);
	machine_dma_start(m, 0, 1, 2);
	exp = find_cap(1, 0, PCI_CAP_ID_EXP);
	wr(1, 0, exp + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
	assert_int_equal(machine_nr_dma(m), 0);
	assert_int_equal(count(0, MEV_RESET), 2);
	expect_last(MEV_RESET, "0000/01.0/00.0/vf1", "0000:01:00.2",
		    "VF gone: function level reset of PF 0000/01.0/00.0");
}

static void test_machine_reset_is_a_reset_of_every_engine(void **state)
{
	(void)state;
	pf_with_vfs();
	machine_dma_start(m, 0, 1, 0);
	machine_dma_start(m, 0, 1, 1);
	machine_reset(m);
	assert_int_equal(machine_nr_dma(m), 0);
	assert_int_equal(count(0, MEV_RESET), 2);
	assert_string_equal(last()->what, "machine reset (cold)");
}

/* --- BAR routing --- */

static void test_moving_a_bar_records_bar_routing_event(void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = rp_endpoint();
	machine_dma_start(m, 0, 1, 0);
	wr(1, 0, PCI_BASE_ADDRESS_0, 4, EP_BAR0 + 0x4000);
	assert_true(mfunc_dma_running(f));	/* DMA itself goes on */
	expect_last(MEV_BAR_ROUTING_BROKEN, "0000/01.0/00.0", "0000:01:00.0",
		    "BAR 0 moved from 0x10000000 to 0x10004000");
	wr(1, 0, PCI_BASE_ADDRESS_0, 4, EP_BAR0);
	expect_last(MEV_BAR_ROUTING_RESTORED, "0000/01.0/00.0", "0000:01:00.0",
		    "BAR routing restored after a write to 0000/01.0/00.0");
	mark = machine_nr_events(m);
	wr(1, 0, PCI_BASE_ADDRESS_3, 4, 0x81);
	assert_int_equal(machine_nr_events(m), mark + 2);
	assert_string_equal(machine_event(m, mark)->what,
			    "BAR 2 moved from 0x8000000000 to 0x8100000000");
	assert_string_equal(machine_event(m, mark + 1)->what,
			    "BAR 2 0x8100000000-0x81000fffff outside the windows of upstream bridge 0000/01.0");
}

static void test_clearing_memory_space_records_bar_routing_event(
	void **state)
{
	(void)state;
	switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	wr(3, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	expect_last(MEV_BAR_ROUTING_BROKEN, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0", "memory space disabled on the device");
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	assert_string_equal(last()->what,
			    "memory space disabled on upstream bridge 0000/01.0/00.0");
}

static void test_shrinking_a_window_above_records_bar_routing_event(
	void **state)
{
	struct mfunc *f;

	(void)state;
	f = switch_endpoint();
	machine_dma_start(m, 0, 3, 0);
	/* The prefetchable window moves up: BAR 2 is left out. */
	wr(1, 0, PCI_PREF_MEMORY_BASE, 2, 0x0011);
	wr(1, 0, PCI_PREF_MEMORY_LIMIT, 2, 0x0011);
	assert_true(mfunc_dma_running(f));
	expect_last(MEV_BAR_ROUTING_BROKEN, "0000/01.0/00.0/00.0/00.0",
		    "0000:03:00.0",
		    "BAR 2 0x8000000000-0x80000fffff outside the windows of upstream bridge 0000/01.0/00.0");
	/* The memory window now ends below BAR 0. */
	wr(0, RP, PCI_MEMORY_BASE, 4, 0x0ff00ff0);
	assert_string_equal(last()->what,
			    "BAR 0 0x10000000-0x10003fff outside the windows of upstream bridge 0000/01.0");
}

static void test_vf_bar_moves_with_the_pfs_vf_bar(void **state)
{
	uint16_t iov;

	(void)state;
	iov = pf_with_vfs();
	machine_dma_start(m, 0, 1, 2);		/* vf1: 0x10104000 */
	wr(1, 0, iov + PCI_SRIOV_BAR, 4, 0x10200000);
	expect_last(MEV_BAR_ROUTING_BROKEN, "0000/01.0/00.0/vf1",
		    "0000:01:00.2",
		    "VF BAR 0 moved from 0x10104000 to 0x10204000");
	wr(1, 0, iov + PCI_SRIOV_BAR, 4, 0x10100000);
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_VFE);
	expect_last(MEV_BAR_ROUTING_BROKEN, "0000/01.0/00.0/vf1",
		    "0000:01:00.2",
		    "VF memory space disabled on PF 0000/01.0/00.0");
}

/* --- the driver, and names --- */

static void test_driver_stop_records_no_disruption(void **state)
{
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = rp_endpoint();
	machine_dma_start(m, 0, 1, 0);
	assert_int_equal(machine_dma_stop(m, 0, 1, 0), 0);
	assert_false(mfunc_dma_started(f));
	expect_last(MEV_DMA_STOPPED, "0000/01.0/00.0", "0000:01:00.0",
		    "DMA stopped by the driver");
	mark = machine_nr_events(m);
	wr(1, 0, PCI_COMMAND, 2, 0);
	wr(0, RP, PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(machine_nr_events(m), mark);
	assert_int_equal(machine_dma_stop(m, 0, 1, 0), -1);
}

static void test_dma_start_needs_a_function_that_answers(void **state)
{
	(void)state;
	rp_endpoint();
	assert_int_equal(machine_dma_start(m, 0, 1, DEVFN(0, 1)), -1);
	assert_int_equal(machine_dma_start(m, 0, 2, 0), -1);
	assert_int_equal(machine_dma_start(m, 1, 1, 0), -1);
	assert_int_equal(machine_dma_start(m, 0, 0, RP), -1);	/* bridge */
	assert_int_equal(machine_dma_stop(m, 0, 2, 0), -1);
	assert_int_equal(machine_nr_events(m), 0);
	assert_int_equal(machine_dma_start(m, 0, 1, 0), 0);
	assert_int_equal(machine_dma_start(m, 0, 1, 0), 0);	/* again */
	assert_int_equal(engine_events(0), 1);
	/* the device's and its port's Bus Master histories begin */
	assert_int_equal(count(0, MEV_BUS_MASTER), 2);
}

static void test_dma_started_on_a_dead_device_is_disrupted(void **state)
{
	struct mfunc *f;

	(void)state;
	f = rp_endpoint();
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	machine_dma_start(m, 0, 1, 0);
	assert_false(mfunc_dma_running(f));
	assert_int_equal(count(0, MEV_DMA_STARTED), 1);
	expect_last(MEV_DMA_DISRUPTED, "0000/01.0/00.0", "0000:01:00.0",
		    "bus master cleared on the device");
}

static void test_paths_are_stable_across_renumbering(void **state)
{
	char path[MACHINE_PATH_MAX];
	struct mfunc *f, *vf;

	(void)state;
	f = switch_endpoint();
	assert_string_equal(mfunc_path(f, path, sizeof(path)),
			    "0000/01.0/00.0/00.0/00.0");
	set_buses(0, RP, 0, 0x10, 0x12);
	set_buses(0x10, 0, 0x10, 0x11, 0x12);
	set_buses(0x11, 0, 0x11, 0x12, 0x12);
	assert_ptr_equal(machine_find(m, 0, 0x12, 0), f);
	assert_string_equal(mfunc_path(f, path, sizeof(path)),
			    "0000/01.0/00.0/00.0/00.0");
	assert_ptr_equal(machine_find_path(m, "0000/01.0/00.0/00.0/00.0"), f);
	assert_null(machine_find_path(m, "0000/01.0/00.0/00.0/00.1"));
	assert_null(machine_find_path(m, "0001/01.0"));
	assert_null(machine_find_path(m, "0000/01.0/00.0/00.0/00.0/00.0"));
	assert_null(machine_find_path(m, "0000/01.0/xx"));
	assert_string_equal(mfunc_path(f, path, 10), "0000/01.0");
	assert_ptr_equal(machine_find_path(m, "0000"), NULL);

	teardown(state);
	setup(state);
	pf_with_vfs();
	vf = machine_find(m, 0, 1, 4);
	assert_string_equal(mfunc_path(vf, path, sizeof(path)),
			    "0000/01.0/00.0/vf3");

	assert_ptr_equal(machine_find_path(m, "0000/01.0/00.0/vf3"), vf);
	assert_null(machine_find_path(m, "0000/01.0/00.0/vf4"));
	assert_null(machine_find_path(m, "0000/01.0/vf0"));
	/* A VF nobody touched yet is found (and built) by its path. */
	assert_ptr_equal(machine_find_path(m, "0000/01.0/00.0/vf0"),
			 machine_find(m, 0, 1, 1));
}

/* --- cost --- */

static void test_writes_check_only_engines_below_the_function(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	uint64_t checks;

	(void)state;
	switch_endpoint();
	add(add(NULL, DEVFN(2, 0), &rp), 0, &ep);
	set_buses(0, DEVFN(2, 0), 0, 4, 4);
	bridge_on(0, DEVFN(2, 0));
	endpoint_on(4, 0);
	machine_dma_start(m, 0, 3, 0);
	checks = machine_dma_checks(m);
	/* Elsewhere: nothing to check. */
	wr(4, 0, PCI_COMMAND, 2, 0);
	wr(0, DEVFN(2, 0), PCI_COMMAND, 2, 0);
	wr(0, DEVFN(2, 0), PCI_MEMORY_BASE, 4, 0);
	assert_int_equal(machine_dma_checks(m), checks);
	/* Above it, but nothing changed: nothing to check. */
	wr(0, RP, PCI_COMMAND, 2, CMD_ON);
	wr(3, 0, PCI_BASE_ADDRESS_0, 4, EP_BAR0);
	assert_int_equal(machine_dma_checks(m), checks);
	/* Above it or on it, bits DMA and BAR routing do not depend on. */
	wr(0, RP, find_cap(0, RP, PCI_CAP_ID_EXP) + PCI_EXP_LNKCTL, 2,
	   PCI_EXP_LNKCTL_CCC);
	wr(0, RP, PCI_INTERRUPT_LINE, 1, 3);
	wr(1, 0, PCI_COMMAND, 2, CMD_ON | PCI_COMMAND_SERR);
	wr(3, 0, PCI_INTERRUPT_LINE, 1, 5);
	assert_int_equal(machine_dma_checks(m), checks);
	/* Bits that matter, above it and on it: one check each. */
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	wr(3, 0, PCI_BASE_ADDRESS_0, 4, EP_BAR0 + 0x4000);
	assert_int_equal(machine_dma_checks(m), checks + 2);
	assert_int_equal(engine_events(0), 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dma_keeps_running_while_bus_master_stays_set),
		T(test_clearing_bus_master_records_disruption_with_time),
		T(test_bus_master_history_of_device_and_bridges),
		T(test_clearing_bus_master_on_upstream_bridge_names_it),
		T(test_setting_bus_master_again_resumes),
		T(test_renumbering_a_bridge_above_records_disruption),
		T(test_new_secondary_bus_of_parent_records_disruption),
		T(test_sibling_bridge_taking_the_bus_records_disruption),
		T(test_ari_forwarding_cleared_above_cuts_off_function_8),
		T(test_flr_stops_dma_until_started_again),
		T(test_secondary_bus_reset_stops_dma_below),
		T(test_vf_enable_cleared_stops_vf_dma),
		T(test_vf_dma_needs_its_own_bus_master_not_the_pfs),
		T(test_pf_on_a_new_bus_moves_its_vfs_routing_ids),
		T(test_flr_of_pf_stops_its_vfs_dma),
		T(test_machine_reset_is_a_reset_of_every_engine),
		T(test_moving_a_bar_records_bar_routing_event),
		T(test_clearing_memory_space_records_bar_routing_event),
		T(test_shrinking_a_window_above_records_bar_routing_event),
		T(test_vf_bar_moves_with_the_pfs_vf_bar),
		T(test_driver_stop_records_no_disruption),
		T(test_dma_start_needs_a_function_that_answers),
		T(test_dma_started_on_a_dead_device_is_disrupted),
		T(test_paths_are_stable_across_renumbering),
		T(test_writes_check_only_engines_below_the_function),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
