/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the machine world: one function's config space, and the
 * buses functions are attached to.
 *
 * A function is its config bytes plus, per byte, a write mask (RW bits), a
 * write-1-to-clear mask (W1C bits), a sticky mask (bits that survive FLR
 * and hot reset) and the power-on image. mfunc_write() is the one write
 * path; the few registers with side effects (Bridge Control's Secondary
 * Bus Reset, SR-IOV VF Enable, Device Control's Initiate FLR) are checked
 * after the masked write, as QEMU's config_write hooks do.
 *
 * Building a function fills cfg and the masks through cfg_init() in a
 * scratch image; when the build is complete, mfunc_finish() makes that
 * the power-on image. Later changes to read-only hardware state
 * (presence, the multi-function bit, ARI Next Function) go through
 * cfg_poke(), which writes both.
 *
 * Copy on write, so that a million functions fit: the masks of a
 * function are shared with every function that has the same ones, and
 * its power-on image is 16 chunks of 256 bytes, each shared with every
 * function whose chunk reads the same (mcow.c interns them). The current
 * bytes are the power-on chunk itself until a write changes one: then
 * that chunk alone is copied, and it is shared again once a reset (or a
 * write) makes it read as the power-on bytes. Reads go through
 * cfg_byte()/cfg_get(), changes through cfg_set()/mfunc_write().
 */
#ifndef PCISIM_MFUNC_H
#define PCISIM_MFUNC_H

#include <linux/pci_regs.h>

#include "machine.h"

/* Newer than the uapi pci_regs.h of some distributions (Debian 12). */
#ifndef PCI_HEADER_TYPE_MFD
#define PCI_HEADER_TYPE_MFD		0x80
#endif
#ifndef PCI_BRIDGE_CTL_VGA_16BIT
#define PCI_BRIDGE_CTL_VGA_16BIT	0x10
#endif

#define MBUS_DEVFNS	256
#define PCI_CFG_SIZE	256	/* conventional functions decode only this */
#define MCFG_CHUNK	256	/* copy-on-write granule of config space */
#define MCFG_CHUNKS	(MACHINE_CFG_SIZE / MCFG_CHUNK)
/*
 * Bytes after every chunk (private copies and interned blobs) that a
 * config read may load and mask away: it loads four bytes whatever the
 * access size, so that the hot path has no branch on the size.
 */
#define MCFG_CHUNK_PAD	4

/* A function's image and masks while mfunc_create() builds it. */
struct mbuild {
	uint8_t cfg[MACHINE_CFG_SIZE];
	uint8_t wmask[MACHINE_CFG_SIZE];
	uint8_t w1cmask[MACHINE_CFG_SIZE];
	uint8_t sticky[MACHINE_CFG_SIZE];
};

struct msriov;
struct mdma;

/* A bus segment: the root bus of a host, or a bridge's secondary side. */
struct mbus {
	struct mfunc *bridge;		/* NULL for a root bus */
	struct mfunc *fn[MBUS_DEVFNS];	/* attached functions, by devfn */
	struct mfunc **bridges;		/* type-1 functions here, devfn order */
	struct mfunc **pfs;		/* SR-IOV physical functions here */
	uint16_t nr_bridges, nr_pfs;
	struct mdma *dma;		/* engines of functions here (VFs too) */
	uint32_t dma_below;		/* engines on this bus and below */
};

struct mfunc {
	/*
	 * What config cycles touch, together at the start: the first cache
	 * line holds these and the pointers to the first two chunks (the
	 * header and PCI capabilities, the first extended ones).
	 */
	uint16_t cfg_size;	/* bytes decoded: 256 or 4096 */
	uint8_t pcie;		/* PCIe capability offset, 0 = none */
	uint8_t bus_nr;		/* bus number captured from type-0 writes */
	uint32_t dma_below;	/* engines of itself, its VFs, below it */
	struct mbus *sec;	/* type 1: secondary side (same allocation) */
	struct msriov *iov;	/* PF: SR-IOV state; NULL otherwise */
	struct mfunc *pf;	/* VF: its physical function; NULL otherwise */
	/* Per byte, shared (read-only) with identical functions. */
	const uint8_t *wmask;		/* RW bits */
	const uint8_t *w1cmask;		/* write-1-to-clear bits */
	uint8_t *chunk[MCFG_CHUNKS];	/* current bytes: reset[i] or a copy */

	struct mhost *host;
	struct mbus *bus;	/* bus it is attached to; NULL for a VF */
	enum mfunc_kind kind;
	uint16_t vf_index;	/* VF: 0-based index */
	uint8_t devfn;		/* where attached (a VF: where it was made) */
	uint16_t ari;		/* ARI extended capability offset, 0 = none */
	bool presence;		/* port: card present even without children */
	struct mdma *dma;	/* its DMA engine, NULL when none */

	const uint8_t *sticky;		/* bits FLR and hot reset keep */
	const uint8_t *reset[MCFG_CHUNKS];	/* power-on image, interned */
	struct mbuild *build;		/* only while mfunc_create() runs */
};

/* mcow.c: interned, reference-counted blobs (chunks and mask sets). */
const uint8_t *mcow_intern(const uint8_t *bytes, uint32_t len);
void mcow_get(const uint8_t *interned);
void mcow_put(const uint8_t *interned);
/* Statistics, for benchmarks: distinct blobs and their bytes. */
void mcow_stats(uint64_t *nr_blobs, uint64_t *bytes);
uint64_t mcow_private_chunks(void);

/* The writable copy of the chunk holding off (copied on first write). */
uint8_t *cfg_own(struct mfunc *f, uint16_t off);
/* Chunk i is private and reads as the power-on bytes: share it again. */
void cfg_reshare(struct mfunc *f, int i);

static inline uint8_t cfg_byte(const struct mfunc *f, uint16_t off)
{
	return f->chunk[off / MCFG_CHUNK][off % MCFG_CHUNK];
}

static inline bool cfg_is_private(const struct mfunc *f, int i)
{
	return f->chunk[i] != f->reset[i];
}

/* Do the n bytes at off read as buf? */
static inline bool cfg_same(const struct mfunc *f, uint16_t off,
			    const uint8_t *buf, int n)
{
	for (int i = 0; i < n; i++)
		if (cfg_byte(f, off + i) != buf[i])
			return false;
	return true;
}

/* Error reporting shared by the machine files: format into err, return -1. */
int merr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline uint32_t cfg_ones(int size)
{
	return size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffff;
}

static inline uint32_t cfg_get(const struct mfunc *f, uint16_t off, int size)
{
	uint32_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | cfg_byte(f, off + i);
	return v;
}

/*
 * A config read of a naturally aligned register inside f's config space
 * (the caller checked both): every config cycle of the kernel ends here.
 */
static inline uint32_t mfunc_read_in(const struct mfunc *f, uint16_t where,
				     int size)
{
	/* naturally aligned: within one chunk (little-endian, as PCI) */
	const uint8_t *p = &f->chunk[where / MCFG_CHUNK][where % MCFG_CHUNK];
	uint32_t v = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;

	return v & (uint32_t)((UINT64_C(1) << (8 * size)) - 1);
}

/* The device itself changing a register's value (not a config write). */
static inline void cfg_set(struct mfunc *f, uint16_t off, int size,
			   uint32_t val)
{
	for (int i = 0; i < size; i++) {
		uint8_t b = val >> (8 * i);

		if (cfg_byte(f, off + i) != b)
			*cfg_own(f, off + i) = b;
	}
	for (int i = 0; i < size; i++)
		if (cfg_is_private(f, (off + i) / MCFG_CHUNK))
			cfg_reshare(f, (off + i) / MCFG_CHUNK);
}

/* Build time: a register's power-on value, RW bits and W1C bits. */
static inline void cfg_init(struct mfunc *f, uint16_t off, int size,
			    uint32_t val, uint32_t wmask, uint32_t w1c)
{
	for (int i = 0; i < size; i++) {
		f->build->cfg[off + i] = val >> (8 * i);
		f->build->wmask[off + i] = wmask >> (8 * i);
		f->build->w1cmask[off + i] = w1c >> (8 * i);
	}
}

static inline void cfg_sticky(struct mfunc *f, uint16_t off, int size,
			      uint32_t mask)
{
	for (int i = 0; i < size; i++)
		f->build->sticky[off + i] = mask >> (8 * i);
}

/*
 * After build: change read-only hardware state in cfg and power-on image
 * (mfunc.c; the power-on chunk is interned again).
 */
void cfg_poke(struct mfunc *f, uint16_t off, int size, uint32_t clear,
	      uint32_t set);

static inline bool mfunc_is_type1(enum mfunc_kind k)
{
	return k >= MF_ROOT_PORT && k <= MF_PCI_BRIDGE;
}

/* mfunc.c: the function itself. */
struct mfunc *mfunc_create(const struct mfunc_desc *d, uint8_t devfn,
			   char *err, size_t errlen);
void mfunc_destroy(struct mfunc *f);
/* A VF of a PF (sriov.c): built from the PF's VF description. */
struct mfunc *mfunc_create_vf(const struct mfunc_desc *d, uint8_t devfn);
/*
 * Another function at power-on state sharing proto's image and masks
 * (proto never attached, its chunks never written).
 */
struct mfunc *mfunc_clone(const struct mfunc *proto, uint8_t devfn);
/* A config write, naturally aligned (within one chunk), as machine.c checks. */
void mfunc_write(struct mfunc *f, uint16_t where, int size, uint32_t val);
void mfunc_power_on(struct mfunc *f, bool cold);
int mbars_init(struct mfunc *f, uint16_t base, const struct mbar_desc *bar,
	       int n, bool mem_only, char *err, size_t errlen);

/* caps.c: capability lists. */
int caps_init(struct mfunc *f, const struct mfunc_desc *d,
	      char *err, size_t errlen);
/* A root or downstream port: below it, a link to one device. */
static inline bool caps_is_link_port(const struct mfunc *f)
{
	return f->pcie && (f->kind == MF_ROOT_PORT || f->kind == MF_SWITCH_DOWN);
}

void caps_set_presence(struct mfunc *f, bool present);
void caps_set_ari_next(struct mfunc *f, uint8_t next);
bool caps_ari_forwarding(const struct mfunc *f);
bool caps_flr_capable(const struct mfunc *f);

/* bridge.c: type-1 header, forwarding decisions, secondary bus reset. */
void bridge_init(struct mfunc *f, const struct mfunc_desc *d);
/* bridge.c: type-2 (CardBus) header; nothing is attached behind it. */
void cardbus_init(struct mfunc *f, const struct mfunc_desc *d);
/* bus lies in b's secondary..subordinate range as programmed */
bool bridge_range_has(const struct mfunc *b, uint8_t bus);
/* ... and b forwards type-1 cycles for it (it is in D0) */
bool bridge_forwards(const struct mfunc *b, uint8_t bus);
uint8_t bridge_secondary(const struct mfunc *b);
void bridge_written(struct mfunc *b, uint16_t old_bctl);
void mbus_reset(struct mbus *bus, bool cold);

/* pm.c: D-states, the PowerState field of the PM capability. */
enum { PM_D0, PM_D1, PM_D2, PM_D3HOT };
/* Offset of the PM capability in the list as config space has it, or 0. */
uint8_t pm_cap(const struct mfunc *f);
/* PowerState (PM_D0 without a PM capability). */
unsigned int pm_state(const struct mfunc *f);
const char *pm_state_name(unsigned int state);
/* The PM capability's offset when a write reaches its PMCSR, else 0. */
uint8_t pm_csr_written(const struct mfunc *f, uint16_t where, int size);
/* After such a write, old_csr being PMCSR before it: what the new state
 * does (an unsupported state discarded, a soft reset, DMA checks). */
void pm_written(struct mfunc *f, uint8_t pos, uint16_t old_csr);

/* sriov.c: the SR-IOV capability and the VFs it brings to life. */
int sriov_init(struct mfunc *f, const struct mfunc_desc *d, uint16_t pos,
	       char *err, size_t errlen);
void sriov_free(struct mfunc *f);
/* After raw bytes: offset and stride as config space has them. */
void sriov_latch(struct mfunc *f);
/* f is a clone of proto (mfunc_clone()): the same SR-IOV, no VF yet. */
int sriov_clone(struct mfunc *f, const struct mfunc *proto);
uint16_t sriov_ctrl(const struct mfunc *f);
void sriov_written(struct mfunc *f, uint16_t old_ctrl);
uint16_t sriov_num_vfs(const struct mfunc *f);
void sriov_drop_vfs(struct mfunc *f);
struct mfunc *sriov_find_vf(struct mfunc *pf, uint8_t bus, uint8_t devfn);

/* sriov.c, for DMA checks and paths. */
uint16_t sriov_pos(const struct mfunc *pf);
/* The VFs that exist while VF Enable is set: NumVFs (clamped to Total) as it was when set */
uint16_t sriov_nr_vfs(const struct mfunc *pf);
uint32_t sriov_vf_rid(const struct mfunc *pf, uint16_t i);
struct mfunc *sriov_vf(struct mfunc *pf, uint16_t i);
struct mfunc *sriov_peek_vf(struct mfunc *pf, uint8_t bus, uint8_t devfn);

/* machine.c: a bridge's bus-number registers changed (routing caches). */
void machine_route_changed(void);

/* machine.c, for dma.c. */
struct machine *mhost_machine(const struct mhost *h);
struct mbus *mhost_root(struct mhost *h);
/* Route like a config cycle, building no VF (an unbuilt one is NULL). */
struct mfunc *machine_route_peek(struct mhost *h, uint8_t bus, uint8_t devfn);

/*
 * dma.c: DMA engines and the event log, owned by struct machine. The
 * hooks: machine_cfg_write() brackets every write with dma_pre_write()
 * and dma_post_write() (nothing to do unless engines sit at or below the
 * function); resets call dma_reset*()
 * before the state goes, so the event names the cause.
 */
struct dma_pre {
	uint16_t where;
	int size;
	uint8_t old[4];
	uint8_t bus_nr;			/* captured bus number before */
	uint8_t sec, sub;		/* a bridge's bus range before */
};
bool dma_pre_write(const struct mfunc *f, uint16_t where, int size,
		   struct dma_pre *pre);
/* Could a write to f matter to an engine? (dma_pre_write()'s first test) */
static inline bool dma_watched(const struct mfunc *f)
{
	return f->dma_below || (f->sec && f->bus->dma_below);
}
void dma_post_write(struct mfunc *f, const struct dma_pre *pre);
void dma_check_under(struct mfunc *f, const struct mfunc *by);
/* why, then " <path of by>" when by is given. */
void dma_reset(struct mfunc *f, const char *why, const struct mfunc *by);
void dma_reset_vfs(struct mfunc *pf, const char *why, const struct mfunc *by);
void dma_reset_bus(struct mbus *bus, const char *why, const struct mfunc *by);
void dma_reset_all(struct machine *m, const char *why);
struct mdmas;
struct mdmas **machine_mdma(struct machine *m);
void mdma_free(struct mdmas *d);

/* topo/ram.c: the machine's physical RAM, owned by struct machine. */
struct mram;
struct mram **machine_mram(struct machine *m);
void mram_free(struct mram *ram);

#endif /* PCISIM_MFUNC_H */
