// SPDX-License-Identifier: GPL-2.0
/*
 * Topology files: every example parses and builds, text survives a round
 * trip, machines built from the original and the rewritten text answer
 * config reads identically, templates expand as documented, and each
 * kind of mistake is reported at the exact FILE:LINE:COL with a message
 * that says what is wrong. Run from the top of the tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "machine.h"
#include "topofile.h"

static const char *const examples[] = {
	"topo/examples/default.topo",
	"topo/examples/laptop.topo",
	"topo/examples/server-2socket.topo",
	"topo/examples/gpu-box.topo",
	"topo/examples/sriov-nics.topo",
	"topo/examples/multi-domain.topo",
	"tests/topo/T1_single_endpoint.topo",
	"tests/topo/T3_switch.topo",
	"tests/topo/T5_sriov_nvme.topo",
};

/* ---- helpers ---- */

static char *dupstr(const char *s)
{
	char *d = malloc(strlen(s) + 1);

	assert_non_null(d);
	return strcpy(d, s);
}

static char *write_text(const struct topo *t, size_t *len)
{
	FILE *f = tmpfile();
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(topo_write(t, f), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static struct topo *parse(const char *text)
{
	struct topo_error err;
	struct topo *t = topo_parse_string("test.topo", text, strlen(text), &err);

	if (!t)
		topo_error_print(&err, stderr);
	assert_non_null(t);
	return t;
}

static struct machine *build(const struct topo *t)
{
	struct topo_error err;
	struct machine *m = topo_build(t, &err);

	if (!m)
		topo_error_print(&err, stderr);
	assert_non_null(m);
	return m;
}

/*
 * Every config byte of every function, found the way firmware would: scan
 * each bus, give each bridge the next bus number, recurse. Two machines
 * built from equivalent topologies give byte-identical logs.
 */
struct cfglog {
	uint8_t *b;
	size_t n, cap;
	unsigned functions;
	uint8_t next_bus;
};

static void log_put(struct cfglog *l, const void *p, size_t n)
{
	if (l->n + n > l->cap) {
		l->cap = (l->n + n) * 2;
		l->b = realloc(l->b, l->cap);
		assert_non_null(l->b);
	}
	memcpy(l->b + l->n, p, n);
	l->n += n;
}

static void scan_bus(struct machine *m, uint16_t dom, uint8_t bus,
		     struct cfglog *l)
{
	for (unsigned devfn = 0; devfn < 256; devfn++) {
		uint32_t v, hdr;
		uint8_t where[2] = { bus, (uint8_t)devfn };

		assert_true(machine_cfg_read(m, dom, bus, (uint8_t)devfn, 0, 4, &v));
		if (v == 0xffffffff)
			continue;
		l->functions++;
		log_put(l, where, 2);
		for (unsigned off = 0; off < MACHINE_CFG_SIZE; off += 4) {
			assert_true(machine_cfg_read(m, dom, bus, (uint8_t)devfn,
						     (uint16_t)off, 4, &v));
			log_put(l, &v, 4);
		}
		assert_true(machine_cfg_read(m, dom, bus, (uint8_t)devfn, 0x0e, 1,
					     &hdr));
		if ((hdr & 0x7f) != 1 || l->next_bus == 0xff)
			continue;
		uint8_t sec = ++l->next_bus;
		assert_true(machine_cfg_write(m, dom, bus, (uint8_t)devfn, 0x18, 4,
					      bus | sec << 8 | 0xffu << 16));
		scan_bus(m, dom, sec, l);
		assert_true(machine_cfg_write(m, dom, bus, (uint8_t)devfn, 0x1a, 1,
					      l->next_bus));
	}
}

static void scan_machine(struct machine *m, struct cfglog *l)
{
	for (size_t i = 0; i < machine_nr_hosts(m); i++) {
		struct mhost *h = machine_host(m, i);
		uint8_t start, end;

		mhost_bus_range(h, &start, &end);
		l->next_bus = start;
		scan_bus(m, mhost_domain(h), start, l);
	}
}

/* ---- examples: parse, build, round trip ---- */

static void check_round_trip(const struct topo *t1)
{
	size_t n1, n2;
	char *text1 = write_text(t1, &n1);
	struct topo *t2 = parse(text1);
	char *text2 = write_text(t2, &n2);
	struct machine *m1 = build(t1), *m2 = build(t2);
	struct cfglog l1 = { 0 }, l2 = { 0 };

	assert_string_equal(text1, text2);
	assert_int_equal(topo_nr_functions(t1), topo_nr_functions(t2));
	scan_machine(m1, &l1);
	scan_machine(m2, &l2);
	assert_true(l1.functions > 0);
	assert_int_equal(l1.functions, l2.functions);
	assert_int_equal(l1.n, l2.n);
	assert_memory_equal(l1.b, l2.b, l1.n);
	free(l1.b);
	free(l2.b);
	machine_free(m1);
	machine_free(m2);
	topo_free(t2);
	free(text1);
	free(text2);
}

static void test_examples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		struct topo_error err;
		struct topo *t = topo_parse_file(examples[i], &err);

		if (!t)
			topo_error_print(&err, stderr);
		assert_non_null(t);
		assert_true(topo_nr_functions(t) >= topo_nr_lines_functions(t));
		check_round_trip(t);
		topo_free(t);
	}
}

/* Every attribute spelling once (the writer and the lookup table). */
static void test_every_attribute(void **state)
{
	static const char text[] =
		"host domain=0003 bus=10-7f io=0x1000-0x1fff mem=0x20000000-0x2fffffff "
		"mem64=0x100000000-0x1ffffffff pref=0x200000000-0x2ffffffff keep-buses "
		"preserve-config\n"
		"  00.0 host-bridge id=1234:0001 subsys=1234:0002 rev=3 pin=b rom=64K "
		"bar4=io:4 pm no-msi msix=4 raw=0x40:01020304 raw=0x0a0:ff\n"
		"  01.0 root-port id=1234:0003 class=060400 bar0=mem64:1M bar1=none "
		"link=gen5x8 slot=7 hotplug no-pm msi aer acs io io32 pref32\n"
		"    00.0 endpoint id=1234:0004 class=0x020000 bar0=pref32:16M "
		"bar1=io:256 bar2=mem32:32 bar3=pref64:2G bar5=mem32:0x100 "
		"ari no-aer preserve sriov=3 vf-offset=8 vf-stride=4 vf-device=0005 "
		"vfbar0=mem32:4K vfbar1=pref32:8K vfbar2=pref64:8K vfbar3=none "
		"vfbar4=mem32:1M vfbar5=none\n"
		"  02.0 root-port id=1234:0008 slot=8 no-hotplug no-acs io16 pref64 pref\n"
		/* not beside 00.0 above: off an ARI device's chain, never scanned */
		"    00.0 endpoint id=1234:0009 class=020000 no-msix no-sriov no-ari no-preserve\n"
		"  03.0 pcie-pci-bridge id=1234:0006 no-io no-pref\n"
		"    00.0 pci-device id=1234:0007 class=ff0000 no-ari-is-not-here\n";
	struct topo_error err;
	struct topo *t;
	char *fixed = dupstr(text), *bad = strstr(fixed, " no-ari-is-not-here");

	(void)state;
	/* First prove the odd one out is rejected, then drop it. */
	assert_null(topo_parse_string("a.topo", text, strlen(text), &err));
	assert_non_null(strstr(err.msg, "unknown attribute 'no-ari-is-not-here'"));
	memmove(bad, bad + strlen(" no-ari-is-not-here"),
		strlen(bad + strlen(" no-ari-is-not-here")) + 1);
	t = parse(fixed);
	check_round_trip(t);
	topo_free(t);
	free(fixed);
}

/*
 * preserve: a mark for the live update, not hardware. It survives the
 * round trip, templates pass it on (no-preserve takes it back), the
 * machine is the same without it, and the marked functions come back as
 * the paths mfunc_path() gives them.
 */
static void test_preserve_marks(void **state)
{
	static const char text[] =
		"template nvme endpoint id=1b36:0010 class=010802 bar0=mem64:16K preserve\n"
		"template sw switch-up id=104c:8232\n"
		"  00.0 switch-down id=104c:8233\n"
		"    00.0 nvme\n"
		"host\n"
		"  01.0 root-port id=1b36:000c\n"
		"    00.0 nvme no-preserve\n"
		"  02.0 root-port id=1b36:000c\n"
		"    00.0 sw\n"
		"      01.0 switch-down id=104c:8233\n"
		"        00.0 endpoint id=1b36:0010 class=010802 preserve\n"
		"  03.0 rciep id=8086:10d3 class=020000 preserve\n"
		"host domain=0001 mem=0x40000000-0x4fffffff\n"
		"  00.0 pci-device id=8086:1234 class=ff0000 preserve\n";
	static const char *const want[] = {
		"0000/02.0/00.0/00.0/00.0", "0000/02.0/00.0/01.0/00.0",
		"0000/03.0", "0001/00.0",
	};
	char paths[8][TOPO_PATH_MAX], buf[MACHINE_PATH_MAX];
	struct topo *t = parse(text), *plain;
	struct machine *m = build(t), *mp;
	struct cfglog l1 = { 0 }, l2 = { 0 };
	char *bare = dupstr(text), *p;
	size_t n, wl;
	char *w = write_text(t, &wl);

	(void)state;
	assert_non_null(strstr(w, "bar0=mem64:16K preserve\n"));
	assert_non_null(strstr(w, "00.0 nvme no-preserve\n"));
	check_round_trip(t);

	n = topo_preserved_paths(t, paths, 8);
	assert_int_equal(n, 4);
	assert_int_equal(topo_preserved_paths(t, NULL, 0), 4);
	assert_int_equal(topo_preserved_paths(t, paths, 1), 4);
	n = topo_preserved_paths(t, paths, 8);
	for (size_t i = 0; i < n; i++) {
		struct mfunc *f = machine_find_path(m, paths[i]);
		bool listed = false;

		assert_non_null(f);
		assert_string_equal(mfunc_path(f, buf, sizeof(buf)), paths[i]);
		for (size_t j = 0; j < sizeof(want) / sizeof(want[0]); j++)
			listed |= !strcmp(want[j], paths[i]);
		if (!listed)
			fail_msg("%s is not marked preserve", paths[i]);
	}

	/* The same machine without any mark: config space byte for byte. */
	while ((p = strstr(bare, " no-preserve")) || (p = strstr(bare, " preserve")))
		memmove(p, p + strcspn(p + 1, " \n") + 1,
			strlen(p + strcspn(p + 1, " \n") + 1) + 1);
	assert_null(strstr(bare, "preserve"));
	plain = parse(bare);
	assert_int_equal(topo_preserved_paths(plain, paths, 8), 0);
	mp = build(plain);
	scan_machine(m, &l1);
	scan_machine(mp, &l2);
	assert_int_equal(l1.n, l2.n);
	assert_memory_equal(l1.b, l2.b, l1.n);
	free(l1.b);
	free(l2.b);
	machine_free(mp);
	topo_free(plain);
	free(bare);
	free(w);
	machine_free(m);
	topo_free(t);
}

/*
 * Two host bridges of one domain (an x86 server's bus 00 and uncore bus
 * 3f): config cycles go to the host whose bus range holds the bus, and
 * the second host's functions have paths naming its root bus.
 */
static void test_hosts_of_one_domain(void **state)
{
	static const char text[] =
		"host bus=00-3e io=0x0-0x7fff mem=0x10000000-0x3efeffff\n"
		"  00.0 rciep id=8086:6f00 class=060000 preserve\n"
		"  1f.0 pci-device id=8086:8d44 class=060100\n"
		"host bus=3f-7e io=0x8000-0xbfff mem=0x40000000-0x4fffffff\n"
		"  08.0 pci-device id=8086:6f80 class=088000 preserve\n";
	char paths[4][TOPO_PATH_MAX], buf[MACHINE_PATH_MAX];
	struct topo *t = parse(text);
	struct machine *m = build(t);
	struct mfunc *f;

	(void)state;
	check_round_trip(t);
	assert_int_equal(machine_nr_hosts(m), 2);
	f = machine_find(m, 0, 0x3f, 8 << 3);
	assert_non_null(f);
	assert_string_equal(mfunc_path(f, buf, sizeof(buf)), "0000:3f/08.0");
	assert_non_null(machine_find(m, 0, 0x00, 0x1f << 3));
	assert_null(machine_find(m, 0, 0x00, 8 << 3));
	assert_null(machine_find(m, 0, 0x3f, 0x1f << 3));
	assert_int_equal(topo_preserved_paths(t, paths, 4), 2);
	assert_string_equal(paths[0], "0000/00.0");
	assert_string_equal(paths[1], "0000:3f/08.0");
	assert_ptr_equal(machine_find_path(m, paths[1]), f);
	assert_ptr_equal(machine_find_path(m, paths[0]), machine_find(m, 0, 0, 0));
	machine_free(m);
	topo_free(t);
}

/*
 * A cardbus-bridge: the type 2 header as the kernel and lspci read it
 * (pci_regs.h's PCI_CB_* layout), registers writable where the spec has
 * them, its capability list from 0x14, nothing answering behind it.
 */
static void test_cardbus_bridge_registers(void **state)
{
	static const char text[] =
		"host\n"
		"  01.0 cardbus-bridge id=104c:ac55 subsys=1028:0182 pin=a bar0=mem32:4K pm\n";
	struct topo *t = parse(text);
	struct machine *m = build(t);
	const uint8_t fn = 1 << 3;
	uint32_t v;

	(void)state;
	check_round_trip(t);
	machine_cfg_read(m, 0, 0, fn, PCI_HEADER_TYPE, 1, &v);
	assert_int_equal(v, PCI_HEADER_TYPE_CARDBUS);
	machine_cfg_read(m, 0, 0, fn, PCI_CLASS_REVISION, 4, &v);
	assert_int_equal(v >> 8, 0x060700);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_SUBSYSTEM_VENDOR_ID, 4, &v);
	assert_int_equal(v, 0x01821028);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_CAPABILITY_LIST, 1, &v);
	assert_int_equal(v, 0x80);
	machine_cfg_read(m, 0, 0, fn, 0x80, 1, &v);
	assert_int_equal(v, PCI_CAP_ID_PM);
	/* bus numbers and CardBus latency: read-write */
	machine_cfg_write(m, 0, 0, fn, PCI_CB_PRIMARY_BUS, 4, 0xb0070400);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_PRIMARY_BUS, 4, &v);
	assert_int_equal(v, 0xb0070400);
	/* memory windows 4K granular, I/O 4-byte with 32-bit decode */
	machine_cfg_write(m, 0, 0, fn, PCI_CB_MEMORY_LIMIT_1, 4, 0xffffffff);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_MEMORY_LIMIT_1, 4, &v);
	assert_int_equal(v, 0xfffff000);
	machine_cfg_write(m, 0, 0, fn, PCI_CB_IO_BASE_0, 4, 0xffffffff);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_IO_BASE_0, 4, &v);
	assert_int_equal(v, 0xfffffffd);
	/* the socket registers' BAR sizes as 4K; there is no second BAR */
	machine_cfg_write(m, 0, 0, fn, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	machine_cfg_read(m, 0, 0, fn, PCI_BASE_ADDRESS_0, 4, &v);
	assert_int_equal(v, 0xfffff000);
	machine_cfg_read(m, 0, 0, fn, PCI_CB_BRIDGE_CONTROL, 2, &v);
	assert_true(v & PCI_CB_BRIDGE_CTL_CB_RESET);
	/* a card's cycle: nothing behind a CardBus bridge answers */
	machine_cfg_read(m, 0, 4, 0, 0, 4, &v);
	assert_int_equal(v, 0xffffffff);
	machine_free(m);
	topo_free(t);
}

/* ---- defaults ---- */

static void test_default_host(void **state)
{
	struct topo *t = parse("# no host line\n"
			       "00.0 host-bridge id=1b36:0008\n"
			       "01.0 root-port id=1b36:000c\n"
			       "  00.0 endpoint id=1b36:0010 class=010802\n");
	struct machine *m = build(t);
	struct mhost *h;
	uint8_t s, e;
	enum mwindow_kind k;
	uint64_t ws, we;
	size_t text_len;
	char *text = write_text(t, &text_len);

	(void)state;
	assert_int_equal(machine_nr_hosts(m), 1);
	h = machine_host(m, 0);
	assert_int_equal(mhost_domain(h), 0);
	mhost_bus_range(h, &s, &e);
	assert_int_equal(s, 0x00);
	assert_int_equal(e, 0xff);
	assert_int_equal(mhost_nr_windows(h), 3);
	mhost_window(h, 0, &k, &ws, &we);
	assert_true(k == MW_IO && ws == 0 && we == 0xffff);
	mhost_window(h, 1, &k, &ws, &we);
	assert_true(k == MW_MEM && ws == 0x10000000 && we == 0x3efeffff);
	mhost_window(h, 2, &k, &ws, &we);
	assert_true(k == MW_MEM64 && ws == 0x8000000000 && we == 0xffffffffff);
	/* Written back without a host line, still at column 1. */
	assert_string_equal(text, "00.0 host-bridge id=1b36:0008\n"
			    "01.0 root-port id=1b36:000c\n"
			    "  00.0 endpoint id=1b36:0010 class=010802\n");
	free(text);
	machine_free(m);
	topo_free(t);
}

static uint32_t rd(struct machine *m, uint8_t bus, uint8_t devfn,
		   uint16_t where, int size)
{
	uint32_t v;

	assert_true(machine_cfg_read(m, 0, bus, devfn, where, size, &v));
	return v;
}

/* Class 0604 for bridges, a window set per kind, pm on PCIe ports. */
static void test_kind_defaults(void **state)
{
	struct topo *t = parse("host\n"
			       "  01.0 root-port id=1b36:000c\n"
			       "  02.0 root-port id=1b36:000c no-io pref32\n");
	struct machine *m = build(t);

	(void)state;
	assert_int_equal(rd(m, 0, 0x08, 0x08, 4) >> 8, 0x060400);
	/* I/O base: 16-bit decode present; pref base: 64-bit (low nibble 1). */
	assert_int_equal(rd(m, 0, 0x08, 0x1c, 1) & 0x0f, 0x00);
	assert_int_equal(rd(m, 0, 0x08, 0x24, 2) & 0x0f, 0x01);
	/* 02.0: no I/O window (base reads 0 after writing ones), 32-bit pref. */
	machine_cfg_write(m, 0, 0, 0x10, 0x1c, 1, 0xff);
	assert_int_equal(rd(m, 0, 0x10, 0x1c, 1), 0x00);
	assert_int_equal(rd(m, 0, 0x10, 0x24, 2) & 0x0f, 0x00);
	/* The capability list starts with PM on a port by default. */
	assert_int_equal(rd(m, 0, 0x08, rd(m, 0, 0x08, 0x34, 1), 1), 0x01);
	machine_free(m);
	topo_free(t);
}

/* ---- templates ---- */

static void test_template_instances(void **state)
{
	static const char text[] =
		"template sw switch-up id=104c:8232 msi\n"
		"  00.0 switch-down id=104c:8233 slot=1 hotplug\n"
		"  01.0 switch-down id=104c:8233 slot=2 hotplug\n"
		"template nic endpoint id=8086:10fb class=020000 bar0=pref64:512K\n"
		"template big-sw sw rev=05\n"
		"  02.0 switch-down id=104c:8233\n"
		"host\n"
		"  01.0 root-port id=1b36:000c\n"
		"    00.0 big-sw id=10b5:8747\n"
		"      03.0 switch-down id=10b5:8747\n"
		"        00.0 nic id=8086:1528\n"
		"      00.0 switch-down id=104c:8233\n";
	struct topo_error err;
	struct topo *t = topo_parse_string("t.topo", text, strlen(text), &err);

	(void)state;
	/* 00.0 of the instance collides with the template's 00.0. */
	assert_null(t);
	assert_int_equal(err.line, 12);
	assert_int_equal(err.col, 7);
	assert_non_null(strstr(err.msg, "00.0 is already used on this bus (line 2)"));

	char *ok = dupstr(text);
	*strstr(ok, "      00.0 switch-down id=104c:8233\n") = '\0';
	t = parse(ok);
	/* root port, switch-up, 3 inherited + 1 own downstream port, NIC */
	assert_int_equal(topo_nr_functions(t), 1 + 1 + 3 + 1 + 1);
	assert_int_equal(topo_nr_lines_functions(t), 7);

	struct machine *m = build(t);
	struct cfglog l = { 0 };
	scan_machine(m, &l);
	assert_int_equal(l.functions, 7);
	/* Bus 1: the switch-up, IDs overridden, rev from big-sw. */
	assert_int_equal(rd(m, 1, 0, 0, 4), 0x874710b5);
	assert_int_equal(rd(m, 1, 0, 0x08, 1), 0x05);
	/* Bus 2: ports 00.0, 01.0 (sw), 02.0 (big-sw), 03.0 (own). */
	for (unsigned d = 0; d < 4; d++)
		assert_int_not_equal(rd(m, 2, (uint8_t)(d << 3), 0, 4), 0xffffffff);
	assert_int_equal(rd(m, 2, 0x20, 0, 4), 0xffffffff);
	/* The NIC below 03.0 (bus 6): its own device ID, the template's BAR. */
	assert_int_equal(rd(m, 6, 0, 0, 4), 0x15288086);
	machine_cfg_write(m, 0, 6, 0, 0x10, 4, 0xffffffff);
	assert_int_equal(rd(m, 6, 0, 0x10, 4), 0xfff8000c);
	check_round_trip(t);
	free(l.b);
	machine_free(m);
	topo_free(t);
	free(ok);
}

/* ---- errors: exact position and a clear message ---- */

struct bad {
	const char *name;
	const char *text;
	int line, col;
	const char *msg;
};

#define HOST "host\n"
#define RP   "  01.0 root-port id=1b36:000c\n"
#define EP   "id=8086:10d3 class=020000"

static const struct bad bads[] = {
	{ "unknown key", HOST RP "    00.0 endpoint " EP " colour=blue\n",
	  3, 45, "unknown attribute 'colour'" },
	{ "bad number", HOST RP "    00.0 endpoint " EP " msix=12x\n",
	  3, 50, "bad number '12x' for msix" },
	{ "number out of range", HOST RP "    00.0 endpoint " EP " msix=4096\n",
	  3, 50, "msix=4096 out of range (1..2048)" },
	{ "tab indentation", HOST "\t01.0 root-port id=1b36:000c\n",
	  2, 1, "tab in indentation" },
	{ "tab after spaces", HOST RP "  \t00.0 endpoint " EP "\n",
	  3, 3, "tab in indentation" },
	{ "duplicate devfn", HOST RP "  01.0 rciep " EP "\n",
	  3, 3, "01.0 is already used on this bus (line 2)" },
	{ "BAR not a power of two", HOST RP "    00.0 endpoint " EP " bar0=mem32:12K\n",
	  3, 56, "BAR size 12K is not a power of two" },
	{ "bar1 after 64-bit bar0", HOST RP
	  "    00.0 endpoint " EP " bar0=mem64:16K bar1=mem32:4K\n",
	  3, 60, "bar1 is the upper half of 64-bit bar0" },
	{ "64-bit bar5", HOST RP "    00.0 endpoint " EP " bar5=mem64:16K\n",
	  3, 45, "bar5 cannot be 64-bit" },
	{ "child under endpoint", HOST RP "    00.0 endpoint " EP "\n"
	  "      00.0 endpoint " EP "\n",
	  4, 7, "nothing can sit below the endpoint at line 3" },
	{ "unknown template", HOST RP "    00.0 nic-x520\n",
	  3, 10, "unknown kind or template 'nic-x520'" },
	{ "VF on a sibling", HOST
	  "  02.0 rciep " EP " sriov=4 vf-offset=1 vf-stride=1\n"
	  "  02.3 rciep " EP "\n",
	  3, 3, "02.3 is the routing ID of VF 2 of 02.0 (line 2)" },
	{ "sibling under VFs", HOST
	  "  02.3 rciep " EP "\n"
	  "  02.0 rciep " EP " sriov=4 vf-offset=1 vf-stride=1\n",
	  3, 40, "VF 2 of this function would be 02.3, which line 2 already uses" },
	{ "VF on another PF's VF", HOST RP
	  "    00.0 endpoint " EP " ari sriov=8 vf-offset=128 vf-stride=2\n"
	  "    00.1 endpoint " EP " ari sriov=8 vf-offset=129 vf-stride=2\n",
	  4, 49, "VF 0 of this function and VF 1 of 00.0 (line 3) would both be 10.2" },
	{ "VFs past bus 255", HOST RP
	  "    00.0 endpoint " EP " ari sriov=65535 vf-offset=1 vf-stride=2\n",
	  3, 49, "past bus 255" },
	{ "duplicate host domain", "host domain=0001 mem=0x10000000-0x1fffffff\n"
	  "host domain=1 mem=0x20000000-0x2fffffff\n",
	  2, 6, "domain 0001 is already defined (line 1)" },
	{ "hosts of one domain, bus ranges overlapping",
	  "host bus=00-3f\n  00.0 rciep " EP "\n"
	  "host io=0x8000-0xffff mem=0x40000000-0x4fffffff bus=3f-7f\n",
	  3, 49, "domain 0000 is already defined (line 1) with bus=00-3f, which bus=3f-7f here overlaps" },
	{ "overlapping host windows", "host\nhost domain=0001\n",
	  2, 1, "mem window 0x10000000-0x3efeffff overlaps the mem window "
	  "0x10000000-0x3efeffff of the host at line 1" },
	/* a machine with nothing: refused, not taken for an empty one (#14) */
	{ "only comments", "# nothing here\n\n  # nor here\n",
	  1, 1, "no function under any host: a machine with nothing to enumerate" },
	{ "a host and no function", "# empty\nhost domain=0002\n",
	  2, 1, "no function under any host: a machine with nothing to enumerate" },
	{ "duplicate attribute", HOST RP "    00.0 endpoint " EP " pm msi pm\n",
	  3, 52, "duplicate attribute 'pm' (also at column 45)" },
	{ "contradicting flags", HOST RP "    00.0 endpoint " EP " pm no-pm\n",
	  3, 48, "'no-pm' contradicts 'pm' at column 45" },
	{ "missing class", HOST RP "    00.0 endpoint id=8086:10d3\n",
	  3, 10, "missing class=CCSSPP" },
	{ "missing id", HOST "  01.0 root-port slot=1\n",
	  2, 8, "missing id=VVVV:DDDD" },
	{ "sriov without offset", HOST "  02.0 rciep " EP " sriov=4 vf-stride=1\n",
	  2, 40, "sriov needs vf-offset=N" },
	{ "vf attribute without sriov", HOST "  02.0 rciep " EP " vf-stride=1\n",
	  2, 40, "'vf-stride' needs sriov=N" },
	{ "kind mismatch", HOST "  01.0 switch-down id=104c:8233\n",
	  2, 8, "a switch-down cannot sit on a host's root bus" },
	{ "device 01 below a root port", HOST RP "    01.0 endpoint " EP "\n",
	  3, 5, "below a root-port only device 00 answers" },
	{ "attribute for another kind", HOST RP "    00.0 endpoint " EP " slot=3\n",
	  3, 45, "'slot' does not apply to endpoint functions (only to: "
	  "root-port, switch-down)" },
	{ "hotplug without slot", HOST "  01.0 root-port id=1b36:000c hotplug\n",
	  2, 31, "hotplug needs a slot: add slot=N" },
	{ "bad indentation", HOST RP "    00.0 endpoint " EP "\n"
	  "   00.1 endpoint " EP "\n",
	  4, 4, "indentation of 3 spaces does not line up" },
	{ "unexpected indentation", "  host\n",
	  1, 3, "'host' lines start in column 1" },
	{ "template recursion", "template a root-port id=1b36:000c\n"
	  "  00.0 a\n",
	  2, 8, "template 'a' used inside its own definition" },
	{ "template redefined", "template a rciep " EP "\n"
	  "template a rciep " EP "\n",
	  2, 10, "template 'a' is already defined (line 1)" },
	{ "mixed default host", "00.0 host-bridge id=1b36:0008\nhost\n",
	  2, 1, "host line after functions at column 1" },
	{ "bad devfn", HOST "  20.0 rciep " EP "\n",
	  2, 3, "expected DD.F (device 00-1f, function 0-7)" },
	{ "bad id", HOST "  00.0 rciep id=8086:10d class=020000\n",
	  2, 17, "expected id=VVVV:DDDD" },
	{ "no-device vendor", HOST "  00.0 rciep id=ffff:10d3 class=020000\n",
	  2, 17, "vendor ID ffff reads as 'no device'" },
	{ "io BAR too big", HOST "  00.0 rciep " EP " bar0=io:512\n",
	  2, 48, "io BAR size is above the maximum 256" },
	{ "VF io BAR", HOST "  00.0 rciep " EP " sriov=1 vf-offset=1 vf-stride=1 "
	  "vfbar0=io:32\n",
	  2, 79, "bad vfbar0 kind 'io'" },
	{ "raw odd digits", HOST "  00.0 rciep " EP " raw=0x40:123\n",
	  2, 49, "even, non-zero number of hex digits" },
	{ "raw overlap", HOST "  00.0 rciep " EP " raw=0x40:1234 raw=0x41:56\n",
	  2, 54, "raw bytes 0x41-0x41 overlap raw bytes 0x40-0x41" },
	{ "link width", HOST RP "    00.0 endpoint " EP " link=gen3x3\n",
	  3, 55, "link width x3 is not one of" },
	{ "mem window above 4G", "host mem=0x100000000-0x1ffffffff\n",
	  1, 10, "mem window must end below 4G" },
	{ "host flag with value", "host keep-buses=1\n",
	  1, 16, "'keep-buses' is a flag and takes no value" },
	{ "host flag twice", "host keep-buses keep-buses\n",
	  1, 17, "duplicate host attribute 'keep-buses'" },
	{ "host preserve-config twice", "host preserve-config preserve-config\n",
	  1, 22, "duplicate host attribute 'preserve-config'" },
	{ "flag with value", HOST "  00.0 rciep " EP " pm=1\n",
	  2, 42, "'pm' is a flag and takes no value" },
	{ "preserve with value", HOST "  00.0 rciep " EP " preserve=1\n",
	  2, 48, "'preserve' is a flag and takes no value" },
	{ "preserve on a bridge", HOST "  01.0 root-port id=1b36:000c preserve\n",
	  2, 31, "'preserve' does not apply to root-port functions (only to: "
	  "endpoint, legacy-endpoint, rciep, pci-device)" },
	{ "preserve twice", HOST "  00.0 rciep " EP " preserve no-preserve\n",
	  2, 49, "'no-preserve' contradicts 'preserve' at column 40" },
	{ "control character", HOST "  00.0 rciep " EP "\x01\n",
	  2, 39, "control character 0x01" },
	{ "switch below a host with too few buses", "host bus=00-01\n" RP
	  "    00.0 switch-up id=104c:8232\n"
	  "      00.0 switch-down id=104c:8233\n"
	  "        00.0 endpoint " EP "\n",
	  3, 5, "no bus left for the secondary bus of this switch-up: it would "
	  "be bus 02, past bus=00-01 of the host at line 1, whose tree needs 4 "
	  "buses" },
	{ "root port on a one-bus host", "host bus=00-00\n" RP
	  "    00.0 endpoint " EP "\n",
	  2, 3, "no bus left for the secondary bus of this root-port: it would "
	  "be bus 01, past bus=00-00 of the host at line 1, whose tree needs 2 "
	  "buses" },
	{ "VFs past the host's last bus", "host bus=10-11\n" RP
	  "    00.0 endpoint " EP " ari sriov=300 vf-offset=1 vf-stride=1\n",
	  3, 5, "the VFs of this function need buses up to 12 (reserved after "
	  "its own bus 11), past bus=10-11 of the host at line 1, whose tree "
	  "needs 3 buses" },
	/* The kernel reserves VF buses before it numbers the bridges. */
	{ "VF buses push a root port out", "host bus=00-01\n"
	  "  00.0 rciep " EP " sriov=1 vf-offset=300 vf-stride=1\n" RP,
	  3, 3, "no bus left for the secondary bus of this root-port: it would "
	  "be bus 02, past bus=00-01" },
	/* Bridges are numbered in devfn order, not in the file's order. */
	{ "last bus taken by a lower devfn", "host bus=00-02\n"
	  "  02.0 root-port id=1b36:000c\n"
	  "    00.0 endpoint " EP "\n" RP
	  "    00.0 switch-up id=104c:8232\n",
	  2, 3, "it would be bus 03, past bus=00-02 of the host at line 1, whose "
	  "tree needs 4 buses" },
	{ "template's switch in a small host", "template sw switch-up id=104c:8232\n"
	  "  00.0 switch-down id=104c:8233\n"
	  "  01.0 switch-down id=104c:8233\n"
	  "host bus=00-03\n" RP "    00.0 sw\n",
	  3, 3, "no bus left for the secondary bus of this switch-down: it would "
	  "be bus 04, past bus=00-03 of the host at line 4, whose tree needs 5 "
	  "buses (template instantiated at line 6)" },
	{ "no host line, more than a domain", "01.0 root-port id=1b36:000c\n"
	  "  00.0 switch-up id=104c:8232\n"
	  "    00.0 switch-down id=104c:8233\n"
	  "      00.0 endpoint " EP " ari sriov=65000 vf-offset=1 vf-stride=1\n",
	  4, 7, "need buses up to 100 (reserved after its own bus 03), past "
	  "bus=00-ff of the default host, whose tree needs more than 256 buses" },
	{ "instance bar clash", "template n rciep " EP " bar1=mem32:4K\n"
	  "host\n  00.0 n bar0=mem64:8K\n",
	  3, 10, "bar0 is 64-bit, but its upper half bar1 is set by the template" },
};

static void test_bad(void **state)
{
	const struct bad *b = *state;
	struct topo_error err;
	struct topo *t;

	t = topo_parse_string("bad.topo", b->text, strlen(b->text), &err);
	if (t || err.line != b->line || err.col != b->col ||
	    !strstr(err.msg, b->msg)) {
		fprintf(stderr, "case '%s': expected %d:%d '%s', got ", b->name,
			b->line, b->col, b->msg);
		if (t)
			fprintf(stderr, "no error\n");
		else
			topo_error_print(&err, stderr);
	}
	assert_null(t);
	assert_string_equal(err.file, "bad.topo");
	assert_int_equal(err.line, b->line);
	assert_int_equal(err.col, b->col);
	assert_non_null(strstr(err.msg, b->msg));
}

static void test_error_print(void **state)
{
	struct topo_error err;
	char buf[256];
	FILE *f = tmpfile();
	size_t n;

	(void)state;
	assert_null(topo_parse_string("x.topo", "host\n  00.0 gizmo\n", 17, &err));
	topo_error_print(&err, f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "x.topo:2:8: error: unknown kind or template "
			       "'gizmo'"));
	assert_null(topo_parse_file("/nonexistent/x.topo", &err));
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.msg, "cannot open"));
}

/*
 * A function the kernel would never scan is refused where it is written,
 * saying why, not left out of the machine the kernel sees (#14).
 */
static void expect_unreachable(const char *text, int line, int col,
			       const char *why)
{
	struct topo *t = parse(text);
	struct topo_error err;

	assert_null(topo_build(t, &err));
	assert_int_equal(err.line, line);
	assert_int_equal(err.col, col);
	assert_non_null(strstr(err.msg, "would never be enumerated"));
	assert_non_null(strstr(err.msg, why));
	topo_free(t);
}

#define RPHOST "host\n  01.0 root-port id=8086:347a\n"
#define NIC "endpoint id=8086:1533 class=020000 bar0=mem32:128K"
#define PCIDEV "pci-device id=8086:1533 class=020000 bar0=mem32:128K"

static void test_function_never_enumerated(void **state)
{
	struct machine *m;
	struct topo *t;

	(void)state;
	/* no function 0 beside it: on a link, and on a conventional bus */
	expect_unreachable(RPHOST "    00.1 " NIC "\n", 3, 5, "no function 0");
	expect_unreachable("host\n  03.0 " PCIDEV "\n  04.2 " PCIDEV "\n", 3, 3,
			   "no function 0");
	/* ARI function numbers without ARI on function 0 */
	expect_unreachable(RPHOST "    00.0 " NIC "\n    01.0 " NIC " ari\n", 4, 5,
			   "function 0 has no ARI");
	/* a non-ARI function off function 0's ARI chain */
	expect_unreachable(RPHOST "    00.0 " NIC " ari\n    00.1 " NIC "\n", 4, 5,
			   "not an ARI function");
	/* a template's child, at its own line, with the instance's */
	expect_unreachable("template sw switch-up id=104c:8232\n"
			   "  01.1 switch-down id=104c:8233\n"
			   RPHOST "    00.0 sw\n", 2, 3, "no function 0");
	/* what the kernel does scan builds */
	t = parse(RPHOST "    00.0 " NIC " ari\n    01.0 " NIC " ari\n"
		  "  02.0 " PCIDEV "\n  02.5 " PCIDEV "\n");
	m = build(t);
	machine_free(m);
	topo_free(t);
}

/* ---- robustness and scale ---- */

/* Mangled examples never crash; what parses also writes and reparses. */
static void test_mutations(void **state)
{
	struct topo_error err;
	FILE *f = fopen("topo/examples/default.topo", "rb");
	char src[8192], buf[8192];
	size_t n;
	uint32_t seed = 12345;

	(void)state;
	assert_non_null(f);
	n = fread(src, 1, sizeof(src), f);
	fclose(f);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = n;

		memcpy(buf, src, n);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245 + 12345;
			size_t at = (seed >> 8) % len;
			static const char pick[] = " \t\n#=:.-x0f9Kz";
			seed = seed * 1103515245 + 12345;
			switch ((seed >> 16) % 4) {
			case 0: buf[at] = pick[(seed >> 4) % (sizeof(pick) - 1)]; break;
			case 1: buf[at] = (char)(seed >> 3); break;
			case 2: len = at; break;
			default:
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
			}
			if (!len)
				break;
		}
		struct topo *t = topo_parse_string("m.topo", buf, len, &err);
		if (t) {
			size_t wl;
			char *w = write_text(t, &wl);
			struct topo *t2 = topo_parse_string("w.topo", w, wl, &err);
			assert_non_null(t2);
			topo_free(t2);
			free(w);
			topo_free(t);
		} else {
			/* an error points at a line, unless there is none */
			assert_true((err.line >= 1 && err.col >= 1) ||
				    (!len && !err.line));
		}
	}
}

static double now(void)
{
	struct timespec ts;

	timespec_get(&ts, TIME_UTC);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A million function lines (each of 3950 hosts: a root port with 253
 * switch ports below one switch, the most a domain's 256 buses number)
 * parse in seconds, and templates scale the same machine without the
 * lines: the count is checked, not built.
 */
static void test_scale(void **state)
{
	size_t cap = 80u << 20, len = 0;
	char *text = malloc(cap);
	struct topo_error err;
	struct topo *t;
	double t0, t1;
	unsigned lines = 0;

	(void)state;
	assert_non_null(text);
	for (unsigned h = 0; h < 3950; h++) {
		len += (size_t)snprintf(text + len, cap - len,
			"host domain=%04x mem=0x%x-0x%x\n"
			"  00.0 root-port id=1b36:000c\n"
			"    00.0 switch-up id=104c:8232\n", h,
			0x10000000u + h * 0x10000u, 0x1000ffffu + h * 0x10000u);
		lines += 2;
		/* buses: root, root port's, switch-up's, one per down port */
		for (unsigned d = 0; d < 256 - 3; d++) {
			len += (size_t)snprintf(text + len, cap - len,
				"      %02x.%x switch-down id=104c:8233\n",
				d >> 3, d & 7);
			lines++;
		}
	}
	assert_true(lines > 1000000);
	t0 = now();
	t = topo_parse_string("big.topo", text, len, &err);
	t1 = now();
	if (!t)
		topo_error_print(&err, stderr);
	assert_non_null(t);
	assert_int_equal(topo_nr_functions(t), lines);
	print_message("parsed %u function lines (%zu MB) in %.2f s\n", lines,
		      len >> 20, t1 - t0);
	topo_free(t);

	/* Templates: 32 x 8 switches of 256 ports each from a few lines. */
	static const char tmpl[] =
		"template sw switch-up id=10b5:8796\n"
		"  00.0 switch-down id=10b5:8796\n"
		"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
		"template sw2 sw\n"
		"  00.1 switch-down id=10b5:8796\n"
		"    00.0 endpoint id=1b36:0010 class=010802 bar0=mem64:16K\n"
		"host\n"
		"  01.0 root-port id=1b36:000c\n"
		"    00.0 sw2\n"
		"  02.0 root-port id=1b36:000c\n"
		"    00.0 sw2\n"
		"      00.2 switch-down id=10b5:8796\n";
	t = parse(tmpl);
	assert_int_equal(topo_nr_functions(t), 2 * (1 + 1 + 4) + 1);
	topo_free(t);
	free(text);
}

/*
 * Building thousands of functions stays fast (the machine is real): 16
 * hosts, each a root port and a switch with as many ports as its 256
 * buses number.
 */
static void test_build_many(void **state)
{
	size_t cap = 4u << 20, len = 0;
	char *text = malloc(cap);
	struct machine *m;
	struct topo *t;
	double t0, t1;

	(void)state;
	assert_non_null(text);
	for (unsigned h = 0; h < 16; h++) {
		len += (size_t)snprintf(text + len, cap - len,
			"host domain=%04x mem=0x%x-0x%x\n"
			"  01.0 root-port id=1b36:000c\n"
			"    00.0 switch-up id=104c:8232\n", h,
			0x10000000u + h * 0x1000000u, 0x10ffffffu + h * 0x1000000u);
		for (unsigned d = 0; d < 256 - 3; d++)
			len += (size_t)snprintf(text + len, cap - len,
				"      %02x.%x switch-down id=104c:8233\n",
				d >> 3, d & 7);
	}
	t = parse(text);
	assert_int_equal(topo_nr_functions(t), 16 * 255);
	t0 = now();
	m = build(t);
	t1 = now();
	print_message("built %zu functions in %.2f s\n", topo_nr_functions(t),
		      t1 - t0);
	machine_free(m);
	topo_free(t);
	free(text);
}

/*
 * A template bomb: a few thousand lines whose templates multiply to 67
 * million functions (4096 hosts, each a root port with two switch levels
 * of 8 ports and 256 ARI functions below each leaf port: 16,466 functions,
 * which fit the host's 256 buses). Refused at the instance that crosses
 * the limit, before anything is built, in well under a second; VFs count
 * too. It took minutes and gigabytes to build.
 */
static void test_template_bomb(void **state)
{
	size_t cap = 1u << 20, len = 0;
	char *text = malloc(cap);
	unsigned rp_line = 0, crossing;
	struct topo_error err;
	struct topo *t;
	double t0, t1;

	(void)state;
	assert_non_null(text);
	len += (size_t)snprintf(text + len, cap - len,
		"template ep endpoint id=8086:1533 class=020000 bar0=mem64:4K ari\n"
		"template leaf switch-down id=1b36:000f\n");
	for (unsigned f = 0; f < 256; f++)
		len += (size_t)snprintf(text + len, cap - len, "  %02x.%x ep\n",
					f >> 3, f & 7);
	len += (size_t)snprintf(text + len, cap - len,
		"template sw switch-up id=1b36:000e\n");
	for (unsigned d = 0; d < 8; d++)
		len += (size_t)snprintf(text + len, cap - len, "  %02x.0 leaf\n", d);
	len += (size_t)snprintf(text + len, cap - len,
		"template dn switch-down id=1b36:000f\n  00.0 sw\n"
		"template sw2 switch-up id=1b36:000e\n");
	for (unsigned d = 0; d < 8; d++)
		len += (size_t)snprintf(text + len, cap - len, "  %02x.0 dn\n", d);
	len += (size_t)snprintf(text + len, cap - len,
		"template rp root-port id=1b36:000c\n  00.0 sw2\n");
	for (const char *c = text; *c; c++)
		rp_line += *c == '\n';
	/* 1 + (1 + 8 x (1 + (1 + 8 x (1 + 256)))) functions per host */
	crossing = TOPO_MAX_FUNCTIONS / 16466 + 1;
	for (unsigned h = 0; h < 4096; h++)
		len += (size_t)snprintf(text + len, cap - len,
			"host domain=%04x mem64=0x%llx-0x%llx\n  01.0 rp\n", h,
			(h + 1ULL) << 40, ((h + 2ULL) << 40) - 1);
	assert_true(len < cap);
	t0 = now();
	t = topo_parse_string("bomb.topo", text, len, &err);
	t1 = now();
	assert_null(t);
	print_message("refused 67M functions from %zu KB in %.3f s: %s\n",
		      len >> 10, t1 - t0, err.msg);
	/* the crossing host's "01.0 rp" line, at its DD.F */
	assert_int_equal(err.line, rp_line + 2 * crossing);
	assert_int_equal(err.col, 3);
	assert_non_null(strstr(err.msg, "template 'rp' expands to 16466 functions"));
	assert_non_null(strstr(err.msg, "past 16777216 functions"));
	free(text);

	/* VFs count: 258 PFs of 65,000 VFs fit, the 259th does not */
	cap = 64u << 10;
	len = 0;
	text = malloc(cap);
	assert_non_null(text);
	for (unsigned h = 0; h < 259; h++)
		len += (size_t)snprintf(text + len, cap - len,
			"host domain=%04x mem64=0x%llx-0x%llx\n"
			"  01.0 root-port id=1b36:000c\n"
			"    00.0 endpoint id=8086:10fb class=020000 ari sriov=65000 vf-offset=1 vf-stride=1\n",
			h, (h + 1ULL) << 40, ((h + 2ULL) << 40) - 1);
	assert_true(len < cap);
	t = topo_parse_string("vfs.topo", text, len, &err);
	assert_null(t);
	assert_int_equal(err.line, 3 * 259);
	assert_int_equal(err.col, 5);
	assert_non_null(strstr(err.msg, "endpoint is 65001 functions with its VFs"));
	/* one host fewer is within the limit: cut the text at the last host */
	for (const char *h = text; (h = strstr(h, "host ")); h++)
		len = (size_t)(h - text);
	t = topo_parse_string("vfs.topo", text, len, &err);
	if (!t)
		topo_error_print(&err, stderr);
	assert_non_null(t);
	topo_free(t);
	free(text);
}

int main(void)
{
	struct CMUnitTest tests[80] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_every_attribute),
		cmocka_unit_test(test_preserve_marks),
		cmocka_unit_test(test_hosts_of_one_domain),
		cmocka_unit_test(test_cardbus_bridge_registers),
		cmocka_unit_test(test_default_host),
		cmocka_unit_test(test_kind_defaults),
		cmocka_unit_test(test_template_instances),
		cmocka_unit_test(test_error_print),
		cmocka_unit_test(test_function_never_enumerated),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_build_many),
		cmocka_unit_test(test_template_bomb),
	};
	size_t n = 11;

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		assert_true(n < sizeof(tests) / sizeof(tests[0]));
		tests[n++] = (struct CMUnitTest){
			.name = bads[i].name, .test_func = test_bad,
			.initial_state = (void *)&bads[i],
		};
	}
	return _cmocka_run_group_tests("topofile", tests, n, NULL, NULL);
}
