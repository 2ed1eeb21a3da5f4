/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real machines as topology files: the path from captured config space to
 * the text of topo/FORMAT.md, shared by "pcisim import-lspci" (an lspci
 * dump) and "pcisim capture" (the running machine, through libpciaccess).
 *
 *   pcicfg_decode.c   one function's config bytes -> struct pcifn
 *   pcicfg_sizes.c    BAR sizes the capture did not carry, guessed
 *   pcicfg_tree.c     bus numbers -> the physical tree -> topology text
 *   desc_write.c      one struct mfunc_desc -> its attributes
 *
 * Config bytes alone do not say how big a BAR is (only writing ones would),
 * so each source adds what it knows: [size=] annotations, a resources file,
 * libpciaccess. What nobody knows is guessed, with a warning per BAR.
 *
 * Host-world C11.
 */
#ifndef PCISIM_PCICFG_H
#define PCISIM_PCICFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "machine.h"

#define PCICFG_NR_BARS	MACHINE_MAX_BARS

/* What a capture says about one BAR, ROM or VF BAR besides its register. */
struct pcicfg_res {
	uint64_t size;		/* 0: unknown. VF BARs: over all TotalVFs, as
				 * the kernel's resource (sysfs) gives it */
	uint8_t kind;		/* enum mbar_kind the source gave, or MBAR_NONE */
	bool pref;
	bool listed;		/* the source shows it (even without a size) */
};

/* One function as captured from a real machine. */
struct pcicfg {
	uint16_t domain;
	uint8_t bus, devfn;
	uint16_t len;			/* config bytes captured: 64, 256, 4096 */
	int line;			/* where the capture shows it; 0: nowhere */
	struct pcicfg_res bar[PCICFG_NR_BARS], rom, vf_bar[PCICFG_NR_BARS];
	uint8_t cfg[MACHINE_CFG_SIZE];
};

/* Where a register put a resource (0: nowhere); sizes are in the desc. */
struct pcifn_addr {
	uint64_t bar[PCICFG_NR_BARS], rom, vf_bar[PCICFG_NR_BARS];
};

/* One function decoded: what a topology line says, plus its place. */
struct pcifn {
	const struct pcicfg *c;
	char bdf[16];			/* "0000:03:00.0" */
	struct mfunc_desc d;		/* sizes 0 where still unknown */
	struct pcifn_addr addr;
	/* bytes a BAR must hold by what the capture shows in it (MSI-X) */
	uint64_t bar_min[PCICFG_NR_BARS];
	int pcie_type;			/* PCI_EXP_TYPE_*, -1: no PCIe capability */
	uint8_t hdr_type;		/* 0, 1, 2 (CardBus) */
	uint8_t secondary, subordinate;	/* bridges, as programmed */
	uint64_t win[3][2];		/* io, mem, pref windows; start > end: off */
	bool rom_present;		/* d.rom_size 0: size still unknown */
	bool vf_enable;
	uint16_t num_vfs;
	bool is_vf;			/* recreated by its PF's SR-IOV */
	int parent;			/* index of the bridge above; -1: root bus */
};

/* Where diagnostics go, and the name errors carry ("dump:LINE:COL"). */
struct pcicfg_diag {
	FILE *f;
	const char *source;
	unsigned warnings;
	unsigned guessed;		/* BAR/ROM/VF BAR sizes guessed */
};

void pcicfg_warn(struct pcicfg_diag *dg, const struct pcicfg *c,
		 const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void pcicfg_error(struct pcicfg_diag *dg, const struct pcicfg *c,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* pcicfg_decode.c: config bytes -> fn (kind, IDs, BAR kinds, caps). */
void pcicfg_decode(const struct pcicfg *c, struct pcifn *fn,
		   struct pcicfg_diag *dg);

/* pcicfg_sizes.c: sizes nobody gave, from addresses; warns per BAR. */
void pcicfg_guess_sizes(struct pcifn *fns, size_t n, struct pcicfg_diag *dg);

/*
 * pcicfg_tree.c: the whole path. Writes the topology for the n captured
 * functions to out, after checking that pcisim parses and builds it.
 * Returns 0, or EXIT_BAD_INPUT with the error written to dg.
 */
int pcicfg_to_topology(const struct pcicfg *cfgs, size_t n, FILE *out,
		       struct pcicfg_diag *dg);

/* desc_write.c: " id=... class=..." for d, against its kind's defaults. */
int desc_write_attrs(FILE *f, const struct mfunc_desc *d);
const char *desc_size_str(char *buf, size_t len, uint64_t size);
/* Clear what d's kind cannot carry; names of what was cleared in buf. */
void desc_drop_unsupported(struct mfunc_desc *d, char *buf, size_t len);

/* "K", "M", "G", "T" suffixes, as lspci and topology files write sizes. */
bool pcicfg_parse_size(const char *s, size_t n, uint64_t *size);

#endif /* PCISIM_PCICFG_H */
