// SPDX-License-Identifier: GPL-2.0
/*
 * The slab allocator (mm/slub.c, mm/slab_common.c, mm/util.c).
 *
 * Objects come from pages of the page allocator, so they live in the
 * machine's RAM and have physical addresses, like real slab objects.
 * Departs from the kernel: one size-class cache per kmalloc size, no
 * per-CPU or per-node lists, no debugging or hardening; a cache is only a
 * size, an alignment and a constructor, served by the kmalloc class that
 * fits. A page's slab state is kept in a side table indexed by page frame
 * (outside RAM, like the memmap). gfp flags other than __GFP_ZERO and
 * __GFP_NOWARN are ignored: nothing sleeps or reclaims.
 */
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <linux/vmalloc.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
};

/* Object sizes of the kmalloc classes; index + 1 is stored per page. */
static const unsigned int sim_class_size[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048,
};

#define SIM_NR_CLASSES	ARRAY_SIZE(sim_class_size)
#define SIM_PAGE_LARGE	0xff	/* a multi-page kmalloc, order in .order */

/* Per page frame: which class it serves and its free objects. */
struct sim_slab_page {
	void *freelist;
	struct list_head partial;	/* on sim_partial[cls] while not full */
	u16 inuse;
	u8 cls;				/* 0 = not a slab page */
	u8 order;
};

static struct sim_slab_page *sim_slab_meta;
static unsigned long sim_slab_first_pfn;
static struct list_head sim_partial[SIM_NR_CLASSES];

kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];

static int sim_class_search(size_t size, size_t align)
{
	unsigned int i;

	for (i = 0; i < SIM_NR_CLASSES; i++) {
		unsigned int cs = sim_class_size[i];

		if (cs >= size && (!align || IS_ALIGNED(cs, align)))
			return i;
	}
	return -1;
}

/*
 * Small unaligned requests, the most common, by table as the kernel's
 * kmalloc_size_index[]: (size - 1) / 8 up to 192 bytes.
 */
#define SIM_SMALL_MAX	192
static s8 sim_small_class[SIM_SMALL_MAX / 8];

static void sim_small_class_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_small_class); i++)
		sim_small_class[i] = sim_class_search((i + 1) * 8, 0);
}

static int sim_class_of(size_t size, size_t align)
{
	if (!align && size && size <= SIM_SMALL_MAX)
		return sim_small_class[(size - 1) / 8];
	return sim_class_search(size, align);
}

void sim_slab_init(unsigned long first_pfn, unsigned long nr_pages)
{
	unsigned int i;

	sim_slab_meta = host_boot_alloc(nr_pages * sizeof(*sim_slab_meta));
	if (!sim_slab_meta)
		sim_abortf("no host memory for slab metadata");
	sim_slab_first_pfn = first_pfn;
	for (i = 0; i < SIM_NR_CLASSES; i++)
		INIT_LIST_HEAD(&sim_partial[i]);
	sim_small_class_init();
}

static struct sim_slab_page *sim_meta(const void *obj)
{
	unsigned long pfn = PHYS_PFN(virt_to_phys((void *)obj));

	if (!sim_mm_pfn_valid(pfn))
		sim_abortf("slab: %p is not kernel memory", obj);
	return &sim_slab_meta[pfn - sim_slab_first_pfn];
}

static bool sim_slab_refill(int cls, gfp_t flags)
{
	unsigned int size = sim_class_size[cls], n = PAGE_SIZE / size, i;
	struct page *page = alloc_pages(flags & __GFP_NOWARN, 0);
	struct sim_slab_page *meta;
	char *base;

	if (!page)
		return false;
	base = page_address(page);
	meta = sim_meta(base);
	meta->cls = cls + 1;
	meta->inuse = 0;
	meta->freelist = NULL;
	for (i = n; i-- > 0;) {
		*(void **)(base + i * size) = meta->freelist;
		meta->freelist = base + i * size;
	}
	list_add(&meta->partial, &sim_partial[cls]);
	return true;
}

static void *sim_slab_alloc(int cls, gfp_t flags)
{
	struct sim_slab_page *meta;
	void *obj;

	if (list_empty(&sim_partial[cls]) && !sim_slab_refill(cls, flags))
		return NULL;
	meta = list_first_entry(&sim_partial[cls], struct sim_slab_page,
				partial);
	obj = meta->freelist;
	meta->freelist = *(void **)obj;
	meta->inuse++;
	if (!meta->freelist)
		list_del_init(&meta->partial);
	if (flags & __GFP_ZERO)
		memset(obj, 0, sim_class_size[cls]);
	return obj;
}

static void *sim_large_alloc(size_t size, gfp_t flags)
{
	unsigned int order = get_order(size);
	struct page *page = alloc_pages((flags & (__GFP_ZERO | __GFP_NOWARN)) |
					__GFP_COMP, order);
	struct sim_slab_page *meta;

	if (!page)
		return NULL;
	meta = sim_meta(page_address(page));
	meta->cls = SIM_PAGE_LARGE;
	meta->order = order;
	return page_address(page);
}

static void *sim_kmalloc(size_t size, size_t align, gfp_t flags)
{
	int cls;

	if (!size)
		return ZERO_SIZE_PTR;
	cls = sim_class_of(size, align);
	if (cls < 0)
		return sim_large_alloc(size, flags);
	return sim_slab_alloc(cls, flags);
}

void kfree(const void *objp)
{
	struct sim_slab_page *meta;
	int cls;

	if (ZERO_OR_NULL_PTR(objp))
		return;
	meta = sim_meta(objp);
	if (meta->cls == SIM_PAGE_LARGE) {
		meta->cls = 0;
		__free_pages(virt_to_page(objp), meta->order);
		return;
	}
	if (!meta->cls) {
		/* kvfree() of vmalloc memory: a folio of the page allocator */
		folio_put(virt_to_folio(objp));
		return;
	}
	cls = meta->cls - 1;
	*(void **)objp = meta->freelist;
	if (!meta->freelist)
		list_add(&meta->partial, &sim_partial[cls]);
	meta->freelist = (void *)objp;
	if (--meta->inuse == 0) {
		list_del_init(&meta->partial);
		meta->cls = 0;
		__free_pages(virt_to_page(objp), 0);
	}
}

void kfree_sensitive(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	memzero_explicit((void *)objp, ksize(objp));
	kfree(objp);
}

size_t ksize(const void *objp)
{
	struct sim_slab_page *meta;

	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	meta = sim_meta(objp);
	if (meta->cls == SIM_PAGE_LARGE)
		return PAGE_SIZE << meta->order;
	if (!meta->cls)
		return folio_size(virt_to_folio(objp));
	return sim_class_size[meta->cls - 1];
}

size_t kmalloc_size_roundup(size_t size)
{
	int cls = sim_class_of(size, 0);

	if (!size)
		return 0;
	return cls < 0 ? PAGE_SIZE << get_order(size) : sim_class_size[cls];
}

void *__kmalloc_noprof(DECL_TOKEN_PARAMS(size, token), gfp_t flags)
{
	return sim_kmalloc(size, 0, flags);
}

void *__kmalloc_node_noprof(DECL_KMALLOC_PARAMS(size, b, token), gfp_t flags,
			    int node)
{
	return sim_kmalloc(size, 0, flags);
}

void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return sim_kmalloc(size, 0, flags);
}

void *__kmalloc_cache_node_noprof(struct kmem_cache *s, gfp_t flags,
				  int node, size_t size)
{
	return sim_kmalloc(size, 0, flags);
}

void *__kmalloc_large_noprof(size_t size, gfp_t flags)
{
	return sim_large_alloc(size, flags);
}

void *__kmalloc_large_node_noprof(size_t size, gfp_t flags, int node)
{
	return sim_large_alloc(size, flags);
}

void *__kmalloc_node_track_caller_noprof(DECL_KMALLOC_PARAMS(size, b, token),
					 gfp_t flags, int node,
					 unsigned long caller)
{
	return sim_kmalloc(size, 0, flags);
}

void *__kvmalloc_node_noprof(DECL_KMALLOC_PARAMS(size, b, token),
			     unsigned long align, gfp_t flags, int node)
{
	return sim_kmalloc(size, align, flags);
}

void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

void kvfree_sensitive(const void *addr, size_t len)
{
	kfree_sensitive(addr);
}

void *krealloc_node_align_noprof(const void *p,
				 DECL_TOKEN_PARAMS(new_size, token),
				 unsigned long align, gfp_t flags, int nid)
{
	size_t old;
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old = ksize(p);
	if (new_size <= old) {
		if (flags & __GFP_ZERO)
			memset((char *)p + new_size, 0, old - new_size);
		return (void *)p;
	}
	n = sim_kmalloc(new_size, align, flags);
	if (!n)
		return NULL;
	if (!ZERO_OR_NULL_PTR(p)) {
		memcpy(n, p, old);
		kfree(p);
	}
	if (flags & __GFP_ZERO)
		memset((char *)n + old, 0, new_size - old);
	return n;
}

void *kvrealloc_node_align_noprof(const void *p,
				  DECL_TOKEN_PARAMS(size, token),
				  unsigned long align, gfp_t flags, int nid)
{
	return krealloc_node_align_noprof(p, PASS_TOKEN_PARAMS(size, token),
					  align, flags, nid);
}

struct kmem_cache *__kmem_cache_create_args(const char *name,
					    unsigned int object_size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags)
{
	struct kmem_cache *s = sim_kmalloc(sizeof(*s), 0, __GFP_ZERO);

	if (!s)
		return NULL;
	s->name = name;
	s->size = object_size;
	s->align = args && args->align ? args->align : 0;
	if (flags & SLAB_HWCACHE_ALIGN && s->align < L1_CACHE_BYTES)
		s->align = L1_CACHE_BYTES;
	s->ctor = args ? args->ctor : NULL;
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	kfree(s);
}

void *kmem_cache_alloc_noprof(struct kmem_cache *s, gfp_t flags)
{
	void *obj = sim_kmalloc(s->size, s->align, flags);

	if (obj && s->ctor)
		s->ctor(obj);
	return obj;
}

void *kmem_cache_alloc_lru_noprof(struct kmem_cache *s, struct list_lru *lru,
				  gfp_t flags)
{
	return kmem_cache_alloc_noprof(s, flags);
}

void kmem_cache_free(struct kmem_cache *s, void *objp)
{
	kfree(objp);
}

/* mm_core_init(): slab comes up once memblock handed its pages over */
bool slab_is_available(void)
{
	return sim_mm_is_up();
}

/* mm/util.c */
char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = sim_kmalloc(len, 0, gfp);
	if (buf)
		memcpy(buf, s, len);
	return buf;
}

/* The kernel keeps .rodata strings shared; here every string is a copy. */
const char *kstrdup_const(const char *s, gfp_t gfp)
{
	return kstrdup(s, gfp);
}

void kfree_const(const void *x)
{
	kfree(x);
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strnlen(s, max);
	buf = sim_kmalloc(len + 1, 0, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

char *kmemdup_nul(const char *s, size_t len, gfp_t gfp)
{
	char *buf;

	if (!s)
		return NULL;
	buf = sim_kmalloc(len + 1, 0, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

void *kmemdup_noprof(const void *src, size_t len, gfp_t gfp)
{
	void *p = sim_kmalloc(len, 0, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

/* User pointers are the host's (shim/uaccess.c). */
void *memdup_user_nul(const void __user *src, size_t len)
{
	char *p = sim_kmalloc(len + 1, 0, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(p, src, len)) {
		kfree(p);
		return ERR_PTR(-EFAULT);
	}
	p[len] = '\0';
	return p;
}

/* With CONFIG_SMP=n a per-CPU pointer is an ordinary pointer. */
void __percpu *pcpu_alloc_noprof(size_t size, size_t align, bool reserved,
				 gfp_t gfp)
{
	return (void __percpu __force *)sim_kmalloc(size, align,
						    gfp | __GFP_ZERO);
}

void free_percpu(void __percpu *ptr)
{
	kfree((void __force *)ptr);
}
