/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hostile corpus (#14): every case in tests/hostile/ (*.cases) is bad
 * input to the pcisim command (topology files, captures, resources
 * files, options of every command). Each must be refused with its exit
 * status (2 unless the case says otherwise) and a message on stderr that
 * names the problem (every `err:` line of the case, with the input files'
 * names), within a timeout, with no crash and no sanitizer report: the
 * SANITIZE=1 build runs the same cases with leak detection on, so every
 * early exit is also checked for leaks.
 *
 * Case files (tests/hostile/README.md):
 *
 *   === NAME
 *   run: enumerate @in --quiet       arguments, shell words; @NAME is the
 *                                    path of input NAME, @dir the case's
 *                                    directory (the cwd is the repository)
 *   exit: 2                          optional, default 2
 *   err: @in:2:8: error:             a substring stderr must hold (any number)
 *   --- in                           an input file: the lines up to the
 *   host                             next "---" or "===" line (a blank
 *                                    line right before it separates)
 *   --- in noeol                     the same without the last newline
 *
 * HOSTILE_PCISIM=path runs the corpus against another pcisim binary.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"

#ifndef PCISIM
#define PCISIM "build/pcisim"
#endif

#define CASES_DIR	"tests/hostile"
/*
 * A hang guard, not a speed test: every case ends in well under a second
 * here, and a sanitizer build on a loaded machine in a few; only a case
 * that would never end reaches it.
 */
#define TIMEOUT		"120"
#define MAX_FILES	4
#define MAX_ERRS	6

struct input {
	char name[32];
	char *text;
	size_t len;
};

struct hcase {
	char name[128];
	char where[600];		/* file:line of its === line */
	char *run;
	int exit;
	char *err[MAX_ERRS];
	int nerr;
	struct input in[MAX_FILES];
	int nin;
};

static struct hcase *cases;
static size_t ncases, capcases;
static char pcisim[4200];		/* $HOSTILE_PCISIM, else this build's */

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	assert_non_null(p);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

static void append(struct input *in, const char *line, size_t n)
{
	in->text = realloc(in->text, in->len + n + 2);
	assert_non_null(in->text);
	memcpy(in->text + in->len, line, n);
	in->len += n;
	in->text[in->len++] = '\n';
	in->text[in->len] = 0;
}

static void load_file(const char *path)
{
	char *text = simtest_slurp(path), *p, *next;
	struct hcase *c = NULL;
	struct input *in = NULL;
	bool noeol = false;
	int lineno = 0;

	if (!text)
		fail_msg("cannot read %s", path);
	for (p = text; *p; p = next) {
		size_t n = strcspn(p, "\n");

		next = p + n + (p[n] == '\n');
		lineno++;
		if (!strncmp(p, "===", 3) || !strncmp(p, "---", 3)) {
			/* the blank line that separates cases is not input */
			if (in && in->len && in->text[in->len - 1] == '\n' &&
			    (in->len == 1 || in->text[in->len - 2] == '\n'))
				in->text[--in->len] = 0;
			if (in && noeol && in->len)
				in->text[--in->len] = 0;
			in = NULL;
			noeol = false;
		}
		if (!strncmp(p, "=== ", 4)) {
			if (ncases == capcases) {
				capcases = capcases ? 2 * capcases : 256;
				cases = realloc(cases, capcases * sizeof(*cases));
				assert_non_null(cases);
			}
			c = &cases[ncases++];
			memset(c, 0, sizeof(*c));
			c->exit = 2;
			snprintf(c->name, sizeof(c->name), "%.*s", (int)(n - 4), p + 4);
			snprintf(c->where, sizeof(c->where), "%s:%d", path, lineno);
			continue;
		}
		if (!c) {
			if (n && *p != '#')
				fail_msg("%s:%d: text before the first case", path, lineno);
			continue;
		}
		if (in) {
			append(in, p, n);
			continue;
		}
		if (!strncmp(p, "--- ", 4)) {
			char name[32] = "";

			if (c->nin == MAX_FILES)
				fail_msg("%s:%d: too many inputs", path, lineno);
			in = &c->in[c->nin++];
			sscanf(p + 4, "%31s", name);
			snprintf(in->name, sizeof(in->name), "%s", name);
			in->text = dupn("", 0);
			noeol = memmem(p, n, " noeol", 6) != NULL;
		} else if (!strncmp(p, "run:", 4)) {
			c->run = dupn(p + 4 + (n > 4), n - 4 - (n > 4));
		} else if (!strncmp(p, "exit: ", 6)) {
			c->exit = atoi(p + 6);
		} else if (!strncmp(p, "err: ", 5)) {
			if (c->nerr == MAX_ERRS)
				fail_msg("%s:%d: too many err: lines", path, lineno);
			c->err[c->nerr++] = dupn(p + 5, n - 5);
		} else if (n && *p != '#') {
			fail_msg("%s:%d: not a case line: %.*s", path, lineno, (int)n, p);
		}
	}
	if (in && noeol && in->len)
		in->text[--in->len] = 0;
	free(text);
}

/* s with @NAME replaced by dir/NAME (inputs) and @dir by dir. */
static char *expand(const struct hcase *c, const char *s, const char *dir)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	while (*s) {
		bool done = false;

		if (*s == '@') {
			if (!strncmp(s + 1, "dir", 3) &&
			    !(s[4] == '_' || (s[4] >= 'a' && s[4] <= 'z'))) {
				fputs(dir, m);
				s += 4;
				continue;
			}
			for (int i = 0; i < c->nin && !done; i++) {
				size_t n = strlen(c->in[i].name);

				if (strncmp(s + 1, c->in[i].name, n) ||
				    s[1 + n] == '_' || (s[1 + n] >= 'a' && s[1 + n] <= 'z') ||
				    (s[1 + n] >= '0' && s[1 + n] <= '9'))
					continue;
				fprintf(m, "%s/%s", dir, c->in[i].name);
				s += 1 + n;
				done = true;
			}
			if (done)
				continue;
		}
		fputc(*s++, m);
	}
	fclose(m);
	return buf;
}

static bool has(const char *text, const char *what)
{
	return strstr(text, what) != NULL;
}

static void run_case(void **state)
{
	const struct hcase *c = *state;
	char dir[] = "/tmp/pcisim-hostile-XXXXXX", cmd[8192], path[4200];
	char *args, *out, *err;
	int st;

	assert_non_null(mkdtemp(dir));
	for (int i = 0; i < c->nin; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, c->in[i].name);
		f = fopen(path, "w");
		assert_non_null(f);
		fwrite(c->in[i].text, 1, c->in[i].len, f);
		fclose(f);
	}
	args = expand(c, c->run ? c->run : "", dir);
	snprintf(cmd, sizeof(cmd),
		 "timeout -k 5 " TIMEOUT " %s %s >%s/out.txt 2>%s/err.txt; echo $? >%s/status.txt",
		 pcisim, args, dir, dir, dir);
	st = system(cmd);
	(void)st;
	snprintf(path, sizeof(path), "%s/status.txt", dir);
	out = simtest_slurp(path);
	st = out ? atoi(out) : -1;
	free(out);
	snprintf(path, sizeof(path), "%s/out.txt", dir);
	out = simtest_slurp(path);
	snprintf(path, sizeof(path), "%s/err.txt", dir);
	err = simtest_slurp(path);
	if (!out || !err)
		fail_msg("%s (%s): no output files", c->name, c->where);

	if (st == 124 || st == 137)
		fail_msg("%s (%s): pcisim %s: timed out (hang)", c->name, c->where, args);
	if (st >= 128 || has(err, "AddressSanitizer") || has(err, "LeakSanitizer") ||
	    has(err, "runtime error") || has(out, "runtime error"))
		fail_msg("%s (%s): pcisim %s: crashed or a sanitizer report (status %d):\n%s",
			 c->name, c->where, args, st, err);
	if (st != c->exit)
		fail_msg("%s (%s): pcisim %s: exit %d, expected %d; stderr:\n%s",
			 c->name, c->where, args, st, c->exit, err);
	if (c->exit == 2 && !has(err, "error") && !has(err, "pcisim") &&
	    !has(err, "usage"))
		fail_msg("%s (%s): pcisim %s: refused without a message:\n%s",
			 c->name, c->where, args, err);
	for (int i = 0; i < c->nerr; i++) {
		char *want = expand(c, c->err[i], dir);

		if (!has(err, want))
			fail_msg("%s (%s): pcisim %s: stderr lacks \"%s\":\n%s",
				 c->name, c->where, args, want, err);
		free(want);
	}
	free(args);
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fail_msg("could not remove %s", dir);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_cases(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 6 && !strcmp(d->d_name + n - 6, ".cases");
}

int main(void)
{
	struct dirent **names;
	struct CMUnitTest *tests;
	int n;

	if (getenv("HOSTILE_PCISIM"))
		snprintf(pcisim, sizeof(pcisim), "%s", getenv("HOSTILE_PCISIM"));
	else
		snprintf(pcisim, sizeof(pcisim), "%s", PCISIM);
	/* the SANITIZE=1 build: every early exit checked for leaks too */
	{
		const char *o = getenv("ASAN_OPTIONS");
		char opts[1024];

		snprintf(opts, sizeof(opts), "%s%sdetect_leaks=1",
			 o ? o : "", o && *o ? ":" : "");
		setenv("ASAN_OPTIONS", opts, 1);
	}
	n = scandir(CASES_DIR, &names, is_cases, by_name);
	if (n <= 0) {
		fprintf(stderr, "no %s/*.cases (run from the repository)\n",
			CASES_DIR);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", CASES_DIR, names[i]->d_name);
		load_file(path);
		free(names[i]);
	}
	free(names);
	tests = calloc(ncases, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < ncases; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = &cases[i];
	}
	return _cmocka_run_group_tests("hostile", tests, ncases, NULL, NULL);
}
