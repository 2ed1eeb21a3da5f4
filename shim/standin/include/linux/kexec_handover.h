/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kexec HandOver (KHO): the kernel API.
 *
 * pcisim's hand-written KHO (shim/kho.c), written when the pinned tree
 * (6.12) had none. Linux 7.3 has its own header of this name, with another
 * API and ABI (pci-core/README.md, "Stand-ins"); until #12 compiles the
 * real kernel/liveupdate/, this one stands in for it, and the build names
 * it (STANDIN).
 */
#ifndef _LINUX_KEXEC_HANDOVER_H
#define _LINUX_KEXEC_HANDOVER_H

#include <linux/types.h>
#include <linux/errno.h>

struct folio;
struct page;
struct kho_vmalloc;

bool kho_is_enabled(void);
bool is_kho_boot(void);
/*
 * pcisim: the kexec that booted this kernel carried a KHO handover and it
 * was refused (logged): is_kho_boot() is false, yet the previous kernel
 * may have kept devices running. Upstream has no such state (it panics
 * or boots without the handover); users that must not disturb preserved
 * hardware ask for it.
 */
bool kho_handover_refused(void);

int kho_preserve_folio(struct folio *folio);
void kho_unpreserve_folio(struct folio *folio);
struct folio *kho_restore_folio(phys_addr_t phys);

int kho_preserve_pages(struct page *page, unsigned long nr_pages);
void kho_unpreserve_pages(struct page *page, unsigned long nr_pages);
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages);

int kho_preserve_vmalloc(void *ptr, struct kho_vmalloc *preservation);
void kho_unpreserve_vmalloc(struct kho_vmalloc *preservation);
void *kho_restore_vmalloc(const struct kho_vmalloc *preservation);

void *kho_alloc_preserve(size_t size);
void kho_unpreserve_free(void *mem);
void kho_restore_free(void *mem);

bool kho_is_restorable_phys(phys_addr_t phys);

int kho_add_subtree(const char *name, void *blob);
void kho_remove_subtree(void *blob);
int kho_retrieve_subtree(const char *name, phys_addr_t *phys);

/* Boot plumbing: what arch code hands over from the previous kernel. */
void kho_populate(phys_addr_t fdt_phys, u64 fdt_len, phys_addr_t scratch_phys,
		  u64 scratch_len);
void kho_memory_init(void);

#endif /* _LINUX_KEXEC_HANDOVER_H */
