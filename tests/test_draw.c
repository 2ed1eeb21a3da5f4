/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim draw: the enumerated tree as a picture. Every function the real
 * kernel found (tests/oracle/ *\/devices-*.tsv) must appear in it by BDF.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"

#define PCISIM	"build/pcisim"

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
	};

	return cmocka_run_group_tests_name("draw", tests, NULL, NULL);
}
