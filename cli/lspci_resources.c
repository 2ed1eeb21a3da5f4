// SPDX-License-Identifier: GPL-2.0
/*
 * Resources files: what the kernel knew of each function's resources, one
 * per line, tab-separated, as the reference captures record them from
 * sysfs (tests/oracle/ *\/resources-*.tsv):
 *
 *   bdf  index  name  kind  start  end  size  flags  cfg_value
 *
 * Only sizes are taken: they are what config bytes cannot tell. Index 0-5
 * is a BAR, 6 the ROM, 7-12 a VF BAR (the kernel's size: per-VF size times
 * TotalVFs), 13-16 a bridge window (chosen by the kernel, not hardware:
 * skipped). The type comes from the flags (IORESOURCE_*).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lspci.h"

/* include/linux/ioport.h */
#define IORESOURCE_IO		0x00000100
#define IORESOURCE_PREFETCH	0x00002000
#define IORESOURCE_MEM_64	0x00100000

#define RES_ROM			6
#define RES_VF_FIRST		7
#define RES_WINDOW_FIRST	13
#define RES_NR			17
#define NR_FIELDS		9

struct field {
	const char *s;
	size_t n, col;
};

static int fail(struct topo_error *err, int line, size_t col,
		const char *fmt, ...)
{
	va_list ap;

	err->line = line;
	err->col = (int)col + 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static bool hex_u64(const struct field *f, uint64_t *v)
{
	size_t i = 0;

	if (f->n > 2 && f->s[0] == '0' && (f->s[1] == 'x' || f->s[1] == 'X'))
		i = 2;
	if (i == f->n || f->n - i > 16)
		return false;
	for (*v = 0; i < f->n; i++) {
		char c = f->s[i];
		int h = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (h < 0)
			return false;
		*v = *v << 4 | (uint64_t)h;
	}
	return true;
}

static struct pcicfg *find_bdf(const struct field *f, struct pcicfg *fns,
			       size_t n, bool *ok)
{
	unsigned dom, bus, dev, fn;
	char buf[32], tail;

	*ok = false;
	if (f->n >= sizeof(buf))
		return NULL;
	memcpy(buf, f->s, f->n);
	buf[f->n] = '\0';
	if (sscanf(buf, "%4x:%2x:%2x.%1u%c", &dom, &bus, &dev, &fn, &tail) != 4 ||
	    f->n != 12 || dev > 0x1f || fn > 7)
		return NULL;
	*ok = true;
	for (size_t i = 0; i < n; i++)
		if (fns[i].domain == dom && fns[i].bus == bus &&
		    fns[i].devfn == (dev << 3 | fn))
			return &fns[i];
	return NULL;
}

static uint32_t cfg32(const struct pcicfg *c, unsigned int pos)
{
	return (uint32_t)c->cfg[pos] | (uint32_t)c->cfg[pos + 1] << 8 |
	       (uint32_t)c->cfg[pos + 2] << 16 | (uint32_t)c->cfg[pos + 3] << 24;
}

/*
 * A row for a standard BAR the captured config space cannot have: past
 * the header's BARs (two for a bridge, one for CardBus) or the upper half
 * of a 64-bit BAR. (A register that reads 0 proves nothing: an unassigned
 * BAR reads 0, and so does every BAR of a VF.)
 */
static int bar_not_in_config(const struct pcicfg *c, int idx,
			     struct topo_error *err, int line, size_t col)
{
	static const int nr_bars[] = { 6, 2, 1 };
	unsigned int hdr = c->cfg[0x0e] & 0x7f;

	if (hdr < 3 && idx >= nr_bars[hdr])
		return fail(err, line, col, "%04x:%02x:%02x.%u has no BAR %d (header type %u has %d)",
			    c->domain, c->bus, c->devfn >> 3, c->devfn & 7, idx,
			    hdr, nr_bars[hdr]);
	for (int i = 0; i < idx; i++) {
		uint32_t reg = cfg32(c, 0x10 + 4 * i);

		if ((reg & 1) || (reg & 6) != 4)
			continue;
		if (i + 1 == idx)
			return fail(err, line, col, "%04x:%02x:%02x.%u BAR %d is the upper half of 64-bit BAR %d",
				    c->domain, c->bus, c->devfn >> 3, c->devfn & 7,
				    idx, i);
		i++;	/* its upper half */
	}
	return 0;
}

static int row(int line, struct field *fl, struct pcicfg *fns,
	       size_t n, uint32_t *seen, struct topo_error *err)
{
	struct pcicfg_res *r;
	struct pcicfg *c;
	uint64_t size, flags, start, last;
	char *end;
	long idx;
	bool ok;

	c = find_bdf(&fl[0], fns, n, &ok);
	if (!ok)
		return fail(err, line, fl[0].col, "expected a function as DDDD:BB:DD.F");
	idx = strtol(fl[1].s, &end, 10);
	if (end != fl[1].s + fl[1].n || !fl[1].n || idx < 0 || idx >= RES_NR)
		return fail(err, line, fl[1].col, "expected a resource index 0-16");
	if (!hex_u64(&fl[4], &start))
		return fail(err, line, fl[4].col, "expected a start address in hex (0x10000000)");
	if (!hex_u64(&fl[5], &last))
		return fail(err, line, fl[5].col, "expected an end address in hex (0x10003fff)");
	if (!hex_u64(&fl[6], &size))
		return fail(err, line, fl[6].col, "expected a size in hex (0x4000)");
	/* sysfs: size = end - start + 1 when there is a size, else all 0 */
	if (size ? last < start || last - start != size - 1 : start || last)
		return fail(err, line, fl[4].col, "start %#llx, end %#llx and size %#llx do not agree (size = end - start + 1)",
			    (unsigned long long)start, (unsigned long long)last,
			    (unsigned long long)size);
	if (!hex_u64(&fl[7], &flags))
		return fail(err, line, fl[7].col, "expected resource flags in hex");
	if (!c)
		return fail(err, line, fl[0].col, "%.*s: the capture has no such function",
			    (int)fl[0].n, fl[0].s);
	if (seen[c - fns] & 1u << idx)
		return fail(err, line, fl[1].col, "%.*s resource %ld is listed twice",
			    (int)fl[0].n, fl[0].s, idx);
	seen[c - fns] |= 1u << idx;
	if (idx >= RES_WINDOW_FIRST || !size)
		return 0;
	if (idx < RES_ROM && bar_not_in_config(c, (int)idx, err, line, fl[1].col))
		return -1;
	r = idx < RES_ROM ? &c->bar[idx] : idx == RES_ROM ? &c->rom :
	    &c->vf_bar[idx - RES_VF_FIRST];
	r->size = size;
	r->listed = true;
	r->kind = flags & IORESOURCE_IO ? MBAR_IO :
		  flags & IORESOURCE_MEM_64 ? MBAR_MEM64 : MBAR_MEM32;
	r->pref = flags & IORESOURCE_PREFETCH;
	return 0;
}

int lspci_resources_parse(const char *name, const char *text, size_t len,
			  struct pcicfg *fns, size_t n,
			  struct topo_error *err)
{
	uint32_t *seen;
	size_t pos = 0;
	int line = 0, ret = 0;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	if (!len)
		return fail(err, 1, 0, "empty: not a resources file (the first line is the header 'bdf<TAB>index<TAB>name...')");
	seen = calloc(n ? n : 1, sizeof(*seen));	/* a bit per resource */
	if (!seen)
		return fail(err, 1, 0, "out of memory");
	while (!ret && pos < len) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - l) : len - pos, col = 0;
		struct field fl[NR_FIELDS];
		int nf = 0;

		pos += ll + 1;
		line++;
		if (ll && l[ll - 1] == '\r')
			ll--;
		if (line == 1) {
			if (ll < 4 || memcmp(l, "bdf\t", 4))
				ret = fail(err, 1, 0, "not a resources file: the first line is the header 'bdf<TAB>index<TAB>name...'");
			continue;
		}
		if (!ll)
			continue;
		while (col <= ll && nf < NR_FIELDS) {
			const char *tab = memchr(l + col, '\t', ll - col);
			size_t fe = tab ? (size_t)(tab - l) : ll;

			fl[nf++] = (struct field){ l + col, fe - col, col };
			col = fe + 1;
		}
		if (nf < NR_FIELDS || col <= ll)
			ret = fail(err, line, nf < NR_FIELDS ? ll : col,
				   "expected %d tab-separated fields", NR_FIELDS);
		else
			ret = row(line, fl, fns, n, seen, err);
	}
	free(seen);
	return ret;
}
