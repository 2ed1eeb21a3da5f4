// SPDX-License-Identifier: GPL-2.0
/*
 * Tree -> machine: each host with its windows, then its functions depth
 * first, templates instantiated on the way (a template's children, its
 * base template's before them, then the instance's own).
 *
 * The parser has already checked everything it can, so an error here is
 * the machine refusing a description; it is reported at the function's
 * line, plus the line of the instance when the function came from a
 * template. Iterative, with an explicit stack: a file may nest deeper than
 * the C stack would like.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo_tree.h"

/* A list of siblings still to attach below one parent. */
struct frame {
	uint32_t cur;			/* next node, TNONE: list done */
	struct mfunc *parent;		/* NULL: the host's root bus */
	uint32_t origin;		/* line of the template instance, or 0 */
};

/* A function built, and where it was written: for checks on the whole bus. */
struct built {
	struct mfunc *mf;
	uint32_t line, col, origin;
};

struct builder {
	const struct topo *t;
	struct topo_error *err;
	struct frame *st;
	uint32_t nr, cap;
	struct mraw_bytes *raw;
	uint32_t cap_raw;
	struct built *fns;
	uint32_t nr_fns, cap_fns;
};

static int add_raw(struct builder *b, uint32_t *nr, const struct tattr *a)
{
	if (topo_grow((void **)&b->raw, &b->cap_raw, *nr + 1, sizeof(*b->raw)))
		return -1;
	b->raw[(*nr)++] = (struct mraw_bytes){ a->a, (uint16_t)a->b,
					       b->t->bytes + a->v };
	return 0;
}

/* What a node means: kind defaults, then its template, then its line. */
static int node_desc(struct builder *b, const struct tnode *n,
		     struct mfunc_desc *d)
{
	const struct topo *t = b->t;
	uint32_t nr = 0;
	uint64_t set;

	if (n->tmpl) {
		const struct teff *e = &t->tmpls[n->tmpl - 1].eff;

		*d = e->d;
		set = e->set;
		for (uint32_t i = 0; i < e->nr_raw; i++)
			if (add_raw(b, &nr, &t->attrs[e->raw[i]]))
				return -1;
	} else {
		struct teff e;

		topo_eff_init(&e, n->kind);
		*d = e.d;
		set = e.set;
	}
	for (uint32_t i = 0; i < n->nr_attrs; i++) {
		const struct tattr *a = &t->attrs[n->attr_first + i];

		topo_attr_apply(d, a);
		set |= TK_BIT(a->key);
		if (a->key == TK_RAW && add_raw(b, &nr, a))
			return -1;
	}
	topo_desc_finish(d, set);
	d->presence = n->first_child != TNONE ||
		      (n->tmpl && t->tmpls[n->tmpl - 1].has_children);
	d->raw = nr ? b->raw : NULL;
	d->nr_raw = nr;
	return 0;
}

static int push(struct builder *b, uint32_t first, struct mfunc *parent,
		uint32_t origin)
{
	if (first == TNONE)
		return 0;
	if (topo_grow((void **)&b->st, &b->cap, b->nr + 1, sizeof(*b->st)))
		return -1;
	b->st[b->nr++] = (struct frame){ first, parent, origin };
	return 0;
}

/* Children of n go below mf: its own last, its template chain's first. */
static int push_children(struct builder *b, const struct tnode *n,
			 struct mfunc *mf, uint32_t origin)
{
	const struct topo *t = b->t;
	uint32_t o = origin ? origin : n->line;

	if (push(b, n->first_child, mf, origin))
		return -1;
	for (uint32_t tm = n->tmpl; tm; tm = t->nodes[t->tmpls[tm - 1].root].tmpl)
		if (push(b, t->nodes[t->tmpls[tm - 1].root].first_child, mf, o))
			return -1;
	return 0;
}

static struct machine *fail(struct builder *b, struct machine *m,
			    uint32_t line, uint32_t col, const char *msg,
			    uint32_t origin)
{
	b->err->line = (int)line;
	b->err->col = (int)col;
	if (origin)
		snprintf(b->err->msg, sizeof(b->err->msg), "%s (template "
			 "instantiated at line %u)", msg, origin);
	else
		snprintf(b->err->msg, sizeof(b->err->msg), "%s", msg);
	machine_free(m);
	free(b->st);
	free(b->raw);
	free(b->fns);
	return NULL;
}

struct machine *topo_build(const struct topo *t, struct topo_error *err)
{
	struct topo_error dummy;
	struct builder b = { t, err ? err : &dummy, NULL, 0, 0, NULL, 0,
			     NULL, 0, 0 };
	struct machine *m;
	char msg[256];

	memset(b.err, 0, sizeof(*b.err));
	snprintf(b.err->file, sizeof(b.err->file), "%s", t->name);
	m = machine_new();
	if (!m)
		return fail(&b, NULL, 0, 0, "out of memory", 0);

	for (uint32_t hi = 0; hi < t->nr_hosts; hi++) {
		const struct thost *h = &t->hosts[hi];
		struct mhost *mh;

		msg[0] = '\0';
		mh = machine_add_host(m, h->domain, h->bus_start, h->bus_end,
				      msg, sizeof(msg));
		if (!mh)
			return fail(&b, m, h->line, h->col, msg, 0);
		mhost_set_keep_buses(mh, h->given & TH_KEEP_BUSES);
		mhost_set_preserve_config(mh, h->given & TH_PRESERVE_CONFIG);
		for (int w = 0; w < TH_NR_WIN; w++) {
			if (!(h->windows & (1u << w)))
				continue;
			if (mhost_add_window(mh, (enum mwindow_kind)w, h->win[w][0],
					     h->win[w][1], msg, sizeof(msg)))
				return fail(&b, m, h->line, h->wcol[w], msg, 0);
		}
		if (push(&b, h->first_child, NULL, 0))
			return fail(&b, m, h->line, h->col, "out of memory", 0);

		while (b.nr) {
			struct frame *f = &b.st[b.nr - 1];
			const struct tnode *n;
			struct mfunc_desc d;
			struct mfunc *parent, *mf;
			uint32_t origin;

			if (f->cur == TNONE) {
				b.nr--;
				continue;
			}
			n = &t->nodes[f->cur];
			f->cur = n->next;
			parent = f->parent;
			origin = f->origin;
			if (node_desc(&b, n, &d))
				return fail(&b, m, n->line, n->col, "out of memory",
					    origin);
			msg[0] = '\0';
			mf = machine_add_function(m, mh, parent, n->devfn, &d, msg,
						  sizeof(msg));
			if (!mf)
				return fail(&b, m, n->line, n->col, msg, origin);
			if (topo_grow((void **)&b.fns, &b.cap_fns, b.nr_fns + 1,
				      sizeof(*b.fns)))
				return fail(&b, m, n->line, n->col, "out of memory",
					    origin);
			b.fns[b.nr_fns++] = (struct built){ mf, n->line, n->col,
							    origin };
			if (d.presence && push_children(&b, n, mf, origin))
				return fail(&b, m, n->line, n->col, "out of memory",
					    origin);
		}
	}
	/*
	 * Once every bus is whole: a function the kernel would never scan is
	 * an error, not a device silently absent from the machine it sees.
	 */
	for (uint32_t i = 0; i < b.nr_fns; i++) {
		const char *why = mfunc_unreachable(b.fns[i].mf);

		if (!why)
			continue;
		snprintf(msg, sizeof(msg), "this function would never be "
			 "enumerated: %s", why);
		return fail(&b, m, b.fns[i].line, b.fns[i].col, msg,
			    b.fns[i].origin);
	}
	free(b.st);
	free(b.raw);
	free(b.fns);
	return m;
}

_Static_assert(TOPO_PATH_MAX == MACHINE_PATH_MAX, "paths are mfunc_path()'s");

/* Is n marked preserve: its template chain's mark, then its own line's. */
static bool node_preserved(const struct topo *t, const struct tnode *n)
{
	struct teff e = { .preserve = n->tmpl && t->tmpls[n->tmpl - 1].eff.preserve };

	for (uint32_t i = 0; i < n->nr_attrs; i++)
		topo_eff_mark(&e, &t->attrs[n->attr_first + i]);
	return e.preserve;
}

/* A sibling list in topo_build()'s walk, with its parent's path. */
struct pframe {
	uint32_t cur;
	char path[TOPO_PATH_MAX];
};

static int ppush(struct pframe **st, uint32_t *nr, uint32_t *cap,
		 uint32_t first, const char *path)
{
	if (first == TNONE)
		return 0;
	if (topo_grow((void **)st, cap, *nr + 1, sizeof(**st)))
		return -1;
	(*st)[*nr].cur = first;
	snprintf((*st)[*nr].path, TOPO_PATH_MAX, "%s", path);
	(*nr)++;
	return 0;
}

/*
 * The same walk as topo_build() (templates instantiated the same way), so
 * the paths are those of the machine's functions; written as mfunc_path()
 * writes them (and truncated as it truncates).
 */
size_t topo_preserved_paths(const struct topo *t, char (*paths)[TOPO_PATH_MAX],
			    size_t max)
{
	struct pframe *st = NULL;
	uint32_t nr = 0, cap = 0;
	size_t found = 0;

	/* each domain's first root bus, once: a scan per host was quadratic */
	uint16_t *first_bus = malloc(65536 * sizeof(*first_bus));

	if (!first_bus)
		goto nomem;
	for (uint32_t d = 0; d < 65536; d++)
		first_bus[d] = 0x100;
	for (uint32_t hi = 0; hi < t->nr_hosts; hi++)
		if (t->hosts[hi].bus_start < first_bus[t->hosts[hi].domain])
			first_bus[t->hosts[hi].domain] = t->hosts[hi].bus_start;
	for (uint32_t hi = 0; hi < t->nr_hosts; hi++) {
		const struct thost *th = &t->hosts[hi];
		char root[TOPO_PATH_MAX];
		/* as mfunc_path(): a domain's later hosts name their root bus */
		bool first = th->bus_start == first_bus[th->domain];

		if (first)
			snprintf(root, sizeof(root), "%04x", th->domain);
		else
			snprintf(root, sizeof(root), "%04x:%02x", th->domain,
				 th->bus_start);
		if (ppush(&st, &nr, &cap, t->hosts[hi].first_child, root))
			goto nomem;
		while (nr) {
			struct pframe *f = &st[nr - 1];
			const struct tnode *n;
			char path[TOPO_PATH_MAX];
			size_t at;

			if (f->cur == TNONE) {
				nr--;
				continue;
			}
			n = &t->nodes[f->cur];
			f->cur = n->next;
			at = strlen(f->path);
			memcpy(path, f->path, at + 1);
			if (at < sizeof(path))
				snprintf(path + at, sizeof(path) - at, "/%02x.%x",
					 n->devfn >> 3, n->devfn & 7);
			if (node_preserved(t, n)) {
				if (found < max)
					memcpy(paths[found], path, TOPO_PATH_MAX);
				found++;
			}
			/* children: own last, the template chain's first */
			if (ppush(&st, &nr, &cap, n->first_child, path))
				goto nomem;
			for (uint32_t tm = n->tmpl; tm;
			     tm = t->nodes[t->tmpls[tm - 1].root].tmpl)
				if (ppush(&st, &nr, &cap,
					  t->nodes[t->tmpls[tm - 1].root].first_child,
					  path))
					goto nomem;
		}
	}
	free(st);
	free(first_bus);
	return found;
nomem:
	free(st);
	free(first_bus);
	return SIZE_MAX;
}

size_t topo_nr_lines_functions(const struct topo *t)
{
	return t->nr_nodes - t->nr_tmpls;
}

/* Functions a list of siblings stands for, each template counted once. */
static uint64_t count_list(const struct topo *t, uint32_t first,
			   const uint64_t *tsub, uint32_t **stack, uint32_t *cap)
{
	uint64_t total = 0;
	uint32_t nr = 0;

	if (first == TNONE)
		return 0;
	if (topo_grow((void **)stack, cap, 1, sizeof(**stack)))
		return UINT64_MAX;
	(*stack)[nr++] = first;
	while (nr) {
		uint32_t i = (*stack)[--nr];
		const struct tnode *n = &t->nodes[i];

		total += 1 + (n->tmpl ? tsub[n->tmpl - 1] : 0);
		if (n->next != TNONE || n->first_child != TNONE) {
			if (topo_grow((void **)stack, cap, nr + 2, sizeof(**stack)))
				return UINT64_MAX;
			if (n->next != TNONE)
				(*stack)[nr++] = n->next;
			if (n->first_child != TNONE)
				(*stack)[nr++] = n->first_child;
		}
	}
	return total;
}

size_t topo_nr_functions(const struct topo *t)
{
	uint64_t *tsub = calloc(t->nr_tmpls + 1, sizeof(*tsub)), total = 0;
	uint32_t *stack = NULL, cap = 0;

	if (!tsub)
		return SIZE_MAX;
	/* A template only uses templates defined above it: one pass. */
	for (uint32_t i = 0; i < t->nr_tmpls; i++) {
		const struct tnode *r = &t->nodes[t->tmpls[i].root];

		tsub[i] = (r->tmpl ? tsub[r->tmpl - 1] : 0) +
			  count_list(t, r->first_child, tsub, &stack, &cap);
	}
	for (uint32_t h = 0; h < t->nr_hosts; h++)
		total += count_list(t, t->hosts[h].first_child, tsub, &stack, &cap);
	free(tsub);
	free(stack);
	return total > SIZE_MAX ? SIZE_MAX : (size_t)total;
}

/* Sums that stop at UINT64_MAX: a template bomb's counts overflow 64 bits. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* TotalVFs of a node: its template's, unless its own line says otherwise. */
static uint64_t node_vfs(const struct topo *t, const struct tnode *n)
{
	uint64_t vfs = n->tmpl ? t->tmpls[n->tmpl - 1].eff.d.total_vfs : 0;

	for (uint32_t i = 0; i < n->nr_attrs; i++) {
		const struct tattr *a = &t->attrs[n->attr_first + i];
		struct mfunc_desc d;

		if (a->key != TK_SRIOV)
			continue;
		memset(&d, 0, sizeof(d));
		topo_attr_apply(&d, a);
		vfs = d.total_vfs;
	}
	return vfs;
}

/* What one line stands for: itself, its VFs and its template's subtree. */
static uint64_t node_functions(const struct topo *t, const struct tnode *n,
			       const uint64_t *tsub)
{
	return sat_add(1 + node_vfs(t, n), n->tmpl ? tsub[n->tmpl - 1] : 0);
}

/*
 * Walk the lines below first in file order (depth first), adding what each
 * stands for to *total. Returns the first line that takes *total past
 * limit (TNONE: none), or UINT32_MAX - 1 when out of memory.
 */
static uint32_t sum_list(const struct topo *t, uint32_t first,
			 const uint64_t *tsub, uint64_t limit, uint64_t *total,
			 uint32_t **stack, uint32_t *cap)
{
	uint32_t nr = 0;

	if (first == TNONE)
		return TNONE;
	if (topo_grow((void **)stack, cap, 1, sizeof(**stack)))
		return UINT32_MAX - 1;
	(*stack)[nr++] = first;
	while (nr) {
		uint32_t i = (*stack)[--nr];
		const struct tnode *n = &t->nodes[i];

		*total = sat_add(*total, node_functions(t, n, tsub));
		if (*total > limit)
			return i;
		if (topo_grow((void **)stack, cap, nr + 2, sizeof(**stack)))
			return UINT32_MAX - 1;
		if (n->next != TNONE)
			(*stack)[nr++] = n->next;
		if (n->first_child != TNONE)
			(*stack)[nr++] = n->first_child;
	}
	return TNONE;
}

/*
 * Sum the hosts' trees up to limit: 0 with *at the line that crosses it
 * (TNONE: none) and *tsub_out each template's subtree (the caller frees
 * it), or -1 when out of memory.
 */
static int count_machine(const struct topo *t, uint64_t limit, uint64_t *total,
			 uint32_t *at, uint64_t **tsub_out)
{
	uint64_t *tsub = calloc(t->nr_tmpls + 1, sizeof(*tsub));
	uint32_t *stack = NULL, cap = 0;

	*total = 0;
	*at = TNONE;
	if (!tsub)
		goto nomem;
	/*
	 * Each template's subtree once, without limit (a template nobody
	 * instantiates may be as big as it likes): a template only uses
	 * templates defined above it, so one pass in definition order.
	 */
	for (uint32_t i = 0; i < t->nr_tmpls; i++) {
		const struct tnode *r = &t->nodes[t->tmpls[i].root];
		uint64_t sub = r->tmpl ? tsub[r->tmpl - 1] : 0;

		if (sum_list(t, r->first_child, tsub, UINT64_MAX, &sub, &stack,
			     &cap) == UINT32_MAX - 1)
			goto nomem;
		tsub[i] = sub;
	}
	for (uint32_t h = 0; h < t->nr_hosts && *at == TNONE; h++)
		*at = sum_list(t, t->hosts[h].first_child, tsub, limit, total,
			       &stack, &cap);
	if (*at == UINT32_MAX - 1)
		goto nomem;
	free(stack);
	*tsub_out = tsub;
	return 0;
nomem:
	free(tsub);
	free(stack);
	return -1;
}

unsigned long long topo_nr_functions_vfs(const struct topo *t)
{
	uint64_t total, *tsub;
	uint32_t at;

	if (count_machine(t, UINT64_MAX, &total, &at, &tsub))
		return ULLONG_MAX;
	free(tsub);
	return total;
}

int topo_check_functions(const struct topo *t, struct topo_error *err)
{
	uint64_t total, own, *tsub;
	const struct tnode *n;
	char what[160], brings[48];
	uint32_t at;

	if (count_machine(t, TOPO_MAX_FUNCTIONS, &total, &at, &tsub)) {
		err->line = 0;
		err->col = 0;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	if (at == TNONE) {
		free(tsub);
		return 0;
	}
	n = &t->nodes[at];
	own = node_functions(t, n, tsub);
	free(tsub);
	if (own == UINT64_MAX)
		snprintf(brings, sizeof(brings), "more than 2^64");
	else
		snprintf(brings, sizeof(brings), "%llu", (unsigned long long)own);
	if (n->tmpl)
		snprintf(what, sizeof(what), "this instance of template '%s' "
			 "expands to %s functions", t->tmpls[n->tmpl - 1].name,
			 brings);
	else
		snprintf(what, sizeof(what), "this %s is %s functions with its VFs",
			 topo_kind_name(n->kind), brings);
	err->line = (int)n->line;
	err->col = (int)n->col;
	snprintf(err->msg, sizeof(err->msg), "%s, which takes the machine past "
		 "%u functions (VFs included), the most a machine may have "
		 "(and pcisim gen makes)", what, TOPO_MAX_FUNCTIONS);
	return -1;
}
