/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal to topo*.c: the parsed tree of a topology file.
 *
 * Sized for files with a million function lines: nodes and attributes live
 * in flat arrays linked by 32-bit indices (no pointer per node, one
 * allocation per array), and a node keeps only the attributes its own line
 * wrote. What a node means (template, then the line, over the kind's
 * defaults) is computed on demand by replaying those attributes onto a
 * struct mfunc_desc, the same way for checking, building and counting.
 */
#ifndef PCISIM_TOPO_TREE_H
#define PCISIM_TOPO_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"
#include "topofile.h"

#define TNONE UINT32_MAX

/* What an attribute sets. Spellings that set the same thing (pm/no-pm,
 * pref32/pref64) share a key, so writing both on one line is a duplicate. */
enum tkey {
	TK_ID, TK_SUBSYS, TK_CLASS, TK_REV, TK_PIN,
	TK_BAR0,
	TK_ROM = TK_BAR0 + MACHINE_MAX_BARS,
	TK_LINK, TK_SLOT, TK_HOTPLUG,
	TK_PM, TK_MSI, TK_MSIX, TK_AER, TK_ACS, TK_ARI,
	TK_SRIOV, TK_VF_OFFSET, TK_VF_STRIDE, TK_VF_DEVICE,
	TK_VFBAR0,
	TK_RAW = TK_VFBAR0 + MACHINE_MAX_BARS,
	TK_IO_WINDOW, TK_IO_WIDTH, TK_PREF_WINDOW, TK_PREF_WIDTH,
	TK_PRESERVE,		/* not hardware: the live update keeps it */
	TK_NR
};
#define TK_BIT(k)	(UINT64_C(1) << (k))

/* BAR kinds as written (tattr.a of barN= and vfbarN=). */
enum tbar { TB_NONE, TB_MEM32, TB_MEM64, TB_PREF32, TB_PREF64, TB_IO };

/* One attribute as written, value already checked. */
struct tattr {
	uint8_t key;		/* enum tkey */
	uint8_t spell;		/* which spelling (index in topoattr.c's table) */
	uint16_t a;		/* vendor / class low / BAR kind / raw offset / speed */
	uint32_t b;		/* device / raw length / width */
	uint64_t v;		/* number or size; raw: offset in topo->bytes */
};

/* One function line, or the head of a template. */
struct tnode {
	uint32_t line, col;		/* of the DD.F (template: NAME) token */
	uint32_t attr_first, nr_attrs;	/* in topo->attrs */
	uint32_t tmpl;			/* 1 + template index, 0 = plain kind */
	uint32_t first_child, last_child, next;
	uint32_t box;			/* parse time: 1 + occupancy index */
	uint8_t devfn;
	uint8_t kind;			/* enum mfunc_kind (a template's kind) */
	uint8_t vf_buses;		/* buses past its own its last VF is on */
};

/* A desc being assembled: value, plus which keys a line or template gave. */
struct teff {
	struct mfunc_desc d;
	uint64_t set;			/* TK_BIT()s given or defaulted */
	uint32_t *raw;			/* attr indices of raw=, in order */
	uint32_t nr_raw;
	bool preserve;			/* preserve / no-preserve (not in d) */
};

struct ttemplate {
	char *name;
	uint32_t root;			/* node: kind, attributes, children */
	struct teff eff;		/* kind defaults + base + own attributes */
	bool has_children;		/* own or inherited */
	bool open;			/* parse time: body still being read */
};

#define TH_DOMAIN	0x01
#define TH_BUS		0x02
#define TH_WINDOWS	0x04		/* windows written (else defaults) */
#define TH_KEEP_BUSES	0x08		/* keep-buses: firmware bus numbers kept */
#define TH_PRESERVE_CONFIG 0x10	/* preserve-config: firmware's resources kept */
#define TH_NR_WIN	4		/* MW_IO, MW_MEM, MW_PREF, MW_MEM64 */

struct thost {
	uint32_t line, col;
	uint32_t wcol[TH_NR_WIN];	/* column of io=, mem=... (or "host") */
	uint16_t domain;
	uint8_t bus_start, bus_end;
	uint8_t given;			/* TH_* written on the line */
	uint8_t windows;		/* 1 << MW_x for each window present */
	bool implicit;			/* no host line: QEMU virt defaults */
	uint64_t win[TH_NR_WIN][2];	/* [enum mwindow_kind][start, end] */
	uint32_t first_child, last_child;
	uint32_t box;
};

struct topo {
	char *name;
	struct tnode *nodes;
	uint32_t nr_nodes, cap_nodes;
	struct tattr *attrs;
	uint32_t nr_attrs, cap_attrs;
	uint8_t *bytes;			/* raw= bytes */
	uint32_t nr_bytes, cap_bytes;
	struct thost *hosts;
	uint32_t nr_hosts, cap_hosts;
	struct ttemplate *tmpls;
	uint32_t nr_tmpls, cap_tmpls;
};

/*
 * The default host: QEMU arm64 virt's generic ECAM bridge. Its high window
 * is 64-bit non-prefetchable in the device tree (the kernel logs it as
 * plain "[mem 0x8000000000-0xffffffffff]" and puts 64-bit non-prefetchable
 * BARs of root-bus devices there), hence mem64, not pref.
 */
#define TOPO_DEF_IO_START	UINT64_C(0x0)
#define TOPO_DEF_IO_END		UINT64_C(0xffff)
#define TOPO_DEF_MEM_START	UINT64_C(0x10000000)
#define TOPO_DEF_MEM_END	UINT64_C(0x3efeffff)
#define TOPO_DEF_MEM64_START	UINT64_C(0x8000000000)
#define TOPO_DEF_MEM64_END	UINT64_C(0xffffffffff)

/* topofile.c: fill h's windows with the defaults above. */
void topo_host_default_windows(struct thost *h);

/*
 * topobuses.c: does every host's tree fit in its bus range when the
 * kernel numbers it depth first? 0, or -1 with *err at the first function
 * that gets no bus (err->file already set).
 */
int topo_check_buses(const struct topo *t, struct topo_error *err);

/*
 * topobuild.c: do the functions the hosts' trees expand to (templates
 * multiplied through, VFs counted) stay within TOPO_MAX_FUNCTIONS? Counted
 * per line, each template once, so a template bomb is refused in time
 * linear in the file. 0, or -1 with *err at the first line that crosses.
 */
int topo_check_functions(const struct topo *t, struct topo_error *err);

/* topoattr.c: the attribute vocabulary, shared by parser, builder, writer. */
#define TK_KIND_BIT(k)	(1u << (k))
#define TKM_BRIDGE	(TK_KIND_BIT(MF_ROOT_PORT) | TK_KIND_BIT(MF_SWITCH_UP) | \
			 TK_KIND_BIT(MF_SWITCH_DOWN) | TK_KIND_BIT(MF_PCIE_TO_PCI) | \
			 TK_KIND_BIT(MF_PCI_BRIDGE))

int topo_kind_lookup(const char *s, size_t n);
const char *topo_kind_name(unsigned kind);
bool topo_kind_is_bridge(unsigned kind);
void topo_kind_list(uint32_t mask, char *buf, size_t len);
const char *topo_key_name(unsigned key, char buf[16]);

void topo_eff_init(struct teff *e, unsigned kind);
void topo_attr_apply(struct mfunc_desc *d, const struct tattr *a);
void topo_desc_finish(struct mfunc_desc *d, uint64_t set);
/* preserve/no-preserve: a mark for the live update, not hardware. */
void topo_eff_mark(struct teff *e, const struct tattr *a);

/*
 * Parse one "key" or "key=value" token for a function of the given kind.
 * On error returns -1 with msg set and *off = offset in the token where
 * the offending part starts. raw= bytes are appended to t->bytes.
 */
int topo_attr_parse(struct topo *t, const char *s, size_t n, unsigned kind,
		    struct tattr *out, char *msg, size_t msglen, uint32_t *off);
int topo_attr_write(const struct topo *t, const struct tattr *a, FILE *f);
bool topo_attr_is_flag_off(const struct tattr *a);

/* Hex digits (mind..maxd, optional 0x); decimal or 0x-hex. No overflow. */
bool topo_parse_hex(const char *s, size_t n, size_t mind, size_t maxd,
		    uint64_t *v);
bool topo_parse_uint(const char *s, size_t n, uint64_t *v);

/* Growable arrays: 0, or -1 when out of memory. */
int topo_grow(void **arr, uint32_t *cap, uint32_t need, size_t elem);

#endif /* PCISIM_TOPO_TREE_H */
