// SPDX-License-Identifier: GPL-2.0
/*
 * Devices a topology file marks `preserve`, from the file to the BDFs the
 * kernel gave them.
 *
 * A mark is a physical path ("0000/01.0/00.0/00.0/00.0"): the file has no
 * bus numbers. Once the kernel has enumerated, each of its functions is
 * found in the machine by routing (machine_find(), as a config cycle to
 * that BDF would go) and named by its path; a marked path names the BDF.
 * One walk over the kernel's list and a binary search per function.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "machine.h"
#include "sim/host_abi.h"
#include "topofile.h"

_Static_assert(sizeof(((struct cli_marks *)0)->path[0]) == MACHINE_PATH_MAX,
	       "marks are mfunc_path() strings");

static int cmp_path(const void *a, const void *b)
{
	return strcmp(a, b);
}

int cli_marks_of(const struct topo *t, struct cli_marks *marks)
{
	size_t n = topo_preserved_paths(t, NULL, 0);

	memset(marks, 0, sizeof(*marks));
	if (n == SIZE_MAX)
		goto nomem;
	if (!n)
		return 0;
	marks->path = malloc(n * sizeof(*marks->path));
	if (!marks->path)
		goto nomem;
	marks->n = topo_preserved_paths(t, marks->path, n);
	return 0;
nomem:
	fprintf(stderr, "pcisim: out of memory\n");
	return -1;
}

void cli_marks_free(struct cli_marks *marks)
{
	free(marks->path);
	memset(marks, 0, sizeof(*marks));
}

struct match {
	struct machine *m;
	char (*sorted)[MACHINE_PATH_MAX];	/* the marks, sorted */
	bool *seen;
	size_t n;
	char (*bdf)[16];
	size_t nb;
};

static int match_one(const struct sim_pci_info *info, void *ctx)
{
	struct match *x = ctx;
	char path[MACHINE_PATH_MAX], (*hit)[MACHINE_PATH_MAX];
	struct mfunc *f = machine_find(x->m, (uint16_t)info->domain,
				       (uint8_t)info->bus, (uint8_t)info->devfn);

	if (!f)
		return 0;
	mfunc_path(f, path, sizeof(path));
	hit = bsearch(path, x->sorted, x->n, sizeof(*x->sorted), cmp_path);
	if (!hit || x->seen[hit - x->sorted])
		return 0;
	x->seen[hit - x->sorted] = true;
	snprintf(x->bdf[x->nb++], sizeof(x->bdf[0]), "%04x:%02x:%02x.%u",
		 info->domain & 0xffff, info->bus & 0xff,
		 (info->devfn >> 3) & 0x1f, info->devfn & 7);
	return 0;
}

int cli_marks_bdfs(struct machine *m, const struct cli_marks *marks,
		   char (**bdf)[16], size_t *n)
{
	struct match x = { .m = m, .n = marks->n };
	int ret = 0;

	*bdf = NULL;
	*n = 0;
	if (!marks->n)
		return 0;
	x.sorted = malloc(marks->n * sizeof(*x.sorted));
	x.seen = calloc(marks->n, sizeof(*x.seen));
	x.bdf = malloc(marks->n * sizeof(*x.bdf));
	if (!x.sorted || !x.seen || !x.bdf) {
		fprintf(stderr, "pcisim: out of memory\n");
		ret = -1;
		goto out;
	}
	memcpy(x.sorted, marks->path, marks->n * sizeof(*x.sorted));
	qsort(x.sorted, x.n, sizeof(*x.sorted), cmp_path);
	if (sim_pci_visit_devs(match_one, &x))
		ret = -1;
	for (size_t i = 0; i < x.n; i++)
		if (!x.seen[i]) {
			fprintf(stderr, "pcisim: the function at %s is marked preserve, but the kernel did not enumerate it\n",
				x.sorted[i]);
			ret = -1;
		}
out:
	free(x.sorted);
	free(x.seen);
	if (ret) {
		free(x.bdf);
		return -1;
	}
	*bdf = x.bdf;
	*n = x.nb;
	return 0;
}
