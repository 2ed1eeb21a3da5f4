// SPDX-License-Identifier: GPL-2.0
/*
 * Harness 3: import-lspci input: an lspci -xxxx / -vvvxxxx capture
 * (lspci_dump.c), optionally a resources file (lspci_resources.c) after a
 * line "%%", through the whole import path (pcicfg_decode.c,
 * pcicfg_sizes.c, pcicfg_tree.c, desc_write.c) exactly as
 * "pcisim import-lspci DUMP --resources FILE" runs it.
 *
 * It must never crash, hang or leak; a capture it cannot use is refused
 * with an error at a line of the input; and a topology it writes must be
 * one pcisim loads: it parses, builds, and survives the writer's round
 * trip (import-lspci checks this itself; the harness checks it again,
 * independently of that code).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "lspci.h"
#include "machine.h"
#include "pcicfg.h"
#include "topofile.h"

static int count_lines(const char *s, size_t len)
{
	int n = 1;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

static void check_error(const struct topo_error *err, const char *what,
			int lines)
{
	if (!memchr(err->msg, '\0', sizeof(err->msg)) || !err->msg[0])
		fuzz_finding("%s refused without a message", what);
	if (err->line < 0 || err->line > lines || err->col < 0)
		fuzz_finding("%s error at %d:%d, outside its %d lines: %s", what,
			     err->line, err->col, lines, err->msg);
	if (fuzz_verbose)
		topo_error_print(err, stderr);
}

/* What import-lspci wrote must load. */
static void check_topology(const char *text, size_t len)
{
	struct topo_error err;
	struct machine *m;
	struct topo *t, *t2;
	char *again = NULL;
	size_t alen = 0;
	FILE *f;

	memset(&err, 0, sizeof(err));
	t = topo_parse_string("<imported>", text, len, &err);
	if (!t)
		fuzz_finding("import-lspci wrote a topology that does not parse: %d:%d: %s\n%s",
			     err.line, err.col, err.msg, text);
	m = topo_build(t, &err);
	if (!m)
		fuzz_finding("import-lspci wrote a topology that does not build: %d:%d: %s\n%s",
			     err.line, err.col, err.msg, text);
	machine_free(m);
	f = open_memstream(&again, &alen);
	if (!f || topo_write(t, f) || fclose(f))
		fuzz_finding("writing the imported topology failed");
	t2 = topo_parse_string("<rewritten>", again, alen, &err);
	if (!t2)
		fuzz_finding("the imported topology does not survive a round trip: %s",
			     err.msg);
	if (topo_nr_functions(t2) != topo_nr_functions(t))
		fuzz_finding("the imported topology changes in a round trip");
	topo_free(t2);
	topo_free(t);
	free(again);
}

static void lspci_one(const uint8_t *data, size_t len)
{
	struct pcicfg_diag dg = { .source = "<dump>" };
	const char *sep = NULL;
	char *dump, *res = NULL, *topo = NULL;
	struct pcicfg *fns = NULL;
	struct topo_error err;
	size_t n = 0, dlen = len, rlen = 0, tlen = 0;
	FILE *o;
	int rc;

	/* "%%" on a line of its own starts the resources file */
	for (size_t i = 0; i + 3 <= len; i++) {
		if ((i == 0 || data[i - 1] == '\n') && data[i] == '%' &&
		    data[i + 1] == '%' && data[i + 2] == '\n') {
			sep = (const char *)data + i;
			break;
		}
	}
	if (sep) {
		dlen = (size_t)(sep - (const char *)data);
		rlen = len - dlen - 3;
	}
	/* NUL-terminated copies of exactly the input, as files are read */
	dump = malloc(dlen + 1);
	memcpy(dump, data, dlen);
	dump[dlen] = '\0';
	if (sep) {
		res = malloc(rlen + 1);
		memcpy(res, sep + 3, rlen);
		res[rlen] = '\0';
	}
	dg.f = fuzz_verbose ? stderr : fuzz_null();

	memset(&err, 0, sizeof(err));
	if (lspci_dump_parse("<dump>", dump, dlen, &fns, &n, &err)) {
		check_error(&err, "the dump", count_lines(dump, dlen));
		goto out;
	}
	if (res) {
		memset(&err, 0, sizeof(err));
		if (lspci_resources_parse("<resources>", res, rlen, fns, n,
					  &err)) {
			check_error(&err, "the resources file",
				    count_lines(res, rlen));
			goto out;
		}
	}
	o = open_memstream(&topo, &tlen);
	if (!o)
		abort();
	rc = pcicfg_to_topology(fns, n, o, &dg);
	if (fclose(o))
		abort();
	if (!rc)
		check_topology(topo, tlen);
out:
	free(topo);
	free(fns);
	free(dump);
	free(res);
}

const struct fuzz_harness fuzz_harness = {
	.name = "lspci",
	.one = lspci_one,
};
