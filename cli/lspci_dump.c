// SPDX-License-Identifier: GPL-2.0
/*
 * lspci's dump format, as pciutils' lib/dump.c reads it: a line
 * "[DDDD:]BB:DD.F ..." starts a function, lines "OFF: hh hh ..." give its
 * config bytes in order, a blank line ends it. lspci -vvvxxxx puts its
 * decoding, tab-indented, between the header and the bytes; of that only
 * the [size=] annotations matter here (config bytes do not carry sizes):
 *
 *	Region 0: Memory at 10000000 (64-bit, non-prefetchable) [size=16K]
 *	Expansion ROM at 10040000 [disabled] [size=256K]
 *	Capabilities: [160 v1] Single Root I/O Virtualization (SR-IOV)
 *		Region 0: Memory at 0000000010004000 (64-bit, non-prefetchable)
 *
 * A Region line inside the SR-IOV capability is a VF BAR; a size there is
 * taken as the kernel's resource size (all TotalVFs), as sysfs gives it.
 * Anything else is an error at its line and column: a capture that does
 * not read cleanly is not trusted to describe hardware.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lspci.h"

struct dump_parser {
	struct topo_error *err;
	int line;
	const char *text;		/* the current line, len bytes */
	size_t len;
	struct pcicfg *fns;
	size_t n, cap;
	struct pcicfg *cur;		/* function being read, or NULL */
	bool in_sriov;			/* inside -vvv's SR-IOV capability */
	size_t col0;			/* columns cut from the line (quoting) */
};

static int fail(struct dump_parser *p, size_t col, const char *fmt, ...)
{
	va_list ap;

	p->err->line = p->line;
	p->err->col = (int)(p->col0 + col) + 1;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

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

/* Hex digits at s[*i]; at least one; advances *i. */
static bool hexnum(const char *s, size_t len, size_t *i, unsigned long *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < len && hexval(s[*i]) >= 0 && *i - start < 8)
		*v = *v << 4 | (unsigned long)hexval(s[(*i)++]);
	return *i > start;
}

/* "BB:DD.F" or "DDDD:BB:DD.F", then a space or the end of the line. */
static bool is_header(const char *s, size_t len)
{
	size_t i = 0, ndig = 0;

	while (i < len && hexval(s[i]) >= 0)
		i++;
	if (i != 2 && i != 4 && i != 5)
		return false;
	if (i != 2) {			/* domain */
		if (i >= len || s[i] != ':')
			return false;
		ndig = ++i;
		while (i < len && hexval(s[i]) >= 0)
			i++;
		if (i - ndig != 2)
			return false;
	}
	return i + 5 <= len && s[i] == ':' && hexval(s[i + 1]) >= 0 &&
	       hexval(s[i + 2]) >= 0 && s[i + 3] == '.' &&
	       s[i + 4] >= '0' && s[i + 4] <= '7' &&
	       (i + 5 == len || s[i + 5] == ' ');
}

/* "OFF:" with 2 or 3 hex digits, then a space or the end of the line. */
static bool is_hex_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && hexval(s[i]) >= 0)
		i++;
	return (i == 2 || i == 3) && i < len && s[i] == ':' &&
	       (i + 1 == len || s[i + 1] == ' ');
}

static int end_function(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;

	p->cur = NULL;
	p->in_sriov = false;
	if (!c || c->len == 64 || c->len == 256 || c->len == 4096)
		return 0;
	p->line = c->line;
	if (!c->len)
		return fail(p, 0, "no config bytes for this function: capture with lspci -xxxx (or -xxx)");
	return fail(p, 0, "0x%x config bytes for this function: a capture has 64, 256 or 4096",
		    c->len);
}

static int header(struct dump_parser *p)
{
	unsigned long dom = 0, bus, dev, fn;
	size_t i = 0;
	struct pcicfg *c;

	if (end_function(p))
		return -1;
	hexnum(p->text, p->len, &i, &bus);
	if (p->text[i] == ':' && p->text[i + 3] == ':') {
		dom = bus;
		i++;
		hexnum(p->text, p->len, &i, &bus);
	}
	i++;
	hexnum(p->text, p->len, &i, &dev);
	i++;
	hexnum(p->text, p->len, &i, &fn);
	if (dom > 0xffff)
		return fail(p, 0, "domain %lx: topology files have domains 0000-ffff", dom);
	if (dev > 0x1f)
		return fail(p, i - 4, "device %02lx: devices are 00-1f", dev);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct pcicfg *v = realloc(p->fns, cap * sizeof(*v));

		if (!v)
			return fail(p, 0, "out of memory");
		p->fns = v;
		p->cap = cap;
	}
	c = &p->fns[p->n++];
	memset(c, 0, sizeof(*c));
	c->domain = (uint16_t)dom;
	c->bus = (uint8_t)bus;
	c->devfn = (uint8_t)(dev << 3 | fn);
	c->line = p->line;
	p->cur = c;
	return 0;
}

static int hex_line(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;
	unsigned long off;
	size_t i = 0, nbytes = 0;

	if (!c)
		return fail(p, 0, "config bytes without a function header before them");
	hexnum(p->text, p->len, &i, &off);
	if (off != c->len)
		return fail(p, 0, "bytes at offset %lx, expected %x (lines in order, 16 bytes each)",
			    off, c->len);
	i++;				/* ':' */
	while (i < p->len) {
		if (p->text[i] != ' ' || i + 3 > p->len ||
		    hexval(p->text[i + 1]) < 0 || hexval(p->text[i + 2]) < 0 ||
		    (i + 3 < p->len && p->text[i + 3] != ' '))
			return fail(p, i < p->len && p->text[i] == ' ' ? i + 1 : i,
				    "expected a byte as two hex digits");
		if (nbytes == 16)
			return fail(p, i + 1, "more than 16 bytes on one line");
		if (c->len + nbytes >= MACHINE_CFG_SIZE)
			return fail(p, i + 1, "config space ends at offset 0xfff");
		c->cfg[c->len + nbytes++] = (uint8_t)(hexval(p->text[i + 1]) << 4 |
						      hexval(p->text[i + 2]));
		i += 3;
	}
	c->len = (uint16_t)(c->len + nbytes);
	return 0;
}

static const char *find(const struct dump_parser *p, size_t from,
			const char *what)
{
	size_t n = strlen(what);

	for (size_t i = from; i + n <= p->len; i++)
		if (!memcmp(p->text + i, what, n))
			return p->text + i;
	return NULL;
}

/* "[size=16K]" anywhere on the line; 0 if absent. */
static int size_of(struct dump_parser *p, uint64_t *size)
{
	const char *s = find(p, 0, "[size=");
	const char *e;

	*size = 0;
	if (!s)
		return 0;
	s += 6;
	e = memchr(s, ']', p->len - (size_t)(s - p->text));
	if (!e || !pcicfg_parse_size(s, (size_t)(e - s), size) || !*size)
		return fail(p, (size_t)(s - p->text), "expected a size such as 16K in [size=...]");
	return 0;
}

/* "Region N: ..." at column col: BAR or VF BAR N. */
static int region(struct dump_parser *p, size_t col, struct pcicfg_res *res)
{
	size_t i = col + 7;		/* after "Region " */
	struct pcicfg_res *r;
	int n;

	if (i + 2 > p->len || p->text[i] < '0' || p->text[i] > '5' ||
	    p->text[i + 1] != ':')
		return fail(p, i, "expected a region number 0-5 and ':'");
	n = p->text[i] - '0';
	r = &res[n];
	r->listed = true;
	if (find(p, i, "I/O ports at")) {
		r->kind = MBAR_IO;
	} else if (find(p, i, "Memory at")) {
		r->kind = find(p, i, "(64-bit") ? MBAR_MEM64 : MBAR_MEM32;
		r->pref = find(p, i, ", prefetchable)");
	}
	return size_of(p, &r->size);
}

static bool starts(const struct dump_parser *p, size_t col, const char *what)
{
	size_t n = strlen(what);

	return col + n <= p->len && !memcmp(p->text + col, what, n);
}

static int decoding_line(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;
	size_t tabs = 0;

	if (!c)
		return fail(p, 0, "an lspci -vvv line without a function header before it");
	while (tabs < p->len && p->text[tabs] == '\t')
		tabs++;
	if (tabs == 1) {
		p->in_sriov = starts(p, 1, "Capabilities: ") &&
			      find(p, 1, "Single Root I/O Virtualization");
		if (starts(p, 1, "Region "))
			return region(p, 1, c->bar);
		/* "[virtual] Expansion ROM at ..." too */
		if (find(p, 1, "Expansion ROM at ")) {
			c->rom.listed = true;
			return size_of(p, &c->rom.size);
		}
	} else if (tabs == 2 && p->in_sriov && starts(p, 2, "Region ")) {
		return region(p, 2, c->vf_bar);
	}
	return 0;
}

static int parse_line(struct dump_parser *p)
{
	/*
	 * lspci's and libpci's own messages, which land in a capture taken
	 * with 2>&1 ("pcilib: sysfs_read_vpd: read failed: ...").
	 */
	if (starts(p, 0, "pcilib: ") || starts(p, 0, "lspci: "))
		return 0;
	if (!p->len)
		return end_function(p);
	if (p->text[0] == '\t')
		return decoding_line(p);
	if (is_header(p->text, p->len))
		return header(p);
	if (is_hex_line(p->text, p->len))
		return hex_line(p);
	return fail(p, 0, "not a line of an lspci -xxxx capture (a function 'BB:DD.F ...', bytes 'OFF: hh ...', or -vvv lines indented by a tab)");
}

int lspci_dump_parse(const char *name, const char *text, size_t len,
		     struct pcicfg **fns, size_t *n, struct topo_error *err)
{
	struct dump_parser p = { .err = err };
	size_t pos = 0;
	int rc = 0;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	while (pos < len && !rc) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		p.line++;
		p.text = text + pos;
		p.len = end - pos;
		if (p.len && p.text[p.len - 1] == '\r')
			p.len--;
		/*
		 * A capture quoted in an e-mail reply: "> " (">> ", ...). No
		 * line of lspci's starts with '>'.
		 */
		p.col0 = 0;
		while (p.col0 < p.len && p.text[p.col0] == '>')
			p.col0++;
		if (p.col0 && p.col0 < p.len && p.text[p.col0] == ' ')
			p.col0++;
		p.text += p.col0;
		p.len -= p.col0;
		rc = parse_line(&p);
		pos = end + 1;
	}
	if (!rc)
		rc = end_function(&p);
	if (!rc && !p.n) {
		err->line = 0;
		snprintf(err->msg, sizeof(err->msg), "no PCI function in this file (is it an lspci -xxxx capture?)");
		rc = -1;
	}
	if (rc) {
		free(p.fns);
		return -1;
	}
	*fns = p.fns;
	*n = p.n;
	return 0;
}

char *lspci_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0;
	struct stat st;

	*len = 0;
	if (!f)
		return NULL;
	if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	for (;;) {
		size_t got;

		if (*len > LSPCI_MAX_FILE_BYTES) {
			free(buf);
			fclose(f);
			errno = EFBIG;
			return NULL;
		}
		if (*len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + *len, 1, cap - *len - 1, f);
		*len += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}
