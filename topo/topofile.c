// SPDX-License-Identifier: GPL-2.0
/*
 * Topology file parser: text -> tree (topo_tree.h). The language is in
 * FORMAT.md; this file checks everything a person can get wrong and names
 * the token at fault as FILE:LINE:COL.
 *
 * One pass, line by line; nesting by indentation, kept on a stack of open
 * blocks. Checks that span lines (two functions at one DD.F, a VF landing
 * on a sibling's routing ID) run as each line arrives, against the routing
 * IDs taken on that bus (toporid.c, one "box" per bus). A line therefore
 * costs O(attributes + PFs on its bus), never O(file): a million-line file
 * parses in linear time.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "topo_tree.h"
#include "toporid.h"

#define ROOT_BUS	0xffu		/* "kind" of a host's root bus */

struct tok {
	const char *s;
	uint32_t n, col;
};

enum { LV_ROOT, LV_HOST, LV_TMPL, LV_NODE };

/* An open block: a line whose children may follow, indented deeper. */
struct level {
	int32_t indent, child_indent;	/* child_indent -1: none seen yet */
	uint32_t what, idx;
};

struct parser {
	struct topo *t;
	struct topo_error *err;
	uint32_t line;
	struct tok *toks;
	uint32_t nr_toks, cap_toks;
	struct level *lv;
	uint32_t nr_lv, cap_lv;
	struct ridbox *boxes;		/* per bus: routing IDs taken */
	uint32_t nr_boxes, cap_boxes;
	uint32_t *names;		/* template names: hash of 1 + index */
	uint32_t names_cap;		/* power of two */
	uint32_t *domains;		/* [65536]: 1 + its last host's index */
	uint32_t *dom_prev;		/* per host: 1 + the domain's host before */
	uint32_t cap_dom_prev;
	bool explicit_hosts;
	/* The line being parsed: where each key was, and its raw= list. */
	uint32_t keycol[TK_NR];
	uint32_t keytok[TK_NR];
	bool keyoff[TK_NR];
	uint32_t *raws, *rawcols;
	uint32_t nr_raws, cap_raws, cap_rawcols;
};

static int fail(struct parser *p, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	p->err->line = (int)p->line;
	p->err->col = (int)col;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* "an endpoint", "an rciep", "a root-port": as the kind's name is read */
static const char *article(const char *kind)
{
	return strchr("aeiou", kind[0]) || !strncmp(kind, "rciep", 5) ? "an" : "a";
}

static int oom(struct parser *p)
{
	return fail(p, 1, "out of memory");
}

static bool tok_is(const struct tok *k, const char *w)
{
	return strlen(w) == k->n && !memcmp(k->s, w, k->n);
}

#define TOKF(k) (int)(k)->n, (k)->s

/* ---- template names ---- */

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static uint32_t *name_slot(struct parser *p, const char *s, size_t n)
{
	uint32_t mask = p->names_cap - 1;

	for (uint32_t i = name_hash(s, n) & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &p->names[i];
		const char *name;

		if (!*slot)
			return slot;
		name = p->t->tmpls[*slot - 1].name;
		if (strlen(name) == n && !memcmp(name, s, n))
			return slot;
	}
}

static int tmpl_lookup(struct parser *p, const char *s, size_t n)
{
	uint32_t *slot;

	if (!p->names_cap)
		return -1;
	slot = name_slot(p, s, n);
	return *slot ? (int)(*slot - 1) : -1;
}

/* Keep the table at most half full so probes stay short. */
static int tmpl_register(struct parser *p, uint32_t idx)
{
	const char *name = p->t->tmpls[idx].name;

	if ((idx + 1) * 2 > p->names_cap) {
		uint32_t *old = p->names, oldcap = p->names_cap;
		uint32_t cap = oldcap ? oldcap * 2 : 64;

		p->names = calloc(cap, sizeof(*p->names));
		if (!p->names) {
			p->names = old;
			return -1;
		}
		p->names_cap = cap;
		for (uint32_t i = 0; i < oldcap; i++) {
			if (old[i]) {
				const char *o = p->t->tmpls[old[i] - 1].name;
				*name_slot(p, o, strlen(o)) = old[i];
			}
		}
		free(old);
	}
	*name_slot(p, name, strlen(name)) = idx + 1;
	return 0;
}

/* ---- nodes and blocks ---- */

static uint32_t new_node(struct parser *p, uint32_t col, unsigned kind,
			 uint32_t tmpl, unsigned devfn)
{
	struct topo *t = p->t;
	struct tnode *n;

	if (t->nr_nodes >= TNONE - 1 ||
	    topo_grow((void **)&t->nodes, &t->cap_nodes, t->nr_nodes + 1,
		      sizeof(*t->nodes)))
		return TNONE;
	n = &t->nodes[t->nr_nodes];
	memset(n, 0, sizeof(*n));
	n->line = p->line;
	n->col = col;
	n->kind = (uint8_t)kind;
	n->tmpl = tmpl;
	n->devfn = (uint8_t)devfn;
	n->attr_first = t->nr_attrs;
	n->first_child = n->last_child = n->next = TNONE;
	return t->nr_nodes++;
}

static int push_level(struct parser *p, int32_t indent, uint32_t what,
		      uint32_t idx)
{
	if (topo_grow((void **)&p->lv, &p->cap_lv, p->nr_lv + 1, sizeof(*p->lv)))
		return oom(p);
	p->lv[p->nr_lv++] = (struct level){ indent, -1, what, idx };
	return 0;
}

static void pop_level(struct parser *p)
{
	struct level *l = &p->lv[--p->nr_lv];

	if (l->what == LV_TMPL)
		p->t->tmpls[l->idx].open = false;
}

/* The node whose children a block holds (a template's: its head). */
static uint32_t block_node(struct parser *p, uint32_t what, uint32_t idx)
{
	return what == LV_TMPL ? p->t->tmpls[idx].root : idx;
}

static void link_child(struct parser *p, uint32_t what, uint32_t idx,
		       uint32_t c)
{
	struct topo *t = p->t;
	uint32_t *first, *last;

	if (what == LV_HOST) {
		first = &t->hosts[idx].first_child;
		last = &t->hosts[idx].last_child;
	} else {
		struct tnode *n = &t->nodes[block_node(p, what, idx)];
		first = &n->first_child;
		last = &n->last_child;
	}
	if (*first == TNONE)
		*first = c;
	else
		t->nodes[*last].next = c;
	*last = c;
}

/* Who sits at devfn on a block's bus, templates included; for messages. */
static uint32_t find_devfn(struct parser *p, uint32_t what, uint32_t idx,
			   unsigned devfn)
{
	struct topo *t = p->t;
	uint32_t n, c;

	if (what == LV_HOST) {
		for (c = t->hosts[idx].first_child; c != TNONE; c = t->nodes[c].next)
			if (t->nodes[c].devfn == devfn)
				return c;
		return TNONE;
	}
	for (n = block_node(p, what, idx);;) {
		for (c = t->nodes[n].first_child; c != TNONE; c = t->nodes[c].next)
			if (t->nodes[c].devfn == devfn)
				return c;
		if (!t->nodes[n].tmpl)
			return TNONE;
		n = t->tmpls[t->nodes[n].tmpl - 1].root;
	}
}

/* ---- bus occupancy ---- */

static uint32_t box_new(struct parser *p, uint32_t copy)
{
	if (topo_grow((void **)&p->boxes, &p->cap_boxes, p->nr_boxes + 1,
		      sizeof(*p->boxes)) ||
	    ridbox_init(&p->boxes[p->nr_boxes],
			copy ? &p->boxes[copy - 1] : NULL))
		return 0;
	return ++p->nr_boxes;
}

/*
 * The box of a block's bus, made on first use. An instance's bus starts as
 * a copy of its template's, so its own children are checked against the
 * children every instance inherits.
 */
static uint32_t block_box(struct parser *p, uint32_t what, uint32_t idx)
{
	struct topo *t = p->t;
	uint32_t *box, copy = 0, b;

	if (what == LV_HOST) {
		box = &t->hosts[idx].box;
	} else {
		struct tnode *n = &t->nodes[block_node(p, what, idx)];
		box = &n->box;
		if (n->tmpl)
			copy = t->nodes[t->tmpls[n->tmpl - 1].root].box;
	}
	if (*box)
		return *box;
	b = box_new(p, copy);
	if (what == LV_HOST)
		t->hosts[idx].box = b;
	else
		t->nodes[block_node(p, what, idx)].box = b;
	return b;
}

static const char *rid_str(uint32_t rid, char buf[32])
{
	if (rid < 256)
		snprintf(buf, 32, "%02x.%x", rid >> 3 & 0x1f, rid & 7);
	else
		snprintf(buf, 32, "%02x.%x on bus +%u", rid >> 3 & 0x1f, rid & 7,
			 rid >> 8);
	return buf;
}

/* A function at devfn: nothing may be there yet, function or VF. */
static int box_add_fn(struct parser *p, uint32_t bi, unsigned devfn,
		      uint32_t col, uint32_t what, uint32_t idx)
{
	struct topo *t = p->t;
	struct rid_clash c;
	const struct tnode *o;
	int rc = ridbox_add_fn(&p->boxes[bi - 1], devfn, &c);

	if (rc < 0)
		return oom(p);
	if (!rc)
		return 0;
	if (c.other_is_vf) {
		o = &t->nodes[c.other_pf];
		return fail(p, col, "%02x.%x is the routing ID of VF %u of "
			    "%02x.%x (line %u)", devfn >> 3, devfn & 7,
			    c.other_vf, o->devfn >> 3, o->devfn & 7, o->line);
	}
	idx = find_devfn(p, what, idx, devfn);
	return fail(p, col, "%02x.%x is already used on this bus (line %u)",
		    devfn >> 3, devfn & 7, idx != TNONE ? t->nodes[idx].line : 0);
}

/* A PF's VFs: none may land on a function or on another PF's VF. */
static int box_add_vfs(struct parser *p, uint32_t bi, const struct vfrun *run,
		       uint32_t col, uint32_t what, uint32_t idx)
{
	struct topo *t = p->t;
	struct rid_clash c;
	const struct tnode *o;
	char rid[32];
	int rc = ridbox_add_vfs(&p->boxes[bi - 1], run, &c);

	if (rc < 0)
		return oom(p);
	if (!rc)
		return 0;
	if (c.other_is_vf) {
		o = &t->nodes[c.other_pf];
		return fail(p, col, "VF %u of this function and VF %u of %02x.%x "
			    "(line %u) would both be %s", c.vf, c.other_vf,
			    o->devfn >> 3, o->devfn & 7, o->line,
			    rid_str(c.rid, rid));
	}
	idx = find_devfn(p, what, idx, c.rid);
	return fail(p, col, "VF %u of this function would be %s, which line %u "
		    "already uses", c.vf, rid_str(c.rid, rid),
		    idx != TNONE ? t->nodes[idx].line : 0);
}

/* ---- attributes of one line ---- */

/* Length of the "key" in a "key=value" token. */
static size_t key_len(const struct tok *k)
{
	const char *eq = memchr(k->s, '=', k->n);

	return eq ? (size_t)(eq - k->s) : k->n;
}

static int parse_attrs(struct parser *p, uint32_t first, unsigned kind,
		       uint32_t node, struct teff *e)
{
	struct topo *t = p->t;

	memset(p->keycol, 0, sizeof(p->keycol));
	p->nr_raws = 0;
	for (uint32_t i = first; i < p->nr_toks; i++) {
		const struct tok *k = &p->toks[i];
		struct tattr a;
		uint32_t off;

		if (topo_attr_parse(t, k->s, k->n, kind, &a, p->err->msg,
				    sizeof(p->err->msg), &off)) {
			p->err->line = (int)p->line;
			p->err->col = (int)(k->col + off);
			return -1;
		}
		if (a.key != TK_RAW && p->keycol[a.key]) {
			const struct tok *o = &p->toks[p->keytok[a.key]];
			size_t ol = key_len(o), kl = key_len(k);

			if (ol == kl && !memcmp(o->s, k->s, kl))
				return fail(p, k->col, "duplicate attribute '%.*s' "
					    "(also at column %u)", (int)kl, k->s,
					    p->keycol[a.key]);
			return fail(p, k->col, "'%.*s' contradicts '%.*s' at "
				    "column %u", (int)kl, k->s, (int)ol, o->s,
				    p->keycol[a.key]);
		}
		p->keycol[a.key] = k->col;
		p->keytok[a.key] = i;
		p->keyoff[a.key] = topo_attr_is_flag_off(&a);
		if (topo_grow((void **)&t->attrs, &t->cap_attrs, t->nr_attrs + 1,
			      sizeof(*t->attrs)))
			return oom(p);
		t->attrs[t->nr_attrs] = a;
		if (a.key == TK_RAW) {
			if (topo_grow((void **)&p->raws, &p->cap_raws,
				      p->nr_raws + 1, sizeof(*p->raws)) ||
			    topo_grow((void **)&p->rawcols, &p->cap_rawcols,
				      p->nr_raws + 1, sizeof(*p->rawcols)))
				return oom(p);
			p->raws[p->nr_raws] = t->nr_attrs;
			p->rawcols[p->nr_raws++] = k->col;
		}
		t->nr_attrs++;
		t->nodes[node].nr_attrs++;
		topo_attr_apply(&e->d, &a);
		topo_eff_mark(e, &a);
		e->set |= TK_BIT(a.key);
	}
	/* "no-io io32": a width for a window the line also removes. */
	static const uint8_t pairs[][2] = {
		{ TK_IO_WINDOW, TK_IO_WIDTH }, { TK_PREF_WINDOW, TK_PREF_WIDTH },
	};
	for (size_t i = 0; i < 2; i++) {
		unsigned w = pairs[i][0], x = pairs[i][1];
		if (p->keycol[w] && p->keycol[x] && p->keyoff[w]) {
			const struct tok *a = &p->toks[p->keytok[w]];
			const struct tok *b = &p->toks[p->keytok[x]];
			const struct tok *late = a->col > b->col ? a : b;
			const struct tok *early = late == a ? b : a;
			return fail(p, late->col, "'%.*s' contradicts '%.*s'",
				    TOKF(late), TOKF(early));
		}
	}
	return 0;
}

static int check_bars(struct parser *p, const struct mbar_desc *bar,
		      unsigned nr, unsigned key0, const char *what,
		      uint32_t kcol)
{
	for (unsigned i = 0; i < nr; i++) {
		uint32_t col = p->keycol[key0 + i] ? p->keycol[key0 + i] : kcol;

		if (bar[i].kind != MBAR_MEM64)
			continue;
		if (i + 1 >= nr)
			return fail(p, col, "%s%u cannot be 64-bit: its upper half "
				    "would be %s%u, and there is none", what, i,
				    what, i + 1);
		if (bar[i + 1].kind != MBAR_NONE) {
			if (p->keycol[key0 + i + 1])
				return fail(p, p->keycol[key0 + i + 1], "%s%u is the "
					    "upper half of 64-bit %s%u", what,
					    i + 1, what, i);
			return fail(p, col, "%s%u is 64-bit, but its upper half "
				    "%s%u is set by the template (use %s%u=none)",
				    what, i, what, i + 1, what, i + 1);
		}
		i++;
	}
	return 0;
}

static int check_raws(struct parser *p, const struct teff *e)
{
	const struct tattr *at = p->t->attrs;

	for (uint32_t j = 0; j < p->nr_raws; j++) {
		const struct tattr *a = &at[p->raws[j]];

		for (uint32_t i = 0; i < e->nr_raw + j; i++) {
			const struct tattr *b = &at[i < e->nr_raw ? e->raw[i] :
						    p->raws[i - e->nr_raw]];
			if (a->a < b->a + b->b && b->a < a->a + a->b)
				return fail(p, p->rawcols[j], "raw bytes 0x%x-0x%x "
					    "overlap raw bytes 0x%x-0x%x", a->a,
					    a->a + a->b - 1, b->a, b->a + b->b - 1);
		}
	}
	return 0;
}

/*
 * What one line means once merged over its template and the kind's
 * defaults. A template's head may leave things out (its instances fill
 * them in): complete is false for it.
 */
static int check_eff(struct parser *p, const struct teff *e, unsigned kind,
		     bool complete, uint32_t kcol)
{
	static const uint8_t vfkeys[] = {
		TK_VF_OFFSET, TK_VF_STRIDE, TK_VF_DEVICE, TK_VFBAR0, TK_VFBAR0 + 1,
		TK_VFBAR0 + 2, TK_VFBAR0 + 3, TK_VFBAR0 + 4, TK_VFBAR0 + 5,
	};
	const struct mfunc_desc *d = &e->d;
	uint32_t scol = p->keycol[TK_SRIOV] ? p->keycol[TK_SRIOV] : kcol;
	char kb[16];

	if (check_bars(p, d->bar, topo_kind_is_bridge(kind) ? 2 : 6, TK_BAR0,
		       "bar", kcol) ||
	    check_bars(p, d->vf_bar, MACHINE_MAX_BARS, TK_VFBAR0, "vfbar", kcol) ||
	    check_raws(p, e))
		return -1;
	if (!complete)
		return 0;
	for (size_t i = 0; i < sizeof(vfkeys); i++)
		if (p->keycol[vfkeys[i]] && !d->total_vfs)
			return fail(p, p->keycol[vfkeys[i]], "'%s' needs sriov=N",
				    topo_key_name(vfkeys[i], kb));
	if (!(e->set & TK_BIT(TK_ID)))
		return fail(p, kcol, "missing id=VVVV:DDDD");
	if (!(e->set & TK_BIT(TK_CLASS)))
		return fail(p, kcol, "missing class=CCSSPP (%s %s has no default "
			    "class)", article(topo_kind_name(kind)),
			    topo_kind_name(kind));
	if (d->total_vfs) {
		if (!(e->set & TK_BIT(TK_VF_OFFSET)))
			return fail(p, scol, "sriov needs vf-offset=N (First VF "
				    "Offset)");
		if (!(e->set & TK_BIT(TK_VF_STRIDE)))
			return fail(p, scol, "sriov needs vf-stride=N (VF Stride)");
		if (!d->vf_stride && d->total_vfs > 1)
			return fail(p, p->keycol[TK_VF_STRIDE] ?
				    p->keycol[TK_VF_STRIDE] : scol,
				    "vf-stride=0 puts all %u VFs on one routing "
				    "ID", d->total_vfs);
	}
	if (d->hotplug && !d->slot)
		return fail(p, p->keycol[TK_HOTPLUG] ? p->keycol[TK_HOTPLUG] : kcol,
			    "hotplug needs a slot: add slot=N");
	return 0;
}

/* Start a line's meaning from its template, or from the kind's defaults. */
static void eff_start(struct parser *p, struct teff *e, unsigned kind,
		      uint32_t tmpl)
{
	if (tmpl)
		*e = p->t->tmpls[tmpl - 1].eff;	/* raw list shared, read only */
	else
		topo_eff_init(e, kind);
}

/* ---- lines ---- */

static uint32_t allowed_below(unsigned pkind)
{
	switch (pkind) {
	case ROOT_BUS:
		return TK_KIND_BIT(MF_RCIEP) | TK_KIND_BIT(MF_PCI_DEVICE) |
		       TK_KIND_BIT(MF_HOST_BRIDGE) | TK_KIND_BIT(MF_ROOT_PORT) |
		       TK_KIND_BIT(MF_PCIE_TO_PCI) | TK_KIND_BIT(MF_PCI_BRIDGE) |
		       TK_KIND_BIT(MF_CARDBUS_BRIDGE);
	case MF_ROOT_PORT:
	case MF_SWITCH_DOWN:
		return TK_KIND_BIT(MF_ENDPOINT) | TK_KIND_BIT(MF_LEGACY_ENDPOINT) |
		       TK_KIND_BIT(MF_SWITCH_UP) | TK_KIND_BIT(MF_PCIE_TO_PCI);
	case MF_SWITCH_UP:
		return TK_KIND_BIT(MF_SWITCH_DOWN);
	case MF_PCIE_TO_PCI:
	case MF_PCI_BRIDGE:
		return TK_KIND_BIT(MF_PCI_DEVICE) | TK_KIND_BIT(MF_PCI_BRIDGE) |
		       TK_KIND_BIT(MF_CARDBUS_BRIDGE);
	}
	return 0;
}

static bool parse_devfn(const struct tok *k, unsigned *devfn)
{
	uint64_t dev;

	if (k->n != 4 || k->s[2] != '.' || k->s[3] < '0' || k->s[3] > '7' ||
	    !topo_parse_hex(k->s, 2, 2, 2, &dev) || dev > 0x1f)
		return false;
	*devfn = (unsigned)(dev << 3) | (unsigned)(k->s[3] - '0');
	return true;
}

/* KIND token: a kind name, or a template defined (and closed) above. */
static int parse_kind(struct parser *p, const struct tok *k, unsigned *kind,
		      uint32_t *tmpl)
{
	struct topo *t = p->t;
	int kk = topo_kind_lookup(k->s, k->n), ti;
	char kinds[200];

	*tmpl = 0;
	if (kk >= 0) {
		*kind = (unsigned)kk;
		return 0;
	}
	ti = tmpl_lookup(p, k->s, k->n);
	if (ti < 0) {
		topo_kind_list(~0u, kinds, sizeof(kinds));
		return fail(p, k->col, "unknown kind or template '%.*s' (kinds: "
			    "%s; templates must be defined above their use)",
			    TOKF(k), kinds);
	}
	if (t->tmpls[ti].open)
		return fail(p, k->col, "template '%.*s' used inside its own "
			    "definition", TOKF(k));
	*tmpl = (uint32_t)ti + 1;
	*kind = t->nodes[t->tmpls[ti].root].kind;
	return 0;
}

void topo_host_default_windows(struct thost *h)
{
	h->windows = 1u << MW_IO | 1u << MW_MEM | 1u << MW_MEM64;
	h->win[MW_IO][0] = TOPO_DEF_IO_START;
	h->win[MW_IO][1] = TOPO_DEF_IO_END;
	h->win[MW_MEM][0] = TOPO_DEF_MEM_START;
	h->win[MW_MEM][1] = TOPO_DEF_MEM_END;
	h->win[MW_MEM64][0] = TOPO_DEF_MEM64_START;
	h->win[MW_MEM64][1] = TOPO_DEF_MEM64_END;
	for (int w = 0; w < TH_NR_WIN; w++)
		h->wcol[w] = h->col;
}

static int new_implicit_host(struct parser *p)
{
	struct topo *t = p->t;
	struct thost *h;

	if (topo_grow((void **)&t->hosts, &t->cap_hosts, 1, sizeof(*t->hosts)))
		return oom(p);
	h = &t->hosts[t->nr_hosts++];
	memset(h, 0, sizeof(*h));
	h->line = p->line;
	h->col = 1;
	h->bus_end = 0xff;
	h->implicit = true;
	topo_host_default_windows(h);
	h->first_child = h->last_child = TNONE;
	return 0;
}

/* "DD.F KIND attributes...": one function at a slot of its parent's bus. */
static int do_function(struct parser *p, int32_t indent)
{
	struct topo *t = p->t;
	const struct level *top = &p->lv[p->nr_lv - 1];
	uint32_t pwhat = top->what, pidx = top->idx, tmpl, node, bi;
	const struct tok *k0 = &p->toks[0], *k1 = &p->toks[1];
	unsigned devfn, kind, pkind;
	struct teff e;
	char list[200];

	if (pwhat == LV_ROOT) {
		if (p->explicit_hosts)
			return fail(p, k0->col, "function at column 1 in a file "
				    "with host lines: indent it under its host");
		if (!t->nr_hosts && new_implicit_host(p))
			return -1;
		pwhat = LV_HOST;
		pidx = 0;
	}
	if (!parse_devfn(k0, &devfn))
		return fail(p, k0->col, "expected DD.F (device 00-1f, function "
			    "0-7), 'host' or 'template', got '%.*s'", TOKF(k0));
	if (p->nr_toks < 2)
		return fail(p, k0->col + k0->n + 1, "missing kind after %.*s "
			    "(endpoint, root-port, ... or a template name)",
			    TOKF(k0));
	if (parse_kind(p, k1, &kind, &tmpl))
		return -1;

	if (pwhat == LV_HOST) {
		pkind = ROOT_BUS;
	} else {
		const struct tnode *pn = &t->nodes[block_node(p, pwhat, pidx)];
		pkind = pn->kind;
		if (!topo_kind_is_bridge(pkind))
			return fail(p, k0->col, "nothing can sit below the %s at "
				    "line %u: it is not a bridge",
				    topo_kind_name(pkind), pn->line);
	}
	if (!(allowed_below(pkind) & TK_KIND_BIT(kind))) {
		topo_kind_list(allowed_below(pkind), list, sizeof(list));
		return fail(p, k1->col, "%s %s cannot sit %s (allowed there: %s)",
			    article(topo_kind_name(kind)), topo_kind_name(kind),
			    pkind == ROOT_BUS ?
			    "on a host's root bus" : pkind == MF_SWITCH_UP ?
			    "below a switch-up" : pkind == MF_ROOT_PORT ?
			    "below a root-port" : pkind == MF_SWITCH_DOWN ?
			    "below a switch-down" : "below a PCI bridge", list);
	}

	node = new_node(p, k0->col, kind, tmpl, devfn);
	if (node == TNONE)
		return oom(p);
	eff_start(p, &e, kind, tmpl);
	if (parse_attrs(p, 2, kind, node, &e) ||
	    check_eff(p, &e, kind, true, k1->col))
		return -1;

	/* A PCIe link carries one device; more functions only through ARI. */
	if ((pkind == MF_ROOT_PORT || pkind == MF_SWITCH_DOWN) && devfn >> 3 &&
	    !e.d.ari)
		return fail(p, k0->col, "below a %s only device 00 answers (a "
			    "link carries one device): use 00.F, or ari on "
			    "every function for more than 8",
			    topo_kind_name(pkind));

	bi = block_box(p, pwhat, pidx);
	if (!bi)
		return oom(p);
	if (box_add_fn(p, bi, devfn, k0->col, pwhat, pidx))
		return -1;
	if (e.d.total_vfs) {
		uint32_t col = p->keycol[TK_SRIOV] ? p->keycol[TK_SRIOV] : k1->col;
		uint64_t first = devfn + (uint64_t)e.d.vf_offset;
		uint64_t last = first + (uint64_t)(e.d.total_vfs - 1) * e.d.vf_stride;
		struct vfrun run = { (uint32_t)first, e.d.vf_stride,
				     e.d.total_vfs, (uint32_t)last, node };
		char rid[32];

		if (last > 0xffff)
			return fail(p, col, "VF %u would be %s: past bus 255",
				    e.d.total_vfs - 1, rid_str((uint32_t)last, rid));
		if (box_add_vfs(p, bi, &run, col, pwhat, pidx))
			return -1;
		/* What the kernel reserves after the PF's bus for them. */
		t->nodes[node].vf_buses = (uint8_t)(last >> 8);
	}
	link_child(p, pwhat, pidx, node);
	if (pwhat == LV_TMPL)
		t->tmpls[pidx].has_children = true;
	return push_level(p, indent, LV_NODE, node);
}

static bool valid_name(const struct tok *k)
{
	char c = k->s[0];

	if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
		return false;
	for (uint32_t i = 1; i < k->n; i++) {
		c = k->s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		      c == '-' || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/* "template NAME KIND attributes...", children below it. */
static int do_template(struct parser *p)
{
	struct topo *t = p->t;
	const struct tok *kn = &p->toks[1], *kk = &p->toks[2];
	struct ttemplate *tp;
	uint32_t base, node, idx;
	unsigned kind;
	struct teff e;
	size_t nr_raw;

	if (p->nr_toks < 2)
		return fail(p, p->toks[0].col + 9, "expected template NAME KIND "
			    "[attributes]");
	if (!valid_name(kn))
		return fail(p, kn->col, "bad template name '%.*s': use letters, "
			    "digits, '-' and '_', starting with a letter",
			    TOKF(kn));
	if (topo_kind_lookup(kn->s, kn->n) >= 0 || tok_is(kn, "host") ||
	    tok_is(kn, "template"))
		return fail(p, kn->col, "'%.*s' is a kind or keyword, not a free "
			    "template name", TOKF(kn));
	if (tmpl_lookup(p, kn->s, kn->n) >= 0)
		return fail(p, kn->col, "template '%.*s' is already defined "
			    "(line %u)", TOKF(kn),
			    t->nodes[t->tmpls[tmpl_lookup(p, kn->s, kn->n)].root].line);
	if (p->nr_toks < 3)
		return fail(p, kn->col + kn->n + 1, "template %.*s needs a kind "
			    "(endpoint, root-port, ... or another template)",
			    TOKF(kn));
	if (kk->n == kn->n && !memcmp(kk->s, kn->s, kn->n))
		return fail(p, kk->col, "a template cannot be based on itself");
	if (parse_kind(p, kk, &kind, &base))
		return -1;

	node = new_node(p, kn->col, kind, base, 0);
	if (node == TNONE)
		return oom(p);
	eff_start(p, &e, kind, base);
	if (parse_attrs(p, 3, kind, node, &e) ||
	    check_eff(p, &e, kind, false, kk->col))
		return -1;

	if (topo_grow((void **)&t->tmpls, &t->cap_tmpls, t->nr_tmpls + 1,
		      sizeof(*t->tmpls)))
		return oom(p);
	idx = t->nr_tmpls;
	tp = &t->tmpls[idx];
	memset(tp, 0, sizeof(*tp));
	tp->root = node;
	tp->eff = e;
	/* Own the raw list: the base's entries, then this line's. */
	nr_raw = e.nr_raw + p->nr_raws;
	tp->eff.raw = NULL;
	tp->eff.nr_raw = 0;
	tp->name = malloc(kn->n + 1);
	if (!tp->name || (nr_raw && !(tp->eff.raw = malloc(nr_raw * sizeof(uint32_t)))))
		goto nomem;
	t->nr_tmpls++;
	memcpy(tp->name, kn->s, kn->n);
	tp->name[kn->n] = '\0';
	if (e.nr_raw)
		memcpy(tp->eff.raw, e.raw, e.nr_raw * sizeof(uint32_t));
	if (p->nr_raws)
		memcpy(tp->eff.raw + e.nr_raw, p->raws, p->nr_raws * sizeof(uint32_t));
	tp->eff.nr_raw = (uint32_t)nr_raw;
	tp->open = true;
	if (base) {
		tp->has_children = t->tmpls[base - 1].has_children;
		if (t->nodes[t->tmpls[base - 1].root].box) {
			uint32_t b = box_new(p, t->nodes[t->tmpls[base - 1].root].box);
			if (!b)
				return oom(p);
			t->nodes[node].box = b;
		}
	}
	if (tmpl_register(p, idx))
		return oom(p);
	return push_level(p, 0, LV_TMPL, idx);
nomem:
	free(tp->name);
	tp->name = NULL;
	return oom(p);
}

/* "START-END" with numbers in decimal or 0x-hex. */
static bool parse_range(const char *s, size_t n, bool hex, uint64_t *a,
			uint64_t *b)
{
	const char *dash = memchr(s, '-', n);

	if (!dash)
		return false;
	if (hex)
		return topo_parse_hex(s, (size_t)(dash - s), 1, 2, a) &&
		       topo_parse_hex(dash + 1, n - (size_t)(dash - s) - 1, 1, 2, b);
	return topo_parse_uint(s, (size_t)(dash - s), a) &&
	       topo_parse_uint(dash + 1, n - (size_t)(dash - s) - 1, b);
}

/*
 * "host [domain=HHHH] [bus=SS-EE] [io=A-B] [mem=A-B] [mem64=A-B] [pref=A-B]
 *  [keep-buses] [preserve-config]"
 */
static int do_host(struct parser *p)
{
	/* Window keys map to enum mwindow_kind; -1, -2: domain, bus; -3, -4: flags. */
	static const struct { const char *name; int win; } keys[] = {
		{ "domain", -1 }, { "bus", -2 }, { "io", MW_IO },
		{ "mem", MW_MEM }, { "mem64", MW_MEM64 }, { "pref", MW_PREF },
		{ "keep-buses", -3 }, { "preserve-config", -4 },
	};
	struct topo *t = p->t;
	struct thost *h;
	uint32_t dcol = p->toks[0].col, bcol = 0;
	uint64_t a, b;

	if (t->nr_hosts && t->hosts[0].implicit)
		return fail(p, p->toks[0].col, "host line after functions at "
			    "column 1 (those went to a default host): indent "
			    "them under a host line");
	p->explicit_hosts = true;
	if (t->nr_hosts >= 65536 ||
	    topo_grow((void **)&t->hosts, &t->cap_hosts, t->nr_hosts + 1,
		      sizeof(*t->hosts)))
		return oom(p);
	h = &t->hosts[t->nr_hosts];
	memset(h, 0, sizeof(*h));
	h->line = p->line;
	h->col = p->toks[0].col;
	h->bus_end = 0xff;
	h->first_child = h->last_child = TNONE;

	for (uint32_t i = 1; i < p->nr_toks; i++) {
		const struct tok *k = &p->toks[i];
		const char *eq = memchr(k->s, '=', k->n);
		const char *v = eq ? eq + 1 : k->s + k->n;
		size_t kl = eq ? (size_t)(eq - k->s) : k->n;
		size_t vl = eq ? k->n - kl - 1 : 0;
		uint32_t vcol = k->col + (uint32_t)kl + 1;
		const char *name;
		int key = -1, w;

		for (int j = 0; j < (int)(sizeof(keys) / sizeof(keys[0])); j++)
			if (strlen(keys[j].name) == kl &&
			    !memcmp(keys[j].name, k->s, kl))
				key = j;
		if (key < 0)
			return fail(p, k->col, "unknown host attribute '%.*s' "
				    "(domain=, bus=, io=, mem=, mem64=, pref=, "
				    "keep-buses, preserve-config)", (int)kl, k->s);
		name = keys[key].name;
		w = keys[key].win;
		if (w == -3 || w == -4) {
			uint8_t flag = w == -3 ? TH_KEEP_BUSES : TH_PRESERVE_CONFIG;

			if (eq)
				return fail(p, k->col + (uint32_t)kl,
					    "'%s' is a flag and takes no value",
					    name);
			if (h->given & flag)
				goto dup;
			h->given |= flag;
			continue;
		}
		if (!eq)
			return fail(p, k->col + (uint32_t)kl, "'%s' needs a value",
				    name);
		if (w == -1) {
			if (h->given & TH_DOMAIN)
				goto dup;
			h->given |= TH_DOMAIN;
			if (!topo_parse_hex(v, vl, 1, 4, &a))
				return fail(p, vcol, "expected domain=HHHH (hex, "
					    "0000-ffff), got '%.*s'", (int)vl, v);
			h->domain = (uint16_t)a;
			dcol = k->col;
			continue;
		}
		if (w == -2) {
			if (h->given & TH_BUS)
				goto dup;
			h->given |= TH_BUS;
			if (!parse_range(v, vl, true, &a, &b) || a > b)
				return fail(p, vcol, "expected bus=SS-EE (hex, "
					    "start <= end), got '%.*s'", (int)vl, v);
			h->bus_start = (uint8_t)a;
			h->bus_end = (uint8_t)b;
			bcol = k->col;
			continue;
		}
		if (h->windows & (1u << w))
			goto dup;
		if (!parse_range(v, vl, false, &a, &b))
			return fail(p, vcol, "expected %s=START-END (decimal or "
				    "0x-hex), got '%.*s'", name, (int)vl, v);
		if (a > b)
			return fail(p, vcol, "%s window ends before it starts",
				    name);
		if ((w == MW_IO || w == MW_MEM) && b > 0xffffffffu)
			return fail(p, vcol, "%s window must end below 4G%s", name,
				    w == MW_MEM ? " (64-bit space goes in mem64= "
				    "or pref=)" : "");
		h->given |= TH_WINDOWS;
		h->windows |= (uint8_t)(1u << w);
		h->win[w][0] = a;
		h->win[w][1] = b;
		h->wcol[w] = k->col;
		continue;
dup:
		return fail(p, k->col, "duplicate host attribute '%s'", name);
	}
	/* No window written: QEMU virt's. Some written: exactly those. */
	if (!h->windows)
		topo_host_default_windows(h);
	if (!p->domains && !(p->domains = calloc(65536, sizeof(*p->domains))))
		return oom(p);
	/*
	 * A domain may have several host bridges (x86 servers' uncore root
	 * buses sit beside bus 00), each with a bus range of its own: a
	 * config cycle goes to the one whose range holds its bus.
	 */
	if (topo_grow((void **)&p->dom_prev, &p->cap_dom_prev, t->nr_hosts + 1,
		      sizeof(*p->dom_prev)))
		return oom(p);
	p->dom_prev[t->nr_hosts] = p->domains[h->domain];
	/* the domain's hosts only (at most 256: their bus ranges are apart) */
	for (uint32_t i = p->domains[h->domain]; i; i = p->dom_prev[i - 1]) {
		const struct thost *o = &t->hosts[i - 1];

		if (o->bus_end < h->bus_start || h->bus_end < o->bus_start)
			continue;
		return fail(p, bcol ? bcol : dcol, "domain %04x is already defined (line %u) with bus=%02x-%02x, which bus=%02x-%02x here overlaps (hosts of one domain need bus ranges apart)",
			    h->domain, o->line, o->bus_start, o->bus_end,
			    h->bus_start, h->bus_end);
	}
	p->domains[h->domain] = ++t->nr_hosts;
	return push_level(p, 0, LV_HOST, t->nr_hosts - 1);
}

static int do_line(struct parser *p, const char *s, size_t n)
{
	size_t i = 0, tab = 0;
	int32_t indent;
	const struct tok *k0;
	const struct level *top;
	bool host, tmpl;

	while (i < n && (s[i] == ' ' || s[i] == '\t')) {
		if (s[i] == '\t' && !tab)
			tab = i + 1;
		i++;
	}
	if (i == n || s[i] == '#')
		return 0;		/* blank or comment: no effect on nesting */
	if (tab)
		return fail(p, (uint32_t)tab, "tab in indentation: indent with "
			    "spaces (a tab has no agreed width)");
	if (i > 100000)
		return fail(p, 1, "indentation too deep");
	indent = (int32_t)i;
	p->nr_toks = 0;
	while (i < n) {
		size_t st;

		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		for (st = i; i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '#'; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
				return fail(p, (uint32_t)i + 1, "control character "
					    "0x%02x in text", (unsigned char)s[i]);
		if (i > UINT32_MAX - 2)
			return fail(p, 1, "line too long");
		if (topo_grow((void **)&p->toks, &p->cap_toks, p->nr_toks + 1,
			      sizeof(*p->toks)))
			return oom(p);
		p->toks[p->nr_toks++] = (struct tok){ s + st, (uint32_t)(i - st),
						      (uint32_t)st + 1 };
	}

	k0 = &p->toks[0];
	host = tok_is(k0, "host");
	tmpl = tok_is(k0, "template");
	if ((host || tmpl) && indent)
		return fail(p, k0->col, "'%.*s' lines start in column 1",
			    TOKF(k0));
	while (p->lv[p->nr_lv - 1].indent >= indent)
		pop_level(p);
	top = &p->lv[p->nr_lv - 1];
	if (top->what == LV_ROOT && indent)
		return fail(p, k0->col, "unexpected indentation: nothing above "
			    "to nest this line under");
	if (top->child_indent < 0)
		p->lv[p->nr_lv - 1].child_indent = indent;
	else if (top->child_indent != indent)
		return fail(p, k0->col, "indentation of %d spaces does not line "
			    "up with the lines above (%d spaces)", indent,
			    top->child_indent);
	if (host)
		return do_host(p);
	if (tmpl)
		return do_template(p);
	return do_function(p, indent);
}

/* ---- whole file ---- */

struct span {
	uint64_t start, end;
	uint32_t host;
	uint8_t kind;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	int sx = x->kind == MW_IO, sy = y->kind == MW_IO;

	if (sx != sy)
		return sx - sy;
	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * A file with no function under any host (empty, comments only, templates
 * or hosts only) describes a machine with nothing to enumerate: refused,
 * not taken for one.
 */
static int check_not_empty(struct parser *p)
{
	const struct thost *h = NULL;

	for (uint32_t i = 0; i < p->t->nr_hosts; i++) {
		if (p->t->hosts[i].first_child != TNONE)
			return 0;
		if (!p->t->hosts[i].implicit && !h)
			h = &p->t->hosts[i];
	}
	/* at the first host line, else the file's first line (if any) */
	p->line = h ? h->line : p->line ? 1 : 0;
	return fail(p, h ? h->col : p->line, "no function under any host: "
		    "a machine with nothing to enumerate");
}

/*
 * CPU address == bus address here, so two windows that overlap would have
 * two host bridges decode one address (and mem vs pref within one host
 * too). Sorted sweep: O(h log h).
 */
static int check_windows(struct parser *p)
{
	static const char *const wname[] = { "io", "mem", "pref", "mem64" };
	struct topo *t = p->t;
	struct span *s = malloc((size_t)t->nr_hosts * TH_NR_WIN * sizeof(*s) + 1);
	uint32_t n = 0, owner = 0;
	uint64_t maxend = 0;
	int rc = 0;

	if (!s)
		return oom(p);
	for (uint32_t h = 0; h < t->nr_hosts; h++)
		for (uint8_t w = 0; w < TH_NR_WIN; w++)
			if (t->hosts[h].windows & (1u << w))
				s[n++] = (struct span){ t->hosts[h].win[w][0],
							t->hosts[h].win[w][1], h, w };
	qsort(s, n, sizeof(*s), span_cmp);
	for (uint32_t i = 0; i < n && !rc; i++) {
		bool io = s[i].kind == MW_IO;
		if (i && io == (s[owner].kind == MW_IO) && s[i].start <= maxend) {
			const struct span *a = &s[owner], *b = &s[i];
			const struct thost *ha = &t->hosts[a->host];
			const struct thost *hb = &t->hosts[b->host];
			if (ha->line > hb->line) {
				const struct span *x = a; a = b; b = x;
				const struct thost *y = ha; ha = hb; hb = y;
			}
			p->line = hb->line;
			rc = fail(p, hb->wcol[b->kind], "%s window 0x%" PRIx64
				  "-0x%" PRIx64 " overlaps the %s window 0x%" PRIx64
				  "-0x%" PRIx64 " of the host at line %u", wname[b->kind],
				  b->start, b->end, wname[a->kind], a->start, a->end,
				  ha->line);
		}
		if (!i || io != (s[owner].kind == MW_IO) || s[i].end > maxend) {
			maxend = s[i].end;
			owner = i;
		}
	}
	free(s);
	return rc;
}

static void parser_free(struct parser *p)
{
	for (uint32_t i = 0; i < p->nr_boxes; i++)
		ridbox_release(&p->boxes[i]);
	free(p->boxes);
	free(p->toks);
	free(p->lv);
	free(p->names);
	free(p->domains);
	free(p->dom_prev);
	free(p->raws);
	free(p->rawcols);
}

struct topo *topo_parse_string(const char *name, const char *text,
			       size_t len, struct topo_error *err)
{
	struct topo_error dummy;
	struct parser p;
	struct topo *t;
	size_t pos = 0;
	int rc = 0;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	memset(&p, 0, sizeof(p));
	t = calloc(1, sizeof(*t));
	if (!t || !(t->name = malloc(strlen(name) + 1))) {
		free(t);
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return NULL;
	}
	strcpy(t->name, name);
	p.t = t;
	p.err = err;
	rc = push_level(&p, -1, LV_ROOT, 0);
	if (!rc)
		p.lv[0].child_indent = 0;
	/* Editors that write a UTF-8 byte order mark show nothing there. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len && !rc) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + 1;
		if (n && s[n - 1] == '\r')
			n--;
		if (p.line == UINT32_MAX - 1) {
			rc = fail(&p, 1, "too many lines");
			break;
		}
		p.line++;
		rc = do_line(&p, s, n);
	}
	while (!rc && p.nr_lv > 1)
		pop_level(&p);
	if (!rc)
		rc = check_windows(&p);
	if (!rc)
		rc = check_not_empty(&p);
	/* before the bus walk, whose work grows with the expanded tree */
	if (!rc)
		rc = topo_check_functions(t, err);
	if (!rc)
		rc = topo_check_buses(t, err);
	parser_free(&p);
	if (rc) {
		topo_free(t);
		return NULL;
	}
	return t;
}

struct topo *topo_parse_file(const char *path, struct topo_error *err)
{
	struct topo_error dummy;
	struct topo *t;
	size_t len = 0, cap = 1 << 16;
	char *buf = NULL, *nb;
	struct stat st;
	FILE *f;

	if (!err)
		err = &dummy;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	f = fopen(path, "rb");
	if (!f) {
		snprintf(err->msg, sizeof(err->msg), "cannot open: %s",
			 strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st)) {
		snprintf(err->msg, sizeof(err->msg), "cannot stat: %s",
			 strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err->msg, sizeof(err->msg),
			 "a directory, not a topology file");
		goto out;
	}
	/* A file: read it at once. A pipe or device: grow, up to the limit. */
	if (S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < TOPO_MAX_FILE_BYTES)
		cap = (size_t)st.st_size + 1;
	for (;;) {
		nb = realloc(buf, cap);
		if (!nb) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			goto out;
		}
		buf = nb;
		len += fread(buf + len, 1, cap - len, f);
		if (len < cap)
			break;
		if (len > TOPO_MAX_FILE_BYTES) {
			snprintf(err->msg, sizeof(err->msg),
				 "longer than %u MiB, the limit of a topology file "
				 "(an endless stream such as /dev/zero?)",
				 TOPO_MAX_FILE_BYTES >> 20);
			goto out;
		}
		/* one byte past the limit tells a longer file from one at it */
		cap = cap * 2 > TOPO_MAX_FILE_BYTES ? TOPO_MAX_FILE_BYTES + 1 : cap * 2;
	}
	if (ferror(f)) {
		snprintf(err->msg, sizeof(err->msg), "read error: %s",
			 strerror(errno));
		goto out;
	}
	fclose(f);
	t = topo_parse_string(path, buf, len, err);
	free(buf);
	return t;
out:
	fclose(f);
	free(buf);
	return NULL;
}

void topo_free(struct topo *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->nr_tmpls; i++) {
		free(t->tmpls[i].name);
		free(t->tmpls[i].eff.raw);
	}
	free(t->tmpls);
	free(t->name);
	free(t->nodes);
	free(t->attrs);
	free(t->bytes);
	free(t->hosts);
	free(t);
}

void topo_error_print(const struct topo_error *err, FILE *out)
{
	if (err->line > 0)
		fprintf(out, "%s:%d:%d: error: %s\n", err->file, err->line,
			err->col, err->msg);
	else
		fprintf(out, "%s: error: %s\n", err->file, err->msg);
}
