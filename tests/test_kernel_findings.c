// SPDX-License-Identifier: GPL-2.0
/*
 * Bugs found in the kernel's own drivers/pci (fuzz/FINDINGS.md, K1 to
 * K5; K1-K4 by fuzzing): each reproducer in tests/kernel-findings/ must
 * still do what FINDINGS.md says, and pcisim must report a kernel it
 * stopped as such (exit 3, with the reason), never crash or hang. A kernel
 * tree (KSRC=) that fixed one fails here: then FINDINGS.md needs updating,
 * not this test.
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
#include <regex.h>

#include "simtest.h"

#define FINDINGS	"tests/kernel-findings/"

/* variant builds (fuzz/variant.mk) run their own pcisim and harnesses */
#ifndef PCISIM
#define PCISIM "build/pcisim"
#endif
static char fuzz_config[256];	/* fuzz/fuzz-config beside PCISIM */

static void expect(const char *topo, int status, const char *const *lines)
{
	char *out = NULL;
	int rc = simtest_shell(&out, PCISIM " enumerate %s%s", FINDINGS,
			       topo);

	assert_non_null(out);
	if (rc != status)
		fail_msg("%s: exit %d, not %d:\n%s", topo, rc, status, out);
	for (; *lines; lines++)
		if (!strstr(out, *lines))
			fail_msg("%s: no \"%s\" in:\n%s", topo, *lines, out);
	free(out);
}

/*
 * K1: realloc_head keeps the windows of a bridge whose class was refused.
 * 6.12 ended in BUG_ON(!list_empty(add_list)) in setup-bus.c; 7.3 warns
 * (WARN_ON_ONCE) and frees the list, and the endpoint behind the refused
 * bridge still gets a BAR outside every host window.
 */
static void test_k1_bridge_class_000000_warns_in_setup_bus(void **state)
{
	static const char *const lines[] = {
		"pci 0000:00:01.0: [1b36:000c] type 01 class 0x000000",
		"WARNING: CPU: 0 PID: 0 at drivers/pci/setup-bus.c:",
		"pci 0000:01:00.0: BAR 0 [mem 0x00100000-0x00103fff]: assigned",
		"pcisim: the kernel issued 1 WARNING(s)",
		NULL,
	};

	(void)state;
	expect("K1-bridge-class-000000.topo", 0, lines);
}

/*
 * A CardBus header on an endpoint: 6.12 took the same path to the BUG;
 * 7.3 sizes CardBus windows only with CONFIG_CARDBUS (setup-cardbus.c),
 * so the root port above gets its windows inside the host's, no WARN.
 */
static void test_k1_cardbus_header_on_endpoint_is_fixed_in_7_3(void **state)
{
	static const char *const lines[] = {
		"ignoring class 0x020000 (doesn't match header type 02)",
		"pci 0000:00:01.0: bridge window [mem 0x10000000-0x101fffff]: assigned",
		NULL,
	};
	char *out = NULL;

	(void)state;
	expect("K1-cardbus-header-on-endpoint.topo", 0, lines);
	simtest_shell(&out, PCISIM " enumerate %sK1-cardbus-header-on-endpoint.topo",
		      FINDINGS);
	if (strstr(out, "WARNING") || strstr(out, "BUG"))
		fail_msg("a WARN or BUG on 7.3:\n%s", out);
	free(out);
}

/*
 * Without a hot-plug slot: no WARN, but the endpoint's BAR and the
 * refused bridge's window are outside every host window (the bridge's
 * hardware windows stay closed: the device cannot be reached).
 */
static void test_k1_without_hotplug_assigns_outside_host(void **state)
{
	static const char *const lines[] = {
		"pci 0000:01:00.0: BAR 0 [mem 0x00100000-0x00103fff]: assigned",
		"pci_bus 0000:01: resource 1 [mem 0x00100000-0x001fffff]",
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
	int rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null %s %s", fuzz_config,
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
	rc = simtest_shell(out, "FUZZ_KNOWN=%s %s %s", path, fuzz_config,
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
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt %s %s",
			   fuzz_config, K3_INPUT);
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

/*
 * The class is the input's, not the WARN's: VF Enable and VF MSE set at
 * power-on are K3 only when the device cannot clear them. The modelled
 * SR-IOV NIC of the harness's seeds, with both bits set in its power-on
 * SR-IOV Control (writable there, as in real devices), is not of class K3;
 * the reproducer is.
 */
static void test_k3_class_needs_bits_that_do_not_clear(void **state)
{
	char dir[] = "/tmp/pcisim-seeds-XXXXXX", path[512], *out = NULL;
	unsigned int pos = 0x100, found = 0;
	unsigned char buf[16 + 4096];
	size_t n;
	FILE *f;
	int rc;

	(void)state;
	assert_non_null(mkdtemp(dir));
	rc = simtest_shell(&out, "%s --make-seeds %s", fuzz_config, dir);
	assert_int_equal(rc, 0);
	free(out);
	snprintf(path, sizeof(path), "%s/modelled-sriov-nic", dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* the SR-IOV capability in the power-on image after the header */
	while (pos >= 0x100 && 16 + pos + 12 <= n && !found) {
		const unsigned char *h = buf + 16 + pos;

		if ((h[0] | h[1] << 8) == 0x0010)
			found = pos;
		else
			pos = (h[2] >> 4 | h[3] << 4) & 0xffc;
	}
	if (!found)
		fail_msg("no SR-IOV capability in %s", path);
	buf[16 + found + 8] |= 0x09;	/* VF Enable, VF MSE */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);

	rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null %s -v %s", fuzz_config, path);
	if (rc != 0 || strstr(out, "class K3"))
		fail_msg("SR-IOV NIC with VF Enable set: exit %d:\n%s", rc, out);
	free(out);
	rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null %s -v %s", fuzz_config,
			   K3_INPUT);
	if (!strstr(out, "fuzz-config: an input of class K3"))
		fail_msg("K3 input not of class K3:\n%s", out);
	free(out);
	simtest_shell(NULL, "rm -rf %s", dir);
}

#define K4_INPUT FINDINGS "K4-dvsec-capability-loop.config"

/*
 * K4: an extended capability list that goes round a cycle holding a
 * DVSEC capability. pci_find_dvsec_capability() never returns: a real
 * kernel hangs in enumeration (its soft-lockup detector says so), pcisim
 * stops it the same way (the config-cycle watchdog, exit 3), from a
 * topology file and through the fuzz harness; with the findings list the
 * harness does not boot such inputs. 6.12 hung when a downstream port was
 * added below the looping upstream port; 7.3 asks every PCIe function for
 * its CXL DVSEC (set_pcie_cxl() in pci_setup_device()), so it hangs on
 * the looping function itself, before announcing it.
 */
static void test_k4_dvsec_capability_loop_is_a_soft_lockup(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	/* a broken watchdog must fail the test, not hang it */
	rc = simtest_shell(&out, "timeout 20 " PCISIM " enumerate %s%s",
			   FINDINGS, "K4-dvsec-capability-loop.topo");
	if (rc != 3 || !strstr(out, "pci 0000:00:01.0: [1b36:000c] type 01") ||
	    strstr(out, "pci 0000:01:00.0: [1b36:000e]") ||
	    !strstr(out, "kernel stopped: soft lockup"))
		fail_msg("K4 topology: exit %d:\n%s", rc, out);
	free(out);
	rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null timeout 10 %s %s",
			   fuzz_config, K4_INPUT);
	if (rc != 2 || !strstr(out, "kernel stopped: soft lockup"))
		fail_msg("K4 through fuzz-config: exit %d:\n%s", rc, out);
	free(out);
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt %s -v %s",
			   fuzz_config, K4_INPUT);
	if (rc != 0 || !strstr(out, "known finding K4, not booted"))
		fail_msg("K4 with fuzz/known-findings.txt: exit %d:\n%s", rc, out);
	free(out);
}

#define K5_TOPO		"K5-big-bars.topo"
#define K5_DMESG	FINDINGS "K5-big-bars-real-7.3/dmesg.txt"
/* resource-assignment lines in the real kernel's K5 dmesg.txt */
#define K5_LINES	263

/*
 * K5: 64 GiB 64-bit prefetchable BARs behind two switch levels. 7.3's
 * pbus_size_mem() sizes a second-level switch's window so that only one
 * layout fits, and the allocator never builds it: four of the six 64 GiB
 * BARs (and their 32 MiB siblings) and several switch windows get no
 * space. Not a stopped kernel: enumeration ends normally (exit 0, no
 * WARN), with the BARs unassigned.
 */
static void test_k5_big_bars_cannot_be_assigned(void **state)
{
	static const char *const lines[] = {
		"pci 0000:05:00.0: BAR 2 [mem 0x8000000000-0x8fffffffff 64bit pref]: assigned",
		"pci 0000:06:00.0: BAR 2 [mem size 0x1000000000 64bit pref]: can't assign; no space",
		"pci 0000:0a:00.0: BAR 2 [mem size 0x1000000000 64bit pref]: can't assign; no space",
		"pci 0000:0b:00.0: BAR 2 [mem size 0x1000000000 64bit pref]: can't assign; no space",
		"pci 0000:13:00.0: BAR 2 [mem size 0x1000000000 64bit pref]: can't assign; no space",
		"pci 0000:02:01.0: bridge window [mem size 0x2004000000 64bit pref]: can't assign; no space",
		"pci_bus 0000:00: Some PCI device resources are unassigned, try booting with pci=realloc",
		NULL,
	};
	char *out = NULL;

	(void)state;
	expect(K5_TOPO, 0, lines);
	simtest_shell(&out, PCISIM " enumerate %s%s", FINDINGS, K5_TOPO);
	if (strstr(out, "WARNING") || strstr(out, "BUG"))
		fail_msg("K5: a WARN or BUG:\n%s", out);
	free(out);
}

/*
 * The lines a kernel log has about assigning resources: a BAR, VF BAR or
 * bridge window followed by what happened to it (": assigned", ": can't
 * assign; no space", ": failed to assign", ": releasing", ": failed to
 * expand by", ...) or by its "to [bus NN] add_size". The probe's own lines
 * ("BAR 0 [mem ...]", "  bridge window [...]") are not among them. A
 * dmesg timestamp "[    1.234567] " is left out. Returns the number of
 * lines, each strdup'ed into lines[] (max entries).
 */
static size_t assignment_lines(const char *log, char **lines, size_t max)
{
	regex_t re;
	size_t n = 0;
	const char *p = log;

	assert_int_equal(regcomp(&re,
		"^pci [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]: "
		"(VF BAR [0-9]+|BAR [0-9]+|bridge window) \\[[^]]*\\]"
		"( to \\[bus [^]]*\\] add_size|: )", REG_EXTENDED | REG_NOSUB), 0);
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = strndup(p, len), *stamp;

		assert_non_null(line);
		stamp = line[0] == '[' ? strstr(line, "] ") : NULL;
		if (stamp)
			memmove(line, stamp + 2, strlen(stamp + 2) + 1);
		if (regexec(&re, line, 0, NULL, 0) == 0 && n < max)
			lines[n++] = line;
		else
			free(line);
		p += len + (eol != NULL);
	}
	regfree(&re);
	return n;
}

/*
 * K5 is the real kernel's, not pcisim's: the real 7.3.4 under QEMU
 * (K5-big-bars-real-7.3/, the hardware of K5-big-bars.topo) logs the
 * same resource-assignment lines as pcisim's 7.3, in the same order.
 */
static void test_k5_matches_the_real_kernel_line_for_line(void **state)
{
	enum { MAX = 1024 };
	char *real_log = simtest_slurp(K5_DMESG), *out = NULL;
	char **real = calloc(MAX, sizeof(*real)), **sim = calloc(MAX, sizeof(*sim));
	size_t nreal, nsim, i;
	int rc;

	(void)state;
	assert_non_null(real_log);
	assert_non_null(real);
	assert_non_null(sim);
	rc = simtest_shell(&out, PCISIM " enumerate %s%s", FINDINGS, K5_TOPO);
	assert_non_null(out);
	if (rc != 0)
		fail_msg("K5: exit %d:\n%s", rc, out);
	nreal = assignment_lines(real_log, real, MAX);
	nsim = assignment_lines(out, sim, MAX);
	if (nreal != K5_LINES)
		fail_msg("%s: %zu resource-assignment lines, not %d", K5_DMESG,
			 nreal, K5_LINES);
	for (i = 0; i < nreal && i < nsim; i++)
		if (strcmp(real[i], sim[i]))
			fail_msg("K5: resource-assignment line %zu differs:\n"
				 "  real:   %s\n  pcisim: %s", i + 1, real[i],
				 sim[i]);
	if (nsim != nreal)
		fail_msg("K5: pcisim logs %zu resource-assignment lines, the real kernel %zu:\n%s",
			 nsim, nreal, out);
	for (i = 0; i < nreal; i++)
		free(real[i]);
	for (i = 0; i < nsim; i++)
		free(sim[i]);
	free(real);
	free(sim);
	free(real_log);
	free(out);
}

/*
 * K6 (found by the fuzz smoke on 7.3, with quirks compiled): a function
 * with the IDs of TI's XIO2000A bridge that is not a bridge. The final
 * fixup quirk_xio2000a() walks dev->subordinate->devices without checking
 * that there is a subordinate bus: a NULL pointer dereference, which pcisim
 * reports as the kernel would report the oops (exit 3), never a crash of
 * its own; from a topology file and from the fuzz input that found it.
 */
/*
 * In the sanitizer build (fuzz/variant.mk) UBSan's null check stops the
 * kernel world at the member access itself, before the fault (exit 1).
 */
#ifdef __SANITIZE_ADDRESS__
#define K6_STATUS	1
#define K6_STOP		"quirks.c:1070:2: runtime error: member access within null pointer " \
			"of type 'struct pci_bus'"
#else
#define K6_STATUS	3
#define K6_STOP		"kernel stopped: oops: BUG: unable to handle page fault for address " \
			"0x28 (a NULL pointer dereference)"
#endif

static void test_k6_xio2000a_ids_on_an_endpoint_oops(void **state)
{
	static const char *const lines[] = {
		"pci 0000:01:00.0: TI XIO2000a quirk detected",
		K6_STOP,
		NULL,
	};
	char *out = NULL;
	int rc;

	(void)state;
	expect("K6-xio2000a-ids-on-an-endpoint.topo", K6_STATUS, lines);
	rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null %s %sK6-xio2000a-ids-fuzz-input.config",
			   fuzz_config, FINDINGS);
	if (rc != 2 || !strstr(out, K6_STOP))
		fail_msg("K6 through fuzz-config: exit %d:\n%s", rc, out);
	free(out);
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt %s -v %sK6-xio2000a-ids-fuzz-input.config",
			   fuzz_config, FINDINGS);
	if (rc != 0 || !strstr(out, "known finding K6, not booted"))
		fail_msg("K6 with fuzz/known-findings.txt: exit %d:\n%s", rc, out);
	free(out);
}

/*
 * K7 (the same smoke run): a downstream port whose Link Capabilities give
 * no speed the kernel knows. pcie_failed_link_retrain() (quirks.c) only
 * skips speeds at or below 2.5GT/s, so PCI_SPEED_UNKNOWN reaches
 * pcie_set_target_speed(), whose WARN_ON_ONCE is for callers' bugs.
 */
static void test_k7_unknown_link_speed_warns_in_bwctrl(void **state)
{
	char *out = NULL;
	int rc;

	(void)state;
	rc = simtest_shell(&out, "FUZZ_KNOWN=/dev/null %s %sK7-unknown-link-speed-retrain.config",
			   fuzz_config, FINDINGS);
	if (rc != 2 || !strstr(out, "kernel WARN at drivers/pci/pcie/bwctrl.c:"))
		fail_msg("K7: exit %d:\n%s", rc, out);
	free(out);
	rc = simtest_shell(&out, "FUZZ_KNOWN=fuzz/known-findings.txt %s %sK7-unknown-link-speed-retrain.config",
			   fuzz_config, FINDINGS);
	if (rc != 0 || strstr(out, "FINDING"))
		fail_msg("K7 with fuzz/known-findings.txt: exit %d:\n%s", rc, out);
	free(out);
}

int main(void)
{
	const char *slash = strrchr(PCISIM, '/');

	snprintf(fuzz_config, sizeof(fuzz_config), "%.*s/fuzz/fuzz-config",
		 slash ? (int)(slash - PCISIM) : 1, slash ? PCISIM : ".");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k1_bridge_class_000000_warns_in_setup_bus),
		cmocka_unit_test(test_k1_cardbus_header_on_endpoint_is_fixed_in_7_3),
		cmocka_unit_test(test_k1_without_hotplug_assigns_outside_host),
		cmocka_unit_test(test_k2_ea_fixed_secondary_is_a_stack_overflow),
		cmocka_unit_test(test_k2_vf_buses_past_255_is_a_stack_overflow),
		cmocka_unit_test(test_k3_stuck_vf_enable_warns),
		cmocka_unit_test(test_k3_is_known_for_its_class_only),
		cmocka_unit_test(test_k3_class_needs_bits_that_do_not_clear),
		cmocka_unit_test(test_k4_dvsec_capability_loop_is_a_soft_lockup),
		cmocka_unit_test(test_k6_xio2000a_ids_on_an_endpoint_oops),
		cmocka_unit_test(test_k7_unknown_link_speed_warns_in_bwctrl),
		cmocka_unit_test(test_k5_big_bars_cannot_be_assigned),
		cmocka_unit_test(test_k5_matches_the_real_kernel_line_for_line),
	};

	return cmocka_run_group_tests_name("kernel-findings", tests, NULL, NULL);
}
