/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the kernel world from tests.
 *
 * A kernel world boots once per process, as a kernel boots once per
 * machine, so every enumeration runs in a forked child: the child loads
 * the topology, boots, probes and sends back what the kernel found, its
 * log and its warning count; the test process never boots a kernel and
 * can run as many scenarios as it likes.
 */
#ifndef PCISIM_SIMTEST_H
#define PCISIM_SIMTEST_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/host_abi.h"

struct machine;

struct sim_result {
	int status;		/* child's exit status; 0 = enumerated */
	unsigned long warns;	/* kernel WARN()s */
	size_t n;
	struct sim_pci_info *dev;
	char *log;		/* kernel log and stderr, NUL-terminated */
};

struct sim_run {
	const char *topo_path;	/* a topology file, or */
	const char *topo_text;	/* topology text (NULL both: built-in) */
	const char *cmdline;	/* kernel command line, may be NULL */
	bool enable_vfs;	/* enable every PF's VFs after boot */
	bool selftest_warn;	/* issue one WARN() from kernel code */
	bool selftest_bug;	/* hit one BUG() in kernel code */
	bool selftest_stub;	/* call one abort-on-call stub */
	/*
	 * Runs in the child after boot (and VF enabling); may kexec with
	 * cli_kexec(). Non-zero return fails the run (status 1); the
	 * devices reported are those of the kernel running at its end.
	 */
	int (*scenario)(struct machine *m, void *arg);
	void *arg;
};

int simtest_run(const struct sim_run *run, struct sim_result *r);
void simtest_free(struct sim_result *r);

/* The function at "DDDD:BB:DD.F", or NULL. */
const struct sim_pci_info *simtest_find(const struct sim_result *r,
					const char *bdf);

/*
 * Compare with a reference capture: devices-*.tsv (every BDF, bridge bus
 * numbers, no function extra) and resources-*.tsv (every BAR, VF BAR and
 * bridge window). Return the number of differences, each on stderr.
 */
int simtest_compare_devices(const struct sim_result *r, const char *path);
int simtest_compare_resources(const struct sim_result *r, const char *path);

/* The pcisim command (or any): run a shell command with stderr joined to
 * stdout; returns its exit status, and its output (malloc'ed) in *out. */
int simtest_shell(char **out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A whole file, NUL-terminated and malloc'ed; NULL if unreadable. */
char *simtest_slurp(const char *path);

/*
 * In a scenario (the kernel-world child): if cond is false, print
 * "TAG: FAIL file:line: cond: message" and fail the scenario (return -1).
 */
#define SIMTEST_CHECK(tag, cond, ...)					\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, tag ": FAIL %s:%d: %s: ",	\
				__FILE__, __LINE__, #cond);		\
			fprintf(stderr, __VA_ARGS__);			\
			fprintf(stderr, "\n");				\
			return -1;					\
		}							\
	} while (0)

#endif /* PCISIM_SIMTEST_H */
