/* SPDX-License-Identifier: GPL-2.0 */
/* pcisim gen: topologies from parameters (gen.c). */
#ifndef PCISIM_GEN_H
#define PCISIM_GEN_H

struct machine;

/* TOPO arguments of this form are generated, not read from a file. */
#define GEN_PREFIX	"gen:"

/*
 * Build the machine of spec ("functions=1000,vfs=7": gen's options as
 * KEY=VALUE, comma-separated); prints errors; NULL on failure.
 * *nr_functions (if not NULL): functions it has, VFs included.
 */
struct machine *gen_machine(const char *spec, unsigned long long *nr_functions);

int cmd_gen(int argc, char **argv);

#endif /* PCISIM_GEN_H */
