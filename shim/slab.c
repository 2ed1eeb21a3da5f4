// SPDX-License-Identifier: GPL-2.0
/*
 * The slab and page allocators (mm/slub.c, mm/page_alloc.c, mm/util.c).
 *
 * Departs from the kernel: every object comes from the host allocator with
 * a small header recording its size, so ksize() and krealloc() work; caches
 * are only a size, an alignment and a constructor; gfp flags other than
 * __GFP_ZERO are ignored (nothing sleeps, nothing reclaims).
 */
#include <linux/slab.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <sim/host_abi.h>

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
};

/* Stored in front of every object, so that the object stays aligned. */
struct sim_obj_hdr {
	size_t size;
	size_t pad;	/* offset back to the host block */
};

kmem_buckets kmalloc_caches[NR_KMALLOC_TYPES];

static void *sim_alloc(size_t size, size_t align, gfp_t flags)
{
	size_t hdr = sizeof(struct sim_obj_hdr);
	size_t lead;
	char *block, *obj;
	struct sim_obj_hdr *h;

	if (align < ARCH_KMALLOC_MINALIGN)
		align = ARCH_KMALLOC_MINALIGN;
	if (align < 16)
		align = 16;
	lead = ALIGN(hdr, align);
	block = host_alloc(lead + size, align);
	if (!block)
		return NULL;
	obj = block + lead;
	h = (struct sim_obj_hdr *)obj - 1;
	h->size = size;
	h->pad = lead;
	if (flags & __GFP_ZERO)
		memset(obj, 0, size);
	return obj;
}

static struct sim_obj_hdr *sim_hdr(const void *obj)
{
	return (struct sim_obj_hdr *)obj - 1;
}

void kfree(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	host_free((char *)objp - sim_hdr(objp)->pad);
}

void kfree_sensitive(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return;
	memzero_explicit((void *)objp, sim_hdr(objp)->size);
	kfree(objp);
}

size_t ksize(const void *objp)
{
	if (ZERO_OR_NULL_PTR(objp))
		return 0;
	return sim_hdr(objp)->size;
}

size_t kmalloc_size_roundup(size_t size)
{
	return size;
}

static void *sim_kmalloc(size_t size, gfp_t flags)
{
	if (!size)
		return ZERO_SIZE_PTR;
	/* Power-of-two kmalloc sizes are naturally aligned up to a page. */
	if (is_power_of_2(size) && size <= PAGE_SIZE)
		return sim_alloc(size, size, flags);
	return sim_alloc(size, ARCH_KMALLOC_MINALIGN, flags);
}

void *__kmalloc_noprof(size_t size, gfp_t flags)
{
	return sim_kmalloc(size, flags);
}

void *__kmalloc_node_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags, int node)
{
	return sim_kmalloc(size, flags);
}

void *__kmalloc_cache_noprof(struct kmem_cache *s, gfp_t flags, size_t size)
{
	return sim_kmalloc(size, flags);
}

void *__kmalloc_cache_node_noprof(struct kmem_cache *s, gfp_t flags,
				  int node, size_t size)
{
	return sim_kmalloc(size, flags);
}

void *__kmalloc_large_noprof(size_t size, gfp_t flags)
{
	return sim_alloc(size, PAGE_SIZE, flags);
}

void *__kmalloc_large_node_noprof(size_t size, gfp_t flags, int node)
{
	return sim_alloc(size, PAGE_SIZE, flags);
}

void *__kmalloc_node_track_caller_noprof(DECL_BUCKET_PARAMS(size, b),
					 gfp_t flags, int node,
					 unsigned long caller)
{
	return sim_kmalloc(size, flags);
}

void *__kvmalloc_node_noprof(DECL_BUCKET_PARAMS(size, b), gfp_t flags,
			     int node)
{
	return sim_kmalloc(size, flags);
}

void kvfree(const void *addr)
{
	kfree(addr);
}

void kvfree_sensitive(const void *addr, size_t len)
{
	kfree_sensitive(addr);
}

void *krealloc_noprof(const void *p, size_t new_size, gfp_t flags)
{
	void *n;
	size_t old;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	old = ksize(p);
	if (p && !ZERO_OR_NULL_PTR(p) && new_size <= old)
		return (void *)p;
	n = sim_kmalloc(new_size, flags);
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

void *kvrealloc_noprof(const void *p, size_t size, gfp_t flags)
{
	return krealloc_noprof(p, size, flags);
}

struct kmem_cache *__kmem_cache_create_args(const char *name,
					    unsigned int object_size,
					    struct kmem_cache_args *args,
					    slab_flags_t flags)
{
	struct kmem_cache *s = sim_alloc(sizeof(*s), 16, __GFP_ZERO);

	if (!s)
		return NULL;
	s->name = name;
	s->size = object_size;
	s->align = args && args->align ? args->align : ARCH_KMALLOC_MINALIGN;
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
	void *obj = sim_alloc(s->size, s->align, flags);

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

bool slab_is_available(void)
{
	return true;
}

/* mm/util.c */
char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *buf;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	buf = sim_kmalloc(len, gfp);
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
	buf = sim_kmalloc(len + 1, gfp);
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
	buf = sim_kmalloc(len + 1, gfp);
	if (buf) {
		memcpy(buf, s, len);
		buf[len] = '\0';
	}
	return buf;
}

void *kmemdup_noprof(const void *src, size_t len, gfp_t gfp)
{
	void *p = sim_kmalloc(len, gfp);

	if (p)
		memcpy(p, src, len);
	return p;
}

/* There is no user space: "user" pointers are ordinary pointers here. */
void *memdup_user_nul(const void __user *src, size_t len)
{
	char *p = sim_kmalloc(len + 1, GFP_KERNEL);

	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p, (const void __force *)src, len);
	p[len] = '\0';
	return p;
}

unsigned long _copy_from_user(void *to, const void __user *from,
			      unsigned long n)
{
	memcpy(to, (const void __force *)from, n);
	return 0;
}

unsigned long get_free_pages_noprof(gfp_t gfp_mask, unsigned int order)
{
	return (unsigned long)sim_alloc(PAGE_SIZE << order, PAGE_SIZE,
					gfp_mask);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		kfree((void *)addr);
}

/* With CONFIG_SMP=n a per-CPU pointer is an ordinary pointer. */
void __percpu *pcpu_alloc_noprof(size_t size, size_t align, bool reserved,
				 gfp_t gfp)
{
	return (void __percpu __force *)sim_alloc(size, align,
						  gfp | __GFP_ZERO);
}

void free_percpu(void __percpu *ptr)
{
	kfree((void __force *)ptr);
}
