/* SPDX-License-Identifier: GPL-2.0 */
/* The pcisim command line: shared helpers of the subcommands. */
#ifndef PCISIM_CLI_H
#define PCISIM_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct machine;
struct sim_handover;
struct sim_pci_info;

/* Exit statuses (design.md section 7). */
#define EXIT_OK			0
#define EXIT_CHECK_FAILED	1
#define EXIT_BAD_INPUT		2
/* 3: the kernel world stopped (BUG, panic, unimplemented symbol) */

int cmd_enumerate(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_import_lspci(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_draw(int argc, char **argv);

/* Write len bytes of text to path (NULL: stdout); prints errors. */
int cli_write_output(const char *path, const char *text, size_t len);

/*
 * Close (stdout: flush) an output file and say if anything written to it
 * was lost (a full disk, /dev/full, a closed pipe), naming it; 0 or -1.
 */
int cli_close_output(FILE *f, const char *name);

/*
 * Can this host hold a machine of that many functions (VFs included)? 0,
 * or -1 after saying, as "NAME: error: ...", what it needs and has.
 */
int cli_fits_host(const char *name, unsigned long long functions);

/* Load TOPO (NULL: the built-in default); prints errors; NULL on failure. */
struct machine *cli_load_topology(const char *path);

/*
 * Functions a topology marks `preserve` (cli/preserve.c): their physical
 * paths (topo_preserved_paths(), 64 bytes each), found again by routing
 * once the kernel has numbered the buses.
 */
struct topo;
struct cli_marks {
	char (*path)[64];
	size_t n;
};

/* cli_load_topology(), and the file's marks (none for gen: machines). */
struct machine *cli_load_topology_marks(const char *path,
					struct cli_marks *marks);
int cli_marks_of(const struct topo *t, struct cli_marks *marks);
void cli_marks_free(struct cli_marks *marks);

/*
 * The BDF ("0000:03:00.0") the running kernel knows each marked function
 * by, in the kernel's walk order: *bdf malloc'ed, *n of them. A mark
 * nothing enumerated answers for is printed and makes it fail (-1).
 */
int cli_marks_bdfs(struct machine *m, const struct cli_marks *marks,
		   char (**bdf)[16], size_t *n);

/*
 * RAM for the kernel world: ram bytes, or (ram 0) enough for the
 * functions m has and the VFs it may have, when that is more than the
 * default. Before the first boot; prints errors.
 */
int cli_size_ram(struct machine *m, unsigned long long ram);

/* Boot the kernel world on m with cmdline and probe every host bridge. */
int cli_boot_and_probe(struct machine *m, const char *cmdline);

/*
 * kexec into a new kernel on the same machine: the running kernel shuts
 * down and hands over through KHO, RAM it did not preserve is poisoned,
 * and a pristine kernel world boots with cmdline and probes again.
 */
int cli_kexec(struct machine *m, const char *cmdline);

/* Boot again after a reset, handed a KHO handover (NULL: none). */
int cli_boot_again(struct machine *m, const char *cmdline,
		   const struct sim_handover *kho);

/*
 * The second half of cli_kexec(), after sim_kernel_kexec_prepare(): RAM
 * nobody preserved poisoned, the kexec segments written, the kernel
 * world reset and booted with the handover.
 */
int cli_kexec_reboot(struct machine *m, const char *cmdline,
		     const struct sim_handover *kho);
/* cli_kexec_reboot() for a machine whose RAM was poisoned already. */
int cli_kexec_boot(struct machine *m, const char *cmdline,
		   const struct sim_handover *kho);

/* Reports over what the kernel enumerated. */
void report_tree(FILE *out);
void report_functions(FILE *out);
int report_dump(const char *path, struct machine *m);

/* "%pR"-style text for one resource, e.g. "[mem 0x1000-0x1fff 64bit]". */
const char *report_res(char *buf, size_t len, unsigned long long start,
		       unsigned long long end, unsigned long flags);

#endif /* PCISIM_CLI_H */
