// SPDX-License-Identifier: GPL-2.0
/*
 * KHO self-test (in the spirit of lib/test_kho.c): preserve a folio, a
 * run of pages that is not a power of two, a vmalloc area and a
 * kho_alloc_preserve() blob, each filled with a pattern derived from a
 * seed, and list them in a blob handed over as the subtree
 * "pcisim-kho-selftest". After kexec, the next kernel restores every item,
 * checks each byte and frees it. Driven by the host through sim_* calls.
 */
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/gfp.h>
#include <linux/err.h>
#include <linux/vmalloc.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

#undef pr_fmt
#define pr_fmt(fmt) "kho-selftest: " fmt

#define KHO_SELFTEST_NAME	"pcisim-kho-selftest"
#define KHO_SELFTEST_FOLIO_ORDER	2
#define KHO_SELFTEST_RUN_PAGES	3
#define KHO_SELFTEST_VMALLOC	(5 * PAGE_SIZE)
#define KHO_SELFTEST_BLOB	1000

/* The handed-over list: ABI between two kernels of this self-test only. */
struct kho_selftest_ser {
	u64 seed;
	u64 folio;		/* PA */
	u64 run;		/* PA of KHO_SELFTEST_RUN_PAGES pages */
	u64 blob;		/* PA */
	struct kho_vmalloc vmalloc;
};

static u8 kho_selftest_byte(u64 seed, unsigned int item, size_t i)
{
	return (u8)(seed * 31 + item * 131 + i * 7 + (i >> 12));
}

static void kho_selftest_fill(void *p, size_t len, u64 seed,
			      unsigned int item)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = kho_selftest_byte(seed, item, i);
}

static int kho_selftest_check(const void *p, size_t len, u64 seed,
			      unsigned int item)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (b[i] != kho_selftest_byte(seed, item, i)) {
			pr_err("item %u differs at byte %zu\n", item, i);
			return -EIO;
		}
	}
	return 0;
}

int sim_kho_selftest_preserve(unsigned long long seed)
{
	struct kho_selftest_ser *ser;
	struct folio *folio;
	struct page *run;
	void *blob, *area;
	int err;

	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser))
		return PTR_ERR(ser);
	ser->seed = seed;

	folio = folio_alloc(GFP_KERNEL, KHO_SELFTEST_FOLIO_ORDER);
	if (!folio)
		return -ENOMEM;
	kho_selftest_fill(folio_address(folio), folio_size(folio), seed, 0);
	err = kho_preserve_folio(folio);
	if (err)
		return err;
	ser->folio = PFN_PHYS(folio_pfn(folio));

	run = alloc_pages(GFP_KERNEL, 2);
	if (!run)
		return -ENOMEM;
	kho_selftest_fill(page_address(run),
			  KHO_SELFTEST_RUN_PAGES * PAGE_SIZE, seed, 1);
	err = kho_preserve_pages(run, KHO_SELFTEST_RUN_PAGES);
	if (err)
		return err;
	ser->run = page_to_phys(run);

	blob = kho_alloc_preserve(KHO_SELFTEST_BLOB);
	if (IS_ERR(blob))
		return PTR_ERR(blob);
	kho_selftest_fill(blob, KHO_SELFTEST_BLOB, seed, 2);
	ser->blob = virt_to_phys(blob);

	area = vmalloc(KHO_SELFTEST_VMALLOC);
	if (!area)
		return -ENOMEM;
	kho_selftest_fill(area, KHO_SELFTEST_VMALLOC, seed, 3);
	err = kho_preserve_vmalloc(area, &ser->vmalloc);
	if (err)
		return err;

	return kho_add_subtree(KHO_SELFTEST_NAME, ser);
}

int sim_kho_selftest_verify(unsigned long long seed)
{
	struct folio *folio, *ser_folio;
	struct kho_selftest_ser *ser;
	struct page *run;
	phys_addr_t pa;
	void *area;
	int err;

	err = kho_retrieve_subtree(KHO_SELFTEST_NAME, &pa);
	if (err) {
		pr_err("no %s subtree: %d\n", KHO_SELFTEST_NAME, err);
		return err;
	}
	ser_folio = kho_restore_folio(pa);
	if (!ser_folio)
		return -ENOENT;
	ser = folio_address(ser_folio);
	if (ser->seed != seed) {
		pr_err("seed %llu, expected %llu\n", ser->seed, seed);
		return -EIO;
	}

	folio = kho_restore_folio(ser->folio);
	if (!folio || folio_order(folio) != KHO_SELFTEST_FOLIO_ORDER)
		return -ENOENT;
	err = kho_selftest_check(folio_address(folio), folio_size(folio),
				 seed, 0);
	folio_put(folio);
	if (err)
		return err;

	run = kho_restore_pages(ser->run, KHO_SELFTEST_RUN_PAGES);
	if (!run)
		return -ENOENT;
	err = kho_selftest_check(page_address(run),
				 KHO_SELFTEST_RUN_PAGES * PAGE_SIZE, seed, 1);
	for (pa = 0; pa < KHO_SELFTEST_RUN_PAGES; pa++)
		__free_page(run + pa);
	if (err)
		return err;

	err = kho_selftest_check(phys_to_virt(ser->blob), KHO_SELFTEST_BLOB,
				 seed, 2);
	kho_restore_free(phys_to_virt(ser->blob));
	if (err)
		return err;

	area = kho_restore_vmalloc(&ser->vmalloc);
	if (!area)
		return -ENOENT;
	err = kho_selftest_check(area, KHO_SELFTEST_VMALLOC, seed, 3);
	vfree(area);

	folio_put(ser_folio);
	return err;
}

/* One restore that must fail: count it, or complain when it did not. */
static int kho_selftest_refused(const void *restored, const char *what,
				phys_addr_t pa, int *bad)
{
	if (!restored)
		return 1;
	pr_err("restore of %s at %pa succeeded\n", what, &pa);
	(*bad)++;
	return 0;
}

/*
 * Restores of the tail of something handed over: a page inside the
 * self-test's folio, page run or vmalloc area, not its head, or its head
 * in another shape. The ranges are still preserved and unclaimed, so
 * reading the list is allowed; each restore must fail with a warning and
 * leave the range restorable as a whole.
 */
static int kho_selftest_tail_restores(int *bad)
{
	const struct kho_selftest_ser *ser;
	const struct kho_vmalloc_chunk *chunk;
	phys_addr_t pa, f, r, v;
	int n = 0;

	if (kho_retrieve_subtree(KHO_SELFTEST_NAME, &pa) ||
	    !kho_is_restorable_phys(pa))
		return 0;
	ser = phys_to_virt(pa);
	f = ser->folio;
	r = ser->run;
	n += kho_selftest_refused(kho_restore_folio(f + PAGE_SIZE),
				  "folio tail page 1", f, bad);
	n += kho_selftest_refused(kho_restore_folio(f + 3 * PAGE_SIZE),
				  "folio tail page 3", f, bad);
	n += kho_selftest_refused(kho_restore_pages(f + PAGE_SIZE, 1),
				  "one page of a folio tail", f, bad);
	n += kho_selftest_refused(kho_restore_pages(f + PAGE_SIZE, 3),
				  "the folio from its second page", f, bad);
	n += kho_selftest_refused(kho_restore_pages(f, 1),
				  "the folio's head as one page", f, bad);
	n += kho_selftest_refused(kho_restore_folio(r + PAGE_SIZE),
				  "page run tail as a folio", r, bad);
	n += kho_selftest_refused(kho_restore_pages(r + PAGE_SIZE, 2),
				  "page run from its second page", r, bad);
	if (kho_is_restorable_phys(ser->vmalloc.first.phys)) {
		chunk = phys_to_virt(ser->vmalloc.first.phys);
		v = chunk->phys[1];
		n += kho_selftest_refused(kho_restore_folio(v),
					  "vmalloc area tail page", v, bad);
		n += kho_selftest_refused(kho_restore_pages(v, 1),
					  "vmalloc area tail page", v, bad);
	}
	return n;
}

/*
 * A restore of something never preserved, of a tail page of something
 * preserved, or at an address that is no page must fail cleanly (NULL and
 * a warning), not crash. Returns how many were refused, or -EINVAL if one
 * was not.
 */
int sim_kho_selftest_bad_restores(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	int bad = 0, n = 0;

	if (!page)
		return -ENOMEM;
	n += kho_selftest_refused(kho_restore_folio(page_to_phys(page)),
				  "a page never preserved", page_to_phys(page),
				  &bad);
	n += kho_selftest_refused(kho_restore_pages(page_to_phys(page), 1),
				  "a page never preserved", page_to_phys(page),
				  &bad);
	/* outside RAM */
	n += kho_selftest_refused(kho_restore_folio(0x1000), "no RAM", 0x1000,
				  &bad);
	/* not page-aligned */
	n += kho_selftest_refused(kho_restore_folio(page_to_phys(page) + 8),
				  "a byte address", page_to_phys(page) + 8,
				  &bad);
	__free_page(page);
	n += kho_selftest_tail_restores(&bad);
	return bad ? -EINVAL : n;
}

/* 1 if pa is the head of a range handed over and not restored yet. */
int sim_kho_selftest_restorable(unsigned long long pa)
{
	return kho_is_restorable_phys(pa);
}

/* Read a byte at a physical address, as a buggy kernel might. */
int sim_kho_selftest_read_phys(unsigned long long pa)
{
	return READ_ONCE(*(u8 *)phys_to_virt(pa));
}

/*
 * A physical address of memory this kernel used and did not preserve: the
 * last page of a 4 MiB block, beyond what the next kernel's boot will
 * allocate, so it is still poisoned when the next kernel reads it.
 */
unsigned long long sim_kho_selftest_unpreserved_page(void)
{
	struct page *page = alloc_pages(GFP_KERNEL, 10);

	if (!page)
		return 0;
	memset(page_address(page), 0xa5, PAGE_SIZE << 10);
	return page_to_phys(page + (1 << 10) - 1);
}
