/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KHO serialization block sets: a growable list of preserved pages of
 * fixed-size entries, handed to the next kernel as the physical address
 * of the first block (see <linux/kho/abi/block.h>). Mirrors the upstream
 * API (kernel/liveupdate/kho_block.c); the code is ours.
 */
#ifndef _LINUX_KHO_BLOCK_H
#define _LINUX_KHO_BLOCK_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/kho/abi/block.h>

/* Bound on a chain: corrupted or cyclic input cannot run away. */
#define KHO_MAX_BLOCKS		10000

struct kho_block {
	struct list_head list;
	struct kho_block_header_ser *ser;
};

struct kho_block_set {
	struct list_head blocks;	/* of struct kho_block */
	size_t entry_size;
	u64 count_per_block;
	u64 head_pa;
	unsigned long nr_blocks;
	bool incoming;			/* restored from the previous kernel */
};

struct kho_block_set_it {
	struct kho_block_set *bs;
	struct kho_block *block;
	u64 i;
};

void kho_block_set_init(struct kho_block_set *bs, size_t entry_size);
int kho_block_set_grow(struct kho_block_set *bs, u64 nr_entries);
void kho_block_set_shrink(struct kho_block_set *bs, u64 nr_entries);
void kho_block_set_clear(struct kho_block_set *bs);
void kho_block_set_destroy(struct kho_block_set *bs);
int kho_block_set_restore(struct kho_block_set *bs, u64 head_pa);

static inline u64 kho_block_set_head_pa(struct kho_block_set *bs)
{
	return bs->head_pa;
}

static inline bool kho_block_set_is_empty(struct kho_block_set *bs)
{
	return list_empty(&bs->blocks);
}

void kho_block_set_it_init(struct kho_block_set_it *it,
			   struct kho_block_set *bs);
void *kho_block_set_it_reserve_entry(struct kho_block_set_it *it);
void *kho_block_set_it_read_entry(struct kho_block_set_it *it);
void *kho_block_set_it_prev(struct kho_block_set_it *it);

#endif /* _LINUX_KHO_BLOCK_H */
