/* SPDX-License-Identifier: GPL-2.0 */
/* pcisim enumerate: a cold boot of a topology by the kernel's PCI core. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "phase.h"
#include "sim/host_abi.h"

int cmd_enumerate(int argc, char **argv)
{
	const char *topo = NULL, *dump = NULL, *log = NULL, *cmdline = "";
	const char *phases = NULL;
	bool enable_vfs = false, quiet = false;
	struct machine *m;
	FILE *logf = NULL;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--dump") && i + 1 < argc) {
			dump = argv[++i];
		} else if (!strcmp(a, "--log") && i + 1 < argc) {
			log = argv[++i];
		} else if (!strcmp(a, "--phases") && i + 1 < argc) {
			phases = argv[++i];
		} else if (!strcmp(a, "--cmdline") && i + 1 < argc) {
			cmdline = argv[++i];
		} else if (!strcmp(a, "--enable-vfs")) {
			enable_vfs = true;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			quiet = true;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pcisim enumerate: unknown or incomplete option '%s'\n", a);
			return EXIT_BAD_INPUT;
		} else if (!topo) {
			topo = a;
		} else {
			fprintf(stderr, "pcisim enumerate: more than one topology given ('%s')\n", a);
			return EXIT_BAD_INPUT;
		}
	}

	/* phases are timed always: on a terminal, long runs show progress */
	phase_init(NULL);
	phase_begin("load");
	m = cli_load_topology(topo);
	if (!m)
		return EXIT_BAD_INPUT;
	phase_init(m);
	if (cli_size_ram(m, 0))
		return EXIT_BAD_INPUT;
	if (log) {
		logf = fopen(log, "w");
		if (!logf) {
			fprintf(stderr, "%s: error: %s\n", log, strerror(errno));
			return EXIT_BAD_INPUT;
		}
		host_set_log(logf, 7);
	}
	ret = cli_boot_and_probe(m, cmdline);
	if (!ret && enable_vfs) {
		phase_begin("enable-vfs");
		ret = sim_pci_enable_all_vfs();
	}
	if (!ret) {
		/* ends the last phase (its line on a terminal); a file if asked */
		size_t vfs, n = machine_nr_functions(m, &vfs);

		if (phase_write(phases, n + (enable_vfs ? vfs : 0)))
			return EXIT_BAD_INPUT;
	}
	if (ret) {
		fprintf(stderr, "pcisim enumerate: failed (%d)\n", ret);
		return EXIT_CHECK_FAILED;
	}
	if (!quiet) {
		report_tree(stdout);
		printf("\n");
		report_functions(stdout);
	}
	if (dump && report_dump(dump, m))
		return EXIT_BAD_INPUT;
	if (sim_warn_count())
		fprintf(stderr, "pcisim: the kernel issued %lu WARNING(s)\n",
			sim_warn_count());
	if (logf && cli_close_output(logf, log))
		return EXIT_BAD_INPUT;
	return EXIT_OK;
}
