/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kexec HandOver ABI: what one kernel leaves in memory for the next.
 *
 * Mirrors the newest upstream ABI (compatible "kho-v2"): a flattened
 * device tree whose root carries the physical address of the preserved
 * memory map, and one child node per subsystem blob:
 *
 *	/ {
 *		compatible = "kho-v2";
 *		preserved-memory-map = <u64 PA of the radix tree root>;
 *		NAME { preserved-data = <u64 PA of the blob>; };
 *	};
 *
 * The preserved memory map is a radix tree of single pages. Leaves are
 * bitmaps with one bit per preserved page of some order; inner nodes are
 * tables of physical addresses of the level below. The key of a preserved
 * range of order O at physical address PA is
 *	(1 << (KHO_ORDER_0_LOG2 - O)) | (PA >> (PAGE_SHIFT + O))
 * so ranges of every order share one tree. Any layout change here needs a
 * new compatible string.
 */
#ifndef _LINUX_KHO_ABI_KEXEC_HANDOVER_H
#define _LINUX_KHO_ABI_KEXEC_HANDOVER_H

#include <linux/bits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/types.h>
#include <linux/typecheck.h>
#include <asm/page.h>
#include <asm/io.h>

#define KHO_FDT_COMPATIBLE		"kho-v2"
#define KHO_FDT_MEMORY_MAP_PROP_NAME	"preserved-memory-map"
#define KHO_FDT_SUB_TREE_PROP_NAME	"preserved-data"

/* A pointer that crosses kexec is stored as a physical address. */
#define DECLARE_KHOSER_PTR(name, type)	\
	union {				\
		u64 phys;		\
		type ptr;		\
	} name

#define KHOSER_STORE_PTR(dest, val)			\
	({						\
		typeof(val) v = val;			\
		typecheck(typeof((dest).ptr), v);	\
		(dest).phys = virt_to_phys(v);		\
	})

#define KHOSER_LOAD_PTR(src)						\
	({								\
		typeof(src) s = src;					\
		(typeof((s).ptr))((s).phys ? phys_to_virt((s).phys) :	\
				  NULL);				\
	})

struct kho_vmalloc_hdr {
	DECLARE_KHOSER_PTR(next, struct kho_vmalloc_chunk *);
};

#define KHO_VMALLOC_SIZE \
	((PAGE_SIZE - sizeof(struct kho_vmalloc_hdr)) / sizeof(u64))

/* One page: link to the next chunk, then a 0-terminated array of PAs. */
struct kho_vmalloc_chunk {
	struct kho_vmalloc_hdr hdr;
	u64 phys[KHO_VMALLOC_SIZE];
};

static_assert(sizeof(struct kho_vmalloc_chunk) == PAGE_SIZE);

struct kho_vmalloc {
	DECLARE_KHOSER_PTR(first, struct kho_vmalloc_chunk *);
	unsigned int total_pages;
	unsigned short flags;
	unsigned short order;
};

enum kho_radix_consts {
	/* bit of the order marker for order 0; width of an order-0 key */
	KHO_ORDER_0_LOG2 = 64 - PAGE_SHIFT,
	/* entries of an inner node, log2 */
	KHO_TABLE_SIZE_LOG2 = const_ilog2(PAGE_SIZE / sizeof(phys_addr_t)),
	/* bits of a leaf bitmap, log2 */
	KHO_BITMAP_SIZE_LOG2 = PAGE_SHIFT + const_ilog2(BITS_PER_BYTE),
	/* inner levels plus the leaf level */
	KHO_TREE_MAX_DEPTH = DIV_ROUND_UP(KHO_ORDER_0_LOG2 -
					  KHO_BITMAP_SIZE_LOG2,
					  KHO_TABLE_SIZE_LOG2) + 1,
};

struct kho_radix_node {
	u64 table[1 << KHO_TABLE_SIZE_LOG2];
};

struct kho_radix_leaf {
	DECLARE_BITMAP(bitmap, 1 << KHO_BITMAP_SIZE_LOG2);
};

#endif /* _LINUX_KHO_ABI_KEXEC_HANDOVER_H */
