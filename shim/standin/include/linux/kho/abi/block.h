/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KHO serialization blocks: the ABI.
 *
 * A block is one page: this header, then "count" fixed-size entries. The
 * "next" field chains blocks by physical address (0 ends the chain).
 * Live update between kernels with different page sizes is unsupported,
 * so PAGE_SIZE is part of the contract. Mirrors upstream's block.h.
 */
#ifndef _LINUX_KHO_ABI_BLOCK_H
#define _LINUX_KHO_ABI_BLOCK_H

#include <asm/page.h>
#include <linux/types.h>

#define KHO_BLOCK_SIZE		PAGE_SIZE

struct kho_block_header_ser {
	u64 next;
	u64 count;
} __packed;

#endif /* _LINUX_KHO_ABI_BLOCK_H */
