// SPDX-License-Identifier: GPL-2.0
/*
 * One function's config space: building the power-on image and masks from
 * a description, the generic masked read/write path, and resets.
 *
 * Register behaviour is data: a write stores (old & ~wmask) | (val & wmask)
 * and then clears the W1C bits written with 1. Nothing here special-cases
 * BAR sizing: a BAR's write mask is ~(size - 1) on its address bits, so
 * writing all ones reads back the size encoding exactly as on hardware.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "mfunc.h"

/* Command bits a PCIe or PCI function implements (others hardwired 0). */
#define CMD_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
			 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
/* Error bits of Status and Secondary Status: write 1 to clear. */
#define STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			 PCI_STATUS_REC_TARGET_ABORT | \
			 PCI_STATUS_REC_MASTER_ABORT | \
			 PCI_STATUS_SIG_SYSTEM_ERROR | \
			 PCI_STATUS_DETECTED_PARITY)

/* A type-1 function carries its secondary bus in the same allocation. */
struct mbridge {
	struct mfunc f;
	struct mbus sec;
};

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

/*
 * BARs at base .. base + 4 * (n - 1). Memory BARs need at least 16 bytes
 * (the low 4 bits are type bits), I/O BARs at least 4. mem_only is for
 * SR-IOV VF BARs, which cannot be I/O.
 */
int mbars_init(struct mfunc *f, uint16_t base, const struct mbar_desc *bar,
	       int n, bool mem_only, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		const struct mbar_desc *b = &bar[i];
		uint16_t off = base + 4 * i;
		uint32_t type = b->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0;
		uint64_t mask = ~(b->size - 1);

		if (b->kind == MBAR_NONE) {
			if (b->size)
				return merr(err, errlen, "BAR %d: size without a kind", i);
			continue;
		}
		if (!is_pow2(b->size))
			return merr(err, errlen, "BAR %d: size %#llx is not a power of two",
				    i, (unsigned long long)b->size);
		switch (b->kind) {
		case MBAR_IO:
			if (mem_only)
				return merr(err, errlen, "BAR %d: I/O not allowed here", i);
			if (b->prefetchable || b->size < 4 || b->size > 1ULL << 31)
				return merr(err, errlen, "BAR %d: bad I/O BAR", i);
			cfg_init(f, off, 4, PCI_BASE_ADDRESS_SPACE_IO,
				 (uint32_t)mask & PCI_BASE_ADDRESS_IO_MASK, 0);
			break;
		case MBAR_MEM32:
			if (b->size < 16 || b->size > 1ULL << 31)
				return merr(err, errlen, "BAR %d: bad 32-bit size", i);
			cfg_init(f, off, 4, type,
				 (uint32_t)mask & PCI_BASE_ADDRESS_MEM_MASK, 0);
			break;
		case MBAR_MEM64:
			if (i + 1 >= n || bar[i + 1].kind != MBAR_NONE)
				return merr(err, errlen,
					    "BAR %d: 64-bit BAR needs the next slot free", i);
			if (b->size < 16 || b->size > 1ULL << 63)
				return merr(err, errlen, "BAR %d: bad 64-bit size", i);
			cfg_init(f, off, 4, type | PCI_BASE_ADDRESS_MEM_TYPE_64,
				 (uint32_t)mask & PCI_BASE_ADDRESS_MEM_MASK, 0);
			cfg_init(f, off + 4, 4, 0, (uint32_t)(mask >> 32), 0);
			i++;
			break;
		default:
			return merr(err, errlen, "BAR %d: unknown kind", i);
		}
	}
	return 0;
}

/* Expansion ROM: 2 KiB minimum; bit 0 (enable) is writable when present. */
static int rom_init(struct mfunc *f, uint16_t off, uint32_t size,
		    char *err, size_t errlen)
{
	if (!size)
		return 0;
	if (!is_pow2(size) || size < 2048)
		return merr(err, errlen, "ROM size %#x is not a power of two >= 2K",
			    size);
	cfg_init(f, off, 4, 0,
		 (~(size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE, 0);
	return 0;
}

/* The registers both header types share. */
static void header_init(struct mfunc *f, const struct mfunc_desc *d)
{
	bool conventional = d->kind == MF_PCI_DEVICE ||
			    d->kind == MF_PCI_BRIDGE ||
			    d->kind == MF_HOST_BRIDGE ||
			    d->kind == MF_CARDBUS_BRIDGE;

	cfg_init(f, PCI_VENDOR_ID, 2, d->vendor, 0, 0);
	cfg_init(f, PCI_DEVICE_ID, 2, d->device, 0, 0);
	cfg_init(f, PCI_COMMAND, 2, 0, CMD_WMASK, 0);
	cfg_init(f, PCI_STATUS, 2, 0, 0, STATUS_W1C);
	cfg_init(f, PCI_CLASS_REVISION, 4,
		 (d->class_code & 0xffffff) << 8 | d->revision, 0, 0);
	/* Cache Line Size is RW for compatibility; no effect on PCIe. */
	cfg_init(f, PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0);
	/* Latency Timer only exists on conventional PCI; RO 0 on PCIe. */
	cfg_init(f, PCI_LATENCY_TIMER, 1, 0, conventional ? 0xff : 0, 0);
	cfg_init(f, PCI_HEADER_TYPE, 1,
		 mfunc_is_type1(d->kind) ? PCI_HEADER_TYPE_BRIDGE :
		 d->kind == MF_CARDBUS_BRIDGE ? PCI_HEADER_TYPE_CARDBUS :
						PCI_HEADER_TYPE_NORMAL, 0, 0);
	cfg_init(f, PCI_INTERRUPT_LINE, 1, 0, 0xff, 0);
	cfg_init(f, PCI_INTERRUPT_PIN, 1, d->interrupt_pin, 0, 0);
}

static int type0_init(struct mfunc *f, const struct mfunc_desc *d,
		      char *err, size_t errlen)
{
	cfg_init(f, PCI_SUBSYSTEM_VENDOR_ID, 2, d->subsys_vendor, 0, 0);
	cfg_init(f, PCI_SUBSYSTEM_ID, 2, d->subsys_device, 0, 0);
	if (mbars_init(f, PCI_BASE_ADDRESS_0, d->bar, 6, false, err, errlen))
		return -1;
	return rom_init(f, PCI_ROM_ADDRESS, d->rom_size, err, errlen);
}

static int type1_init(struct mfunc *f, const struct mfunc_desc *d,
		      char *err, size_t errlen)
{
	bridge_init(f, d);
	if (mbars_init(f, PCI_BASE_ADDRESS_0, d->bar, 2, false, err, errlen))
		return -1;
	return rom_init(f, PCI_ROM_ADDRESS1, d->rom_size, err, errlen);
}

/* The socket registers' BAR is the only one; no ROM register. */
static int cardbus_bridge_init(struct mfunc *f, const struct mfunc_desc *d,
			       char *err, size_t errlen)
{
	cardbus_init(f, d);
	return mbars_init(f, PCI_BASE_ADDRESS_0, d->bar, 1, false, err, errlen);
}

static int raw_apply(struct mfunc *f, const struct mfunc_desc *d,
		     char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nr_raw; i++) {
		const struct mraw_bytes *r = &d->raw[i];

		if ((size_t)r->offset + r->len > MACHINE_CFG_SIZE ||
		    (r->len && !r->bytes))
			return merr(err, errlen, "raw bytes %#x+%u out of config space",
				    r->offset, r->len);
		memcpy(f->build->cfg + r->offset, r->bytes, r->len);
		/* A conventional function with bytes up there decodes them. */
		if (r->len && r->offset + r->len > PCI_CFG_SIZE)
			f->cfg_size = MACHINE_CFG_SIZE;
	}
	return 0;
}

/* Chunks that are private copies, over all functions (statistics). */
uint64_t mcow_nr_private;

/*
 * The build is complete: intern the masks and the power-on chunks, so
 * that the function shares them with every identical one.
 */
static int mfunc_finish(struct mfunc *f, char *err, size_t errlen)
{
	struct mbuild *b = f->build;
	const uint8_t *masks;

	/* wmask, w1cmask and sticky are one blob (contiguous in mbuild) */
	masks = mcow_intern(b->wmask, 3 * MACHINE_CFG_SIZE);
	if (!masks)
		return merr(err, errlen, "out of memory");
	for (int i = 0; i < MCFG_CHUNKS; i++) {
		f->reset[i] = mcow_intern(b->cfg + i * MCFG_CHUNK, MCFG_CHUNK);
		if (!f->reset[i]) {
			while (i--)
				mcow_put(f->reset[i]);
			mcow_put(masks);
			return merr(err, errlen, "out of memory");
		}
	}
	for (int i = 0; i < MCFG_CHUNKS; i++)
		f->chunk[i] = (uint8_t *)f->reset[i];
	f->wmask = masks;
	f->w1cmask = masks + MACHINE_CFG_SIZE;
	f->sticky = masks + 2 * MACHINE_CFG_SIZE;
	f->build = NULL;
	free(b);
	return 0;
}

/*
 * A VF's own registers, per SR-IOV r1.1 3.4.1: BARs read 0 (the PF's VF
 * BARs decode for it), Memory Space is the PF's VF MSE, so only Bus
 * Master is writable in Command; Cache Line Size is not implemented.
 */
static void vf_init(struct mfunc *f)
{
	for (int b = 0; b < PCI_STD_NUM_BARS; b++)
		cfg_init(f, PCI_BASE_ADDRESS_0 + 4 * b, 4, 0, 0, 0);
	cfg_init(f, PCI_COMMAND, 2, 0, PCI_COMMAND_MASTER, 0);
	cfg_init(f, PCI_CACHE_LINE_SIZE, 1, 0, 0, 0);
}

static struct mfunc *mfunc_build(const struct mfunc_desc *d, uint8_t devfn,
				 bool vf, char *err, size_t errlen)
{
	bool type1 = mfunc_is_type1(d->kind);
	struct mfunc *f;
	int rc;

	if (d->kind < MF_ENDPOINT || d->kind > MF_CARDBUS_BRIDGE) {
		merr(err, errlen, "unknown function kind %d", (int)d->kind);
		return NULL;
	}
	if (d->interrupt_pin > 4) {
		merr(err, errlen, "interrupt pin %u out of range", d->interrupt_pin);
		return NULL;
	}
	if (type1) {
		struct mbridge *b = calloc(1, sizeof(*b));

		if (!b) {
			merr(err, errlen, "out of memory");
			return NULL;
		}
		f = &b->f;
		f->sec = &b->sec;
		f->sec->bridge = f;
	} else {
		f = calloc(1, sizeof(*f));
		if (!f) {
			merr(err, errlen, "out of memory");
			return NULL;
		}
	}
	f->build = calloc(1, sizeof(*f->build));
	if (!f->build) {
		free(f);
		merr(err, errlen, "out of memory");
		return NULL;
	}
	for (int i = 0; i < MCFG_CHUNKS; i++)
		f->chunk[i] = f->build->cfg + i * MCFG_CHUNK;
	f->wmask = f->build->wmask;
	f->w1cmask = f->build->w1cmask;
	f->sticky = f->build->sticky;
	f->kind = d->kind;
	f->devfn = devfn;
	f->presence = d->presence;
	f->cfg_size = PCI_CFG_SIZE;

	header_init(f, d);
	rc = type1 ? type1_init(f, d, err, errlen) :
	     d->kind == MF_CARDBUS_BRIDGE ? cardbus_bridge_init(f, d, err, errlen) :
					    type0_init(f, d, err, errlen);
	if (!rc)
		rc = caps_init(f, d, err, errlen);
	if (!rc)
		rc = raw_apply(f, d, err, errlen);
	if (!rc && f->iov)
		sriov_latch(f);
	if (!rc && vf)
		vf_init(f);
	if (!rc)
		rc = mfunc_finish(f, err, errlen);
	if (rc) {
		mfunc_destroy(f);
		return NULL;
	}
	return f;
}

/*
 * Identical descriptions build identical functions: the first build of
 * a description is kept as a prototype, later ones are clones of it (no
 * image built, nothing hashed but the description). A million functions
 * from a few templates cost a few builds.
 *
 * The key is the description written out field by field (padding and
 * pointers never enter it; raw bytes do, by value). A field added to
 * struct mfunc_desc must be added here: the size check fails until then.
 */
_Static_assert(sizeof(struct mfunc_desc) == 264,
	       "struct mfunc_desc changed: update desc_key() in topo/mfunc.c");

struct keybuf {
	uint8_t *p;
	size_t len, cap;
};

static void key_put(struct keybuf *k, const void *v, size_t n)
{
	if (k->len + n > k->cap) {
		size_t cap = (k->len + n) * 2;
		uint8_t *p = realloc(k->p, cap);

		if (!p) {
			k->cap = 0;	/* marks failure */
			return;
		}
		k->p = p;
		k->cap = cap;
	}
	if (k->cap) {
		memcpy(k->p + k->len, v, n);
		k->len += n;
	}
}

#define KEY(k, x)	do { __typeof__(x) v_ = (x); key_put(k, &v_, sizeof(v_)); } while (0)

static void key_bars(struct keybuf *k, const struct mbar_desc *b)
{
	for (int i = 0; i < MACHINE_MAX_BARS; i++) {
		KEY(k, (uint32_t)b[i].kind);
		KEY(k, (uint8_t)b[i].prefetchable);
		KEY(k, b[i].size);
	}
}

static bool desc_key(struct keybuf *k, const struct mfunc_desc *d,
		     uint8_t devfn)
{
	KEY(k, (uint32_t)d->kind);
	KEY(k, d->vendor);
	KEY(k, d->device);
	KEY(k, d->subsys_vendor);
	KEY(k, d->subsys_device);
	KEY(k, d->class_code);
	KEY(k, d->revision);
	KEY(k, d->interrupt_pin);
	key_bars(k, d->bar);
	KEY(k, d->rom_size);
	KEY(k, (uint8_t)(d->io_window | d->io32 << 1 | d->pref_window << 2 |
			 d->pref64 << 3 | d->slot << 4 | d->hotplug << 5 |
			 d->presence << 6));
	KEY(k, d->link_speed);
	KEY(k, d->link_width);
	KEY(k, d->slot_number);
	KEY(k, (uint8_t)(d->pm | d->msi << 1 | d->aer << 2 | d->acs << 3 |
			 d->ari << 4));
	KEY(k, d->msix_vectors);
	KEY(k, d->total_vfs);
	KEY(k, d->vf_offset);
	KEY(k, d->vf_stride);
	KEY(k, d->vf_device);
	key_bars(k, d->vf_bar);
	/* the SR-IOV capability holds the PF's function number */
	KEY(k, (uint8_t)(d->total_vfs ? devfn : 0));
	KEY(k, d->nr_raw);
	for (size_t i = 0; i < d->nr_raw; i++) {
		KEY(k, d->raw[i].offset);
		KEY(k, d->raw[i].len);
		if (d->raw[i].bytes)
			key_put(k, d->raw[i].bytes, d->raw[i].len);
	}
	return k->cap != 0;
}

struct proto {
	struct proto *next;
	uint64_t hash;
	size_t len;
	struct mfunc *f;
	uint8_t key[];
};

static struct {
	struct proto *bucket[1024];
} protos;

static uint64_t key_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

struct mfunc *mfunc_create(const struct mfunc_desc *d, uint8_t devfn,
			   char *err, size_t errlen)
{
	struct keybuf k = { 0 };
	struct proto *p = NULL;
	struct mfunc *f;
	uint64_t h = 0;

	if (desc_key(&k, d, devfn)) {
		h = key_hash(k.p, k.len);
		for (p = protos.bucket[h % 1024]; p; p = p->next)
			if (p->hash == h && p->len == k.len &&
			    !memcmp(p->key, k.p, k.len))
				break;
	}
	if (p) {
		free(k.p);
		f = mfunc_clone(p->f, devfn);
		if (!f)
			merr(err, errlen, "out of memory");
		return f;
	}
	f = mfunc_build(d, devfn, false, err, errlen);
	if (f && k.cap) {
		p = malloc(sizeof(*p) + k.len);
		if (p) {
			p->hash = h;
			p->len = k.len;
			memcpy(p->key, k.p, k.len);
			p->f = mfunc_clone(f, devfn);
			if (p->f) {
				p->next = protos.bucket[h % 1024];
				protos.bucket[h % 1024] = p;
			} else {
				free(p);
			}
		}
	}
	free(k.p);
	return f;
}

struct mfunc *mfunc_create_vf(const struct mfunc_desc *d, uint8_t devfn)
{
	return mfunc_build(d, devfn, true, NULL, 0);
}

/*
 * A function at power-on state like proto (an endpoint that was never
 * attached: a PF's template VF), sharing everything: no image is built
 * or hashed again.
 */
struct mfunc *mfunc_clone(const struct mfunc *proto, uint8_t devfn)
{
	struct mfunc *f;

	if (proto->build)
		return NULL;
	if (proto->sec) {
		struct mbridge *b = calloc(1, sizeof(*b));

		if (!b)
			return NULL;
		f = &b->f;
		f->sec = &b->sec;
		f->sec->bridge = f;
	} else {
		f = calloc(1, sizeof(*f));
		if (!f)
			return NULL;
	}
	f->kind = proto->kind;
	f->devfn = devfn;
	f->presence = proto->presence;
	f->cfg_size = proto->cfg_size;
	f->pcie = proto->pcie;
	f->ari = proto->ari;
	f->wmask = proto->wmask;
	f->w1cmask = proto->w1cmask;
	f->sticky = proto->sticky;
	mcow_get(f->wmask);
	for (int i = 0; i < MCFG_CHUNKS; i++) {
		f->reset[i] = proto->reset[i];
		f->chunk[i] = (uint8_t *)f->reset[i];
		mcow_get(f->reset[i]);
	}
	if (proto->iov && sriov_clone(f, proto)) {
		mfunc_destroy(f);
		return NULL;
	}
	return f;
}

void mfunc_destroy(struct mfunc *f)
{
	if (!f)
		return;
	if (f->iov)
		sriov_free(f);
	/* whatever routed here routes elsewhere now (caches forget) */
	machine_route_changed();
	if (f->sec) {
		free(f->sec->bridges);
		free(f->sec->pfs);
	}
	if (f->build) {
		/* never finished: everything points into the scratch image */
		free(f->build);
	} else {
		for (int i = 0; i < MCFG_CHUNKS; i++) {
			if (cfg_is_private(f, i)) {
				free(f->chunk[i]);
				mcow_nr_private--;
			}
			mcow_put(f->reset[i]);
		}
		mcow_put(f->wmask);
	}
	/* A type-1 function's allocation starts with it (struct mbridge). */
	free(f);
}

uint8_t *cfg_own(struct mfunc *f, uint16_t off)
{
	int i = off / MCFG_CHUNK;

	if (!cfg_is_private(f, i)) {
		uint8_t *p = malloc(MCFG_CHUNK + MCFG_CHUNK_PAD);

		if (!p) {
			/* the machine cannot model a write it has no room for */
			abort();
		}
		memset(p + MCFG_CHUNK, 0, MCFG_CHUNK_PAD);
		memcpy(p, f->reset[i], MCFG_CHUNK);
		f->chunk[i] = p;
		mcow_nr_private++;
	}
	return &f->chunk[i][off % MCFG_CHUNK];
}

void cfg_reshare(struct mfunc *f, int i)
{
	if (!cfg_is_private(f, i) || memcmp(f->chunk[i], f->reset[i], MCFG_CHUNK))
		return;
	free(f->chunk[i]);
	f->chunk[i] = (uint8_t *)f->reset[i];
	mcow_nr_private--;
}

void cfg_poke(struct mfunc *f, uint16_t off, int size, uint32_t clear,
	      uint32_t set)
{
	for (int k = 0; k < size; k++) {
		uint16_t p = off + k;
		uint8_t c = clear >> (8 * k), s = set >> (8 * k);
		int i = p / MCFG_CHUNK;
		uint8_t tmp[MCFG_CHUNK];
		const uint8_t *r;

		if (f->build) {
			f->build->cfg[p] = (f->build->cfg[p] & ~c) | s;
			continue;
		}
		if (((f->reset[i][p % MCFG_CHUNK] & ~c) | s) ==
		    f->reset[i][p % MCFG_CHUNK] &&
		    ((cfg_byte(f, p) & ~c) | s) == cfg_byte(f, p))
			continue;	/* nothing changes */
		memcpy(tmp, f->reset[i], MCFG_CHUNK);
		tmp[p % MCFG_CHUNK] = (tmp[p % MCFG_CHUNK] & ~c) | s;
		r = mcow_intern(tmp, MCFG_CHUNK);
		if (!r)
			abort();
		if (cfg_is_private(f, i))
			f->chunk[i][p % MCFG_CHUNK] =
				(f->chunk[i][p % MCFG_CHUNK] & ~c) | s;
		else
			f->chunk[i] = (uint8_t *)r;
		mcow_put(f->reset[i]);
		f->reset[i] = r;
		cfg_reshare(f, i);
	}
}

/* size (1, 2 or 4) bytes at p, little-endian as PCI */
static inline uint32_t le_get(const uint8_t *p, int size)
{
	if (size == 4)
		return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
	if (size == 2)
		return p[0] | p[1] << 8;
	return p[0];
}

static inline void le_put(uint8_t *p, int size, uint32_t v)
{
	p[0] = v;
	if (size == 1)
		return;
	p[1] = v >> 8;
	if (size == 2)
		return;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* where is naturally aligned and size 1, 2 or 4 (machine_cfg_write()). */
void mfunc_write(struct mfunc *f, uint16_t where, int size, uint32_t val)
{
	uint16_t old_bctl, old_iov, old_pmcsr;
	uint32_t cur, wm, w1c, v;
	int chunk = where / MCFG_CHUNK, off = where % MCFG_CHUNK;
	uint8_t pm;

	if (where + size > f->cfg_size)
		return;
	pm = pm_csr_written(f, where, size);
	old_pmcsr = pm ? cfg_get(f, pm + PCI_PM_CTRL, 2) : 0;
	old_bctl = f->sec ? cfg_get(f, PCI_BRIDGE_CONTROL, 2) : 0;
	old_iov = f->iov ? sriov_ctrl(f) : 0;

	/*
	 * The register as a whole: RW bits take the value, W1C bits written
	 * as one clear, the rest keep theirs. Aligned, so within one chunk:
	 * one copy-on-write at most.
	 */
	cur = le_get(&f->chunk[chunk][off], size);
	wm = le_get(&f->wmask[where], size);
	w1c = le_get(&f->w1cmask[where], size);
	v = ((cur & ~wm) | (val & wm)) & ~(val & w1c);
	if (v != cur) {
		le_put(cfg_own(f, where), size, v);
		/*
		 * Share the chunk again if it now reads as the power-on
		 * image; the bytes just written decide it cheaply in most
		 * cases.
		 */
		if (v == le_get(&f->reset[chunk][off], size))
			cfg_reshare(f, chunk);
	}
	if (f->sec && where <= PCI_SUBORDINATE_BUS &&
	    where + size > PCI_SECONDARY_BUS)
		machine_route_changed();
	/* ARI Forwarding Enable: which devices a link port's bus reaches */
	if (f->sec && f->pcie && where < f->pcie + PCI_EXP_DEVCTL2 + 2 &&
	    where + size > f->pcie + PCI_EXP_DEVCTL2)
		machine_route_changed();

	/* The registers whose writes do more than store bits. */
	if (f->sec)
		bridge_written(f, old_bctl);
	if (f->iov)
		sriov_written(f, old_iov);
	if (pm)
		pm_written(f, pm, old_pmcsr);
	/* Initiate FLR: only a write of Device Control's high byte sets it. */
	if (f->pcie && where <= f->pcie + PCI_EXP_DEVCTL + 1 &&
	    where + size > f->pcie + PCI_EXP_DEVCTL + 1 && caps_flr_capable(f) &&
	    (cfg_get(f, f->pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR))
		mfunc_flr(f);	/* the power-on image has the bit clear */
}

/* Back to the power-on image; keep_sticky for FLR and hot reset. */
static void restore(struct mfunc *f, bool keep_sticky)
{
	for (int i = 0; i < MCFG_CHUNKS; i++) {
		const uint8_t *st = f->sticky + i * MCFG_CHUNK;
		uint8_t *c = f->chunk[i];

		if (!cfg_is_private(f, i))
			continue;
		for (int j = 0; j < MCFG_CHUNK; j++) {
			uint8_t keep = keep_sticky ? st[j] : 0;

			c[j] = (c[j] & keep) | (f->reset[i][j] & ~keep);
		}
		cfg_reshare(f, i);
	}
	if (f->iov)
		sriov_drop_vfs(f);
	if (f->sec)
		machine_route_changed();
}

/*
 * Hot reset (secondary bus reset from above) or cold reset: the function
 * also forgets the bus number it captured.
 */
void mfunc_power_on(struct mfunc *f, bool cold)
{
	/* Callers name the cause first; this catches any other path. */
	dma_reset(f, cold ? "cold reset" : "hot reset", NULL);
	restore(f, !cold);
	f->bus_nr = 0;
}

/* FLR leaves the captured bus/device number alone (PCIe r6.0 6.6.2). */
void mfunc_flr(struct mfunc *f)
{
	dma_reset(f, "function level reset", NULL);
	if (f->iov)
		dma_reset_vfs(f, "VF gone: function level reset of PF", f);
	restore(f, true);
	/* A bridge's FLR clears Bus Master Enable above engines. */
	dma_check_under(f, f);
}

/* One contiguous copy, valid until the next call (chunks are shared). */
const uint8_t *mfunc_config(const struct mfunc *f)
{
	static uint8_t buf[MACHINE_CFG_SIZE];

	for (int i = 0; i < MCFG_CHUNKS; i++)
		memcpy(buf + i * MCFG_CHUNK, f->chunk[i], MCFG_CHUNK);
	return buf;
}

const uint8_t *mfunc_write_mask(const struct mfunc *f)
{
	return f->wmask;
}

size_t mfunc_config_size(const struct mfunc *f)
{
	return f->cfg_size;
}

struct mfunc *mfunc_physfn(const struct mfunc *f)
{
	return f->pf;
}

enum mfunc_kind mfunc_kind(const struct mfunc *f)
{
	return f->kind;
}
