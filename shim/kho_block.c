// SPDX-License-Identifier: GPL-2.0
/*
 * KHO serialization block sets (kernel/liveupdate/kho_block.c of newer
 * kernels): a list of preserved pages, each a struct kho_block_header_ser
 * and then fixed-size entries, chained by physical address so the next
 * kernel can walk them.
 *
 * The outgoing side allocates capacity ahead (grow/shrink, which may
 * fail), so that writing the entries at kexec time (reserve_entry, which
 * only fails on a bug) needs no memory.
 *
 * Departs from upstream in how much restore trusts its input: upstream
 * checks the chain for cycles and then reads it. Here every block is
 * checked before it is read (page-aligned, preserved, not yet restored)
 * and claimed with kho_restore_pages() as the walk goes, which is also
 * what catches a cycle at once: a block met again is already ours. A
 * refused chain gives back the blocks claimed so far; the rest stays
 * preserved-but-unrestored, as memory nobody restores always does.
 */
#define pr_fmt(fmt) "kho_block: " fmt

#include <linux/kho_block.h>
#include <linux/kexec_handover.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#define KHO_BLOCK_ENTRIES_SIZE	(KHO_BLOCK_SIZE - \
				 sizeof(struct kho_block_header_ser))

void kho_block_set_init(struct kho_block_set *bs, size_t entry_size)
{
	INIT_LIST_HEAD(&bs->blocks);
	bs->entry_size = entry_size;
	bs->count_per_block = 0;
	if (!WARN_ON(!entry_size || entry_size > KHO_BLOCK_ENTRIES_SIZE))
		bs->count_per_block = KHO_BLOCK_ENTRIES_SIZE / entry_size;
	bs->head_pa = 0;
	bs->nr_blocks = 0;
	bs->incoming = false;
}

static void *kho_block_entry(struct kho_block_set *bs, struct kho_block *b,
			     u64 i)
{
	return (char *)(b->ser + 1) + i * bs->entry_size;
}

/*
 * An incoming block was claimed with kho_restore_pages() when the set was
 * restored, so freeing it is the second half of kho_restore_free().
 */
static void kho_block_free_ser(struct kho_block_set *bs,
			       struct kho_block_header_ser *ser)
{
	if (bs->incoming)
		__free_page(virt_to_page(ser));
	else
		kho_unpreserve_free(ser);
}

static int kho_block_append(struct kho_block_set *bs,
			    struct kho_block_header_ser *ser)
{
	struct kho_block *b, *last;

	b = kzalloc_obj(*b, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->ser = ser;
	last = list_last_entry_or_null(&bs->blocks, struct kho_block, list);
	if (last)
		last->ser->next = virt_to_phys(ser);
	else
		bs->head_pa = virt_to_phys(ser);
	list_add_tail(&b->list, &bs->blocks);
	bs->nr_blocks++;
	return 0;
}

static void kho_block_drop_last(struct kho_block_set *bs)
{
	struct kho_block *b, *last;

	b = list_last_entry(&bs->blocks, struct kho_block, list);
	list_del(&b->list);
	bs->nr_blocks--;
	kho_block_free_ser(bs, b->ser);
	kfree(b);
	/* the chain must end where the list ends */
	last = list_last_entry_or_null(&bs->blocks, struct kho_block, list);
	if (last)
		last->ser->next = 0;
	else
		bs->head_pa = 0;
}

/* Capacity for at least nr_entries; all or nothing. */
int kho_block_set_grow(struct kho_block_set *bs, u64 nr_entries)
{
	unsigned long before = bs->nr_blocks;
	int err = 0;

	if (WARN_ON(bs->incoming || !bs->count_per_block))
		return -EINVAL;
	while (nr_entries > bs->nr_blocks * bs->count_per_block) {
		struct kho_block_header_ser *ser;

		if (bs->nr_blocks >= KHO_MAX_BLOCKS) {
			err = -ENOSPC;
			break;
		}
		ser = kho_alloc_preserve(KHO_BLOCK_SIZE);
		if (IS_ERR(ser)) {
			err = PTR_ERR(ser);
			break;
		}
		ser->next = 0;
		ser->count = 0;
		err = kho_block_append(bs, ser);
		if (err) {
			kho_unpreserve_free(ser);
			break;
		}
	}
	if (err) {
		while (bs->nr_blocks > before)
			kho_block_drop_last(bs);
	}
	return err;
}

/*
 * Keep only the blocks needed for nr_entries. Entries live in the blocks
 * in order, so the caller must have dropped the entries at the end.
 */
void kho_block_set_shrink(struct kho_block_set *bs, u64 nr_entries)
{
	while (bs->nr_blocks &&
	       nr_entries <= (bs->nr_blocks - 1) * bs->count_per_block)
		kho_block_drop_last(bs);
}

/* Forget every entry but keep the capacity, before writing them anew. */
void kho_block_set_clear(struct kho_block_set *bs)
{
	struct kho_block *b;

	list_for_each_entry(b, &bs->blocks, list) {
		b->ser->count = 0;
		memset(b->ser + 1, 0, KHO_BLOCK_ENTRIES_SIZE);
	}
}

/* Free every block; the set is then as kho_block_set_init() left it. */
void kho_block_set_destroy(struct kho_block_set *bs)
{
	while (!list_empty(&bs->blocks))
		kho_block_drop_last(bs);
	bs->head_pa = 0;
	bs->incoming = false;
}

/* Index in the set of the block at pa, or -1. */
static long kho_block_set_find(struct kho_block_set *bs, u64 pa)
{
	struct kho_block *b;
	long i = 0;

	list_for_each_entry(b, &bs->blocks, list) {
		if (virt_to_phys(b->ser) == pa)
			return i;
		i++;
	}
	return -1;
}

/* Check and claim the block at pa; the caller reports the error. */
static struct kho_block_header_ser *kho_block_claim(struct kho_block_set *bs,
						    u64 pa)
{
	unsigned long n = bs->nr_blocks;
	struct kho_block_header_ser *ser;
	long seen;

	if (n >= KHO_MAX_BLOCKS) {
		pr_err("block set at %#llx: chain longer than %d blocks\n",
		       bs->head_pa, KHO_MAX_BLOCKS);
		return ERR_PTR(-EINVAL);
	}
	if (!PAGE_ALIGNED(pa)) {
		pr_err("block set at %#llx: block %lu at %#llx is not page-aligned\n",
		       bs->head_pa, n, pa);
		return ERR_PTR(-EINVAL);
	}
	if (!kho_is_restorable_phys(pa)) {
		/* a block of this chain, already claimed: the chain loops */
		seen = kho_block_set_find(bs, pa);
		if (seen >= 0)
			pr_err("block set at %#llx: block %lu links back to block %ld at %#llx: a cycle\n",
			       bs->head_pa, n - 1, seen, pa);
		else
			pr_err("block set at %#llx: block %lu at %#llx is not preserved memory (outside RAM, never preserved or already restored)\n",
			       bs->head_pa, n, pa);
		return ERR_PTR(-EINVAL);
	}
	if (!kho_restore_pages(pa, 1)) {
		pr_err("block set at %#llx: block %lu at %#llx cannot be restored as one page\n",
		       bs->head_pa, n, pa);
		return ERR_PTR(-EINVAL);
	}
	ser = phys_to_virt(pa);
	if (!ser->count || ser->count > bs->count_per_block) {
		pr_err("block set at %#llx: block %lu at %#llx holds %llu entries, not 1 to %llu\n",
		       bs->head_pa, n, pa, ser->count, bs->count_per_block);
		__free_page(virt_to_page(ser));
		return ERR_PTR(-EINVAL);
	}
	return ser;
}

/*
 * Take over the chain a previous kernel left at head_pa (0: empty).
 * The set must be initialized with the entry size the writer used and be
 * empty. On error nothing stays claimed and the set is empty.
 */
int kho_block_set_restore(struct kho_block_set *bs, u64 head_pa)
{
	u64 pa = head_pa;
	int err;

	if (WARN_ON(!list_empty(&bs->blocks) || !bs->count_per_block))
		return -EINVAL;
	bs->incoming = true;
	bs->head_pa = head_pa;
	while (pa) {
		struct kho_block_header_ser *ser = kho_block_claim(bs, pa);

		if (IS_ERR(ser)) {
			err = PTR_ERR(ser);
			goto undo;
		}
		/* appending rewrites the previous link with the same value */
		err = kho_block_append(bs, ser);
		if (err) {
			__free_page(virt_to_page(ser));
			goto undo;
		}
		pa = ser->next;
	}
	return 0;
undo:
	kho_block_set_destroy(bs);
	return err;
}

void kho_block_set_it_init(struct kho_block_set_it *it,
			   struct kho_block_set *bs)
{
	it->bs = bs;
	it->block = list_first_entry_or_null(&bs->blocks, struct kho_block,
					     list);
	it->i = 0;
}

/*
 * The next free slot, for writing; the block's count includes it from
 * now on, so the chain is always readable as written so far. NULL when
 * the capacity is used up.
 */
void *kho_block_set_it_reserve_entry(struct kho_block_set_it *it)
{
	struct kho_block_set *bs = it->bs;

	if (!it->block)
		return NULL;
	if (it->i == bs->count_per_block) {
		if (list_is_last(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_next_entry(it->block, list);
		it->i = 0;
	}
	it->i++;
	it->block->ser->count = it->i;
	return kho_block_entry(bs, it->block, it->i - 1);
}

/* The next written entry, for reading; NULL after the last. */
void *kho_block_set_it_read_entry(struct kho_block_set_it *it)
{
	struct kho_block_set *bs = it->bs;

	if (!it->block)
		return NULL;
	while (it->i >= it->block->ser->count) {
		if (list_is_last(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_next_entry(it->block, list);
		it->i = 0;
	}
	return kho_block_entry(bs, it->block, it->i++);
}

/*
 * Step back one slot and return it (to undo a reserve_entry, or to walk
 * back over written entries); NULL at the start of the set. The count of
 * a block is not lowered: the caller clears what it takes back.
 */
void *kho_block_set_it_prev(struct kho_block_set_it *it)
{
	struct kho_block_set *bs = it->bs;

	if (!it->block)
		return NULL;
	if (!it->i) {
		if (list_is_first(&it->block->list, &bs->blocks))
			return NULL;
		it->block = list_prev_entry(it->block, list);
		it->i = bs->count_per_block;
	}
	it->i--;
	return kho_block_entry(bs, it->block, it->i);
}
