/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KHO and the simulated kexec: preserved memory of every kind comes back
 * byte-exact at the same physical address after 1 and 3 kexecs, and
 * data changed and preserved again by each kernel arrives as the chain
 * computed it (a stale copy fails); a block set spanning many blocks
 * comes back entry for entry; unpreserved memory is not handed over; memory
 * nobody preserved is poisoned and touching it is caught; nothing preserved is leaked once restored. KHO is 7.3's
 * kernel/liveupdate/kexec_handover.c; a corrupt handover gets what 7.3
 * does with it: dropped, or followed until the kernel stops.
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
	assert_non_null(strstr(r.log, "KHO: found kexec handover data."));
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
	for (p = r.log; (p = strstr(p, "KHO: found kexec handover data.")); p++)
		found++;
	assert_int_equal(found, 3);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
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
	/* the same, then tail pages of the folio */
	after = sim_kho_selftest_bad_restores();
	if (after != 4 + 4) {
		fprintf(stderr, "kho-test: FAIL %d refusals after kexec, want 8\n",
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
	assert_int_equal(want, 13);
	/* kho_restore_page() warns once per kernel (WARN_ON_ONCE) */
	assert_int_equal(r.warns, 1);
	assert_non_null(strstr(r.log, "kernel/liveupdate/kexec_handover.c:"));
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

static int copy_from_nowhere(struct machine *m, void *arg)
{
	(void)m;
	(void)arg;
	/* far above the RAM and anything the host maps */
	sim_kho_selftest_copy_from(1ULL << 46, 128);
	return -1;	/* not reached: the fault must be caught */
}

/*
 * A fault inside memcpy(), which the kernel world takes from the host's
 * libc, is the kernel's: an oops that names the kernel code that called
 * it, not a plain SIGSEGV of the process.
 */
static void test_fault_in_a_string_routine_is_a_kernel_oops(void **state)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = KEXEC_CMDLINE,
			       .scenario = copy_from_nowhere };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	if (!strstr(r.log, "kernel stopped: oops") ||
	    !strstr(r.log, "(a string routine called from 0x"))
		fail_msg("no oops naming the string routine's caller in:\n%s", r.log);
	simtest_free(&r);
}

/* ---- data carried through a chain of kernels ---- */

/* Host-made bytes of the chain: nothing a kernel could regenerate. */
static unsigned char *chain_data(size_t len, unsigned int seed)
{
	unsigned char *b = malloc(len);
	uint32_t x = seed * 2654435761u + 1;

	assert_non_null(b);
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	return b;
}

struct chain {
	int kexecs;
	unsigned long nr_entries;
	int stale_at;		/* the kernel of this kexec hands over stale bytes */
};

/*
 * Kernel 0 preserves host bytes; the kernel of each kexec but the last
 * restores them, checks them, changes them (generation + 1) and
 * preserves the same memory again; the last kernel restores them. The
 * host applies the same change to its own copy and compares.
 */
static int chain_run(struct machine *m, void *arg)
{
	const struct chain *c = arg;
	size_t len = SIM_KHO_CHAIN_BYTES(c->nr_entries);
	unsigned char *want = chain_data(len, 42), *got = malloc(len);
	unsigned long long gen = 99;
	long n;
	int k, ret = -1;

	if (!got || sim_kho_chain_start(want, len, c->nr_entries))
		goto out;
	for (k = 1; k <= c->kexecs; k++) {
		if (cli_kexec(m, KEXEC_CMDLINE)) {
			fprintf(stderr, "kho-test: FAIL kexec %d\n", k);
			goto out;
		}
		if (k == c->kexecs)
			break;
		if (sim_kho_chain_step(k == c->stale_at ? SIM_KHO_CHAIN_STALE : 0)) {
			fprintf(stderr, "kho-test: FAIL step in kernel %d\n", k);
			goto out;
		}
		for (size_t i = 0; i < len; i++)
			want[i] = SIM_KHO_CHAIN_STEP(want[i], (unsigned int)k, i);
	}
	n = sim_kho_chain_read(got, len, &gen);
	if (n != (long)len) {
		fprintf(stderr, "kho-test: FAIL read %ld bytes, want %zu\n", n, len);
		goto out;
	}
	if (gen != (unsigned long long)c->kexecs - 1) {
		fprintf(stderr, "kho-test: FAIL generation %llu, want %d\n", gen,
			c->kexecs - 1);
		goto out;
	}
	for (size_t i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			fprintf(stderr, "kho-test: FAIL bytes differ at %zu of %zu (%#x, want %#x)\n",
				i, len, got[i], want[i]);
			goto out;
		}
	}
	if (sim_kho_leaked_pages()) {
		fprintf(stderr, "kho-test: FAIL %lu pages leaked\n",
			sim_kho_leaked_pages());
		goto out;
	}
	ret = 0;
out:
	free(want);
	free(got);
	return ret;
}

/* 20 entries of 200 bytes fill a block: 101 entries take six blocks. */
static void test_block_set_round_trips_one_kexec(void **state)
{
	struct chain c = { .kexecs = 1, .nr_entries = 101 };
	struct sim_run run = { .scenario = chain_run, .arg = &c };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "chain: generation 0 restored, 101 entries in 6 blocks"));
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_data_carried_through_three_kexecs(void **state)
{
	struct chain c = { .kexecs = 3, .nr_entries = 101 };
	struct sim_run run = { .scenario = chain_run, .arg = &c };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "chain: generation 1, 101 entries in 6 blocks, preserved again"));
	assert_non_null(strstr(r.log, "chain: generation 2, 101 entries in 6 blocks, preserved again"));
	assert_non_null(strstr(r.log, "chain: generation 2 restored, 101 entries in 6 blocks"));
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/* An entry count that fills its blocks exactly, over many blocks. */
static void test_block_set_full_blocks_three_kexecs(void **state)
{
	struct chain c = { .kexecs = 3, .nr_entries = 20 * 37 };
	struct sim_run run = { .scenario = chain_run, .arg = &c };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "chain: generation 2 restored, 740 entries in 37 blocks"));
	simtest_free(&r);
}

/* A kernel that hands over the bytes it restored, not what it made. */
static void test_stale_copy_in_the_chain_fails(void **state)
{
	struct chain c = { .kexecs = 3, .nr_entries = 101, .stale_at = 2 };
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = KEXEC_CMDLINE,
			       .scenario = chain_run, .arg = &c };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 1);
	/* its own checksum matches: only the host's bytes catch it */
	assert_null(strstr(r.log, "checksum differs"));
	if (!strstr(r.log, "kho-test: FAIL bytes differ at 0 of"))
		fail_msg("stale bytes not caught:\n%s", r.log);
	simtest_free(&r);
}

/*
 * Preserve the chain and unpreserve every piece before kexec
 * (kho_unpreserve_folio/pages/vmalloc, kho_remove_subtree, the block
 * set's pages and the list): the machine poisons that memory at kexec,
 * the next kernel can restore none of it, and nothing is left
 * unrestored. With keep set, the chain is handed over instead, so the
 * same checks see the other answer.
 */
static int unpreserve_then_kexec(struct machine *m, void *arg)
{
	bool keep = *(bool *)arg;
	size_t len = SIM_KHO_CHAIN_BYTES(30);
	unsigned char *data = chain_data(len, 7), *got = malloc(len);
	unsigned long long pa[5], gen;
	struct sim_handover kho;
	uint64_t base, size;
	long n;
	char *ram = machine_ram(m, &base, &size);
	int ret = -1;

	if (!got || sim_kho_selftest_preserve(11) ||
	    sim_kho_chain_start(data, len, 30) ||
	    sim_kho_chain_pas(pa, 5) != 5)
		goto out;
	if (!keep) {
		/* read back in this kernel: then every piece unpreserved */
		if (sim_kho_chain_read(got, len, &gen) != (long)len ||
		    memcmp(got, data, len) || gen) {
			fprintf(stderr, "kho-test: FAIL read before kexec\n");
			goto out;
		}
	}
	if (sim_kernel_kexec_prepare(&kho))
		goto out;
	/* what cli_kexec_reboot() does first */
	machine_ram_poison_unkept(m);
	for (int i = 0; i < 5; i++) {
		bool poisoned = machine_ram_is_poisoned(m, ram + (pa[i] - base),
							NULL);

		if (poisoned == keep) {
			fprintf(stderr, "kho-test: FAIL piece %d at %#llx %s at kexec\n",
				i, pa[i], poisoned ? "poisoned" : "kept");
			goto out;
		}
	}
	if (cli_kexec_boot(m, KEXEC_CMDLINE, &kho))
		goto out;
	for (int i = 0; i < 5; i++) {
		if (sim_kho_selftest_restorable(pa[i]) != keep) {
			fprintf(stderr, "kho-test: FAIL piece %d at %#llx %srestorable\n",
				i, pa[i], keep ? "not " : "");
			goto out;
		}
	}
	if (keep) {
		if (sim_kho_chain_read(got, len, &gen) != (long)len ||
		    memcmp(got, data, len)) {
			fprintf(stderr, "kho-test: FAIL kept chain\n");
			goto out;
		}
	} else if ((n = sim_kho_chain_read(got, len, &gen)) != -ENOENT) {
		/* -EINVAL: its subtree was handed over, naming freed memory */
		fprintf(stderr, "kho-test: FAIL the unpreserved chain: %ld, not -ENOENT\n",
			n);
		goto out;
	}
	/* what stayed preserved is intact, and nothing is left over */
	if (sim_kho_selftest_verify(11) || sim_kho_leaked_pages()) {
		fprintf(stderr, "kho-test: FAIL verify, or %lu pages leaked\n",
			sim_kho_leaked_pages());
		goto out;
	}
	ret = 0;
out:
	free(data);
	free(got);
	return ret;
}

static void test_unpreserved_memory_is_not_handed_over(void **state)
{
	bool keep = false;
	struct sim_run run = { .scenario = unpreserve_then_kexec, .arg = &keep };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_null(strstr(r.log, "chain: generation 0 restored"));
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static void test_preserved_memory_is_handed_over_control(void **state)
{
	bool keep = true;
	struct sim_run run = { .scenario = unpreserve_then_kexec, .arg = &keep };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	assert_non_null(strstr(r.log, "chain: generation 0 restored, 30 entries in 2 blocks"));
	simtest_free(&r);
}

/*
 * ---- corrupt handovers: what 7.3 does with them ----
 *
 * kho_populate() checks the FDT's header and compatible and that it names
 * a memory map, and maps it and the scratch array; a handover that fails
 * is dropped ("disabling KHO revival") and the kernel boots as if cold.
 * It does not check the FDT's length against its size, nor where the
 * memory map points: the next kernel follows that pointer, and a wild one
 * stops it (exit 3), as upstream oopses.
 */

enum corruption {
	TRUNCATED,
	BAD_MAGIC,
	BAD_COMPATIBLE,
	MAP_OUTSIDE_RAM,
	BLOB_OUTSIDE_RAM,
	MAP_UNPRESERVED,
};

/* The command line of the kernel the corrupt handover boots */
static const char *corrupt_cmdline = KEXEC_CMDLINE;

static int corrupt_and_boot(struct machine *m, void *arg)
{
	enum corruption how = *(enum corruption *)arg;
	struct sim_handover kho;
	uint64_t base, size, map;
	char *ram = machine_ram(m, &base, &size);
	void *fdt;
	int ret;

	ret = sim_kho_selftest_preserve(5);
	ret = ret ?: sim_kernel_kexec_prepare(&kho);
	if (ret)
		return ret;
	fdt = ram + (kho.fdt - base);
	switch (how) {
	case TRUNCATED:
		kho.fdt_len = 16;
		break;
	case BAD_MAGIC:
		memset(fdt, 0, 4);
		break;
	case BAD_COMPATIBLE:
		fdt_setprop_inplace(fdt, 0, "compatible", "kho-v9", 7);
		break;
	case MAP_OUTSIDE_RAM:
		/* KHO's u64 properties are CPU-endian */
		map = 0x1000;
		fdt_setprop_inplace(fdt, 0, "preserved-memory-map", &map, 8);
		break;
	case BLOB_OUTSIDE_RAM:
		kho.fdt = base + size + 0x10000;
		break;
	case MAP_UNPRESERVED:
		/* a page of RAM that the machine poisons at kexec */
		map = base + size - 4096;
		fdt_setprop_inplace(fdt, 0, "preserved-memory-map", &map, 8);
		break;
	}
	ret = cli_kexec_reboot(m, corrupt_cmdline, &kho);
	if (ret)
		return ret;
	/* nothing was handed over, and asking for it fails cleanly */
	return sim_kho_selftest_verify(5) ? 0 : -1;
}

/* Dropped with the message, and the kernel boots and enumerates. */
static void check_dropped(enum corruption how, const char *msg)
{
	struct sim_run run = { .scenario = corrupt_and_boot, .arg = &how };
	struct sim_result r;

	run_ok(&run, &r);
	if (!strstr(r.log, msg))
		fail_msg("expected \"%s\" in:\n%s", msg, r.log);
	assert_non_null(strstr(r.log, "KHO: disabling KHO revival"));
	assert_null(strstr(r.log, "KHO: found kexec handover data."));
	assert_non_null(simtest_find(&r, "0000:03:00.0"));
	simtest_free(&r);
}

/* Followed: the kernel stops (exit 3) with the report. */
static void check_stops(enum corruption how, const char *msg)
{
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = KEXEC_CMDLINE,
			       .scenario = corrupt_and_boot, .arg = &how };
	struct sim_result r;

	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	assert_non_null(strstr(r.log, "KHO: found kexec handover data."));
	if (!strstr(r.log, msg))
		fail_msg("expected \"%s\" in:\n%s", msg, r.log);
	simtest_free(&r);
}

/* The length is only what is mapped: 7.3 reads the FDT's header anyway. */
static void test_truncated_handover_accepted_as_upstream(void **state)
{
	enum corruption how = TRUNCATED;
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = KEXEC_CMDLINE,
			       .scenario = corrupt_and_boot, .arg = &how };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	/* the self-test's memory came back: verify succeeded, the run "failed" */
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.log, "KHO: found kexec handover data."));
	simtest_free(&r);
}

static void test_bad_magic_dropped(void **state)
{
	(void)state;
	check_dropped(BAD_MAGIC, "KHO: setup: handover FDT");
}

static void test_bad_compatible_dropped(void **state)
{
	(void)state;
	check_dropped(BAD_COMPATIBLE, "is incompatible with 'kho-v4'");
}

static void test_blob_outside_ram_dropped(void **state)
{
	(void)state;
	check_dropped(BLOB_OUTSIDE_RAM, "KHO: setup: failed to memremap FDT");
}

static void test_map_outside_ram_stops_the_kernel(void **state)
{
	(void)state;
	check_stops(MAP_OUTSIDE_RAM, "kernel stopped");
}

static void test_map_in_unpreserved_memory_stops_the_kernel(void **state)
{
	(void)state;
	check_stops(MAP_UNPRESERVED, "not preserved across kexec");
}

/*
 * With the safe-mode patches on (kho_safe=on, lu/patches/0017): a memory
 * map that is not in memory is dropped before KHO follows it. A map in
 * RAM the previous kernel did not keep still stops the kernel: nothing
 * in the handover tells its tables from other memory.
 */
static void test_safe_map_outside_ram_dropped(void **state)
{
	(void)state;
	enum corruption how = MAP_OUTSIDE_RAM;
	struct sim_run run = { .scenario = corrupt_and_boot, .arg = &how };
	struct sim_result r;

	corrupt_cmdline = KEXEC_CMDLINE " kho_safe=on";
	run_ok(&run, &r);
	corrupt_cmdline = KEXEC_CMDLINE;
	/* taken by kho_populate(), then dropped before it is followed */
	assert_non_null(strstr(r.log, "KHO: found kexec handover data."));
	assert_non_null(strstr(r.log, "KHO: preserved-memory map is not in memory, dropping the handover"));
	assert_non_null(simtest_find(&r, "0000:03:00.0"));
	simtest_free(&r);
}

static void test_safe_map_in_unpreserved_memory_still_stops(void **state)
{
	(void)state;
	corrupt_cmdline = KEXEC_CMDLINE " kho_safe=on";
	check_stops(MAP_UNPRESERVED, "not preserved across kexec");
	corrupt_cmdline = KEXEC_CMDLINE;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preserved_memory_round_trips_one_kexec),
		cmocka_unit_test(test_preserved_memory_round_trips_three_kexecs),
		cmocka_unit_test(test_bad_restores_fail_with_a_warning_not_a_crash),
		cmocka_unit_test(test_unrestored_memory_is_reported_as_leaked),
		cmocka_unit_test(test_block_set_round_trips_one_kexec),
		cmocka_unit_test(test_data_carried_through_three_kexecs),
		cmocka_unit_test(test_block_set_full_blocks_three_kexecs),
		cmocka_unit_test(test_stale_copy_in_the_chain_fails),
		cmocka_unit_test(test_unpreserved_memory_is_not_handed_over),
		cmocka_unit_test(test_preserved_memory_is_handed_over_control),
		cmocka_unit_test(test_reading_unpreserved_memory_is_caught),
		cmocka_unit_test(test_fault_in_a_string_routine_is_a_kernel_oops),
		cmocka_unit_test(test_truncated_handover_accepted_as_upstream),
		cmocka_unit_test(test_bad_magic_dropped),
		cmocka_unit_test(test_bad_compatible_dropped),
		cmocka_unit_test(test_blob_outside_ram_dropped),
		cmocka_unit_test(test_map_outside_ram_stops_the_kernel),
		cmocka_unit_test(test_map_in_unpreserved_memory_stops_the_kernel),
		cmocka_unit_test(test_safe_map_outside_ram_dropped),
		cmocka_unit_test(test_safe_map_in_unpreserved_memory_still_stops),
	};

	return cmocka_run_group_tests_name("kho", tests, NULL, NULL);
}
