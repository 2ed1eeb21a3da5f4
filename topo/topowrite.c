// SPDX-License-Identifier: GPL-2.0
/*
 * Tree -> text, in the one canonical spelling: two spaces per level,
 * templates first (a template may be used by any host, and must come
 * before its uses), a blank line between top-level blocks, attributes in
 * the order they were written with numbers spelled one way (sizes with
 * the largest exact K/M/G suffix). Writing what was parsed from this
 * output gives the same text again; comments are not kept.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "topo_tree.h"

struct wpos {
	uint32_t node;
	unsigned depth;
};

static int write_line(const struct topo *t, const struct tnode *n,
		      unsigned depth, FILE *f)
{
	const char *kind = n->tmpl ? t->tmpls[n->tmpl - 1].name :
				     topo_kind_name(n->kind);

	if (fprintf(f, "%*s%02x.%x %s", (int)depth * 2, "", n->devfn >> 3,
		    n->devfn & 7, kind) < 0)
		return -1;
	for (uint32_t i = 0; i < n->nr_attrs; i++)
		if (topo_attr_write(t, &t->attrs[n->attr_first + i], f) < 0)
			return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

/* A list of siblings and everything below them, depth first. */
static int write_list(const struct topo *t, uint32_t first, unsigned depth,
		      FILE *f)
{
	struct wpos *st = NULL;
	uint32_t nr = 0, cap = 0;
	int rc = 0;

	if (first == TNONE)
		return 0;
	if (topo_grow((void **)&st, &cap, 1, sizeof(*st)))
		return -1;
	st[nr++] = (struct wpos){ first, depth };
	while (nr && !rc) {
		struct wpos w = st[--nr];
		const struct tnode *n = &t->nodes[w.node];

		rc = write_line(t, n, w.depth, f);
		if (topo_grow((void **)&st, &cap, nr + 2, sizeof(*st))) {
			rc = -1;
			break;
		}
		if (n->next != TNONE)
			st[nr++] = (struct wpos){ n->next, w.depth };
		if (n->first_child != TNONE)
			st[nr++] = (struct wpos){ n->first_child, w.depth + 1 };
	}
	free(st);
	return rc;
}

static int write_host(const struct thost *h, FILE *f)
{
	static const char *const wname[TH_NR_WIN] = {
		[MW_IO] = "io", [MW_MEM] = "mem", [MW_PREF] = "pref",
		[MW_MEM64] = "mem64",
	};
	static const int order[] = { MW_IO, MW_MEM, MW_MEM64, MW_PREF };

	if (fputs("host", f) == EOF)
		return -1;
	if ((h->given & TH_DOMAIN) && fprintf(f, " domain=%04x", h->domain) < 0)
		return -1;
	if ((h->given & TH_BUS) &&
	    fprintf(f, " bus=%02x-%02x", h->bus_start, h->bus_end) < 0)
		return -1;
	for (int i = 0; i < 4 && (h->given & TH_WINDOWS); i++) {
		int w = order[i];

		if ((h->windows & (1u << w)) &&
		    fprintf(f, " %s=0x%" PRIx64 "-0x%" PRIx64, wname[w],
			    h->win[w][0], h->win[w][1]) < 0)
			return -1;
	}
	if ((h->given & TH_KEEP_BUSES) && fputs(" keep-buses", f) == EOF)
		return -1;
	if ((h->given & TH_PRESERVE_CONFIG) &&
	    fputs(" preserve-config", f) == EOF)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int topo_write(const struct topo *t, FILE *f)
{
	bool first = true;

	for (uint32_t i = 0; i < t->nr_tmpls; i++) {
		const struct ttemplate *tp = &t->tmpls[i];
		const struct tnode *r = &t->nodes[tp->root];

		if (!first && fputc('\n', f) == EOF)
			return -1;
		first = false;
		if (fprintf(f, "template %s %s", tp->name, r->tmpl ?
			    t->tmpls[r->tmpl - 1].name : topo_kind_name(r->kind)) < 0)
			return -1;
		for (uint32_t a = 0; a < r->nr_attrs; a++)
			if (topo_attr_write(t, &t->attrs[r->attr_first + a], f) < 0)
				return -1;
		if (fputc('\n', f) == EOF || write_list(t, r->first_child, 1, f))
			return -1;
	}
	for (uint32_t i = 0; i < t->nr_hosts; i++) {
		const struct thost *h = &t->hosts[i];

		if (!first && fputc('\n', f) == EOF)
			return -1;
		first = false;
		if (h->implicit) {
			if (write_list(t, h->first_child, 0, f))
				return -1;
			continue;
		}
		if (write_host(h, f) || write_list(t, h->first_child, 1, f))
			return -1;
	}
	return fflush(f) == EOF || ferror(f) ? -1 : 0;
}
