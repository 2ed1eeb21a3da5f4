/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Topology files: the text a kernel developer writes to describe the
 * simulated PCI hardware (see topo/FORMAT.md for the language itself).
 *
 * Three steps, each its own file:
 *   topofile.c   text -> tree      (every error located FILE:LINE:COL)
 *   topobuild.c  tree -> machine   (templates instantiated, machine.h calls)
 *   topowrite.c  tree -> text      (canonical form, templates preserved)
 *
 * The tree keeps what was written, not what it means: an instance of a
 * template stays an instance, defaults stay implicit. That is what lets
 * topo_write() give back a file a person still wants to read and diff.
 *
 * Host-world C11.
 */
#ifndef PCISIM_TOPOFILE_H
#define PCISIM_TOPOFILE_H

#include <stddef.h>
#include <stdio.h>

struct machine;
struct topo;

/* Where and what. line/col are 1-based; line 0 means "the file itself". */
struct topo_error {
	char file[256];
	int line, col;
	char msg[512];
};

/*
 * The longest topology file read: templates keep a million functions to a
 * few thousand lines, so anything near this is not a topology (/dev/zero).
 */
#define TOPO_MAX_FILE_BYTES	(64u << 20)

/*
 * The most functions a machine may have, VFs included (TotalVFs of every
 * PF), once templates are instantiated; pcisim gen makes no more either.
 * 16 times the million the benchmarks run (4.3 GiB there): past this a
 * file is a template bomb rather than hardware, and is refused before
 * anything is built.
 */
#define TOPO_MAX_FUNCTIONS	(1u << 24)

/*
 * Parse a whole file (read in one go; a directory, or more than
 * TOPO_MAX_FILE_BYTES, is an error). NULL with *err filled on error.
 */
struct topo *topo_parse_file(const char *path, struct topo_error *err);

/* Parse text in memory; name is what error messages call the file. */
struct topo *topo_parse_string(const char *name, const char *text,
			       size_t len, struct topo_error *err);

/*
 * Build the hardware: a new machine with every host and function of t at
 * power-on state. NULL with *err filled (at the function's line) when the
 * machine refuses something.
 */
struct machine *topo_build(const struct topo *t, struct topo_error *err);

/*
 * Write t back in canonical form: two-space indentation, templates first,
 * attributes in the order written, numbers in one spelling. Comments and
 * blank lines are not kept. Returns 0, or -1 when writing failed.
 */
int topo_write(const struct topo *t, FILE *out);

void topo_free(struct topo *t);

/*
 * The functions the file marks `preserve` (the live update keeps them; the
 * machine does not know), as physical paths: the same strings mfunc_path()
 * gives for those functions of the machine topo_build() makes from t,
 * "0000/01.0/00.0/00.0/00.0", so they are found again with
 * machine_find_path() whatever bus numbers the kernel assigned. Writes at
 * most max paths (paths may be NULL when max is 0), in build order, and
 * returns how many there are in all (more than max: call again), or
 * SIZE_MAX when out of memory.
 * Each path has room for TOPO_PATH_MAX bytes (MACHINE_PATH_MAX).
 */
#define TOPO_PATH_MAX	64
size_t topo_preserved_paths(const struct topo *t, char (*paths)[TOPO_PATH_MAX],
			    size_t max);

/* "FILE:LINE:COL: error: MSG\n" (or "FILE: error: MSG\n" for line 0). */
void topo_error_print(const struct topo_error *err, FILE *out);

/* Counts, for tools and benchmarks: functions written in the file, and
 * functions the machine will have once templates are instantiated. */
size_t topo_nr_lines_functions(const struct topo *t);
size_t topo_nr_functions(const struct topo *t);
/* With every PF's TotalVFs too, as TOPO_MAX_FUNCTIONS counts (saturating;
 * ULLONG_MAX when out of memory). */
unsigned long long topo_nr_functions_vfs(const struct topo *t);

#endif /* PCISIM_TOPOFILE_H */
