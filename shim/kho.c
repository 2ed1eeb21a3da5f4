// SPDX-License-Identifier: GPL-2.0
/*
 * Kexec HandOver (kernel/liveupdate/kexec_handover.c of newer kernels).
 *
 * Written when the pinned tree (6.12) had no KHO, and standing in for
 * 7.3's kernel/liveupdate/kexec_handover.c until #12 compiles it: our
 * implementation of the upstream API and ABI of that time (<linux/kexec_handover.h>,
 * <linux/kho/abi/kexec_handover.h>): preserved memory is tracked in the
 * "kho-v2" radix tree of pages, built directly in RAM; at kexec a
 * flattened device tree names the tree and every subsystem blob; the next
 * kernel finds the blob through its boot parameters, reserves every
 * preserved range before its first allocation, and hands ranges back to
 * their owners through kho_restore_*().
 *
 * Departs from upstream: there is no scratch area, because the incoming
 * page allocator allocates nothing before the preserved ranges are
 * reserved. And the incoming side checks every physical address it
 * follows (inside RAM, handed over by the machine) before reading it: a
 * corrupt handover is refused with a message instead of being trusted.
 */
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <linux/unaligned.h>
#include <linux/kstrtox.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

#undef pr_fmt
#define pr_fmt(fmt) "KHO: " fmt

/* Stamp in page->private of the head page of a range not yet restored. */
#define KHO_PAGE_MAGIC		0x4b484f00UL	/* "KHO\0" */
#define KHO_STAMP(order)	(KHO_PAGE_MAGIC | (order))
#define KHO_STAMP_ORDER(p)	((p)->private & 0xff)
#define KHO_IS_STAMPED(p)	(((p)->private & ~0xffUL) == KHO_PAGE_MAGIC)

/*
 * Stamp in page->private of the head page of a range handed back to its
 * owner. Freeing the range (or allocating it anew) clears the struct page,
 * so a stamp still there means the owner has not freed it.
 */
#define KHO_RESTORED_MAGIC	0x4b485200UL	/* "KHR\0" */
#define KHO_IS_RESTORED(p)	(((p)->private & ~0xffUL) == KHO_RESTORED_MAGIC)

/* Bound on tree nodes the incoming side will follow. */
#define KHO_MAX_NODES		BIT(20)

struct kho_subtree {
	struct list_head list;
	const char *name;
	void *blob;
};

static bool kho_enable;

static struct {
	struct kho_radix_node *root;
	struct list_head subtrees;
	bool finalized;
} kho_out = {
	.subtrees = LIST_HEAD_INIT(kho_out.subtrees),
};

/*
 * @offered:	the kexec that booted us carried a handover (kho_populate())
 * @valid:	and it was accepted: is_kho_boot()
 */
static struct {
	phys_addr_t fdt_phys;
	void *fdt;
	bool offered;
	bool valid;
	unsigned long nr_ranges;
	unsigned long nr_pages;
	struct xarray restored;		/* pfn -> order of each range handed back */
} kho_in = {
	.restored = XARRAY_INIT(kho_in.restored, 0),
};

static int __init kho_parse_enable(char *p)
{
	return kstrtobool(p, &kho_enable);
}
early_param("kho", kho_parse_enable);

bool kho_is_enabled(void)
{
	return kho_enable;
}

bool is_kho_boot(void)
{
	return kho_in.valid;
}

/*
 * Booted by a kexec that carried a KHO handover, which this kernel
 * refused: what the previous kernel preserved is lost to this kernel, but
 * devices it kept running may still be running.
 */
bool kho_handover_refused(void)
{
	return kho_in.offered && !kho_in.valid;
}

/* ---- the preserved-memory radix tree ---- */

static unsigned long kho_key(phys_addr_t pa, unsigned int order)
{
	return BIT(KHO_ORDER_0_LOG2 - order) | (pa >> (PAGE_SHIFT + order));
}

static unsigned int kho_index(unsigned long key, int level)
{
	if (!level)
		return key & (BIT(KHO_BITMAP_SIZE_LOG2) - 1);
	return (key >> (KHO_BITMAP_SIZE_LOG2 + (level - 1) *
			KHO_TABLE_SIZE_LOG2)) & (BIT(KHO_TABLE_SIZE_LOG2) - 1);
}

/* The leaf for key, created on the way down when create is set. */
static struct kho_radix_leaf *kho_leaf(unsigned long key, bool create)
{
	struct kho_radix_node *node;
	int level;

	if (!kho_out.root) {
		if (!create)
			return NULL;
		kho_out.root = (void *)get_zeroed_page(GFP_KERNEL);
		if (!kho_out.root)
			return NULL;
	}
	node = kho_out.root;
	for (level = KHO_TREE_MAX_DEPTH - 1; level > 0; level--) {
		u64 *slot = &node->table[kho_index(key, level)];

		if (!*slot) {
			void *child;

			if (!create)
				return NULL;
			child = (void *)get_zeroed_page(GFP_KERNEL);
			if (!child)
				return NULL;
			*slot = virt_to_phys(child);
		}
		node = phys_to_virt(*slot);
	}
	return (struct kho_radix_leaf *)node;
}

static int kho_mark(phys_addr_t pa, unsigned int order, bool preserve)
{
	unsigned long key = kho_key(pa, order);
	struct kho_radix_leaf *leaf;

	if (kho_out.finalized)
		return -EBUSY;
	leaf = kho_leaf(key, preserve);
	if (!leaf)
		return preserve ? -ENOMEM : -ENOENT;
	if (preserve) {
		if (__test_and_set_bit(kho_index(key, 0), leaf->bitmap))
			return -EEXIST;
	} else {
		if (!__test_and_clear_bit(kho_index(key, 0), leaf->bitmap))
			return -ENOENT;
	}
	return 0;
}

/* Split [pfn, pfn + nr) into naturally aligned power-of-two runs. */
static unsigned int kho_run_order(unsigned long pfn, unsigned long nr)
{
	unsigned int order = ilog2(nr);

	if (pfn)
		order = min_t(unsigned int, order, __ffs(pfn));
	return min_t(unsigned int, order, MAX_PAGE_ORDER);
}

static int kho_mark_pages(unsigned long pfn, unsigned long nr, bool preserve)
{
	unsigned long done = 0;
	int ret = 0;

	while (done < nr) {
		unsigned int order = kho_run_order(pfn + done, nr - done);

		ret = kho_mark(PFN_PHYS(pfn + done), order, preserve);
		if (ret)
			break;
		done += 1UL << order;
	}
	if (ret && preserve) {
		/* undo the runs already marked */
		unsigned long undone = 0;

		while (undone < done) {
			unsigned int order = kho_run_order(pfn + undone,
							   done - undone);

			kho_mark(PFN_PHYS(pfn + undone), order, false);
			undone += 1UL << order;
		}
	}
	return ret;
}

int kho_preserve_folio(struct folio *folio)
{
	if (WARN_ON(!folio))
		return -EINVAL;
	return kho_mark(PFN_PHYS(folio_pfn(folio)), folio_order(folio), true);
}

void kho_unpreserve_folio(struct folio *folio)
{
	WARN_ON(kho_mark(PFN_PHYS(folio_pfn(folio)), folio_order(folio),
			 false));
}

int kho_preserve_pages(struct page *page, unsigned long nr_pages)
{
	if (WARN_ON(!page || !nr_pages))
		return -EINVAL;
	return kho_mark_pages(page_to_pfn(page), nr_pages, true);
}

void kho_unpreserve_pages(struct page *page, unsigned long nr_pages)
{
	WARN_ON(kho_mark_pages(page_to_pfn(page), nr_pages, false));
}

void *kho_alloc_preserve(size_t size)
{
	struct folio *folio;
	int ret;

	if (!size)
		return ERR_PTR(-EINVAL);
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, get_order(size));
	if (!folio)
		return ERR_PTR(-ENOMEM);
	ret = kho_preserve_folio(folio);
	if (ret) {
		folio_put(folio);
		return ERR_PTR(ret);
	}
	return folio_address(folio);
}

void kho_unpreserve_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = virt_to_folio(mem);
	kho_unpreserve_folio(folio);
	folio_put(folio);
}

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation)
{
	struct folio *folio = virt_to_folio(ptr);
	unsigned long nr = folio_nr_pages(folio), i;
	struct kho_vmalloc_chunk *chunk, *first = NULL, *prev = NULL;
	int ret;

	memset(preservation, 0, sizeof(*preservation));
	for (i = 0; i < nr; i++) {
		unsigned long slot = i % (KHO_VMALLOC_SIZE - 1);

		if (!slot) {
			chunk = kho_alloc_preserve(PAGE_SIZE);
			if (IS_ERR(chunk)) {
				ret = PTR_ERR(chunk);
				goto err;
			}
			if (prev)
				KHOSER_STORE_PTR(prev->hdr.next, chunk);
			else
				first = chunk;
			prev = chunk;
		}
		chunk->phys[slot] = PFN_PHYS(folio_pfn(folio) + i);
	}
	ret = kho_preserve_pages(&folio->page, nr);
	if (ret)
		goto err;
	KHOSER_STORE_PTR(preservation->first, first);
	preservation->total_pages = nr;
	return 0;
err:
	while (first) {
		chunk = KHOSER_LOAD_PTR(first->hdr.next);
		kho_unpreserve_free(first);
		first = chunk;
	}
	return ret;
}

void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation)
{
	struct kho_vmalloc_chunk *chunk = KHOSER_LOAD_PTR(preservation->first);
	phys_addr_t pa = chunk ? chunk->phys[0] : 0;

	if (pa)
		kho_unpreserve_pages(pfn_to_page(PHYS_PFN(pa)),
				     preservation->total_pages);
	while (chunk) {
		struct kho_vmalloc_chunk *next = KHOSER_LOAD_PTR(chunk->hdr.next);

		kho_unpreserve_free(chunk);
		chunk = next;
	}
	memset(preservation, 0, sizeof(*preservation));
}

int kho_add_subtree(const char *name, void *blob)
{
	struct kho_subtree *st;

	if (kho_out.finalized)
		return -EBUSY;
	list_for_each_entry(st, &kho_out.subtrees, list)
		if (!strcmp(st->name, name))
			return -EEXIST;
	st = kzalloc_obj(*st, GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->name = name;
	st->blob = blob;
	list_add_tail(&st->list, &kho_out.subtrees);
	return 0;
}

void kho_remove_subtree(void *blob)
{
	struct kho_subtree *st;

	list_for_each_entry(st, &kho_out.subtrees, list) {
		if (st->blob == blob) {
			list_del(&st->list);
			kfree(st);
			return;
		}
	}
}

/* ---- finalize: the handover blob ---- */

static int kho_build_fdt(void *fdt, size_t size)
{
	struct kho_subtree *st;
	int err;

	err = fdt_create(fdt, size);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property_string(fdt, "compatible", KHO_FDT_COMPATIBLE);
	err = err ?: fdt_property_u64(fdt, KHO_FDT_MEMORY_MAP_PROP_NAME,
				      kho_out.root ? virt_to_phys(kho_out.root) : 0);
	list_for_each_entry(st, &kho_out.subtrees, list) {
		err = err ?: fdt_begin_node(fdt, st->name);
		err = err ?: fdt_property_u64(fdt, KHO_FDT_SUB_TREE_PROP_NAME,
					      virt_to_phys(st->blob));
		err = err ?: fdt_end_node(fdt);
	}
	err = err ?: fdt_end_node(fdt);
	return err ?: fdt_finish(fdt);
}

/* Report every preserved range, and the tree's own pages, to the host. */
static unsigned long kho_keep_tree(struct kho_radix_node *node, int level,
				   unsigned long prefix)
{
	unsigned long n = 0, i;

	host_ram_keep(virt_to_phys(node), PAGE_SIZE);
	if (!level) {
		struct kho_radix_leaf *leaf = (void *)node;

		for_each_set_bit(i, leaf->bitmap, BIT(KHO_BITMAP_SIZE_LOG2)) {
			unsigned long key = prefix << KHO_BITMAP_SIZE_LOG2 | i;
			unsigned int order = KHO_ORDER_0_LOG2 - __fls(key);
			phys_addr_t pa = (key & ~BIT(__fls(key))) <<
					 (PAGE_SHIFT + order);

			host_ram_keep(pa, PAGE_SIZE << order);
			n++;
		}
		return n;
	}
	for (i = 0; i < BIT(KHO_TABLE_SIZE_LOG2); i++)
		if (node->table[i])
			n += kho_keep_tree(phys_to_virt(node->table[i]),
					   level - 1,
					   prefix << KHO_TABLE_SIZE_LOG2 | i);
	return n;
}

int sim_kho_finalize(phys_addr_t *fdt_phys, u64 *len)
{
	size_t size = PAGE_SIZE;
	unsigned long ranges = 0;
	void *fdt;
	int err;

	if (!kho_enable) {
		*fdt_phys = 0;
		*len = 0;
		return 0;
	}
	for (;;) {
		fdt = kho_alloc_preserve(size);
		if (IS_ERR(fdt))
			return PTR_ERR(fdt);
		err = kho_build_fdt(fdt, size);
		if (err != -FDT_ERR_NOSPACE)
			break;
		kho_unpreserve_free(fdt);
		size *= 2;
	}
	if (err) {
		pr_err("cannot build the handover blob: %s\n",
		       fdt_strerror(err));
		kho_unpreserve_free(fdt);
		return -EINVAL;
	}
	kho_out.finalized = true;
	if (kho_out.root)
		ranges = kho_keep_tree(kho_out.root, KHO_TREE_MAX_DEPTH - 1, 0);
	pr_info("handover ready: %lu preserved ranges, blob at %pa\n", ranges,
		&(phys_addr_t){ virt_to_phys(fdt) });
	*fdt_phys = virt_to_phys(fdt);
	*len = size;
	return 0;
}

/* ---- incoming ---- */

/* May the incoming side read [pa, pa + len)? RAM the machine handed over. */
static bool kho_readable(phys_addr_t pa, u64 len)
{
	if (!len || pa + len < pa ||
	    !sim_mm_pfn_valid(PHYS_PFN(pa)) ||
	    !sim_mm_pfn_valid(PHYS_PFN(pa + len - 1)))
		return false;
	return host_ram_readable(pa, len);
}

struct kho_walk {
	unsigned long nodes;
	unsigned long ranges;
	unsigned long pages;
	bool reserve;		/* false: undo the reservations made */
	int err;
};

static void kho_walk_range(struct kho_walk *w, unsigned long key)
{
	unsigned int order = KHO_ORDER_0_LOG2 - __fls(key);
	phys_addr_t pa = (key & ~BIT(__fls(key))) << (PAGE_SHIFT + order);
	unsigned long nr = 1UL << order, i;
	struct page *page;

	if (!w->reserve) {
		/* undo: only what was reserved, i.e. still stamped */
		if (!sim_mm_pfn_valid(PHYS_PFN(pa)))
			return;
		page = pfn_to_page(PHYS_PFN(pa));
		if (KHO_IS_STAMPED(page) && KHO_STAMP_ORDER(page) == order) {
			page->private = 0;
			sim_mm_free_run(page, nr);
		}
		return;
	}
	if (order > MAX_PAGE_ORDER || !kho_readable(pa, PAGE_SIZE << order)) {
		pr_err("preserved range %pa order %u is not RAM that was handed over\n",
		       &pa, order);
		w->err = -EINVAL;
		return;
	}
	if (sim_mm_reserve(pa, nr)) {
		pr_err("preserved range %pa order %u overlaps another\n", &pa,
		       order);
		w->err = -EINVAL;
		return;
	}
	page = pfn_to_page(PHYS_PFN(pa));
	for (i = 0; i < nr; i++)
		memset(&page[i], 0, sizeof(page[i]));
	page->private = KHO_STAMP(order);
	w->ranges++;
	w->pages += nr;
}

static void kho_walk(struct kho_walk *w, phys_addr_t node_pa, int level,
		     unsigned long prefix)
{
	unsigned long i;

	if (w->err)
		return;
	if (++w->nodes > KHO_MAX_NODES || !PAGE_ALIGNED(node_pa) ||
	    !kho_readable(node_pa, PAGE_SIZE)) {
		pr_err("preserved-memory map node %pa is not valid\n", &node_pa);
		w->err = -EINVAL;
		return;
	}
	if (!level) {
		struct kho_radix_leaf *leaf = phys_to_virt(node_pa);

		for_each_set_bit(i, leaf->bitmap, BIT(KHO_BITMAP_SIZE_LOG2)) {
			kho_walk_range(w, prefix << KHO_BITMAP_SIZE_LOG2 | i);
			if (w->err)
				return;
		}
		return;
	}
	for (i = 0; i < BIT(KHO_TABLE_SIZE_LOG2); i++) {
		struct kho_radix_node *node = phys_to_virt(node_pa);

		if (node->table[i])
			kho_walk(w, node->table[i], level - 1,
				 prefix << KHO_TABLE_SIZE_LOG2 | i);
		if (w->err)
			return;
	}
}

void kho_populate(phys_addr_t fdt_phys, u64 fdt_len, phys_addr_t scratch_phys,
		  u64 scratch_len)
{
	kho_in.offered = true;
	kho_in.fdt_phys = fdt_phys;
	if (!fdt_len || !kho_readable(fdt_phys, fdt_len)) {
		pr_err("handover blob at %pa (%llu bytes) is not RAM that was handed over; ignoring it\n",
		       &fdt_phys, fdt_len);
		return;
	}
	kho_in.fdt = phys_to_virt(fdt_phys);
	if (fdt_check_header(kho_in.fdt) || fdt_totalsize(kho_in.fdt) > fdt_len) {
		pr_err("handover blob is not a valid FDT; ignoring it\n");
		kho_in.fdt = NULL;
	} else if (fdt_version(kho_in.fdt) < 17) {
		/* older FDTs name nodes differently: nothing would be found */
		pr_err("handover blob is FDT version %u, not 17; ignoring it\n",
		       fdt_version(kho_in.fdt));
		kho_in.fdt = NULL;
	}
}

/* Restored pages KHO itself keeps (its blob): no owner will free them. */
static void kho_forget_restored(unsigned long pfn, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		if (xa_erase(&kho_in.restored, pfn + i))
			pfn_to_page(pfn + i)->private = 0;
	}
}

void kho_memory_init(void)
{
	struct kho_walk w = { .reserve = true };
	const void *prop;
	phys_addr_t map;
	int len;

	if (!kho_in.fdt)
		return;
	if (fdt_node_check_compatible(kho_in.fdt, 0, KHO_FDT_COMPATIBLE)) {
		pr_err("handover blob is not \"%s\"; ignoring it\n",
		       KHO_FDT_COMPATIBLE);
		goto refuse;
	}
	prop = fdt_getprop(kho_in.fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &len);
	if (!prop || len != sizeof(u64)) {
		pr_err("handover blob has no preserved-memory map; ignoring it\n");
		goto refuse;
	}
	map = get_unaligned_be64(prop);
	if (map)
		kho_walk(&w, map, KHO_TREE_MAX_DEPTH - 1, 0);
	if (w.err) {
		pr_err("preserved-memory map refused; nothing is restored\n");
		w.reserve = false;
		w.err = 0;
		w.nodes = 0;
		kho_walk(&w, map, KHO_TREE_MAX_DEPTH - 1, 0);
		goto refuse;
	}
	kho_in.valid = true;
	kho_in.nr_ranges = w.ranges;
	kho_in.nr_pages = w.pages;
	/* the blob is ours to keep for this kernel's lifetime */
	if (!kho_restore_pages(kho_in.fdt_phys,
			       PAGE_ALIGN(fdt_totalsize(kho_in.fdt)) >> PAGE_SHIFT)) {
		pr_err("handover blob itself was not preserved\n");
		kho_in.valid = false;
		return;
	}
	kho_forget_restored(PHYS_PFN(kho_in.fdt_phys),
			    PAGE_ALIGN(fdt_totalsize(kho_in.fdt)) >> PAGE_SHIFT);
	pr_info("found handover: %lu preserved ranges, %lu pages\n",
		w.ranges, w.pages);
	return;
refuse:
	kho_in.fdt = NULL;
}

int kho_retrieve_subtree(const char *name, phys_addr_t *phys)
{
	const void *prop;
	int node, len;

	if (!kho_in.valid)
		return -ENOENT;
	node = fdt_subnode_offset(kho_in.fdt, 0, name);
	if (node < 0)
		return -ENOENT;
	prop = fdt_getprop(kho_in.fdt, node, KHO_FDT_SUB_TREE_PROP_NAME, &len);
	if (!prop || len != sizeof(u64))
		return -EINVAL;
	*phys = get_unaligned_be64(prop);
	return 0;
}

bool kho_is_restorable_phys(phys_addr_t phys)
{
	struct page *page;

	if (!PAGE_ALIGNED(phys) || !sim_mm_pfn_valid(PHYS_PFN(phys)))
		return false;
	page = pfn_to_page(PHYS_PFN(phys));
	return KHO_IS_STAMPED(page);
}

/*
 * Remember a range handed back to its owner, to tell later whether the
 * owner freed it (design.md section 6: restored and freed after finish).
 */
static void kho_note_restored(struct page *page, unsigned int order)
{
	page->private = KHO_RESTORED_MAGIC | order;
	if (xa_err(xa_store(&kho_in.restored, page_to_pfn(page),
			    xa_mk_value(order), GFP_KERNEL)))
		pr_warn("cannot track restored range at pfn %#lx\n",
			page_to_pfn(page));
}

/* Take the stamped range at pfn of exactly this order; NULL if it is not. */
static struct page *kho_take(unsigned long pfn, unsigned int order)
{
	struct page *page;

	if (!sim_mm_pfn_valid(pfn))
		return NULL;
	page = pfn_to_page(pfn);
	if (!KHO_IS_STAMPED(page) || KHO_STAMP_ORDER(page) != order)
		return NULL;
	page->private = 0;
	kho_in.nr_pages -= 1UL << order;
	kho_in.nr_ranges--;
	return page;
}

struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct page *page;
	unsigned int order;

	if (!kho_is_restorable_phys(phys)) {
		pr_warn("cannot restore folio at %pa: not preserved, already restored or not a head page\n",
			&phys);
		return NULL;
	}
	order = KHO_STAMP_ORDER(pfn_to_page(PHYS_PFN(phys)));
	page = kho_take(PHYS_PFN(phys), order);
	sim_mm_prep_restored(page, order, order > 0);
	kho_note_restored(page, order);
	return page_folio(page);
}

struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(phys), done = 0;

	if (!PAGE_ALIGNED(phys) || !nr_pages)
		goto bad;
	/* check the whole run first: restoring half of it helps nobody */
	while (done < nr_pages) {
		unsigned int order = kho_run_order(pfn + done, nr_pages - done);
		struct page *page;

		if (!sim_mm_pfn_valid(pfn + done))
			goto bad;
		page = pfn_to_page(pfn + done);
		if (!KHO_IS_STAMPED(page) || KHO_STAMP_ORDER(page) != order)
			goto bad;
		done += 1UL << order;
	}
	for (done = 0; done < nr_pages;) {
		unsigned int order = kho_run_order(pfn + done, nr_pages - done);
		struct page *page = kho_take(pfn + done, order);

		sim_mm_prep_restored(page, order, false);
		kho_note_restored(page, order);
		done += 1UL << order;
	}
	return pfn_to_page(pfn);
bad:
	pr_warn("cannot restore %lu pages at %pa: not preserved that way, or already restored\n",
		nr_pages, &phys);
	return NULL;
}

void kho_restore_free(void *mem)
{
	struct folio *folio;

	if (!mem)
		return;
	folio = kho_restore_folio(virt_to_phys(mem));
	if (folio)
		folio_put(folio);
}

void *kho_restore_vmalloc(const struct kho_vmalloc *preservation)
{
	phys_addr_t chunk_pa = preservation->first.phys, first = 0;
	unsigned long total = preservation->total_pages, seen = 0, chunks = 0;
	struct page *page;

	/* validate the chunk list and that the area is one contiguous run */
	while (chunk_pa) {
		struct kho_vmalloc_chunk *chunk;
		unsigned long i;

		if (++chunks > total + 1 || !kho_is_restorable_phys(chunk_pa))
			goto bad;
		chunk = phys_to_virt(chunk_pa);
		for (i = 0; i < KHO_VMALLOC_SIZE - 1 && chunk->phys[i]; i++) {
			if (!seen)
				first = chunk->phys[i];
			else if (chunk->phys[i] != first + PFN_PHYS(seen))
				goto bad;
			seen++;
		}
		chunk_pa = chunk->hdr.next.phys;
	}
	if (!total || seen != total)
		goto bad;
	/* our vmalloc areas are one folio; give it back as one */
	if (is_power_of_2(total) && IS_ALIGNED(PHYS_PFN(first), total)) {
		struct folio *folio = kho_restore_folio(first);

		page = folio ? &folio->page : NULL;
	} else {
		page = kho_restore_pages(first, total);
	}
	if (!page)
		return NULL;
	for (chunk_pa = preservation->first.phys; chunk_pa;) {
		struct kho_vmalloc_chunk *chunk = phys_to_virt(chunk_pa);

		chunk_pa = chunk->hdr.next.phys;
		kho_restore_free(chunk);
	}
	return page_address(page);
bad:
	pr_warn("cannot restore vmalloc area: its page list is not valid\n");
	return NULL;
}

/* Preserved ranges nobody restored; the host reports them as leaked. */
unsigned long sim_kho_unrestored_pages(void)
{
	return kho_in.valid ? kho_in.nr_pages : 0;
}

unsigned long sim_kho_leaked_pages(void)
{
	return sim_kho_unrestored_pages();
}

unsigned long sim_kho_restored_pages(unsigned long *not_freed,
				     unsigned long long *first_pa)
{
	unsigned long pfn, total = 0;
	void *entry;

	*not_freed = 0;
	*first_pa = 0;
	xa_for_each(&kho_in.restored, pfn, entry) {
		unsigned int order = xa_to_value(entry);
		struct page *page = pfn_to_page(pfn);

		total += 1UL << order;
		if (!KHO_IS_RESTORED(page) || (page->private & 0xff) != order)
			continue;
		if (!*not_freed)
			*first_pa = PFN_PHYS(pfn);
		*not_freed += 1UL << order;
	}
	return total;
}
