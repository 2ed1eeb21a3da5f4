// SPDX-License-Identifier: GPL-2.0
/*
 * The driver of every fuzz harness.
 *
 *   fuzz-NAME                  under afl-fuzz: persistent mode, the input
 *                              in shared memory (__AFL_LOOP); built
 *                              without AFL++: one input from stdin
 *   fuzz-NAME [-v] FILE|DIR... replay inputs (a directory: every file in
 *                              it), one run each; exit 0 if none was a
 *                              finding (a finding aborts)
 *   fuzz-NAME --make-seeds DIR write the harness's generated seeds
 *
 * The harness's init() runs before the fork server starts, so what it
 * sets up (topologies parsed, tables) is paid once per fuzzing session.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fuzz.h"

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

/* Inputs are small by design; anything longer is cut here. */
#define FUZZ_MAX_INPUT	(64 * 1024)

static void run(const uint8_t *data, size_t len)
{
	fuzz_run_begin();
	fuzz_harness.one(data, len);
	fuzz_run_end();
}

static unsigned long replayed, findings, known_stops;

/*
 * Replay one input in a child of its own: a finding aborts only that
 * child, and a known kernel BUG (which ends the kernel world, exit 3)
 * does not end the replay of the others.
 */
static int replay_file(const char *path)
{
	static uint8_t buf[FUZZ_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	int status;
	size_t len;
	pid_t pid;

	if (!f) {
		perror(path);
		return -1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (fuzz_verbose)
		fprintf(stderr, "fuzz-%s: %s (%zu bytes)\n", fuzz_harness.name,
			path, len);
	replayed++;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return -1;
	}
	if (!pid) {
		/*
		 * A kernel that hangs (K4) must not outlive a replay that
		 * timeout(1) or triage.sh gave up on.
		 */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(1);
		run(buf, len);
		exit(0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
		known_stops++;	/* said "known finding", or it is a finding */
		return 0;
	}
	fprintf(stderr, "fuzz-%s: %s: FINDING (%s %d)\n", fuzz_harness.name,
		path, WIFSIGNALED(status) ? "signal" : "exit status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	findings++;
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay(const char *path)
{
	struct stat st;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;
	DIR *d;

	if (stat(path, &st)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path);
	d = opendir(path);
	if (!d) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d))) {
		char **v;

		if (de->d_name[0] == '.')
			continue;
		v = realloc(names, (n + 1) * sizeof(*names));
		if (!v)
			break;
		names = v;
		names[n] = malloc(strlen(path) + strlen(de->d_name) + 2);
		sprintf(names[n++], "%s/%s", path, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!stat(names[i], &st) && S_ISREG(st.st_mode))
			ret |= replay_file(names[i]);
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	const char *seeds = NULL;
	struct timespec t0, t1;
	int i = 1, ret = 0;

	if (i < argc && !strcmp(argv[i], "-v")) {
		fuzz_verbose = true;
		i++;
	}
	if (i + 1 < argc && !strcmp(argv[i], "--make-seeds"))
		seeds = argv[i + 1];
	if (fuzz_harness.init && fuzz_harness.init()) {
		fprintf(stderr, "fuzz-%s: set-up failed\n", fuzz_harness.name);
		return 2;
	}
	if (seeds) {
		if (!fuzz_harness.make_seeds)
			return 0;
		return fuzz_harness.make_seeds(seeds) ? 1 : 0;
	}
	if (i < argc) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (; i < argc; i++)
			ret |= replay(argv[i]);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (getenv("FUZZ_TIMING")) {
			double s = (double)(t1.tv_sec - t0.tv_sec) +
				   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

			fprintf(stderr, "fuzz-%s: %lu inputs in %.3f s (%.0f/s), %lu findings, %lu known kernel stops\n",
				fuzz_harness.name, replayed, s,
				s > 0 ? (double)replayed / s : 0.0, findings,
				known_stops);
		}
		return ret ? 2 : 0;
	}
#ifdef __AFL_FUZZ_TESTCASE_LEN
	__AFL_INIT();
	{
		const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;

		while (__AFL_LOOP(10000)) {
			size_t len = __AFL_FUZZ_TESTCASE_LEN;

			run(buf, len < FUZZ_MAX_INPUT ? len : FUZZ_MAX_INPUT);
		}
	}
#else
	{
		static uint8_t buf[FUZZ_MAX_INPUT];
		size_t len = fread(buf, 1, sizeof(buf), stdin);

		run(buf, len);
	}
#endif
	return 0;
}
