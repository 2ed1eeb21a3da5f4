/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a topology to an enumerated kernel: load the machine, boot the
 * kernel world on it, and probe every host bridge the machine has.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gen.h"
#include "host.h"
#include "machine.h"
#include "phase.h"
#include "state_dir.h"
#include "sim/host_abi.h"
#include "topofile.h"

/* topo/examples/default.topo, linked in by the Makefile (ld -b binary) */
extern const char _binary_topo_examples_default_topo_start[];
extern const char _binary_topo_examples_default_topo_end[];

/*
 * The least a function costs the host, kernel world and machine together:
 * the kernel world alone holds about 4.4 KiB a function after boot
 * (bench/RESULTS.md, 1M functions), the machine a few hundred bytes more.
 * A machine within TOPO_MAX_FUNCTIONS can still be more than the host
 * holds, and building it for minutes until the out-of-memory killer ends
 * it is neither running nor refusing: refused before anything is built.
 */
#define CLI_HOST_BYTES_PER_FUNCTION	(4ULL << 10)

int cli_fits_host(const char *name, unsigned long long functions)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	unsigned long long have, need;

	if (pages <= 0 || psize <= 0)
		return 0;
	have = (unsigned long long)pages * (unsigned long long)psize;
	need = functions > have / CLI_HOST_BYTES_PER_FUNCTION ? have + 1 :
	       functions * CLI_HOST_BYTES_PER_FUNCTION;
	if (need <= have)
		return 0;
	fprintf(stderr, "%s: error: %llu functions (VFs included) need more "
		"than %llu GiB (at least %llu KiB each), more than this host's "
		"%llu GiB of memory\n", name, functions,
		functions * CLI_HOST_BYTES_PER_FUNCTION >> 30,
		CLI_HOST_BYTES_PER_FUNCTION >> 10, have >> 30);
	return -1;
}

struct machine *cli_load_topology(const char *path)
{
	return cli_load_topology_marks(path, NULL);
}

struct machine *cli_load_topology_marks(const char *path,
					struct cli_marks *marks)
{
	struct topo_error err;
	struct machine *m;
	struct topo *t;

	if (marks)
		memset(marks, 0, sizeof(*marks));

	if (path && !strncmp(path, GEN_PREFIX, strlen(GEN_PREFIX)))
		return gen_machine(path + strlen(GEN_PREFIX), NULL);
	memset(&err, 0, sizeof(err));
	if (path)
		t = topo_parse_file(path, &err);
	else
		t = topo_parse_string("<built-in default.topo>",
				      _binary_topo_examples_default_topo_start,
				      _binary_topo_examples_default_topo_end -
				      _binary_topo_examples_default_topo_start,
				      &err);
	if (!t) {
		topo_error_print(&err, stderr);
		return NULL;
	}
	if (cli_fits_host(path ? path : "<built-in default.topo>",
			  topo_nr_functions_vfs(t))) {
		topo_free(t);
		return NULL;
	}
	m = topo_build(t, &err);
	if (!m)
		topo_error_print(&err, stderr);
	if (m && marks && cli_marks_of(t, marks)) {
		machine_free(m);
		m = NULL;
	}
	topo_free(t);
	return m;
}

static unsigned int cli_window_kind(enum mwindow_kind k)
{
	switch (k) {
	case MW_IO:
		return SIM_WIN_IO;
	case MW_MEM:
		return SIM_WIN_MEM;
	case MW_MEM64:
		return SIM_WIN_MEM64;
	case MW_PREF:
		return SIM_WIN_PREF;
	}
	return SIM_WIN_MEM;
}

/* Boot a kernel on m, handing it the KHO blob of a previous one (or 0). */
static int cli_boot(struct machine *m, const char *cmdline,
		    const struct sim_handover *kho)
{
	struct sim_boot_params bp = {
		.cmdline = cmdline ? cmdline : "",
	};
	uint64_t base, size;
	size_t i, w;
	int ret;

	bp.ram = machine_ram(m, &base, &size);
	if (!bp.ram) {
		fprintf(stderr, "pcisim: cannot map the machine's RAM\n");
		return -1;
	}
	bp.ram_base = base;
	bp.ram_size = size;
	if (kho)
		bp.kho = *kho;
	/*
	 * A boot and what follows it until the next take a few hundred
	 * config cycles per function; a kernel still going after 4096 per
	 * function (VFs included) and 4M more is in a loop (fuzz/FINDINGS.md
	 * K4): stopped, not left to hang.
	 */
	{
		size_t vfs, nf = machine_nr_functions(m, &vfs);

		host_watchdog_arm((1ULL << 22) + 4096ULL * (nf + vfs));
	}
	phase_boot_begin();
	ret = sim_kernel_boot(&bp);
	if (ret)
		return ret;
	for (i = 0; i < machine_nr_hosts(m); i++) {
		struct mhost *h = machine_host(m, i);
		size_t n = mhost_nr_windows(h);
		struct sim_window *win = calloc(n ? n : 1, sizeof(*win));
		uint8_t start, end;

		if (!win)
			return -1;
		for (w = 0; w < n; w++) {
			enum mwindow_kind kind;
			uint64_t s, e;

			mhost_window(h, w, &kind, &s, &e);
			win[w].kind = cli_window_kind(kind);
			win[w].start = s;
			win[w].end = e;
		}
		mhost_bus_range(h, &start, &end);
		ret = sim_pci_host_probe(mhost_domain(h), start, end, win,
					 (int)n, (mhost_keep_buses(h) ?
					 SIM_HOST_KEEP_BUSES : 0) |
					 (mhost_preserve_config(h) ?
					  SIM_HOST_PRESERVE_CONFIG : 0));
		free(win);
		if (ret) {
			fprintf(stderr, "pcisim: host bridge %04x failed: %d\n",
				mhost_domain(h), ret);
			return ret;
		}
	}
	return 0;
}

/*
 * What the kernel world needs per function, with room: struct pci_dev
 * alone is a 4 KiB kmalloc (2240 bytes), plus its device_private,
 * resources, names and sysfs-less kobjects; measured about 4.5 KiB at
 * boot (bench/RESULTS.md). Machines above the default 4 GiB of RAM's
 * worth get more RAM (it is reserved, not touched: what is not allocated
 * costs nothing).
 */
#define CLI_RAM_PER_FUNCTION	(8ULL << 10)
#define CLI_RAM_BASE_NEED	(256ULL << 20)

int cli_size_ram(struct machine *m, unsigned long long ram)
{
	unsigned long long need;
	size_t vfs, n = machine_nr_functions(m, &vfs);
	char err[160];

	need = ram ? ram : CLI_RAM_BASE_NEED + (n + vfs) * CLI_RAM_PER_FUNCTION;
	/*
	 * Plus what the kernel takes before any of that: its memmap (64 bytes
	 * a page, from memblock) and, with kho=on, KHO's scratch areas (twice
	 * what memblock handed the kernel, per area kind), which nothing here
	 * allocates from: an eighth on top covers both.
	 */
	if (!ram)
		need += need / 8;
	if (!ram && need <= MACHINE_RAM_DEFAULT)
		return 0;
	need = (need + (1ULL << 30) - 1) & ~((1ULL << 30) - 1);
	/* the machine's RAM comes in whole GiB: say so when --ram is not */
	if (ram && need != ram)
		fprintf(stderr, "note: --ram %llu KiB rounded up to %llu MiB (RAM comes in whole GiB)\n",
			ram >> 10, need >> 20);
	if (machine_set_ram(m, MACHINE_RAM_BASE, need, err, sizeof(err))) {
		fprintf(stderr, "pcisim: RAM of %llu MiB: %s\n", need >> 20, err);
		return -1;
	}
	return 0;
}

int cli_boot_and_probe(struct machine *m, const char *cmdline)
{
	host_install_traps();
	host_set_machine(m);
	if (host_kworld_snapshot()) {
		fprintf(stderr, "pcisim: out of memory\n");
		return -1;
	}
	return cli_boot(m, cmdline, NULL);
}

int cli_boot_again(struct machine *m, const char *cmdline,
		   const struct sim_handover *kho)
{
	return cli_boot(m, cmdline, kho);
}

int cli_kexec_reboot(struct machine *m, const char *cmdline,
		     const struct sim_handover *kho)
{
	machine_ram_poison_unkept(m);
	return cli_kexec_boot(m, cmdline, kho);
}

int cli_kexec_boot(struct machine *m, const char *cmdline,
		   const struct sim_handover *kho)
{
	if (host_kexec_load_segments()) {
		fprintf(stderr, "pcisim: a kexec segment is not in usable RAM\n");
		return -1;
	}
	host_vmalloc_reset();
	host_kworld_reset();
	return cli_boot(m, cmdline, kho);
}

int cli_kexec(struct machine *m, const char *cmdline)
{
	struct sim_handover kho;
	int ret;

	phase_begin("shutdown");
	ret = sim_kernel_kexec_prepare(&kho);
	/* the count goes with the outgoing kernel at the reset: say it now */
	if (sim_warn_count())
		fprintf(stderr, "pcisim: %lu kernel WARNING(s) before the kexec\n",
			sim_warn_count());
	if (ret)
		return ret;
	state_dir_handover(m, &kho);
	phase_begin("kexec");
	phase_boot_prefix("kexec-");
	ret = cli_kexec_reboot(m, cmdline, &kho);
	phase_boot_prefix(NULL);
	return ret;
}
