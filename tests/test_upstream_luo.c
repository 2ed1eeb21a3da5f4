/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upstream's LUO selftests (tools/testing/selftests/liveupdate/ of the
 * pinned tree), compiled unmodified and run by name on the real 7.3 LUO
 * of the kernel world, through the simulated user space of luo_uapi.c.
 *
 * liveupdate.c is a kselftest_harness fixture: its TEST_Fs are found with
 * the harness's own -l and each is run with its own -t NAME, so each is a
 * test of its own here, named as the harness names it; one passes when the
 * harness says "ok" without "# SKIP" and exits 0. The harness forks for
 * each test and the test process boots its own kernel world (luo_uapi.c).
 *
 * luo_kexec_simple.c, luo_multi_session.c, luo_stress_files.c and
 * luo_stress_sessions.c are two-stage tests: here, as init.c does in
 * upstream's VM, main() runs with "-s 1" (its parent must exit 0; its
 * daemon holds the sessions, asleep), the kernel kexecs (cli_kexec()),
 * and main() runs again with "-s 2" in the new kernel and must exit 0
 * (upstream's vmtest.sh also looks for "TEST PASSED" in the output; so
 * does this). Then no page the first kernel preserved may be left
 * unclaimed (pcisim's own check: stage 2 finished every session).
 *
 * A negative test flips one bit of a preserved memfd's page between the
 * stages: stage 2 must see the difference and fail.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "cli.h"
#include "host.h"
#include "luo_uapi.h"
#include "machine.h"
#include "simtest.h"

#define LUO_CMDLINE	"kho=on liveupdate=on"
#define MAX_TESTS	64

/* upstream's main()s, renamed by the Makefile (LUSELF_TESTS) */
int upstream_liveupdate_main(int argc, char **argv);
int upstream_luo_kexec_simple_main(int argc, char **argv);
int upstream_luo_multi_session_main(int argc, char **argv);
int upstream_luo_stress_files_main(int argc, char **argv);
int upstream_luo_stress_sessions_main(int argc, char **argv);

/* Print captured output as TAP comments: its "ok" lines are not ours. */
static void print_commented(const char *what, const char *text)
{
	const char *p = text;

	fprintf(stderr, "# ---- %s ----\n", what);
	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "#   %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* ---- liveupdate.c: the kselftest harness ---- */

/*
 * Run the harness in a child with args (its argv[1..]), the kernel world
 * booting in each test process with cmdline; its output (stdout, stderr,
 * the kernel's log) into *out. Returns its exit status.
 */
static int run_harness(const char *cmdline, char **args, int nargs,
		       char **out)
{
	char *argv[8] = { "liveupdate" };
	size_t len = 0, cap = 1 << 16;
	int fds[2], st, i;
	pid_t pid;

	assert_true(nargs < 7);
	for (i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct lu_result r;
		struct machine *m;

		close(fds[0]);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[1]);
		setvbuf(stdout, NULL, _IONBF, 0);
		m = cli_load_topology(NULL);
		if (!m)
			_exit(EXIT_BAD_INPUT);
		/* the kernel's warnings and errors: its info is not needed */
		host_set_log(stderr, 4);
		lu_init(m, cmdline, false);
		lu_run(upstream_liveupdate_main, nargs + 1, argv, &r);
		_exit(r.status);
	}
	close(fds[1]);
	*out = malloc(cap);
	assert_non_null(*out);
	for (;;) {
		ssize_t n;

		if (len + 1 == cap) {
			*out = realloc(*out, cap *= 2);
			assert_non_null(*out);
		}
		n = read(fds[0], *out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(*out)[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The harness's tests, from its own list (-l): fixture.test each. */
static int harness_tests(char (*names)[128], int max)
{
	char *out, *line, *save = NULL;
	char fixture[64] = "";
	int n = 0;

	run_harness(LUO_CMDLINE, (char *[]){ "-l" }, 1, &out);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char a[64], b[64];
		int k;

		/* "# FIXTURE VARIANT TEST", then "FIXTURE TEST" or "TEST" */
		if (line[0] == '#' || line[0] == '-')
			continue;
		k = sscanf(line, "%63s %63s", a, b);
		if (k == 2)
			snprintf(fixture, sizeof(fixture), "%s", a);
		if (k >= 1 && n < max && fixture[0])
			snprintf(names[n++], sizeof(names[0]), "%s.%s",
				 fixture, k == 2 ? b : a);
	}
	free(out);
	return n;
}

/* "fixture.test": the harness passes it (not skipped), exit status 0 */
static void test_harness_one(void **state)
{
	const char *name = *state;
	const char *test = strchr(name, '.') + 1;
	char want[160], *out;
	int status;

	status = run_harness(LUO_CMDLINE, (char *[]){ "-t", (char *)test }, 2,
			     &out);
	snprintf(want, sizeof(want), "\nok 1 %s\n", name);
	if (getenv("UPSTREAM_LUO_VERBOSE"))
		print_commented(name, out);
	if (status || !strstr(out, want) || strstr(out, "# SKIP") ||
	    strstr(out, "cut here")) {
		print_commented(name, out);
		fail_msg("%s: exit status %d, or not \"ok 1 %s\" (skipped, or a kernel WARN)",
			 name, status, name);
	}
	free(out);
}

/*
 * Without liveupdate=on there is no /dev/liveupdate: the harness skips
 * (exit 0, "ok ... # SKIP"), which must not count as passing.
 */
static void test_harness_skip_is_not_a_pass(void **state)
{
	char *out;
	int status;

	(void)state;
	status = run_harness("kho=on", (char *[]){ "-t", "basic_open_close" },
			     2, &out);
	if (status || !strstr(out, "ok 1 liveupdate_device.basic_open_close # SKIP")) {
		print_commented("basic_open_close without LUO", out);
		fail_msg("the harness should have skipped");
	}
	free(out);
}

/* ---- the two-stage tests ---- */

struct two_stage {
	int (*main_fn)(int argc, char **argv);
	const char *name;
	/* between stage 1 and the kexec */
	int (*between)(struct machine *m);
};

static int two_stages(struct machine *m, void *arg)
{
	const struct two_stage *t = arg;
	char a0[64], a1[] = "-s", a2[] = "1";
	char *argv[] = { a0, a1, a2, NULL };
	struct lu_result r;
	int st;

	snprintf(a0, sizeof(a0), "%s", t->name);
	lu_init(m, LUO_CMDLINE, true);
	lu_run(t->main_fn, 3, argv, &r);
	/* the parent of the daemon: the rest of the run is the daemon's */
	if (lu_world_gone())
		lu_follow_world();
	if (r.end != LU_SLEEPING) {
		fprintf(stderr, "luo-upstream: FAIL stage 1 %s %d, with no daemon holding the sessions\n",
			r.end == LU_EXITED ? "exited" : "returned", r.status);
		return -1;
	}
	st = lu_reap_parent();
	if (st) {
		fprintf(stderr, "luo-upstream: FAIL stage 1 exited %d\n", st);
		return -1;
	}
	fprintf(stderr, "luo-upstream: stage 1 exited 0; its daemon holds the sessions: kexec\n");
	if (t->between && t->between(m))
		return -1;
	lu_world_end();
	if (cli_kexec(m, LUO_CMDLINE)) {
		fprintf(stderr, "luo-upstream: FAIL kexec\n");
		return -1;
	}
	a2[0] = '2';
	lu_run(t->main_fn, 3, argv, &r);
	if (r.end == LU_SLEEPING || r.status) {
		fprintf(stderr, "luo-upstream: FAIL stage 2 %s %d\n",
			r.end == LU_SLEEPING ? "slept, status" :
			r.end == LU_EXITED ? "exited" : "returned", r.status);
		return -1;
	}
	if (sim_kho_leaked_pages()) {
		fprintf(stderr, "luo-upstream: FAIL %lu preserved pages left unclaimed\n",
			sim_kho_leaked_pages());
		return -1;
	}
	fprintf(stderr, "luo-upstream: stage 2 exited 0\n");
	return 0;
}

static struct sim_result run_two_stages(const struct two_stage *t)
{
	struct sim_run run = { .cmdline = LUO_CMDLINE, .scenario = two_stages,
			       .arg = (void *)t };
	struct sim_result r;

	assert_int_equal(simtest_run(&run, &r), 0);
	return r;
}

static void check_two_stages(int (*main_fn)(int, char **), const char *name,
			     const char *passed)
{
	struct two_stage t = { .main_fn = main_fn, .name = name };
	struct sim_result r = run_two_stages(&t);

	if (getenv("UPSTREAM_LUO_VERBOSE"))
		print_commented(name, r.log);
	/* a WARN before the kexec is logged; the new kernel's are counted */
	if (r.status || !strstr(r.log, passed) ||
	    !strstr(r.log, "luo-upstream: stage 2 exited 0") ||
	    strstr(r.log, "WARNING") || r.warns) {
		print_commented(name, r.log);
		fail_msg("%s: status %d, %lu kernel WARN(s), or no \"%s\"",
			 name, r.status, r.warns, passed);
	}
	simtest_free(&r);
}

static void test_luo_kexec_simple(void **state)
{
	(void)state;
	check_two_stages(upstream_luo_kexec_simple_main, "luo_kexec_simple",
			 "--- SIMPLE KEXEC TEST PASSED ---");
}

static void test_luo_multi_session(void **state)
{
	(void)state;
	check_two_stages(upstream_luo_multi_session_main, "luo_multi_session",
			 "--- MULTI-SESSION KEXEC TEST PASSED ---");
}

static void test_luo_stress_files(void **state)
{
	(void)state;
	check_two_stages(upstream_luo_stress_files_main, "luo_stress_files",
			 "--- MANY-FILES KEXEC TEST PASSED (500 files) ---");
}

static void test_luo_stress_sessions(void **state)
{
	(void)state;
	check_two_stages(upstream_luo_stress_sessions_main,
			 "luo_stress_sessions",
			 "--- MANY-SESSIONS KEXEC TEST PASSED (2000 sessions) ---");
}

/*
 * Flip one bit of the memfd page stage 1 wrote last (the test memfd,
 * after the state memfd), in RAM, as a stray write would.
 */
static int flip_last_memfd_bit(struct machine *m)
{
	unsigned long long pa = lu_mapped_pa(0);
	uint64_t base, size;
	unsigned char *ram = machine_ram(m, &base, &size);

	if (!pa || !ram || pa < base || pa - base >= size)
		return -1;
	ram[pa - base] ^= 1;
	fprintf(stderr, "luo-upstream: flipped a bit at PA %#llx: '%c'\n", pa,
		ram[pa - base]);
	return 0;
}

static void test_luo_kexec_simple_flipped_bit_fails(void **state)
{
	struct two_stage t = { .main_fn = upstream_luo_kexec_simple_main,
			       .name = "luo_kexec_simple",
			       .between = flip_last_memfd_bit };
	struct sim_result r = run_two_stages(&t);

	(void)state;
	if (r.status != EXIT_CHECK_FAILED ||
	    !strstr(r.log, "Data mismatch! Expected 'hello kexec world', Got 'iello kexec world'") ||
	    !strstr(r.log, "luo-upstream: FAIL stage 2 exited 1") ||
	    strstr(r.log, "TEST PASSED")) {
		print_commented("luo_kexec_simple, a bit flipped", r.log);
		fail_msg("stage 2 should have failed on the flipped bit (status %d)",
			 r.status);
	}
	simtest_free(&r);
}

int main(void)
{
	static char names[MAX_TESTS][128];
	static struct CMUnitTest tests[MAX_TESTS + 8];
	int n, i;

	/*
	 * UPSTREAM_LUO_FILTER='luo_stress_*' runs only those;
	 * UPSTREAM_LUO_VERBOSE=1 prints every test's output
	 */
	if (getenv("UPSTREAM_LUO_FILTER"))
		cmocka_set_test_filter(getenv("UPSTREAM_LUO_FILTER"));
	n = harness_tests(names, MAX_TESTS);
	if (n < 1) {
		fprintf(stderr, "not ok - the harness of liveupdate.c listed no tests\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ .name = names[i],
						.test_func = test_harness_one,
						.initial_state = names[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_harness_skip_is_not_a_pass);
	tests[n++] = (struct CMUnitTest){ .name = "luo_kexec_simple",
					  .test_func = test_luo_kexec_simple };
	tests[n++] = (struct CMUnitTest){ .name = "luo_multi_session",
					  .test_func = test_luo_multi_session };
	tests[n++] = (struct CMUnitTest){ .name = "luo_stress_files",
					  .test_func = test_luo_stress_files };
	tests[n++] = (struct CMUnitTest){ .name = "luo_stress_sessions",
					  .test_func = test_luo_stress_sessions };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_luo_kexec_simple_flipped_bit_fails);
	return _cmocka_run_group_tests("upstream_luo", tests, n, NULL, NULL);
}
