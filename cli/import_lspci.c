// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim import-lspci DUMP [--resources FILE] [-o OUT]: the hardware of a
 * real machine, from an lspci -xxxx (or -vvvxxxx) capture, as a topology
 * file at power-on state. See pcicfg.h for the path it takes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lspci.h"

/*
 * A file name inside a comment line: a newline in it would end the comment
 * and leave the rest as a line the topology parser refuses, so control
 * characters (and backslashes, to keep it unambiguous) are written as C
 * escapes.
 */
static void put_comment_name(FILE *o, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", o);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(o, "\\x%02x", *p);
		else
			fputc(*p, o);
	}
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "pcisim import-lspci: %s%s%s\n"
		"usage: pcisim import-lspci DUMP [--resources FILE] [-o OUT]\n",
		msg, arg ? " " : "", arg ? arg : "");
	return EXIT_BAD_INPUT;
}

static char *read_or_complain(const char *path, size_t *len)
{
	char *text = lspci_read_file(path, len);

	if (!text && errno == EFBIG)
		fprintf(stderr, "%s: error: longer than %u MiB, the limit of a capture "
			"(an endless stream such as /dev/zero?)\n", path,
			LSPCI_MAX_FILE_BYTES >> 20);
	else if (!text)
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
	return text;
}

/* Write text to path (or stdout), all or nothing. */
int cli_write_output(const char *path, const char *text, size_t len)
{
	FILE *f = path ? fopen(path, "w") : stdout;

	if (!f) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(text, 1, len, f) != len) {
		fprintf(stderr, "%s: error: write failed: %s\n",
			path ? path : "standard output", strerror(errno));
		if (path)
			fclose(f);
		return -1;
	}
	return cli_close_output(f, path ? path : "standard output");
}

int cli_close_output(FILE *f, const char *name)
{
	int lost = fflush(f) != 0;
	int err = lost ? errno : 0;

	/* an earlier write failed: its errno is gone, say what is known */
	if (!lost && ferror(f))
		lost = 1;
	if (f != stdout && fclose(f) && !lost) {
		lost = 1;
		err = errno;
	}
	if (lost) {
		fprintf(stderr, "%s: error: write failed: %s\n", name,
			strerror(err ? err : EIO));
		if (f == stdout)
			clearerr(f);	/* said once, not again at exit */
	}
	return lost ? -1 : 0;
}

static int import(const char *dump, const char *resources, const char *out)
{
	struct pcicfg_diag dg = { .f = stderr, .source = dump };
	struct pcicfg *fns = NULL;
	struct topo_error err;
	size_t n = 0, len, tlen = 0;
	char *text, *topo = NULL;
	FILE *o;
	int rc = EXIT_BAD_INPUT;

	text = read_or_complain(dump, &len);
	if (!text)
		return EXIT_BAD_INPUT;
	if (lspci_dump_read(dump, text, len, &fns, &n, &err, stderr)) {
		topo_error_print(&err, stderr);
		goto out;
	}
	free(text);
	text = NULL;
	for (size_t i = 0, short_cfg = 0; i < n; i++)
		if (fns[i].len < 256 && ++short_cfg == 1)
			fprintf(stderr, "warning: %s: functions with only 64 bytes of config space (lspci -x): capabilities are not imported (capture with -xxxx)\n",
				dump);
	if (resources) {
		text = read_or_complain(resources, &len);
		if (!text)
			goto out;
		if (lspci_resources_parse(resources, text, len, fns, n, &err)) {
			topo_error_print(&err, stderr);
			goto out;
		}
	}
	o = open_memstream(&topo, &tlen);
	if (!o)
		goto out;
	fputs("# Imported from ", o);
	put_comment_name(o, dump);
	if (resources) {
		fputs(" and ", o);
		put_comment_name(o, resources);
	}
	fputs(" by pcisim import-lspci: the hardware at power-on.\n"
	      "# A capture does not show host windows: the first host has QEMU arm64\n"
	      "# virt's (topo/FORMAT.md; with other hosts, only I/O 0-0x7fff of it),\n"
	      "# any other host made-up ones that overlap none.\n", o);
	rc = pcicfg_to_topology(fns, n, o, &dg);
	if (fclose(o))
		rc = EXIT_BAD_INPUT;
	if (!rc && dg.guessed)
		fprintf(stderr, "note: %u sizes guessed (above): give --resources FILE or an lspci -vvvxxxx capture with [size=]\n",
			dg.guessed);
	if (!rc && cli_write_output(out, topo, tlen))
		rc = EXIT_BAD_INPUT;
out:
	free(text);
	free(topo);
	free(fns);
	return rc;
}

int cmd_import_lspci(int argc, char **argv)
{
	const char *dump = NULL, *resources = NULL, *out = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--resources") && i + 1 < argc)
			resources = argv[++i];
		else if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (a[0] == '-' && a[1])
			return usage_error("unknown or incomplete option", a);
		else if (!dump)
			dump = a;
		else
			return usage_error("more than one dump given:", a);
	}
	if (!dump)
		return usage_error("no dump given", NULL);
	return import(dump, resources, out);
}
