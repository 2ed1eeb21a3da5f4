// SPDX-License-Identifier: GPL-2.0
/*
 * Copy-on-write config space: interned blobs.
 *
 * Identical functions share their masks and their power-on image. A blob
 * (a 256-byte chunk of a power-on image, or one function's three masks)
 * is interned: looked up by content in a hash table and shared, with a
 * reference count, so a million copies of the same endpoint cost one
 * copy of its bytes. Interned blobs are read-only; a function that writes
 * a chunk gets a private copy of that chunk (mfunc.c).
 *
 * One table for the process (every machine shares it; tests create many).
 * The machine world is single-threaded, as the kernel world it serves.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mfunc.h"

struct mblob {
	struct mblob *next;		/* hash chain */
	uint64_t hash;
	uint32_t refs;
	uint32_t len;
	uint8_t bytes[] __attribute__((aligned(16)));
};

static struct {
	struct mblob **bucket;
	size_t nr_buckets;		/* power of two, or 0 */
	size_t nr;			/* blobs */
	uint64_t bytes;			/* their payload */
} tab;

extern uint64_t mcow_nr_private;	/* mfunc.c */

/* Word at a time; chunks are 256 bytes and mask sets 12 KiB. */
static uint64_t blob_hash(const uint8_t *p, uint32_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;

	for (uint32_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 29;
	}
	for (uint32_t i = len & ~7u; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

static struct mblob *blob_of(const uint8_t *bytes)
{
	return (struct mblob *)(bytes - offsetof(struct mblob, bytes));
}

static void grow(void)
{
	size_t n = tab.nr_buckets ? tab.nr_buckets * 2 : 1024;
	struct mblob **b = calloc(n, sizeof(*b));

	if (!b)
		return;		/* longer chains, still correct */
	for (size_t i = 0; i < tab.nr_buckets; i++) {
		struct mblob *x = tab.bucket[i], *next;

		for (; x; x = next) {
			next = x->next;
			x->next = b[x->hash & (n - 1)];
			b[x->hash & (n - 1)] = x;
		}
	}
	free(tab.bucket);
	tab.bucket = b;
	tab.nr_buckets = n;
}

const uint8_t *mcow_intern(const uint8_t *bytes, uint32_t len)
{
	uint64_t h = blob_hash(bytes, len);
	struct mblob *x;

	if (tab.nr >= tab.nr_buckets)
		grow();
	if (!tab.nr_buckets)
		return NULL;
	for (x = tab.bucket[h & (tab.nr_buckets - 1)]; x; x = x->next) {
		if (x->hash == h && x->len == len && !memcmp(x->bytes, bytes, len)) {
			x->refs++;
			return x->bytes;
		}
	}
	/* chunks are read past their end and masked (MCFG_CHUNK_PAD) */
	x = malloc(sizeof(*x) + len + MCFG_CHUNK_PAD);
	if (!x)
		return NULL;
	x->hash = h;
	x->refs = 1;
	x->len = len;
	memcpy(x->bytes, bytes, len);
	memset(x->bytes + len, 0, MCFG_CHUNK_PAD);
	x->next = tab.bucket[h & (tab.nr_buckets - 1)];
	tab.bucket[h & (tab.nr_buckets - 1)] = x;
	tab.nr++;
	tab.bytes += len;
	return x->bytes;
}

void mcow_get(const uint8_t *interned)
{
	if (interned)
		blob_of(interned)->refs++;
}

void mcow_put(const uint8_t *interned)
{
	struct mblob *x, **pp;

	if (!interned)
		return;
	x = blob_of(interned);
	if (--x->refs)
		return;
	for (pp = &tab.bucket[x->hash & (tab.nr_buckets - 1)]; *pp;
	     pp = &(*pp)->next) {
		if (*pp == x) {
			*pp = x->next;
			break;
		}
	}
	tab.nr--;
	tab.bytes -= x->len;
	free(x);
	if (!tab.nr) {
		free(tab.bucket);
		tab.bucket = NULL;
		tab.nr_buckets = 0;
	}
}

void mcow_stats(uint64_t *nr_blobs, uint64_t *bytes)
{
	*nr_blobs = tab.nr;
	*bytes = tab.bytes;
}

uint64_t mcow_private_chunks(void)
{
	return mcow_nr_private;
}
