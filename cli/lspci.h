/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files a real machine's PCI state is captured in: lspci's dump format
 * (lspci -xxxx, or lspci -vvvxxxx with the decoding between the header
 * and the bytes) and a resources file (tests/oracle/ *\/resources-*.tsv:
 * the kernel's resources per function, as sysfs shows them).
 *
 * Both fill struct pcicfg (pcicfg.h); errors are located FILE:LINE:COL.
 */
#ifndef PCISIM_LSPCI_H
#define PCISIM_LSPCI_H

#include <stddef.h>
#include <stdio.h>

#include "pcicfg.h"
#include "topofile.h"

/*
 * Parse a capture held in text. *fns (malloc'ed, *n entries) gets every
 * function with its config bytes and the [size=] annotations of -vvv
 * lines. Returns 0, or -1 with err filled.
 */
int lspci_dump_parse(const char *name, const char *text, size_t len,
		     struct pcicfg **fns, size_t *n, struct topo_error *err);
/*
 * The same, saying on warnings (NULL: nowhere) what it skipped or repaired
 * (wrapped rows, blanks, missing rows read as ff), as "FILE:LINE: warning:".
 */
int lspci_dump_read(const char *name, const char *text, size_t len,
		    struct pcicfg **fns, size_t *n, struct topo_error *err,
		    FILE *warnings);

/*
 * Add the sizes of a resources file (BARs 0-5, ROM 6, VF BARs 7-12; bridge
 * windows 13-16 are the kernel's choice, not hardware, and are skipped).
 * A row naming a function not in fns, or a BAR its header cannot have, is
 * an error. Returns 0, or -1 with err filled.
 */
int lspci_resources_parse(const char *name, const char *text, size_t len,
			  struct pcicfg *fns, size_t n, struct topo_error *err);

/* Read a whole file; NULL (errno set) on failure. */
/*
 * The longest capture read: a 1,000-function lspci -xxxx capture is about
 * 18 MB, so anything past this is no capture (/dev/zero).
 */
#define LSPCI_MAX_FILE_BYTES	(256u << 20)
char *lspci_read_file(const char *path, size_t *len);

#endif /* PCISIM_LSPCI_H */
