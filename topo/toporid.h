/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to the topology parser: which routing IDs are taken on one bus,
 * so that two functions at one DD.F, or a VF landing on a function or on
 * another PF's VF, are caught as the lines arrive.
 *
 * Routing IDs are relative to the start of the bus: bus offset << 8 |
 * devfn. Functions only ever sit at offset 0 (a 256-bit map); VFs are
 * arithmetic runs that may continue on the buses after it. Each check is
 * O(PFs on the bus), whatever the size of the file.
 */
#ifndef PCISIM_TOPORID_H
#define PCISIM_TOPORID_H

#include <stdint.h>

/* The VFs of one PF: routing IDs first + i * stride, i < count. */
struct vfrun {
	uint32_t first, stride, count, last;
	uint32_t node;			/* the PF (caller's index) */
};

struct ridbox {
	uint64_t bits[4];		/* devfns of functions */
	struct vfrun *runs;
	uint32_t nr_runs, cap_runs;
};

/* What was already there. */
struct rid_clash {
	uint32_t rid;			/* the contested routing ID */
	uint32_t vf;			/* index of the VF being added */
	int other_is_vf;		/* 0: a function sits at rid */
	uint32_t other_pf, other_vf;	/* else: that PF's VF other_vf */
};

/* Start as a copy of src (NULL: empty). 0, or -1 when out of memory. */
int ridbox_init(struct ridbox *b, const struct ridbox *src);
void ridbox_release(struct ridbox *b);

/* 0: added; 1: clash, described in *c; -1: out of memory. */
int ridbox_add_fn(struct ridbox *b, unsigned devfn, struct rid_clash *c);
int ridbox_add_vfs(struct ridbox *b, const struct vfrun *r,
		   struct rid_clash *c);

#endif /* PCISIM_TOPORID_H */
