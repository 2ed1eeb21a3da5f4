// SPDX-License-Identifier: GPL-2.0
/*
 * BAR sizes a capture did not carry, guessed from where the BAR sits.
 *
 * A BAR of size S is aligned to S, so the address's alignment bounds the
 * size from above; so does the room up to the next resource in the same
 * address space (any BAR, ROM, VF BAR or bridge window start above it) and
 * the end of the bridge window it sits in. The guess is the largest power
 * of two within both bounds: exact for a kernel-packed layout where a
 * neighbour follows, too big where the next neighbour is further away.
 * Each guess is a warning naming the BAR, so nobody mistakes it for data.
 */
#include <stdlib.h>

#include "pcicfg.h"

#define GUESS_UNBOUNDED_MAX	(UINT64_C(16) << 20)	/* nothing follows */

struct spaces {
	uint64_t *start[2];		/* [0] I/O, [1] memory: sorted */
	size_t n[2];
	uint64_t (*win[2])[2];		/* bridge windows */
	size_t nwin[2];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void add_start(struct spaces *s, int sp, uint64_t a)
{
	if (a)
		s->start[sp][s->n[sp]++] = a;
}

static void add_window(struct spaces *s, int sp, const uint64_t w[2])
{
	if (w[0] > w[1])
		return;
	s->win[sp][s->nwin[sp]][0] = w[0];
	s->win[sp][s->nwin[sp]][1] = w[1];
	s->nwin[sp]++;
	add_start(s, sp, w[0]);
}

static int collect(struct spaces *s, const struct pcifn *fns, size_t n)
{
	/* per function: 6 BARs, ROM, 6 VF BARs, 3 windows */
	for (int sp = 0; sp < 2; sp++) {
		s->start[sp] = calloc(n * 16 + 1, sizeof(uint64_t));
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
					  f->addr.bar[b]);
			if (f->d.vf_bar[b].kind != MBAR_NONE)
				add_start(s, 1, f->addr.vf_bar[b]);
		}
		if (f->rom_present)
			add_start(s, 1, f->addr.rom);
		add_window(s, 0, f->win[0]);
		add_window(s, 1, f->win[1]);
		add_window(s, 1, f->win[2]);
	}
	for (int sp = 0; sp < 2; sp++)
		qsort(s->start[sp], s->n[sp], sizeof(uint64_t), cmp_u64);
	return 0;
}

/* Bytes from a to whatever comes next in its space; 0: nothing does. */
static uint64_t room(const struct spaces *s, int sp, uint64_t a)
{
	uint64_t r = 0;
	size_t lo = 0, hi = s->n[sp];

	while (lo < hi) {		/* first start > a */
		size_t mid = (lo + hi) / 2;

		if (s->start[sp][mid] <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->n[sp])
		r = s->start[sp][lo] - a;
	for (size_t w = 0; w < s->nwin[sp]; w++) {
		const uint64_t *win = s->win[sp][w];

		if (win[0] <= a && a <= win[1] && (!r || win[1] - a + 1 < r))
			r = win[1] - a + 1;
	}
	return r;
}

static uint64_t pow2_floor(uint64_t v)
{
	while (v & (v - 1))
		v &= v - 1;
	return v;
}

/* Size per instance of count instances (VF BARs: TotalVFs) at a. */
static uint64_t guess(const struct spaces *s, int sp, uint64_t a,
		      uint64_t count, uint64_t min, uint64_t max)
{
	uint64_t size = a & -a;		/* alignment */
	uint64_t r = room(s, sp, a);

	if (r) {
		if (pow2_floor(r / count) < size)
			size = pow2_floor(r / count);
	} else if (size > GUESS_UNBOUNDED_MAX) {
		size = GUESS_UNBOUNDED_MAX;
	}
	if (size > max)
		size = max;
	return size < min ? min : size;
}

static void guess_bar(const struct spaces *s, struct pcifn *f,
		      struct pcicfg_diag *dg, const char *what, int i,
		      struct mbar_desc *b, uint64_t a, uint64_t count)
{
	char sz[32];
	bool io = b->kind == MBAR_IO;

	if (b->kind == MBAR_NONE || b->size)
		return;
	if (!a) {
		pcicfg_warn(dg, f->c, "%s %d is implemented but has no address and no known size: left out",
			    what, i);
		b->kind = MBAR_NONE;
		return;
	}
	b->size = guess(s, !io, a, count, io ? 4 : 16,
			io ? 256 : b->kind == MBAR_MEM32 ? UINT64_C(1) << 31 :
							   UINT64_MAX);
	dg->guessed++;
	pcicfg_warn(dg, f->c, "%s %d size guessed as %s%s from its address %#llx",
		    what, i, desc_size_str(sz, sizeof(sz), b->size),
		    count > 1 ? " per VF" : "", (unsigned long long)a);
}

void pcicfg_guess_sizes(struct pcifn *fns, size_t n, struct pcicfg_diag *dg)
{
	struct spaces s = { 0 };
	char sz[32];

	if (collect(&s, fns, n))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct pcifn *f = &fns[i];

		if (f->is_vf)
			continue;
		for (int b = 0; b < PCICFG_NR_BARS; b++)
			guess_bar(&s, f, dg, "BAR", b, &f->d.bar[b],
				  f->addr.bar[b], 1);
		for (int b = 0; f->d.total_vfs && b < PCICFG_NR_BARS; b++)
			guess_bar(&s, f, dg, "VF BAR", b, &f->d.vf_bar[b],
				  f->addr.vf_bar[b], f->d.total_vfs);
		if (f->rom_present && !f->d.rom_size) {
			f->d.rom_size = (uint32_t)guess(&s, 1, f->addr.rom, 1,
							2048, 16u << 20);
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
