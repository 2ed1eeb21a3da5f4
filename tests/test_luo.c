/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LUO across simulated kexecs, with the self-test file handler
 * (shim/luo_selftest.c) and the host as user space: a file comes back
 * byte-exact after 1 kexec, and after 3 with user space in each kernel
 * changing what it got back and preserving that again (a stale copy
 * fails); the FLB lives from the first preserve
 * to the last finish; the callbacks run in the order of section 2.5 of
 * upstream-liveupdate.md; cancelling undoes everything; absent sessions
 * are -ENOENT. LUO is 7.3's kernel/liveupdate/: a damaged handover gets
 * what 7.3 does with it: block chains it checks (cycles, counts, length)
 * fail the deserialization, after which /dev/liveupdate answers -EIO for
 * the kernel's lifetime; a pointer it follows unchecked, or a root it
 * cannot read (a panic), stops the kernel (exit 3).
 *
 * Scenarios run in the forked kernel-world child: a failed check there
 * prints "luo-test: FAIL ..." and fails the run; callback logs are
 * printed as "luo-log TAG: ..." lines for the parent to compare.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"
#include "machine.h"
#include "simtest.h"

#define LUO_CMDLINE	"kho=on liveupdate=on"
#define DEVICE		"0000:03:00.0"	/* an endpoint of T3_switch */

#define CHECK(cond, ...) SIMTEST_CHECK("luo-test", cond, __VA_ARGS__)

static void run_ok(struct sim_run *run, struct sim_result *r)
{
	if (!run->topo_path && !run->topo_text)
		run->topo_path = "tests/topo/T3_switch.topo";
	if (!run->cmdline)
		run->cmdline = LUO_CMDLINE;
	assert_int_equal(simtest_run(run, r), 0);
	if (r->status)
		fail_msg("child exited %d; log:\n%s", r->status, r->log);
}

static void expect_log(const struct sim_result *r, const char *want)
{
	if (!strstr(r->log, want))
		fail_msg("expected \"%s\" in:\n%s", want, r->log);
}

/* This kernel's callback log, for the parent. */
static void dump_callbacks(const char *tag)
{
	char buf[4096];

	sim_luo_selftest_callback_log(buf, sizeof(buf));
	fprintf(stderr, "luo-log %s: %s\n", tag, buf);
}

/* Bytes of file token in the kernel of generation gen. */
static void fill(unsigned char *buf, size_t len, unsigned long long token,
		 int gen)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + token * 7 + gen * 13 + (i >> 8));
}

/* Retrieve file token of session and compare it with what fill() gives. */
static int retrieve_and_check(const char *session, unsigned long long token,
			      size_t len, int gen)
{
	unsigned char *want = malloc(len + 1), *got = malloc(len + 1);
	long n;
	int ret = -1;

	if (!want || !got)
		goto out;
	fill(want, len, token, gen);
	n = sim_luo_selftest_retrieve(session, token, got, len + 1);
	if (n != (long)len) {
		fprintf(stderr, "luo-test: FAIL token %llu: retrieve gave %ld, want %zu bytes\n",
			token, n, len);
		goto out;
	}
	if (memcmp(want, got, len)) {
		fprintf(stderr, "luo-test: FAIL token %llu: bytes differ\n", token);
		goto out;
	}
	ret = 0;
out:
	free(want);
	free(got);
	return ret;
}

static int preserve(const char *session, unsigned long long token,
		    size_t len, int gen)
{
	unsigned char *buf = malloc(len ? len : 1);
	int ret;

	if (!buf)
		return -ENOMEM;
	fill(buf, len, token, gen);
	ret = sim_luo_selftest_preserve(session, token, buf, len);
	free(buf);
	return ret;
}

/* ---- round trips ---- */

/* Sizes: empty, small, more than a page (a multi-page preservation). */
static const size_t sizes[] = { 0, 100, 9000 };
#define NR_FILES (sizeof(sizes) / sizeof(sizes[0]))

/* What user space of generation gen does to a file's bytes. */
static void change(unsigned char *buf, size_t len, int gen)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(buf[i] * 33 + gen + i);
}

struct trips {
	int kexecs;
	int stale_at;	/* user space of this kexec's kernel keeps old bytes */
};

/*
 * The first kernel preserves generation-0 bytes. User space in each
 * following kernel retrieves them, and (but in the last) changes what it
 * got back and preserves that again, as a VMM carries its state. The
 * host changes its own copy the same way: the last kernel must hand back
 * the bytes the whole chain computed, not a copy of an earlier one.
 */
static int round_trips(struct machine *m, void *arg)
{
	const struct trips *t = arg;
	unsigned char *want[NR_FILES], *got[NR_FILES];
	int k, ret = -1;
	size_t i;

	for (i = 0; i < NR_FILES; i++) {
		want[i] = malloc(sizes[i] + 1);
		got[i] = malloc(sizes[i] + 1);
		if (!want[i] || !got[i])
			return -1;
		fill(want[i], sizes[i], i + 1, 0);
		if (sim_luo_selftest_preserve("vm", i + 1, want[i], sizes[i]))
			goto out;
	}
	for (k = 1; k <= t->kexecs; k++) {
		if (cli_kexec(m, LUO_CMDLINE)) {
			fprintf(stderr, "luo-test: FAIL kexec %d\n", k);
			goto out;
		}
		for (i = 0; i < NR_FILES; i++) {
			long n = sim_luo_selftest_retrieve("vm", i + 1, got[i],
							   sizes[i] + 1);

			if (n != (long)sizes[i] || memcmp(got[i], want[i], sizes[i])) {
				fprintf(stderr, "luo-test: FAIL token %zu: bytes differ in kernel %d (%ld bytes)\n",
					i + 1, k, n);
				goto out;
			}
		}
		if (sim_luo_selftest_finish("vm") || sim_kho_leaked_pages() ||
		    sim_luo_selftest_flb_state()) {
			fprintf(stderr, "luo-test: FAIL finish after kexec %d, %lu pages leaked\n",
				k, sim_kho_leaked_pages());
			goto out;
		}
		if (k == t->kexecs)
			break;
		for (i = 0; i < NR_FILES; i++) {
			if (k != t->stale_at)
				change(got[i], sizes[i], k);
			if (sim_luo_selftest_preserve("vm", i + 1, got[i], sizes[i]))
				goto out;
			change(want[i], sizes[i], k);
		}
	}
	ret = 0;
out:
	for (i = 0; i < NR_FILES; i++) {
		free(want[i]);
		free(got[i]);
	}
	return ret;
}

static void test_file_round_trips_one_kexec(void **state)
{
	struct trips t = { .kexecs = 1 };
	struct sim_run run = { .scenario = round_trips, .arg = &t };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "luo: Retrieved live update data, liveupdate number: 1");
	assert_int_equal(r.warns, 0);
	assert_non_null(simtest_find(&r, DEVICE));
	simtest_free(&r);
}

static void test_file_round_trips_three_kexecs(void **state)
{
	struct trips t = { .kexecs = 3 };
	struct sim_run run = { .scenario = round_trips, .arg = &t };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "luo: Retrieved live update data, liveupdate number: 3");
	assert_int_equal(r.warns, 0);
	assert_non_null(simtest_find(&r, DEVICE));
	simtest_free(&r);
}

/* User space that preserves again what it got, unchanged: caught. */
static void test_stale_file_in_the_chain_fails(void **state)
{
	struct trips t = { .kexecs = 3, .stale_at = 2 };
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = LUO_CMDLINE,
			       .scenario = round_trips, .arg = &t };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 1);
	expect_log(&r, "luo-test: FAIL token 2: bytes differ in kernel 3 (100 bytes)");
	simtest_free(&r);
}

/* ---- the FLB and the order of callbacks ---- */

static int flb_lifetime(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(sim_luo_selftest_flb_state() == 0, "FLB before any preserve");
	CHECK(!preserve("vm", 1, 10, 0), "preserve 1");
	CHECK(sim_luo_selftest_flb_state() == SIM_LUO_FLB_OUTGOING,
	      "FLB after the first preserve");
	CHECK(!preserve("vm", 2, 20, 0), "preserve 2");
	CHECK(!preserve("db", 3, 30, 0), "preserve 3");
	/* freeze now, so that the log shows it before the kernel goes */
	CHECK(!sim_luo_selftest_reboot(), "reboot");
	dump_callbacks("k0");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");

	CHECK(sim_luo_selftest_flb_state() == 0, "FLB before first request");
	CHECK(!retrieve_and_check("vm", 2, 20, 0), "retrieve 2");
	CHECK(sim_luo_selftest_flb_state() == SIM_LUO_FLB_INCOMING,
	      "FLB after the first retrieve");
	CHECK(!retrieve_and_check("vm", 1, 10, 0), "retrieve 1");
	CHECK(!sim_luo_selftest_finish("vm"), "finish vm");
	/* session db still holds a file that depends on the FLB */
	CHECK(sim_luo_selftest_flb_state() == SIM_LUO_FLB_INCOMING,
	      "FLB after the first of two sessions finished");
	CHECK(!retrieve_and_check("db", 3, 30, 0), "retrieve 3");
	CHECK(!sim_luo_selftest_finish("db"), "finish db");
	CHECK(sim_luo_selftest_flb_state() == 0, "FLB after the last finish");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	dump_callbacks("k1");
	return 0;
}

static void test_flb_and_callback_order(void **state)
{
	struct sim_run run = { .scenario = flb_lifetime };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/* 2.5 step 2: flb.preserve() once, before the first preserve(); 4 */
	expect_log(&r, "luo-log k0: flb-preserve preserve:1 preserve:2 preserve:3 freeze:1 freeze:2 freeze:3\n");
	/*
	 * 2.5 steps 5-7: the FLB is retrieved on the first request (the
	 * handler's retrieve asks for it), can_finish() on all files of a
	 * session before any finish(), flb.finish() after the last finish
	 * of any session.
	 */
	expect_log(&r, "luo-log k1: retrieve:2 flb-retrieve retrieve:1 can_finish:1 can_finish:2 finish:2 finish:1 retrieve:3 can_finish:3 finish:3 flb-finish\n");
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

static int freeze_fails(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(!preserve("a", 1, 10, 0), "preserve 1");
	CHECK(!preserve("a", 2, 10, 0), "preserve 2");
	CHECK(!preserve("b", 3, 10, 0), "preserve 3");
	CHECK(!preserve("b", 4, 10, 0), "preserve 4");
	CHECK(!sim_luo_selftest_fail("freeze", 4, -EIO), "inject");
	CHECK(sim_luo_selftest_reboot() == -EIO, "reboot must fail");
	/* the kexec is refused the same way */
	CHECK(cli_kexec(m, LUO_CMDLINE) == -EIO, "kexec must fail");
	dump_callbacks("failed");
	CHECK(!sim_luo_selftest_fail("freeze", 4, 0), "clear");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	CHECK(!retrieve_and_check("b", 4, 10, 0), "retrieve 4");
	CHECK(!sim_luo_selftest_finish("a"), "finish a");
	CHECK(!sim_luo_selftest_finish("b"), "finish b");
	return 0;
}

static void test_failed_freeze_unfreezes_and_cancels_the_kexec(void **state)
{
	struct sim_run run = { .scenario = freeze_fails };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/*
	 * Session b's frozen file first, then session a's files; twice,
	 * once for the early reboot and once for the kexec's.
	 */
	expect_log(&r, "luo-log failed: flb-preserve preserve:1 preserve:2 preserve:3 preserve:4 freeze:1 freeze:2 freeze:3 freeze:4 unfreeze:3 unfreeze:1 unfreeze:2 freeze:1 freeze:2 freeze:3 freeze:4 unfreeze:3 unfreeze:1 unfreeze:2\n");
	expect_log(&r, "luo: Freeze failed for token[0x4] handler[pcisim-test-v1] err[-5]");
	expect_log(&r, "kexec: live update refused the reboot: -5");
	simtest_free(&r);
}

static int finish_refused(struct machine *m, void *arg)
{
	(void)arg;
	CHECK(!preserve("vm", 1, 10, 0), "preserve 1");
	CHECK(!preserve("vm", 2, 10, 0), "preserve 2");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	CHECK(!retrieve_and_check("vm", 1, 10, 0), "retrieve 1");
	CHECK(!sim_luo_selftest_fail("can_finish", 2, -EBUSY), "inject");
	CHECK(sim_luo_selftest_finish("vm") == -EBUSY, "finish must fail");
	CHECK(sim_luo_selftest_flb_state() == SIM_LUO_FLB_INCOMING,
	      "FLB kept while finish fails");
	CHECK(!sim_luo_selftest_fail("can_finish", 2, 0), "clear");
	/* token 2 was never retrieved: finish drops it all the same */
	CHECK(!sim_luo_selftest_finish("vm"), "finish");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	dump_callbacks("k1");
	return 0;
}

static void test_can_finish_is_asked_of_all_before_any_finish(void **state)
{
	struct sim_run run = { .scenario = finish_refused };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	expect_log(&r, "luo-log k1: retrieve:1 flb-retrieve can_finish:1 can_finish:2 can_finish:1 can_finish:2 finish:2 finish:1 flb-finish\n");
	simtest_free(&r);
}

static int sticky_retrieve(struct machine *m, void *arg)
{
	char buf[16];

	(void)arg;
	CHECK(!preserve("vm", 1, 10, 0), "preserve");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	CHECK(!sim_luo_selftest_fail("retrieve", 1, -EIO), "inject");
	CHECK(sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf)) == -EIO,
	      "first retrieve");
	CHECK(!sim_luo_selftest_fail("retrieve", 1, 0), "clear");
	CHECK(sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf)) == -EIO,
	      "a failed retrieve stays failed");
	CHECK(sim_luo_selftest_retrieve("vm", 99, buf, sizeof(buf)) == -ENOENT,
	      "unknown token");
	CHECK(!sim_luo_selftest_finish("vm"), "finish");
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	dump_callbacks("k1");
	return 0;
}

static void test_failed_retrieve_is_sticky(void **state)
{
	struct sim_run run = { .scenario = sticky_retrieve };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/* one retrieve callback only; the FLB is retrieved by the finish */
	expect_log(&r, "luo-log k1: retrieve:1 can_finish:1 finish:1 flb-retrieve flb-finish\n");
	simtest_free(&r);
}

/* ---- cancelling, absent sessions, disabled ---- */

static int cancel(struct machine *m, void *arg)
{
	char buf[16];

	(void)arg;
	CHECK(!preserve("vm", 1, 5000, 0), "preserve 1");
	CHECK(!preserve("vm", 2, 10, 0), "preserve 2");
	CHECK(!sim_luo_selftest_cancel("vm"), "cancel");
	CHECK(sim_luo_selftest_flb_state() == 0, "FLB after cancel");
	CHECK(sim_luo_selftest_cancel("vm") == -ENOENT, "cancel twice");
	dump_callbacks("k0");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	CHECK(sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf)) == -ENOENT,
	      "cancelled session");
	/* anything still preserved would be unrestored now */
	CHECK(!sim_kho_leaked_pages(), "%lu pages leaked",
	      sim_kho_leaked_pages());
	return 0;
}

static void test_cancel_before_kexec_undoes_everything(void **state)
{
	struct sim_run run = { .scenario = cancel };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/* 2.5 step 3: unpreserve() last file first, then flb.unpreserve() */
	expect_log(&r, "luo-log k0: flb-preserve preserve:1 preserve:2 unpreserve:2 unpreserve:1 flb-unpreserve\n");
	expect_log(&r, "luo: Retrieved live update data, liveupdate number: 1");
	simtest_free(&r);
}

static int absent(struct machine *m, void *arg)
{
	char buf[16];

	(void)arg;
	/* a first boot has no incoming sessions at all */
	CHECK(sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf)) == -ENOENT,
	      "cold boot");
	CHECK(!preserve("vm", 1, 10, 0), "preserve");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	CHECK(sim_luo_selftest_retrieve("other", 1, buf, sizeof(buf)) == -ENOENT,
	      "absent session");
	CHECK(sim_luo_selftest_finish("other") == -ENOENT, "finish absent");
	CHECK(!retrieve_and_check("vm", 1, 10, 0), "the present one");
	CHECK(!sim_luo_selftest_finish("vm"), "finish");
	return 0;
}

static void test_absent_session_is_enoent(void **state)
{
	struct sim_run run = { .scenario = absent };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	simtest_free(&r);
}

static int disabled(struct machine *m, void *arg)
{
	(void)m;
	(void)arg;
	/* no /dev/liveupdate without liveupdate=on */
	CHECK(preserve("vm", 1, 10, 0) == -ENOENT, "preserve");
	return 0;
}

static void test_disabled_without_liveupdate_on(void **state)
{
	struct sim_run run = { .scenario = disabled, .cmdline = "kho=on" };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	simtest_free(&r);
}

static int flb_codes(struct machine *m, void *arg)
{
	int ret;

	(void)arg;
	ret = sim_luo_selftest_flb_get_incoming();
	CHECK(ret == -ENODATA, "cold boot: %d", ret);
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	/* an FLB array came, without the test FLB in it */
	ret = sim_luo_selftest_flb_get_incoming();
	CHECK(ret == -ENOENT, "nothing preserved: %d", ret);
	CHECK(!preserve("vm", 1, 10, 0), "preserve");
	CHECK(!cli_kexec(m, LUO_CMDLINE), "kexec");
	/* the PCI core's request at enumeration, before any retrieve */
	CHECK(!sim_luo_selftest_flb_get_incoming(), "get");
	CHECK(!sim_luo_selftest_flb_get_incoming(), "get again");
	CHECK(!retrieve_and_check("vm", 1, 10, 0), "retrieve");
	CHECK(!sim_luo_selftest_finish("vm"), "finish");
	ret = sim_luo_selftest_flb_get_incoming();
	CHECK(ret == -ENODATA, "after finish: %d", ret);
	dump_callbacks("k2");
	CHECK(!cli_kexec(m, "kho=on"), "kexec");
	ret = sim_luo_selftest_flb_get_incoming();
	CHECK(ret == -EOPNOTSUPP, "disabled: %d", ret);
	return 0;
}

static void test_flb_get_incoming_return_codes(void **state)
{
	struct sim_run run = { .scenario = flb_codes };
	struct sim_result r;

	(void)state;
	run_ok(&run, &r);
	/* 2.5 step 5 before step 6: retrieve() once, on the first request */
	expect_log(&r, "luo-log k2: flb-retrieve retrieve:1 can_finish:1 finish:1 flb-finish\n");
	simtest_free(&r);
}

/* ---- damaged handovers ---- */

struct damage {
	int how;
	int nr_files;
	int want;	/* what retrieving the session gives then */
	bool safe;	/* kho_safe=on: the next kexec too */
};

static int damage_and_boot(struct machine *m, void *arg)
{
	const struct damage *d = arg;
	char buf[16];
	int i, ret;

	for (i = 0; i < d->nr_files; i++)
		CHECK(!preserve("vm", i + 1, 10, 0), "preserve %d", i + 1);
	ret = sim_luo_selftest_corrupt("vm", d->how);
	CHECK(!ret, "corrupt: %d", ret);
	CHECK(!cli_kexec(m, d->safe ? LUO_CMDLINE " kho_safe=on" : LUO_CMDLINE),
	      "kexec");
	ret = sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf));
	CHECK(ret == d->want, "retrieve gave %d, want %d", ret, d->want);
	/* refused for good, not retried */
	ret = sim_luo_selftest_retrieve("vm", 1, buf, sizeof(buf));
	CHECK(ret == d->want, "second retrieve gave %d", ret);
	/*
	 * 7.3: once the incoming sessions cannot be deserialized,
	 * /dev/liveupdate cannot be opened again (-EIO): no new live update
	 * starts in this kernel ("userspace ... trigger a reboot").
	 */
	ret = preserve("next", 1, 10, 1);
	CHECK(ret == d->want, "preserve after refusal gave %d", ret);
	return 0;
}

static void check_damage(int how, int nr_files, int want, const char *msg)
{
	struct damage d = { .how = how, .nr_files = nr_files, .want = want };
	struct sim_run run = { .scenario = damage_and_boot, .arg = &d };
	struct sim_result r;

	run_ok(&run, &r);
	expect_log(&r, msg);
	/* the incoming kernel enumerated the machine */
	assert_non_null(simtest_find(&r, DEVICE));
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/*
 * The block chains are read by 7.3's kernel/liveupdate/kho_block.c: it
 * finds cycles (Floyd) and bad entry counts, and follows every pointer
 * it is given without checking it: a pointer out of RAM or into the
 * middle of a block stops the kernel (exit 3), as upstream oopses.
 */
static void check_damage_stops(int how, int nr_files)
{
	struct damage d = { .how = how, .nr_files = nr_files };
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = LUO_CMDLINE,
			       .scenario = damage_and_boot, .arg = &d };
	struct sim_result r;

	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	expect_log(&r, "kernel stopped");
	simtest_free(&r);
}

/* 64 files of 64 bytes need two blocks: the cycle goes back over both. */
static void test_block_chain_cycle_refused(void **state)
{
	(void)state;
	check_damage(SIM_LUO_CORRUPT_CYCLE, 64, -EIO,
		     "Block set is corrupted");
}

/* Not a cycle: the blocks past KHO_MAX_BLOCKS do not fit the set. */
static void test_block_chain_too_long_refused(void **state)
{
	(void)state;
	check_damage(SIM_LUO_CORRUPT_LONG, 1, -EIO,
		     "luo: Failed to deserialize files for session [vm] -28");
}

static void test_block_bad_count_refused(void **state)
{
	(void)state;
	check_damage(SIM_LUO_CORRUPT_COUNT, 1, -EIO,
		     "Block contains invalid entry count: 64");
}

static void test_block_outside_ram_stops_the_kernel(void **state)
{
	(void)state;
	check_damage_stops(SIM_LUO_CORRUPT_OUTSIDE_RAM, 1);
}

static void test_block_unaligned_stops_the_kernel(void **state)
{
	(void)state;
	check_damage_stops(SIM_LUO_CORRUPT_UNALIGNED, 1);
}

/* 7.3's LUO panics on a root it cannot read (luo_restore_fail()). */
static void test_wrong_compatible_panics(void **state)
{
	struct damage d = { .how = SIM_LUO_CORRUPT_COMPATIBLE, .nr_files = 1 };
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = LUO_CMDLINE,
			       .scenario = damage_and_boot, .arg = &d };
	struct sim_result r;

	(void)state;
	assert_int_equal(simtest_run(&run, &r), 0);
	assert_int_equal(r.status, 3);
	expect_log(&r, "luo: LUO state is incompatible with 'luo-v5'");
	expect_log(&r, "The incoming tree failed to initialize properly");
	simtest_free(&r);
}

/*
 * With the safe-mode patches on (kho_safe=on, lu/patches/0018-0019): a
 * chain that leaves preserved memory is refused like any other broken
 * chain (-EIO from /dev/liveupdate), and a root LUO cannot read turns
 * live update off instead of panicking (no /dev/liveupdate: -ENOENT).
 */
static void check_damage_safe(int how, int nr_files, int want, const char *msg)
{
	struct damage d = { .how = how, .nr_files = nr_files, .want = want,
			    .safe = true };
	struct sim_run run = { .topo_path = "tests/topo/T3_switch.topo",
			       .cmdline = LUO_CMDLINE " kho_safe=on",
			       .scenario = damage_and_boot, .arg = &d };
	struct sim_result r;

	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		fail_msg("child exited %d; log:\n%s", r.status, r.log);
	expect_log(&r, msg);
	assert_non_null(simtest_find(&r, DEVICE));
	simtest_free(&r);
}

static void test_safe_block_outside_ram_refused(void **state)
{
	(void)state;
	check_damage_safe(SIM_LUO_CORRUPT_OUTSIDE_RAM, 1, -EIO,
			  "is not preserved memory");
}

static void test_safe_block_unaligned_refused(void **state)
{
	(void)state;
	check_damage_safe(SIM_LUO_CORRUPT_UNALIGNED, 1, -EIO,
			  "is not preserved memory");
}

static void test_safe_wrong_compatible_refused(void **state)
{
	(void)state;
	check_damage_safe(SIM_LUO_CORRUPT_COMPATIBLE, 1, -ENOENT,
			  "luo: LUO state is incompatible with 'luo-v5'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_round_trips_one_kexec),
		cmocka_unit_test(test_file_round_trips_three_kexecs),
		cmocka_unit_test(test_stale_file_in_the_chain_fails),
		cmocka_unit_test(test_flb_and_callback_order),
		cmocka_unit_test(test_failed_freeze_unfreezes_and_cancels_the_kexec),
		cmocka_unit_test(test_can_finish_is_asked_of_all_before_any_finish),
		cmocka_unit_test(test_failed_retrieve_is_sticky),
		cmocka_unit_test(test_flb_get_incoming_return_codes),
		cmocka_unit_test(test_cancel_before_kexec_undoes_everything),
		cmocka_unit_test(test_absent_session_is_enoent),
		cmocka_unit_test(test_disabled_without_liveupdate_on),
		cmocka_unit_test(test_block_chain_cycle_refused),
		cmocka_unit_test(test_block_chain_too_long_refused),
		cmocka_unit_test(test_block_bad_count_refused),
		cmocka_unit_test(test_block_outside_ram_stops_the_kernel),
		cmocka_unit_test(test_block_unaligned_stops_the_kernel),
		cmocka_unit_test(test_wrong_compatible_panics),
		cmocka_unit_test(test_safe_block_outside_ram_refused),
		cmocka_unit_test(test_safe_block_unaligned_refused),
		cmocka_unit_test(test_safe_wrong_compatible_refused),
	};

	return cmocka_run_group_tests_name("luo", tests, NULL, NULL);
}
