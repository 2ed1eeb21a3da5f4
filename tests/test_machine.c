// SPDX-License-Identifier: GPL-2.0
/*
 * The machine world as the kernel sees it: only through config cycles.
 * Each test builds a tiny machine, drives machine_cfg_read/write like a
 * host bridge would, and checks what real hardware would answer.
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
#define VENDOR		0x1af4
#define DEVICE		0x1000

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
		.kind = kind, .vendor = VENDOR, .device = DEVICE,
		.class_code = 0x010802, .revision = 2, .interrupt_pin = 1,
	};

	if (kind >= MF_ROOT_PORT) {
		d.class_code = 0x060400;
		d.io_window = d.pref_window = d.pref64 = true;
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

/* Program a bridge's primary/secondary/subordinate like the kernel does. */
static void set_buses(uint8_t bus, uint8_t devfn, uint8_t pri, uint8_t sec,
		      uint8_t sub)
{
	wr(bus, devfn, PCI_PRIMARY_BUS, 4,
	   pri | sec << 8 | (uint32_t)sub << 16);
}

/* Walk the capability list through config reads, as the kernel does. */
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

/* Root port at 00:01.0 with an endpoint below, buses 1-1 programmed. */
static struct mfunc *rp_with_endpoint(void)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port = add(NULL, DEVFN(1, 0), &rp);

	add(port, 0, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	return port;
}

/* --- generic config space behaviour --- */

static void test_absent_function_reads_all_ones(void **state)
{
	uint32_t v;

	(void)state;
	assert_int_equal(rd(0, DEVFN(5, 0), PCI_VENDOR_ID, 4), 0xffffffff);
	assert_int_equal(rd(0, DEVFN(5, 0), PCI_VENDOR_ID, 2), 0xffff);
	assert_int_equal(rd(0, DEVFN(5, 0), PCI_HEADER_TYPE, 1), 0xff);
	assert_false(machine_cfg_read(m, 7, 0, 0, 0, 4, &v));
	assert_int_equal(v, 0xffffffff);
	assert_false(machine_cfg_write(m, 7, 0, 0, 0, 4, 0));
}

static void test_bad_access_reads_all_ones(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	add(NULL, 0, &ep);
	assert_int_equal(rd(0, 0, PCI_VENDOR_ID, 4), DEVICE << 16 | VENDOR);
	assert_int_equal(rd(0, 0, 1, 2), 0xffff);		/* unaligned */
	assert_int_equal(rd(0, 0, 2, 4), 0xffffffff);		/* unaligned */
	assert_int_equal(rd(0, 0, 0, 3), 0xffffffff);		/* bad size */
	assert_int_equal(rd(0, 0, 4096, 4), 0xffffffff);	/* outside */
	wr(0, 0, PCI_COMMAND + 1, 2, 0xffff);			/* dropped */
	assert_int_equal(rd(0, 0, PCI_COMMAND, 2), 0);
}

static void test_cfg_accesses_are_counted(void **state)
{
	uint64_t before = machine_cfg_accesses(m);

	(void)state;
	rd(0, 0, 0, 4);
	wr(0, 0, 4, 2, 0);
	rd(3, 0, 1, 4);
	assert_int_equal(machine_cfg_accesses(m) - before, 3);
}

static void test_id_and_class_registers_are_read_only(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	add(NULL, 0, &ep);
	wr(0, 0, PCI_VENDOR_ID, 4, 0);
	wr(0, 0, PCI_CLASS_REVISION, 4, 0);
	assert_int_equal(rd(0, 0, PCI_VENDOR_ID, 4), DEVICE << 16 | VENDOR);
	assert_int_equal(rd(0, 0, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(0, 0, PCI_INTERRUPT_PIN, 1), 1);
	wr(0, 0, PCI_INTERRUPT_LINE, 1, 0x2a);
	assert_int_equal(rd(0, 0, PCI_INTERRUPT_LINE, 1), 0x2a);
}

static void test_command_keeps_only_implemented_bits(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	add(NULL, 0, &ep);
	wr(0, 0, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(rd(0, 0, PCI_COMMAND, 2),
			 PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
			 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	wr(0, 0, PCI_COMMAND, 2, 0);
	assert_int_equal(rd(0, 0, PCI_COMMAND, 2), 0);
}

static void test_status_error_bits_are_write_one_to_clear(void **state)
{
	/* Power on with Detected Parity and Received Master Abort latched. */
	static const uint8_t status[] = { 0x00, 0xa0 };
	const struct mraw_bytes raw = { PCI_STATUS, 2, status };
	struct mfunc_desc ep = desc(MF_PCI_DEVICE);

	(void)state;
	ep.raw = &raw;
	ep.nr_raw = 1;
	add(NULL, 0, &ep);
	wr(0, 0, PCI_STATUS, 2, 0x0000);
	assert_int_equal(rd(0, 0, PCI_STATUS, 2), 0xa000);
	wr(0, 0, PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | 0x0010);
	assert_int_equal(rd(0, 0, PCI_STATUS, 2), PCI_STATUS_DETECTED_PARITY);
	wr(0, 0, PCI_STATUS, 2, 0xffff);
	assert_int_equal(rd(0, 0, PCI_STATUS, 2), 0);
}

static void test_status_capability_bit_follows_caps(void **state)
{
	struct mfunc_desc plain = desc(MF_PCI_DEVICE), ep = desc(MF_ENDPOINT);

	(void)state;
	add(NULL, DEVFN(0, 0), &plain);
	add(NULL, DEVFN(1, 0), &ep);
	assert_int_equal(rd(0, DEVFN(0, 0), PCI_STATUS, 2), 0);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	wr(0, DEVFN(1, 0), PCI_STATUS, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
}

/* --- BARs: sized by writing all ones and reading back --- */

static uint32_t size_bar(uint8_t devfn, uint16_t off)
{
	wr(0, devfn, off, 4, 0xffffffff);
	return rd(0, devfn, off, 4);
}

static void test_bar_sizing_mem32(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	ep.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
	add(NULL, 0, &ep);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_0, 4), 0);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_0), 0xffffc000);
	wr(0, 0, PCI_BASE_ADDRESS_0, 4, 0x12345678);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_0, 4), 0x12344000);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_1), 0);	/* absent */
}

static void test_bar_sizing_mem64_prefetchable(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	ep.bar[2] = (struct mbar_desc){ MBAR_MEM64, true, 0x100000 };
	add(NULL, 0, &ep);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_2, 4), 0xc);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_2), 0xfff0000c);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_3), 0xffffffff);
	wr(0, 0, PCI_BASE_ADDRESS_3, 4, 0x80);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_3, 4), 0x80);
}

static void test_bar_sizing_mem64_above_4g(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	ep.bar[0] = (struct mbar_desc){ MBAR_MEM64, true, 1ULL << 34 };
	add(NULL, 0, &ep);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_0), 0x0000000c);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_1), 0xfffffffc);
}

static void test_bar_sizing_io(void **state)
{
	struct mfunc_desc ep = desc(MF_LEGACY_ENDPOINT);

	(void)state;
	ep.bar[4] = (struct mbar_desc){ MBAR_IO, false, 0x20 };
	add(NULL, 0, &ep);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_4, 4), 1);
	assert_int_equal(size_bar(0, PCI_BASE_ADDRESS_4), 0xffffffe1);
}

static void test_rom_sizing_and_enable_bit(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT), br = desc(MF_PCI_BRIDGE);

	(void)state;
	ep.rom_size = 0x10000;
	br.rom_size = 0x800;
	add(NULL, DEVFN(0, 0), &ep);
	add(NULL, DEVFN(1, 0), &br);
	assert_int_equal(size_bar(DEVFN(0, 0), PCI_ROM_ADDRESS), 0xffff0001);
	wr(0, DEVFN(0, 0), PCI_ROM_ADDRESS, 4, 0xfffffffe);
	assert_int_equal(rd(0, DEVFN(0, 0), PCI_ROM_ADDRESS, 4), 0xffff0000);
	assert_int_equal(size_bar(DEVFN(1, 0), PCI_ROM_ADDRESS1), 0xfffff801);
}

static void test_bad_bar_descriptions_are_rejected(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	ep.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x3000 };
	assert_null(machine_add_function(m, h, NULL, 0, &ep, err, sizeof(err)));
	assert_non_null(strstr(err, "power of two"));
	ep.bar[0] = (struct mbar_desc){ MBAR_NONE, false, 0 };
	ep.bar[5] = (struct mbar_desc){ MBAR_MEM64, false, 0x1000 };
	assert_null(machine_add_function(m, h, NULL, 0, &ep, err, sizeof(err)));
	assert_int_equal(rd(0, 0, PCI_VENDOR_ID, 4), 0xffffffff);
}

static void test_conventional_function_has_no_extended_space(void **state)
{
	struct mfunc_desc pci = desc(MF_PCI_DEVICE), ep = desc(MF_ENDPOINT);

	(void)state;
	add(NULL, DEVFN(0, 0), &pci);
	add(NULL, DEVFN(1, 0), &ep);
	assert_int_equal(rd(0, DEVFN(0, 0), 0x100, 4), 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), 0x100, 4), 0);
}

/* --- capabilities --- */

static void test_pcie_capability_reports_port_type(void **state)
{
	static const struct { enum mfunc_kind kind; int type; } t[] = {
		{ MF_ENDPOINT, PCI_EXP_TYPE_ENDPOINT },
		{ MF_LEGACY_ENDPOINT, PCI_EXP_TYPE_LEG_END },
		{ MF_RCIEP, PCI_EXP_TYPE_RC_END },
		{ MF_ROOT_PORT, PCI_EXP_TYPE_ROOT_PORT },
		{ MF_SWITCH_UP, PCI_EXP_TYPE_UPSTREAM },
		{ MF_SWITCH_DOWN, PCI_EXP_TYPE_DOWNSTREAM },
		{ MF_PCIE_TO_PCI, PCI_EXP_TYPE_PCI_BRIDGE },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mfunc_desc d = desc(t[i].kind);
		uint16_t pos;

		add(NULL, DEVFN(i, 0), &d);
		pos = find_cap(0, DEVFN(i, 0), PCI_CAP_ID_EXP);
		assert_int_not_equal(pos, 0);
		assert_int_equal((rd(0, DEVFN(i, 0), pos + PCI_EXP_FLAGS, 2) &
				  PCI_EXP_FLAGS_TYPE) >> 4, t[i].type);
	}
	{
		struct mfunc_desc d = desc(MF_PCI_BRIDGE);

		add(NULL, DEVFN(9, 0), &d);
		assert_int_equal(find_cap(0, DEVFN(9, 0), PCI_CAP_ID_EXP), 0);
		assert_int_equal(rd(0, DEVFN(9, 0), PCI_HEADER_TYPE, 1), 1);
	}
}

static void test_hotplug_slot_capabilities(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT);
	uint16_t pos;
	uint32_t sltcap;

	(void)state;
	rp.slot = rp.hotplug = true;
	rp.slot_number = 42;
	add(NULL, DEVFN(1, 0), &rp);
	pos = find_cap(0, DEVFN(1, 0), PCI_CAP_ID_EXP);
	assert_true(rd(0, DEVFN(1, 0), pos + PCI_EXP_FLAGS, 2) &
		    PCI_EXP_FLAGS_SLOT);
	sltcap = rd(0, DEVFN(1, 0), pos + PCI_EXP_SLTCAP, 4);
	assert_true(sltcap & PCI_EXP_SLTCAP_HPC);
	assert_int_equal(sltcap >> 19, 42);
	/* Empty slot: no presence, link down. */
	assert_false(rd(0, DEVFN(1, 0), pos + PCI_EXP_SLTSTA, 2) &
		     PCI_EXP_SLTSTA_PDS);
	assert_false(rd(0, DEVFN(1, 0), pos + PCI_EXP_LNKSTA, 2) &
		     PCI_EXP_LNKSTA_DLLLA);
}

static void test_card_below_port_sets_presence_and_link_active(void **state)
{
	struct mfunc *port;
	uint16_t pos;

	(void)state;
	port = rp_with_endpoint();
	(void)port;
	pos = find_cap(0, DEVFN(1, 0), PCI_CAP_ID_EXP);
	assert_true(rd(0, DEVFN(1, 0), pos + PCI_EXP_LNKSTA, 2) &
		    PCI_EXP_LNKSTA_DLLLA);
	assert_true(rd(0, DEVFN(1, 0), pos + PCI_EXP_SLTSTA, 2) &
		    PCI_EXP_SLTSTA_PDS);
}

static void test_link_capabilities_speed_and_width(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	uint16_t pos;

	(void)state;
	ep.link_speed = 4;
	ep.link_width = 8;
	add(NULL, 0, &ep);
	pos = find_cap(0, 0, PCI_CAP_ID_EXP);
	assert_int_equal(rd(0, 0, pos + PCI_EXP_LNKCAP, 4) & 0x3ff, 4 | 8 << 4);
	assert_int_equal(rd(0, 0, pos + PCI_EXP_LNKSTA, 2) & 0x3ff, 4 | 8 << 4);
	assert_int_equal(rd(0, 0, pos + PCI_EXP_LNKCAP2, 4), 0x1e);
}

static void test_ari_forwarding_only_on_downstream_ports(void **state)
{
	struct mfunc_desc dp = desc(MF_SWITCH_DOWN), up = desc(MF_SWITCH_UP);
	uint16_t pos;

	(void)state;
	add(NULL, DEVFN(0, 0), &dp);
	add(NULL, DEVFN(1, 0), &up);
	pos = find_cap(0, DEVFN(0, 0), PCI_CAP_ID_EXP);
	assert_true(rd(0, DEVFN(0, 0), pos + PCI_EXP_DEVCAP2, 4) &
		    PCI_EXP_DEVCAP2_ARI);
	wr(0, DEVFN(0, 0), pos + PCI_EXP_DEVCTL2, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(0, 0), pos + PCI_EXP_DEVCTL2, 2),
			 PCI_EXP_DEVCTL2_ARI);
	pos = find_cap(0, DEVFN(1, 0), PCI_CAP_ID_EXP);
	assert_false(rd(0, DEVFN(1, 0), pos + PCI_EXP_DEVCAP2, 4) &
		     PCI_EXP_DEVCAP2_ARI);
	wr(0, DEVFN(1, 0), pos + PCI_EXP_DEVCTL2, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(1, 0), pos + PCI_EXP_DEVCTL2, 2), 0);
}

static void test_capability_lists_are_well_formed(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);

	(void)state;
	ep.pm = ep.msi = ep.aer = ep.acs = ep.ari = true;
	ep.msix_vectors = 16;
	ep.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
	ep.total_vfs = 4;
	ep.vf_offset = 1;
	ep.vf_stride = 1;
	add(NULL, 0, &ep);
	assert_int_not_equal(find_cap(0, 0, PCI_CAP_ID_PM), 0);
	assert_int_not_equal(find_cap(0, 0, PCI_CAP_ID_MSI), 0);
	assert_int_not_equal(find_cap(0, 0, PCI_CAP_ID_MSIX), 0);
	assert_int_equal(rd(0, 0, find_cap(0, 0, PCI_CAP_ID_MSIX) +
			    PCI_MSIX_FLAGS, 2), 15);
	assert_int_not_equal(find_ecap(0, 0, PCI_EXT_CAP_ID_ERR), 0);
	assert_int_not_equal(find_ecap(0, 0, PCI_EXT_CAP_ID_ACS), 0);
	assert_int_not_equal(find_ecap(0, 0, PCI_EXT_CAP_ID_ARI), 0);
	assert_int_not_equal(find_ecap(0, 0, PCI_EXT_CAP_ID_SRIOV), 0);
}

static void test_multifunction_bit_and_ari_next_function(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port;
	uint16_t ari;

	(void)state;
	ep.ari = true;
	port = add(NULL, DEVFN(1, 0), &rp);
	add(port, 0, &ep);
	add(port, 1, &ep);
	add(port, 9, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(rd(1, 0, PCI_HEADER_TYPE, 1), 0x80);
	ari = find_ecap(1, 0, PCI_EXT_CAP_ID_ARI);
	assert_int_equal(rd(1, 0, ari + PCI_ARI_CAP, 2) >> 8, 1);
	assert_int_equal(rd(1, 1, ari + PCI_ARI_CAP, 2) >> 8, 9);
	/* A lone function on the root bus is single-function. */
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_HEADER_TYPE, 1), 0x01);
}

/* --- bridges --- */

static void test_bridge_bus_number_registers_are_rw(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT);

	(void)state;
	add(NULL, DEVFN(1, 0), &rp);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 4), 0);
	set_buses(0, DEVFN(1, 0), 0, 3, 7);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 4), 0x070300);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_SECONDARY_BUS, 1), 3);
}

static void test_bridge_io_window_16_and_32_bit(void **state)
{
	struct mfunc_desc b16 = desc(MF_ROOT_PORT), b32 = desc(MF_ROOT_PORT);

	(void)state;
	b32.io32 = true;
	add(NULL, DEVFN(1, 0), &b16);
	add(NULL, DEVFN(2, 0), &b32);
	wr(0, DEVFN(1, 0), PCI_IO_BASE, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_IO_BASE, 2), 0xf0f0);
	wr(0, DEVFN(1, 0), PCI_IO_BASE_UPPER16, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_IO_BASE_UPPER16, 4), 0);
	assert_int_equal(rd(0, DEVFN(2, 0), PCI_IO_BASE, 2), 0x0101);
	wr(0, DEVFN(2, 0), PCI_IO_BASE, 2, 0x0000);
	assert_int_equal(rd(0, DEVFN(2, 0), PCI_IO_BASE, 2), 0x0101);
	wr(0, DEVFN(2, 0), PCI_IO_BASE_UPPER16, 4, 0x00120034);
	assert_int_equal(rd(0, DEVFN(2, 0), PCI_IO_BASE_UPPER16, 4),
			 0x00120034);
}

static void test_bridge_without_io_window_reads_zero(void **state)
{
	struct mfunc_desc br = desc(MF_SWITCH_UP);

	(void)state;
	br.io_window = false;
	br.pref_window = false;
	add(NULL, DEVFN(1, 0), &br);
	/* pci_read_bridge_windows() probes exactly this way. */
	wr(0, DEVFN(1, 0), PCI_IO_BASE, 2, 0xe0f0);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_IO_BASE, 2), 0);
	wr(0, DEVFN(1, 0), PCI_PREF_MEMORY_BASE, 4, 0xffe0fff0);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PREF_MEMORY_BASE, 4), 0);
}

static void test_bridge_memory_and_pref64_windows(void **state)
{
	struct mfunc_desc br = desc(MF_SWITCH_DOWN), br32 = desc(MF_SWITCH_DOWN);

	(void)state;
	br32.pref64 = false;
	add(NULL, DEVFN(1, 0), &br);
	add(NULL, DEVFN(2, 0), &br32);
	wr(0, DEVFN(1, 0), PCI_MEMORY_BASE, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_MEMORY_BASE, 4), 0xfff0fff0);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PREF_MEMORY_BASE, 4),
			 0x00010001);
	wr(0, DEVFN(1, 0), PCI_PREF_MEMORY_BASE, 4, 0xffe0fff0);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PREF_MEMORY_BASE, 4),
			 0xffe1fff1);
	wr(0, DEVFN(1, 0), PCI_PREF_BASE_UPPER32, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PREF_BASE_UPPER32, 4),
			 0xffffffff);
	assert_int_equal(rd(0, DEVFN(2, 0), PCI_PREF_MEMORY_BASE, 4), 0);
	wr(0, DEVFN(2, 0), PCI_PREF_BASE_UPPER32, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(2, 0), PCI_PREF_BASE_UPPER32, 4), 0);
}

static void test_bridge_secondary_status_is_w1c(void **state)
{
	static const uint8_t sec_status[] = { 0x00, 0x20 };
	const struct mraw_bytes raw = { PCI_SEC_STATUS, 2, sec_status };
	struct mfunc_desc br = desc(MF_PCI_BRIDGE);

	(void)state;
	br.raw = &raw;
	br.nr_raw = 1;
	add(NULL, 0, &br);
	assert_int_equal(rd(0, 0, PCI_SEC_STATUS, 2), 0x2000);
	wr(0, 0, PCI_SEC_STATUS, 2, 0x2000);
	assert_int_equal(rd(0, 0, PCI_SEC_STATUS, 2), 0);
}

/* --- routing by bus numbers --- */

static void test_device_behind_bridge_invisible_until_buses_programmed(
	void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port;

	(void)state;
	port = add(NULL, DEVFN(1, 0), &rp);
	add(port, 0, &ep);
	for (int bus = 1; bus < 256; bus++)
		assert_int_equal(rd(bus, 0, PCI_VENDOR_ID, 4), 0xffffffff);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 4), DEVICE << 16 | VENDOR);
	assert_int_equal(rd(2, 0, PCI_VENDOR_ID, 4), 0xffffffff);
}

static void test_renumbered_bridge_moves_device(void **state)
{
	(void)state;
	rp_with_endpoint();
	set_buses(0, DEVFN(1, 0), 0, 5, 5);
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), 0xffff);
	assert_int_equal(rd(5, 0, PCI_VENDOR_ID, 2), VENDOR);
}

static void test_bridge_with_inverted_range_forwards_nothing(void **state)
{
	(void)state;
	rp_with_endpoint();
	set_buses(0, DEVFN(1, 0), 0, 3, 2);
	assert_int_equal(rd(3, 0, PCI_VENDOR_ID, 2), 0xffff);
	assert_int_equal(rd(2, 0, PCI_VENDOR_ID, 2), 0xffff);
}

static void test_bridge_with_secondary_zero_forwards_nothing(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), up = desc(MF_SWITCH_UP),
			  ep = desc(MF_ENDPOINT);
	struct mfunc *port, *usp;

	(void)state;
	port = add(NULL, DEVFN(1, 0), &rp);
	usp = add(port, 0, &up);
	add(usp, 0, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 2);
	set_buses(1, 0, 1, 2, 2);
	assert_int_equal(rd(2, 0, PCI_VENDOR_ID, 2), VENDOR);
	set_buses(0, DEVFN(1, 0), 0, 0, 2);
	assert_int_equal(rd(2, 0, PCI_VENDOR_ID, 2), 0xffff);
}

static void test_type1_walks_a_switch(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), up = desc(MF_SWITCH_UP),
			  dp = desc(MF_SWITCH_DOWN), ep = desc(MF_ENDPOINT);
	struct mfunc *port, *usp, *dsp;

	(void)state;
	port = add(NULL, DEVFN(1, 0), &rp);
	usp = add(port, 0, &up);
	add(usp, DEVFN(0, 0), &dp);
	dsp = add(usp, DEVFN(1, 0), &dp);
	add(dsp, 0, &ep);

	set_buses(0, DEVFN(1, 0), 0, 1, 4);
	set_buses(1, 0, 1, 2, 4);
	assert_int_equal(rd(2, DEVFN(1, 0), PCI_CLASS_DEVICE, 2), 0x0604);
	/* Downstream port at 02:01.0 not programmed yet: bus 3 is empty. */
	assert_int_equal(rd(3, 0, PCI_VENDOR_ID, 2), 0xffff);
	set_buses(2, DEVFN(1, 0), 2, 3, 3);
	assert_int_equal(rd(3, 0, PCI_VENDOR_ID, 2), VENDOR);
	assert_int_equal(rd(4, 0, PCI_VENDOR_ID, 2), 0xffff);
}

static void test_root_bus_holds_all_device_numbers(void **state)
{
	struct mfunc_desc ep = desc(MF_RCIEP);

	(void)state;
	add(NULL, DEVFN(31, 7), &ep);
	assert_int_equal(rd(0, DEVFN(31, 7), PCI_VENDOR_ID, 2), VENDOR);
}

static void test_bus_outside_host_range_reads_all_ones(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	struct mhost *h2 = machine_add_host(m, 1, 0x40, 0x7f, err,
					    sizeof(err));
	uint32_t v;

	(void)state;
	assert_non_null(h2);
	assert_non_null(machine_add_function(m, h2, NULL, 0, &ep, err,
					     sizeof(err)));
	assert_true(machine_cfg_read(m, 1, 0x40, 0, 0, 2, &v));
	assert_int_equal(v, VENDOR);
	assert_true(machine_cfg_read(m, 1, 0x00, 0, 0, 2, &v));
	assert_int_equal(v, 0xffff);
	assert_int_equal(rd(0, 0, PCI_VENDOR_ID, 2), 0xffff);
}

static void test_link_hides_nonzero_device_numbers_without_ari(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port;

	(void)state;
	ep.ari = true;
	port = add(NULL, DEVFN(1, 0), &rp);
	add(port, DEVFN(0, 0), &ep);
	add(port, DEVFN(2, 3), &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(rd(1, DEVFN(0, 0), PCI_VENDOR_ID, 2), VENDOR);
	assert_int_equal(rd(1, DEVFN(2, 3), PCI_VENDOR_ID, 2), 0xffff);
}

static void test_ari_forwarding_exposes_all_function_numbers(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port;
	uint16_t pos;

	(void)state;
	ep.ari = true;
	port = add(NULL, DEVFN(1, 0), &rp);
	add(port, DEVFN(0, 0), &ep);
	add(port, DEVFN(2, 3), &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	pos = find_cap(0, DEVFN(1, 0), PCI_CAP_ID_EXP);
	wr(0, DEVFN(1, 0), pos + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
	assert_int_equal(rd(1, DEVFN(2, 3), PCI_VENDOR_ID, 2), VENDOR);
	wr(0, DEVFN(1, 0), pos + PCI_EXP_DEVCTL2, 2, 0);
	assert_int_equal(rd(1, DEVFN(2, 3), PCI_VENDOR_ID, 2), 0xffff);
}

static void test_switch_internal_bus_has_all_device_numbers(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), up = desc(MF_SWITCH_UP),
			  dp = desc(MF_SWITCH_DOWN);
	struct mfunc *port, *usp;

	(void)state;
	port = add(NULL, DEVFN(1, 0), &rp);
	usp = add(port, 0, &up);
	add(usp, DEVFN(7, 0), &dp);
	set_buses(0, DEVFN(1, 0), 0, 1, 2);
	set_buses(1, 0, 1, 2, 2);
	assert_int_equal(rd(2, DEVFN(7, 0), PCI_VENDOR_ID, 2), VENDOR);
}

/* --- SR-IOV --- */

static struct mfunc_desc pf_desc(uint16_t total, uint16_t offset,
				 uint16_t stride)
{
	struct mfunc_desc pf = desc(MF_ENDPOINT);

	pf.ari = true;
	pf.msix_vectors = 4;
	pf.bar[0] = (struct mbar_desc){ MBAR_MEM64, false, 0x4000 };
	pf.total_vfs = total;
	pf.vf_offset = offset;
	pf.vf_stride = stride;
	pf.vf_device = 0x10;
	pf.vf_bar[0] = (struct mbar_desc){ MBAR_MEM64, false, 0x4000 };
	return pf;
}

/* Root port 00:01.0 -> PF at 01:00.0, ARI forwarding on, buses 1..sub. */
static uint16_t pf_behind_port(const struct mfunc_desc *pf, uint8_t sub)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT);
	struct mfunc *port = add(NULL, DEVFN(1, 0), &rp);
	uint16_t pos;

	add(port, 0, pf);
	set_buses(0, DEVFN(1, 0), 0, 1, sub);
	pos = find_cap(0, DEVFN(1, 0), PCI_CAP_ID_EXP);
	wr(0, DEVFN(1, 0), pos + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_ARI);
	return find_ecap(1, 0, PCI_EXT_CAP_ID_SRIOV);
}

static void enable_vfs(uint8_t bus, uint8_t devfn, uint16_t iov, uint16_t n)
{
	wr(bus, devfn, iov + PCI_SRIOV_NUM_VF, 2, n);
	wr(bus, devfn, iov + PCI_SRIOV_CTRL, 2,
	   PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
}

static void test_sriov_capability_fields(void **state)
{
	struct mfunc_desc pf = pf_desc(8, 2, 4);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	assert_int_not_equal(iov, 0);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_TOTAL_VF, 2), 8);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_INITIAL_VF, 2), 8);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_VF_OFFSET, 2), 2);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_VF_STRIDE, 2), 4);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_VF_DID, 2), 0x10);
	wr(1, 0, iov + PCI_SRIOV_TOTAL_VF, 2, 1);
	wr(1, 0, iov + PCI_SRIOV_VF_OFFSET, 4, 0);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_TOTAL_VF, 2), 8);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_VF_OFFSET, 4), 2 | 4 << 16);
	wr(1, 0, iov + PCI_SRIOV_NUM_VF, 2, 5);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_NUM_VF, 2), 5);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_SYS_PGSIZE, 4), 1);
}

static void test_sriov_vf_bar_sizing(void **state)
{
	struct mfunc_desc pf = pf_desc(4, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_BAR, 4), 0x4);
	wr(1, 0, iov + PCI_SRIOV_BAR, 4, 0xffffffff);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_BAR, 4), 0xffffc004);
	wr(1, 0, iov + PCI_SRIOV_BAR + 4, 4, 0xffffffff);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_BAR + 4, 4), 0xffffffff);
	wr(1, 0, iov + PCI_SRIOV_BAR + 8, 4, 0xffffffff);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_BAR + 8, 4), 0);
}

static void test_vfs_appear_at_offset_and_stride_only_while_enabled(
	void **state)
{
	struct mfunc_desc pf = pf_desc(4, 2, 3);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0xffffffff);
	wr(1, 0, iov + PCI_SRIOV_NUM_VF, 2, 3);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0xffffffff);
	enable_vfs(1, 0, iov, 3);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 5, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 8, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 3, PCI_CLASS_REVISION, 4), 0xffffffff);
	assert_int_equal(rd(1, 11, PCI_CLASS_REVISION, 4), 0xffffffff);
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, 0);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0xffffffff);
}

/*
 * NumVFs written while VF Enable is set (undefined, SR-IOV 3.3.7): the
 * register takes it, as QEMU's devices do, and the VFs keep running as
 * they were enabled. A kernel that counts running VFs by reading NumVFs
 * back after writing it is caught (lu/patches/0020, make oracle-lu).
 */
static void test_numvfs_written_under_running_vfs(void **state)
{
	struct mfunc_desc pf = pf_desc(8, 2, 3);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 3);
	wr(1, 0, iov + PCI_SRIOV_NUM_VF, 2, 0);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_NUM_VF, 2), 0);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 8, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 11, PCI_CLASS_REVISION, 4), 0xffffffff);
	wr(1, 0, iov + PCI_SRIOV_NUM_VF, 2, 8);
	assert_int_equal(rd(1, 11, PCI_CLASS_REVISION, 4), 0xffffffff);
	/* what VF Enable brings to life is what NumVFs says then */
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, 0);
	assert_int_equal(rd(1, 2, PCI_CLASS_REVISION, 4), 0xffffffff);
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	assert_int_equal(rd(1, 11, PCI_CLASS_REVISION, 4), 0x01080202);
}

static void test_vf_reads_vendor_and_device_ffff(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;
	const uint8_t *cfg;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	assert_int_equal(rd(1, 1, PCI_VENDOR_ID, 4), 0xffffffff);
	assert_int_equal(rd(1, 1, PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(rd(1, 1, PCI_SUBSYSTEM_VENDOR_ID, 2), 0);
	assert_int_not_equal(find_cap(1, 1, PCI_CAP_ID_EXP), 0);
	cfg = mfunc_config(machine_find(m, 0, 1, 1));
	assert_int_equal(cfg[0] & cfg[1] & cfg[2] & cfg[3], 0xff);
	assert_ptr_equal(mfunc_physfn(machine_find(m, 0, 1, 1)),
			 machine_find(m, 0, 1, 0));
	assert_null(mfunc_physfn(machine_find(m, 0, 1, 0)));
}

static void test_vf_bars_read_zero_and_command_has_only_bus_master(
	void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	wr(1, 1, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	assert_int_equal(rd(1, 1, PCI_BASE_ADDRESS_0, 4), 0);
	wr(1, 1, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(rd(1, 1, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	assert_int_equal(rd(1, 1, PCI_INTERRUPT_PIN, 1), 0);
}

static void test_vfs_vanish_with_their_state_when_disabled(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	wr(1, 2, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	wr(1, 0, iov + PCI_SRIOV_CTRL, 2, PCI_SRIOV_CTRL_MSE);
	assert_null(machine_find(m, 0, 1, 2));
	enable_vfs(1, 0, iov, 2);
	assert_int_equal(rd(1, 2, PCI_COMMAND, 2), 0);
}

static void test_vfs_land_on_next_bus_behind_bridge(void **state)
{
	struct mfunc_desc pf = pf_desc(3, 0xff, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 3);
	assert_int_equal(rd(1, 0xff, PCI_CLASS_REVISION, 4), 0x01080202);
	/* VF1 and VF2 are on bus 2: the port does not forward it yet. */
	assert_int_equal(rd(2, 0, PCI_CLASS_REVISION, 4), 0xffffffff);
	set_buses(0, DEVFN(1, 0), 0, 1, 2);
	assert_int_equal(rd(2, 0, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(2, 1, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(2, 2, PCI_CLASS_REVISION, 4), 0xffffffff);
}

static void test_vfs_of_root_bus_pf_on_next_bus(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 0x100, 1);
	uint16_t iov;

	(void)state;
	pf.kind = MF_RCIEP;
	add(NULL, DEVFN(4, 0), &pf);
	iov = find_ecap(0, DEVFN(4, 0), PCI_EXT_CAP_ID_SRIOV);
	/* Function Dependency Link of an RCiEP is its function number. */
	assert_int_equal(rd(0, DEVFN(4, 0), iov + PCI_SRIOV_FUNC_LINK, 1), 0);
	enable_vfs(0, DEVFN(4, 0), iov, 2);
	assert_int_equal(rd(1, DEVFN(4, 0), PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, DEVFN(4, 1), PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(0, DEVFN(4, 1), PCI_CLASS_REVISION, 4), 0xffffffff);
}

static void test_vfs_follow_the_bus_the_pf_was_addressed_on(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	set_buses(0, DEVFN(1, 0), 0, 6, 6);
	enable_vfs(6, 0, iov, 2);
	assert_int_equal(rd(6, 1, PCI_CLASS_REVISION, 4), 0x01080202);
	assert_int_equal(rd(1, 1, PCI_CLASS_REVISION, 4), 0xffffffff);
}

static void test_vf_count_clamped_to_total(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 100);
	assert_non_null(machine_find(m, 0, 1, 2));
	assert_null(machine_find(m, 0, 1, 3));
}

/* --- resets --- */

static void test_flr_restores_power_on_state(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	uint16_t pos;

	(void)state;
	ep.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x1000 };
	add(NULL, 0, &ep);
	wr(0, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	wr(0, 0, PCI_BASE_ADDRESS_0, 4, 0x10000000);
	pos = find_cap(0, 0, PCI_CAP_ID_EXP);
	assert_true(rd(0, 0, pos + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
	wr(0, 0, pos + PCI_EXP_DEVCTL, 2,
	   rd(0, 0, pos + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_BCR_FLR);
	assert_int_equal(rd(0, 0, PCI_COMMAND, 2), 0);
	assert_int_equal(rd(0, 0, PCI_BASE_ADDRESS_0, 4), 0);
	assert_false(rd(0, 0, pos + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR);
}

static void test_flr_keeps_sticky_aer_bits(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	struct mfunc *f;
	uint16_t aer;

	(void)state;
	ep.aer = true;
	f = add(NULL, 0, &ep);
	aer = find_ecap(0, 0, PCI_EXT_CAP_ID_ERR);
	wr(0, 0, aer + PCI_ERR_UNCOR_MASK, 4, PCI_ERR_UNC_UNSUP);
	wr(0, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	mfunc_flr(f);
	assert_int_equal(rd(0, 0, PCI_COMMAND, 2), 0);
	assert_int_equal(rd(0, 0, aer + PCI_ERR_UNCOR_MASK, 4),
			 PCI_ERR_UNC_UNSUP);
	machine_reset(m);
	assert_int_equal(rd(0, 0, aer + PCI_ERR_UNCOR_MASK, 4),
			 PCI_ERR_UNC_INTN);
}

static void test_flr_of_pf_disables_its_vfs(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	assert_non_null(machine_find(m, 0, 1, 1));
	mfunc_flr(machine_find(m, 0, 1, 0));
	assert_null(machine_find(m, 0, 1, 1));
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_CTRL, 2), 0);
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_NUM_VF, 2), 0);
}

static void test_flr_of_vf_resets_only_that_vf(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov, pos;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	wr(1, 1, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	wr(1, 2, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	pos = find_cap(1, 1, PCI_CAP_ID_EXP);
	wr(1, 1, pos + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_BCR_FLR);
	assert_int_equal(rd(1, 1, PCI_COMMAND, 2), 0);
	assert_int_equal(rd(1, 2, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	assert_true(rd(1, 0, iov + PCI_SRIOV_CTRL, 2) & PCI_SRIOV_CTRL_VFE);
}

static void test_secondary_bus_reset_resets_everything_below(void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), up = desc(MF_SWITCH_UP),
			  dp = desc(MF_SWITCH_DOWN), ep = desc(MF_ENDPOINT);
	struct mfunc *port, *usp, *dsp;

	(void)state;
	port = add(NULL, DEVFN(1, 0), &rp);
	usp = add(port, 0, &up);
	dsp = add(usp, 0, &dp);
	add(dsp, 0, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 3);
	set_buses(1, 0, 1, 2, 3);
	set_buses(2, 0, 2, 3, 3);
	wr(3, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	wr(0, DEVFN(1, 0), PCI_COMMAND, 2, PCI_COMMAND_MEMORY);

	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, 0);
	/* The port keeps its state; the switch below lost its bus numbers. */
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 4), 0x030100);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	assert_int_equal(rd(1, 0, PCI_PRIMARY_BUS, 4), 0);
	assert_int_equal(rd(3, 0, PCI_VENDOR_ID, 2), 0xffff);
	set_buses(1, 0, 1, 2, 3);
	set_buses(2, 0, 2, 3, 3);
	assert_int_equal(rd(3, 0, PCI_VENDOR_ID, 2), VENDOR);
	assert_int_equal(rd(3, 0, PCI_COMMAND, 2), 0);
}

static void test_secondary_bus_reset_only_on_rising_edge(void **state)
{
	(void)state;
	rp_with_endpoint();
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	/* Bit already set: writing it again is not a new reset. */
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
}

static void test_secondary_bus_reset_disables_vfs_below(void **state)
{
	struct mfunc_desc pf = pf_desc(2, 1, 1);
	uint16_t iov;

	(void)state;
	iov = pf_behind_port(&pf, 1);
	enable_vfs(1, 0, iov, 2);
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	assert_null(machine_find(m, 0, 1, 1));
	assert_int_equal(rd(1, 0, iov + PCI_SRIOV_CTRL, 2), 0);
}

static void test_machine_reset_is_a_cold_reset(void **state)
{
	(void)state;
	rp_with_endpoint();
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	machine_reset(m);
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_PRIMARY_BUS, 4), 0);
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), 0xffff);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2), 0);
}

/* --- power management: D-states (PCI PM r1.2, PCIe r6.0 5.3.1) --- */

#define PM_POS		0x40	/* the PM capability comes first in the list */
#define PM_STATE(v)	((v) & PCI_PM_CTRL_STATE_MASK)
#define EP_BAR0		0x10000000u

/* PowerState values of PMCSR. */
enum { PS_D0, PS_D1, PS_D2, PS_D3HOT };

/* Bytes over the PM capability's power-on values (PMC, PMCSR). */
static const uint8_t pmc_d1_d2[] = { 0x03, 0x06 };	/* PM 1.2, D1, D2 */
static const uint8_t pmcsr_soft_reset[] = { 0x00, 0x00 };  /* NSR 0 */

static struct mfunc_desc pm_desc(enum mfunc_kind kind)
{
	struct mfunc_desc d = desc(kind);

	d.pm = true;
	if (kind < MF_ROOT_PORT)
		d.bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
	return d;
}

static void set_dstate(uint8_t bus, uint8_t devfn, unsigned int state)
{
	uint16_t csr = rd(bus, devfn, PM_POS + PCI_PM_CTRL, 2);

	wr(bus, devfn, PM_POS + PCI_PM_CTRL, 2,
	   (csr & ~PCI_PM_CTRL_STATE_MASK) | state);
}

static unsigned int dstate(uint8_t bus, uint8_t devfn)
{
	return PM_STATE(rd(bus, devfn, PM_POS + PCI_PM_CTRL, 2));
}

/* Was an event of this kind recorded since mark, its text holding what? */
static bool event_since(size_t mark, enum mevent_kind kind, const char *what)
{
	for (size_t i = mark; i < machine_nr_events(m); i++) {
		const struct mevent *e = machine_event(m, i);

		if (e->kind == kind && strstr(e->what, what))
			return true;
	}
	return false;
}

/* Root port 00:01.0 -> endpoint 01:00.0 (PM, BAR0 16K at EP_BAR0),
 * decoding and bus mastering, its DMA engine running. */
static struct mfunc *pm_endpoint_running(const struct mfunc_desc *ep)
{
	struct mfunc_desc rp = pm_desc(MF_ROOT_PORT);
	struct mfunc *f = add(add(NULL, DEVFN(1, 0), &rp), 0, ep);

	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	wr(0, DEVFN(1, 0), PCI_MEMORY_BASE, 2, EP_BAR0 >> 16);
	wr(0, DEVFN(1, 0), PCI_MEMORY_LIMIT, 2, EP_BAR0 >> 16);
	wr(0, DEVFN(1, 0), PCI_COMMAND, 2,
	   PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	wr(1, 0, PCI_BASE_ADDRESS_0, 4, EP_BAR0);
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(machine_dma_start(m, 0, 1, 0), 0);
	assert_true(mfunc_dma_running(f));
	return f;
}

static void test_pm_unsupported_state_write_is_ignored(void **state)
{
	struct mfunc_desc ep = pm_desc(MF_ENDPOINT);

	(void)state;
	add(NULL, 0, &ep);
	assert_int_equal(find_cap(0, 0, PCI_CAP_ID_PM), PM_POS);
	assert_false(rd(0, 0, PM_POS + PCI_PM_PMC, 2) &
		     (PCI_PM_CAP_D1 | PCI_PM_CAP_D2));
	/* D1 is not advertised: the state stays, the rest of the write not. */
	wr(0, 0, PM_POS + PCI_PM_CTRL, 2, PS_D1 | PCI_PM_CTRL_PME_ENABLE);
	assert_int_equal(dstate(0, 0), PS_D0);
	assert_true(rd(0, 0, PM_POS + PCI_PM_CTRL, 2) & PCI_PM_CTRL_PME_ENABLE);
	set_dstate(0, 0, PS_D3HOT);
	assert_int_equal(dstate(0, 0), PS_D3HOT);
	/* Nor is D2: the function stays in D3hot, not in D0 or D2. */
	set_dstate(0, 0, PS_D2);
	assert_int_equal(dstate(0, 0), PS_D3HOT);
	set_dstate(0, 0, PS_D0);
	assert_int_equal(dstate(0, 0), PS_D0);
}

static void test_pm_advertised_d1_d2_are_entered(void **state)
{
	struct mraw_bytes raw = { PM_POS + PCI_PM_PMC, 2, pmc_d1_d2 };
	struct mfunc_desc ep = pm_desc(MF_ENDPOINT);
	struct mfunc *f;

	(void)state;
	ep.raw = &raw;
	ep.nr_raw = 1;
	f = pm_endpoint_running(&ep);
	set_dstate(1, 0, PS_D1);
	assert_int_equal(dstate(1, 0), PS_D1);
	assert_false(mfunc_dma_running(f));
	set_dstate(1, 0, PS_D2);
	assert_int_equal(dstate(1, 0), PS_D2);
	assert_false(mfunc_dma_running(f));
	/* D2 -> D0 keeps the configuration context, whatever No_Soft_Reset. */
	set_dstate(1, 0, PS_D0);
	assert_int_equal(rd(1, 0, PCI_BASE_ADDRESS_0, 4), EP_BAR0);
	assert_true(mfunc_dma_running(f));
}

static void test_pm_d3hot_answers_config_but_neither_decodes_nor_masters(
	void **state)
{
	struct mfunc_desc ep = pm_desc(MF_ENDPOINT);
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = pm_endpoint_running(&ep);
	mark = machine_nr_events(m);
	set_dstate(1, 0, PS_D3HOT);
	/* Config cycles are answered, with the context intact. */
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), VENDOR);
	assert_int_equal(dstate(1, 0), PS_D3HOT);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* ... but it cannot master, and its BAR decodes nothing. */
	assert_false(mfunc_dma_running(f));
	assert_true(event_since(mark, MEV_DMA_DISRUPTED,
				"device in D3hot: it cannot master the bus"));
	assert_true(event_since(mark, MEV_BAR_ROUTING_BROKEN,
				"device in D3hot: its memory space is not decoded"));
	/* No_Soft_Reset 1 (the default): back in D0 as it was. */
	assert_true(rd(1, 0, PM_POS + PCI_PM_CTRL, 2) & PCI_PM_CTRL_NO_SOFT_RESET);
	mark = machine_nr_events(m);
	set_dstate(1, 0, PS_D0);
	assert_int_equal(dstate(1, 0), PS_D0);
	assert_int_equal(rd(1, 0, PCI_BASE_ADDRESS_0, 4), EP_BAR0);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_true(mfunc_dma_running(f));
	assert_true(event_since(mark, MEV_DMA_RESUMED, "DMA resumed"));
	assert_true(event_since(mark, MEV_BAR_ROUTING_RESTORED, "restored"));
}

static void test_pm_d3hot_to_d0_without_no_soft_reset_resets(void **state)
{
	struct mraw_bytes raw = { PM_POS + PCI_PM_CTRL, 2, pmcsr_soft_reset };
	struct mfunc_desc ep = pm_desc(MF_ENDPOINT);
	struct mfunc *f;
	uint16_t aer;
	size_t mark;

	(void)state;
	ep.aer = true;
	ep.raw = &raw;
	ep.nr_raw = 1;
	f = pm_endpoint_running(&ep);
	assert_false(rd(1, 0, PM_POS + PCI_PM_CTRL, 2) &
		     PCI_PM_CTRL_NO_SOFT_RESET);
	aer = find_ecap(1, 0, PCI_EXT_CAP_ID_ERR);
	wr(1, 0, aer + PCI_ERR_UNCOR_MASK, 4, PCI_ERR_UNC_UNSUP);
	set_dstate(1, 0, PS_D3HOT);
	/* Entering D3hot loses nothing yet. */
	assert_int_equal(rd(1, 0, PCI_BASE_ADDRESS_0, 4), EP_BAR0);
	mark = machine_nr_events(m);
	set_dstate(1, 0, PS_D0);
	/* D0uninitialized: power-on state, but sticky bits kept. */
	assert_int_equal(dstate(1, 0), PS_D0);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2), 0);
	assert_int_equal(rd(1, 0, PCI_BASE_ADDRESS_0, 4), 0);
	assert_int_equal(rd(1, 0, aer + PCI_ERR_UNCOR_MASK, 4),
			 PCI_ERR_UNC_UNSUP);
	assert_false(mfunc_dma_started(f));
	assert_true(event_since(mark, MEV_RESET, "soft reset: D3hot to D0"));
	/* The port above is not touched: the function is still there. */
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), VENDOR);
}

static void test_pm_bridge_not_in_d0_forwards_nothing(void **state)
{
	struct mfunc_desc ep = pm_desc(MF_ENDPOINT);
	struct mfunc *f;
	size_t mark;

	(void)state;
	f = pm_endpoint_running(&ep);
	mark = machine_nr_events(m);
	set_dstate(0, DEVFN(1, 0), PS_D3HOT);
	/* The port answers type-0 cycles, but forwards no type-1 cycle... */
	assert_int_equal(rd(0, DEVFN(1, 0), PCI_VENDOR_ID, 2), VENDOR);
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), 0xffff);
	/* ... nor the endpoint's DMA upstream, nor memory to its BAR. */
	assert_false(mfunc_dma_running(f));
	assert_true(event_since(mark, MEV_DMA_DISRUPTED,
				"upstream bridge 0000/01.0 in D3hot: it forwards no requests"));
	assert_true(event_since(mark, MEV_BAR_ROUTING_BROKEN,
				"upstream bridge 0000/01.0 in D3hot"));
	/* Not a routing change: the endpoint kept its bus number. */
	assert_false(event_since(mark, MEV_DMA_DISRUPTED, "routing ID changed"));
	set_dstate(0, DEVFN(1, 0), PS_D0);
	assert_int_equal(rd(1, 0, PCI_VENDOR_ID, 2), VENDOR);
	assert_true(mfunc_dma_running(f));
}

/* --- ACS and AER registers (PCIe r6.0 ACS capability, AER 7.8.4) --- */

#define ACS_PORT_CAP	(PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR | \
			 PCI_ACS_UF | PCI_ACS_DT)
#define ACS_MFD_CAP	(PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_DT)

static void test_acs_capability_read_only_control_only_advertised(
	void **state)
{
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	uint16_t port_acs, ep_acs;

	(void)state;
	rp.acs = ep.acs = true;
	add(NULL, DEVFN(1, 0), &rp);
	add(NULL, DEVFN(2, 0), &ep);
	add(NULL, DEVFN(2, 1), &ep);
	port_acs = find_ecap(0, DEVFN(1, 0), PCI_EXT_CAP_ID_ACS);
	ep_acs = find_ecap(0, DEVFN(2, 0), PCI_EXT_CAP_ID_ACS);
	assert_int_not_equal(port_acs, 0);
	assert_int_not_equal(ep_acs, 0);

	/* A port: every redirect/blocking control of a switch-like port. */
	assert_int_equal(rd(0, DEVFN(1, 0), port_acs + PCI_ACS_CAP, 2),
			 ACS_PORT_CAP);
	wr(0, DEVFN(1, 0), port_acs + PCI_ACS_CAP, 2, 0);
	assert_int_equal(rd(0, DEVFN(1, 0), port_acs + PCI_ACS_CAP, 2),
			 ACS_PORT_CAP);
	assert_int_equal(rd(0, DEVFN(1, 0), port_acs + PCI_ACS_CTRL, 2), 0);
	/* Egress Control and the reserved bits are not advertised. */
	wr(0, DEVFN(1, 0), port_acs + PCI_ACS_CTRL, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(1, 0), port_acs + PCI_ACS_CTRL, 2),
			 ACS_PORT_CAP);
	wr(0, DEVFN(1, 0), port_acs + PCI_ACS_CTRL, 2, PCI_ACS_RR);
	assert_int_equal(rd(0, DEVFN(1, 0), port_acs + PCI_ACS_CTRL, 2),
			 PCI_ACS_RR);

	/* A function of a multi-function device: no SV, TB or UF to enable. */
	assert_int_equal(rd(0, DEVFN(2, 0), ep_acs + PCI_ACS_CAP, 2),
			 ACS_MFD_CAP);
	wr(0, DEVFN(2, 0), ep_acs + PCI_ACS_CAP, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(2, 0), ep_acs + PCI_ACS_CAP, 2),
			 ACS_MFD_CAP);
	wr(0, DEVFN(2, 0), ep_acs + PCI_ACS_CTRL, 2,
	   PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_UF);
	assert_int_equal(rd(0, DEVFN(2, 0), ep_acs + PCI_ACS_CTRL, 2), 0);
	wr(0, DEVFN(2, 0), ep_acs + PCI_ACS_CTRL, 2, 0xffff);
	assert_int_equal(rd(0, DEVFN(2, 0), ep_acs + PCI_ACS_CTRL, 2),
			 ACS_MFD_CAP);
}

/* Uncorrectable and correctable errors the model implements. */
#define AER_UNC_ALL	(PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | \
			 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | \
			 PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | \
			 PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_RX_OVER | \
			 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | \
			 PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN)
#define AER_COR_ALL	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | \
			 PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL | \
			 PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT | \
			 PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)
#define AER_POS		0x100	/* the first extended capability */

/* Error status latched at power-on, as if the errors had happened. */
static const uint8_t aer_unc_poison_unsup[] = { 0x00, 0x10, 0x10, 0x00 };
static const uint8_t aer_cor_rcvr_bad_tlp[] = { 0x41, 0x00, 0x00, 0x00 };

static void test_aer_status_is_rw1c_and_sticky(void **state)
{
	const struct mraw_bytes raw[] = {
		{ AER_POS + PCI_ERR_UNCOR_STATUS, 4, aer_unc_poison_unsup },
		{ AER_POS + PCI_ERR_COR_STATUS, 4, aer_cor_rcvr_bad_tlp },
	};
	struct mfunc_desc rp = desc(MF_ROOT_PORT), ep = desc(MF_ENDPOINT);
	struct mfunc *port, *f;

	(void)state;
	ep.aer = true;
	ep.raw = raw;
	ep.nr_raw = 2;
	port = add(NULL, DEVFN(1, 0), &rp);
	f = add(port, 0, &ep);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(find_ecap(1, 0, PCI_EXT_CAP_ID_ERR), AER_POS);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_UNSUP);
	/* Writing 0 changes nothing; 1 clears that bit only; 1 never sets. */
	wr(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4, 0);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_UNSUP);
	wr(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4,
	   PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_DLP);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP);
	wr(1, 0, AER_POS + PCI_ERR_COR_STATUS, 4, PCI_ERR_COR_BAD_TLP);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_COR_STATUS, 4),
			 PCI_ERR_COR_RCVR);

	/* Sticky (RW1CS): FLR and hot reset keep what is left... */
	wr(1, 0, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	mfunc_flr(f);
	assert_int_equal(rd(1, 0, PCI_COMMAND, 2), 0);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_COR_STATUS, 4),
			 PCI_ERR_COR_RCVR);
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, PCI_BRIDGE_CTL_BUS_RESET);
	wr(0, DEVFN(1, 0), PCI_BRIDGE_CONTROL, 2, 0);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_COR_STATUS, 4),
			 PCI_ERR_COR_RCVR);
	/* ... a cold reset is power-on again. */
	machine_reset(m);
	set_buses(0, DEVFN(1, 0), 0, 1, 1);
	assert_int_equal(rd(1, 0, AER_POS + PCI_ERR_UNCOR_STATUS, 4),
			 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_UNSUP);
}

static void test_aer_severity_and_masks_are_rw_and_sticky(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	struct mfunc *f;
	static const struct { uint16_t off; uint32_t reset, all; } regs[] = {
		/* Spec defaults: Uncorrectable Internal Error masked... */
		{ PCI_ERR_UNCOR_MASK, PCI_ERR_UNC_INTN, AER_UNC_ALL },
		/* ... and fatal, with DLP, Surprise Down, FC Protocol,
		 * Receiver Overflow and Malformed TLP. */
		{ PCI_ERR_UNCOR_SEVER, PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN |
		  PCI_ERR_UNC_FCP | PCI_ERR_UNC_RX_OVER |
		  PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_INTN, AER_UNC_ALL },
		/* Advisory Non-Fatal, Corrected Internal and Header Log
		 * Overflow masked. */
		{ PCI_ERR_COR_MASK, PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL |
		  PCI_ERR_COR_LOG_OVER, AER_COR_ALL },
	};

	(void)state;
	ep.aer = true;
	f = add(NULL, 0, &ep);
	assert_int_equal(find_ecap(0, 0, PCI_EXT_CAP_ID_ERR), AER_POS);
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		uint16_t at = AER_POS + regs[i].off;

		assert_int_equal(rd(0, 0, at, 4), regs[i].reset);
		/* Every implemented error bit is RW; nothing else sticks. */
		wr(0, 0, at, 4, 0xffffffff);
		assert_int_equal(rd(0, 0, at, 4), regs[i].all);
		wr(0, 0, at, 4, 0);
		assert_int_equal(rd(0, 0, at, 4), 0);
		/* RWS: an FLR keeps the value software chose. */
		wr(0, 0, at, 4, regs[i].all & ~regs[i].reset);
		mfunc_flr(f);
		assert_int_equal(rd(0, 0, at, 4), regs[i].all & ~regs[i].reset);
	}
	/* Root Error Command and Status exist only on root ports. */
	wr(0, 0, AER_POS + PCI_ERR_ROOT_COMMAND, 4, 0xffffffff);
	wr(0, 0, AER_POS + PCI_ERR_ROOT_STATUS, 4, 0xffffffff);
	assert_int_equal(rd(0, 0, AER_POS + PCI_ERR_ROOT_COMMAND, 4), 0);
	assert_int_equal(rd(0, 0, AER_POS + PCI_ERR_ROOT_STATUS, 4), 0);
}

#define AER_ROOT_CMD_ALL (PCI_ERR_ROOT_CMD_COR_EN | \
			  PCI_ERR_ROOT_CMD_NONFATAL_EN | \
			  PCI_ERR_ROOT_CMD_FATAL_EN)

/* ERR_COR, ERR_FATAL/NONFATAL and Fatal messages received; Advanced
 * Error Interrupt Message Number 1 (RO, bits 31:27). */
static const uint8_t aer_root_sta[] = { 0x45, 0x00, 0x00, 0x08 };
#define AER_ROOT_MSG_1	0x08000000u

static void test_aer_root_error_status_is_rw1c_and_sticky(void **state)
{
	/* No_Soft_Reset 0 on the port: D3hot -> D0 is an internal reset. */
	const struct mraw_bytes raw[] = {
		{ PM_POS + PCI_PM_CTRL, 2, pmcsr_soft_reset },
		{ AER_POS + PCI_ERR_ROOT_STATUS, 4, aer_root_sta },
	};
	struct mfunc_desc rp = pm_desc(MF_ROOT_PORT);
	uint16_t sta = AER_POS + PCI_ERR_ROOT_STATUS;
	uint16_t cmd = AER_POS + PCI_ERR_ROOT_COMMAND;

	(void)state;
	rp.aer = true;
	rp.raw = raw;
	rp.nr_raw = 2;
	add(NULL, DEVFN(1, 0), &rp);
	assert_int_equal(find_ecap(0, DEVFN(1, 0), PCI_EXT_CAP_ID_ERR), AER_POS);
	assert_int_equal(rd(0, DEVFN(1, 0), sta, 4),
			 PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_UNCOR_RCV |
			 PCI_ERR_ROOT_FATAL_RCV | AER_ROOT_MSG_1);
	/* Status: RW1C, bit by bit, and nothing set by writing ones. */
	wr(0, DEVFN(1, 0), sta, 4, PCI_ERR_ROOT_COR_RCV |
	   PCI_ERR_ROOT_MULTI_COR_RCV);
	assert_int_equal(rd(0, DEVFN(1, 0), sta, 4),
			 PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_FATAL_RCV |
			 AER_ROOT_MSG_1);
	/* Command: RW, the three reporting enables only. */
	wr(0, DEVFN(1, 0), cmd, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), cmd, 4), AER_ROOT_CMD_ALL);

	/* An internal reset keeps the sticky status, not the command. */
	set_dstate(0, DEVFN(1, 0), PS_D3HOT);
	set_dstate(0, DEVFN(1, 0), PS_D0);
	assert_int_equal(rd(0, DEVFN(1, 0), cmd, 4), 0);
	assert_int_equal(rd(0, DEVFN(1, 0), sta, 4),
			 PCI_ERR_ROOT_UNCOR_RCV | PCI_ERR_ROOT_FATAL_RCV |
			 AER_ROOT_MSG_1);
	/* All ones clears every status bit, never the message number. */
	wr(0, DEVFN(1, 0), sta, 4, 0xffffffff);
	assert_int_equal(rd(0, DEVFN(1, 0), sta, 4), AER_ROOT_MSG_1);
}

/* --- machine construction --- */

static void test_host_and_function_errors(void **state)
{
	struct mfunc_desc ep = desc(MF_ENDPOINT);
	struct mfunc *f;

	(void)state;
	assert_null(machine_add_host(m, 0, 0, 0xff, err, sizeof(err)));
	assert_null(machine_add_host(m, 2, 5, 4, err, sizeof(err)));
	f = add(NULL, 0, &ep);
	assert_null(machine_add_function(m, h, NULL, 0, &ep, err, sizeof(err)));
	assert_null(machine_add_function(m, h, f, 0, &ep, err, sizeof(err)));
}

static void test_host_windows(void **state)
{
	enum mwindow_kind kind;
	uint64_t start, end;

	(void)state;
	assert_int_equal(mhost_add_window(h, MW_IO, 0, 0xffff, err,
					  sizeof(err)), 0);
	assert_int_equal(mhost_add_window(h, MW_PREF, 0x8000000000ULL,
					  0xffffffffffULL, err, sizeof(err)), 0);
	assert_int_not_equal(mhost_add_window(h, MW_MEM, 0x100000000ULL,
					      0x1ffffffffULL, err,
					      sizeof(err)), 0);
	assert_int_not_equal(mhost_add_window(h, MW_IO, 0x1000, 0x1fff, err,
					      sizeof(err)), 0);
	assert_int_equal(mhost_add_window(h, MW_MEM64, 0x100000000ULL,
					  0x1ffffffffULL, err, sizeof(err)), 0);
	assert_int_equal(mhost_nr_windows(h), 3);
	mhost_window(h, 1, &kind, &start, &end);
	assert_int_equal(kind, MW_PREF);
	assert_true(start == 0x8000000000ULL && end == 0xffffffffffULL);
	assert_int_equal(machine_nr_hosts(m), 1);
	assert_ptr_equal(machine_host(m, 0), h);
	assert_int_equal(mhost_domain(h), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_absent_function_reads_all_ones),
		T(test_bad_access_reads_all_ones),
		T(test_cfg_accesses_are_counted),
		T(test_id_and_class_registers_are_read_only),
		T(test_command_keeps_only_implemented_bits),
		T(test_status_error_bits_are_write_one_to_clear),
		T(test_status_capability_bit_follows_caps),
		T(test_bar_sizing_mem32),
		T(test_bar_sizing_mem64_prefetchable),
		T(test_bar_sizing_mem64_above_4g),
		T(test_bar_sizing_io),
		T(test_rom_sizing_and_enable_bit),
		T(test_bad_bar_descriptions_are_rejected),
		T(test_conventional_function_has_no_extended_space),
		T(test_pcie_capability_reports_port_type),
		T(test_hotplug_slot_capabilities),
		T(test_card_below_port_sets_presence_and_link_active),
		T(test_link_capabilities_speed_and_width),
		T(test_ari_forwarding_only_on_downstream_ports),
		T(test_capability_lists_are_well_formed),
		T(test_multifunction_bit_and_ari_next_function),
		T(test_bridge_bus_number_registers_are_rw),
		T(test_bridge_io_window_16_and_32_bit),
		T(test_bridge_without_io_window_reads_zero),
		T(test_bridge_memory_and_pref64_windows),
		T(test_bridge_secondary_status_is_w1c),
		T(test_device_behind_bridge_invisible_until_buses_programmed),
		T(test_renumbered_bridge_moves_device),
		T(test_bridge_with_inverted_range_forwards_nothing),
		T(test_bridge_with_secondary_zero_forwards_nothing),
		T(test_type1_walks_a_switch),
		T(test_root_bus_holds_all_device_numbers),
		T(test_bus_outside_host_range_reads_all_ones),
		T(test_link_hides_nonzero_device_numbers_without_ari),
		T(test_ari_forwarding_exposes_all_function_numbers),
		T(test_switch_internal_bus_has_all_device_numbers),
		T(test_sriov_capability_fields),
		T(test_sriov_vf_bar_sizing),
		T(test_vfs_appear_at_offset_and_stride_only_while_enabled),
		T(test_numvfs_written_under_running_vfs),
		T(test_vf_reads_vendor_and_device_ffff),
		T(test_vf_bars_read_zero_and_command_has_only_bus_master),
		T(test_vfs_vanish_with_their_state_when_disabled),
		T(test_vfs_land_on_next_bus_behind_bridge),
		T(test_vfs_of_root_bus_pf_on_next_bus),
		T(test_vfs_follow_the_bus_the_pf_was_addressed_on),
		T(test_vf_count_clamped_to_total),
		T(test_flr_restores_power_on_state),
		T(test_flr_keeps_sticky_aer_bits),
		T(test_flr_of_pf_disables_its_vfs),
		T(test_flr_of_vf_resets_only_that_vf),
		T(test_secondary_bus_reset_resets_everything_below),
		T(test_secondary_bus_reset_only_on_rising_edge),
		T(test_secondary_bus_reset_disables_vfs_below),
		T(test_machine_reset_is_a_cold_reset),
		T(test_pm_unsupported_state_write_is_ignored),
		T(test_pm_advertised_d1_d2_are_entered),
		T(test_pm_d3hot_answers_config_but_neither_decodes_nor_masters),
		T(test_pm_d3hot_to_d0_without_no_soft_reset_resets),
		T(test_pm_bridge_not_in_d0_forwards_nothing),
		T(test_acs_capability_read_only_control_only_advertised),
		T(test_aer_status_is_rw1c_and_sticky),
		T(test_aer_severity_and_masks_are_rw_and_sticky),
		T(test_aer_root_error_status_is_rw1c_and_sticky),
		T(test_host_and_function_errors),
		T(test_host_windows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
