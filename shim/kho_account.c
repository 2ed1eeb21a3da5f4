// SPDX-License-Identifier: GPL-2.0
/*
 * KHO seen from outside: what the machine keeps at kexec, and whether what
 * a previous kernel preserved was restored and freed.
 *
 * Not a kernel file and not a stand-in: kernel/liveupdate/kexec_handover.c
 * is compiled as it is; this reads its state as a debugger would, through
 * its exported radix-tree walk and the stamps it leaves in struct page.
 * - At kexec, the outgoing preserved-memory tree (named by the FDT that
 *   kho_fill_kimage() hands over) is walked: every preserved range and
 *   every page of the tree itself survives; the scratch areas are wiped
 *   and stay accessible; all other RAM is poisoned by the host.
 * - At boot, once kho_memory_init() reserved what the handover preserved
 *   (and stamped the head page of each range with KHO_PAGE_MAGIC and its
 *   order in page->private), the incoming tree is walked once more, before
 *   memblock frees its pages, to list those ranges. A stamp still there
 *   means nobody restored the range (kho_restore_page() clears it).
 * What the kernel keeps in place for its lifetime and never restores is
 * left out: KHO's incoming FDT and kexec-metadata blob, and LUO's
 * incoming FLB array (luo_flb_setup_incoming() keeps a pointer into it;
 * fuzz/FINDINGS.md K10).
 */
#include <linux/kexec_handover.h>
#include <linux/kho_radix_tree.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/kho/abi/kexec_metadata.h>
#include <linux/kho/abi/luo.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/unaligned.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include <linux/kexec.h>
#include <linux/slab.h>
#include "liveupdate/kexec_handover_internal.h"
#include "kexec_internal.h"

/* kexec_handover.c: 'KHOP' in the upper half of page->private */
#define SIM_KHO_PAGE_MAGIC	0x4b484f50UL

struct sim_kho_range {
	unsigned long pfn;
	unsigned int order;
	bool kho_own;		/* read in place by KHO, never restored */
};

static struct {
	struct sim_kho_range *ranges;
	unsigned long nr, max;
	phys_addr_t fdt, metadata, luo_flbs;
} sim_kho_in;

static phys_addr_t sim_kho_decode(unsigned long key, unsigned int *order)
{
	unsigned int top = fls64(key) - 1;

	*order = 64 - PAGE_SHIFT - top;
	return (phys_addr_t)(key & ~BIT_ULL(top)) << (PAGE_SHIFT + *order);
}

static bool sim_kho_stamped(unsigned long pfn, unsigned int *order)
{
	struct page *page;

	if (!sim_mm_pfn_valid(pfn))
		return false;
	page = pfn_to_page(pfn);
	if (page->private >> 32 != SIM_KHO_PAGE_MAGIC)
		return false;
	if (order)
		*order = page->private & 0xffffffff;
	return true;
}

bool sim_kho_preserved_head(phys_addr_t pa)
{
	return PAGE_ALIGNED(pa) && sim_kho_stamped(PHYS_PFN(pa), NULL);
}

/* The preserved-memory tree an FDT names, or NULL. */
static void *sim_kho_tree_of(const void *fdt)
{
	const void *prop;
	int len;

	prop = fdt_getprop(fdt, 0, KHO_FDT_MEMORY_MAP_PROP_NAME, &len);
	if (!prop || len != sizeof(u64) || !get_unaligned((const u64 *)prop))
		return NULL;
	return phys_to_virt(get_unaligned((const u64 *)prop));
}

static int sim_kho_keep_node(phys_addr_t phys, void *unused)
{
	host_ram_keep(phys, PAGE_SIZE);
	return 0;
}

static int sim_kho_keep_range(unsigned long key, void *unused)
{
	unsigned int order;
	phys_addr_t pa = sim_kho_decode(key, &order);

	host_ram_keep(pa, PAGE_SIZE << order);
	return 0;
}

int sim_kho_keep_outgoing(phys_addr_t fdt_phys)
{
	const struct kho_radix_walk_cb cb = {
		.leaf = sim_kho_keep_range,
		.node = sim_kho_keep_node,
	};
	struct kho_radix_tree tree;
	unsigned int i;
	void *root;
	int err;

	root = sim_kho_tree_of(phys_to_virt(fdt_phys));
	if (!root)
		return -EINVAL;
	err = kho_radix_init_tree(&tree, root);
	err = err ?: kho_radix_walk_tree(&tree, &cb, NULL);
	if (err)
		return err;
	for (i = 0; i < kho_scratch_cnt; i++)
		if (kho_scratch[i].size)
			host_ram_scratch(kho_scratch[i].addr,
					 kho_scratch[i].size);
	return 0;
}

/* The address a subtree node of an FDT names, or 0. */
static phys_addr_t sim_kho_fdt_subtree(const void *fdt, const char *name)
{
	const void *prop;
	int node, len;

	node = fdt_subnode_offset(fdt, 0, name);
	prop = node < 0 ? NULL :
	       fdt_getprop(fdt, node, KHO_SUB_TREE_PROP_NAME, &len);
	if (!prop || len != sizeof(u64))
		return 0;
	return get_unaligned((const u64 *)prop);
}

static int sim_kho_note_range(unsigned long key, void *unused)
{
	struct sim_kho_range *r;
	unsigned int order;
	phys_addr_t pa = sim_kho_decode(key, &order);

	if (sim_kho_in.ranges) {
		if (WARN_ON(sim_kho_in.nr >= sim_kho_in.max))
			return -ENOSPC;
		r = &sim_kho_in.ranges[sim_kho_in.nr];
		r->pfn = PHYS_PFN(pa);
		r->order = order;
		r->kho_own = pa == sim_kho_in.fdt ||
			     (sim_kho_in.metadata && pa == sim_kho_in.metadata) ||
			     (sim_kho_in.luo_flbs && pa == sim_kho_in.luo_flbs);
	}
	sim_kho_in.nr++;
	return 0;
}

void sim_kho_note_incoming(const struct sim_handover *kho)
{
	const struct kho_radix_walk_cb cb = { .leaf = sim_kho_note_range };
	struct kho_radix_tree tree;
	phys_addr_t luo;
	size_t size;
	void *root;

	memset(&sim_kho_in, 0, sizeof(sim_kho_in));
	if (!is_kho_boot())
		return;
	sim_kho_in.fdt = kho->fdt;
	/*
	 * What the kexec-metadata node names, read as the FDT has it: KHO
	 * keeps that page whether or not its blob-size lets it read it.
	 */
	sim_kho_in.metadata = sim_kho_fdt_subtree(phys_to_virt(kho->fdt),
						  KHO_METADATA_NODE_NAME);
	/* read before LUO restores and frees its root (early_initcall) */
	if (!kho_retrieve_subtree(LUO_KHO_ENTRY_NAME, &luo, &size) &&
	    size >= sizeof(struct luo_ser) && sim_kho_preserved_head(luo))
		sim_kho_in.luo_flbs = ((struct luo_ser *)phys_to_virt(luo))->flbs_pa;
	root = sim_kho_tree_of(phys_to_virt(kho->fdt));
	if (!root || kho_radix_init_tree(&tree, root))
		return;
	/* count, then list */
	if (kho_radix_walk_tree(&tree, &cb, NULL))
		return;
	sim_kho_in.max = sim_kho_in.nr;
	sim_kho_in.nr = 0;
	sim_kho_in.ranges = host_boot_alloc(sim_kho_in.max *
					    sizeof(*sim_kho_in.ranges) + 1);
	if (!sim_kho_in.ranges)
		sim_abortf("no host memory to list %lu preserved ranges",
			   sim_kho_in.max);
	kho_radix_walk_tree(&tree, &cb, NULL);
}

unsigned long sim_kho_leaked_pages(void)
{
	unsigned long i, pages = 0;

	for (i = 0; i < sim_kho_in.nr; i++) {
		struct sim_kho_range *r = &sim_kho_in.ranges[i];

		if (!r->kho_own && sim_kho_stamped(r->pfn, NULL))
			pages += 1UL << r->order;
	}
	return pages;
}

unsigned long sim_kho_restored_pages(unsigned long *not_freed,
				     unsigned long long *first_pa)
{
	unsigned long i, total = 0;

	*not_freed = 0;
	*first_pa = 0;
	for (i = 0; i < sim_kho_in.nr; i++) {
		struct sim_kho_range *r = &sim_kho_in.ranges[i];
		unsigned long n = 1UL << r->order;

		if (r->kho_own || sim_kho_stamped(r->pfn, NULL))
			continue;
		total += n;
		if (!sim_mm_held_since_boot(r->pfn, n))
			continue;
		if (!*not_freed || PFN_PHYS(r->pfn) < *first_pa)
			*first_pa = PFN_PHYS(r->pfn);
		*not_freed += n;
	}
	return total;
}

/*
 * The outgoing FDT as the next kexec would hand it over
 * (kho_fill_kimage() on an image of its own), and a subtree in it.
 */
phys_addr_t sim_kho_outgoing_subtree(const char *name)
{
	struct kimage *image = kzalloc_obj(*image, GFP_KERNEL);
	const void *fdt, *prop;
	phys_addr_t pa = 0;
	int node, len;

	if (!image)
		return 0;
	image->file_mode = 1;
	INIT_LIST_HEAD(&image->control_pages);
	if (kho_fill_kimage(image) || !image->kho.fdt)
		goto out;
	fdt = phys_to_virt(image->kho.fdt);
	node = fdt_subnode_offset(fdt, 0, name);
	prop = node < 0 ? NULL :
	       fdt_getprop(fdt, node, KHO_SUB_TREE_PROP_NAME, &len);
	if (prop && len == sizeof(u64))
		pa = get_unaligned((const u64 *)prop);
out:
	kfree(image);
	return pa;
}

/* kho_handover_dropped() (lu/patches/0017), for the fuzz harness. */
int sim_kho_handover_dropped(void)
{
	return kho_handover_dropped();
}
