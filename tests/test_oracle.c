/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fidelity: the same hardware gives the same enumeration as a real kernel.
 *
 * tests/oracle/ holds what Linux 7.3.4 assigned on QEMU's arm64 virt
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
	bad = simtest_compare_devices(&r, devs) +
	      simtest_compare_resources(&r, res);
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
