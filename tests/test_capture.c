/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim capture: the machine the tests run on, as a topology. What sysfs
 * lists (less the VFs, which SR-IOV recreates) must come back as a file
 * that parses, builds and enumerates with the same functions. A machine
 * without PCI must make capture fail with status 1, not write nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"
#include "topofile.h"

/* variant builds (fuzz/variant.mk) run their own pcisim */
#ifndef PCISIM
#define PCISIM		"build/pcisim"
#endif
#define SYSFS_PCI	"/sys/bus/pci/devices"
#define MAX_FNS		4096

/* vendor << 16 | device of every function that is not a VF */
static size_t sysfs_functions(unsigned *ids)
{
	DIR *d = opendir(SYSFS_PCI);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_FNS) {
		char path[512];
		unsigned v = 0, dev = 0;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/physfn", e->d_name);
		if (!access(path, F_OK))
			continue;
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/vendor", e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%x", &v) != 1)
				v = 0;
			fclose(f);
		}
		snprintf(path, sizeof(path), SYSFS_PCI "/%s/device", e->d_name);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%x", &dev) != 1)
				dev = 0;
			fclose(f);
		}
		ids[n++] = v << 16 | dev;
	}
	closedir(d);
	return n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static void test_capture_this_machine(void **state)
{
	static unsigned want[MAX_FNS], got[MAX_FNS];
	struct sim_run run = { 0 };
	struct topo_error err;
	struct sim_result r;
	char path[256], *out, *text;
	struct topo *t;
	size_t n = sysfs_functions(want), i;
	int st;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/pcisim-test-%d-capture.topo", (int)getpid());
	st = simtest_shell(&out, PCISIM " capture -o %s", path);
	if (!n) {
		/* no PCI here: a clear error, status 1 */
		if (st != 1 || !strstr(out, "no PCI"))
			fail_msg("capture without PCI: status %d, output:\n%s", st, out);
		free(out);
		return;
	}
	if (st)
		fail_msg("capture failed (status %d):\n%s", st, out);
	free(out);
	text = simtest_slurp(path);
	assert_non_null(text);
	memset(&err, 0, sizeof(err));
	t = topo_parse_string(path, text, strlen(text), &err);
	if (!t) {
		topo_error_print(&err, stderr);
		fail_msg("the captured topology does not parse:\n%s", text);
	}
	assert_int_equal(topo_nr_functions(t), n);
	topo_free(t);

	run.topo_path = path;
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		print_error("%s", r.log);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.n, n);
	for (i = 0; i < n; i++)
		got[i] = r.dev[i].vendor << 16 | r.dev[i].device;
	qsort(want, n, sizeof(want[0]), cmp_uint);
	qsort(got, n, sizeof(got[0]), cmp_uint);
	for (i = 0; i < n; i++)
		if (want[i] != got[i])
			fail_msg("sysfs has %08x where the captured machine has %08x:\n%s",
				 want[i], got[i], text);
	simtest_free(&r);
	free(text);
	unlink(path);
}

static void test_capture_rejects_arguments(void **state)
{
	(void)state;
	assert_int_equal(simtest_shell(NULL, PCISIM " capture --bogus"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_this_machine),
		cmocka_unit_test(test_capture_rejects_arguments),
	};

	return cmocka_run_group_tests_name("capture", tests, NULL, NULL);
}
