/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim draw: the enumerated tree as a picture. Every function the real
 * kernel found (tests/oracle/ *\/devices-*.tsv) must appear in it by BDF.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"

/* variant builds (fuzz/variant.mk) run their own pcisim */
#ifndef PCISIM
#define PCISIM	"build/pcisim"
#endif

/* Every BDF of a devices-*.tsv must be in text; returns how many. */
static int all_bdfs_in(const char *text, const char *devices)
{
	char line[1024];
	FILE *f = fopen(devices, "r");
	int n = 0;

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));	/* header */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\t")] = '\0';
		if (!strstr(text, line))
			fail_msg("%s is not in the drawing", line);
		n++;
	}
	fclose(f);
	return n;
}

static void draw(const char *topo, const char *opts, const char *ext,
		 const char *devices, int nr_functions)
{
	char path[256], *out, *text;

	snprintf(path, sizeof(path), "/tmp/pcisim-test-%d-draw.%s", (int)getpid(), ext);
	if (simtest_shell(&out, PCISIM " draw tests/topo/%s.topo %s -o %s", topo,
			  opts, path))
		fail_msg("draw %s failed:\n%s", topo, out);
	free(out);
	text = simtest_slurp(path);
	assert_non_null(text);
	if (!strcmp(ext, "svg"))
		assert_non_null(strstr(text, "<svg"));
	else
		assert_memory_equal(text, "digraph", 7);
	assert_int_equal(all_bdfs_in(text, devices), nr_functions);
	free(text);
	unlink(path);
}

static void test_draw_T3_svg(void **state)
{
	(void)state;
	draw("T3_switch", "", "svg", "tests/oracle/T3_switch/devices-boot.tsv", 10);
}

static void test_draw_T5_vfs_svg(void **state)
{
	(void)state;
	draw("T5_sriov_nvme", "--enable-vfs", "svg",
	     "tests/oracle/T5_sriov_nvme/devices-sriov.tsv", 30);
}

static void test_draw_dot_text(void **state)
{
	(void)state;
	draw("T1_single_endpoint", "", "dot",
	     "tests/oracle/T1_single_endpoint/devices-boot.tsv", 2);
}

/* The dot line of one function's node: "\t\"BDF\" [label=...];" */
static char *node_line(char *text, const char *bdf)
{
	char key[64], *p, *end;

	snprintf(key, sizeof(key), "\n\t\"%s\" [label=", bdf);
	p = strstr(text, key);
	if (!p)
		fail_msg("no node for %s in:\n%s", bdf, text);
	p++;
	end = strchr(p, '\n');
	assert_non_null(end);
	*end = '\0';
	p = strdup(p);
	*end = '\n';
	return p;
}

/* Each BDF drawn as what: "preserved", "lu-dependency" or "" (neither). */
static void check_roles(const char *topo, const char *opts,
			const char *const (*want)[2], size_t n, bool legend)
{
	char path[256], *out, *text;

	snprintf(path, sizeof(path), "/tmp/pcisim-test-%d-lu.dot", (int)getpid());
	if (simtest_shell(&out, PCISIM " draw %s %s -o %s", topo, opts, path))
		fail_msg("draw %s %s failed:\n%s", topo, opts, out);
	free(out);
	text = simtest_slurp(path);
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		char *line = node_line(text, want[i][0]);
		bool pre = strstr(line, "class=\"preserved\"") &&
			   strstr(line, "bold") && strstr(line, "penwidth=3");
		bool dep = strstr(line, "class=\"lu-dependency\"") &&
			   strstr(line, "penwidth=2");

		if (pre != !strcmp(want[i][1], "preserved") ||
		    dep != !strcmp(want[i][1], "lu-dependency") ||
		    (!*want[i][1] && strstr(line, "penwidth")))
			fail_msg("%s should be drawn as '%s': %s", want[i][0],
				 want[i][1], line);
		free(line);
	}
	assert_true(!!strstr(text, "subgraph cluster_legend") == legend);
	free(text);
	unlink(path);
}

/* --preserve: the device bold, every bridge above it a dependency. */
static void test_draw_preserve_marks_bridges(void **state)
{
	static const char *const want[][2] = {
		{ "0000:03:00.0", "preserved" },
		{ "0000:02:00.0", "lu-dependency" },
		{ "0000:01:00.0", "lu-dependency" },
		{ "0000:00:01.0", "lu-dependency" },
		{ "0000:02:01.0", "" }, { "0000:00:02.0", "" },
		{ "0000:05:00.0", "" }, { "0000:00:04.0", "" },
		{ "0000:00:00.0", "" },
	};

	(void)state;
	check_roles("topo/examples/default.topo", "--preserve 0000:03:00.0",
		    want, sizeof(want) / sizeof(want[0]), true);
}

/* A preserved VF: its PF and the bridges above the PF are dependencies. */
static void test_draw_preserve_vf_marks_pf(void **state)
{
	static const char *const want[][2] = {
		{ "0000:05:10.2", "preserved" },
		{ "0000:05:00.0", "lu-dependency" },
		{ "0000:00:02.0", "lu-dependency" },
		{ "0000:05:00.1", "" }, { "0000:05:10.0", "" },
		{ "0000:05:10.1", "" }, { "0000:03:00.0", "" },
		{ "0000:00:01.0", "" },
	};

	(void)state;
	check_roles("topo/examples/default.topo",
		    "--enable-vfs --preserve 0000:05:10.2", want,
		    sizeof(want) / sizeof(want[0]), true);
}

/* Without --preserve, the topology's `preserve` marks; none: no legend. */
static void test_draw_topology_marks(void **state)
{
	static const char *const want[][2] = {
		{ "0000:03:00.0", "preserved" },
		{ "0000:05:00.0", "preserved" },
		{ "0000:00:02.0", "lu-dependency" },
		{ "0000:02:00.0", "lu-dependency" },
		{ "0000:05:00.1", "" }, { "0000:02:01.0", "" },
	};
	static const char *const none[][2] = {
		{ "0000:00:00.0", "" }, { "0000:00:02.0", "" },
	};

	(void)state;
	check_roles("topo/examples/default.topo", "", want,
		    sizeof(want) / sizeof(want[0]), true);
	check_roles("tests/topo/T1_single_endpoint.topo", "", none,
		    sizeof(none) / sizeof(none[0]), false);
	/* a BDF nothing answers at is bad input */
	assert_int_equal(simtest_shell(NULL, PCISIM " draw --preserve 0000:09:00.0 -o /dev/null.dot"), 2);
	assert_int_equal(simtest_shell(NULL, PCISIM " draw --preserve 3:0.0 -o /dev/null.dot"), 2);
}

static void test_draw_bad_output_name_is_exit_2(void **state)
{
	(void)state;
	assert_int_equal(simtest_shell(NULL, PCISIM " draw tests/topo/T1_single_endpoint.topo -o x.txt"), 2);
	assert_int_equal(simtest_shell(NULL, PCISIM " draw tests/topo/T1_single_endpoint.topo"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_draw_T3_svg),
		cmocka_unit_test(test_draw_T5_vfs_svg),
		cmocka_unit_test(test_draw_dot_text),
		cmocka_unit_test(test_draw_bad_output_name_is_exit_2),
		cmocka_unit_test(test_draw_preserve_marks_bridges),
		cmocka_unit_test(test_draw_preserve_vf_marks_pf),
		cmocka_unit_test(test_draw_topology_marks),
	};

	return cmocka_run_group_tests_name("draw", tests, NULL, NULL);
}
