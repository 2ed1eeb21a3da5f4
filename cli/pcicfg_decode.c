// SPDX-License-Identifier: GPL-2.0
/*
 * One captured function's config bytes -> what a topology line says about
 * it: kind (header type and PCIe port type), IDs, class, BAR types from the
 * low bits of the BAR registers, and the capabilities the topology format
 * models, found by walking the capability lists in the bytes as the
 * kernel's pci_find_capability() and pci_find_ext_capability() do.
 *
 * Register values that only say what software programmed (Command, bus
 * numbers, window bases) are not carried over: the topology is the
 * function at power-on. Bus numbers and windows are only read to place the
 * function in the tree and to guess sizes nobody gave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "pcicfg.h"

static uint32_t rd(const struct pcicfg *c, unsigned pos, unsigned size)
{
	uint32_t v = 0;

	if (pos + size > c->len)
		return 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)c->cfg[pos + i] << (8 * i);
	return v;
}

#define rd8(c, p)	rd(c, p, 1)
#define rd16(c, p)	rd(c, p, 2)
#define rd32(c, p)	rd(c, p, 4)

static unsigned find_cap(const struct pcicfg *c, uint8_t hdr, uint8_t id)
{
	unsigned pos, ttl = 48;	/* as the kernel's PCI_FIND_CAP_TTL */

	if (!(rd16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = rd8(c, hdr == PCI_HEADER_TYPE_CARDBUS ? PCI_CB_CAPABILITY_LIST :
		  PCI_CAPABILITY_LIST);
	if (pos == 0xff)
		return 0;	/* a missing row of a capture; warned once */
	while (ttl-- && pos >= 0x40) {
		pos &= ~3u;
		if (rd8(c, pos) == id)
			return pos;
		pos = rd8(c, pos + PCI_CAP_LIST_NEXT);
	}
	return 0;
}

static unsigned find_ext_cap(const struct pcicfg *c, uint16_t id)
{
	unsigned pos = PCI_CFG_SPACE_SIZE;
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;

	if (c->len < PCI_CFG_SPACE_EXP_SIZE)
		return 0;
	while (ttl-- > 0) {
		uint32_t h = rd32(c, pos);

		if (!h || h == 0xffffffff)
			return 0;
		if (PCI_EXT_CAP_ID(h) == id)
			return pos;
		pos = PCI_EXT_CAP_NEXT(h);
		if (pos < PCI_CFG_SPACE_SIZE)
			return 0;
	}
	return 0;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static enum mfunc_kind kind_of(const struct pcicfg *c, struct pcifn *fn,
			       struct pcicfg_diag *dg)
{
	int t = fn->pcie_type;

	if (fn->hdr_type == PCI_HEADER_TYPE_CARDBUS)
		return MF_CARDBUS_BRIDGE;
	if (fn->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		switch (t) {
		case PCI_EXP_TYPE_ROOT_PORT:	return MF_ROOT_PORT;
		case PCI_EXP_TYPE_UPSTREAM:	return MF_SWITCH_UP;
		case PCI_EXP_TYPE_DOWNSTREAM:	return MF_SWITCH_DOWN;
		case PCI_EXP_TYPE_PCI_BRIDGE:	return MF_PCIE_TO_PCI;
		case -1:			return MF_PCI_BRIDGE;
		}
		pcicfg_warn(dg, c, "is a bridge with PCIe port type %d, which topology files do not have: imported as pci-bridge",
			    t);
		return MF_PCI_BRIDGE;
	}
	switch (t) {
	case PCI_EXP_TYPE_ENDPOINT:	return MF_ENDPOINT;
	case PCI_EXP_TYPE_LEG_END:	return MF_LEGACY_ENDPOINT;
	case PCI_EXP_TYPE_RC_END:	return MF_RCIEP;
	case -1:
		return (fn->d.class_code >> 8) == 0x0600 ? MF_HOST_BRIDGE :
							  MF_PCI_DEVICE;
	}
	pcicfg_warn(dg, c, "has PCIe port type %d, which topology files do not have: imported as rciep",
		    t);
	return MF_RCIEP;
}

/* A size a source gave, if the format can take it for that kind of BAR. */
static uint64_t known_size(const struct pcicfg *c, struct pcicfg_diag *dg,
			   const char *what, int i, enum mbar_kind kind,
			   uint64_t size)
{
	uint64_t min = kind == MBAR_IO ? 4 : 16;
	uint64_t max = kind == MBAR_IO ? 256 :
		       kind == MBAR_MEM32 ? UINT64_C(1) << 31 : UINT64_MAX;

	if (!size)
		return 0;
	if (!is_pow2(size) || size < min || size > max) {
		pcicfg_warn(dg, c, "%s %d size %#llx is not a %s BAR size: ignored",
			    what, i, (unsigned long long)size,
			    kind == MBAR_IO ? "4-256 byte I/O" : "power-of-two memory");
		return 0;
	}
	return size;
}

/*
 * One BAR: the type is in the register's low bits, the address above them
 * (and in the next register, for 64-bit). A register of 0 is a BAR only
 * if the source knows it, with its type. Returns the address.
 */
static uint64_t bar_decode(uint32_t reg, uint32_t upper,
			   const struct pcicfg_res *r, struct mbar_desc *b)
{
	if (reg == 0xffffffff)
		reg = 0;
	if (!reg) {
		/* unimplemented, or a 32-bit memory BAR at 0 */
		if (r->size || r->listed)
			b->kind = r->kind ? (enum mbar_kind)r->kind : MBAR_MEM32;
		b->prefetchable = r->pref && b->kind != MBAR_IO;
		return 0;
	}
	if (reg & PCI_BASE_ADDRESS_SPACE_IO) {
		b->kind = MBAR_IO;
		return reg & PCI_BASE_ADDRESS_IO_MASK;
	}
	b->prefetchable = reg & PCI_BASE_ADDRESS_MEM_PREFETCH;
	if ((reg & PCI_BASE_ADDRESS_MEM_TYPE_MASK) != PCI_BASE_ADDRESS_MEM_TYPE_64) {
		b->kind = MBAR_MEM32;
		return reg & PCI_BASE_ADDRESS_MEM_MASK;
	}
	b->kind = MBAR_MEM64;
	return (reg & PCI_BASE_ADDRESS_MEM_MASK) | (uint64_t)upper << 32;
}

/* nr BARs from pos; 64-bit ones take two slots, as in the kernel. */
static void decode_bar_set(const struct pcicfg *c, struct pcicfg_diag *dg,
			   const char *what, unsigned pos, unsigned nr,
			   const struct pcicfg_res *res, struct mbar_desc *bar,
			   uint64_t *addr, uint16_t per)
{
	for (unsigned i = 0; i < nr; i++) {
		struct mbar_desc *b = &bar[i];
		uint64_t size = res[i].size;

		addr[i] = bar_decode(rd32(c, pos + 4 * i), rd32(c, pos + 4 * i + 4),
				     &res[i], b);
		if (b->kind == MBAR_NONE)
			continue;
		if (b->kind == MBAR_MEM64 && i + 1 == nr) {
			pcicfg_warn(dg, c, "%s %u is 64-bit but the last BAR: left out",
				    what, i);
			b->kind = MBAR_NONE;
			continue;
		}
		if (per > 1 && size % per) {
			pcicfg_warn(dg, c, "%s %u size %#llx is not a multiple of TotalVFs %u: ignored",
				    what, i, (unsigned long long)size, per);
			size = 0;
		}
		b->size = known_size(c, dg, what, (int)i, b->kind, size / per);
		if (b->kind == MBAR_MEM64)
			i++;	/* the upper half */
	}
}

static void decode_rom(const struct pcicfg *c, struct pcifn *fn,
		       struct pcicfg_diag *dg)
{
	unsigned pos = fn->hdr_type == PCI_HEADER_TYPE_BRIDGE ? PCI_ROM_ADDRESS1 :
							       PCI_ROM_ADDRESS;
	uint32_t reg = rd32(c, pos);
	uint64_t size = c->rom.size;

	if (reg == 0xffffffff)
		reg = 0;
	fn->addr.rom = reg & PCI_ROM_ADDRESS_MASK;
	if (!size && !fn->addr.rom)
		return;		/* the usual case: no ROM, or never assigned */
	if (size && (!is_pow2(size) || size < 2048 || size > (16u << 20))) {
		pcicfg_warn(dg, c, "ROM size %#llx is not 2K-16M, a power of two: ignored",
			    (unsigned long long)size);
		size = 0;
	}
	fn->rom_present = true;
	fn->d.rom_size = (uint32_t)size;	/* 0: to be guessed */
}

static void decode_pcie(const struct pcicfg *c, struct pcifn *fn,
			struct pcicfg_diag *dg, unsigned pos)
{
	uint16_t flags = rd16(c, pos + PCI_EXP_FLAGS);
	uint32_t lnk = rd32(c, pos + PCI_EXP_LNKCAP);
	uint32_t slt = rd32(c, pos + PCI_EXP_SLTCAP);
	unsigned speed = lnk & PCI_EXP_LNKCAP_SLS;
	unsigned width = (lnk & PCI_EXP_LNKCAP_MLW) >> 4;
	struct mfunc_desc *d = &fn->d;

	fn->pcie_type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	if (fn->pcie_type == PCI_EXP_TYPE_RC_END)
		return;		/* no link, no slot */
	/* 0 (as XIO3130 downstream ports report) says nothing: default */
	if (speed && width) {
		if (speed > 5 || !is_pow2(width) || width > 32)
			pcicfg_warn(dg, c, "Link Capabilities speed %u width x%u are not gen1-5, x1-x32: link left at the default",
				    speed, width);
		else {
			d->link_speed = (uint8_t)speed;
			d->link_width = (uint8_t)width;
		}
	}
	if ((flags & PCI_EXP_FLAGS_SLOT) &&
	    (fn->pcie_type == PCI_EXP_TYPE_ROOT_PORT ||
	     fn->pcie_type == PCI_EXP_TYPE_DOWNSTREAM)) {
		d->slot = true;
		d->slot_number = (uint16_t)((slt & PCI_EXP_SLTCAP_PSN) >> 19);
		d->hotplug = slt & PCI_EXP_SLTCAP_HPC;
	}
}

static void decode_sriov(const struct pcicfg *c, struct pcifn *fn,
			 struct pcicfg_diag *dg, unsigned pos)
{
	struct mfunc_desc *d = &fn->d;

	d->total_vfs = (uint16_t)rd16(c, pos + PCI_SRIOV_TOTAL_VF);
	d->vf_offset = (uint16_t)rd16(c, pos + PCI_SRIOV_VF_OFFSET);
	d->vf_stride = (uint16_t)rd16(c, pos + PCI_SRIOV_VF_STRIDE);
	d->vf_device = (uint16_t)rd16(c, pos + PCI_SRIOV_VF_DID);
	fn->vf_enable = rd16(c, pos + PCI_SRIOV_CTRL) & PCI_SRIOV_CTRL_VFE;
	fn->num_vfs = (uint16_t)rd16(c, pos + PCI_SRIOV_NUM_VF);
	if (!d->total_vfs)
		return;
	if (!d->vf_offset || (!d->vf_stride && d->total_vfs > 1)) {
		pcicfg_warn(dg, c, "SR-IOV First VF Offset %u / VF Stride %u place no VFs: SR-IOV left out",
			    d->vf_offset, d->vf_stride);
		d->total_vfs = 0;
		return;
	}
	/* the kernel's VF BAR resources span all TotalVFs */
	decode_bar_set(c, dg, "VF BAR", pos + PCI_SRIOV_BAR, PCI_SRIOV_NUM_BARS,
		       c->vf_bar, d->vf_bar, fn->addr.vf_bar, d->total_vfs);
	for (unsigned i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		if (d->vf_bar[i].kind != MBAR_IO)
			continue;
		pcicfg_warn(dg, c, "VF BAR %u is an I/O BAR, which SR-IOV does not allow: left out",
			    i);
		d->vf_bar[i].kind = MBAR_NONE;
	}
}

/* Bridge windows as programmed; only for guessing sizes, see pcicfg_sizes.c */
static void decode_windows(const struct pcicfg *c, struct pcifn *fn)
{
	uint32_t io_b = rd8(c, PCI_IO_BASE), io_l = rd8(c, PCI_IO_LIMIT);
	uint32_t pf_b = rd16(c, PCI_PREF_MEMORY_BASE);
	uint32_t pf_l = rd16(c, PCI_PREF_MEMORY_LIMIT);
	struct mfunc_desc *d = &fn->d;

	/* Registers of an absent window read 0; the kernel writes base >
	 * limit (never 0/0) into a present window it leaves unused. */
	d->io_window = io_b || io_l;
	d->io32 = (io_b & PCI_IO_RANGE_TYPE_MASK) == PCI_IO_RANGE_TYPE_32;
	d->pref_window = pf_b || pf_l;
	d->pref64 = (pf_b & PCI_PREF_RANGE_TYPE_MASK) == PCI_PREF_RANGE_TYPE_64;
	fn->win[0][0] = (uint64_t)(io_b & PCI_IO_RANGE_MASK) << 8;
	fn->win[0][1] = (uint64_t)(io_l & PCI_IO_RANGE_MASK) << 8 | 0xfff;
	if (d->io32) {
		fn->win[0][0] |= (uint64_t)rd16(c, PCI_IO_BASE_UPPER16) << 16;
		fn->win[0][1] |= (uint64_t)rd16(c, PCI_IO_LIMIT_UPPER16) << 16;
	}
	fn->win[1][0] = (uint64_t)(rd16(c, PCI_MEMORY_BASE) & PCI_MEMORY_RANGE_MASK) << 16;
	fn->win[1][1] = (uint64_t)(rd16(c, PCI_MEMORY_LIMIT) & PCI_MEMORY_RANGE_MASK) << 16 |
			0xfffff;
	fn->win[2][0] = (uint64_t)(pf_b & PCI_PREF_RANGE_MASK) << 16;
	fn->win[2][1] = (uint64_t)(pf_l & PCI_PREF_RANGE_MASK) << 16 | 0xfffff;
	if (d->pref64) {
		fn->win[2][0] |= (uint64_t)rd32(c, PCI_PREF_BASE_UPPER32) << 32;
		fn->win[2][1] |= (uint64_t)rd32(c, PCI_PREF_LIMIT_UPPER32) << 32;
	}
	if (!d->io_window) {
		fn->win[0][0] = 1;
		fn->win[0][1] = 0;
	}
	if (!d->pref_window) {
		fn->win[2][0] = 1;
		fn->win[2][1] = 0;
	}
	fn->secondary = (uint8_t)rd8(c, PCI_SECONDARY_BUS);
	fn->subordinate = (uint8_t)rd8(c, PCI_SUBORDINATE_BUS);
}

void pcicfg_decode(const struct pcicfg *c, struct pcifn *fn,
		   struct pcicfg_diag *dg)
{
	struct mfunc_desc *d = &fn->d;
	unsigned pos;

	memset(fn, 0, sizeof(*fn));
	fn->c = c;
	fn->parent = -1;
	fn->pcie_type = -1;
	snprintf(fn->bdf, sizeof(fn->bdf), "%04x:%02x:%02x.%x", c->domain,
		 c->bus, c->devfn >> 3, c->devfn & 7);
	for (int w = 0; w < 3; w++)
		fn->win[w][0] = 1;	/* start > end: no window */
	d->vendor = (uint16_t)rd16(c, PCI_VENDOR_ID);
	d->device = (uint16_t)rd16(c, PCI_DEVICE_ID);
	d->class_code = rd32(c, PCI_CLASS_REVISION) >> 8;
	d->revision = (uint8_t)rd8(c, PCI_REVISION_ID);
	d->interrupt_pin = (uint8_t)rd8(c, PCI_INTERRUPT_PIN);
	if (d->interrupt_pin > 4) {
		pcicfg_warn(dg, c, "Interrupt Pin %u is not INTA-INTD: left out",
			    d->interrupt_pin);
		d->interrupt_pin = 0;
	}
	fn->hdr_type = rd8(c, PCI_HEADER_TYPE) & 0x7f;
	if (fn->hdr_type > PCI_HEADER_TYPE_CARDBUS)
		return;		/* the caller refuses it */
	if ((rd16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST) &&
	    rd8(c, fn->hdr_type == PCI_HEADER_TYPE_CARDBUS ?
		PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST) == 0xff)
		pcicfg_warn(dg, c, "Capabilities Pointer reads ff (a row missing from the capture?): imported without its capabilities (PCIe, PM, MSI, MSI-X and all they carry)");
	pos = find_cap(c, fn->hdr_type, PCI_CAP_ID_EXP);
	if (pos)
		decode_pcie(c, fn, dg, pos);
	d->kind = kind_of(c, fn, dg);
	if (fn->hdr_type == PCI_HEADER_TYPE_NORMAL) {
		d->subsys_vendor = (uint16_t)rd16(c, PCI_SUBSYSTEM_VENDOR_ID);
		d->subsys_device = (uint16_t)rd16(c, PCI_SUBSYSTEM_ID);
		decode_bar_set(c, dg, "BAR", PCI_BASE_ADDRESS_0, 6, c->bar,
			       d->bar, fn->addr.bar, 1);
	} else if (fn->hdr_type == PCI_HEADER_TYPE_BRIDGE) {
		pos = find_cap(c, fn->hdr_type, PCI_CAP_ID_SSVID);
		if (pos) {
			d->subsys_vendor = (uint16_t)rd16(c, pos + PCI_SSVID_VENDOR_ID);
			d->subsys_device = (uint16_t)rd16(c, pos + PCI_SSVID_DEVICE_ID);
		}
		decode_bar_set(c, dg, "BAR", PCI_BASE_ADDRESS_0, 2, c->bar,
			       d->bar, fn->addr.bar, 1);
		decode_windows(c, fn);
	} else {
		/* CardBus: the socket registers' BAR; no ROM register */
		d->subsys_vendor = (uint16_t)rd16(c, PCI_CB_SUBSYSTEM_VENDOR_ID);
		d->subsys_device = (uint16_t)rd16(c, PCI_CB_SUBSYSTEM_ID);
		decode_bar_set(c, dg, "BAR", PCI_BASE_ADDRESS_0, 1, c->bar,
			       d->bar, fn->addr.bar, 1);
		fn->secondary = (uint8_t)rd8(c, PCI_CB_CARD_BUS);
		fn->subordinate = (uint8_t)rd8(c, PCI_CB_SUBORDINATE_BUS);
	}
	if (fn->hdr_type != PCI_HEADER_TYPE_CARDBUS)
		decode_rom(c, fn, dg);
	d->pm = find_cap(c, fn->hdr_type, PCI_CAP_ID_PM);
	d->msi = find_cap(c, fn->hdr_type, PCI_CAP_ID_MSI);
	pos = find_cap(c, fn->hdr_type, PCI_CAP_ID_MSIX);
	if (pos) {
		uint32_t table = rd32(c, pos + PCI_MSIX_TABLE);
		uint32_t pba = rd32(c, pos + PCI_MSIX_PBA);
		uint64_t *tmin = &fn->bar_min[table & PCI_MSIX_TABLE_BIR];
		uint64_t *pmin = &fn->bar_min[pba & PCI_MSIX_PBA_BIR];
		uint64_t tend, pend;

		d->msix_vectors = (uint16_t)((rd16(c, pos + PCI_MSIX_FLAGS) &
					      PCI_MSIX_FLAGS_QSIZE) + 1);
		/* the table and the PBA lie inside their BARs */
		tend = (table & PCI_MSIX_TABLE_OFFSET) +
		       (uint64_t)PCI_MSIX_ENTRY_SIZE * d->msix_vectors;
		pend = (pba & PCI_MSIX_PBA_OFFSET) +
		       8 * (uint64_t)((d->msix_vectors + 63) / 64);
		if ((table & PCI_MSIX_TABLE_BIR) < PCICFG_NR_BARS && tend > *tmin)
			*tmin = tend;
		if ((pba & PCI_MSIX_PBA_BIR) < PCICFG_NR_BARS && pend > *pmin)
			*pmin = pend;
	}
	if (fn->pcie_type < 0)
		return;		/* extended config space is PCIe's */
	d->aer = find_ext_cap(c, PCI_EXT_CAP_ID_ERR);
	d->acs = find_ext_cap(c, PCI_EXT_CAP_ID_ACS);
	d->ari = find_ext_cap(c, PCI_EXT_CAP_ID_ARI);
	pos = find_ext_cap(c, PCI_EXT_CAP_ID_SRIOV);
	if (pos)
		decode_sriov(c, fn, dg, pos);
}

static void vdiag(struct pcicfg_diag *dg, const struct pcicfg *c,
		  const char *what, const char *fmt, va_list ap)
{
	if (!dg->f)
		return;
	if (!strcmp(what, "error") && dg->source && c && c->line)
		fprintf(dg->f, "%s:%d:1: ", dg->source, c->line);
	else if (!strcmp(what, "error") && dg->source)
		fprintf(dg->f, "%s: ", dg->source);
	fprintf(dg->f, "%s: ", what);
	if (c)
		fprintf(dg->f, "%04x:%02x:%02x.%x ", c->domain, c->bus,
			c->devfn >> 3, c->devfn & 7);
	vfprintf(dg->f, fmt, ap);
	fputc('\n', dg->f);
}

void pcicfg_warn(struct pcicfg_diag *dg, const struct pcicfg *c,
		 const char *fmt, ...)
{
	va_list ap;

	dg->warnings++;
	va_start(ap, fmt);
	vdiag(dg, c, "warning", fmt, ap);
	va_end(ap);
}

void pcicfg_error(struct pcicfg_diag *dg, const struct pcicfg *c,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(dg, c, "error", fmt, ap);
	va_end(ap);
}
