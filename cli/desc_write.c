// SPDX-License-Identifier: GPL-2.0
/*
 * One struct mfunc_desc as the attributes of a topology function line
 * (topo/FORMAT.md), written against the defaults of its kind: a PCIe port
 * without PM says no-pm, a bridge without an I/O window says no-io, an
 * endpoint says nothing about what it lacks. The importer and capture
 * build descs from real config space; this is how they become text.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pcicfg.h"

static bool kind_is_bridge(enum mfunc_kind k)
{
	return k == MF_ROOT_PORT || k == MF_SWITCH_UP || k == MF_SWITCH_DOWN ||
	       k == MF_PCIE_TO_PCI || k == MF_PCI_BRIDGE;
}

static bool kind_is_pcie_port(enum mfunc_kind k)
{
	return k == MF_ROOT_PORT || k == MF_SWITCH_UP || k == MF_SWITCH_DOWN ||
	       k == MF_PCIE_TO_PCI;
}

const char *desc_size_str(char *buf, size_t len, uint64_t size)
{
	static const char suffix[] = "KMG";
	int i = -1;

	while (i < 2 && size && !(size & 1023)) {
		size >>= 10;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, size);
	else
		snprintf(buf, len, "%" PRIu64 "%c", size, suffix[i]);
	return buf;
}

static int write_bar(FILE *f, const char *name, int i,
		     const struct mbar_desc *b)
{
	static const char *const kinds[2][4] = {
		{ [MBAR_MEM32] = "mem32", [MBAR_MEM64] = "mem64", [MBAR_IO] = "io" },
		{ [MBAR_MEM32] = "pref32", [MBAR_MEM64] = "pref64", [MBAR_IO] = "io" },
	};
	char sz[32];

	if (b->kind == MBAR_NONE)
		return 0;
	return fprintf(f, " %s%d=%s:%s", name, i,
		       kinds[b->prefetchable && b->kind != MBAR_IO][b->kind],
		       desc_size_str(sz, sizeof(sz), b->size)) < 0 ? -1 : 0;
}

/* What a kind gets without saying (topo/topoattr.c, topo_eff_init()). */
static uint32_t default_class(enum mfunc_kind k)
{
	if (kind_is_bridge(k))
		return 0x060400;
	if (k == MF_HOST_BRIDGE)
		return 0x060000;
	if (k == MF_CARDBUS_BRIDGE)
		return 0x060700;
	return UINT32_MAX;	/* required: always written */
}

int desc_write_attrs(FILE *f, const struct mfunc_desc *d)
{
	bool port = kind_is_pcie_port(d->kind);
	char sz[32];
	int i, rc = 0;

	rc |= fprintf(f, " id=%04x:%04x", d->vendor, d->device) < 0;
	if (d->subsys_vendor || d->subsys_device)
		rc |= fprintf(f, " subsys=%04x:%04x", d->subsys_vendor,
			      d->subsys_device) < 0;
	if (d->class_code != default_class(d->kind))
		rc |= fprintf(f, " class=%06x", d->class_code) < 0;
	if (d->revision)
		rc |= fprintf(f, " rev=%02x", d->revision) < 0;
	if (d->interrupt_pin >= 1 && d->interrupt_pin <= 4)
		rc |= fprintf(f, " pin=%c", 'a' + d->interrupt_pin - 1) < 0;
	for (i = 0; i < MACHINE_MAX_BARS; i++)
		rc |= write_bar(f, "bar", i, &d->bar[i]);
	if (d->rom_size)
		rc |= fprintf(f, " rom=%s", desc_size_str(sz, sizeof(sz), d->rom_size)) < 0;
	if ((d->link_speed || d->link_width) &&
	    (d->link_speed > 1 || d->link_width > 1))
		rc |= fprintf(f, " link=gen%ux%u", d->link_speed ? d->link_speed : 1,
			      d->link_width ? d->link_width : 1) < 0;
	if (d->slot) {
		rc |= fprintf(f, " slot=%u", d->slot_number) < 0;
		if (d->hotplug)
			rc |= fputs(" hotplug", f) < 0;
	}
	if (kind_is_bridge(d->kind)) {
		if (!d->io_window)
			rc |= fputs(" no-io", f) < 0;
		else if (d->io32)
			rc |= fputs(" io32", f) < 0;
		if (!d->pref_window)
			rc |= fputs(" no-pref", f) < 0;
		else if (!d->pref64)
			rc |= fputs(" pref32", f) < 0;
	}
	if (d->pm != port)
		rc |= fputs(d->pm ? " pm" : " no-pm", f) < 0;
	if (d->msi)
		rc |= fputs(" msi", f) < 0;
	if (d->msix_vectors)
		rc |= fprintf(f, " msix=%u", d->msix_vectors) < 0;
	if (d->aer)
		rc |= fputs(" aer", f) < 0;
	if (d->acs)
		rc |= fputs(" acs", f) < 0;
	if (d->ari)
		rc |= fputs(" ari", f) < 0;
	if (d->total_vfs) {
		rc |= fprintf(f, " sriov=%u vf-offset=%u vf-stride=%u vf-device=%04x",
			      d->total_vfs, d->vf_offset, d->vf_stride,
			      d->vf_device) < 0;
		for (i = 0; i < MACHINE_MAX_BARS; i++)
			rc |= write_bar(f, "vfbar", i, &d->vf_bar[i]);
	}
	return rc ? -1 : 0;
}

bool pcicfg_parse_size(const char *s, size_t n, uint64_t *size)
{
	uint64_t v = 0;
	size_t i = 0;
	int shift = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (!i)
		return false;
	if (i + 1 == n) {
		switch (s[i]) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		default: return false;
		}
	} else if (i != n) {
		return false;
	}
	if (v > UINT64_MAX >> shift)
		return false;
	*size = v << shift;
	return true;
}

#define KB(k)		(1u << (k))
#define KM_EPS		(KB(MF_ENDPOINT) | KB(MF_LEGACY_ENDPOINT) | KB(MF_RCIEP))
#define KM_PORTS	(KB(MF_ROOT_PORT) | KB(MF_SWITCH_UP) | KB(MF_SWITCH_DOWN) | \
			 KB(MF_PCIE_TO_PCI))
#define KM_SLOT		(KB(MF_ROOT_PORT) | KB(MF_SWITCH_DOWN))

static void drop(bool *on, bool cond, const char *name, char *buf, size_t len)
{
	size_t used = strlen(buf);

	if (!*on || cond)
		return;
	*on = false;
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
}

/* What FORMAT.md's attribute table lets each kind carry. */
void desc_drop_unsupported(struct mfunc_desc *d, char *buf, size_t len)
{
	uint32_t k = KB(d->kind);
	bool link = d->link_speed || d->link_width, sriov = d->total_vfs;

	buf[0] = '\0';
	drop(&link, k & (KM_EPS | KM_PORTS) & ~KB(MF_RCIEP), "link", buf, len);
	if (!link)
		d->link_speed = d->link_width = 0;
	drop(&d->slot, k & KM_SLOT, "slot", buf, len);
	if (!d->slot)
		d->hotplug = false;
	drop(&d->aer, k & (KM_EPS | KM_PORTS), "AER", buf, len);
	drop(&d->acs, k & (KM_EPS | KM_SLOT), "ACS", buf, len);
	drop(&d->ari, k & KM_EPS, "ARI", buf, len);
	drop(&sriov, k & (KB(MF_ENDPOINT) | KB(MF_RCIEP)), "SR-IOV", buf, len);
	if (!sriov)
		d->total_vfs = 0;
}
