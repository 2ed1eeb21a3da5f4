/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim run: a live update of a whole machine.
 *
 * Boot the topology, hand state over through KHO and LUO, kexec N times,
 * and after every kexec check what must hold: what was preserved comes
 * back byte-exact, nothing preserved is left unrestored once finished, the
 * new kernel enumerates the same functions at the same BDFs, and the
 * kernel issued no warning. Exit 0 only if every check held.
 *
 * With --preserve, the devices named are kept running through a PCI Live
 * Update (run_pci.c). Without it, what is handed over is a KHO self-test
 * of every kind of preserved memory, checked byte for byte.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "run.h"
#include "sim/host_abi.h"

#define RUN_BASE_CMDLINE	"kho=on liveupdate=on"

struct bdf_list {
	char (*name)[32];
	size_t n;
};

static int collect_name(const struct sim_pci_info *info, void *ctx)
{
	struct bdf_list *l = ctx;
	char (*v)[32] = realloc(l->name, (l->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	l->name = v;
	memcpy(l->name[l->n++], info->name, sizeof(info->name));
	return 0;
}

static struct bdf_list snapshot(void)
{
	struct bdf_list l = { 0 };

	sim_pci_visit_devs(collect_name, &l);
	return l;
}

/* Same functions at the same BDFs, in the same order. */
static int compare_devices(const struct bdf_list *before,
			   const struct bdf_list *after, int kexec)
{
	int bad = 0;
	size_t i, j;

	for (i = 0; i < before->n; i++) {
		for (j = 0; j < after->n; j++)
			if (!strcmp(before->name[i], after->name[j]))
				break;
		if (j == after->n) {
			printf("FAIL kexec %d: %s is gone after kexec\n", kexec,
			       before->name[i]);
			bad++;
		}
	}
	for (j = 0; j < after->n; j++) {
		for (i = 0; i < before->n; i++)
			if (!strcmp(before->name[i], after->name[j]))
				break;
		if (i == before->n) {
			printf("FAIL kexec %d: %s appeared after kexec\n", kexec,
			       after->name[j]);
			bad++;
		}
	}
	return bad;
}

int cmd_run(int argc, char **argv)
{
	const char *topo = NULL, *log = NULL, *user_cmdline = "";
	const char *vf_policy = "core";
	struct run_dev *pd = NULL;
	size_t np = 0;
	unsigned long warns_total = 0;
	bool enable_vfs = false;
	struct bdf_list before, after;
	char cmdline[4096];
	struct machine *m;
	FILE *logf = NULL;
	int kexecs = 1, i, ret, failures = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--kexec") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);

			if (*end || n < 0 || n > 1000) {
				fprintf(stderr, "pcisim run: --kexec takes a count from 0 to 1000, not '%s'\n",
					argv[i]);
				return EXIT_BAD_INPUT;
			}
			kexecs = (int)n;
		} else if (!strcmp(a, "--cmdline") && i + 1 < argc) {
			user_cmdline = argv[++i];
		} else if (!strcmp(a, "--log") && i + 1 < argc) {
			log = argv[++i];
		} else if (!strcmp(a, "--enable-vfs")) {
			enable_vfs = true;
		} else if (!strcmp(a, "--preserve") && i + 1 < argc) {
			if (run_parse_preserve(argv[++i], &pd, &np))
				return EXIT_BAD_INPUT;
		} else if (!strcmp(a, "--vf-policy") && i + 1 < argc) {
			vf_policy = argv[++i];
			if (strcmp(vf_policy, "core") && strcmp(vf_policy, "user")) {
				fprintf(stderr, "pcisim run: --vf-policy is core or user, not '%s'\n",
					vf_policy);
				return EXIT_BAD_INPUT;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pcisim run: unknown or incomplete option '%s'\n", a);
			return EXIT_BAD_INPUT;
		} else if (!topo) {
			topo = a;
		} else {
			fprintf(stderr, "pcisim run: more than one topology given ('%s')\n", a);
			return EXIT_BAD_INPUT;
		}
	}
	snprintf(cmdline, sizeof(cmdline), "%s pci=lu_vfs=%s %s",
		 RUN_BASE_CMDLINE, vf_policy, user_cmdline);

	m = cli_load_topology(topo);
	if (!m)
		return EXIT_BAD_INPUT;
	if (log) {
		logf = fopen(log, "w");
		if (!logf) {
			perror(log);
			return EXIT_BAD_INPUT;
		}
		host_set_log(logf, 7);
	}
	ret = cli_boot_and_probe(m, cmdline);
	if (!ret && enable_vfs)
		ret = np ? run_enable_vfs() : sim_pci_enable_all_vfs();
	if (ret) {
		fprintf(stderr, "pcisim run: boot failed (%d)\n", ret);
		return EXIT_CHECK_FAILED;
	}
	before = snapshot();
	printf("boot: %zu functions enumerated, %lu pages in use\n", before.n,
	       sim_mm_pages_in_use());

	for (i = 1; np && i <= kexecs; i++) {
		printf("kexec %d:\n", i);
		warns_total += sim_warn_count();
		failures += run_pci_cycle(m, cmdline, enable_vfs,
					  !strcmp(vf_policy, "user"), pd, np, i);
	}
	for (i = 1; !np && i <= kexecs; i++) {
		unsigned long long seed = 0x5eed0000ULL + (unsigned long long)i;
		uint64_t t0;

		warns_total += sim_warn_count();
		ret = sim_kho_selftest_preserve(seed);
		if (ret) {
			printf("FAIL kexec %d: preserving the KHO self-test failed: %d\n",
			       i, ret);
			failures++;
			break;
		}
		t0 = machine_time_ns(m);
		ret = cli_kexec(m, cmdline);
		if (ret) {
			printf("FAIL kexec %d: kexec failed: %d\n", i, ret);
			failures++;
			break;
		}
		ret = sim_kho_selftest_verify(seed);
		if (ret) {
			printf("FAIL kexec %d: KHO self-test memory did not come back intact: %d\n",
			       i, ret);
			failures++;
		}
		if (sim_kho_leaked_pages()) {
			printf("FAIL kexec %d: %lu preserved pages were never restored (leaked)\n",
			       i, sim_kho_leaked_pages());
			failures++;
		}
		after = snapshot();
		failures += compare_devices(&before, &after, i);
		free(after.name);
		printf("kexec %d: %zu functions enumerated, %" PRIu64 " pages poisoned, boot took %" PRIu64 " us of virtual time\n",
		       i, after.n, machine_ram_nr_poisoned(m),
		       (machine_time_ns(m) - t0) / 1000);
	}
	warns_total += sim_warn_count();
	if (warns_total) {
		printf("FAIL: the kernel issued %lu WARNING(s) (see the log)\n",
		       warns_total);
		failures++;
	}
	free(before.name);
	if (logf)
		fclose(logf);
	if (failures) {
		printf("run: %d check(s) failed\n", failures);
		return EXIT_CHECK_FAILED;
	}
	printf("run: %d kexec(s), every check held\n", kexecs);
	return EXIT_OK;
}
