/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KHO and the simulated kexec: preserved memory of every kind comes back
 * byte-exact at the same physical address after 1 and 3 kexecs; memory
 * nobody preserved is poisoned and touching it is caught; a corrupt
 * handover is refused with a message while the new kernel still boots and
 * enumerates; nothing preserved is leaked once restored.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "simtest.h"

#define KEXEC_CMDLINE	"kho=on liveupdate=on"

static void run_ok(struct sim_run *run, struct sim_result *r)
{
	if (!run->topo_path && !run->topo_text)
		run->topo_path = "tests/topo/T3_switch.topo";
	if (!run->cmdline)
		run->cmdline = KEXEC_CMDLINE;
	assert_int_equal(simtest_run(run, r), 0);
	if (r->status)
		fail_msg("child exited %d; log:\n%s", r->status, r->log);
}

static int nr_kexecs;

static int preserve_kexec_verify(struct machine *m, void *arg)
{
	int i, ret;

	(void)arg;
	for (i = 0; i < nr_kexecs; i++) {
		ret = sim_kho_selftest_preserve(1000 + i);
		if (ret)
			return ret;
		ret = cli_kexec(m, KEXEC_CMDLINE);
		if (ret)
			return ret;
		ret = sim_kho_selftest_verify(1000 + i);
		if (ret)
			return ret;
		if (sim_kho_leaked_pages()) {
			fprintf(stderr, "%lu preserved pages leaked\n",
				sim_kho_leaked_pages());
			return -1;
		}
	}
	return 0;
}

static void test_preserved_memory_round_trips_one_kexec(void **state)
{
	struct sim_run run = { .scenario = preserve_kexec_verify };
	struct sim_result r;

	(void)state;
	nr_kexecs = 1;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "KHO: found handover"));
	assert_int_equal(r.warns, 0);
	/* the new kernel enumerated the machine again */
	assert_non_null(simtest_find(&r, "0000:03:00.0"));
	simtest_free(&r);
}

static void test_preserved_memory_round_trips_three_kexecs(void **state)
{
	struct sim_run run = { .scenario = preserve_kexec_verify };
	struct sim_result r;
	const char *p;
	int found = 0;

	(void)state;
	nr_kexecs = 3;
	run_ok(&run, &r);
	for (p = r.log; (p = strstr(p, "KHO: found handover")); p++)
		found++;
	assert_int_equal(found, 3);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/* How often the log says a restore was refused. */
static int count_refusals(const char *log)
{
	const char *p = log;
	int n = 0;

	while ((p = strstr(p, "KHO: cannot restore "))) {
		n++;
		p++;
	}
	return n;
}

static int restore_twice_and_never(struct machine *m, void *arg)
{
	int before, after, ret;

	(void)arg;
	/* never preserved, outside RAM, unaligned */
	before = sim_kho_selftest_bad_restores();
	if (before != 4) {
		fprintf(stderr, "kho-test: FAIL %d refusals before kexec, want 4\n",
			before);
		return -1;
	}
	ret = sim_kho_selftest_preserve(7);
	ret = ret ?: cli_kexec(m, KEXEC_CMDLINE);
	if (ret)
		return ret;
	/* the same, then tail pages of the folio, run and vmalloc area */
	after = sim_kho_selftest_bad_restores();
	if (after != 4 + 9) {
		fprintf(stderr, "kho-test: FAIL %d refusals after kexec, want 13\n",
			after);
		return -1;
	}
	/* asking for tails took nothing: every range comes back whole */
	ret = sim_kho_selftest_verify(7);
	if (ret) {
		fprintf(stderr, "kho-test: FAIL verify after tail restores: %d\n",
			ret);
		return ret;
	}
	if (sim_kho_leaked_pages()) {
		fprintf(stderr, "kho-test: FAIL %lu pages leaked\n",
			sim_kho_leaked_pages());
		return -1;
	}
	/* everything is restored now: a second restore must fail cleanly */
	if (sim_kho_selftest_verify(7) == 0)
		return -1;
	fprintf(stderr, "kho-test: refusals %d\n", before + after + 1);
	return 0;
}

static void test_bad_restores_fail_with_a_warning_not_a_crash(void **state)
{
	struct sim_run run = { .scenario = restore_twice_and_never };
	struct sim_result r;
	const char *p;
	int want;

	(void)state;
	run_ok(&run, &r);
	p = strstr(r.log, "kho-test: refusals ");
	assert_non_null(p);
	want = atoi(p + strlen("kho-test: refusals "));
	assert_int_equal(want, 18);
	/* each refused restore warned, with its address */
	assert_int_equal(count_refusals(r.log), want);
	assert_non_null(strstr(r.log, "not a head page"));
	assert_null(strstr(r.log, "kho-selftest: restore of"));
	simtest_free(&r);
}

static int leak_on_purpose(struct machine *m, void *arg)
{
	int ret;

	(void)arg;
	ret = sim_kho_selftest_preserve(9);
	ret = ret ?: cli_kexec(m, KEXEC_CMDLINE);
	if (ret)
		return ret;
	/* nobody restores the self-test's memory */
	return sim_kho_leaked_pages() > 0 ? 0 : -1;
}

static void test_unrestored_memory_is_reported_as_leaked(void **state)
{
	struct sim_run run = { .scenario = leak_on_purpose };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	simtest_free(&r);
}

static unsigned long long stale_pa;

static int touch_unpreserved(struct machine *m, void *arg)
{
	int ret;

	(void)arg;
	stale_pa = sim_kho_selftest_unpreserved_page();
	ret = cli_kexec(m, KEXEC_CMDLINE);
	if (ret)
		return ret;
	sim_kho_selftest_read_phys(stale_pa);
	return -1;	/* not reached: the read must be caught */
}

static void test_reading_unpreserved_memory_is_caught(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = KEXEC_CMDLINE,
			       .scenario = touch_unpreserved };
	struct sim_result r;
	char want[96];

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	snprintf(want, sizeof(want), "not preserved across kexec: PA %#llx", stale_pa);
	if (!strstr(r.log, want))
		fail_msg("no report of the stale read (%s) in:\n%s", want, r.log);
	simtest_free(&r);
}

/* ---- corrupt handovers: refused, and the new kernel still boots ---- */

enum corruption {
	TRUNCATED,
	BAD_MAGIC,
	BAD_COMPATIBLE,
	MAP_OUTSIDE_RAM,
	BLOB_OUTSIDE_RAM,
	MAP_UNPRESERVED,
};

static int corrupt_and_boot(struct machine *m, void *arg)
{
	enum corruption how = *(enum corruption *)arg;
	unsigned long long fdt_pa, len;
	uint64_t base, size;
	char *ram = machine_ram(m, &base, &size);
	void *fdt;
	int ret;

	ret = sim_kho_selftest_preserve(5);
	ret = ret ?: sim_kernel_kexec_prepare(&fdt_pa, &len);
	if (ret)
		return ret;
	fdt = ram + (fdt_pa - base);
	switch (how) {
	case TRUNCATED:
		len = 16;
		break;
	case BAD_MAGIC:
		memset(fdt, 0, 4);
		break;
	case BAD_COMPATIBLE:
		fdt_setprop_inplace(fdt, 0, "compatible", "kho-v9", 7);
		break;
	case MAP_OUTSIDE_RAM:
		fdt_setprop_inplace_u64(fdt, 0, "preserved-memory-map", 0x1000);
		break;
	case BLOB_OUTSIDE_RAM:
		fdt_pa = base + size + 0x10000;
		break;
	case MAP_UNPRESERVED:
		/* a page of RAM that the machine poisons at kexec */
		fdt_setprop_inplace_u64(fdt, 0, "preserved-memory-map",
					base + size - 4096);
		break;
	}
	machine_ram_poison_unkept(m);
	host_kworld_reset();
	ret = cli_boot_again(m, KEXEC_CMDLINE, fdt_pa, len);
	if (ret)
		return ret;
	/* nothing was handed over, and asking for it fails cleanly */
	return sim_kho_selftest_verify(5) ? 0 : -1;
}

static void check_refused(enum corruption how, const char *msg)
{
	struct sim_run run = { .scenario = corrupt_and_boot, .arg = &how };
	struct sim_result r;

	run_ok(&run, &r);
	if (!strstr(r.log, msg))
		fail_msg("expected \"%s\" in:\n%s", msg, r.log);
	assert_null(strstr(r.log, "KHO: found handover"));
	assert_non_null(simtest_find(&r, "0000:03:00.0"));
	simtest_free(&r);
}

static void test_truncated_handover_refused(void **state)
{
	(void)state;
	check_refused(TRUNCATED, "KHO: handover blob is not a valid FDT");
}

static void test_bad_magic_refused(void **state)
{
	(void)state;
	check_refused(BAD_MAGIC, "KHO: handover blob is not a valid FDT");
}

static void test_bad_compatible_refused(void **state)
{
	(void)state;
	check_refused(BAD_COMPATIBLE, "KHO: handover blob is not \"kho-v2\"");
}

static void test_map_outside_ram_refused(void **state)
{
	(void)state;
	check_refused(MAP_OUTSIDE_RAM, "KHO: preserved-memory map node");
}

static void test_blob_outside_ram_refused(void **state)
{
	(void)state;
	check_refused(BLOB_OUTSIDE_RAM, "is not RAM that was handed over");
}

static void test_map_in_unpreserved_memory_refused(void **state)
{
	(void)state;
	check_refused(MAP_UNPRESERVED, "KHO: preserved-memory map node");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preserved_memory_round_trips_one_kexec),
		cmocka_unit_test(test_preserved_memory_round_trips_three_kexecs),
		cmocka_unit_test(test_bad_restores_fail_with_a_warning_not_a_crash),
		cmocka_unit_test(test_unrestored_memory_is_reported_as_leaked),
		cmocka_unit_test(test_reading_unpreserved_memory_is_caught),
		cmocka_unit_test(test_truncated_handover_refused),
		cmocka_unit_test(test_bad_magic_refused),
		cmocka_unit_test(test_bad_compatible_refused),
		cmocka_unit_test(test_map_outside_ram_refused),
		cmocka_unit_test(test_blob_outside_ram_refused),
		cmocka_unit_test(test_map_in_unpreserved_memory_refused),
	};

	return cmocka_run_group_tests_name("kho", tests, NULL, NULL);
}
