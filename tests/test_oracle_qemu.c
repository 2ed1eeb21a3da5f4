/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential test against the real kernel (#3), on every capture
 * `make oracle` committed: tests/oracle/NAME/ holds what Debian's Linux
 * 7.3 assigned on QEMU's arm64 virt machine for the topology
 * oracle/topologies/NAME.qemu. For each, the hardware is imported from the
 * capture (import-lspci with the resources file, so no size is guessed),
 * enumerated by pcisim with the kernel command line of the capture
 * (qemu-cmd.txt's -append), and compared function by function: every BDF,
 * bridge bus numbers, bridge windows, BARs; and with the VFs enabled as
 * the capture's /init did (pci-pf-stub, sriov_numvfs = sriov_totalvfs),
 * every VF BDF, VF BAR and BAR again. No function may be extra, and the
 * kernel may not WARN.
 *
 * Captures are found by listing tests/oracle/: a new topology needs no
 * change here.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "simtest.h"

#ifndef PCISIM
#define PCISIM	"build/pcisim"
#endif
/* The captures: tests/oracle/, or $ORACLE_DIR (make bench-qemu's) */
static const char *oracle = "tests/oracle/";
#define MAX_CAPTURES	64

struct capture {
	char name[128];
	char cmdline[512];
	bool sriov;
};

static bool exists(const char *name, const char *file)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s/%s", oracle, name, file);
	return stat(path, &st) == 0;
}

/* qemu-cmd.txt: "... -append 'console=ttyAMA0 panic=-1 pci=...' ..." */
static bool read_cmdline(const char *name, char *buf, size_t len)
{
	char path[512], *text, *p, *q;

	snprintf(path, sizeof(path), "%s%s/qemu-cmd.txt", oracle, name);
	text = simtest_slurp(path);
	if (!text)
		return false;
	p = strstr(text, "-append '");
	q = p ? strchr(p + 9, '\'') : NULL;
	if (q)
		snprintf(buf, len, "%.*s", (int)(q - p - 9), p + 9);
	free(text);
	return q;
}

/* Import a capture's dump (phase) with its resources into a topology file. */
static void import(char *topo, size_t len, const char *name, const char *phase)
{
	char *msgs;

	snprintf(topo, len, "/tmp/pcisim-test-%d-%s-%s.topo", (int)getpid(),
		 name, phase);
	if (simtest_shell(&msgs, PCISIM " import-lspci %s%s/lspci-%s.dump"
			  " --resources %s%s/resources-%s.tsv -o %s",
			  oracle, name, phase, oracle, name, phase, topo))
		fail_msg("import-lspci of %s/%s failed:\n%s", name, phase, msgs);
	if (strstr(msgs, "warning"))
		fail_msg("import-lspci of %s/%s warned:\n%s", name, phase, msgs);
	free(msgs);
}

/* Enumerate topo and compare with the capture of phase. */
static void check(const struct capture *c, const char *topo,
		  const char *phase, bool vfs)
{
	struct sim_run run = { .topo_path = topo, .cmdline = c->cmdline,
			       .enable_vfs = vfs };
	char devs[512], res[512];
	struct sim_result r;
	int bad;

	snprintf(devs, sizeof(devs), "%s%s/devices-%s.tsv", oracle, c->name,
		 phase);
	snprintf(res, sizeof(res), "%s%s/resources-%s.tsv", oracle, c->name,
		 phase);
	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		print_error("%s", r.log);
	assert_int_equal(r.status, 0);
	bad = simtest_compare_devices(&r, devs) +
	      simtest_compare_resources(&r, res);
	if (bad)
		print_error("%s (%s, '%s'): %d differences from the real kernel\n"
			    "--- pcisim kernel log ---\n%s",
			    c->name, phase, c->cmdline, bad, r.log);
	assert_int_equal(bad, 0);
	if (r.warns)
		print_error("%s", r.log);
	assert_int_equal(r.warns, 0);
	simtest_free(&r);
}

/*
 * ACS Control of every function that has ACS, as lspci decodes it, from
 * pcisim's config space after enumeration and from the capture's: a 7.x
 * kernel on a device-tree host enables ACS on its ports (host_bridge.c).
 */
#define ACS_LINES "l=$(lspci -F %s -vv 2>/dev/null) || exit 1; printf '%%s\\n' \"$l\" | " \
		  "awk '/^[0-9a-f]/ { d = $1 } /ACSCtl/ { print d, $0 }'"
static void check_acs(const struct capture *c, const char *topo)
{
	char *mine, *real, dump[600];

	snprintf(dump, sizeof(dump), "%s.dump", topo);
	if (simtest_shell(&mine, PCISIM " enumerate %s --cmdline '%s' --dump %s"
			  " >/dev/null 2>&1 && " ACS_LINES, topo, c->cmdline, dump, dump))
		fail_msg("%s: enumerate --dump or lspci failed:\n%s", c->name, mine);
	if (simtest_shell(&real, "f=%s%s/lspci-boot.dump; " ACS_LINES, oracle, c->name, "$f"))
		fail_msg("%s: lspci of the capture failed:\n%s", c->name, real);
	/* the capture's root ports have ACS: then the comparison compares something */
	if (strstr(c->name, "T2_") && !strstr(real, "ACSCtl"))
		fail_msg("%s: no ACS Control in the capture's lspci -vv", c->name);
	if (strcmp(mine, real))
		fail_msg("%s: ACS Control differs from the real kernel's:\n"
			 "pcisim:\n%s\nreal kernel:\n%s", c->name, mine, real);
	unlink(dump);
	free(mine);
	free(real);
}

static void test_capture(void **state)
{
	const struct capture *c = *state;
	char topo[512];

	import(topo, sizeof(topo), c->name, "boot");
	check(c, topo, "boot", false);
	check_acs(c, topo);
	if (c->sriov)
		check(c, topo, "sriov", true);
	unlink(topo);
	if (c->sriov) {
		/* the capture with VFs enabled: VFs are left to SR-IOV */
		import(topo, sizeof(topo), c->name, "sriov");
		check(c, topo, "sriov", true);
		unlink(topo);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct capture *)a)->name,
		      ((const struct capture *)b)->name);
}

int main(void)
{
	static struct capture caps[MAX_CAPTURES];
	static struct CMUnitTest tests[MAX_CAPTURES + 1];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	if (getenv("ORACLE_DIR"))
		oracle = getenv("ORACLE_DIR");
	d = opendir(oracle);
	if (!d) {
		perror(oracle);
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_CAPTURES) {
		struct capture *c = &caps[n];

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(c->name))
			continue;
		snprintf(c->name, sizeof(c->name), "%s", e->d_name);
		if (!exists(c->name, "qemu-cmd.txt") ||
		    !exists(c->name, "lspci-boot.dump") ||
		    !exists(c->name, "resources-boot.tsv"))
			continue;
		if (!read_cmdline(c->name, c->cmdline, sizeof(c->cmdline))) {
			fprintf(stderr, "%s%s/qemu-cmd.txt: no -append '...'\n",
				oracle, c->name);
			closedir(d);
			return 1;
		}
		c->sriov = exists(c->name, "lspci-sriov.dump");
		n++;
	}
	closedir(d);
	qsort(caps, n, sizeof(caps[0]), by_name);
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){
			.name = caps[i].name, .test_func = test_capture,
			.initial_state = &caps[i],
		};
	if (!n) {
		fprintf(stderr, "%s: no captures\n", oracle);
		return 1;
	}
	return _cmocka_run_group_tests("oracle-qemu", tests, n, NULL, NULL);
}
