// SPDX-License-Identifier: GPL-2.0
/*
 * Routing IDs in use on one bus (see toporid.h). The only arithmetic of
 * note: whether two VF runs share a routing ID, answered exactly in
 * O(log) by the Chinese remainder theorem instead of walking up to 65535
 * VFs per pair.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "toporid.h"

int ridbox_init(struct ridbox *b, const struct ridbox *src)
{
	memset(b, 0, sizeof(*b));
	if (!src)
		return 0;
	memcpy(b->bits, src->bits, sizeof(b->bits));
	if (!src->nr_runs)
		return 0;
	b->runs = malloc(src->nr_runs * sizeof(*b->runs));
	if (!b->runs)
		return -1;
	memcpy(b->runs, src->runs, src->nr_runs * sizeof(*b->runs));
	b->nr_runs = b->cap_runs = src->nr_runs;
	return 0;
}

void ridbox_release(struct ridbox *b)
{
	free(b->runs);
	b->runs = NULL;
	b->nr_runs = b->cap_runs = 0;
}

static bool run_has(const struct vfrun *r, uint64_t x, uint32_t *i)
{
	if (x < r->first || x > r->last)
		return false;
	if (r->count == 1) {
		*i = 0;
		return x == r->first;
	}
	if ((x - r->first) % r->stride)
		return false;
	*i = (uint32_t)((x - r->first) / r->stride);
	return true;
}

/* gcd(a, b) = a * x + b * y */
static int64_t egcd(int64_t a, int64_t b, int64_t *x, int64_t *y)
{
	int64_t x0 = 1, y0 = 0, x1 = 0, y1 = 1;

	while (b) {
		int64_t q = a / b, t;

		t = a - q * b; a = b; b = t;
		t = x0 - q * x1; x0 = x1; x1 = t;
		t = y0 - q * y1; y0 = y1; y1 = t;
	}
	*x = x0;
	*y = y0;
	return a;
}

/*
 * Lowest routing ID two runs share: x = a.first (mod a.stride) and
 * x = b.first (mod b.stride), moved up into both runs' range. Values stay
 * below 2^33, so int64 arithmetic cannot overflow.
 */
static bool runs_meet(const struct vfrun *a, const struct vfrun *b,
		      uint32_t *at)
{
	uint64_t lo = a->first > b->first ? a->first : b->first;
	uint64_t hi = a->last < b->last ? a->last : b->last;
	int64_t sa = a->stride, sb = b->stride, x, y, g, m, k, sol, l, diff;
	uint32_t i;

	if (lo > hi)
		return false;
	if (a->count == 1 || b->count == 1) {
		const struct vfrun *one = a->count == 1 ? a : b;
		const struct vfrun *other = one == a ? b : a;

		*at = one->first;
		return run_has(other, one->first, &i);
	}
	g = egcd(sa, sb, &x, &y);
	diff = (int64_t)b->first - (int64_t)a->first;
	if (diff % g)
		return false;
	m = sb / g;
	k = ((diff / g) % m) * (x % m) % m;
	if (k < 0)
		k += m;
	sol = (int64_t)a->first + sa * k;
	l = sa * m;
	if (sol < (int64_t)lo)
		sol += ((int64_t)lo - sol + l - 1) / l * l;
	if (sol > (int64_t)hi)
		return false;
	*at = (uint32_t)sol;
	return true;
}

static bool has_fn(const struct ridbox *b, unsigned devfn)
{
	return b->bits[devfn >> 6] >> (devfn & 63) & 1;
}

int ridbox_add_fn(struct ridbox *b, unsigned devfn, struct rid_clash *c)
{
	memset(c, 0, sizeof(*c));
	c->rid = devfn;
	if (has_fn(b, devfn))
		return 1;
	for (uint32_t r = 0; r < b->nr_runs; r++) {
		if (run_has(&b->runs[r], devfn, &c->other_vf)) {
			c->other_is_vf = 1;
			c->other_pf = b->runs[r].node;
			return 1;
		}
	}
	b->bits[devfn >> 6] |= UINT64_C(1) << (devfn & 63);
	return 0;
}

int ridbox_add_vfs(struct ridbox *b, const struct vfrun *run,
		   struct rid_clash *c)
{
	uint32_t end = run->last < 255 ? run->last : 255;

	memset(c, 0, sizeof(*c));
	for (uint32_t d = run->first; d <= end; d++) {
		if (has_fn(b, d) && run_has(run, d, &c->vf)) {
			c->rid = d;
			return 1;
		}
	}
	for (uint32_t r = 0; r < b->nr_runs; r++) {
		const struct vfrun *o = &b->runs[r];

		if (runs_meet(run, o, &c->rid)) {
			run_has(run, c->rid, &c->vf);
			run_has(o, c->rid, &c->other_vf);
			c->other_is_vf = 1;
			c->other_pf = o->node;
			return 1;
		}
	}
	if (b->nr_runs == b->cap_runs) {
		uint32_t cap = b->cap_runs ? b->cap_runs * 2 : 4;
		struct vfrun *n = realloc(b->runs, cap * sizeof(*n));

		if (!n)
			return -1;
		b->runs = n;
		b->cap_runs = cap;
	}
	b->runs[b->nr_runs++] = *run;
	return 0;
}
