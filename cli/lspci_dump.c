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
 *
 * What lspci -F reads is read; what it skips (lines it does not know) is
 * skipped, with a warning at the line. Captures pasted through a mailer or
 * a web form lose lspci's exact spacing: rows of bytes wrapped onto a
 * second line, tabs and spaces swapped, blanks at line ends, a pcilib:
 * message cutting a line where stderr met stdout's buffer. lspci -F then
 * reads ff for the bytes it lost, or refuses the file; here, where the
 * bytes are unambiguous, they are read, and each kind of repair is said
 * once, at its first line. Bytes nobody gave (a missing row) read as ff,
 * as lspci -F reads them, with a warning naming the row, the function and
 * its registers. A byte that is not two hex digits stays an error at its
 * line and column: lspci -F refuses it too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lspci.h"

/* A kind of repair made on many lines: said once, at its first line. */
struct repair {
	int first;
	unsigned n;
};

struct dump_parser {
	struct topo_error *err;
	const char *name;
	FILE *warn;			/* NULL: no warnings */
	int line;
	const char *text;		/* the current line, len bytes */
	size_t len;
	struct pcicfg *fns;
	size_t n, cap;
	struct pcicfg *cur;		/* function being read, or NULL */
	bool in_sriov;			/* inside -vvv's SR-IOV capability */
	size_t col0;			/* columns cut from the line (quoting) */
	size_t indent1;			/* the function's first -vvv indentation */
	/* the current function: the line each 16-byte row came from */
	int row_line[MACHINE_CFG_SIZE / 16];
	uint8_t filled[MACHINE_CFG_SIZE / 8];	/* bytes given, a bit each */
	unsigned cont_at, cont_end;	/* a wrapped row's missing bytes */
	int cont_line;
	unsigned skipped;		/* lines that are no lspci line */
	struct repair wrapped, blanks, trailing, spaced;
};

#define MAX_SKIP_WARNINGS	10

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

static void __attribute__((format(printf, 3, 4)))
warn(struct dump_parser *p, int line, const char *fmt, ...)
{
	va_list ap;

	if (!p->warn)
		return;
	fprintf(p->warn, "%s:%d: warning: ", p->name, line);
	va_start(ap, fmt);
	vfprintf(p->warn, fmt, ap);
	va_end(ap);
	fputc('\n', p->warn);
}

static void repaired(struct dump_parser *p, struct repair *r)
{
	if (!r->n++)
		r->first = p->line;
}

static void say_repairs(struct dump_parser *p, const struct repair *r,
			const char *what)
{
	if (r->n == 1)
		warn(p, r->first, "%s", what);
	else if (r->n)
		warn(p, r->first, "%s (here and on %u more line%s)", what,
		     r->n - 1, r->n > 2 ? "s" : "");
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

static bool blank(char c)
{
	return c == ' ' || c == '\t';
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

/* "BB:DD.F" or "DDDD:BB:DD.F", then a blank or the end of the line. */
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
	       (i + 5 == len || blank(s[i + 5]));
}

/* "OFF:" with 2 or 3 hex digits, then a blank or the end of the line. */
static bool is_hex_line(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && hexval(s[i]) >= 0)
		i++;
	return (i == 2 || i == 3) && i < len && s[i] == ':' &&
	       (i + 1 == len || blank(s[i + 1]));
}

/* Only bytes ("hh hh ..."), after optional blanks: a wrapped row's rest. */
static bool is_bytes_only(const char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		while (i < len && blank(s[i]))
			i++;
		if (i == len)
			break;
		if (i + 2 > len || hexval(s[i]) < 0 || hexval(s[i + 1]) < 0 ||
		    (i + 2 < len && !blank(s[i + 2])))
			return false;
		i += 2;
		n++;
	}
	return n > 0;
}

static bool is_filled(const struct dump_parser *p, unsigned off)
{
	return p->filled[off / 8] & (1u << (off % 8));
}

/* What the registers of the row at off are, for a warning about them. */
static const char *row_registers(const struct pcicfg *c, unsigned off,
				 const struct dump_parser *p)
{
	static const char *const type0[] = {
		"IDs, Command, Status, Class, Header Type",
		"BARs 0-3", "BARs 4-5, Subsystem IDs",
		"ROM BAR, Capabilities Pointer, Interrupt Pin",
	};
	static const char *const type1[] = {
		"IDs, Command, Status, Class, Header Type",
		"BARs 0-1, bus numbers, I/O window",
		"memory and prefetchable windows",
		"I/O window upper half, Capabilities Pointer, ROM BAR, Interrupt Pin, Bridge Control",
	};
	static const char *const type2[] = {
		"IDs, Command, Status, Class, Header Type",
		"socket base, bus numbers, memory window 0",
		"memory window 1, I/O window 0",
		"I/O window 1, Interrupt Pin, Bridge Control",
	};
	unsigned hdr = c->cfg[0x0e] & 0x7f;

	if (off >= 0x40)
		return off < 0x100 ? "capability registers" :
				     "extended capability registers";
	if (!is_filled(p, 0x0e))	/* header type unknown */
		hdr = 0;
	return (hdr == 1 ? type1 : hdr == 2 ? type2 : type0)[off / 16];
}

/*
 * Rows the capture did not give read as ff, as lspci -F reads them (its
 * dump backend fills a function's bytes with ff first). Each gap is said,
 * with the registers it holds, so nobody takes the result for the device.
 */
static void fill_gaps(struct dump_parser *p, struct pcicfg *c)
{
	for (unsigned off = 0; off < c->len; off += 16) {
		unsigned from = off, to;
		int before = c->line;

		while (from < off + 16 && is_filled(p, from))
			from++;
		if (from == off + 16)
			continue;
		to = from;
		while (to < off + 16 && !is_filled(p, to))
			to++;
		for (unsigned b = from; b < to; b++)
			c->cfg[b] = 0xff;
		for (unsigned r = 0; r <= off / 16; r++)
			if (p->row_line[r])
				before = p->row_line[r];
		if (from == off && to == off + 16 && !p->row_line[off / 16])
			warn(p, before, "%04x:%02x:%02x.%x has no line '%02x:' after this one: bytes %02x-%02x read as ff, as lspci -F reads them (%s)",
			     c->domain, c->bus, c->devfn >> 3, c->devfn & 7,
			     off, from, to - 1, row_registers(c, off, p));
		else
			warn(p, before, "%04x:%02x:%02x.%x line '%02x:' has no bytes %02x-%02x: read as ff, as lspci -F reads them (%s)",
			     c->domain, c->bus, c->devfn >> 3, c->devfn & 7,
			     off, from, to - 1, row_registers(c, off, p));
	}
}

static int end_function(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;
	unsigned given;

	p->cur = NULL;
	p->in_sriov = false;
	p->cont_at = p->cont_end = 0;
	if (!c)
		return 0;
	given = c->len;
	if (given > 64 && given < 256)
		c->len = 256;
	else if (given > 256 && given < 4096)
		c->len = 4096;
	if (c->len != given)
		warn(p, p->row_line[(given - 1) / 16], "%04x:%02x:%02x.%x ends at byte %02x, not at 3f, ff or fff as a capture does: the capture is cut short?",
		     c->domain, c->bus, c->devfn >> 3, c->devfn & 7, given - 1);
	if (c->len == 64 || c->len == 256 || c->len == 4096) {
		fill_gaps(p, c);
		return 0;
	}
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
	if (i < p->len && p->text[i] == '\t')
		warn(p, p->line, "a tab after the function's address, where lspci writes a space: lspci -F skips this function, read here as its header");
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
	p->indent1 = 0;
	memset(p->row_line, 0, sizeof(p->row_line));
	memset(p->filled, 0, sizeof(p->filled));
	return 0;
}

/*
 * Bytes from column i on, to offset off on. lspci writes "hh" tokens one
 * space apart; a capture that went through a web form or a mailer may have
 * tabs or runs of spaces instead, which lspci -F takes for a malformed line
 * (or ignores the line): the bytes are still unambiguous, so they are read,
 * and the repair said.
 */
static int put_bytes(struct dump_parser *p, size_t i, unsigned off,
		     unsigned end, unsigned *nbytes)
{
	struct pcicfg *c = p->cur;
	bool odd = false;

	*nbytes = 0;
	while (i < p->len) {
		size_t b = i;

		while (i < p->len && blank(p->text[i]))
			i++;
		/* b == 0: a wrapped row's indentation */
		if (i < p->len && b > 0 && (i - b != 1 || p->text[b] != ' '))
			odd = true;
		if (i == p->len)
			break;
		if (i + 2 > p->len || hexval(p->text[i]) < 0 ||
		    hexval(p->text[i + 1]) < 0 ||
		    (i + 2 < p->len && !blank(p->text[i + 2])))
			return fail(p, i, "expected a byte as two hex digits");
		if (off + *nbytes >= end)
			return fail(p, i, end % 16 ? "more bytes than the wrapped line above lacks" :
				    "more than 16 bytes on one line");
		if (off + *nbytes >= MACHINE_CFG_SIZE)
			return fail(p, i, "config space ends at offset 0xfff");
		c->cfg[off + *nbytes] = (uint8_t)(hexval(p->text[i]) << 4 |
						  hexval(p->text[i + 1]));
		p->filled[(off + *nbytes) / 8] |= (uint8_t)(1u << ((off + *nbytes) % 8));
		++*nbytes;
		i += 2;
	}
	if (odd)
		repaired(p, &p->blanks);
	if (off + *nbytes > c->len)
		c->len = (uint16_t)(off + *nbytes);
	return 0;
}

static int hex_line(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;
	unsigned long off;
	unsigned nbytes;
	size_t i = 0;

	if (!c)
		return fail(p, 0, "config bytes without a function header before them");
	hexnum(p->text, p->len, &i, &off);
	if (off % 16 || off >= MACHINE_CFG_SIZE)
		return fail(p, 0, "bytes at offset %lx: lines start at multiples of 16 below 0x1000",
			    off);
	/* lspci -F takes lines in any order, a later one over an earlier */
	if (p->row_line[off / 16])
		warn(p, p->line, "%04x:%02x:%02x.%x bytes at %02lx again (line %d gave them): these taken, as lspci -F does",
		     c->domain, c->bus, c->devfn >> 3, c->devfn & 7, off,
		     p->row_line[off / 16]);
	p->row_line[off / 16] = p->line;
	if (put_bytes(p, i + 1, (unsigned)off, (unsigned)off + 16, &nbytes))
		return -1;
	p->cont_at = p->cont_end = 0;
	if (nbytes && nbytes < 16) {
		p->cont_at = (unsigned)off + nbytes;
		p->cont_end = (unsigned)off + 16;
		p->cont_line = p->line;
	}
	return 0;
}

/*
 * The rest of a row a mailer or a web form wrapped onto the next line
 * (after 8 or 12 bytes, say), indented or not. lspci -F ignores such a
 * line, reading the bytes as ff; their place is unambiguous.
 */
static int continued_row(struct dump_parser *p)
{
	unsigned nbytes, at = p->cont_at;

	if (put_bytes(p, 0, at, p->cont_end, &nbytes))
		return -1;
	repaired(p, &p->wrapped);
	p->cont_at += nbytes;
	if (p->cont_at == p->cont_end)
		p->cont_at = p->cont_end = 0;
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

/*
 * -vvv's decoding: one tab for the function's own lines, two inside a
 * capability. Tabs turned into spaces (a web form, a mailer) keep the
 * nesting: the function's first decoding line gives the first level.
 */
static int decoding_line(struct dump_parser *p)
{
	struct pcicfg *c = p->cur;
	size_t ind = 0;
	int level;

	if (!c)
		return fail(p, 0, "an lspci -vvv line without a function header before it");
	while (ind < p->len && blank(p->text[ind]))
		ind++;
	if (p->text[0] == '\t') {
		level = (int)ind;
	} else {
		repaired(p, &p->spaced);
		if (!p->indent1)
			p->indent1 = ind;
		level = ind <= p->indent1 ? 1 : 2;
	}
	if (level == 1) {
		p->in_sriov = starts(p, ind, "Capabilities: ") &&
			      find(p, ind, "Single Root I/O Virtualization");
		if (starts(p, ind, "Region "))
			return region(p, ind, c->bar);
		/* "[virtual] Expansion ROM at ..." too */
		if (find(p, ind, "Expansion ROM at ")) {
			c->rom.listed = true;
			return size_of(p, &c->rom.size);
		}
	} else if (level == 2 && p->in_sriov && starts(p, ind, "Region ")) {
		return region(p, ind, c->vf_bar);
	}
	return 0;
}

static bool is_message(const struct dump_parser *p, size_t col)
{
	return starts(p, col, "pcilib: ") || starts(p, col, "lspci: ");
}

static int parse_line(struct dump_parser *p)
{
	/*
	 * lspci's and libpci's own messages, which land in a capture taken
	 * with 2>&1 ("pcilib: sysfs_read_vpd: read failed: ...").
	 */
	if (is_message(p, 0))
		return 0;
	if (!p->len)
		return end_function(p);
	if (p->cur && p->cont_at && is_bytes_only(p->text, p->len))
		return continued_row(p);
	if (blank(p->text[0]) && p->cur)
		return decoding_line(p);
	if (is_header(p->text, p->len))
		return header(p);
	if (is_hex_line(p->text, p->len))
		return hex_line(p);
	/* lspci -F skips what it does not know; so does this, aloud */
	if (++p->skipped <= MAX_SKIP_WARNINGS)
		warn(p, p->line, "not a line of an lspci -xxxx capture (a function 'BB:DD.F ...', bytes 'OFF: hh ...', or -vvv lines indented by a tab): skipped, as lspci -F does");
	return 0;
}

/* The next physical line from *pos: CR and e-mail quoting cut. */
static void next_line(struct dump_parser *p, const char *text, size_t len,
		      size_t *pos)
{
	const char *nl = memchr(text + *pos, '\n', len - *pos);
	size_t end = nl ? (size_t)(nl - text) : len;

	p->line++;
	p->text = text + *pos;
	p->len = end - *pos;
	*pos = end + 1;
	if (p->len && p->text[p->len - 1] == '\r')
		p->len--;
	/*
	 * A capture quoted in an e-mail reply: "> " (">> ", ...). No line of
	 * lspci's starts with '>'.
	 */
	p->col0 = 0;
	while (p->col0 < p->len && p->text[p->col0] == '>')
		p->col0++;
	if (p->col0 && p->col0 < p->len && p->text[p->col0] == ' ')
		p->col0++;
	p->text += p->col0;
	p->len -= p->col0;
}

/* Where lspci's or libpci's message starts inside the line; 0: nowhere. */
static size_t message_inside(const struct dump_parser *p)
{
	for (size_t i = 1; i < p->len; i++)
		if ((p->text[i] == 'p' || p->text[i] == 'l') && is_message(p, i))
			return i;
	return 0;
}

int lspci_dump_read(const char *name, const char *text, size_t len,
		    struct pcicfg **fns, size_t *n, struct topo_error *err,
		    FILE *warnings)
{
	struct dump_parser p = { .err = err, .name = name, .warn = warnings };
	char *joined = NULL;
	size_t pos = 0;
	int rc = 0;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", name);
	while (pos < len && !rc) {
		size_t cut, keep;
		int joins = 0;
		char *j;

		next_line(&p, text, len, &pos);
		/*
		 * With 2>&1, stderr's message lands where stdout's buffer was
		 * flushed: inside a line, which goes on after the message's
		 * newline. The line is its start joined with the next line.
		 */
		while ((cut = message_inside(&p)) && pos < len) {
			int at = p.line;

			keep = cut;
			j = malloc(keep + 1);
			if (!j) {
				rc = fail(&p, 0, "out of memory");
				break;
			}
			memcpy(j, p.text, keep);
			warn(&p, at, "lspci's message '%.*s' cuts this line: read as its start joined with line %d",
			     (int)(p.len - cut), p.text + cut, at + 1);
			next_line(&p, text, len, &pos);
			free(joined);
			joined = malloc(keep + p.len + 1);
			if (!joined) {
				free(j);
				rc = fail(&p, 0, "out of memory");
				break;
			}
			memcpy(joined, j, keep);
			memcpy(joined + keep, p.text, p.len);
			free(j);
			p.text = joined;
			p.len += keep;
			p.line = at;
			p.col0 = 0;
			joins++;
		}
		if (rc)
			break;
		{
			size_t l = p.len;

			while (l && blank(p.text[l - 1]))
				l--;
			/* lspci -F refuses a row ending in more than a space */
			if ((p.len - l > 1 || (l < p.len && p.text[l] == '\t')) &&
			    (is_hex_line(p.text, l) || is_bytes_only(p.text, l)))
				repaired(&p, &p.trailing);
			p.len = l;
		}
		rc = parse_line(&p);
		p.line += joins;	/* a joined line was several */
	}
	free(joined);
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
	if (p.skipped > MAX_SKIP_WARNINGS)
		warn(&p, p.line, "%u more lines skipped that are no lines of an lspci capture",
		     p.skipped - MAX_SKIP_WARNINGS);
	say_repairs(&p, &p.wrapped, "a row of bytes wrapped onto the next line (lspci -F reads its rest as ff): joined");
	say_repairs(&p, &p.blanks, "bytes apart by tabs or several spaces, where lspci writes one space (lspci -F skips or refuses such a line): read");
	say_repairs(&p, &p.trailing, "blanks at the end of the line (lspci -F refuses a row of bytes with more than one space there): ignored");
	say_repairs(&p, &p.spaced, "-vvv lines indented with spaces, not tabs: read by their indentation");
	*fns = p.fns;
	*n = p.n;
	return 0;
}

int lspci_dump_parse(const char *name, const char *text, size_t len,
		     struct pcicfg **fns, size_t *n, struct topo_error *err)
{
	return lspci_dump_read(name, text, len, fns, n, err, NULL);
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
