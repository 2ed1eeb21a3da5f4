/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel world's image, for kexec: "the next kernel starts from a
 * pristine image". The linker script (pci-core/initcalls.ld) gathers the
 * kernel world's writable data and bss into two ranges; before the first
 * boot we keep a copy of the data, and a kexec copies it back and zeroes
 * the bss. Everything the old kernel allocated lived in the machine's RAM
 * (poisoned unless preserved) or in host boot memory (freed here), so
 * nothing of it survives. One process, so a thousand kexecs cost no fork.
 */
#include <stdlib.h>
#include <string.h>

#include "host.h"

extern char __kworld_data_start[], __kworld_data_end[];
extern char __kworld_bss_start[], __kworld_bss_end[];

static char *kworld_pristine;

/*
 * The image is copied as raw memory. In the SANITIZE=1 build (#6) that
 * includes the redzones ASan puts between the kernel world's globals,
 * which memcpy()/memset() would report: copy word by word, unchecked.
 */
#if defined(__SANITIZE_ADDRESS__)
__attribute__((no_sanitize_address, noinline))
static void kworld_copy(void *dst, const void *src, size_t len)
{
	volatile unsigned long *d = dst;
	const volatile unsigned long *s = src;

	for (size_t i = 0; i < len / sizeof(*d); i++)
		d[i] = src ? s[i] : 0;
}
#else
static void kworld_copy(void *dst, const void *src, size_t len)
{
	if (src)
		memcpy(dst, src, len);
	else
		memset(dst, 0, len);
}
#endif

struct boot_alloc {
	struct boot_alloc *next;
};

static struct boot_alloc *boot_allocs;

int host_kworld_snapshot(void)
{
	size_t len = (size_t)(__kworld_data_end - __kworld_data_start);

	if (kworld_pristine)
		return 0;
	kworld_pristine = malloc(len ? len : 1);
	if (!kworld_pristine)
		return -1;
	kworld_copy(kworld_pristine, __kworld_data_start, len);
	return 0;
}

void host_kworld_reset(void)
{
	struct boot_alloc *a;

	kworld_copy(__kworld_data_start, kworld_pristine,
		    (size_t)(__kworld_data_end - __kworld_data_start));
	kworld_copy(__kworld_bss_start, NULL,
		    (size_t)(__kworld_bss_end - __kworld_bss_start));
	while ((a = boot_allocs)) {
		boot_allocs = a->next;
		free(a);
	}
}

size_t host_kworld_image_size(void)
{
	return (size_t)(__kworld_data_end - __kworld_data_start) +
	       (size_t)(__kworld_bss_end - __kworld_bss_start);
}

void *host_boot_alloc(unsigned long size)
{
	/* header padded to 64 so the memory keeps cache-line alignment */
	const size_t hdr = 64;
	struct boot_alloc *a = calloc(1, hdr + size);

	if (!a)
		return NULL;
	a->next = boot_allocs;
	boot_allocs = a;
	return (char *)a + hdr;
}
