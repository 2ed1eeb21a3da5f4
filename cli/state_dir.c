// SPDX-License-Identifier: GPL-2.0
/* pcisim run --state-dir: see state_dir.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "machine.h"
#include "sim/host_abi.h"
#include "state_dir.h"

static const char *state_dir;
/*
 * A file that could not be written: said at once, and the run goes on
 * (a failed check outranks lost output); run then exits 2 if nothing
 * failed (state_dir_lost()).
 */
static bool state_lost;

bool state_dir_lost(void)
{
	return state_lost;
}

int state_dir_open(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "pcisim run: --state-dir %s: error: %s\n", dir,
			strerror(errno));
		return -1;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "pcisim run: --state-dir %s: error: not a directory\n",
			dir);
		return -1;
	}
	state_dir = dir;
	return 0;
}

static void path_of(char *buf, size_t len, const char *fmt, const char *what,
		    int n)
{
	char name[128];

	snprintf(name, sizeof(name), fmt, what, n);
	snprintf(buf, len, "%s/%s", state_dir, name);
}

static FILE *open_or_lose(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "pcisim run: %s: error: %s\n", path, strerror(errno));
		exit(EXIT_BAD_INPUT);
	}
	return f;
}

static void close_or_lose(FILE *f, const char *path)
{
	if (cli_close_output(f, path))
		exit(EXIT_BAD_INPUT);
}

static int driver_line(const struct sim_pci_info *d, void *arg)
{
	fprintf(arg, "%s\t%s\n", d->name, d->driver[0] ? d->driver : "-");
	return 0;
}

void state_dir_phase(struct machine *m, const char *phase, int n)
{
	char path[4096];
	FILE *f;

	if (!state_dir)
		return;
	path_of(path, sizeof(path), n < 0 ? "lspci-%s.dump" : "lspci-%s%d.dump",
		phase, n);
	if (report_dump(path, m))
		state_lost = true;
	path_of(path, sizeof(path), n < 0 ? "drivers-%s.txt" : "drivers-%s%d.txt",
		phase, n);
	f = open_or_lose(path);
	if (!f)
		return;
	sim_pci_visit_devs(driver_line, f);
	close_or_lose(f, path);
}

static const char *const role_names[] = {
	[SIM_LU_ROLE_PRESERVED] = "preserved",
	[SIM_LU_ROLE_BRIDGE] = "bridge",
	[SIM_LU_ROLE_PF] = "pf",
};

/* One line as oracle/lu/pcisim_debugfs.c prints it. */
static int lulist_line(const struct sim_lu_entry *e, void *arg)
{
	FILE *f = arg;

	fprintf(f, "%s [%04x:%04x] %s refcount=%u dep=%s ser=", e->name,
		e->vendor, e->device,
		e->found ? role_names[e->role] : "missing", e->refcount,
		e->has_dep ? e->dep_name : "host");
	for (unsigned int i = 0; i < e->ser_len; i++)
		fprintf(f, "%02x", e->ser[i]);
	fputc('\n', f);
	return 0;
}

void state_dir_lulist(int which, const char *key, int n)
{
	char path[4096];
	FILE *f;

	if (!state_dir)
		return;
	path_of(path, sizeof(path), "lulist-%s%d.txt", key, n);
	f = open_or_lose(path);
	if (!f)
		return;
	sim_lu_visit_list(which, lulist_line, f);
	close_or_lose(f, path);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* As oracle/lu/fdt_text.py's _value(): NUL-ended, printable, no empty pair. */
static int printable_strings(const unsigned char *v, uint32_t len)
{
	if (!len || v[len - 1])
		return 0;
	for (uint32_t i = 0; i + 1 < len; i++) {
		if (!v[i] && !v[i + 1])
			return 0;
		if (v[i] && (v[i] < 32 || v[i] >= 127))
			return 0;
	}
	return 1;
}

static void fdt_value(FILE *out, const unsigned char *v, uint32_t len)
{
	if (printable_strings(v, len)) {
		const char *sep = "";
		uint32_t start = 0;

		for (uint32_t i = 0; i < len; i++) {
			if (v[i])
				continue;
			fprintf(out, "%s\"%.*s\"", sep, (int)(i - start),
				(const char *)v + start);
			sep = ", ";
			start = i + 1;
		}
	} else if (len && len % 4 == 0) {
		fputc('<', out);
		for (uint32_t i = 0; i < len; i += 4)
			fprintf(out, "%s0x%08x", i ? " " : "", be32(v + i));
		fputc('>', out);
	} else {
		fputc('[', out);
		for (uint32_t i = 0; i < len; i++)
			fprintf(out, "%s%02x", i ? " " : "", v[i]);
		fputc(']', out);
	}
}

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc('\t', out);
}

int state_dir_fdt_text(FILE *out, const char *name, const unsigned char *b,
		       size_t len)
{
	uint32_t off_struct, off_strings, size_strings, size_struct, p, end;
	int depth = 0;

	fprintf(out, "# %s: %zu bytes", name, len);
	if (len < 40 || be32(b) != 0xd00dfeed || be32(b + 4) > len) {
		fputc('\n', out);
		for (size_t o = 0; o < len; o += 16) {
			fprintf(out, "%04zx:", o);
			for (size_t i = o; i < o + 16 && i < len; i++)
				fprintf(out, " %02x", b[i]);
			fputc('\n', out);
		}
		return 0;
	}
	fprintf(out, ", FDT version %u\n", be32(b + 20));
	off_struct = be32(b + 8);
	off_strings = be32(b + 12);
	size_strings = be32(b + 32);
	size_struct = be32(b + 36);
	if ((uint64_t)off_struct + size_struct > len ||
	    (uint64_t)off_strings + size_strings > len)
		return -1;
	end = off_struct + size_struct;
	for (p = off_struct; p + 4 <= end;) {
		uint32_t tok = be32(b + p);

		p += 4;
		if (tok == 1) {
			const char *node = (const char *)b + p;
			size_t nl = strnlen(node, end - p);

			if (p + nl >= end)
				return -1;
			indent(out, depth);
			fprintf(out, "%s {\n", nl ? node : "/");
			depth++;
			p = (uint32_t)((p + nl + 4) & ~3u);
		} else if (tok == 2) {
			depth--;
			indent(out, depth);
			fputs("};\n", out);
		} else if (tok == 3) {
			uint32_t vlen, nameoff;

			if (p + 8 > end)
				return -1;
			vlen = be32(b + p);
			nameoff = be32(b + p + 4);
			p += 8;
			if (nameoff >= size_strings || vlen > end - p ||
			    strnlen((const char *)b + off_strings + nameoff,
				    size_strings - nameoff) == size_strings - nameoff)
				return -1;
			indent(out, depth);
			fprintf(out, "%s = ", (const char *)b + off_strings + nameoff);
			fdt_value(out, b + p, vlen);
			fputs(";\n", out);
			p = (p + vlen + 3) & ~3u;
		} else if (tok != 4) {
			break;
		}
	}
	return 0;
}

void state_dir_handover(struct machine *m, const struct sim_handover *kho)
{
	static int n;
	uint64_t base, size;
	const unsigned char *ram = machine_ram(m, &base, &size);
	char path[4096];
	FILE *f;

	if (!state_dir)
		return;
	path_of(path, sizeof(path), "kho-%s-%d.txt", "in", ++n);
	f = open_or_lose(path);
	if (!f)
		return;
	if (!kho->fdt || kho->fdt < base || kho->fdt - base + 40 > size ||
	    be32(ram + (kho->fdt - base) + 4) > size - (kho->fdt - base) ||
	    state_dir_fdt_text(f, "fdt", ram + (kho->fdt - base),
			       be32(ram + (kho->fdt - base) + 4)))
		fprintf(f, "# fdt: not a whole FDT in RAM at %#llx\n", kho->fdt);
	close_or_lose(f, path);
}
