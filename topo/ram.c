/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine's physical RAM, and what a kexec does to it.
 *
 * RAM is a memfd mapped shared with MAP_NORESERVE: a page costs memory
 * only once touched, and a page can be mapped a second time elsewhere, as
 * vmalloc maps scattered RAM pages at one virtual range
 * (machine_ram_alias()). A page the outgoing kernel did not preserve is
 * poisoned at kexec: it is made inaccessible (PROT_NONE), so the next
 * kernel reading it faults at the exact access instead of silently reading
 * stale data. When the next kernel allocates such a page, it is made
 * accessible again and filled with MACHINE_RAM_POISON, so the stale bytes
 * are never seen. They stay in the host's memory until then, not dropped:
 * the next kernel takes mostly the same pages again, and dropping them
 * cost a host fault and a clear for each (10-15% of the new kernel's
 * boot and restore at 300,000 functions), without lowering the peak.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "machine.h"
#include "mfunc.h"

#define RAM_PAGE	4096ULL

struct mram {
	uint8_t *virt;		/* NULL until first use */
	int fd;			/* the memfd behind virt */
	uint64_t base, size;
	uint64_t nr_pages;
	uint64_t *kept;		/* bitmap: preserved for the coming kexec */
	uint64_t *poisoned;	/* bitmap: inaccessible */
	uint64_t *claimed;	/* bitmap: ever made usable for a kernel */
	uint64_t *scratch;	/* bitmap: wiped, not poisoned, at kexec */
	uint64_t nr_poisoned;
};

static bool bit_test(const uint64_t *map, uint64_t i)
{
	return map[i / 64] >> (i % 64) & 1;
}

static void bit_set(uint64_t *map, uint64_t i)
{
	map[i / 64] |= 1ULL << (i % 64);
}

static void bit_clear(uint64_t *map, uint64_t i)
{
	map[i / 64] &= ~(1ULL << (i % 64));
}

static struct mram *ram_get(struct machine *m)
{
	struct mram **slot = machine_mram(m);

	if (!*slot) {
		*slot = calloc(1, sizeof(**slot));
		if (*slot) {
			(*slot)->base = MACHINE_RAM_BASE;
			(*slot)->size = MACHINE_RAM_DEFAULT;
		}
	}
	return *slot;
}

void mram_free(struct mram *ram)
{
	if (!ram)
		return;
	if (ram->virt) {
		munmap(ram->virt, ram->size);
		close(ram->fd);
	}
	free(ram->kept);
	free(ram->scratch);
	free(ram->poisoned);
	free(ram->claimed);
	free(ram);
}

int machine_set_ram(struct machine *m, uint64_t base, uint64_t size,
		    char *err, size_t errlen)
{
	struct mram *ram = ram_get(m);

	if (!ram)
		return merr(err, errlen, "out of memory");
	if (ram->virt)
		return merr(err, errlen, "RAM is already in use");
	if (!size || base % RAM_PAGE || size % RAM_PAGE || base + size < base)
		return merr(err, errlen,
			    "RAM base and size must be page-aligned and non-zero");
	ram->base = base;
	ram->size = size;
	return 0;
}

void *machine_ram(struct machine *m, uint64_t *base, uint64_t *size)
{
	struct mram *ram = ram_get(m);

	if (!ram)
		return NULL;
	if (!ram->virt) {
		int fd = memfd_create("pcisim-ram", MFD_CLOEXEC);
		void *v;

		if (fd < 0)
			return NULL;
		if (ftruncate(fd, (off_t)ram->size)) {
			close(fd);
			return NULL;
		}
		v = mmap(NULL, ram->size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE, fd, 0);
		if (v == MAP_FAILED) {
			close(fd);
			return NULL;
		}
		ram->nr_pages = ram->size / RAM_PAGE;
		ram->kept = calloc((ram->nr_pages + 63) / 64, 8);
		ram->poisoned = calloc((ram->nr_pages + 63) / 64, 8);
		ram->claimed = calloc((ram->nr_pages + 63) / 64, 8);
		ram->scratch = calloc((ram->nr_pages + 63) / 64, 8);
		if (!ram->kept || !ram->poisoned || !ram->claimed ||
		    !ram->scratch) {
			munmap(v, ram->size);
			close(fd);
			return NULL;
		}
		ram->fd = fd;
		ram->virt = v;
	}
	if (base)
		*base = ram->base;
	if (size)
		*size = ram->size;
	return ram->virt;
}

/* Page index range of [pa, pa+len) clipped to RAM; false if outside. */
static bool ram_range(const struct mram *ram, uint64_t pa, uint64_t len,
		      uint64_t *first, uint64_t *end)
{
	if (!ram || !ram->virt || !len || pa < ram->base ||
	    pa - ram->base >= ram->size || len > ram->size - (pa - ram->base))
		return false;
	*first = (pa - ram->base) / RAM_PAGE;
	*end = (pa - ram->base + len + RAM_PAGE - 1) / RAM_PAGE;
	return true;
}

bool machine_ram_keep(struct machine *m, uint64_t pa, uint64_t len)
{
	struct mram *ram = ram_get(m);
	uint64_t i, end;

	if (!ram_range(ram, pa, len, &i, &end))
		return false;
	for (; i < end; i++)
		bit_set(ram->kept, i);
	return true;
}

bool machine_ram_scratch(struct machine *m, uint64_t pa, uint64_t len)
{
	struct mram *ram = ram_get(m);
	uint64_t i, end;

	if (!ram_range(ram, pa, len, &i, &end))
		return false;
	for (; i < end; i++)
		bit_set(ram->scratch, i);
	return true;
}

/*
 * A scratch run at kexec: its old contents are dropped (the memfd's pages
 * are freed and read as zeroes again) and it stays accessible, because
 * the next kernel's memblock allocates from it before any page
 * allocator could claim it.
 */
static void ram_wipe_run(struct mram *ram, uint64_t first, uint64_t end)
{
	uint64_t i;

	fallocate(ram->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		  (off_t)(first * RAM_PAGE), (off_t)((end - first) * RAM_PAGE));
	for (i = first; i < end; i++) {
		if (bit_test(ram->poisoned, i)) {
			bit_clear(ram->poisoned, i);
			ram->nr_poisoned--;
			mprotect(ram->virt + i * RAM_PAGE, RAM_PAGE,
				 PROT_READ | PROT_WRITE);
		}
		bit_clear(ram->claimed, i);
	}
}

/* Apply prot (and drop contents when poisoning) to a run of pages. */
static void ram_protect_run(struct mram *ram, uint64_t first, uint64_t end,
			    bool poison)
{
	uint8_t *p = ram->virt + first * RAM_PAGE;
	size_t len = (end - first) * RAM_PAGE;

	if (poison) {
		mprotect(p, len, PROT_NONE);
	} else {
		mprotect(p, len, PROT_READ | PROT_WRITE);
		memset(p, MACHINE_RAM_POISON, len);
	}
}

uint64_t machine_ram_poison_unkept(struct machine *m)
{
	struct mram *ram = ram_get(m);
	uint64_t i, run = 0, count = 0;
	bool in_run = false;

	if (!ram || !ram->virt)
		return 0;
	for (i = 0; i <= ram->nr_pages; i++) {
		bool poison = i < ram->nr_pages && !bit_test(ram->kept, i) &&
			      !bit_test(ram->scratch, i) &&
			      !bit_test(ram->poisoned, i);

		if (poison) {
			bit_set(ram->poisoned, i);
			count++;
			if (!in_run) {
				run = i;
				in_run = true;
			}
		} else if (in_run) {
			ram_protect_run(ram, run, i, true);
			in_run = false;
		}
	}
	for (i = 0; i < ram->nr_pages; i++) {
		uint64_t end = i;

		while (end < ram->nr_pages && bit_test(ram->scratch, end) &&
		       !bit_test(ram->kept, end))
			end++;
		if (end > i) {
			ram_wipe_run(ram, i, end);
			i = end;
		}
	}
	memset(ram->kept, 0, (ram->nr_pages + 63) / 64 * 8);
	memset(ram->scratch, 0, (ram->nr_pages + 63) / 64 * 8);
	ram->nr_poisoned += count;
	return count;
}

bool machine_ram_claim(struct machine *m, uint64_t pa, uint64_t len)
{
	struct mram *ram = ram_get(m);
	uint64_t i, end, run = 0;
	bool in_run = false, fresh = true;

	if (!ram || !ram_range(ram, pa, len, &i, &end))
		return false;
	for (uint64_t j = i; j < end; j++) {
		if (bit_test(ram->claimed, j) || bit_test(ram->poisoned, j))
			fresh = false;
		bit_set(ram->claimed, j);
	}
	if (!ram->nr_poisoned) {
		/*
		 * Back the pages now, in one call, rather than by a host page
		 * fault each when the kernel first touches them (about a third
		 * cheaper per page where measured). Only a speed-up: before
		 * Linux 5.14 the call fails and the faults do it.
		 */
		madvise(ram->virt + i * RAM_PAGE, (end - i) * RAM_PAGE,
			MADV_POPULATE_WRITE);
		return fresh;
	}
	for (; i <= end; i++) {
		bool poisoned = i < end && bit_test(ram->poisoned, i);

		if (poisoned) {
			bit_clear(ram->poisoned, i);
			ram->nr_poisoned--;
			if (!in_run) {
				run = i;
				in_run = true;
			}
		} else if (in_run) {
			ram_protect_run(ram, run, i, false);
			in_run = false;
		}
	}
	return fresh;
}

bool machine_ram_is_poisoned(struct machine *m, const void *addr,
			     uint64_t *pa)
{
	struct mram *ram = *machine_mram(m);
	const uint8_t *a = addr;
	uint64_t i;

	if (!ram || !ram->virt || a < ram->virt || a >= ram->virt + ram->size)
		return false;
	i = (uint64_t)(a - ram->virt) / RAM_PAGE;
	if (pa)
		*pa = ram->base + (uint64_t)(a - ram->virt);
	return bit_test(ram->poisoned, i);
}

void machine_ram_move(struct machine *dst, struct machine *src)
{
	struct mram **d = machine_mram(dst), **s = machine_mram(src), *t;

	t = *d;
	*d = *s;
	*s = t;
}

int machine_ram_alias(struct machine *m, void *va, uint64_t pa, uint64_t len)
{
	struct mram *ram = ram_get(m);
	uint64_t i, end;

	if ((uintptr_t)va % RAM_PAGE || !ram_range(ram, pa, len, &i, &end) ||
	    pa % RAM_PAGE || len % RAM_PAGE)
		return -1;
	if (mmap(va, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 ram->fd, (off_t)(pa - ram->base)) == MAP_FAILED)
		return -1;
	return 0;
}

uint64_t machine_ram_nr_poisoned(const struct machine *m)
{
	struct mram *ram = *machine_mram((struct machine *)m);

	return ram ? ram->nr_poisoned : 0;
}
