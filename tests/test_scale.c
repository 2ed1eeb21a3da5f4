/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scale (#7): topologies from pcisim gen, copy-on-write config space, the
 * phases a run times, and a live update of thousands of functions with a
 * fraction of them preserved. Sizes stay small here (make check runs in
 * seconds); make bench runs the big ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "machine.h"
#include "simtest.h"
#include "topofile.h"

#ifndef PCISIM
#define PCISIM "build/pcisim"
#endif

#define run(out, ...)	simtest_shell(out, __VA_ARGS__)

static void tmpname(char *buf, size_t len, const char *what)
{
	snprintf(buf, len, "/tmp/pcisim-test-%d-%s", (int)getpid(), what);
}

static struct topo *parse(const char *text)
{
	struct topo_error err;
	struct topo *t;

	memset(&err, 0, sizeof(err));
	t = topo_parse_string("<test>", text, strlen(text), &err);
	if (!t)
		fail_msg("%s:%d:%d: %s", err.file, err.line, err.col, err.msg);
	return t;
}

/* The file gen writes parses, and has the functions it says it has. */
static void test_gen_writes_the_shape_asked_for(void **state)
{
	char path[256], *out, *text;
	struct topo *t;
	int st;

	(void)state;
	tmpname(path, sizeof(path), "gen.topo");
	st = run(&out, PCISIM " gen --domains 2 --root-ports 3 --depth 2 --fanout 2 --endpoints 3 --vfs 2 -o %s",
		 path);
	assert_int_equal(st, 0);
	/* per root port: 1 + switch(1 + 2 x (1 + switch(1 + 2 x (1 + 3 x 3)))) */
	if (!strstr(out, "276 functions in 2 domain(s)"))
		fail_msg("unexpected: %s", out);
	free(out);
	text = simtest_slurp(path);
	assert_non_null(text);
	t = parse(text);
	/* VFs are not lines of the file: 2 x 3 x 4 x 3 PFs with 2 VFs each */
	assert_int_equal(topo_nr_functions(t), 276 - 2 * 3 * 4 * 3 * 2);
	topo_free(t);
	free(text);
	unlink(path);
}

static void test_gen_functions_target_fills_domains(void **state)
{
	char *out;
	int st;

	(void)state;
	/* 257 functions per root port, 255 root ports per domain */
	st = run(&out, PCISIM " gen --functions 70000 --endpoints 256 | grep -c '^host'");
	assert_int_equal(st, 0);
	assert_int_equal(atoi(out), 2);
	free(out);
}

static void test_gen_refuses_what_cannot_fit(void **state)
{
	char *out;

	(void)state;
	/* depth 3 fan-out 8: 2 + 8 x (2 + 8 x 10) buses per root port */
	assert_int_equal(run(&out, PCISIM " gen --depth 3 --fanout 8"), 2);
	if (!strstr(out, "buses"))
		fail_msg("no reason given: %s", out);
	free(out);
	assert_int_equal(run(&out, PCISIM " gen --endpoints 300"), 2);
	free(out);
	/* the most domains, but 33M functions: past a machine's limit */
	assert_int_equal(run(&out, PCISIM " gen --domains 65536"), 2);
	if (!strstr(out, "at most 16777216"))
		fail_msg("no limit given: %s", out);
	free(out);
	assert_int_equal(run(&out, PCISIM " enumerate gen:functions=16777217"), 2);
	if (!strstr(out, "at most 16777216"))
		fail_msg("no limit given: %s", out);
	free(out);
	/*
	 * Within the limit but more than this host holds (4 KiB a function
	 * at the least): refused before it is built, not built for minutes
	 * until the out-of-memory killer ends it.
	 */
	if ((unsigned long long)sysconf(_SC_PHYS_PAGES) * (unsigned long long)sysconf(_SC_PAGESIZE) <
	    (unsigned long long)TOPO_MAX_FUNCTIONS * 4096) {
		assert_int_equal(run(&out, PCISIM " enumerate gen:functions=16777216"), 2);
		if (!strstr(out, "16777216 functions (VFs included) need more than 64 GiB"))
			fail_msg("no memory named: %s", out);
		free(out);
	}
	assert_int_equal(run(&out, PCISIM " enumerate gen:endpoints=9,nonsense=1"), 2);
	if (!strstr(out, "nonsense"))
		fail_msg("no error named the key: %s", out);
	free(out);
}

/* Enable n VFs of one PF: (config accesses of enable-vfs, wall s). */
static long enable_vfs_accesses(unsigned n, double *wall)
{
	char topo[256], phases[256], *out;
	long acc;
	FILE *f;

	tmpname(topo, sizeof(topo), "vfs.topo");
	tmpname(phases, sizeof(phases), "vfs-phases.tsv");
	f = fopen(topo, "w");
	assert_non_null(f);
	fprintf(f, "host\n  00.0 rciep id=8086:10fb class=020000 bar0=mem64:16K ari sriov=%u vf-offset=1 vf-stride=1 vf-device=10ed\n",
		n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(run(&out, PCISIM " enumerate %s --enable-vfs --quiet --log /dev/null --phases %s",
			     topo, phases), 0);
	free(out);
	assert_int_equal(run(&out, "grep '^# functions' %s | cut -f2", phases), 0);
	assert_int_equal(atoi(out), (int)n + 1);
	free(out);
	assert_int_equal(run(&out, "grep '^enable-vfs' %s | cut -f2,3", phases), 0);
	*wall = atof(out);
	acc = atol(strchr(out, '\t') ? strchr(out, '\t') + 1 : out);
	free(out);
	unlink(topo);
	unlink(phases);
	return acc;
}

/*
 * The most VFs a PF may have, 65,535 (an RCiEP at 00.0 of the root bus:
 * the last VF is ff:1f.7), enabled: pcisim's part (routing, the VFs'
 * config space) is linear, 0.7 s here. With VF BARs the kernel's part is
 * not (FORMAT.md, "Limits"), so this PF has none. The time is printed, not
 * asserted (bench/ measures speed); what is asserted is the work: config
 * accesses a VF, the same at 65,535 VFs as at 64 (about 73).
 */
static void test_pf_of_65535_vfs_enables_in_linear_time(void **state)
{
	double wall_few, wall;
	long few, many;

	(void)state;
	few = enable_vfs_accesses(64, &wall_few);
	many = enable_vfs_accesses(65535, &wall);
	print_message("enabled 64 VFs in %.3f s (%ld config accesses), 65535 in %.2f s (%ld)\n",
		      wall_few, few, wall, many);
	/* the same work a VF at 65,535 VFs as at 64, give or take a tenth */
	assert_true(few > 64 && many > 65535);
	assert_true((double)many / 65535 <= 1.1 * ((double)few / 64));
}

/* gen: as TOPO goes straight to the machine, and the kernel finds it. */
static void test_gen_feeds_enumerate_directly(void **state)
{
	char *out;

	(void)state;
	assert_int_equal(run(&out, PCISIM " enumerate gen:root-ports=2,endpoints=12 --log /dev/null | grep -cE '[+\\]-.*PCIe Endpoint'"),
			 0);
	assert_int_equal(atoi(out), 24);
	free(out);
}

/*
 * A thousand identical functions share their masks and power-on chunks:
 * what a function costs alone does not grow with the number of copies,
 * and a write copies one chunk, which a reset shares again.
 */
static void test_identical_functions_share_config_space(void **state)
{
	uint64_t blobs, bytes, priv, blobs2, bytes2, priv2;
	char text[256];
	struct machine *m;
	struct topo_error err;
	struct topo *t;
	uint32_t v;

	(void)state;
	snprintf(text, sizeof(text),
		 "template ep endpoint id=1af4:1041 class=020000 bar0=pref64:16K ari aer msix=4\n"
		 "template rp root-port id=1b36:000c\n%s", "");
	{
		/* 4 root ports x 250 ARI functions */
		char *big = malloc(64 * 1024), *p = big;

		p += sprintf(p, "%s", text);
		for (int e = 0; e < 250; e++)
			p += sprintf(p, "  %02x.%d ep\n", e >> 3, e & 7);
		p += sprintf(p, "host\n");
		for (int r = 0; r < 4; r++)
			p += sprintf(p, "  %02x.0 rp\n", r + 1);
		t = parse(big);
		free(big);
	}
	memset(&err, 0, sizeof(err));
	m = topo_build(t, &err);
	topo_free(t);
	assert_non_null(m);
	assert_int_equal(machine_nr_functions(m, NULL), 1004);
	machine_cow_stats(&blobs, &bytes, &priv);
	/*
	 * ARI Next Function differs per function number and the port's
	 * presence bits per port: a few hundred distinct chunks, not 16 per
	 * function; nothing private before the first write.
	 */
	if (blobs > 600 || bytes > 600 * 4096)
		fail_msg("%llu shared blobs, %llu bytes for 1004 functions",
			 (unsigned long long)blobs, (unsigned long long)bytes);

	/* route to bus 1 below the first port; size a BAR there */
	assert_true(machine_cfg_write(m, 0, 0, 0x08, PCI_PRIMARY_BUS, 4, 0x010100));
	machine_cow_stats(&blobs2, &bytes2, &priv2);
	assert_true(machine_cfg_read(m, 0, 1, 0x05, PCI_VENDOR_ID, 4, &v));
	assert_int_equal(v, 0x10411af4);
	assert_true(machine_cfg_write(m, 0, 1, 0x05, PCI_BASE_ADDRESS_0, 4, 0xffffffff));
	machine_cow_stats(&blobs2, &bytes2, &priv);
	assert_int_equal(priv, priv2 + 1);	/* one chunk copied */
	assert_true(machine_cfg_read(m, 0, 1, 0x05, PCI_BASE_ADDRESS_0, 4, &v));
	assert_int_equal(v, 0xffffc00c);	/* 16K, 64-bit, prefetchable */
	assert_true(machine_cfg_read(m, 0, 1, 0x06, PCI_BASE_ADDRESS_0, 4, &v));
	assert_int_equal(v, 0x0000000c);	/* its neighbour is untouched */
	/* writing the power-on value back shares the chunk again */
	assert_true(machine_cfg_write(m, 0, 1, 0x05, PCI_BASE_ADDRESS_0, 4, 0));
	machine_cow_stats(&blobs2, &bytes2, &priv);
	assert_int_equal(priv, priv2);
	/* the ARI chain of 250 functions: 0 -> 1 -> ... -> 249 -> 0 */
	assert_true(machine_cfg_read(m, 0, 1, 0x00, PCI_HEADER_TYPE, 1, &v));
	assert_int_equal(v & 0x80, 0x80);
	for (int fn = 0; fn < 250; fn++) {
		char path[64];
		const uint8_t *cfg;
		uint16_t pos = 0x100;
		int next = -1;

		snprintf(path, sizeof(path), "0000/01.0/%02x.%d", fn >> 3, fn & 7);
		assert_non_null(machine_find_path(m, path));
		cfg = mfunc_config(machine_find_path(m, path));
		while (pos) {
			uint32_t hdr = cfg[pos] | cfg[pos + 1] << 8 |
				       cfg[pos + 2] << 16 | (uint32_t)cfg[pos + 3] << 24;

			if ((hdr & 0xffff) == PCI_EXT_CAP_ID_ARI)
				next = cfg[pos + PCI_ARI_CAP + 1];
			pos = hdr >> 20;
		}
		assert_int_equal(next, fn == 249 ? 0 : fn + 1);
	}
	machine_free(m);
}

static int phases_have(const char *text, const char *phase)
{
	char want[64];

	snprintf(want, sizeof(want), "\n%s\t", phase);
	return strstr(text, want) != NULL;
}

/*
 * A live update of a generated machine with a fraction of its devices
 * preserved (PFs, VFs, endpoints), every check held, the phases timed.
 */
static void test_run_preserves_a_fraction_and_times_phases(void **state)
{
	static const char *const phases[] = {
		"load", "enumerate", "assign", "add", "enable-vfs", "preserve",
		"shutdown", "kexec", "kexec-enumerate", "kexec-assign",
		"kexec-add", "restore", "check",
	};
	char path[256], *out, *text;
	int st;

	(void)state;
	tmpname(path, sizeof(path), "phases.tsv");
	st = run(&out, PCISIM " run gen:functions=2000,depth=1,fanout=4,endpoints=2,vfs=3 --enable-vfs --preserve-fraction 0.02 --phases %s --log /dev/null",
		 path);
	if (st)
		fail_msg("exit %d: %s", st, out);
	/* 53 root ports of 38 functions; every 50th of the 1696 others */
	if (!strstr(out, "every check held") ||
	    !strstr(out, "preserving 34 of them"))
		fail_msg("unexpected: %s", out);
	free(out);
	text = simtest_slurp(path);
	assert_non_null(text);
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++)
		if (!phases_have(text, phases[i]))
			fail_msg("phase %s missing in:\n%s", phases[i], text);
	if (!strstr(text, "# functions\t2014\n"))
		fail_msg("function count: %s", text);
	free(text);
	unlink(path);

	assert_int_equal(run(&out, PCISIM " run --preserve-fraction 0"), 2);
	free(out);
}

/*
 * Regression: user space holds an fd per preserved device; past 1,024 of
 * them every preservation failed with -EMFILE until it raised
 * RLIMIT_NOFILE, as a VMM preserving that many devices would.
 */
static void test_run_preserves_more_devices_than_the_default_fd_limit(void **state)
{
	char *out;
	int st;

	(void)state;
	st = run(&out, PCISIM " run gen:functions=4000,depth=1,fanout=4,endpoints=8,vfs=0 --preserve-fraction 0.4 --log /dev/null");
	if (st || !strstr(out, "every check held"))
		fail_msg("exit %d: %s", st, out);
	assert_null(strstr(out, "-24"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gen_writes_the_shape_asked_for),
		cmocka_unit_test(test_gen_functions_target_fills_domains),
		cmocka_unit_test(test_gen_refuses_what_cannot_fit),
		cmocka_unit_test(test_gen_feeds_enumerate_directly),
		cmocka_unit_test(test_pf_of_65535_vfs_enables_in_linear_time),
		cmocka_unit_test(test_identical_functions_share_config_space),
		cmocka_unit_test(test_run_preserves_a_fraction_and_times_phases),
		cmocka_unit_test(test_run_preserves_more_devices_than_the_default_fd_limit),
	};

	return cmocka_run_group_tests_name("scale", tests, NULL, NULL);
}
