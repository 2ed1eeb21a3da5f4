// SPDX-License-Identifier: GPL-2.0
/*
 * Phases of a run, timed from inside the process: wall time, config
 * cycles, RSS. pcisim run --phases FILE writes one line per phase (the
 * benchmarks read them); on a terminal, stderr shows which phase is
 * running and, in long ones, a line that moves every 2^20 config cycles.
 *
 * Phases nest in one way only: the kernel's pci_host_probe() reports
 * (through host_phase(), pci-core/phases.c) when scanning ends and
 * resource assignment begins, and when devices are added; a boot phase
 * is split there into enumerate, assign and add.
 */
#include <stdarg.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "host.h"
#include "machine.h"
#include "cli.h"
#include "phase.h"
#include "sim/host_abi.h"

#define PHASE_MAX	64

struct phase_rec {
	char name[32];
	double wall;			/* seconds */
	uint64_t cycles;		/* config accesses */
	long rss_kb, peak_kb;		/* at its end */
};

static struct {
	bool on;
	struct machine *m;
	struct phase_rec rec[PHASE_MAX];
	int n;
	char cur[32];			/* "" when none runs */
	char prefix[16];		/* "" or "kexec1-" for the phases of a boot */
	double t0, t_start;
	uint64_t c0;
	bool tty;
	bool progress_shown;
	/* a boot: its phases alternate per host bridge; one line for all */
	bool in_boot, kernel_switch;
	double boot_t0;
	unsigned int boot_hosts;
	char boot_name[32];
} ph;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long rss_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static uint64_t cycles(void)
{
	return ph.m ? machine_cfg_accesses(ph.m) : 0;
}

static void progress(void)
{
	if (!ph.tty || !ph.cur[0])
		return;
	fprintf(stderr, "\rpcisim: %-20s %6.1f s, %llu M config cycles, RSS %ld MiB",
		ph.cur, now() - ph.t0,
		(unsigned long long)((cycles() - ph.c0) >> 20),
		rss_kb() >> 10);
	if (ph.in_boot)
		fprintf(stderr, ", host bridge %u", ph.boot_hosts + 1);
	fprintf(stderr, " ");
	ph.progress_shown = true;
}

static void kernel_phase(unsigned int p)
{
	char name[32];

	ph.kernel_switch = true;
	switch (p) {
	case SIM_PHASE_ASSIGN:
		snprintf(name, sizeof(name), "%sassign", ph.prefix);
		phase_begin(name);
		break;
	case SIM_PHASE_ADD:
		snprintf(name, sizeof(name), "%sadd", ph.prefix);
		phase_begin(name);
		break;
	case SIM_PHASE_ADDED:
		/* the next host bridge, if any, scans again */
		ph.boot_hosts++;
		snprintf(name, sizeof(name), "%senumerate", ph.prefix);
		phase_begin(name);
		break;
	}
	ph.kernel_switch = false;
}

void phase_init(struct machine *m)
{
	ph.m = m;
	if (ph.on)
		return;
	ph.on = true;
	ph.tty = isatty(2);
	ph.t_start = now();
	host_set_phase_hook(kernel_phase);
	host_set_progress_hook(progress);
}

void phase_boot_begin(void)
{
	char name[32];

	snprintf(name, sizeof(name), "%senumerate", ph.prefix);
	phase_begin(name);
	ph.in_boot = true;
	ph.boot_t0 = ph.t0;
	ph.boot_hosts = 0;
	snprintf(ph.boot_name, sizeof(ph.boot_name), "%sboot", ph.prefix);
}

void phase_boot_prefix(const char *prefix)
{
	snprintf(ph.prefix, sizeof(ph.prefix), "%s", prefix ? prefix : "");
}

static struct phase_rec *find(const char *name)
{
	for (int i = 0; i < ph.n; i++)
		if (!strcmp(ph.rec[i].name, name))
			return &ph.rec[i];
	if (ph.n == PHASE_MAX)
		return NULL;
	snprintf(ph.rec[ph.n].name, sizeof(ph.rec[ph.n].name), "%s", name);
	return &ph.rec[ph.n++];
}

void phase_end(void)
{
	struct phase_rec *r;
	double t;

	if (!ph.cur[0] || !ph.on)
		return;
	t = now() - ph.t0;
	/* a phase entered twice (one per host bridge) adds up */
	r = find(ph.cur);
	if (r) {
		r->wall += t;
		r->cycles += cycles() - ph.c0;
		r->rss_kb = rss_kb();
		r->peak_kb = peak_kb();
	}
	if (ph.tty && ph.in_boot && !ph.kernel_switch) {
		/* the boot is over: one line for its phases and host bridges */
		fprintf(stderr, "%spcisim: %-20s %6.2f s (%u host bridge(s): enumerate, assign, add)%s\n",
			ph.progress_shown ? "\r" : "",
			ph.boot_name, now() - ph.boot_t0,
			ph.boot_hosts, ph.progress_shown ? "          " : "");
		ph.progress_shown = false;
	} else if (ph.tty && !ph.in_boot) {
		fprintf(stderr, "%spcisim: %-20s %6.2f s%s\n",
			ph.progress_shown ? "\r" : "", ph.cur, t,
			ph.progress_shown ? "                                   " : "");
		ph.progress_shown = false;
	}
	if (!ph.kernel_switch)
		ph.in_boot = false;
	ph.cur[0] = 0;
}

void phase_begin(const char *name)
{
	if (!ph.on)
		return;
	phase_end();
	snprintf(ph.cur, sizeof(ph.cur), "%s", name);
	ph.t0 = now();
	ph.c0 = cycles();
}

int phase_write(const char *path, unsigned long long functions)
{
	FILE *f;

	phase_end();
	if (!path)
		return 0;
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "# functions\t%llu\n# total_wall_s\t%.6f\n# peak_rss_kb\t%ld\n",
		functions, now() - ph.t_start, peak_kb());
	fprintf(f, "phase\twall_s\tcfg_accesses\trss_kb\tpeak_rss_kb\n");
	for (int i = 0; i < ph.n; i++)
		fprintf(f, "%s\t%.6f\t%llu\t%ld\t%ld\n", ph.rec[i].name,
			ph.rec[i].wall, (unsigned long long)ph.rec[i].cycles,
			ph.rec[i].rss_kb, ph.rec[i].peak_kb);
	return cli_close_output(f, path);
}

bool phase_tty(void)
{
	return ph.tty;
}

void phase_progress(const char *fmt, ...)
{
	va_list ap;

	if (!ph.tty)
		return;
	fprintf(stderr, "\rpcisim: %-20s ", ph.cur);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	ph.progress_shown = true;
}
