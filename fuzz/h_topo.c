// SPDX-License-Identifier: GPL-2.0
/*
 * Harness 2: topology files, the parser (topofile.c), the loader
 * (topobuild.c and the machine it builds) and the writer (topowrite.c).
 *
 * The input is the text of a topology file. It must never crash, hang or
 * leak; it parses or is refused with an error that names a position in
 * the text; and whatever parses survives a round trip: the canonical text
 * parses again, writes the same text again, and builds the same way (both
 * machines or the same error; the same functions with the same power-on
 * config space on every root bus).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "machine.h"
#include "topofile.h"

static char *write_text(const struct topo *t, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	if (topo_write(t, f))
		fuzz_finding("topo_write() failed on a topology that parsed");
	if (fclose(f))
		abort();
	return buf;
}

/* An error names a place in the text and says something. */
static void check_error(const struct topo_error *err, const char *text,
			size_t len)
{
	int lines = 1;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || !err->msg[0])
		fuzz_finding("refused without a message");
	if (err->line < 0 || err->line > lines || err->col < 0)
		fuzz_finding("error at %d:%d, outside the %d lines of input: %s",
			     err->line, err->col, lines, err->msg);
	if (fuzz_verbose)
		topo_error_print(err, stderr);
}

static struct machine *build(const struct topo *t, struct topo_error *err)
{
	memset(err, 0, sizeof(*err));
	return topo_build(t, err);
}

/* The functions on every root bus, config bytes at power-on. */
static void compare_machines(struct machine *m1, struct machine *m2)
{
	if (machine_nr_hosts(m1) != machine_nr_hosts(m2))
		fuzz_finding("round trip: %zu hosts, then %zu",
			     machine_nr_hosts(m1), machine_nr_hosts(m2));
	for (size_t i = 0; i < machine_nr_hosts(m1); i++) {
		struct mhost *h1 = machine_host(m1, i), *h2 = machine_host(m2, i);
		uint8_t s1, e1, s2, e2;

		mhost_bus_range(h1, &s1, &e1);
		mhost_bus_range(h2, &s2, &e2);
		if (mhost_domain(h1) != mhost_domain(h2) || s1 != s2 || e1 != e2 ||
		    mhost_nr_windows(h1) != mhost_nr_windows(h2))
			fuzz_finding("round trip: host %zu differs", i);
		for (int devfn = 0; devfn < 256; devfn++) {
			struct mfunc *f1 = machine_find(m1, mhost_domain(h1), s1,
							(uint8_t)devfn);
			struct mfunc *f2 = machine_find(m2, mhost_domain(h2), s2,
							(uint8_t)devfn);

			if (!f1 != !f2)
				fuzz_finding("round trip: %04x:%02x:%02x.%d present in one machine only",
					     mhost_domain(h1), s1, devfn >> 3, devfn & 7);
			if (!f1)
				continue;
			if (mfunc_config_size(f1) != mfunc_config_size(f2) ||
			    memcmp(mfunc_config(f1), mfunc_config(f2),
				   mfunc_config_size(f1)))
				fuzz_finding("round trip: config space of %04x:%02x:%02x.%d differs",
					     mhost_domain(h1), s1, devfn >> 3,
					     devfn & 7);
		}
	}
}

static void topo_one(const uint8_t *data, size_t len)
{
	struct topo_error err, err2;
	struct topo *t1, *t2;
	struct machine *m1, *m2;
	char *text1, *text2;
	size_t n1, n2;

	memset(&err, 0, sizeof(err));
	t1 = topo_parse_string("<fuzz>", (const char *)data, len, &err);
	if (!t1) {
		check_error(&err, (const char *)data, len);
		return;
	}
	text1 = write_text(t1, &n1);
	memset(&err, 0, sizeof(err));
	t2 = topo_parse_string("<written>", text1, n1, &err);
	if (!t2)
		fuzz_finding("round trip: the written text does not parse: %d:%d: %s\n%s",
			     err.line, err.col, err.msg, text1);
	text2 = write_text(t2, &n2);
	if (n1 != n2 || memcmp(text1, text2, n1))
		fuzz_finding("round trip: writing the parsed text changes it:\n%s---\n%s",
			     text1, text2);
	if (topo_nr_functions(t1) != topo_nr_functions(t2))
		fuzz_finding("round trip: %zu functions, then %zu",
			     topo_nr_functions(t1), topo_nr_functions(t2));

	m1 = build(t1, &err);
	m2 = build(t2, &err2);
	if (!m1 != !m2)
		fuzz_finding("round trip: one text builds, the other does not: %s%s",
			     err.msg, err2.msg);
	if (m1) {
		compare_machines(m1, m2);
	} else {
		/* messages may cite line numbers, which the writer changes */
		check_error(&err, (const char *)data, len);
	}
	machine_free(m1);
	machine_free(m2);
	topo_free(t1);
	topo_free(t2);
	free(text1);
	free(text2);
}

const struct fuzz_harness fuzz_harness = {
	.name = "topo",
	.one = topo_one,
};
