// SPDX-License-Identifier: GPL-2.0
/*
 * SR-IOV: the PF's capability and the virtual functions it brings to life.
 *
 * VF i (0-based) exists while VF Enable is set and i < NumVFs as it was
 * when VF Enable was set (see sriov_written()); it answers
 * at routing ID  PF RID + First VF Offset + i * VF Stride, where the PF RID
 * uses the bus number the PF captured from its last type-0 config write
 * (PCIe r6.0 2.2.6.2), so VFs may sit on the PF's bus or on higher ones.
 * Offset and stride are fixed: the spec lets them depend on NumVFs and
 * ARI Capable Hierarchy, but fixed values are allowed and keep VF BDFs
 * predictable. A VF's config space is built on first access and thrown
 * away when VF Enable is cleared or the PF is reset.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "mfunc.h"

/* 4K, 8K, 64K, 256K, 1M, 4M: what typical PFs advertise. */
#define SRIOV_PAGE_SIZES	0x553

struct msriov {
	uint16_t pos;			/* SR-IOV capability offset in the PF */
	uint16_t total;			/* TotalVFs */
	uint16_t offset, stride;	/* First VF Offset, VF Stride (RO) */
	bool latched;			/* VF Enable was set while modelled: */
	uint16_t live;			/* the VFs NumVFs gave then */
	struct mfunc_desc vf_desc;	/* how to build a VF's config space */
	struct mfunc *vf_proto;		/* built from it once; VFs are clones */
	struct mfunc *vf[];		/* [total], built on first access */
};

static void vf_desc_init(struct mfunc_desc *vd, const struct mfunc_desc *d)
{
	*vd = *d;
	vd->kind = d->kind == MF_RCIEP ? MF_RCIEP : MF_ENDPOINT;
	/* SR-IOV r1.1 3.4.1.1/2: a VF's Vendor and Device ID read 0xffff. */
	vd->vendor = 0xffff;
	vd->device = 0xffff;
	vd->interrupt_pin = 0;		/* VFs have no INTx */
	/* VF BARs sit in the PF; kept here only to place the MSI-X table. */
	memcpy(vd->bar, d->vf_bar, sizeof(vd->bar));
	vd->rom_size = 0;
	vd->slot = vd->hotplug = vd->presence = false;
	vd->total_vfs = 0;
	memset(vd->vf_bar, 0, sizeof(vd->vf_bar));
	vd->raw = NULL;
	vd->nr_raw = 0;
}

int sriov_init(struct mfunc *f, const struct mfunc_desc *d, uint16_t pos,
	       char *err, size_t errlen)
{
	struct msriov *iov;
	uint16_t link;

	if (!d->vf_offset)
		return merr(err, errlen, "SR-IOV: First VF Offset 0 aliases the PF");
	if (!d->vf_stride && d->total_vfs > 1)
		return merr(err, errlen, "SR-IOV: VF Stride 0 with %u VFs",
			    d->total_vfs);
	if (f->devfn + d->vf_offset +
	    (uint32_t)(d->total_vfs - 1) * d->vf_stride > 0xffff)
		return merr(err, errlen, "SR-IOV: last VF beyond routing ID 0xffff");

	iov = calloc(1, sizeof(*iov) + d->total_vfs * sizeof(iov->vf[0]));
	if (!iov)
		return merr(err, errlen, "out of memory");
	f->iov = iov;
	iov->pos = pos;
	iov->total = d->total_vfs;
	iov->offset = d->vf_offset;
	iov->stride = d->vf_stride;
	vf_desc_init(&iov->vf_desc, d);

	/* The kernel compares this with the PF's devfn (RCiEP: function). */
	link = f->kind == MF_RCIEP ? (f->devfn & 7) : f->devfn;

	cfg_init(f, pos + PCI_SRIOV_CAP, 4, 0, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_CTRL, 2, 0, PCI_SRIOV_CTRL_VFE |
		 PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI, 0);
	cfg_init(f, pos + PCI_SRIOV_STATUS, 2, 0, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_INITIAL_VF, 2, d->total_vfs, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_TOTAL_VF, 2, d->total_vfs, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_NUM_VF, 2, 0, 0xffff, 0);
	cfg_init(f, pos + PCI_SRIOV_FUNC_LINK, 1, link, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_VF_OFFSET, 2, d->vf_offset, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_VF_STRIDE, 2, d->vf_stride, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_VF_DID, 2, d->vf_device, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_SUP_PGSIZE, 4, SRIOV_PAGE_SIZES, 0, 0);
	cfg_init(f, pos + PCI_SRIOV_SYS_PGSIZE, 4, 1, SRIOV_PAGE_SIZES, 0);
	return mbars_init(f, pos + PCI_SRIOV_BAR, d->vf_bar, PCI_SRIOV_NUM_BARS,
			  true, err, errlen);
}

int sriov_clone(struct mfunc *f, const struct mfunc *proto)
{
	const struct msriov *from = proto->iov;
	struct msriov *iov;

	iov = calloc(1, sizeof(*iov) + from->total * sizeof(iov->vf[0]));
	if (!iov)
		return -1;
	iov->pos = from->pos;
	iov->total = from->total;
	iov->offset = from->offset;
	iov->stride = from->stride;
	iov->latched = from->latched;
	iov->live = from->live;
	iov->vf_desc = from->vf_desc;
	f->iov = iov;
	return 0;
}

/* raw= bytes may have rewritten the capability: keep what it reads. */
void sriov_latch(struct mfunc *f)
{
	f->iov->offset = cfg_get(f, f->iov->pos + PCI_SRIOV_VF_OFFSET, 2);
	f->iov->stride = cfg_get(f, f->iov->pos + PCI_SRIOV_VF_STRIDE, 2);
}

void sriov_drop_vfs(struct mfunc *f)
{
	struct msriov *iov = f->iov;

	for (int i = 0; i < iov->total; i++) {
		/* Callers name the cause first; this catches any other path. */
		if (iov->vf[i])
			dma_reset(iov->vf[i], "VF removed", NULL);
		mfunc_destroy(iov->vf[i]);
		iov->vf[i] = NULL;
	}
	/* no VFs until VF Enable is set again (a reset's image may have it) */
	iov->latched = false;
}

void sriov_free(struct mfunc *f)
{
	sriov_drop_vfs(f);
	mfunc_destroy(f->iov->vf_proto);
	free(f->iov);
	f->iov = NULL;
}

uint16_t sriov_ctrl(const struct mfunc *f)
{
	return cfg_get(f, f->iov->pos + PCI_SRIOV_CTRL, 2);
}

uint16_t sriov_num_vfs(const struct mfunc *f)
{
	return cfg_get(f, f->iov->pos + PCI_SRIOV_NUM_VF, 2);
}

/*
 * Setting VF Enable brings NumVFs VFs to life; clearing it makes every VF
 * vanish, with all its state. NumVFs may only change while VF Enable is
 * clear (SR-IOV 1.1, 3.3.7: results are undefined otherwise); this device
 * does what QEMU's do (hw/pci/pcie_sriov.c): the register takes the
 * write, and the VFs keep running as they were enabled. A kernel that
 * writes NumVFs under running VFs and then reads it to count them counts
 * wrong, as it would on QEMU (make oracle-lu found one: lu/patches/0020).
 */
void sriov_written(struct mfunc *f, uint16_t old_ctrl)
{
	struct msriov *iov = f->iov;

	/* VFs answer from now on (built on their first cycle) */
	if (!(old_ctrl & PCI_SRIOV_CTRL_VFE) &&
	    (sriov_ctrl(f) & PCI_SRIOV_CTRL_VFE)) {
		iov->live = sriov_num_vfs(f) < iov->total ? sriov_num_vfs(f) :
							    iov->total;
		iov->latched = true;
		machine_route_changed();
	}
	if ((old_ctrl & PCI_SRIOV_CTRL_VFE) &&
	    !(sriov_ctrl(f) & PCI_SRIOV_CTRL_VFE)) {
		dma_reset_vfs(f, "VF gone: VF Enable cleared on PF", f);
		sriov_drop_vfs(f);
	}
}

/* A VF is built from the PF's VF description (mfunc.c: vf_init()). */
static struct mfunc *vf_make(struct mfunc *pf, uint16_t i, uint8_t devfn)
{
	struct mfunc *vf;

	if (!pf->iov->vf_proto)
		pf->iov->vf_proto = mfunc_create_vf(&pf->iov->vf_desc, 0);
	vf = pf->iov->vf_proto ? mfunc_clone(pf->iov->vf_proto, devfn) : NULL;
	if (!vf)
		return NULL;
	vf->host = pf->host;
	vf->pf = pf;
	vf->vf_index = i;
	return vf;
}

uint16_t sriov_pos(const struct mfunc *pf)
{
	return pf->iov->pos;
}

uint16_t sriov_nr_vfs(const struct mfunc *pf)
{
	uint16_t num = cfg_get(pf, pf->iov->pos + PCI_SRIOV_NUM_VF, 2);

	/* a machine made with VF Enable set never saw it set: NumVFs is it */
	if (pf->iov->latched)
		return pf->iov->live;
	return num < pf->iov->total ? num : pf->iov->total;
}

/*
 * Routing ID of VF i, from the bus number the PF captured. First VF
 * Offset and VF Stride are read-only here (see above): kept in iov, not
 * read from config space on every cycle the PF's bus sees.
 */
uint32_t sriov_vf_rid(const struct mfunc *pf, uint16_t i)
{
	return ((uint32_t)pf->bus_nr << 8 | pf->devfn) + pf->iov->offset +
	       (uint32_t)i * pf->iov->stride;
}

/* Index of the enabled VF answering at bus/devfn, or -1. */
static int vf_index(const struct mfunc *pf, uint8_t bus, uint8_t devfn)
{
	uint32_t stride = pf->iov->stride;
	uint32_t rid = (uint32_t)bus << 8 | devfn;
	uint32_t first;
	uint32_t i;

	if (!(sriov_ctrl(pf) & PCI_SRIOV_CTRL_VFE))
		return -1;
	first = sriov_vf_rid(pf, 0);
	if (rid < first)
		return -1;
	if (stride) {
		if ((rid - first) % stride)
			return -1;
		i = (rid - first) / stride;
	} else {
		if (rid != first)
			return -1;
		i = 0;
	}
	return i < sriov_nr_vfs(pf) ? (int)i : -1;
}

/* The enabled VF answering at bus/devfn, or NULL. */
struct mfunc *sriov_find_vf(struct mfunc *pf, uint8_t bus, uint8_t devfn)
{
	struct msriov *iov = pf->iov;
	int i = vf_index(pf, bus, devfn);

	if (i < 0)
		return NULL;
	if (!iov->vf[i])
		iov->vf[i] = vf_make(pf, i, devfn);
	return iov->vf[i];
}

/* The same without building the VF: NULL if it was never accessed. */
struct mfunc *sriov_peek_vf(struct mfunc *pf, uint8_t bus, uint8_t devfn)
{
	int i = vf_index(pf, bus, devfn);

	return i < 0 ? NULL : pf->iov->vf[i];
}

/* VF i while enabled (built on demand), or NULL. */
struct mfunc *sriov_vf(struct mfunc *pf, uint16_t i)
{
	struct msriov *iov = pf->iov;

	if (!(sriov_ctrl(pf) & PCI_SRIOV_CTRL_VFE) || i >= sriov_nr_vfs(pf))
		return NULL;
	if (!iov->vf[i])
		iov->vf[i] = vf_make(pf, i, sriov_vf_rid(pf, i) & 0xff);
	return iov->vf[i];
}
