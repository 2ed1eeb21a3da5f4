// SPDX-License-Identifier: GPL-2.0
/*
 * The page allocator (mm/page_alloc.c, mm/memblock.c, mm/sparse-vmemmap.c).
 *
 * The kernel world's memory is the machine's RAM. The direct map is that
 * RAM (page_offset_base = host address - physical base) and the memmap is
 * a struct page per RAM page (vmemmap_base), so __pa(), __va(),
 * virt_to_page() and folio helpers are the kernel's own inlines and give
 * real physical addresses.
 *
 * Departs from the kernel: one zone, no buddy lists. A bitmap says which
 * pages are in use; allocation is first-fit for naturally aligned runs,
 * from the lowest page that may be free, so pages freed are used again
 * first (as the buddy allocator's hot lists do) and the RAM a run
 * touches stays what it needs at its peak, not all of it.
 * Before a 64 KiB chunk is first handed out the machine is asked to make it
 * usable (after a kexec, pages nobody preserved are poisoned and fault on
 * access until then). The memmap and the bitmaps live outside RAM (the
 * host frees them at kexec), as if they sat in a region KHO never hands
 * over.
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/bitmap.h>
#include <linux/find.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/page_ref.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

/*
 * Granule in which poisoned RAM is made usable again: small enough that
 * memory the new kernel never allocated stays poisoned (and a stray read
 * of it is caught), large enough to keep mprotect() calls rare.
 */
#define SIM_CHUNK_PAGES		16UL	/* 64 KiB of 4 KiB pages */

unsigned long page_offset_base;
unsigned long vmemmap_base;
unsigned long vmalloc_base;

static struct {
	unsigned long first_pfn;
	unsigned long nr_pages;
	unsigned long *used;		/* a bit per page */
	unsigned long *claimed;		/* a bit per chunk */
	unsigned long *zeroed;		/* a bit per page: reads as zeroes */
	unsigned long hint;
	unsigned long nr_used;
} sim_mm;

void sim_mm_init(void *ram, u64 phys_base, u64 size)
{
	unsigned long nr = size >> PAGE_SHIFT;
	struct page *memmap;

	page_offset_base = (unsigned long)ram - phys_base;
	memmap = host_boot_alloc(nr * sizeof(struct page));
	sim_mm.used = host_boot_alloc(BITS_TO_LONGS(nr) * sizeof(long));
	sim_mm.claimed = host_boot_alloc(BITS_TO_LONGS(nr / SIM_CHUNK_PAGES + 1) *
					 sizeof(long));
	sim_mm.zeroed = host_boot_alloc(BITS_TO_LONGS(nr) * sizeof(long));
	if (!memmap || !sim_mm.used || !sim_mm.claimed || !sim_mm.zeroed)
		sim_abortf("no host memory for the memmap of %lu pages", nr);
	sim_mm.first_pfn = phys_base >> PAGE_SHIFT;
	sim_mm.nr_pages = nr;
	vmemmap_base = (unsigned long)(memmap - sim_mm.first_pfn);
}

bool sim_mm_pfn_valid(unsigned long pfn)
{
	return pfn >= sim_mm.first_pfn &&
	       pfn - sim_mm.first_pfn < sim_mm.nr_pages;
}

bool sim_mm_pfn_in_use(unsigned long pfn)
{
	return sim_mm_pfn_valid(pfn) &&
	       test_bit(pfn - sim_mm.first_pfn, sim_mm.used);
}

unsigned long sim_mm_nr_used(void)
{
	return sim_mm.nr_used;
}

static void sim_mm_claim(unsigned long idx, unsigned long nr)
{
	unsigned long c;

	for (c = idx / SIM_CHUNK_PAGES; c <= (idx + nr - 1) / SIM_CHUNK_PAGES;
	     c++) {
		if (test_and_set_bit(c, sim_mm.claimed))
			continue;
		if (host_ram_claim(PFN_PHYS(sim_mm.first_pfn + c * SIM_CHUNK_PAGES),
				   SIM_CHUNK_PAGES << PAGE_SHIFT))
			bitmap_set(sim_mm.zeroed, c * SIM_CHUNK_PAGES,
				   SIM_CHUNK_PAGES);
	}
}

/*
 * memblock_reserve() for what the previous kernel handed over: those
 * pages are in use from the start and never claimed (claiming only makes
 * poisoned pages usable, and preserved pages are never poisoned).
 */
int sim_mm_reserve(phys_addr_t pa, unsigned long nr_pages)
{
	unsigned long pfn = PHYS_PFN(pa), idx;

	if (!sim_mm_pfn_valid(pfn) || !sim_mm_pfn_valid(pfn + nr_pages - 1))
		return -ERANGE;
	idx = pfn - sim_mm.first_pfn;
	if (find_next_bit(sim_mm.used, idx + nr_pages, idx) < idx + nr_pages)
		return -EBUSY;
	bitmap_set(sim_mm.used, idx, nr_pages);
	sim_mm.nr_used += nr_pages;
	return 0;
}

static long sim_mm_find(unsigned int order)
{
	unsigned long size = 1UL << order, start = sim_mm.hint, idx;
	bool wrapped = false;

	for (;;) {
		idx = find_next_zero_bit(sim_mm.used, sim_mm.nr_pages, start);
		idx = ALIGN(idx, size);
		if (idx + size > sim_mm.nr_pages) {
			if (wrapped)
				return -1;
			wrapped = true;
			start = 0;
			continue;
		}
		if (find_next_bit(sim_mm.used, idx + size, idx) >= idx + size)
			return idx;
		start = idx + size;
	}
}

static void sim_prep_page(struct page *page, unsigned int order, gfp_t gfp,
			  bool zeroed)
{
	unsigned long i, n = 1UL << order;

	for (i = 0; i < n; i++) {
		memset(&page[i], 0, sizeof(page[i]));
		INIT_LIST_HEAD(&page[i].lru);
	}
	set_page_count(page, 1);
	if (order && (gfp & __GFP_COMP)) {
		struct folio *folio = (struct folio *)page;

		/* mm/page_alloc.c prep_compound_page(), mm/internal.h helpers */
		__folio_set_head(folio);
		folio->_flags_1 = order;
#ifdef NR_PAGES_IN_LARGE_FOLIO
		folio->_nr_pages = n;
#endif
		for (i = 1; i < n; i++)
			set_compound_head(&page[i], page, order);
	}
	if ((gfp & __GFP_ZERO) && !zeroed)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/* Pages KHO hands back to their owner: referenced, and a folio if asked. */
void sim_mm_prep_restored(struct page *page, unsigned int order, bool folio)
{
	sim_prep_page(page, order, folio ? __GFP_COMP : 0, false);
}

struct page *alloc_pages_node_noprof(int nid, gfp_t gfp, unsigned int order)
{
	bool zeroed;
	long idx;

	if (order > MAX_PAGE_ORDER)
		return NULL;
	idx = sim_mm_find(order);
	if (idx < 0) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order:%u, %lu of %lu pages in use\n",
				order, sim_mm.nr_used, sim_mm.nr_pages);
		return NULL;
	}
	bitmap_set(sim_mm.used, idx, 1UL << order);
	sim_mm.nr_used += 1UL << order;
	/*
	 * Single pages are the first free one from the hint (or from 0 when
	 * it wrapped): everything below idx is in use. Runs may have skipped
	 * free pages to align; then only an exact hit moves the hint.
	 */
	if (!order || idx == sim_mm.hint)
		sim_mm.hint = idx + (1UL << order);
	sim_mm_claim(idx, 1UL << order);
	/*
	 * Departs from the kernel: RAM the host never handed out reads as
	 * zeroes already, so __GFP_ZERO skips clearing it (a tenth of an
	 * enumeration's instructions were that memset).
	 */
	zeroed = find_next_zero_bit(sim_mm.zeroed, idx + (1UL << order), idx) >=
		 idx + (1UL << order);
	bitmap_clear(sim_mm.zeroed, idx, 1UL << order);
	sim_prep_page(pfn_to_page(sim_mm.first_pfn + idx), order, gfp, zeroed);
	return pfn_to_page(sim_mm.first_pfn + idx);
}

struct folio *__folio_alloc_noprof(gfp_t gfp, unsigned int order,
				   int preferred_nid, nodemask_t *nodemask)
{
	return (struct folio *)alloc_pages_node_noprof(preferred_nid,
						       gfp | __GFP_COMP, order);
}

/* Give pages back; also used for pages KHO restored from a past kernel. */
void sim_mm_free_run(struct page *page, unsigned long nr_pages)
{
	unsigned long idx = page_to_pfn(page) - sim_mm.first_pfn, i;

	if (WARN_ON(!sim_mm_pfn_valid(page_to_pfn(page))))
		return;
	for (i = 0; i < nr_pages; i++) {
		if (WARN(!test_bit(idx + i, sim_mm.used),
			 "freeing free page pfn %#lx\n", page_to_pfn(page) + i))
			return;
	}
	for (i = 0; i < nr_pages; i++)
		memset(&page[i], 0, sizeof(page[i]));
	bitmap_clear(sim_mm.used, idx, nr_pages);
	sim_mm.nr_used -= nr_pages;
	if (idx < sim_mm.hint)
		sim_mm.hint = idx;
}

void __free_pages(struct page *page, unsigned int order)
{
	if (put_page_testzero(page))
		sim_mm_free_run(page, 1UL << order);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

unsigned long get_free_pages_noprof(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages_node_noprof(NUMA_NO_NODE,
						    gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page_noprof(gfp_t gfp)
{
	return get_free_pages_noprof(gfp | __GFP_ZERO, 0);
}

void __folio_put(struct folio *folio)
{
	sim_mm_free_run(&folio->page, folio_nr_pages(folio));
}

/*
 * vmalloc: departs from the kernel in that the area is physically
 * contiguous too (pages from this allocator, mapped by the direct map);
 * vmalloc_to_page() and everything built on it still work.
 */
void *__vmalloc_noprof(unsigned long size, gfp_t gfp)
{
	struct page *page;

	page = alloc_pages_node_noprof(NUMA_NO_NODE, gfp | __GFP_COMP,
				       get_order(size));
	return page ? page_address(page) : NULL;
}

void *vmalloc_noprof(unsigned long size)
{
	return __vmalloc_noprof(size, GFP_KERNEL);
}

void *vzalloc_noprof(unsigned long size)
{
	return __vmalloc_noprof(size, GFP_KERNEL | __GFP_ZERO);
}

void vfree(const void *addr)
{
	if (addr)
		folio_put(virt_to_folio(addr));
}

struct page *vmalloc_to_page(const void *addr)
{
	return virt_to_page(addr);
}

bool is_vmalloc_addr(const void *x)
{
	return false;
}

unsigned long sim_mm_pages_in_use(void)
{
	return sim_mm.nr_used;
}
