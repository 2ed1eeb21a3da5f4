/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim import-lspci: a real machine's capture, imported, gives the
 * machine back. Each reference capture in tests/oracle/ is imported and
 * the topology enumerated by pcisim; the kernel must then assign exactly
 * what the real kernel assigned on the real machine (the checks of
 * test_oracle.c), with VFs left to SR-IOV to recreate.
 *
 * lspci-boot.dump and lspci-sriov.dump are the reference captures as
 * taken. lspci-vvvxxxx-boot.txt is "lspci -F lspci-boot.dump -vvvxxxx"
 * (pciutils 3.9) with the [size=] annotations a live lspci adds from
 * sysfs, filled in from resources-boot.tsv; pciutils 3.9 prints none on
 * SR-IOV VF BAR lines, the T5 file has them (the kernel's resource size,
 * over all TotalVFs) to exercise that path too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"

/* variant builds (fuzz/variant.mk) run their own pcisim */
#ifndef PCISIM
#define PCISIM	"build/pcisim"
#endif
#define ORACLE	"tests/oracle/"

static void tmpname(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "/tmp/pcisim-test-%d-%s", (int)getpid(), what);
}

static int count(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* Import args into a topology file; returns its path and the messages. */
static void import(char *topo, size_t len, const char *args, char **msgs)
{
	tmpname(topo, len, "imported.topo");
	if (simtest_shell(msgs, PCISIM " import-lspci %s -o %s", args, topo))
		fail_msg("import-lspci %s failed:\n%s", args, *msgs);
}

/* Enumerate topo and compare with the reference capture of phase. */
static void check(const char *topo, const char *name, const char *phase,
		  bool vfs)
{
	struct sim_run run = { .topo_path = topo, .enable_vfs = vfs };
	char devs[256], res[256];
	struct sim_result r;
	int bad;

	snprintf(devs, sizeof(devs), ORACLE "%s/devices-%s.tsv", name, phase);
	snprintf(res, sizeof(res), ORACLE "%s/resources-%s.tsv", name, phase);
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		print_error("%s", r.log);
	assert_int_equal(r.status, 0);
	bad = simtest_compare_devices(&r, devs) +
	      simtest_compare_resources(&r, res);
	if (bad) {
		char *text = simtest_slurp(topo);

		print_error("--- imported topology ---\n%s", text ? text : "?");
		free(text);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/* Import a dump with its resources file: no guess, the same machine. */
static void dump_with_resources(const char *name, const char *capture,
				const char *phase, bool vfs)
{
	char topo[256], args[512], *msgs;

	snprintf(args, sizeof(args), ORACLE "%s/lspci-%s.dump --resources "
		 ORACLE "%s/resources-%s.tsv", name, capture, name, capture);
	import(topo, sizeof(topo), args, &msgs);
	if (strstr(msgs, "warning"))
		fail_msg("import-lspci %s warned:\n%s", args, msgs);
	free(msgs);
	check(topo, name, phase, vfs);
	unlink(topo);
}

/*
 * A capture as it comes in a mailing-list reply: every line quoted ("> "),
 * and lspci's own messages (taken with 2>&1) among the lines, one inside
 * a function's bytes. The same machine as the capture itself.
 */
static void test_quoted_capture_with_lspci_messages(void **state)
{
	char path[256], topo[256], args[600], *msgs, *text, *want, *got;
	FILE *f;
	int line = 0;

	(void)state;
	text = simtest_slurp(ORACLE "T3_switch/lspci-boot.dump");
	assert_non_null(text);
	tmpname(path, sizeof(path), "quoted.dump");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("pcilib: sysfs_read_vpd: read failed: No such device\n", f);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		if (++line == 5)
			fputs("> pcilib: Error reading /sys/bus/pci/devices/0000:00:00.0/config: Input/output error\n", f);
		fprintf(f, "> %s\n", l);
	}
	fclose(f);
	free(text);
	snprintf(args, sizeof(args), "%s --resources " ORACLE "T3_switch/resources-boot.tsv", path);
	import(topo, sizeof(topo), args, &msgs);
	free(msgs);
	got = simtest_slurp(topo);
	unlink(topo);
	import(topo, sizeof(topo), ORACLE "T3_switch/lspci-boot.dump --resources "
	       ORACLE "T3_switch/resources-boot.tsv", &msgs);
	free(msgs);
	want = simtest_slurp(topo);
	assert_non_null(got);
	assert_non_null(want);
	/* the same machine: only the comment naming the source differs */
	assert_string_equal(strstr(got, "\nhost"), strstr(want, "\nhost"));
	free(got);
	free(want);
	unlink(topo);
	unlink(path);
}

/* An error in a quoted capture names its column in the file. */
static void test_quoted_capture_error_column(void **state)
{
	char path[256], *out;
	FILE *f;

	(void)state;
	tmpname(path, sizeof(path), "quoted-bad.dump");
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("> 00:00.0 Class 0600: Device 1b36:0008\n> 00: zz\n", f);
	fclose(f);
	assert_int_equal(simtest_shell(&out, PCISIM " import-lspci %s -o /dev/null", path), 2);
	if (!strstr(out, ":2:7: error: expected a byte"))
		fail_msg("no file:line:column of the bad byte in:\n%s", out);
	free(out);
	unlink(path);
}

#define CAPTURES	"tests/captures/"

/* The topology (without its comment lines) imported from args. */
static char *imported_machine(const char *args, char **msgs)
{
	char topo[256], *text;

	import(topo, sizeof(topo), args, msgs);
	text = simtest_slurp(topo);
	assert_non_null(text);
	unlink(topo);
	return text;
}

static void expect_in(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("expected '%s' in:\n%s", want, text);
}

/*
 * T3 pasted through a mailer and a web form (tests/captures/T3-pasted.dump,
 * made from the reference capture): a bridge's row wrapped after 8 bytes
 * with the rest indented (lspci -F would lose its bus numbers), another
 * wrapped after 12, tabs between bytes, two blanks at line ends, a tab
 * after a function's address, a pcilib: message cutting a row mid-byte.
 * lspci -F refuses the file; the import is the machine of the clean
 * capture, each repair said at its line.
 */
static void test_pasted_capture_is_the_same_machine(void **state)
{
	const char *res = " --resources " ORACLE "T3_switch/resources-boot.tsv";
	char args[512], *msgs, *want, *got, *out;

	(void)state;
	assert_int_equal(simtest_shell(&out, "lspci -F " CAPTURES "T3-pasted.dump -tv"), 1);
	expect_in(out, "Malformed line");
	free(out);
	snprintf(args, sizeof(args), ORACLE "T3_switch/lspci-boot.dump%s", res);
	want = imported_machine(args, &msgs);
	free(msgs);
	snprintf(args, sizeof(args), CAPTURES "T3-pasted.dump%s", res);
	got = imported_machine(args, &msgs);
	assert_string_equal(strstr(got, "\nhost"), strstr(want, "\nhost"));
	expect_in(msgs, "T3-pasted.dump:22: warning: a row of bytes wrapped onto the next line (lspci -F reads its rest as ff): joined (here and on 1 more line)");
	expect_in(msgs, "T3-pasted.dump:1053: warning: a tab after the function's address");
	expect_in(msgs, "T3-pasted.dump:1570: warning: bytes apart by tabs or several spaces");
	expect_in(msgs, "T3-pasted.dump:1828: warning: blanks at the end of the line");
	expect_in(msgs, "T3-pasted.dump:2090: warning: lspci's message 'pcilib: sysfs_read_vpd: read failed: Input/output error' cuts this line: read as its start joined with line 2091");
	free(msgs);
	free(want);
	free(got);
}

/*
 * A row missing in the middle of a function (06:00.0's "30:"): lspci -F
 * reads those bytes as ff; so does the import, saying which row of which
 * function after which line, and what it cost (no interrupt pin, no
 * capabilities): never silently a different device.
 */
static void test_missing_row_reads_ff_as_lspci_and_is_said(void **state)
{
	char *msgs, *got, *out;

	(void)state;
	assert_int_equal(simtest_shell(&out, "lspci -F " CAPTURES "T3-row-missing.dump -xxx -s 06:00.0"), 0);
	expect_in(out, "\n30: ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff ff\n");
	free(out);
	got = imported_machine(CAPTURES "T3-row-missing.dump --resources "
			       ORACLE "T3_switch/resources-boot.tsv", &msgs);
	expect_in(msgs, "T3-row-missing.dump:2086: warning: 0000:06:00.0 has no line '30:' after this one: bytes 30-3f read as ff, as lspci -F reads them (ROM BAR, Capabilities Pointer, Interrupt Pin)");
	expect_in(msgs, "warning: 0000:06:00.0 Capabilities Pointer reads ff");
	expect_in(msgs, "warning: 0000:06:00.0 Interrupt Pin 255 is not INTA-INTD: left out");
	expect_in(got, "00.0 endpoint id=8086:10d3 subsys=8086:0000 class=020000 bar0=mem32:128K");
	free(msgs);
	free(got);
}

/*
 * An x86 server: bus 00 and the uncore buses 3f and 7f, each a root bus
 * of domain 0000 with no bridge leading to it. The import makes a host
 * per root bus in the same domain (no made-up domain), each with its own
 * bus range and I/O space, and pcisim enumerates every function at its
 * BDF: lspci -F draws pcisim's dump as it draws the capture.
 */
static void test_second_root_bus_is_a_host_of_the_same_domain(void **state)
{
	char dump[256], *msgs, *got, *want, *ours;

	(void)state;
	got = imported_machine(CAPTURES "x86-uncore.dump", &msgs);
	if (strstr(msgs, "domain"))
		fail_msg("the import moved a root bus to another domain:\n%s", msgs);
	free(msgs);
	expect_in(got, "\nhost bus=00-3e io=0x0-0x7fff ");
	expect_in(got, "\nhost bus=3f-7e io=0x8000-0xbfff ");
	expect_in(got, "\nhost bus=7f-ff io=0xc000-0xffff ");
	assert_null(strstr(got, "domain="));
	tmpname(dump, sizeof(dump), "uncore-enum.dump");
	{
		char topo[256];
		FILE *f;

		tmpname(topo, sizeof(topo), "uncore.topo");
		f = fopen(topo, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		if (simtest_shell(&msgs, PCISIM " enumerate %s --quiet --dump %s", topo, dump))
			fail_msg("enumerate failed:\n%s", msgs);
		free(msgs);
		unlink(topo);
	}
	assert_int_equal(simtest_shell(&want, "lspci -F " CAPTURES "x86-uncore.dump -tv"), 0);
	assert_int_equal(simtest_shell(&ours, "lspci -F %s -tv", dump), 0);
	assert_string_equal(ours, want);
	expect_in(ours, "[0000:7f]");
	free(want);
	free(ours);
	free(got);
	unlink(dump);
}

/*
 * A laptop's TI PCI1520 (two CardBus functions, header type 2) behind the
 * ICH's PCI bridge, beside a NIC, with a CardBus card in the first
 * socket. The bridges and the NIC survive the import and enumerate as
 * CardBus bridges with the type 2 layout (lspci -F decodes pcisim's dump);
 * the card is left out with a warning naming it: the PCI core does not
 * enumerate CardBus cards (nor numbers a CardBus bus without
 * CONFIG_CARDBUS), pcmcia's yenta driver does.
 */
static void test_cardbus_bridges_survive_and_cards_are_named(void **state)
{
	char topo[256], dump[256], *msgs, *got, *out;
	FILE *f;

	(void)state;
	got = imported_machine(CAPTURES "laptop-cardbus.dump", &msgs);
	expect_in(msgs, "warning: 0000:04:00.0 sits below 0000:03:01.0: left out (a CardBus card");
	assert_null(strstr(msgs, "header type"));
	free(msgs);
	expect_in(got, "\n    00.0 pci-device id=14e4:1677 ");
	expect_in(got, "\n    01.0 cardbus-bridge id=104c:ac55 subsys=1028:0182 rev=01 pin=a bar0=mem32:4K pm\n");
	expect_in(got, "\n    01.1 cardbus-bridge id=104c:ac55 subsys=1028:0182 rev=01 pin=b bar0=mem32:4K pm\n");
	assert_null(strstr(got, "168c:0013"));
	tmpname(topo, sizeof(topo), "cardbus.topo");
	tmpname(dump, sizeof(dump), "cardbus-enum.dump");
	f = fopen(topo, "w");
	assert_non_null(f);
	fputs(got, f);
	fclose(f);
	if (simtest_shell(&out, PCISIM " enumerate %s --quiet --dump %s", topo, dump))
		fail_msg("enumerate failed:\n%s", out);
	free(out);
	assert_int_equal(simtest_shell(&out, "lspci -F %s -vv", dump), 0);
	expect_in(out, "01:00.0 Ethernet controller: Broadcom");
	expect_in(out, "01:01.0 CardBus bridge: Texas Instruments PCI1520");
	expect_in(out, "01:01.1 CardBus bridge: Texas Instruments PCI1520");
	expect_in(out, "Subsystem: Dell Device 0182");
	expect_in(out, "BridgeCtl: Parity- SERR- ISA- VGA- MAbort- >Reset+ 16bInt+ PostWrite-");
	expect_in(out, "Capabilities: [80] Power Management");
	free(out);
	free(got);
	unlink(topo);
	unlink(dump);
}

static void test_T1_dump_and_resources(void **state)
{
	(void)state;
	dump_with_resources("T1_single_endpoint", "boot", "boot", false);
}

static void test_T3_dump_and_resources(void **state)
{
	(void)state;
	dump_with_resources("T3_switch", "boot", "boot", false);
}

static void test_T5_dump_and_resources(void **state)
{
	(void)state;
	dump_with_resources("T5_sriov_nvme", "boot", "boot", false);
}

static void test_T5_boot_dump_then_vfs_enabled(void **state)
{
	(void)state;
	dump_with_resources("T5_sriov_nvme", "boot", "sriov", true);
}

/* A capture with VFs enabled: the VFs are not hardware of their own. */
static void test_T5_sriov_dump_leaves_vfs_to_sriov(void **state)
{
	(void)state;
	dump_with_resources("T5_sriov_nvme", "sriov", "boot", false);
	dump_with_resources("T5_sriov_nvme", "sriov", "sriov", true);
}

/* lspci -vvvxxxx: sizes from [size=], no resources file, no guess. */
static void vvv_sized(const char *name, bool sriov_too)
{
	char topo[256], args[256], *msgs;

	snprintf(args, sizeof(args), ORACLE "%s/lspci-vvvxxxx-boot.txt", name);
	import(topo, sizeof(topo), args, &msgs);
	if (strstr(msgs, "warning"))
		fail_msg("import-lspci %s warned:\n%s", args, msgs);
	free(msgs);
	check(topo, name, "boot", false);
	if (sriov_too)
		check(topo, name, "sriov", true);
	unlink(topo);
}

static void test_T3_vvv_sizes(void **state)
{
	(void)state;
	vvv_sized("T3_switch", false);
}

static void test_T5_vvv_sizes_and_vf_bar_sizes(void **state)
{
	(void)state;
	vvv_sized("T5_sriov_nvme", true);
}

/* No sizes anywhere: one warning per BAR, and still a machine. */
static void test_T3_sizes_guessed_one_warning_per_bar(void **state)
{
	static const char *const bars[] = {
		"0000:00:01.0 BAR 0 ", "0000:00:02.0 BAR 0 ",
		"0000:03:00.0 BAR 0 ", "0000:04:00.0 BAR 0 ",
		"0000:04:00.0 BAR 1 ", "0000:04:00.0 BAR 2 ",
		"0000:04:00.0 BAR 3 ", "0000:06:00.0 BAR 0 ",
		"0000:06:00.0 BAR 1 ", "0000:06:00.0 BAR 2 ",
		"0000:06:00.0 BAR 3 ",
	};
	struct sim_run run = { 0 };
	struct sim_result r;
	char topo[256], *msgs;
	size_t i;

	(void)state;
	import(topo, sizeof(topo), ORACLE "T3_switch/lspci-boot.dump", &msgs);
	assert_int_equal(count(msgs, "size guessed"), 11);
	for (i = 0; i < sizeof(bars) / sizeof(bars[0]); i++) {
		char want[64];

		snprintf(want, sizeof(want), "warning: %ssize guessed as ", bars[i]);
		if (count(msgs, want) != 1)
			fail_msg("expected one '%s' in:\n%s", want, msgs);
	}
	free(msgs);
	run.topo_path = topo;
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		print_error("%s", r.log);
	assert_int_equal(r.status, 0);
	assert_non_null(simtest_find(&r, "0000:06:00.0"));
	simtest_free(&r);
	unlink(topo);
}

/*
 * Sizes guessed from what the capture shows. Addresses alone bounded T4's
 * BARs 64x-4096x too big (a 256-byte bridge BAR alone in a 1M window was
 * "1M"); each guess now takes the room to the next BAR only where BARs
 * are packed, else the least the MSI-X table and PBA need, else the usual
 * size for the class, and says which.
 */
static void test_guessed_sizes_use_what_the_capture_shows(void **state)
{
	char topo[256], *msgs;

	(void)state;
	import(topo, sizeof(topo), ORACLE "T4_nested_pci_bridge/lspci-boot.dump", &msgs);
	expect_in(msgs, "warning: 0000:06:00.0 BAR 0 size guessed as 256 from its address 0x10400000 (usual for its class; at most 1M, from the end of its bridge window at 0x104fffff)");
	expect_in(msgs, "warning: 0000:07:02.0 BAR 0 size guessed as 256 ");
	expect_in(msgs, "warning: 0000:08:03.0 BAR 0 size guessed as 4K ");
	expect_in(msgs, "warning: 0000:0a:00.0 BAR 0 size guessed as 16K from its address 0x10700000 (the least that holds its MSI-X table and PBA; at most 1M, from the address's alignment)");
	expect_in(msgs, "warning: 0000:07:01.0 BAR 0 size guessed as 128K from its address 0x10300000 (an upper bound from the next BAR at 0x10320000: BARs are packed)");
	free(msgs);
	unlink(topo);
	/* T3's guesses are all right: the real machine, with no size given */
	import(topo, sizeof(topo), ORACLE "T3_switch/lspci-boot.dump", &msgs);
	free(msgs);
	check(topo, "T3_switch", "boot", false);
	unlink(topo);
}

/*
 * pcisim's own dump of a four-domain machine with VFs enabled on buses
 * past their PFs': imported, it is the same machine again (same BDFs and
 * bus numbers; sizes are guessed, so windows and BARs may differ).
 */
static void test_multi_domain_roundtrip(void **state)
{
	struct sim_run run = { .topo_path = "topo/examples/multi-domain.topo" };
	struct sim_result want, got;
	char dump[256], topo[256], *msgs;

	(void)state;
	tmpname(dump, sizeof(dump), "md.dump");
	if (simtest_shell(&msgs, PCISIM " enumerate %s --enable-vfs --quiet --dump %s",
			  run.topo_path, dump))
		fail_msg("enumerate failed:\n%s", msgs);
	free(msgs);
	import(topo, sizeof(topo), dump, &msgs);
	assert_int_equal(count(msgs, "error"), 0);
	free(msgs);
	assert_int_equal(simtest_run(&run, &want), 0);
	run.topo_path = topo;
	assert_int_equal(simtest_run(&run, &got), 0);
	if (got.status)
		print_error("%s", got.log);
	assert_int_equal(got.status, 0);
	assert_int_equal(got.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		const struct sim_pci_info *w = &want.dev[i];
		const struct sim_pci_info *g = simtest_find(&got, w->name);

		if (!g)
			fail_msg("%s is missing after the import", w->name);
		assert_int_equal(g->vendor << 16 | g->device, w->vendor << 16 | w->device);
		assert_int_equal(g->secondary << 8 | g->subordinate,
				 w->secondary << 8 | w->subordinate);
	}
	simtest_free(&want);
	simtest_free(&got);
	unlink(dump);
	unlink(topo);
}

/*
 * A capture of 20,000 functions, each on a root bus of its own with no
 * bridge above it: one host per root bus, in its own domain, 256 to a
 * domain. Finding a place for each root bus once walked every function
 * for every candidate for every host (cubic: 0.6 s at 1,000 root buses,
 * 34 s at 2,000); at 20,000 that would be hours, so the test would not
 * end. The time is printed, not asserted (bench/ measures speed).
 */
static void test_thousands_of_root_buses_import_in_linear_time(void **state)
{
	enum { N = 20000 };
	char dump[256], topo[256], *msgs, *text;
	struct timespec t0, t1;
	FILE *f;
	double s;

	(void)state;
	tmpname(dump, sizeof(dump), "roots.dump");
	f = fopen(dump, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < N; i++) {
		fprintf(f, "%04x:%02x:00.0 Class 0200: Device 8086:1533\n", i / 256,
			i % 256);
		/* 8086:1533, class 020000 */
		fprintf(f, "00: 86 80 33 15 00 00 00 00 00 00 00 02 00 00 00 00\n");
		for (unsigned r = 16; r < 256; r += 16)
			fprintf(f, "%02x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n", r);
		fputc('\n', f);
	}
	assert_int_equal(fclose(f), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	import(topo, sizeof(topo), dump, &msgs);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("imported %d root buses in %.2f s\n", N, s);
	/* every root bus keeps its BDF: a host of its own domain, none moved */
	assert_int_equal(count(msgs, "imported as domain"), 0);
	free(msgs);
	assert_int_equal(simtest_shell(&text, "cat %s", topo), 0);
	if (!strstr(text, "host domain=0001 bus=01-01") ||
	    !strstr(text, "host domain=004e bus=1f-ff"))
		fail_msg("root buses not hosts of their own domains");
	free(text);
	assert_int_equal(simtest_shell(&text, "grep -c '^host' %s", topo), 0);
	assert_int_equal(atoi(text), N);
	free(text);
	assert_int_equal(simtest_shell(&text, "cat %s", topo), 0);
	assert_int_equal(count(text, "\nhost"), N);
	assert_int_equal(count(text, "pci-device id=8086:1533"), N);
	free(text);
	unlink(dump);
	unlink(topo);
}

/*
 * A capture whose file name has a space, a tab and a newline: the name
 * goes into the topology's first comment, where a raw newline left the
 * rest of the name as a line the parser refused (#14).
 */
static void test_odd_file_name_gives_a_topology_that_loads(void **state)
{
	char dir[256], dump[320], topo[320], *text, *out;
	size_t len;
	FILE *f;

	(void)state;
	tmpname(dir, sizeof(dir), "odd-names");
	simtest_shell(NULL, "rm -rf %s && mkdir %s", dir, dir);
	snprintf(dump, sizeof(dump), "%s/we ird\tna\nme.dump", dir);
	snprintf(topo, sizeof(topo), "%s/o\nut.topo", dir);
	text = simtest_slurp("tests/oracle/T3_switch/lspci-boot.dump");
	assert_non_null(text);
	len = strlen(text);
	f = fopen(dump, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(text);
	/* in double quotes the shell keeps the tab and the newline as they are */
	if (simtest_shell(&out, PCISIM " import-lspci \"%s\" -o \"%s\" && "
			  PCISIM " enumerate \"%s\" --quiet >/dev/null", dump, topo, topo))
		fail_msg("a capture named with a newline did not give a topology that loads:\n%s", out);
	free(out);
	text = simtest_slurp(topo);
	assert_non_null(text);
	if (!strstr(text, "we ird\\x09na\\x0ame.dump"))
		fail_msg("the name's control characters are not escaped: %.80s", text);
	free(text);
	simtest_shell(NULL, "rm -rf %s", dir);
}

/* Write text to a temporary file named after what. */
static void write_tmp(char *path, size_t len, const char *what,
		      const char *text)
{
	FILE *f;

	tmpname(path, len, what);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Expect exit status 2 and an error at want ("FILE:LINE:COL: error"). */
static void expect_error(const char *args, const char *path, const char *at)
{
	char want[512], *out;
	int st = simtest_shell(&out, PCISIM " import-lspci %s", args);

	snprintf(want, sizeof(want), "%s:%s: error: ", path, at);
	if (st != 2 || !strstr(out, want))
		fail_msg("import-lspci %s: status %d, expected 2 and '%s' in:\n%s",
			 args, st, want, out);
	free(out);
}

static void test_malformed_dump_line_is_exit_2_at_line_col(void **state)
{
	char path[256];

	(void)state;
	write_tmp(path, sizeof(path), "bad.dump",
		  "00:00.0 Class 0600: Device 1b36:0008\n"
		  "00: 36 1b 08 00 00 00 00 00 00 00 00 06 00 00 00 00\n"
		  "10: 00 zz 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
	expect_error(path, path, "3:8");
	unlink(path);
	write_tmp(path, sizeof(path), "bad2.dump",
		  "00:00.0 Class 0600: Device 1b36:0008\n"
		  "00: 36 1b 08 00 00 00 00 00 00 00 00 06 00 00 00 00\n"
		  "18: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n");
	expect_error(path, path, "3:1");
	unlink(path);
	write_tmp(path, sizeof(path), "bad3.dump",
		  "00:00.0 Class 0600: Device 1b36:0008\n"
		  "00: 36 1b 08 00 00 00 00 00 00 00 00 06 00 00 00 00\n"
		  "this is not lspci\n");
	/* skipped, as lspci -F skips it, aloud; then the function is short */
	expect_error(path, path, "1:1");
	{
		char *out;

		simtest_shell(&out, PCISIM " import-lspci %s", path);
		expect_in(out, ":3: warning: not a line of an lspci -xxxx capture");
		free(out);
	}
	unlink(path);
	write_tmp(path, sizeof(path), "short.dump",
		  "00:00.0 Class 0600: Device 1b36:0008\n"
		  "00: 36 1b 08 00 00 00 00 00 00 00 00 06 00 00 00 00\n");
	expect_error(path, path, "1:1");
	unlink(path);
}

static void test_malformed_resources_is_exit_2_at_line_col(void **state)
{
	char path[256], args[512];

	(void)state;
	write_tmp(path, sizeof(path), "bad.tsv",
		  "bdf\tindex\tname\tkind\tstart\tend\tsize\tflags\tcfg_value\n"
		  "0000:00:02.0\t0\tBAR0\tmem\t0x10000000\t0x1001ffff\t0x2000o\t0x40200\t0x10000000\n");
	snprintf(args, sizeof(args), ORACLE "T1_single_endpoint/lspci-boot.dump --resources %s",
		 path);
	expect_error(args, path, "2:47");
	unlink(path);
}

/* Bus numbers that are no tree: two bridges claim secondary bus 01. */
static void test_bus_numbers_not_a_tree_is_exit_2(void **state)
{
	char path[256], *text = simtest_slurp(ORACLE "T5_sriov_nvme/lspci-boot.dump");
	char *rp2, *bus;

	(void)state;
	assert_non_null(text);
	rp2 = strstr(text, "00:02.0 Class 0604");
	assert_non_null(rp2);
	/* "10: 00 10 60 10 00 00 00 00 00 02 02 00": 0x19 is the secondary */
	bus = strstr(rp2, "\n10: ");
	assert_non_null(bus);
	bus += 5 + 9 * 3;
	assert_memory_equal(bus, "02 02", 5);
	memcpy(bus, "01", 2);
	write_tmp(path, sizeof(path), "loop.dump", text);
	free(text);
	expect_error(path, path, "277:1");
	unlink(path);
}

/*
 * --resources rows that describe a BAR the captured config space cannot
 * have, or a function the capture does not show, are refused at
 * file:line:column (they used to be taken, or ignored with a warning).
 */
static void test_resources_rows_the_capture_cannot_have_are_refused(void **state)
{
	static const struct { const char *row, *msg; } bad[] = {
		{ "0000:00:01.0\t3\tBAR3\tmem\t0x10900000\t0x10900fff\t0x1000\t0x40200\t0",
		  ":11:14: error: 0000:00:01.0 has no BAR 3 (header type 1 has 2)" },
		{ "0000:03:00.0\t1\tBAR1\tmem\t0x10900000\t0x10900fff\t0x1000\t0x40200\t0",
		  ":11:14: error: 0000:03:00.0 BAR 1 is the upper half of 64-bit BAR 0" },
		{ "0000:09:00.0\t0\tBAR0\tmem\t0x10900000\t0x10900fff\t0x1000\t0x40200\t0",
		  ":11:1: error: 0000:09:00.0: the capture has no such function" },
	};
	char *out;
	int st;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = simtest_shell(&out, "(t=$(mktemp) && head -10 %s > $t && printf '%s\\n' >> $t && "
				   PCISIM " import-lspci %s --resources $t -o /dev/null; "
				   "rc=$?; rm -f $t; exit $rc)",
				   "tests/oracle/T3_switch/resources-boot.tsv", bad[i].row,
				   "tests/oracle/T3_switch/lspci-boot.dump");
		if (st != 2 || !strstr(out, bad[i].msg))
			fail_msg("row %s: exit %d:\n%s", bad[i].row, st, out);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoted_capture_with_lspci_messages),
		cmocka_unit_test(test_quoted_capture_error_column),
		cmocka_unit_test(test_pasted_capture_is_the_same_machine),
		cmocka_unit_test(test_missing_row_reads_ff_as_lspci_and_is_said),
		cmocka_unit_test(test_second_root_bus_is_a_host_of_the_same_domain),
		cmocka_unit_test(test_cardbus_bridges_survive_and_cards_are_named),
		cmocka_unit_test(test_T1_dump_and_resources),
		cmocka_unit_test(test_T3_dump_and_resources),
		cmocka_unit_test(test_T5_dump_and_resources),
		cmocka_unit_test(test_T5_boot_dump_then_vfs_enabled),
		cmocka_unit_test(test_T5_sriov_dump_leaves_vfs_to_sriov),
		cmocka_unit_test(test_T3_vvv_sizes),
		cmocka_unit_test(test_T5_vvv_sizes_and_vf_bar_sizes),
		cmocka_unit_test(test_T3_sizes_guessed_one_warning_per_bar),
		cmocka_unit_test(test_guessed_sizes_use_what_the_capture_shows),
		cmocka_unit_test(test_multi_domain_roundtrip),
		cmocka_unit_test(test_thousands_of_root_buses_import_in_linear_time),
		cmocka_unit_test(test_odd_file_name_gives_a_topology_that_loads),
		cmocka_unit_test(test_malformed_dump_line_is_exit_2_at_line_col),
		cmocka_unit_test(test_malformed_resources_is_exit_2_at_line_col),
		cmocka_unit_test(test_bus_numbers_not_a_tree_is_exit_2),
		cmocka_unit_test(test_resources_rows_the_capture_cannot_have_are_refused),
	};

	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
