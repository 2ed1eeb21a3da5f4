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
			    d->kind == MF_HOST_BRIDGE;

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

static int raw_apply(struct mfunc *f, const struct mfunc_desc *d,
		     char *err, size_t errlen)
{
	for (size_t i = 0; i < d->nr_raw; i++) {
		const struct mraw_bytes *r = &d->raw[i];

		if ((size_t)r->offset + r->len > MACHINE_CFG_SIZE ||
		    (r->len && !r->bytes))
			return merr(err, errlen, "raw bytes %#x+%u out of config space",
				    r->offset, r->len);
		memcpy(f->cfg + r->offset, r->bytes, r->len);
		/* A conventional function with bytes up there decodes them. */
		if (r->len && r->offset + r->len > PCI_CFG_SIZE)
			f->cfg_size = MACHINE_CFG_SIZE;
	}
	return 0;
}

struct mfunc *mfunc_create(const struct mfunc_desc *d, uint8_t devfn,
			   char *err, size_t errlen)
{
	bool type1 = mfunc_is_type1(d->kind);
	struct mfunc *f;
	int rc;

	if (d->kind < MF_ENDPOINT || d->kind > MF_PCI_BRIDGE) {
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
	f->kind = d->kind;
	f->devfn = devfn;
	f->presence = d->presence;
	f->cfg_size = PCI_CFG_SIZE;

	header_init(f, d);
	rc = type1 ? type1_init(f, d, err, errlen) : type0_init(f, d, err, errlen);
	if (!rc)
		rc = caps_init(f, d, err, errlen);
	if (!rc)
		rc = raw_apply(f, d, err, errlen);
	if (rc) {
		mfunc_destroy(f);
		return NULL;
	}
	mfunc_snapshot(f);
	return f;
}

void mfunc_destroy(struct mfunc *f)
{
	if (!f)
		return;
	if (f->iov)
		sriov_free(f);
	if (f->sec) {
		free(f->sec->bridges);
		free(f->sec->pfs);
	}
	/* A type-1 function's allocation starts with it (struct mbridge). */
	free(f);
}

void mfunc_snapshot(struct mfunc *f)
{
	memcpy(f->reset, f->cfg, sizeof(f->reset));
}

uint32_t mfunc_read(const struct mfunc *f, uint16_t where, int size)
{
	if (where + size > f->cfg_size)
		return cfg_ones(size);
	return cfg_get(f, where, size);
}

void mfunc_write(struct mfunc *f, uint16_t where, int size, uint32_t val)
{
	uint16_t old_bctl, old_iov, old_numvf;

	if (where + size > f->cfg_size)
		return;
	old_bctl = f->sec ? cfg_get(f, PCI_BRIDGE_CONTROL, 2) : 0;
	old_iov = f->iov ? sriov_ctrl(f) : 0;
	old_numvf = f->iov ? sriov_num_vfs(f) : 0;

	for (int i = 0; i < size; i++) {
		uint8_t b = val >> (8 * i);
		uint16_t p = where + i;

		f->cfg[p] = (f->cfg[p] & ~f->wmask[p]) | (b & f->wmask[p]);
		f->cfg[p] &= ~(b & f->w1cmask[p]);
	}

	/* The registers whose writes do more than store bits. */
	if (f->sec)
		bridge_written(f, old_bctl);
	if (f->iov)
		sriov_written(f, old_iov, old_numvf);
	if (caps_flr_capable(f) &&
	    (cfg_get(f, f->pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR))
		mfunc_flr(f);	/* the power-on image has the bit clear */
}

/* Back to the power-on image; keep_sticky for FLR and hot reset. */
static void restore(struct mfunc *f, bool keep_sticky)
{
	for (int i = 0; i < MACHINE_CFG_SIZE; i++) {
		uint8_t keep = keep_sticky ? f->sticky[i] : 0;

		f->cfg[i] = (f->cfg[i] & keep) | (f->reset[i] & ~keep);
	}
	if (f->iov)
		sriov_drop_vfs(f);
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

const uint8_t *mfunc_config(const struct mfunc *f)
{
	return f->cfg;
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
