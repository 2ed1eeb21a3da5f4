/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Regressions found by fuzzing (issue #6): every input under
 * tests/fuzz/HARNESS/ once crashed, hung or broke an invariant in the
 * harness fuzz/h_HARNESS.c, and was fixed. Each is replayed through that
 * harness's program (built with pcisim: $(B)/fuzz/fuzz-HARNESS, which
 * runs it in a child of its own) and must now pass every check the
 * harness makes. One CMocka test per input, named HARNESS/FILE; the
 * first lines of each file's README entry (tests/fuzz/README.md) say
 * what it was.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "simtest.h"

/* variant builds (fuzz/variant.mk) run their own pcisim, and harnesses */
#ifndef PCISIM
#define PCISIM "build/pcisim"
#endif

static const char *const harnesses[] = { "handover", "topo", "lspci", "config" };

struct input {
	char harness[16];
	char path[512];
};

static void test_input(void **state)
{
	const struct input *in = *state;
	char bindir[512], *out = NULL;
	const char *slash = strrchr(PCISIM, '/');
	int rc;

	snprintf(bindir, sizeof(bindir), "%.*sfuzz",
		 slash ? (int)(slash - PCISIM + 1) : 0, PCISIM);
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt %s/fuzz-%s %s",
			   bindir, in->harness, in->path);
	if (rc)
		fail_msg("%s/fuzz-%s %s: exit %d\n%s", bindir, in->harness,
			 in->path, rc, out);
	free(out);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct CMUnitTest *)a)->name,
		      ((const struct CMUnitTest *)b)->name);
}

/* static: still reachable at exit, for LeakSanitizer */
static struct CMUnitTest *tests;

int main(void)
{
	size_t n = 0;

	for (size_t h = 0; h < sizeof(harnesses) / sizeof(harnesses[0]); h++) {
		char dir[64];
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "tests/fuzz/%s", harnesses[h]);
		d = opendir(dir);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			struct input *in;
			char *name;

			if (de->d_name[0] == '.')
				continue;
			in = calloc(1, sizeof(*in));
			name = malloc(strlen(harnesses[h]) + strlen(de->d_name) + 2);
			tests = realloc(tests, (n + 1) * sizeof(*tests));
			if (!in || !name || !tests)
				return 1;
			snprintf(in->harness, sizeof(in->harness), "%s", harnesses[h]);
			snprintf(in->path, sizeof(in->path), "%s/%s", dir, de->d_name);
			sprintf(name, "%s/%s", harnesses[h], de->d_name);
			tests[n++] = (struct CMUnitTest){
				.name = name,
				.test_func = test_input,
				.initial_state = in,
			};
		}
		closedir(d);
	}
	if (!n) {
		printf("1..0 # SKIP no fuzz regression inputs\n");
		return 0;
	}
	qsort(tests, n, sizeof(*tests), cmp_name);
	return _cmocka_run_group_tests("fuzz", tests, n, NULL, NULL);
}
