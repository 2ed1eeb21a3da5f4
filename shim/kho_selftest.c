// SPDX-License-Identifier: GPL-2.0
/*
 * KHO self-test (in the spirit of lib/test_kho.c): preserve a folio, a
 * run of pages that is not a power of two, a vmalloc area and a
 * kho_alloc_preserve() blob, each filled with a pattern derived from a
 * seed, and list them in a blob handed over as the subtree
 * "pcisim-kho-selftest". After kexec, the next kernel restores every item,
 * checks each byte and frees it. Driven by the host through sim_* calls.
 *
 * And a chain: bytes from the host in the same kinds of memory plus a
 * block set, restored, changed and preserved again by every kernel of a
 * series of kexecs, or unpreserved piece by piece before one.
 */
#include <linux/kexec_handover.h>
#include <linux/kho/abi/kexec_handover.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/gfp.h>
#include <linux/err.h>
#include <linux/kho_block.h>
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

/*
 * kho_selftest_fault=leak on a kernel's command line, which the kernel
 * passes to user space: the host, which drives this self-test, has the
 * restoring kernel leave the blob where it is, never restored, so the
 * runner's "never restored" check can be shown to catch it.
 */
static bool kho_selftest_fault_leak;

void sim_kho_selftest_set_fault_leak(bool on)
{
	kho_selftest_fault_leak = on;
	if (on)
		pr_warn("fault injection: the blob is not restored\n");
}

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

	return kho_add_subtree(KHO_SELFTEST_NAME, ser, sizeof(*ser));
}

int sim_kho_selftest_verify(unsigned long long seed)
{
	struct folio *folio, *ser_folio;
	struct kho_selftest_ser *ser;
	struct page *run;
	phys_addr_t pa;
	void *area;
	int err;

	err = kho_retrieve_subtree(KHO_SELFTEST_NAME, &pa, NULL);
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

	if (!kho_selftest_fault_leak) {
		err = kho_selftest_check(phys_to_virt(ser->blob),
					 KHO_SELFTEST_BLOB, seed, 2);
		kho_restore_free(phys_to_virt(ser->blob));
		if (err)
			return err;
	}

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
 * self-test's folio, not its head. The folio is still preserved and
 * unclaimed, so reading the list is allowed; each restore must fail
 * (kexec_handover.c warns once) and leave the folio restorable as a
 * whole. What 7.3 does not refuse is not asked: it trusts the order
 * stored with a head page, so the head asked for as one page, or a page
 * of a run or a vmalloc area that is itself the head of a preserved
 * piece, comes back (whole), as in upstream.
 */
static int kho_selftest_tail_restores(int *bad)
{
	const struct kho_selftest_ser *ser;
	phys_addr_t pa, f;
	int n = 0;

	if (kho_retrieve_subtree(KHO_SELFTEST_NAME, &pa, NULL) ||
	    !sim_kho_preserved_head(pa))
		return 0;
	ser = phys_to_virt(pa);
	f = ser->folio;
	n += kho_selftest_refused(kho_restore_folio(f + PAGE_SIZE),
				  "folio tail page 1", f, bad);
	n += kho_selftest_refused(kho_restore_folio(f + 3 * PAGE_SIZE),
				  "folio tail page 3", f, bad);
	n += kho_selftest_refused(kho_restore_pages(f + PAGE_SIZE, 1),
				  "one page of a folio tail", f, bad);
	n += kho_selftest_refused(kho_restore_pages(f + PAGE_SIZE, 3),
				  "the folio from its second page", f, bad);
	return n;
}

/*
 * A restore of something never preserved, of a tail page of something
 * preserved, or at an address that is no page must fail cleanly (NULL;
 * kexec_handover.c warns the first time), not crash. Returns how many
 * were refused, or -EINVAL if one was not.
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
	return sim_kho_preserved_head(pa);
}

/* Read a byte at a physical address, as a buggy kernel might. */
int sim_kho_selftest_read_phys(unsigned long long pa)
{
	return READ_ONCE(*(u8 *)phys_to_virt(pa));
}

int sim_kho_selftest_copy_from(unsigned long long addr, unsigned long len)
{
	/* a length the compiler cannot see: a call, not inline moves */
	u8 *buf = kmalloc(len, GFP_KERNEL);
	int ret;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, (const void *)(unsigned long)addr, len);
	ret = buf[0];
	kfree(buf);
	return ret;
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

/*
 * The carried chain: data that goes through several kernels, each of
 * which restores it, checks it, changes it and preserves it again, so
 * that what the last kernel holds is what the chain computed, not a copy
 * the first kernel made.
 *
 * Its bytes live in a folio, a page run, a vmalloc area and a block set
 * of fixed-size entries spanning several blocks, in that order (one
 * logical array; the layout is in <sim/host_abi.h>). The list handed
 * over as the subtree "pcisim-kho-chain" holds the generation (the number
 * of kernels that changed the bytes) and an FNV-1a checksum of the bytes,
 * which every restoring kernel checks. A kernel that goes on restores the
 * folio, the run and the vmalloc area and preserves that same memory
 * again; the entries move to a new block set, as an incoming set is read
 * only. The ABI is between kernels of this self-test only.
 */
#define KHO_CHAIN_NAME		"pcisim-kho-chain"
#define KHO_CHAIN_MAGIC		0x6e696168636f686bULL	/* "khochain" */
#define KHO_CHAIN_FOLIO_ORDER	2
#define KHO_CHAIN_RUN_PAGES	3
#define KHO_CHAIN_VMALLOC	(5 * PAGE_SIZE)

struct kho_chain_ser {
	u64 magic;
	u64 generation;
	u64 checksum;		/* FNV-1a over the bytes, in order */
	u64 folio;		/* PA */
	u64 run;		/* PA of KHO_CHAIN_RUN_PAGES pages */
	u64 blocks;		/* PA of the first block */
	u64 nr_entries;
	struct kho_vmalloc vmalloc;
};

static struct {
	struct kho_chain_ser *ser;
	struct folio *folio;
	struct page *run;
	bool run_restored;	/* freed page by page, not as one order-2 run */
	void *area;
	struct kho_block_set in, out;
	struct kho_block_set *bs;	/* in or out, the entries now */
	bool live;		/* set up in this kernel */
	bool outgoing;		/* ... and preserved for the next one */
} kho_chain;

typedef void (*kho_chain_fn)(u8 *p, size_t len, size_t off, void *arg);

/* Call fn on every piece of the bytes, in order; their total length. */
static size_t kho_chain_walk(kho_chain_fn fn, void *arg)
{
	struct kho_block_set_it it;
	size_t off = 0;
	void *e;

	fn(folio_address(kho_chain.folio), folio_size(kho_chain.folio), off,
	   arg);
	off += folio_size(kho_chain.folio);
	fn(page_address(kho_chain.run), KHO_CHAIN_RUN_PAGES * PAGE_SIZE, off,
	   arg);
	off += KHO_CHAIN_RUN_PAGES * PAGE_SIZE;
	fn(kho_chain.area, KHO_CHAIN_VMALLOC, off, arg);
	off += KHO_CHAIN_VMALLOC;
	kho_block_set_it_init(&it, kho_chain.bs);
	while ((e = kho_block_set_it_read_entry(&it))) {
		fn(e, SIM_KHO_CHAIN_ENTRY_SIZE, off, arg);
		off += SIM_KHO_CHAIN_ENTRY_SIZE;
	}
	return off;
}

static void kho_chain_nop(u8 *p, size_t len, size_t off, void *arg)
{
}

static size_t kho_chain_len(void)
{
	return kho_chain_walk(kho_chain_nop, NULL);
}

static void kho_chain_sum(u8 *p, size_t len, size_t off, void *arg)
{
	u64 *h = arg;
	size_t i;

	for (i = 0; i < len; i++) {
		*h ^= p[i];
		*h *= 0x100000001b3ULL;
	}
}

static u64 kho_chain_checksum(void)
{
	u64 h = 0xcbf29ce484222325ULL;

	kho_chain_walk(kho_chain_sum, &h);
	return h;
}

static void kho_chain_copy_in(u8 *p, size_t len, size_t off, void *arg)
{
	memcpy(p, (const u8 *)arg + off, len);
}

static void kho_chain_copy_out(u8 *p, size_t len, size_t off, void *arg)
{
	memcpy((u8 *)arg + off, p, len);
}

/* What a kernel of generation gen does to the bytes: SIM_KHO_CHAIN_STEP. */
static void kho_chain_change(u8 *p, size_t len, size_t off, void *arg)
{
	u64 gen = *(u64 *)arg;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = SIM_KHO_CHAIN_STEP(p[i], gen, off + i);
}

static int kho_chain_preserve(void)
{
	struct kho_chain_ser *ser = kho_chain.ser;
	int err;

	ser->magic = KHO_CHAIN_MAGIC;
	ser->checksum = kho_chain_checksum();
	ser->folio = PFN_PHYS(folio_pfn(kho_chain.folio));
	ser->run = page_to_phys(kho_chain.run);
	ser->blocks = kho_block_set_head_pa(kho_chain.bs);
	err = kho_preserve_folio(kho_chain.folio);
	if (err)
		return err;
	err = kho_preserve_pages(kho_chain.run, KHO_CHAIN_RUN_PAGES);
	if (err)
		goto err_folio;
	err = kho_preserve_vmalloc(kho_chain.area, &ser->vmalloc);
	if (err)
		goto err_run;
	err = kho_add_subtree(KHO_CHAIN_NAME, ser, sizeof(*ser));
	if (err)
		goto err_vmalloc;
	kho_chain.outgoing = true;
	return 0;
err_vmalloc:
	kho_unpreserve_vmalloc(&ser->vmalloc);
err_run:
	kho_unpreserve_pages(kho_chain.run, KHO_CHAIN_RUN_PAGES);
err_folio:
	kho_unpreserve_folio(kho_chain.folio);
	return err;
}

/* Take back what the previous kernel handed over, and check it. */
static int kho_chain_restore(void)
{
	struct kho_chain_ser *ser;
	struct folio *folio;
	phys_addr_t pa;
	int err;

	err = kho_retrieve_subtree(KHO_CHAIN_NAME, &pa, NULL);
	if (err)
		return err;
	folio = kho_restore_folio(pa);
	if (!folio) {
		/* a subtree named in the handover whose blob was not kept */
		pr_err("chain: subtree at %pa was not preserved\n", &pa);
		return -EINVAL;
	}
	ser = folio_address(folio);
	kho_chain.ser = ser;
	kho_chain.live = true;
	if (ser->magic != KHO_CHAIN_MAGIC) {
		pr_err("chain: bad magic %#llx\n", ser->magic);
		return -EINVAL;
	}
	kho_chain.folio = kho_restore_folio(ser->folio);
	kho_chain.run = kho_restore_pages(ser->run, KHO_CHAIN_RUN_PAGES);
	kho_chain.run_restored = true;
	kho_chain.area = kho_restore_vmalloc(&ser->vmalloc);
	if (!kho_chain.folio || !kho_chain.run || !kho_chain.area ||
	    folio_order(kho_chain.folio) != KHO_CHAIN_FOLIO_ORDER) {
		pr_err("chain: a piece did not come back\n");
		return -ENOENT;
	}
	memset(&ser->vmalloc, 0, sizeof(ser->vmalloc));
	kho_block_set_init(&kho_chain.in, SIM_KHO_CHAIN_ENTRY_SIZE);
	err = kho_block_set_restore(&kho_chain.in, ser->blocks);
	if (err)
		return err;
	kho_chain.bs = &kho_chain.in;
	if (kho_chain_len() !=
	    SIM_KHO_CHAIN_FIXED_BYTES +
	    ser->nr_entries * SIM_KHO_CHAIN_ENTRY_SIZE) {
		pr_err("chain: the block set does not hold %llu entries\n",
		       ser->nr_entries);
		return -EIO;
	}
	if (kho_chain_checksum() != ser->checksum) {
		pr_err("chain: generation %llu: checksum differs\n",
		       ser->generation);
		return -EIO;
	}
	pr_info("chain: generation %llu restored, %llu entries in %lu blocks\n",
		ser->generation, ser->nr_entries, kho_chain.in.nblocks);
	return 0;
}

/* Free everything this kernel holds of the chain; unpreserve it first. */
static void kho_chain_drop(void)
{
	struct kho_chain_ser *ser = kho_chain.ser;
	unsigned long i;

	if (kho_chain.outgoing) {
		kho_remove_subtree(ser);
		kho_unpreserve_vmalloc(&ser->vmalloc);
		kho_unpreserve_pages(kho_chain.run, KHO_CHAIN_RUN_PAGES);
		kho_unpreserve_folio(kho_chain.folio);
	}
	if (kho_chain.area)
		vfree(kho_chain.area);
	if (kho_chain.run && kho_chain.run_restored) {
		for (i = 0; i < KHO_CHAIN_RUN_PAGES; i++)
			__free_page(kho_chain.run + i);
	} else if (kho_chain.run) {
		__free_pages(kho_chain.run, 2);
	}
	if (kho_chain.folio)
		folio_put(kho_chain.folio);
	/* an incoming set frees its pages, an outgoing one unpreserves too */
	if (kho_chain.in.blocks.next)
		kho_block_set_destroy(&kho_chain.in);
	if (kho_chain.out.blocks.next)
		kho_block_set_destroy(&kho_chain.out);
	if (ser && kho_chain.outgoing)
		kho_unpreserve_free(ser);
	else if (ser)
		folio_put(virt_to_folio(ser));
	memset(&kho_chain, 0, sizeof(kho_chain));
}

/* A new outgoing block set of nr_entries entries, zeroed. */
static int kho_chain_new_set(u64 nr_entries)
{
	struct kho_block_set_it it;
	u64 i;
	int err;

	kho_block_set_init(&kho_chain.out, SIM_KHO_CHAIN_ENTRY_SIZE);
	err = kho_block_set_grow(&kho_chain.out, nr_entries);
	if (err)
		return err;
	kho_block_set_it_init(&it, &kho_chain.out);
	for (i = 0; i < nr_entries; i++)
		if (WARN_ON(!kho_block_set_it_reserve_entry(&it)))
			return -ENOSPC;
	kho_chain.bs = &kho_chain.out;
	return 0;
}

int sim_kho_chain_start(const void *data, unsigned long len,
			unsigned long nr_entries)
{
	struct kho_chain_ser *ser;
	int err = -ENOMEM;

	BUILD_BUG_ON((PAGE_SIZE << KHO_CHAIN_FOLIO_ORDER) +
		     KHO_CHAIN_RUN_PAGES * PAGE_SIZE + KHO_CHAIN_VMALLOC !=
		     SIM_KHO_CHAIN_FIXED_BYTES);
	if (kho_chain.live || len != SIM_KHO_CHAIN_FIXED_BYTES +
	    nr_entries * SIM_KHO_CHAIN_ENTRY_SIZE)
		return -EINVAL;
	kho_chain.live = true;
	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser)) {
		kho_chain.live = false;
		return PTR_ERR(ser);
	}
	kho_chain.ser = ser;
	ser->nr_entries = nr_entries;
	kho_chain.folio = folio_alloc(GFP_KERNEL, KHO_CHAIN_FOLIO_ORDER);
	kho_chain.run = alloc_pages(GFP_KERNEL, 2);
	kho_chain.area = vmalloc(KHO_CHAIN_VMALLOC);
	if (!kho_chain.folio || !kho_chain.run || !kho_chain.area)
		goto err;
	err = kho_chain_new_set(nr_entries);
	if (err)
		goto err;
	kho_chain_walk(kho_chain_copy_in, (void *)data);
	err = kho_chain_preserve();
	if (err)
		goto err;
	return 0;
err:
	/* ser came preserved from kho_alloc_preserve(), the rest did not */
	kho_unpreserve_free(ser);
	kho_chain.ser = NULL;
	kho_chain_drop();
	return err;
}

int sim_kho_chain_step(int flags)
{
	struct kho_block_set_it in, out;
	u8 *stale = NULL;
	u64 gen;
	int err;
	void *e;

	if (kho_chain.live)
		return -EBUSY;
	err = kho_chain_restore();
	if (err)
		goto err;
	err = -ENOMEM;
	if (flags & SIM_KHO_CHAIN_STALE) {
		/* the bug this catches: preserving a copy made before the change */
		stale = vmalloc(kho_chain_len());
		if (!stale)
			goto err;
		kho_chain_walk(kho_chain_copy_out, stale);
	}
	err = kho_chain_new_set(kho_chain.ser->nr_entries);
	if (err)
		goto err;
	kho_block_set_it_init(&in, &kho_chain.in);
	kho_block_set_it_init(&out, &kho_chain.out);
	while ((e = kho_block_set_it_read_entry(&in)))
		memcpy(kho_block_set_it_read_entry(&out), e,
		       SIM_KHO_CHAIN_ENTRY_SIZE);
	kho_block_set_destroy(&kho_chain.in);
	gen = ++kho_chain.ser->generation;
	kho_chain_walk(kho_chain_change, &gen);
	if (stale)
		kho_chain_walk(kho_chain_copy_in, stale);
	vfree(stale);
	stale = NULL;
	/* the same memory again: the list, the folio, the run, the area */
	err = kho_preserve_folio(virt_to_folio(kho_chain.ser));
	if (err)
		goto err;
	err = kho_chain_preserve();
	if (err) {
		kho_unpreserve_folio(virt_to_folio(kho_chain.ser));
		goto err;
	}
	pr_info("chain: generation %llu, %llu entries in %lu blocks, preserved again\n",
		gen, kho_chain.ser->nr_entries, kho_chain.out.nblocks);
	return 0;
err:
	vfree(stale);
	kho_chain_drop();
	return err;
}

long sim_kho_chain_read(void *buf, unsigned long len,
			unsigned long long *gen)
{
	size_t total;
	int err;

	if (!kho_chain.live) {
		err = kho_chain_restore();
		if (err) {
			kho_chain_drop();
			return err;
		}
	}
	total = kho_chain_len();
	if (total > len) {
		kho_chain_drop();
		return -ENOSPC;
	}
	kho_chain_walk(kho_chain_copy_out, buf);
	*gen = kho_chain.ser->generation;
	kho_chain_drop();
	return total;
}

/* Physical addresses of the chain's pieces in this kernel, for the host. */
int sim_kho_chain_pas(unsigned long long *pa, int max)
{
	int n = 0;

	if (!kho_chain.live || max < 5)
		return -EINVAL;
	pa[n++] = virt_to_phys(kho_chain.ser);
	pa[n++] = PFN_PHYS(folio_pfn(kho_chain.folio));
	pa[n++] = page_to_phys(kho_chain.run);
	pa[n++] = page_to_phys(vmalloc_to_page(kho_chain.area));
	pa[n++] = kho_block_set_head_pa(kho_chain.bs);
	return n;
}
