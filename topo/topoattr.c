// SPDX-License-Identifier: GPL-2.0
/*
 * The vocabulary of topology files: function kinds and attributes, how each
 * attribute is spelled, checked, applied to a struct mfunc_desc and written
 * back. One table drives all four, so the parser, the builder and the
 * writer cannot disagree about what "pref32" means.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo_tree.h"

static const char *const kind_names[] = {
	[MF_ENDPOINT]		= "endpoint",
	[MF_LEGACY_ENDPOINT]	= "legacy-endpoint",
	[MF_RCIEP]		= "rciep",
	[MF_PCI_DEVICE]		= "pci-device",
	[MF_HOST_BRIDGE]	= "host-bridge",
	[MF_ROOT_PORT]		= "root-port",
	[MF_SWITCH_UP]		= "switch-up",
	[MF_SWITCH_DOWN]	= "switch-down",
	[MF_PCIE_TO_PCI]	= "pcie-pci-bridge",
	[MF_PCI_BRIDGE]		= "pci-bridge",
	[MF_CARDBUS_BRIDGE]	= "cardbus-bridge",
};
#define NR_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

#define KB(k)		TK_KIND_BIT(k)
#define KM_ALL		((1u << NR_KINDS) - 1)
/* a CardBus bridge has one BAR (its socket registers) and no ROM */
#define KM_BAR1		(KM_ALL & ~KB(MF_CARDBUS_BRIDGE))
#define KM_TYPE0	(KB(MF_ENDPOINT) | KB(MF_LEGACY_ENDPOINT) | KB(MF_RCIEP) | \
			 KB(MF_PCI_DEVICE) | KB(MF_HOST_BRIDGE))
#define KM_EPS		(KB(MF_ENDPOINT) | KB(MF_LEGACY_ENDPOINT) | KB(MF_RCIEP))
#define KM_PORTS	(KB(MF_ROOT_PORT) | KB(MF_SWITCH_UP) | KB(MF_SWITCH_DOWN) | \
			 KB(MF_PCIE_TO_PCI))
#define KM_PCIE		(KM_EPS | KM_PORTS)
#define KM_LINK		(KM_PCIE & ~KB(MF_RCIEP))	/* an RCiEP has no link */
#define KM_SLOT		(KB(MF_ROOT_PORT) | KB(MF_SWITCH_DOWN))
#define KM_PF		(KB(MF_ENDPOINT) | KB(MF_RCIEP))
#define KM_ACS		(KM_SLOT | KM_EPS)
/* What a live update can keep: functions with a driver of their own. */
#define KM_DEVICE	(KM_EPS | KB(MF_PCI_DEVICE))

enum tval {
	V_ON, V_OFF,		/* flags: "pm" sets, "no-pm" clears */
	V_ID, V_CLASS, V_REV, V_PIN, V_BAR, V_VFBAR, V_ROM, V_LINK,
	V_UINT, V_HEX4, V_RAW,
};

struct tdef {
	const char *name;
	uint8_t key;
	uint8_t val;
	uint16_t kinds;		/* KB() of the kinds that may carry it */
	uint32_t min, max;	/* V_UINT */
};

/* Sorted by name (strcmp order): looked up by binary search. */
static const struct tdef defs[] = {
	{ "acs",	TK_ACS,		V_ON,	KM_ACS,   0, 0 },
	{ "aer",	TK_AER,		V_ON,	KM_PCIE,  0, 0 },
	{ "ari",	TK_ARI,		V_ON,	KM_EPS,   0, 0 },
	{ "bar0",	TK_BAR0 + 0,	V_BAR,	KM_ALL,   0, 0 },
	{ "bar1",	TK_BAR0 + 1,	V_BAR,	KM_BAR1,  0, 0 },
	{ "bar2",	TK_BAR0 + 2,	V_BAR,	KM_TYPE0, 0, 0 },
	{ "bar3",	TK_BAR0 + 3,	V_BAR,	KM_TYPE0, 0, 0 },
	{ "bar4",	TK_BAR0 + 4,	V_BAR,	KM_TYPE0, 0, 0 },
	{ "bar5",	TK_BAR0 + 5,	V_BAR,	KM_TYPE0, 0, 0 },
	{ "class",	TK_CLASS,	V_CLASS, KM_ALL,  0, 0 },
	{ "hotplug",	TK_HOTPLUG,	V_ON,	KM_SLOT,  0, 0 },
	{ "id",		TK_ID,		V_ID,	KM_ALL,   0, 0 },
	{ "io",		TK_IO_WINDOW,	V_ON,	TKM_BRIDGE, 0, 0 },
	{ "io16",	TK_IO_WIDTH,	V_OFF,	TKM_BRIDGE, 0, 0 },
	{ "io32",	TK_IO_WIDTH,	V_ON,	TKM_BRIDGE, 0, 0 },
	{ "link",	TK_LINK,	V_LINK,	KM_LINK,  0, 0 },
	{ "msi",	TK_MSI,		V_ON,	KM_ALL,   0, 0 },
	{ "msix",	TK_MSIX,	V_UINT,	KM_ALL,   1, 2048 },
	{ "no-acs",	TK_ACS,		V_OFF,	KM_ACS,   0, 0 },
	{ "no-aer",	TK_AER,		V_OFF,	KM_PCIE,  0, 0 },
	{ "no-ari",	TK_ARI,		V_OFF,	KM_EPS,   0, 0 },
	{ "no-hotplug",	TK_HOTPLUG,	V_OFF,	KM_SLOT,  0, 0 },
	{ "no-io",	TK_IO_WINDOW,	V_OFF,	TKM_BRIDGE, 0, 0 },
	{ "no-msi",	TK_MSI,		V_OFF,	KM_ALL,   0, 0 },
	{ "no-msix",	TK_MSIX,	V_OFF,	KM_ALL,   0, 0 },
	{ "no-pm",	TK_PM,		V_OFF,	KM_ALL,   0, 0 },
	{ "no-pref",	TK_PREF_WINDOW,	V_OFF,	TKM_BRIDGE, 0, 0 },
	{ "no-preserve", TK_PRESERVE,	V_OFF,	KM_DEVICE, 0, 0 },
	{ "no-sriov",	TK_SRIOV,	V_OFF,	KM_PF,    0, 0 },
	{ "pin",	TK_PIN,		V_PIN,	KM_ALL,   0, 0 },
	{ "pm",		TK_PM,		V_ON,	KM_ALL,   0, 0 },
	{ "pref",	TK_PREF_WINDOW,	V_ON,	TKM_BRIDGE, 0, 0 },
	{ "pref32",	TK_PREF_WIDTH,	V_OFF,	TKM_BRIDGE, 0, 0 },
	{ "pref64",	TK_PREF_WIDTH,	V_ON,	TKM_BRIDGE, 0, 0 },
	{ "preserve",	TK_PRESERVE,	V_ON,	KM_DEVICE, 0, 0 },
	{ "raw",	TK_RAW,		V_RAW,	KM_ALL,   0, 0 },
	{ "rev",	TK_REV,		V_REV,	KM_ALL,   0, 0 },
	{ "rom",	TK_ROM,		V_ROM,	KM_BAR1,  0, 0 },
	{ "slot",	TK_SLOT,	V_UINT,	KM_SLOT,  0, 8191 },
	{ "sriov",	TK_SRIOV,	V_UINT,	KM_PF,    1, 65535 },
	{ "subsys",	TK_SUBSYS,	V_ID,	KM_ALL,   0, 0 },
	{ "vf-device",	TK_VF_DEVICE,	V_HEX4,	KM_PF,    0, 0 },
	{ "vf-offset",	TK_VF_OFFSET,	V_UINT,	KM_PF,    1, 65535 },
	{ "vf-stride",	TK_VF_STRIDE,	V_UINT,	KM_PF,    0, 65535 },
	{ "vfbar0",	TK_VFBAR0 + 0,	V_VFBAR, KM_PF,   0, 0 },
	{ "vfbar1",	TK_VFBAR0 + 1,	V_VFBAR, KM_PF,   0, 0 },
	{ "vfbar2",	TK_VFBAR0 + 2,	V_VFBAR, KM_PF,   0, 0 },
	{ "vfbar3",	TK_VFBAR0 + 3,	V_VFBAR, KM_PF,   0, 0 },
	{ "vfbar4",	TK_VFBAR0 + 4,	V_VFBAR, KM_PF,   0, 0 },
	{ "vfbar5",	TK_VFBAR0 + 5,	V_VFBAR, KM_PF,   0, 0 },
};
#define NR_DEFS (sizeof(defs) / sizeof(defs[0]))

static const char *const bar_names[] = {
	[TB_NONE] = "none", [TB_MEM32] = "mem32", [TB_MEM64] = "mem64",
	[TB_PREF32] = "pref32", [TB_PREF64] = "pref64", [TB_IO] = "io",
};

int topo_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem)
{
	uint64_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	if (n < need || n * elem / elem != n)
		return -1;
	p = realloc(*arr, (size_t)(n * elem));
	if (!p)
		return -1;
	*arr = p;
	*cap = (uint32_t)n;
	return 0;
}

int topo_kind_lookup(const char *s, size_t n)
{
	for (size_t k = 0; k < NR_KINDS; k++)
		if (strlen(kind_names[k]) == n && !memcmp(kind_names[k], s, n))
			return (int)k;
	return -1;
}

const char *topo_kind_name(unsigned kind)
{
	return kind < NR_KINDS ? kind_names[kind] : "?";
}

bool topo_kind_is_bridge(unsigned kind)
{
	return kind < NR_KINDS && (TKM_BRIDGE & KB(kind));
}

void topo_kind_list(uint32_t mask, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < NR_KINDS; k++) {
		if (!(mask & KB(k)))
			continue;
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", kind_names[k]);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

static const char *const key_names[TK_NR] = {
	[TK_ID] = "id", [TK_SUBSYS] = "subsys", [TK_CLASS] = "class",
	[TK_REV] = "rev", [TK_PIN] = "pin", [TK_ROM] = "rom",
	[TK_LINK] = "link", [TK_SLOT] = "slot", [TK_HOTPLUG] = "hotplug",
	[TK_PM] = "pm", [TK_MSI] = "msi", [TK_MSIX] = "msix",
	[TK_AER] = "aer", [TK_ACS] = "acs", [TK_ARI] = "ari",
	[TK_SRIOV] = "sriov", [TK_VF_OFFSET] = "vf-offset",
	[TK_VF_STRIDE] = "vf-stride", [TK_VF_DEVICE] = "vf-device",
	[TK_RAW] = "raw", [TK_IO_WINDOW] = "io", [TK_IO_WIDTH] = "io32",
	[TK_PREF_WINDOW] = "pref", [TK_PREF_WIDTH] = "pref64",
	[TK_PRESERVE] = "preserve",
};

const char *topo_key_name(unsigned key, char buf[16])
{
	if (key >= TK_BAR0 && key < TK_BAR0 + MACHINE_MAX_BARS) {
		snprintf(buf, 16, "bar%u", key - TK_BAR0);
		return buf;
	}
	if (key >= TK_VFBAR0 && key < TK_VFBAR0 + MACHINE_MAX_BARS) {
		snprintf(buf, 16, "vfbar%u", key - TK_VFBAR0);
		return buf;
	}
	return key < TK_NR && key_names[key] ? key_names[key] : "?";
}

/* Defaults a real device of that kind would have (see FORMAT.md). */
void topo_eff_init(struct teff *e, unsigned kind)
{
	memset(e, 0, sizeof(*e));
	e->d.kind = (enum mfunc_kind)kind;
	if (topo_kind_is_bridge(kind)) {
		e->d.class_code = 0x060400;
		e->set |= TK_BIT(TK_CLASS);
		e->d.io_window = true;
		e->d.pref_window = true;
		e->d.pref64 = true;
	}
	if (kind == MF_HOST_BRIDGE) {
		e->d.class_code = 0x060000;
		e->set |= TK_BIT(TK_CLASS);
	}
	if (kind == MF_CARDBUS_BRIDGE) {
		e->d.class_code = 0x060700;
		e->set |= TK_BIT(TK_CLASS);
	}
	if (KM_PORTS & KB(kind))
		e->d.pm = true;
}

static struct mbar_desc bar_desc(const struct tattr *a)
{
	struct mbar_desc b = { MBAR_NONE, false, 0 };

	switch (a->a) {
	case TB_MEM32:	b.kind = MBAR_MEM32; break;
	case TB_PREF32:	b.kind = MBAR_MEM32; b.prefetchable = true; break;
	case TB_MEM64:	b.kind = MBAR_MEM64; break;
	case TB_PREF64:	b.kind = MBAR_MEM64; b.prefetchable = true; break;
	case TB_IO:	b.kind = MBAR_IO; break;
	default:	return b;
	}
	b.size = a->v;
	return b;
}

bool topo_attr_is_flag_off(const struct tattr *a)
{
	return defs[a->spell].val == V_OFF;
}

void topo_attr_apply(struct mfunc_desc *d, const struct tattr *a)
{
	const struct tdef *def = &defs[a->spell];
	bool on = def->val == V_ON;
	unsigned k = a->key;

	if (k >= TK_BAR0 && k < TK_BAR0 + MACHINE_MAX_BARS) {
		d->bar[k - TK_BAR0] = bar_desc(a);
		return;
	}
	if (k >= TK_VFBAR0 && k < TK_VFBAR0 + MACHINE_MAX_BARS) {
		d->vf_bar[k - TK_VFBAR0] = bar_desc(a);
		return;
	}
	switch (k) {
	case TK_ID:	d->vendor = a->a; d->device = (uint16_t)a->b; break;
	case TK_SUBSYS:	d->subsys_vendor = a->a;
			d->subsys_device = (uint16_t)a->b; break;
	case TK_CLASS:	d->class_code = (uint32_t)a->v; break;
	case TK_REV:	d->revision = (uint8_t)a->v; break;
	case TK_PIN:	d->interrupt_pin = (uint8_t)a->v; break;
	case TK_ROM:	d->rom_size = (uint32_t)a->v; break;
	case TK_LINK:	d->link_speed = (uint8_t)a->a;
			d->link_width = (uint8_t)a->b; break;
	case TK_SLOT:	d->slot = true; d->slot_number = (uint16_t)a->v; break;
	case TK_HOTPLUG: d->hotplug = on; break;
	case TK_PM:	d->pm = on; break;
	case TK_MSI:	d->msi = on; break;
	case TK_MSIX:	d->msix_vectors = def->val == V_OFF ? 0 : (uint16_t)a->v;
			break;
	case TK_AER:	d->aer = on; break;
	case TK_ACS:	d->acs = on; break;
	case TK_ARI:	d->ari = on; break;
	case TK_SRIOV:	d->total_vfs = def->val == V_OFF ? 0 : (uint16_t)a->v;
			break;
	case TK_VF_OFFSET: d->vf_offset = (uint16_t)a->v; break;
	case TK_VF_STRIDE: d->vf_stride = (uint16_t)a->v; break;
	case TK_VF_DEVICE: d->vf_device = (uint16_t)a->v; break;
	case TK_IO_WINDOW: d->io_window = on; break;
	/* A window's width only means something if the window exists. */
	case TK_IO_WIDTH: d->io32 = on; d->io_window = true; break;
	case TK_PREF_WINDOW: d->pref_window = on; break;
	case TK_PREF_WIDTH: d->pref64 = on; d->pref_window = true; break;
	default:	break;		/* TK_RAW: collected by the caller;
					 * TK_PRESERVE: topo_eff_mark() */
	}
}

void topo_eff_mark(struct teff *e, const struct tattr *a)
{
	if (a->key == TK_PRESERVE)
		e->preserve = defs[a->spell].val == V_ON;
}

/* Defaults that depend on other values, applied after everything else. */
void topo_desc_finish(struct mfunc_desc *d, uint64_t set)
{
	if (d->total_vfs && !(set & TK_BIT(TK_VF_DEVICE)))
		d->vf_device = d->device;
}

/* ---- value parsing ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly mind..maxd hex digits, optionally after 0x. */
bool topo_parse_hex(const char *s, size_t n, size_t mind, size_t maxd,
		    uint64_t *v)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n < mind || n > maxd || n > 16)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return false;
		*v = *v << 4 | (uint64_t)h;
	}
	return true;
}

/* Decimal, or hexadecimal after 0x; no overflow. */
bool topo_parse_uint(const char *s, size_t n, uint64_t *v)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return topo_parse_hex(s, n, 1, 16, v);
	if (!n)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (*v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* A number with an optional K, M or G (binary) suffix. */
static bool parse_size(const char *s, size_t n, uint64_t *v)
{
	unsigned shift = 0;

	if (n > 1 && !(n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))) {
		switch (s[n - 1]) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		}
	}
	if (shift)
		n--;
	if (!topo_parse_uint(s, n, v))
		return false;
	if (*v > (UINT64_MAX >> shift))
		return false;
	*v <<= shift;
	return true;
}

static void fmt_size(uint64_t v, char *buf, size_t len)
{
	if (v && !(v & ((UINT64_C(1) << 30) - 1)))
		snprintf(buf, len, "%" PRIu64 "G", v >> 30);
	else if (v && !(v & ((UINT64_C(1) << 20) - 1)))
		snprintf(buf, len, "%" PRIu64 "M", v >> 20);
	else if (v && !(v & ((UINT64_C(1) << 10) - 1)))
		snprintf(buf, len, "%" PRIu64 "K", v >> 10);
	else
		snprintf(buf, len, "%" PRIu64, v);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

struct perr {
	char *msg;
	size_t len;
	uint32_t *off;
};

static int bad(struct perr *e, size_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, e->len, fmt, ap);
	va_end(ap);
	*e->off = (uint32_t)off;
	return -1;
}

/* "mem64:16K" and friends. Limits from the PCI spec (see FORMAT.md). */
static int parse_bar(struct perr *e, const char *name, const char *s,
		     size_t n, size_t off, bool vf, struct tattr *a)
{
	const char *colon = memchr(s, ':', n);
	size_t kl = colon ? (size_t)(colon - s) : n;
	uint64_t size, min, max;
	char sz[32];
	int kind = -1;

	for (int k = 0; k <= TB_IO; k++)
		if (strlen(bar_names[k]) == kl && !memcmp(bar_names[k], s, kl))
			kind = k;
	if (kind < 0 || (vf && kind == TB_IO))
		return bad(e, off, "bad %s kind '%.*s': expected %s", name,
			   (int)kl, s, vf ? "mem32, mem64, pref32, pref64 or none "
			   "(VF BARs are memory only)" :
			   "mem32, mem64, pref32, pref64, io or none");
	a->a = (uint16_t)kind;
	if (kind == TB_NONE) {
		if (colon)
			return bad(e, off + kl, "'none' takes no size");
		a->v = 0;
		return 0;
	}
	if (!colon)
		return bad(e, off + n, "%s needs a size: %s=%.*s:SIZE", name,
			   name, (int)kl, s);
	off += kl + 1;
	s += kl + 1;
	n -= kl + 1;
	if (!parse_size(s, n, &size))
		return bad(e, off, "bad size '%.*s': expected a number with "
			   "optional K, M or G", (int)n, s);
	fmt_size(size, sz, sizeof(sz));
	if (!is_pow2(size))
		return bad(e, off, "BAR size %s is not a power of two", sz);
	if (kind == TB_IO) {
		min = 4;
		max = 256;
	} else if (kind == TB_MEM32 || kind == TB_PREF32) {
		min = 16;
		max = UINT64_C(1) << 31;
	} else {
		min = 16;
		max = UINT64_C(1) << 63;
	}
	if (size < min)
		return bad(e, off, "%s BAR size %s is below the minimum %" PRIu64,
			   bar_names[kind], sz, min);
	if (size > max) {
		fmt_size(max, sz, sizeof(sz));
		return bad(e, off, "%s BAR size is above the maximum %s",
			   bar_names[kind], sz);
	}
	a->v = size;
	return 0;
}

static int parse_raw(struct topo *t, struct perr *e, const char *s, size_t n,
		     size_t off, struct tattr *a)
{
	const char *colon = memchr(s, ':', n);
	size_t ol = colon ? (size_t)(colon - s) : n;
	uint64_t where, len;

	if (!colon || !topo_parse_hex(s, ol, 1, 3, &where) || where >= MACHINE_CFG_SIZE)
		return bad(e, off, "expected raw=0xOFFSET:HEXBYTES with an offset "
			   "below 0x1000");
	s += ol + 1;
	n -= ol + 1;
	off += ol + 1;
	if (!n || n % 2)
		return bad(e, off, "raw bytes need an even, non-zero number of "
			   "hex digits");
	len = n / 2;
	if (where + len > MACHINE_CFG_SIZE)
		return bad(e, off, "raw bytes run past the end of config space "
			   "(0x%" PRIx64 " + %" PRIu64 " > 0x1000)", where, len);
	if (topo_grow((void **)&t->bytes, &t->cap_bytes,
		      t->nr_bytes + (uint32_t)len, 1))
		return bad(e, off, "out of memory");
	for (size_t i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return bad(e, off + 2 * i, "bad hex byte '%.2s'", s + 2 * i);
		t->bytes[t->nr_bytes + i] = (uint8_t)(hi << 4 | lo);
	}
	a->a = (uint16_t)where;
	a->b = (uint32_t)len;
	a->v = t->nr_bytes;
	t->nr_bytes += (uint32_t)len;
	return 0;
}

static const struct tdef *find_def(const char *s, size_t n)
{
	size_t lo = 0, hi = NR_DEFS;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *name = defs[mid].name;
		size_t nl = strlen(name);
		int c = memcmp(name, s, nl < n ? nl : n);

		if (!c)
			c = nl < n ? -1 : nl > n ? 1 : 0;
		if (!c)
			return &defs[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int parse_value(struct topo *t, struct perr *e, const struct tdef *def,
		       const char *s, size_t n, size_t off, struct tattr *a)
{
	uint64_t v, w;
	const char *x;

	switch (def->val) {
	case V_ID:
		if (n != 9 || s[4] != ':' ||
		    !topo_parse_hex(s, 4, 4, 4, &v) || !topo_parse_hex(s + 5, 4, 4, 4, &w))
			return bad(e, off, "expected %s=VVVV:DDDD (4 hex digits "
				   "each), got '%.*s'", def->name, (int)n, s);
		if (def->key == TK_ID && (v == 0 || v == 0xffff))
			return bad(e, off, "vendor ID %04" PRIx64 " reads as 'no "
				   "device' to the kernel", v);
		a->a = (uint16_t)v;
		a->b = (uint32_t)w;
		return 0;
	case V_CLASS:
		if (!topo_parse_hex(s, n, 6, 6, &v))
			return bad(e, off, "expected class=CCSSPP (6 hex digits: "
				   "base class, subclass, prog-if), got '%.*s'",
				   (int)n, s);
		a->v = v;
		return 0;
	case V_REV:
		if (!topo_parse_hex(s, n, 1, 2, &v))
			return bad(e, off, "expected rev=HH (hex), got '%.*s'",
				   (int)n, s);
		a->v = v;
		return 0;
	case V_HEX4:
		if (!topo_parse_hex(s, n, 4, 4, &v))
			return bad(e, off, "expected %s=DDDD (4 hex digits), got "
				   "'%.*s'", def->name, (int)n, s);
		a->v = v;
		return 0;
	case V_PIN:
		if (n != 1 || !((s[0] >= 'a' && s[0] <= 'd') ||
				(s[0] >= 'A' && s[0] <= 'D')))
			return bad(e, off, "expected pin=a, b, c or d, got '%.*s'",
				   (int)n, s);
		a->v = (uint64_t)((s[0] | 0x20) - 'a' + 1);
		return 0;
	case V_BAR:
	case V_VFBAR:
		return parse_bar(e, def->name, s, n, off, def->val == V_VFBAR, a);
	case V_ROM:
		if (!parse_size(s, n, &v))
			return bad(e, off, "bad size '%.*s': expected a number with "
				   "optional K, M or G", (int)n, s);
		if (!is_pow2(v) || v < 2048 || v > (UINT64_C(16) << 20))
			return bad(e, off, "ROM size must be a power of two from "
				   "2K to 16M");
		a->v = v;
		return 0;
	case V_LINK:
		x = memchr(s, 'x', n);
		if (n < 5 || memcmp(s, "gen", 3) || !x ||
		    !topo_parse_uint(s + 3, (size_t)(x - s) - 3, &v) ||
		    !topo_parse_uint(x + 1, n - (size_t)(x - s) - 1, &w))
			return bad(e, off, "expected link=genNxW (e.g. gen3x4), "
				   "got '%.*s'", (int)n, s);
		if (v < 1 || v > 5)
			return bad(e, off + 3, "link speed gen%" PRIu64 " out of "
				   "range (gen1 2.5GT/s .. gen5 32GT/s)", v);
		if (w != 1 && w != 2 && w != 4 && w != 8 && w != 16 && w != 32)
			return bad(e, off + (size_t)(x - s) + 1, "link width x%" PRIu64
				   " is not one of x1, x2, x4, x8, x16, x32", w);
		a->a = (uint16_t)v;
		a->b = (uint32_t)w;
		return 0;
	case V_UINT:
		if (!topo_parse_uint(s, n, &v))
			return bad(e, off, "bad number '%.*s' for %s", (int)n, s,
				   def->name);
		if (v < def->min || v > def->max)
			return bad(e, off, "%s=%" PRIu64 " out of range (%" PRIu32
				   "..%" PRIu32 ")", def->name, v, def->min,
				   def->max);
		a->v = v;
		return 0;
	case V_RAW:
		return parse_raw(t, e, s, n, off, a);
	}
	return bad(e, off, "internal: no parser for %s", def->name);
}

int topo_attr_parse(struct topo *t, const char *s, size_t n, unsigned kind,
		    struct tattr *out, char *msg, size_t msglen, uint32_t *off)
{
	struct perr e = { msg, msglen, off };
	const char *eq = memchr(s, '=', n);
	size_t kl = eq ? (size_t)(eq - s) : n;
	const struct tdef *def = find_def(s, kl);
	char kinds[160];

	if (!def)
		return bad(&e, 0, "unknown attribute '%.*s'", (int)kl, s);
	memset(out, 0, sizeof(*out));
	out->key = def->key;
	out->spell = (uint8_t)(def - defs);
	if (!(def->kinds & KB(kind))) {
		topo_kind_list(def->kinds, kinds, sizeof(kinds));
		return bad(&e, 0, "'%s' does not apply to %s functions (only to: %s)",
			   def->name, topo_kind_name(kind), kinds);
	}
	if (def->val == V_ON || def->val == V_OFF) {
		if (eq)
			return bad(&e, kl, "'%s' is a flag and takes no value",
				   def->name);
		return 0;
	}
	if (!eq)
		return bad(&e, n, "'%s' needs a value (%s=...)", def->name,
			   def->name);
	return parse_value(t, &e, def, eq + 1, n - kl - 1, kl + 1, out);
}

int topo_attr_write(const struct topo *t, const struct tattr *a, FILE *f)
{
	const struct tdef *def = &defs[a->spell];
	char sz[32];

	switch (def->val) {
	case V_ON:
	case V_OFF:
		return fprintf(f, " %s", def->name);
	case V_ID:
		return fprintf(f, " %s=%04x:%04x", def->name, a->a, (unsigned)a->b);
	case V_CLASS:
		return fprintf(f, " %s=%06" PRIx64, def->name, a->v);
	case V_REV:
		return fprintf(f, " %s=%02" PRIx64, def->name, a->v);
	case V_HEX4:
		return fprintf(f, " %s=%04" PRIx64, def->name, a->v);
	case V_PIN:
		return fprintf(f, " %s=%c", def->name, (int)('a' + a->v - 1));
	case V_BAR:
	case V_VFBAR:
		if (a->a == TB_NONE)
			return fprintf(f, " %s=none", def->name);
		fmt_size(a->v, sz, sizeof(sz));
		return fprintf(f, " %s=%s:%s", def->name, bar_names[a->a], sz);
	case V_ROM:
		fmt_size(a->v, sz, sizeof(sz));
		return fprintf(f, " %s=%s", def->name, sz);
	case V_LINK:
		return fprintf(f, " %s=gen%ux%u", def->name, a->a, (unsigned)a->b);
	case V_UINT:
		return fprintf(f, " %s=%" PRIu64, def->name, a->v);
	case V_RAW:
		if (fprintf(f, " raw=0x%03x:", a->a) < 0)
			return -1;
		for (uint32_t i = 0; i < a->b; i++)
			if (fprintf(f, "%02x", t->bytes[a->v + i]) < 0)
				return -1;
		return 0;
	}
	return -1;
}
