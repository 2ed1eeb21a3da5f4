/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fidelity: the same hardware gives the same enumeration as a real kernel.
 *
 * tests/oracle/ holds what Linux 6.12.117 assigned on QEMU's arm64 virt
 * machine (generic ECAM host, no firmware) for three topologies;
 * tests/topo/ models the same hardware. Every function the real kernel
 * found must be found at the same BDF, with the same bridge bus numbers,
 * bridge windows, BARs and VF BARs, and no function may be extra.
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

static char *next_field(char **line)
{
	char *f = *line, *tab;

	if (!f)
		return NULL;
	tab = strchr(f, '\t');
	if (tab) {
		*tab = '\0';
		*line = tab + 1;
	} else {
		f[strcspn(f, "\n")] = '\0';
		*line = NULL;
	}
	return f;
}

/* devices-*.tsv: BDF set and bridge bus numbers. */
static int compare_devices(const struct sim_result *r, const char *path)
{
	char line[1024];
	size_t rows = 0;
	int bad = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f)); /* header */
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *bdf, *fields[10];
		const struct sim_pci_info *d;
		int i;

		bdf = next_field(&p);
		for (i = 0; i < 9; i++)
			fields[i] = next_field(&p);
		rows++;
		d = simtest_find(r, bdf);
		if (!d) {
			print_error("%s: %s missing\n", path, bdf);
			bad++;
			continue;
		}
		/* fields: 0 id, 1 class, 2 hdr, 3 mf, 4 type, 5 parent, 6 pri, 7 sec, 8 sub */
		if (strcmp(fields[6], "-")) {
			unsigned int pri = strtoul(fields[6], NULL, 16);
			unsigned int sec = strtoul(fields[7], NULL, 16);
			unsigned int sub = strtoul(fields[8], NULL, 16);

			if (!d->is_bridge || d->primary != pri ||
			    d->secondary != sec || d->subordinate != sub) {
				print_error("%s: %s bus numbers %02x/%02x/%02x, real kernel %02x/%02x/%02x\n",
					    path, bdf, d->primary, d->secondary,
					    d->subordinate, pri, sec, sub);
				bad++;
			}
		}
	}
	fclose(f);
	if (rows != r->n) {
		print_error("%s: real kernel found %zu functions, pcisim %zu\n",
			    path, rows, r->n);
		bad++;
	}
	return bad;
}

/* resources-*.tsv: every BAR, VF BAR and bridge window. */
static int compare_resources(const struct sim_result *r, const char *path)
{
	char line[1024];
	int bad = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *bdf, *idx, *name, *kind, *start, *end;
		unsigned long long s, e;
		const struct sim_pci_info *d;
		int i;

		bdf = next_field(&p);
		idx = next_field(&p);
		name = next_field(&p);
		kind = next_field(&p);
		start = next_field(&p);
		end = next_field(&p);
		(void)kind;
		i = atoi(idx);
		s = strtoull(start, NULL, 16);
		e = strtoull(end, NULL, 16);
		d = simtest_find(r, bdf);
		if (!d || i < 0 || i >= SIM_NR_RES)
			continue;	/* a missing function is reported above */
		if (d->res[i].start != s || d->res[i].end != e) {
			print_error("%s: %s %s is %#llx-%#llx, real kernel %#llx-%#llx\n",
				    path, bdf, name, d->res[i].start,
				    d->res[i].end, s, e);
			bad++;
		}
	}
	fclose(f);
	return bad;
}

static void check_oracle(const char *name, const char *phase, bool vfs)
{
	char topo[256], devs[256], res[256];
	struct sim_run run = { .enable_vfs = vfs };
	struct sim_result r;
	int bad;

	snprintf(topo, sizeof(topo), "tests/topo/%s.topo", name);
	snprintf(devs, sizeof(devs), "tests/oracle/%s/devices-%s.tsv", name, phase);
	snprintf(res, sizeof(res), "tests/oracle/%s/resources-%s.tsv", name, phase);
	run.topo_path = topo;
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		print_error("%s", r.log);
	assert_int_equal(r.status, 0);
	bad = compare_devices(&r, devs) + compare_resources(&r, res);
	if (bad)
		print_error("--- pcisim kernel log ---\n%s", r.log);
	assert_int_equal(bad, 0);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_T1_single_endpoint_boot(void **state)
{
	(void)state;
	check_oracle("T1_single_endpoint", "boot", false);
}

static void test_T3_switch_boot(void **state)
{
	(void)state;
	check_oracle("T3_switch", "boot", false);
}

static void test_T5_sriov_nvme_boot(void **state)
{
	(void)state;
	check_oracle("T5_sriov_nvme", "boot", false);
}

static void test_T5_sriov_nvme_vfs_enabled(void **state)
{
	(void)state;
	check_oracle("T5_sriov_nvme", "sriov", true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_T1_single_endpoint_boot),
		cmocka_unit_test(test_T3_switch_boot),
		cmocka_unit_test(test_T5_sriov_nvme_boot),
		cmocka_unit_test(test_T5_sriov_nvme_vfs_enabled),
	};

	return cmocka_run_group_tests_name("oracle", tests, NULL, NULL);
}
