// SPDX-License-Identifier: GPL-2.0
/*
 * BAR sizes a capture did not carry, guessed from what the capture shows.
 *
 * A BAR of size S is aligned to S, so the address's alignment bounds the
 * size from above; so does the room up to the next resource in the same
 * address space (any BAR, ROM, VF BAR or bridge window start above it) and
 * the end of the bridge window it sits in. Those bounds are often far
 * above the truth: a 16K BAR alone in a 2M bridge window is "at most 2M"
 * (128x too big), a 4K one at a 1M boundary "at most 1M". Only one bound
 * is usually tight: Linux and firmware place a bus's BARs one after the
 * other, biggest first, so where the next resource is another BAR (or
 * ROM), the room up to it is the size. Otherwise the guess is the least
 * the capture proves (the MSI-X table and PBA lie inside their BAR), or
 * else what such a BAR usually is for the device's class, within the
 * bounds. Each guess is a warning naming the BAR, its bounds and which of
 * them it took, so nobody mistakes it for data.
 */
#include <stdlib.h>

#include "pcicfg.h"

#define GUESS_UNBOUNDED_MAX	(UINT64_C(16) << 20)	/* nothing follows */

/* What a resource start above a BAR is. */
enum next_kind { NEXT_NONE, NEXT_BAR, NEXT_WINDOW, NEXT_WINDOW_END };

struct rstart {
	uint64_t a;
	bool bar;			/* a BAR, ROM or VF BAR; else a window */
};

struct spaces {
	struct rstart *start[2];	/* [0] I/O, [1] memory: sorted */
	size_t n[2];
	uint64_t (*win[2])[2];		/* bridge windows */
	size_t nwin[2];
};

static int cmp_start(const void *a, const void *b)
{
	const struct rstart *x = a, *y = b;

	return x->a < y->a ? -1 : x->a > y->a;
}

static void add_start(struct spaces *s, int sp, uint64_t a, bool bar)
{
	if (a)
		s->start[sp][s->n[sp]++] = (struct rstart){ a, bar };
}

static void add_window(struct spaces *s, int sp, const uint64_t w[2])
{
	if (w[0] > w[1])
		return;
	s->win[sp][s->nwin[sp]][0] = w[0];
	s->win[sp][s->nwin[sp]][1] = w[1];
	s->nwin[sp]++;
	add_start(s, sp, w[0], false);
}

static int collect(struct spaces *s, const struct pcifn *fns, size_t n)
{
	/* per function: 6 BARs, ROM, 6 VF BARs, 3 windows */
	for (int sp = 0; sp < 2; sp++) {
		s->start[sp] = calloc(n * 16 + 1, sizeof(*s->start[sp]));
		s->win[sp] = calloc(n * 3 + 1, sizeof(*s->win[sp]));
		if (!s->start[sp] || !s->win[sp])
			return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pcifn *f = &fns[i];

		if (f->is_vf)
			continue;
		for (int b = 0; b < PCICFG_NR_BARS; b++) {
			if (f->d.bar[b].kind != MBAR_NONE)
				add_start(s, f->d.bar[b].kind != MBAR_IO,
					  f->addr.bar[b], true);
			if (f->d.vf_bar[b].kind != MBAR_NONE)
				add_start(s, 1, f->addr.vf_bar[b], true);
		}
		if (f->rom_present)
			add_start(s, 1, f->addr.rom, true);
		add_window(s, 0, f->win[0]);
		add_window(s, 1, f->win[1]);
		add_window(s, 1, f->win[2]);
	}
	for (int sp = 0; sp < 2; sp++)
		qsort(s->start[sp], s->n[sp], sizeof(*s->start[sp]), cmp_start);
	return 0;
}

/* Bytes from a to whatever comes next in its space (0: nothing), and what. */
static uint64_t room(const struct spaces *s, int sp, uint64_t a,
		     enum next_kind *what, uint64_t *at)
{
	uint64_t r = 0;
	size_t lo = 0, hi = s->n[sp];

	*what = NEXT_NONE;
	while (lo < hi) {		/* first start > a */
		size_t mid = (lo + hi) / 2;

		if (s->start[sp][mid].a <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n[sp]) {
		r = s->start[sp][lo].a - a;
		*what = s->start[sp][lo].bar ? NEXT_BAR : NEXT_WINDOW;
		*at = s->start[sp][lo].a;
	}
	for (size_t w = 0; w < s->nwin[sp]; w++) {
		const uint64_t *win = s->win[sp][w];

		/* a BAR past the end of a's window is no packed neighbour */
		if (win[0] <= a && a <= win[1] && (!r || win[1] - a + 1 <= r)) {
			r = win[1] - a + 1;
			*what = NEXT_WINDOW_END;
			*at = win[1];
		}
	}
	return r;
}

static uint64_t pow2_floor(uint64_t v)
{
	while (v & (v - 1))
		v &= v - 1;
	return v;
}

static uint64_t pow2_ceil(uint64_t v)
{
	uint64_t p = 1;

	while (p < v && p)
		p <<= 1;
	return p;
}

/* What a memory BAR of this class usually is, where nothing tighter says. */
static uint64_t usual_mem_size(uint32_t class_code)
{
	switch (class_code) {
	case 0x010802:			/* NVMe */
	case 0x040300:			/* HD Audio */
		return 16 << 10;
	case 0x0c0330:			/* xHCI */
		return 64 << 10;
	case 0x0c0320:			/* EHCI */
		return 1 << 10;
	case 0x010601:			/* AHCI's ABAR */
		return 2 << 10;
	case 0x060700:			/* CardBus socket registers: 4K */
		return 4 << 10;
	}
	if (class_code >> 16 == 0x06)	/* bridges: hot-plug or port registers */
		return 256;
	return 4 << 10;			/* a page: the most common small BAR */
}

struct guess {
	uint64_t size, max, min;
	enum next_kind next;
	uint64_t next_at;
	bool max_from_align;
};

/* Size per instance of count instances (VF BARs: TotalVFs) at a. */
static void guess(const struct spaces *s, int sp, uint64_t a, uint64_t count,
		  uint64_t lo, uint64_t hi, uint64_t usual, struct guess *g)
{
	uint64_t r = room(s, sp, a, &g->next, &g->next_at);

	g->max = a & -a;		/* alignment */
	g->max_from_align = true;
	if (r && pow2_floor(r / count) <= g->max) {
		g->max = pow2_floor(r / count);
		g->max_from_align = false;
	} else if (!r && g->max > GUESS_UNBOUNDED_MAX) {
		g->max = GUESS_UNBOUNDED_MAX;
	}
	if (g->max > hi)
		g->max = hi;
	if (g->max < lo)
		g->max = lo;
	if (g->min < lo)
		g->min = lo;
	if (g->min > g->max)
		g->min = g->max;
	/* packed behind it: the room up to the next BAR is the size */
	if (g->next == NEXT_BAR && !g->max_from_align && count == 1)
		g->size = g->max;
	else if (g->min > lo)
		g->size = g->min;
	else
		g->size = usual < g->min ? g->min : usual > g->max ? g->max : usual;
}

/* "(at most 1M: ...; at least 16K: ...)": how good the guess is. */
static void say_guess(struct pcicfg_diag *dg, const struct pcifn *f,
		      const char *what, int i, const struct guess *g,
		      uint64_t a, bool per_vf, uint64_t lo)
{
	char sz[32], mx[32], mn[32], why[96];

	if (g->max_from_align || g->next == NEXT_NONE)
		snprintf(why, sizeof(why), "the address's alignment");
	else
		snprintf(why, sizeof(why), "the %s at %#llx",
			 g->next == NEXT_BAR ? "next BAR" :
			 g->next == NEXT_WINDOW ? "next bridge window" :
						   "end of its bridge window",
			 (unsigned long long)g->next_at);
	desc_size_str(sz, sizeof(sz), g->size);
	desc_size_str(mx, sizeof(mx), g->max);
	desc_size_str(mn, sizeof(mn), g->min);
	if (g->size == g->max && g->next == NEXT_BAR && !g->max_from_align &&
	    !per_vf)
		pcicfg_warn(dg, f->c, "%s %d size guessed as %s from its address %#llx (an upper bound from %s: BARs are packed)",
			    what, i, sz, (unsigned long long)a, why);
	else if (g->size == g->min && g->min > lo)
		pcicfg_warn(dg, f->c, "%s %d size guessed as %s%s from its address %#llx (the least that holds its MSI-X table and PBA; at most %s, from %s)",
			    what, i, sz, per_vf ? " per VF" : "",
			    (unsigned long long)a, mx, why);
	else
		pcicfg_warn(dg, f->c, "%s %d size guessed as %s%s from its address %#llx (usual for its class; at most %s, from %s)",
			    what, i, sz, per_vf ? " per VF" : "",
			    (unsigned long long)a, mx, why);
}

static void guess_bar(const struct spaces *s, struct pcifn *f,
		      struct pcicfg_diag *dg, const char *what, int i,
		      struct mbar_desc *b, uint64_t a, uint64_t count,
		      uint64_t min)
{
	bool io = b->kind == MBAR_IO;
	uint64_t lo = io ? 4 : 16;
	struct guess g = { .min = pow2_ceil(min) };

	if (b->kind == MBAR_NONE || b->size)
		return;
	if (!a) {
		pcicfg_warn(dg, f->c, "%s %d is implemented but has no address and no known size: left out",
			    what, i);
		b->kind = MBAR_NONE;
		return;
	}
	guess(s, !io, a, count, lo,
	      io ? 256 : b->kind == MBAR_MEM32 ? UINT64_C(1) << 31 : UINT64_MAX,
	      io ? 32 : usual_mem_size(f->d.class_code), &g);
	b->size = g.size;
	dg->guessed++;
	say_guess(dg, f, what, i, &g, a, count > 1, lo);
}

void pcicfg_guess_sizes(struct pcifn *fns, size_t n, struct pcicfg_diag *dg)
{
	struct spaces s = { 0 };

	if (collect(&s, fns, n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct pcifn *f = &fns[i];

		if (f->is_vf)
			continue;
		for (int b = 0; b < PCICFG_NR_BARS; b++)
			guess_bar(&s, f, dg, "BAR", b, &f->d.bar[b],
				  f->addr.bar[b], 1, f->bar_min[b]);
		for (int b = 0; f->d.total_vfs && b < PCICFG_NR_BARS; b++)
			guess_bar(&s, f, dg, "VF BAR", b, &f->d.vf_bar[b],
				  f->addr.vf_bar[b], f->d.total_vfs, 0);
		if (f->rom_present && !f->d.rom_size) {
			struct guess g = { 0 };
			char sz[32];

			guess(&s, 1, f->addr.rom, 1, 2048, 16u << 20, 64 << 10, &g);
			f->d.rom_size = (uint32_t)g.size;
			dg->guessed++;
			pcicfg_warn(dg, f->c, "ROM size guessed as %s from its address %#llx",
				    desc_size_str(sz, sizeof(sz), f->d.rom_size),
				    (unsigned long long)f->addr.rom);
		}
	}
out:
	for (int sp = 0; sp < 2; sp++) {
		free(s.start[sp]);
		free(s.win[sp]);
	}
}
