// SPDX-License-Identifier: GPL-2.0
/*
 * vmalloc (mm/vmalloc.c): pages from anywhere in RAM, mapped at one
 * virtual range.
 *
 * The vmalloc range is a host window (host_vmalloc_window()); an area's
 * pages are mapped into it through the memfd behind the machine's RAM, so
 * they need not be contiguous: vmalloc_to_page(), KHO's preservation of
 * area->pages and kho_restore_vmalloc()'s mapping of scattered restored
 * pages (__get_vm_area_node() + vmap_pages_range()) work as upstream.
 * Departs from the kernel: areas are found first-fit on an address-sorted
 * list, not in the vmap_area rb-trees; unmapping is immediate (no lazy
 * purge); no huge mappings (a VM_ALLOW_HUGE_VMAP area gets small pages).
 * Every area has a guard page after it, as upstream's do by default.
 */
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/overflow.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "vmalloc.h"

unsigned long vmalloc_base;

struct sim_vm_area {
	struct list_head list;		/* by address */
	struct vm_struct vm;
};

static struct {
	struct list_head areas;
	unsigned long start, end;
} sim_vm;

/* mm_core_init()'s vmalloc_init() */
void sim_vmalloc_init(void)
{
	unsigned long long size;
	void *base = host_vmalloc_window(&size);

	if (!base)
		sim_abortf("no host address space for vmalloc");
	INIT_LIST_HEAD(&sim_vm.areas);
	vmalloc_base = (unsigned long)base;
	sim_vm.start = (unsigned long)base;
	sim_vm.end = sim_vm.start + size;
}

bool is_vmalloc_addr(const void *x)
{
	unsigned long a = (unsigned long)x;

	return a >= sim_vm.start && a < sim_vm.end;
}

static struct sim_vm_area *sim_vm_find(const void *addr, bool inside)
{
	unsigned long a = (unsigned long)addr;
	struct sim_vm_area *va;

	list_for_each_entry(va, &sim_vm.areas, list) {
		unsigned long s = (unsigned long)va->vm.addr;

		if (a == s || (inside && a > s && a < s + va->vm.size))
			return va;
		if (s > a)
			break;
	}
	return NULL;
}

struct vm_struct *__get_vm_area_node(unsigned long size, unsigned long align,
				     unsigned long shift, unsigned long flags,
				     unsigned long start, unsigned long end,
				     int node, gfp_t gfp_mask,
				     const void *caller)
{
	struct sim_vm_area *va, *next;
	unsigned long addr = sim_vm.start, need;
	struct list_head *pos = &sim_vm.areas;

	size = PAGE_ALIGN(size);
	if (!size || size > sim_vm.end - sim_vm.start)
		return NULL;
	need = size + PAGE_SIZE;		/* the guard page */
	align = max_t(unsigned long, align, PAGE_SIZE);
	list_for_each_entry(next, &sim_vm.areas, list) {
		addr = ALIGN(addr, align);
		if (addr + need <= (unsigned long)next->vm.addr)
			break;
		addr = (unsigned long)next->vm.addr + next->vm.size;
		pos = &next->list;
	}
	addr = ALIGN(addr, align);
	if (addr + need > sim_vm.end || addr + need < addr)
		return NULL;
	va = kzalloc_obj(*va, gfp_mask & (GFP_KERNEL | __GFP_NOWARN));
	if (!va)
		return NULL;
	va->vm.addr = (void *)addr;
	va->vm.size = need;
	va->vm.flags = flags;
	va->vm.caller = caller;
	va->vm.requested_size = size;
	list_add(&va->list, pos);
	return &va->vm;
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct sim_vm_area *va = sim_vm_find(addr, false);

	return va ? &va->vm : NULL;
}

unsigned int get_vm_area_page_order(struct vm_struct *vm)
{
	return 0;
}

void clear_vm_uninitialized_flag(struct vm_struct *vm)
{
	/* pairs with the check in the kernel's vmalloc_info readers */
	smp_wmb();
	vm->flags &= ~VM_UNINITIALIZED;
}

int vmap_pages_range(unsigned long addr, unsigned long end, pgprot_t prot,
		     struct page **pages, unsigned int page_shift)
{
	unsigned long i, n = (end - addr) >> PAGE_SHIFT, run;

	if (page_shift != PAGE_SHIFT)
		return -EINVAL;
	for (i = 0; i < n; i += run) {
		/* physically contiguous pages: one mapping */
		for (run = 1; i + run < n; run++)
			if (page_to_pfn(pages[i + run]) !=
			    page_to_pfn(pages[i]) + run)
				break;
		if (host_vmalloc_map((void *)(addr + (i << PAGE_SHIFT)),
				     page_to_phys(pages[i]), run << PAGE_SHIFT))
			return -ENOMEM;
	}
	return 0;
}

static void sim_vm_release(struct sim_vm_area *va)
{
	host_vmalloc_unmap(va->vm.addr, va->vm.size);
	list_del(&va->list);
	kfree(va);
}

void free_vm_area(struct vm_struct *area)
{
	struct sim_vm_area *va = container_of(area, struct sim_vm_area, vm);

	sim_vm_release(va);
}

void *__vmalloc_node_noprof(unsigned long size, unsigned long align,
			    gfp_t gfp, int node, const void *caller)
{
	struct vm_struct *area;
	unsigned long i, nr;
	struct page **pages;

	size = PAGE_ALIGN(size);
	if (!size)
		return NULL;
	nr = size >> PAGE_SHIFT;
	area = __get_vm_area_node(size, align, PAGE_SHIFT,
				  VM_ALLOC | VM_UNINITIALIZED, 0, 0, node, gfp,
				  caller);
	if (!area)
		goto fail;
	pages = kvmalloc_array(nr, sizeof(*pages), gfp & (GFP_KERNEL | __GFP_NOWARN));
	if (!pages)
		goto fail_area;
	area->pages = pages;
	for (i = 0; i < nr; i++) {
		pages[i] = alloc_pages_node_noprof(node, gfp & ~__GFP_COMP, 0);
		if (!pages[i])
			goto fail_pages;
		area->nr_pages++;
	}
	if (vmap_pages_range((unsigned long)area->addr,
			     (unsigned long)area->addr + size, PAGE_KERNEL,
			     pages, PAGE_SHIFT))
		goto fail_pages;
	clear_vm_uninitialized_flag(area);
	return area->addr;
fail_pages:
	for (i = 0; i < area->nr_pages; i++)
		__free_page(pages[i]);
	kvfree(pages);
fail_area:
	free_vm_area(area);
fail:
	if (!(gfp & __GFP_NOWARN))
		pr_warn("vmalloc error: size %lu, failed to allocate\n", size);
	return NULL;
}

void *__vmalloc_noprof(unsigned long size, gfp_t gfp)
{
	return __vmalloc_node_noprof(size, 1, gfp, NUMA_NO_NODE,
				     __builtin_return_address(0));
}

void *vmalloc_noprof(unsigned long size)
{
	return __vmalloc_noprof(size, GFP_KERNEL);
}

void *vzalloc_noprof(unsigned long size)
{
	return __vmalloc_noprof(size, GFP_KERNEL | __GFP_ZERO);
}

void *__vmalloc_array_noprof(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (unlikely(check_mul_overflow(n, size, &bytes)))
		return NULL;
	return __vmalloc_noprof(bytes, flags);
}

void *vmalloc_array_noprof(size_t n, size_t size)
{
	return __vmalloc_array_noprof(n, size, GFP_KERNEL);
}

void vfree(const void *addr)
{
	struct sim_vm_area *va;
	unsigned long i;

	if (!addr)
		return;
	va = sim_vm_find(addr, false);
	if (WARN(!va, "Trying to %s() nonexistent vm area (%p)\n", __func__,
		 addr))
		return;
	for (i = 0; i < va->vm.nr_pages; i++)
		__free_page(va->vm.pages[i]);
	kvfree(va->vm.pages);
	sim_vm_release(va);
}

struct page *vmalloc_to_page(const void *addr)
{
	struct sim_vm_area *va = sim_vm_find(addr, true);
	unsigned long i;

	if (!va)
		return NULL;
	i = ((unsigned long)addr - (unsigned long)va->vm.addr) >> PAGE_SHIFT;
	return i < va->vm.nr_pages ? va->vm.pages[i] : NULL;
}
