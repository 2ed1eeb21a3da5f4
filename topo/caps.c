// SPDX-License-Identifier: GPL-2.0
/*
 * Capability lists: PM, MSI, MSI-X, PCI Express and (bridges) Subsystem ID
 * in the list from 0x34; AER, ACS, ARI and SR-IOV in extended config space
 * from 0x100. Only fills values and masks; mfunc.c applies them.
 *
 * Values are what a plain, spec-conforming device reports after reset.
 * Where the spec leaves a choice, the one that keeps the kernel's view
 * simple is taken and said so (e.g. PM No_Soft_Reset set, so a D3hot->D0
 * transition keeps the function's state; pm.c models the internal reset
 * for a function whose raw= bytes clear it).
 */
#include <linux/pci_regs.h>

#include "mfunc.h"

#define ALIGN4(x)	(((x) + 3) & ~3u)

/* Uncorrectable and correctable error bits AER defines (PCIe r6.0 7.8.4). */
#define AER_UNC_BITS	(PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | \
			 PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | \
			 PCI_ERR_UNC_COMP_TIME | PCI_ERR_UNC_COMP_ABORT | \
			 PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_RX_OVER | \
			 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | \
			 PCI_ERR_UNC_UNSUP | PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN)
/* Power-on values the spec gives (r6.0 7.8.4.3, 7.8.4.4, 7.8.4.6). */
#define AER_UNC_SEVER	(PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN | \
			 PCI_ERR_UNC_FCP | PCI_ERR_UNC_RX_OVER | \
			 PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_INTN)
#define AER_UNC_MASKED	PCI_ERR_UNC_INTN
#define AER_COR_MASKED	(PCI_ERR_COR_ADV_NFAT | PCI_ERR_COR_INTERNAL | \
			 PCI_ERR_COR_LOG_OVER)
#define AER_COR_BITS	(PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | \
			 PCI_ERR_COR_BAD_DLLP | PCI_ERR_COR_REP_ROLL | \
			 PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT | \
			 PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER)
#define AER_ROOT_STA	(PCI_ERR_ROOT_COR_RCV | PCI_ERR_ROOT_MULTI_COR_RCV | \
			 PCI_ERR_ROOT_UNCOR_RCV | \
			 PCI_ERR_ROOT_MULTI_UNCOR_RCV | \
			 PCI_ERR_ROOT_FIRST_FATAL | PCI_ERR_ROOT_NONFATAL_RCV | \
			 PCI_ERR_ROOT_FATAL_RCV)
#define AER_SIZE	0x48	/* v2, root port registers and TLP prefix log */
#define PCIE_CAP_SIZE	0x3c	/* v2 with slot registers (SltSta2 ends here) */

/* Where the next capability goes and which pointer links to it. */
struct capw {
	struct mfunc *f;
	uint16_t link;		/* offset of the previous "next" field */
	uint16_t pos;		/* where the next capability starts */
};

static uint8_t pcie_type(enum mfunc_kind k)
{
	switch (k) {
	case MF_ENDPOINT:	 return PCI_EXP_TYPE_ENDPOINT;
	case MF_LEGACY_ENDPOINT: return PCI_EXP_TYPE_LEG_END;
	case MF_RCIEP:		 return PCI_EXP_TYPE_RC_END;
	case MF_ROOT_PORT:	 return PCI_EXP_TYPE_ROOT_PORT;
	case MF_SWITCH_UP:	 return PCI_EXP_TYPE_UPSTREAM;
	case MF_SWITCH_DOWN:	 return PCI_EXP_TYPE_DOWNSTREAM;
	case MF_PCIE_TO_PCI:	 return PCI_EXP_TYPE_PCI_BRIDGE;
	default:		 return 0xff;	/* no PCIe capability */
	}
}

static bool is_endpoint(enum mfunc_kind k)
{
	return k == MF_ENDPOINT || k == MF_LEGACY_ENDPOINT || k == MF_RCIEP;
}

static uint16_t cap_add(struct capw *w, uint8_t id, uint16_t len)
{
	uint16_t pos = w->pos;

	cfg_init(w->f, w->link, 1, pos, 0, 0);
	cfg_init(w->f, pos, 1, id, 0, 0);
	cfg_init(w->f, pos + PCI_CAP_LIST_NEXT, 1, 0, 0, 0);
	w->link = pos + PCI_CAP_LIST_NEXT;
	w->pos = pos + ALIGN4(len);
	return pos;
}

static uint16_t ecap_add(struct capw *w, uint16_t id, uint8_t ver,
			 uint16_t len)
{
	uint16_t pos = w->pos;

	if (w->link)
		cfg_init(w->f, w->link, 4,
			 cfg_get(w->f, w->link, 4) | (uint32_t)pos << 20, 0, 0);
	cfg_init(w->f, pos, 4, id | (uint32_t)ver << 16, 0, 0);
	w->link = pos;
	w->pos = pos + ALIGN4(len);
	return pos;
}

/*
 * PM 1.2, D0 and D3hot only (raw= PMC bytes can advertise D1 and D2), no
 * PME. PowerState is stored as written; pm.c gives a write its effect.
 */
static void pm_init(struct capw *w)
{
	uint16_t pos = cap_add(w, PCI_CAP_ID_PM, PCI_PM_SIZEOF);

	cfg_init(w->f, pos + PCI_PM_PMC, 2, 3 /* PM 1.2 */, 0, 0);
	cfg_init(w->f, pos + PCI_PM_CTRL, 2, PCI_PM_CTRL_NO_SOFT_RESET,
		 PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE,
		 PCI_PM_CTRL_PME_STATUS);
}

/* One vector, 64-bit address, no per-vector masking. */
static void msi_init(struct capw *w)
{
	uint16_t pos = cap_add(w, PCI_CAP_ID_MSI, PCI_MSI_DATA_64 + 2);

	cfg_init(w->f, pos + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_64BIT,
		 PCI_MSI_FLAGS_ENABLE, 0);
	cfg_init(w->f, pos + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc, 0);
	cfg_init(w->f, pos + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff, 0);
	cfg_init(w->f, pos + PCI_MSI_DATA_64, 2, 0, 0xffff, 0);
}

/* Table at offset 0 of the first memory BAR, PBA right after it. */
static void msix_init(struct capw *w, const struct mfunc_desc *d,
		      const struct mbar_desc *bar)
{
	uint16_t pos = cap_add(w, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
	uint32_t bir = 0;

	for (int i = 0; i < MACHINE_MAX_BARS; i++) {
		if (bar[i].kind == MBAR_MEM32 || bar[i].kind == MBAR_MEM64) {
			bir = i;
			break;
		}
	}
	cfg_init(w->f, pos + PCI_MSIX_FLAGS, 2, d->msix_vectors - 1,
		 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	cfg_init(w->f, pos + PCI_MSIX_TABLE, 4, bir, 0, 0);
	cfg_init(w->f, pos + PCI_MSIX_PBA, 4,
		 ((d->msix_vectors * 16u + 7) & ~7u) | bir, 0, 0);
}

static void pcie_link_init(struct mfunc *f, const struct mfunc_desc *d,
			   uint16_t pos, bool port)
{
	uint32_t speed = d->link_speed ? d->link_speed : 1;
	uint32_t width = d->link_width ? d->link_width : 1;
	uint16_t lnkctl = PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_CCC |
			  PCI_EXP_LNKCTL_ES | PCI_EXP_LNKCTL_CLKREQ_EN;

	/* Ports report DLL Link Active; the kernel relies on it after resets. */
	cfg_init(f, pos + PCI_EXP_LNKCAP, 4,
		 speed | width << 4 | (port ? PCI_EXP_LNKCAP_DLLLARC : 0) |
		 (uint32_t)(port ? f->devfn >> 3 : 0) << 24, 0, 0);
	if (port)
		lnkctl |= PCI_EXP_LNKCTL_LD;
	else
		lnkctl |= PCI_EXP_LNKCTL_RCB;
	cfg_init(f, pos + PCI_EXP_LNKCTL, 2, 0, lnkctl, 0);
	/* Retrain Link reads 0: training completes at once. */
	cfg_init(f, pos + PCI_EXP_LNKSTA, 2, speed | width << 4, 0,
		 port ? PCI_EXP_LNKSTA_LBMS | PCI_EXP_LNKSTA_LABS : 0);
	cfg_init(f, pos + PCI_EXP_LNKCAP2, 4, ((1u << speed) - 1) << 1, 0, 0);
	cfg_init(f, pos + PCI_EXP_LNKCTL2, 2, speed, PCI_EXP_LNKCTL2_TLS, 0);
}

static int pcie_init(struct capw *w, const struct mfunc_desc *d,
		     char *err, size_t errlen)
{
	struct mfunc *f = w->f;
	uint8_t type = pcie_type(d->kind);
	bool port = type == PCI_EXP_TYPE_ROOT_PORT ||
		    type == PCI_EXP_TYPE_DOWNSTREAM;
	bool slot = port && d->slot;
	uint16_t devctl_w, pos;

	if (d->link_speed > 6 || d->link_width > 32)
		return merr(err, errlen, "link speed %u / width %u out of range",
			    d->link_speed, d->link_width);
	if (d->slot_number > 8191)
		return merr(err, errlen, "slot number %u out of range",
			    d->slot_number);

	pos = cap_add(w, PCI_CAP_ID_EXP, PCIE_CAP_SIZE);
	f->pcie = pos;
	cfg_init(f, pos + PCI_EXP_FLAGS, 2,
		 2 | type << 4 | (slot ? PCI_EXP_FLAGS_SLOT : 0), 0, 0);

	/* Role-based error reporting is mandatory; endpoints can FLR. */
	cfg_init(f, pos + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_RBER |
		 (is_endpoint(d->kind) ? PCI_EXP_DEVCAP_FLR : 0), 0, 0);
	devctl_w = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
		   PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |
		   PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD |
		   PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN |
		   PCI_EXP_DEVCTL_READRQ;
	/* Bit 15: Initiate FLR (endpoints) or Bridge Config Retry (PCIe-PCI). */
	if (is_endpoint(d->kind) || type == PCI_EXP_TYPE_PCI_BRIDGE)
		devctl_w |= PCI_EXP_DEVCTL_BCR_FLR;
	/* Spec defaults: relaxed ordering and no snoop on, 512-byte reads. */
	cfg_init(f, pos + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_RELAX_EN |
		 PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B,
		 devctl_w, 0);
	cfg_init(f, pos + PCI_EXP_DEVSTA, 2, 0, 0,
		 PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
		 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD);

	if (type != PCI_EXP_TYPE_RC_END)	/* RCiEPs have no link */
		pcie_link_init(f, d, pos, port);

	if (slot) {
		uint32_t sltcap = (uint32_t)d->slot_number << 19;

		/* No command-completed events to model: NCCS. */
		if (d->hotplug)
			sltcap |= PCI_EXP_SLTCAP_HPC | PCI_EXP_SLTCAP_HPS |
				  PCI_EXP_SLTCAP_NCCS;
		cfg_init(f, pos + PCI_EXP_SLTCAP, 4, sltcap, 0, 0);
		cfg_init(f, pos + PCI_EXP_SLTCTL, 2, 0, 0x1fff, 0);
		cfg_init(f, pos + PCI_EXP_SLTSTA, 2, 0, 0,
			 PCI_EXP_SLTSTA_ABP | PCI_EXP_SLTSTA_PFD |
			 PCI_EXP_SLTSTA_MRLSC | PCI_EXP_SLTSTA_PDC |
			 PCI_EXP_SLTSTA_CC | PCI_EXP_SLTSTA_DLLSC);
	}
	if (type == PCI_EXP_TYPE_ROOT_PORT) {
		cfg_init(f, pos + PCI_EXP_RTCTL, 2, 0,
			 PCI_EXP_RTCTL_SECEE | PCI_EXP_RTCTL_SENFEE |
			 PCI_EXP_RTCTL_SEFEE | PCI_EXP_RTCTL_PMEIE, 0);
		cfg_init(f, pos + PCI_EXP_RTSTA, 4, 0, 0, PCI_EXP_RTSTA_PME);
	}
	if (port) {
		cfg_init(f, pos + PCI_EXP_DEVCAP2, 4, PCI_EXP_DEVCAP2_ARI, 0, 0);
		cfg_init(f, pos + PCI_EXP_DEVCTL2, 2, 0, PCI_EXP_DEVCTL2_ARI, 0);
	}
	caps_set_presence(f, f->presence);
	return 0;
}

/* Type-1 functions carry subsystem IDs in a capability, not the header. */
static void ssvid_init(struct capw *w, const struct mfunc_desc *d)
{
	uint16_t pos = cap_add(w, PCI_CAP_ID_SSVID, 8);

	cfg_init(w->f, pos + PCI_SSVID_VENDOR_ID, 2, d->subsys_vendor, 0, 0);
	cfg_init(w->f, pos + PCI_SSVID_DEVICE_ID, 2, d->subsys_device, 0, 0);
}

static void aer_init(struct capw *w, bool root)
{
	struct mfunc *f = w->f;
	uint16_t pos = ecap_add(w, PCI_EXT_CAP_ID_ERR, 2, AER_SIZE);

	/* Status, mask and severity are sticky: they survive FLR/hot reset. */
	cfg_init(f, pos + PCI_ERR_UNCOR_STATUS, 4, 0, 0, AER_UNC_BITS);
	cfg_init(f, pos + PCI_ERR_UNCOR_MASK, 4, AER_UNC_MASKED, AER_UNC_BITS, 0);
	cfg_init(f, pos + PCI_ERR_UNCOR_SEVER, 4, AER_UNC_SEVER, AER_UNC_BITS, 0);
	cfg_init(f, pos + PCI_ERR_COR_STATUS, 4, 0, 0, AER_COR_BITS);
	cfg_init(f, pos + PCI_ERR_COR_MASK, 4, AER_COR_MASKED, AER_COR_BITS, 0);
	cfg_sticky(f, pos + PCI_ERR_UNCOR_STATUS, 4, AER_UNC_BITS);
	cfg_sticky(f, pos + PCI_ERR_UNCOR_MASK, 4, AER_UNC_BITS);
	cfg_sticky(f, pos + PCI_ERR_UNCOR_SEVER, 4, AER_UNC_BITS);
	cfg_sticky(f, pos + PCI_ERR_COR_STATUS, 4, AER_COR_BITS);
	cfg_sticky(f, pos + PCI_ERR_COR_MASK, 4, AER_COR_BITS);
	if (root) {
		cfg_init(f, pos + PCI_ERR_ROOT_COMMAND, 4, 0,
			 PCI_ERR_ROOT_CMD_COR_EN | PCI_ERR_ROOT_CMD_NONFATAL_EN |
			 PCI_ERR_ROOT_CMD_FATAL_EN, 0);
		cfg_init(f, pos + PCI_ERR_ROOT_STATUS, 4, 0, 0, AER_ROOT_STA);
		cfg_sticky(f, pos + PCI_ERR_ROOT_STATUS, 4, AER_ROOT_STA);
	}
}

/*
 * Ports get the full set QEMU's ports have; functions of a multi-function
 * device only the bits the spec allows them (no SV, TB, UF).
 */
static void acs_init(struct capw *w, bool port)
{
	uint16_t cap = port ? PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR |
			      PCI_ACS_CR | PCI_ACS_UF | PCI_ACS_DT :
			      PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_DT;
	uint16_t pos = ecap_add(w, PCI_EXT_CAP_ID_ACS, 1, 8);

	cfg_init(w->f, pos + PCI_ACS_CAP, 2, cap, 0, 0);
	cfg_init(w->f, pos + PCI_ACS_CTRL, 2, 0, cap, 0);
}

/* Next Function Number is filled in as siblings attach (machine.c). */
static void ari_init(struct capw *w)
{
	uint16_t pos = ecap_add(w, PCI_EXT_CAP_ID_ARI, 1, PCI_EXT_CAP_ARI_SIZEOF);

	w->f->ari = pos;
	cfg_init(w->f, pos + PCI_ARI_CAP, 2, 0, 0, 0);
	cfg_init(w->f, pos + PCI_ARI_CTRL, 2, 0, 0, 0);
}

int caps_init(struct mfunc *f, const struct mfunc_desc *d,
	      char *err, size_t errlen)
{
	/* type 2: the pointer at 0x14, registers up to 0x47 before caps */
	bool cb = d->kind == MF_CARDBUS_BRIDGE;
	struct capw w = { f, cb ? PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST,
			  cb ? 0x80 : 0x40 };
	bool pcie = pcie_type(d->kind) != 0xff;
	uint8_t type = pcie_type(d->kind);

	if (d->msix_vectors > 2048)
		return merr(err, errlen, "%u MSI-X vectors (max 2048)",
			    d->msix_vectors);
	if (d->pm)
		pm_init(&w);
	if (d->msi)
		msi_init(&w);
	if (d->msix_vectors)
		msix_init(&w, d, d->bar);
	if (pcie && pcie_init(&w, d, err, errlen))
		return -1;
	if (mfunc_is_type1(d->kind) && d->subsys_vendor)
		ssvid_init(&w, d);
	if (w.link != (cb ? PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST))
		f->build->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;

	/* Extended capabilities live in PCIe's 4 KiB config space only. */
	if (!pcie)
		return 0;
	f->cfg_size = MACHINE_CFG_SIZE;
	w.link = 0;
	w.pos = PCI_CFG_SIZE;
	if (d->aer)
		aer_init(&w, type == PCI_EXP_TYPE_ROOT_PORT);
	if (d->acs)
		acs_init(&w, type == PCI_EXP_TYPE_ROOT_PORT ||
			     type == PCI_EXP_TYPE_DOWNSTREAM);
	if (d->ari)
		ari_init(&w);
	if (d->total_vfs && is_endpoint(d->kind) &&
	    type != PCI_EXP_TYPE_LEG_END) {
		uint16_t pos = ecap_add(&w, PCI_EXT_CAP_ID_SRIOV, 1,
					PCI_EXT_CAP_SRIOV_SIZEOF);

		if (sriov_init(f, d, pos, err, errlen))
			return -1;
	}
	return 0;
}

/*
 * A card in the slot below a port: Presence Detect State (hardwired 1 on
 * ports without a slot, per spec) and Data Link Layer Link Active.
 */
void caps_set_presence(struct mfunc *f, bool present)
{
	uint16_t pos = f->pcie;

	if (!caps_is_link_port(f))
		return;
	if (cfg_get(f, pos + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_SLOT)
		cfg_poke(f, pos + PCI_EXP_SLTSTA, 2, PCI_EXP_SLTSTA_PDS,
			 present ? PCI_EXP_SLTSTA_PDS : 0);
	else
		cfg_poke(f, pos + PCI_EXP_SLTSTA, 2, 0, PCI_EXP_SLTSTA_PDS);
	cfg_poke(f, pos + PCI_EXP_LNKSTA, 2, PCI_EXP_LNKSTA_DLLLA,
		 present ? PCI_EXP_LNKSTA_DLLLA : 0);
}

void caps_set_ari_next(struct mfunc *f, uint8_t next)
{
	if (f->ari)
		cfg_poke(f, f->ari + PCI_ARI_CAP, 2, 0xff00, (uint32_t)next << 8);
}

bool caps_ari_forwarding(const struct mfunc *f)
{
	return f->pcie &&
	       (cfg_get(f, f->pcie + PCI_EXP_DEVCTL2, 2) & PCI_EXP_DEVCTL2_ARI);
}

bool caps_flr_capable(const struct mfunc *f)
{
	return f->pcie &&
	       (cfg_get(f, f->pcie + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);
}
