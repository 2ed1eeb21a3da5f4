// SPDX-License-Identifier: GPL-2.0
/*
 * The page allocator (mm/page_alloc.c, mm/mm_init.c, mm/sparse.c).
 *
 * The kernel world's memory is the machine's RAM. The direct map is that
 * RAM (page_offset_base = host address - physical base) and the memmap is
 * a struct page per RAM page (vmemmap_base), so __pa(), __va(),
 * virt_to_page() and folio helpers are the kernel's own inlines and give
 * real physical addresses. Boot goes as start_kernel() does: RAM is added
 * to memblock (mm/memblock.c, compiled); KHO takes its scratch areas and
 * reserves what a previous kernel preserved; the memmap is allocated
 * from memblock as sparse_init() does (in KHO scratch after a kexec); then
 * memblock_free_all() hands every page memblock did not reserve to this
 * allocator.
 *
 * Departs from the kernel: one zone, no buddy lists. A bitmap says which
 * pages are in use; allocation is first-fit for naturally aligned runs,
 * from the lowest page that may be free, so pages freed are used again
 * first (as the buddy allocator's hot lists do) and the RAM a run
 * touches stays what it needs at its peak, not all of it. KHO scratch
 * areas are CMA pageblocks in the kernel, given only to movable
 * allocations; nothing here allocates movable memory, so they are never
 * handed out. Before a 64 KiB chunk is first handed out the machine is
 * asked to make it usable (after a kexec, pages nobody preserved are
 * poisoned and fault on access until then). The allocator's bitmaps and
 * mem_section[] live outside RAM (the host frees them at kexec), as if
 * they sat in memory KHO never hands over.
 */
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/bitmap.h>
#include <linux/find.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/page_ref.h>
#include <linux/memblock.h>
#include <linux/mmzone.h>
#include <linux/kexec_handover.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "mm_init.h"

/*
 * Granule in which poisoned RAM is made usable again: small enough that
 * memory the new kernel never allocated stays poisoned (and a stray read
 * of it is caught), large enough to keep mprotect() calls rare.
 */
#define SIM_CHUNK_PAGES		16UL	/* 64 KiB of 4 KiB pages */

unsigned long page_offset_base;
unsigned long vmemmap_base;

/* mm/show_mem.c, mm/sparse.c, mm/mm_init.c, mm/page_alloc.c */
atomic_long_t _totalram_pages;
unsigned long __highest_present_section_nr;
bool mirrored_kernelcore;
nodemask_t node_states[NR_NODE_STATES] = {
	[N_POSSIBLE] = NODE_MASK_ALL,
	[N_ONLINE] = { { [0] = 1UL } },
	[N_NORMAL_MEMORY] = { { [0] = 1UL } },
	[N_MEMORY] = { { [0] = 1UL } },
	[N_CPU] = { { [0] = 1UL } },
};

static struct {
	unsigned long first_pfn;
	unsigned long nr_pages;
	unsigned long *used;		/* a bit per page */
	unsigned long *claimed;		/* a bit per chunk */
	unsigned long *zeroed;		/* a bit per page: reads as zeroes */
	unsigned long *allocated;	/* a bit per page: allocated this boot */
	unsigned long hint;
	unsigned long nr_used;
	bool up;			/* memblock_free_all() done */
} sim_mm;

/*
 * setup_arch(): the machine's RAM (its e820 map or DT memory node) goes
 * to memblock. Nothing is free for the page allocator until
 * memblock_free_all().
 */
void sim_mm_init(void *ram, u64 phys_base, u64 size)
{
	unsigned long nr = size >> PAGE_SHIFT;

	page_offset_base = (unsigned long)ram - phys_base;
	sim_mm.used = host_boot_alloc(BITS_TO_LONGS(nr) * sizeof(long));
	sim_mm.claimed = host_boot_alloc(BITS_TO_LONGS(nr / SIM_CHUNK_PAGES + 1) *
					 sizeof(long));
	sim_mm.zeroed = host_boot_alloc(BITS_TO_LONGS(nr) * sizeof(long));
	sim_mm.allocated = host_boot_alloc(BITS_TO_LONGS(nr) * sizeof(long));
	if (!sim_mm.used || !sim_mm.claimed || !sim_mm.zeroed ||
	    !sim_mm.allocated)
		sim_abortf("no host memory for the bitmaps of %lu pages", nr);
	sim_mm.first_pfn = phys_base >> PAGE_SHIFT;
	sim_mm.nr_pages = nr;
	max_pfn = sim_mm.first_pfn + nr;
	max_low_pfn = max_pfn;
	bitmap_fill(sim_mm.used, nr);
	sim_mm.nr_used = nr;
	/*
	 * e820__memblock_setup(): the region arrays may grow from here on
	 * (a handover of many preserved ranges needs more than the 128
	 * static entries by the time KHO reserves them)
	 */
	memblock_allow_resize();
	memblock_add(phys_base, size);
}

/* mm/sparse.c: every section of RAM present, online, with its memmap */
static void sim_mm_init_sections(void)
{
	unsigned long pfn, nr;

	mem_section = host_boot_alloc(NR_SECTION_ROOTS * sizeof(*mem_section));
	if (!mem_section)
		sim_abortf("no host memory for mem_section[]");
	for (pfn = ALIGN_DOWN(sim_mm.first_pfn, PAGES_PER_SECTION);
	     pfn < sim_mm.first_pfn + sim_mm.nr_pages;
	     pfn += PAGES_PER_SECTION) {
		nr = pfn_to_section_nr(pfn);
		if (!mem_section[SECTION_NR_TO_ROOT(nr)]) {
			mem_section[SECTION_NR_TO_ROOT(nr)] =
				host_boot_alloc(SECTIONS_PER_ROOT *
						sizeof(struct mem_section));
			if (!mem_section[SECTION_NR_TO_ROOT(nr)])
				sim_abortf("no host memory for mem_section[]");
		}
		__nr_to_section(nr)->section_mem_map =
			SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP |
			SECTION_IS_ONLINE | SECTION_IS_EARLY;
		__highest_present_section_nr = nr;
	}
}

/*
 * sparse_init() and memmap_init(), after kho_memory_init_early(): the
 * memmap comes from memblock (so in KHO scratch on a KHO boot, and it
 * counts in what KHO sizes the next scratch areas by), every struct page
 * zeroed.
 */
void sim_mm_init_memmap(void)
{
	unsigned long size = sim_mm.nr_pages * sizeof(struct page);
	struct page *memmap;

	memmap = memblock_alloc_try_nid_raw(size, PAGE_SIZE, MEMBLOCK_LOW_LIMIT,
					    MEMBLOCK_ALLOC_ACCESSIBLE,
					    NUMA_NO_NODE);
	if (!memmap)
		sim_abortf("memblock has no %lu KiB for the memmap of %lu pages",
			   size >> 10, sim_mm.nr_pages);
	/* RAM never handed out reads as zeroes: only clear what is not */
	if (!host_ram_claim(__pa(memmap), PAGE_ALIGN(size)))
		memset(memmap, 0, size);
	vmemmap_base = (unsigned long)(memmap - sim_mm.first_pfn);
	sim_mm_init_sections();
}

/* mm/mm_init.c: memblock_free_all() gives a free run to the allocator */
void __init memblock_free_pages(unsigned long pfn, unsigned int order)
{
	unsigned long nr = 1UL << order, idx = pfn - sim_mm.first_pfn;

	if (WARN_ON(!sim_mm_pfn_valid(pfn) || !sim_mm_pfn_valid(pfn + nr - 1)))
		return;
	/* CMA: never handed out (see above) */
	if (kho_scratch_overlap(PFN_PHYS(pfn), nr << PAGE_SHIFT))
		return;
	bitmap_clear(sim_mm.used, idx, nr);
	sim_mm.nr_used -= nr;
	if (idx < sim_mm.hint)
		sim_mm.hint = idx;
}

/* mm/mm_init.c: every struct page was initialized with the memmap */
void __meminit init_deferred_page(unsigned long pfn, int nid)
{
}

/* mm/page_alloc.c: a reserved page memblock never handed out, now free */
void free_reserved_pages(struct page *page, unsigned int order)
{
	unsigned long i;

	for (i = 0; i < (1UL << order); i++)
		ClearPageReserved(page + i);
	memblock_free_pages(page_to_pfn(page), order);
}

/* mm/mm_init.c: a CMA pageblock to the allocator; movable only (above) */
void __init init_cma_reserved_pageblock(struct page *page)
{
}

/* The end of mm_core_init()'s memblock phase: pages go to the allocator */
void sim_mm_memblock_done(void)
{
	memblock_free_all();
	sim_mm.up = true;
	sim_mm.hint = 0;
}

bool sim_mm_is_up(void)
{
	return sim_mm.up;
}

int sim_mm_early_owned(unsigned long long pa, int write)
{
	struct memblock_region *r;

	if (sim_mm.up)
		return false;
	if (memblock_is_reserved(pa))
		return true;
	if (!write || !IS_ENABLED(CONFIG_MEMBLOCK_KHO_SCRATCH))
		return false;
	/*
	 * Free memory memblock may hand out: on a KHO boot, scratch, which
	 * 7.3's kho_extend_scratch() extends to every block the previous
	 * kernel preserved nothing in (RAM a kexec poisoned here). The
	 * memblock_double_array() of the reserved regions (a handover of
	 * many preserved ranges) copies the array there, then reserves it.
	 */
	for_each_mem_region(r) {
		if (pa >= r->base && pa - r->base < r->size)
			return memblock_is_kho_scratch(r);
	}
	return false;
}

bool sim_mm_pfn_valid(unsigned long pfn)
{
	return pfn >= sim_mm.first_pfn &&
	       pfn - sim_mm.first_pfn < sim_mm.nr_pages;
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
 * Pages of [pfn, pfn + nr) in use that this allocator did not hand out
 * since boot: memblock's, or a previous kernel's restored by KHO and not
 * freed since.
 */
bool sim_mm_held_since_boot(unsigned long pfn, unsigned long nr)
{
	unsigned long i, idx = pfn - sim_mm.first_pfn;

	if (!sim_mm_pfn_valid(pfn) || !sim_mm_pfn_valid(pfn + nr - 1))
		return false;
	for (i = idx; i < idx + nr; i++)
		if (test_bit(i, sim_mm.used) && !test_bit(i, sim_mm.allocated))
			return true;
	return false;
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
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
	if ((gfp & __GFP_ZERO) && !zeroed)
		memset(page_address(page), 0, PAGE_SIZE << order);
}

/* mm/page_alloc.c, with the folio helpers of mm/internal.h */
void prep_compound_page(struct page *page, unsigned int order)
{
	struct folio *folio = (struct folio *)page;
	unsigned long i, n = 1UL << order;

	__folio_set_head(folio);
	folio->_flags_1 = order;
#ifdef NR_PAGES_IN_LARGE_FOLIO
	folio->_nr_pages = n;
#endif
	for (i = 1; i < n; i++)
		set_compound_head(&page[i], page, order);
}

/* mm/page_alloc.c: one zone, and nothing here reads its managed count */
void adjust_managed_page_count(struct page *page, long count)
{
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
	bitmap_set(sim_mm.allocated, idx, 1UL << order);
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

unsigned long sim_mm_pages_in_use(void)
{
	return sim_mm.nr_used;
}
