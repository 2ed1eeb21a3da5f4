/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel world itself: WARN() trapped and survived, the command line
 * reaching the kernel's own parameter handlers, drivers binding through
 * the real driver core, and enumeration results of the kernel's code on
 * topologies with known answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "simtest.h"

#define IORESOURCE_PREFETCH	0x00002000
#define RES_BRIDGE_IO	13
#define RES_BRIDGE_MEM	14
#define RES_BRIDGE_PREF	15

static void run_ok(const struct sim_run *run, struct sim_result *r)
{
	assert_int_equal(simtest_run(run, r), 0);
	if (r->status)
		fail_msg("kernel world exited %d; log:\n%s", r->status, r->log);
}

static const struct sim_pci_info *must_find(const struct sim_result *r,
					    const char *bdf)
{
	const struct sim_pci_info *d = simtest_find(r, bdf);

	if (!d)
		fail_msg("%s not enumerated; log:\n%s", bdf, r->log);
	return d;
}

static unsigned long long res_size(const struct sim_pci_info *d, int i)
{
	return d->res[i].end - d->res[i].start + 1;
}

static void test_warn_is_trapped_reported_and_survived(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T1_single_endpoint.topo",
			       .selftest_warn = true };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_int_equal(r.warns, 1);
	assert_non_null(strstr(r.log, "WARNING: CPU: 0 PID: 0 at shim/bug.c:"));
	assert_non_null(strstr(r.log, "pcisim: self-test warning"));
	simtest_free(&r);
}

static void test_bug_stops_the_run_naming_file_and_line(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T1_single_endpoint.topo",
			       .selftest_bug = true };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	if (!strstr(r.log, "kernel BUG at lib/radix-tree.c:710!"))
		fail_msg("no 'kernel BUG at file:line' in:\n%s", r.log);
	assert_non_null(strstr(r.log, "pcisim: kernel stopped: kernel BUG"));
	simtest_free(&r);
}

/*
 * A call of a kernel symbol pcisim does not implement ends the run with
 * status 3 and a message naming the symbol: sim_selftest_stub() calls
 * iounmap(), which the build made an abort-on-call stub.
 */
static void test_unimplemented_symbol_stops_the_run_naming_it(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T1_single_endpoint.topo",
			       .selftest_stub = true };
	const char *const *s;
	struct sim_result r;

	(void)state;
	for (s = sim_stub_names; *s && strcmp(*s, "iounmap"); s++)
		;
	if (!*s)
		fail_msg("iounmap is no longer an abort-on-call stub (build/stubs.txt): "
			 "make sim_selftest_stub() call one that is");
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status != 3)
		fail_msg("exit status %d, not 3; log:\n%s", r.status, r.log);
	if (!strstr(r.log, "pcisim: kernel stopped: unimplemented kernel symbol: iounmap\n"))
		fail_msg("no message naming iounmap in:\n%s", r.log);
	simtest_free(&r);
}

/*
 * KSRC= a tree the series was not written for: the patch that does not
 * apply is named with the file it failed on (here pci.h without the
 * lines patch 0001's hunks stand on).
 */
static void test_patch_that_does_not_apply_is_named_with_its_file(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	rc = simtest_shell(&out,
		"t=$(mktemp -d) && trap 'rm -rf $t' EXIT && mkdir -p $t/k/include/linux && "
		"sed -e '/pci_ids.h>/d' -e '/acs_capabilities;/d' "
		"    -e '/supported_speeds;/d' $(ls -d build/linux-source-*/ | head -1)include/linux/pci.h "
		"    > $t/k/include/linux/pci.h && "
		"pci-core/make-overlay.sh $t/k $t/ovl lu lu/patches/*.patch");
	if (rc != 1 || !strstr(out, "make-overlay.sh: lu/patches/0001-PCI-Add-live-update-state-"
			       "to-struct-pci_dev.patch does not apply to include/linux/pci.h"))
		fail_msg("exit %d:\n%s", rc, out);
	free(out);
}

/*
 * The PCI fixup tables pci-core/initcalls.ld gathers: each a run of 16-byte
 * entries (PREL32: vendor, device, class, class_shift, hook offset) that
 * starts where the first one does. A label 8 bytes early read the padding
 * as an entry (a shift of 2^32 - 1 in pci_do_fixups(), which UBSan saw).
 */
struct fixup_entry {
	uint16_t vendor, device;
	uint32_t class_code, class_shift;
	int32_t hook_offset;
};
extern const struct fixup_entry __start_pci_fixups_early[], __end_pci_fixups_early[];
extern const struct fixup_entry __start_pci_fixups_header[], __end_pci_fixups_header[];
extern const struct fixup_entry __start_pci_fixups_final[], __end_pci_fixups_final[];
extern const struct fixup_entry __start_pci_fixups_enable[], __end_pci_fixups_enable[];

static void test_pci_fixup_tables_are_whole_entries(void **state)
{
	const struct fixup_entry *const tables[][2] = {
		{ __start_pci_fixups_early, __end_pci_fixups_early },
		{ __start_pci_fixups_header, __end_pci_fixups_header },
		{ __start_pci_fixups_final, __end_pci_fixups_final },
		{ __start_pci_fixups_enable, __end_pci_fixups_enable },
	};
	size_t total = 0;

	(void)state;
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		assert_int_equal((uintptr_t)tables[t][0] % 16, 0);
		for (const struct fixup_entry *f = tables[t][0]; f < tables[t][1]; f++) {
			if (f->class_shift > 24 || !f->hook_offset)
				fail_msg("fixup table %zu entry %td: %04x:%04x class %#x shift %u hook %d",
					 t, f - tables[t][0], f->vendor, f->device,
					 f->class_code, f->class_shift, f->hook_offset);
			total++;
		}
	}
	/* quirks.c has hundreds; none at all would be a table not linked */
	assert_true(total > 300);
}

static void test_default_topology_no_warnings(void **state)
{
	struct sim_run run = { 0 };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_true(r.n > 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_unknown_pci_option_reaches_pci_setup(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T1_single_endpoint.topo",
			       .cmdline = "pci=bogus" };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "Kernel command line: pci=bogus"));
	assert_non_null(strstr(r.log, "PCI: Unknown option `bogus'"));
	simtest_free(&r);
}

/* pci=hpmemsize= sizes the memory window of an empty hotplug port. */
static void test_hpmemsize_resizes_hotplug_window(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo" };
	struct sim_result r;
	const struct sim_pci_info *d;

	(void)state;
	run_ok(&run, &r);
	d = must_find(&r, "0000:02:02.0");
	assert_int_equal(res_size(d, RES_BRIDGE_MEM), 2ULL << 20);
	simtest_free(&r);

	run.cmdline = "pci=hpmemsize=8M,hpiosize=8K";
	run_ok(&run, &r);
	d = must_find(&r, "0000:02:02.0");
	assert_int_equal(res_size(d, RES_BRIDGE_MEM), 8ULL << 20);
	assert_int_equal(res_size(d, RES_BRIDGE_IO), 8ULL << 10);
	simtest_free(&r);
}

/*
 * pci=hpbussize= reserves that many bus numbers below every hotplug-capable
 * bridge, occupied or not (the kernel's pci_scan_child_bus_extend()), and the
 * bridges above grow to hold them.
 */
static void expect_buses(const struct sim_result *r, const char *bdf,
			 unsigned int sec, unsigned int sub)
{
	const struct sim_pci_info *d = must_find(r, bdf);

	if (d->secondary != sec || d->subordinate != sub)
		fail_msg("%s: bus %02x-%02x, expected %02x-%02x", bdf,
			 d->secondary, d->subordinate, sec, sub);
}

static void test_hpbussize_reserves_bus_numbers(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = "pci=hpbussize=4" };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_buses(&r, "0000:00:01.0", 0x01, 0x0e);
	expect_buses(&r, "0000:01:00.0", 0x02, 0x0e);
	expect_buses(&r, "0000:02:00.0", 0x03, 0x06);
	expect_buses(&r, "0000:02:01.0", 0x07, 0x0a);
	expect_buses(&r, "0000:02:02.0", 0x0b, 0x0e);
	expect_buses(&r, "0000:00:02.0", 0x0f, 0x12);
	must_find(&r, "0000:07:00.0");
	simtest_free(&r);

	/* without it: one bus each, as tests/oracle/T3_switch */
	run.cmdline = NULL;
	run_ok(&run, &r);
	expect_buses(&r, "0000:02:02.0", 0x05, 0x05);
	simtest_free(&r);
}

static void test_pcieport_binds_ports_only(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo" };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_string_equal(must_find(&r, "0000:00:01.0")->driver, "pcieport");
	assert_string_equal(must_find(&r, "0000:01:00.0")->driver, "pcieport");
	assert_string_equal(must_find(&r, "0000:02:00.0")->driver, "pcieport");
	assert_string_equal(must_find(&r, "0000:03:00.0")->driver, "");
	simtest_free(&r);
}

/* VFs are created by the real iov.c once VF Enable is set, not before. */
static void test_vfs_appear_only_when_enabled(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T5_sriov_nvme.topo" };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_null(simtest_find(&r, "0000:01:00.1"));
	assert_int_equal(must_find(&r, "0000:01:00.0")->sriov_num, 0);
	simtest_free(&r);

	run.enable_vfs = true;
	run_ok(&run, &r);
	assert_true(must_find(&r, "0000:01:00.1")->is_virtfn);
	assert_true(must_find(&r, "0000:01:00.4")->is_virtfn);
	assert_null(simtest_find(&r, "0000:01:00.5"));
	assert_int_equal(must_find(&r, "0000:01:00.0")->sriov_num, 4);
	assert_string_equal(must_find(&r, "0000:01:00.0")->driver, "pci-pf-stub");
	/* 16 VFs with ARI reach past device 0's 8 functions */
	assert_true(must_find(&r, "0000:02:02.0")->is_virtfn);
	simtest_free(&r);
}

/*
 * Regression: VFs on the extra buses iov.c creates (no bridge above them)
 * were missing from reports. Every enabled VF must be listed once.
 */
static void test_vfs_on_virtual_buses_are_reported(void **state)
{
	struct sim_run run = { .topo_path = "topo/examples/sriov-nics.topo",
			       .enable_vfs = true };
	struct sim_result r;
	unsigned int vfs = 0, enabled = 0;
	size_t i;

	(void)state;
	run_ok(&run, &r);
	for (i = 0; i < r.n; i++) {
		vfs += r.dev[i].is_virtfn;
		enabled += r.dev[i].sriov_num;
	}
	assert_true(enabled > 0);
	assert_int_equal(vfs, enabled);
	simtest_free(&r);
}

/*
 * A conventional PCI bridge behind a PCIe-to-PCI bridge, a multifunction
 * endpoint and a 64-bit prefetchable BAR on the root bus.
 */
static const char mixed_topo[] =
	"host\n"
	"  00.0 host-bridge id=1b36:0008\n"
	"  01.0 root-port id=1b36:000c slot=1\n"
	"    00.0 pcie-pci-bridge id=1b36:000e\n"
	"      01.0 pci-bridge id=1b36:0001\n"
	"        02.0 pci-device id=8086:100e class=020000 bar0=mem32:128K bar1=io:64\n"
	"  02.0 root-port id=1b36:000c slot=2\n"
	"    00.0 endpoint id=8086:1521 class=020000 bar0=mem32:1M bar3=mem32:16K\n"
	"    00.1 endpoint id=8086:1521 class=020000 bar0=mem32:1M bar3=mem32:16K\n"
	"  03.0 rciep id=1af4:1041 class=020000 bar4=pref64:16K\n";

static void test_mixed_topology_bus_numbers_and_bars(void **state)
{
	struct sim_run run = { .topo_text = mixed_topo };
	struct sim_result r;
	const struct sim_pci_info *d;

	(void)state;
	run_ok(&run, &r);
	d = must_find(&r, "0000:00:01.0");
	assert_int_equal(d->secondary, 1);
	assert_int_equal(d->subordinate, 3);
	d = must_find(&r, "0000:01:00.0");
	assert_int_equal(d->primary, 1);
	assert_int_equal(d->secondary, 2);
	assert_int_equal(d->subordinate, 3);
	d = must_find(&r, "0000:02:01.0");
	assert_int_equal(d->secondary, 3);
	assert_int_equal(d->subordinate, 3);
	d = must_find(&r, "0000:03:02.0");
	assert_int_equal(res_size(d, 0), 128 << 10);
	assert_int_equal(res_size(d, 1), 64);
	d = must_find(&r, "0000:00:02.0");
	assert_int_equal(d->secondary, 4);
	must_find(&r, "0000:04:00.0");
	must_find(&r, "0000:04:00.1");
	/* On the root bus a 64-bit prefetchable BAR goes above 4 GiB. */
	d = must_find(&r, "0000:00:03.0");
	assert_true(d->res[4].start >= 0x8000000000ULL);
	assert_true(d->res[4].flags & IORESOURCE_PREFETCH);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/*
 * asm/arch_hweight.h calls __sw_hweight{32,64}() in place of popcnt with
 * only the result (rax) as output and the word (rdi) as input: the call
 * must keep every other register, as x86's arch/x86/lib/hweight.S does.
 * The plain C of lib/hweight.c clobbered rdx, and KHO sized its lowmem
 * scratch from a leftover of the weight's arithmetic.
 */
static void test_sw_hweight_keeps_every_register_but_the_result(void **state)
{
	(void)state;
	assert_int_equal(sim_check_sw_hweight_abi(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warn_is_trapped_reported_and_survived),
		cmocka_unit_test(test_bug_stops_the_run_naming_file_and_line),
		cmocka_unit_test(test_unimplemented_symbol_stops_the_run_naming_it),
		cmocka_unit_test(test_patch_that_does_not_apply_is_named_with_its_file),
		cmocka_unit_test(test_pci_fixup_tables_are_whole_entries),
		cmocka_unit_test(test_sw_hweight_keeps_every_register_but_the_result),
		cmocka_unit_test(test_default_topology_no_warnings),
		cmocka_unit_test(test_unknown_pci_option_reaches_pci_setup),
		cmocka_unit_test(test_hpmemsize_resizes_hotplug_window),
		cmocka_unit_test(test_hpbussize_reserves_bus_numbers),
		cmocka_unit_test(test_pcieport_binds_ports_only),
		cmocka_unit_test(test_vfs_appear_only_when_enabled),
		cmocka_unit_test(test_vfs_on_virtual_buses_are_reported),
		cmocka_unit_test(test_mixed_topology_bus_numbers_and_bars),
	};

	return cmocka_run_group_tests_name("kernel", tests, NULL, NULL);
}
