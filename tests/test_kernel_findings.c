// SPDX-License-Identifier: GPL-2.0
/*
 * Bugs fuzzing found in the kernel's own drivers/pci (fuzz/FINDINGS.md,
 * K1 to K3): each reproducer in tests/kernel-findings/ must still
 * do what FINDINGS.md says, and pcisim must report it as a stopped kernel
 * (exit 3, with the reason), never crash. A kernel tree (KSRC=) that fixed
 * one fails here: then FINDINGS.md needs updating, not this test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "simtest.h"

#define FINDINGS	"tests/kernel-findings/"

static void expect(const char *topo, int status, const char *const *lines)
{
	char *out = NULL;
	int rc = simtest_shell(&out, "build/pcisim enumerate %s%s", FINDINGS,
			       topo);

	assert_non_null(out);
	if (rc != status)
		fail_msg("%s: exit %d, not %d:\n%s", topo, rc, status, out);
	for (; *lines; lines++)
		if (!strstr(out, *lines))
			fail_msg("%s: no \"%s\" in:\n%s", topo, *lines, out);
	free(out);
}

/* K1: realloc_head keeps the windows of a bridge whose class was refused */
static void test_k1_bridge_class_000000_is_a_bug_in_setup_bus(void **state)
{
	static const char *const lines[] = {
		"pci 0000:00:01.0: [1b36:000c] type 01 class 0x000000",
		"kernel BUG at drivers/pci/setup-bus.c:",
		"kernel stopped: kernel BUG",
		NULL,
	};

	(void)state;
	expect("K1-bridge-class-000000.topo", 3, lines);
}

static void test_k1_cardbus_header_on_endpoint_is_a_bug(void **state)
{
	static const char *const lines[] = {
		"ignoring class 0x020000 (doesn't match header type 02)",
		"kernel BUG at drivers/pci/setup-bus.c:",
		"kernel stopped: kernel BUG",
		NULL,
	};

	(void)state;
	expect("K1-cardbus-header-on-endpoint.topo", 3, lines);
}

/* Without a hot-plug slot: no BUG, but programmed outside the host window */
static void test_k1_without_hotplug_programs_outside_host(void **state)
{
	static const char *const lines[] = {
		"pci 0000:01:00.0: BAR 0 [mem 0x00100000-0x00103fff]: assigned",
		"pci 0000:00:01.0:   bridge window [mem 0x00100000-0x001fffff]",
		NULL,
	};

	(void)state;
	expect("K1-bridge-class-000000-window-outside-host.topo", 0, lines);
}

/* K2: pci_scan_bridge_extend() rescans an existing bus, forever */
static void test_k2_ea_fixed_secondary_is_a_stack_overflow(void **state)
{
	static const char *const lines[] = {
		"kernel stopped: stack overflow",
		NULL,
	};

	(void)state;
	expect("K2-ea-fixed-secondary-is-own-bus.topo", 3, lines);
}

static void test_k2_vf_buses_past_255_is_a_stack_overflow(void **state)
{
	static const char *const lines[] = {
		"kernel stopped: stack overflow",
		NULL,
	};

	(void)state;
	expect("K2-vf-buses-past-255.topo", 3, lines);
}

#define K3_INPUT FINDINGS "K3-vf-bar-update-while-vf-enabled.config"

/*
 * K3: hardware whose SR-IOV Control keeps VF Enable and VF MSE set.
 * Replayed through its harness without the known findings list, it must
 * still end in the WARN FINDINGS.md describes.
 */
static void test_k3_stuck_vf_enable_warns(void **state)
{
	char *out = NULL;
	int rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null build/fuzz/fuzz-config %s",
			       K3_INPUT);

	(void)state;
	assert_non_null(out);
	if (rc != 2 || !strstr(out, "can't update enabled VF BAR") ||
	    !strstr(out, "kernel WARN at drivers/pci/iov.c:"))
		fail_msg("K3: exit %d:\n%s", rc, out);
	free(out);
}

/* Run the K3 input with a known findings list holding just entry. */
static int k3_with_known(const char *entry, char **out)
{
	char path[] = "/tmp/pcisim-known-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");

	assert_non_null(f);
	fprintf(f, "%s\n", entry);
	fclose(f);
	rc = simtest_shell(out, "FUZZ_KNOWN=%s build/fuzz/fuzz-config %s", path,
			   K3_INPUT);
	unlink(path);
	assert_non_null(*out);
	return rc;
}

/*
 * The fuzz smokes go on past K3 (fuzz/known-findings.txt), but only for
 * inputs of its class: the entry names the class, which the harness gives
 * an input from its config space; another class, or another site, leaves
 * the WARN a finding.
 */
static void test_k3_is_known_for_its_class_only(void **state)
{
	static const char site[] =
		"drivers/pci/iov.c dev_WARN(&dev->dev, \"can't update enabled VF BAR%d %pR\\n\",";
	char entry[256], *out = NULL;
	int rc;

	(void)state;
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt build/fuzz/fuzz-config %s",
			   K3_INPUT);
	assert_non_null(out);
	if (rc != 0)
		fail_msg("K3 with fuzz/known-findings.txt: exit %d:\n%s", rc, out);
	free(out);

	snprintf(entry, sizeof(entry), "warn-if K3 %s", site);
	rc = k3_with_known(entry, &out);
	if (rc != 0)
		fail_msg("%s: exit %d:\n%s", entry, rc, out);
	free(out);

	snprintf(entry, sizeof(entry), "warn-if K4 %s", site);
	rc = k3_with_known(entry, &out);
	if (rc != 2 || !strstr(out, "kernel WARN at drivers/pci/iov.c:"))
		fail_msg("%s: exit %d:\n%s", entry, rc, out);
	free(out);

	rc = k3_with_known("warn-if K3 drivers/pci/iov.c pci_read_config_word(dev, iov->pos + PCI_SRIOV_CTRL, &cmd);",
			   &out);
	if (rc != 2)
		fail_msg("another site: exit %d:\n%s", rc, out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k1_bridge_class_000000_is_a_bug_in_setup_bus),
		cmocka_unit_test(test_k1_cardbus_header_on_endpoint_is_a_bug),
		cmocka_unit_test(test_k1_without_hotplug_programs_outside_host),
		cmocka_unit_test(test_k2_ea_fixed_secondary_is_a_stack_overflow),
		cmocka_unit_test(test_k2_vf_buses_past_255_is_a_stack_overflow),
		cmocka_unit_test(test_k3_stuck_vf_enable_warns),
		cmocka_unit_test(test_k3_is_known_for_its_class_only),
	};

	return cmocka_run_group_tests_name("kernel-findings", tests, NULL, NULL);
}
