/* SPDX-License-Identifier: GPL-2.0 */
/*
 * make oracle-lu's captures replayed by pcisim (#13). tests/oracle-lu/NAME/
 * holds what a real Linux 7.3, built with lu/ and lu/patches and the
 * simulated drivers, did on QEMU's arm64 virt machine when its user space
 * live-updated the machine oracle/lu/topologies/NAME.qemu with real kexecs
 * (oracle/lu/README.md). For each capture:
 *
 *  1. the hardware is imported from the first boot's capture
 *     (lspci-boot.dump with resources-boot.tsv: nothing guessed);
 *  2. pcisim runs the same live update: pcisim run with pcisim-args.txt
 *     (the same preserve list, kexecs, command lines, VFs) and
 *     --state-dir, which writes what the guest reported, step by step;
 *     its exit status must be expect-exit.txt's (1 where a guarantee was
 *     switched off with pci=lu_fault=, and the real kernel broke);
 *  3. every step the guest reported is compared, function by function:
 *     the same BDFs, and for each its IDs, Command's decode and Bus
 *     Master bits, bus numbers, bridge windows, BARs, SR-IOV Control,
 *     NumVFs, VF offset and stride, VF BARs, ACS Control, and the driver
 *     bound; the PCI core's live-update device lists line by line, each
 *     entry's serialized struct pci_dev_ser byte by byte; and the KHO FDT
 *     each new kernel was handed, node by node, where addresses do not
 *     matter (preserved-memory-map and preserved-data are physical
 *     addresses, which differ between the machines).
 *
 * Captures are found by listing tests/oracle-lu/: a new one needs no
 * change here.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "simtest.h"

#ifndef PCISIM
#define PCISIM	"build/pcisim"
#endif
static const char *captures = "tests/oracle-lu/";
#define MAX_CAPTURES	32
#define MAX_FUNCS	256

struct capture {
	char name[128];
	char dir[256];
};

struct func {
	char bdf[16];			/* dddd:bb:dd.f */
	uint8_t cfg[4096];
	unsigned int len;
};

struct dump {
	struct func *f;
	size_t n;
};

/* pciutils' dump format, as lspci -xxxx writes it and oracle.py too */
static bool read_dump(const char *path, struct dump *d)
{
	char *text = simtest_slurp(path), *line, *save = NULL;
	struct func *cur = NULL;

	d->n = 0;
	d->f = calloc(MAX_FUNCS, sizeof(*d->f));
	if (!text || !d->f) {
		free(text);
		return false;
	}
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int dom = 0, bus, dev, fn, off;
		int used = 0;
		char *p;

		if (sscanf(line, "%x:%x:%x.%x %n", &dom, &bus, &dev, &fn, &used) == 4 && used) {
			/* domain:bus:dev.fn */
		} else if (sscanf(line, "%x:%x.%x %n", &bus, &dev, &fn, &used) == 3 && used &&
			   strstr(line, "Class")) {
			dom = 0;
		} else if (cur && sscanf(line, "%x: %n", &off, &used) == 1 && used &&
			   off + 16 <= sizeof(cur->cfg)) {
			p = line + used;
			for (unsigned int i = 0; i < 16; i++) {
				unsigned int b;
				int n = 0;

				if (sscanf(p, "%x%n", &b, &n) != 1)
					break;
				cur->cfg[off + i] = (uint8_t)b;
				p += n;
				if (off + i + 1 > cur->len)
					cur->len = off + i + 1;
			}
			continue;
		} else {
			continue;
		}
		if (d->n == MAX_FUNCS)
			fail_msg("%s: more than %d functions: raise MAX_FUNCS", path,
				 MAX_FUNCS);
		cur = &d->f[d->n++];
		snprintf(cur->bdf, sizeof(cur->bdf), "%04x:%02x:%02x.%x", dom,
			 bus, dev, fn);
	}
	free(text);
	return true;
}

static const struct func *find_func(const struct dump *d, const char *bdf)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].bdf, bdf))
			return &d->f[i];
	return NULL;
}

static unsigned int ext_cap(const struct func *f, unsigned int id)
{
	unsigned int pos = 0x100, seen = 0;

	while (pos >= 0x100 && pos + 4 <= f->len && seen++ < 64) {
		uint32_t h = f->cfg[pos] | f->cfg[pos + 1] << 8 |
			     f->cfg[pos + 2] << 16 | (uint32_t)f->cfg[pos + 3] << 24;

		if (!h || h == 0xffffffff)
			return 0;
		if ((h & 0xffff) == id)
			return pos;
		pos = h >> 20;
	}
	return 0;
}

/* What is compared of a function: registers the live update keeps. */
struct field {
	const char *name;
	unsigned int off, len;
	uint32_t mask;			/* of the value read little-endian */
};

static const struct field common[] = {
	{ "vendor:device", 0x00, 4, 0xffffffff },
	{ "Command IO/MEM/Bus Master", 0x04, 2, 0x0007 },
	{ "header type", 0x0e, 1, 0x7f },
};

static const struct field type0[] = {
	{ "BAR0", 0x10, 4, 0xffffffff }, { "BAR1", 0x14, 4, 0xffffffff },
	{ "BAR2", 0x18, 4, 0xffffffff }, { "BAR3", 0x1c, 4, 0xffffffff },
	{ "BAR4", 0x20, 4, 0xffffffff }, { "BAR5", 0x24, 4, 0xffffffff },
};

static const struct field type1[] = {
	{ "BAR0", 0x10, 4, 0xffffffff }, { "BAR1", 0x14, 4, 0xffffffff },
	{ "primary/secondary/subordinate bus", 0x18, 3, 0xffffff },
	{ "I/O base/limit", 0x1c, 2, 0xffff },
	{ "memory window", 0x20, 4, 0xffffffff },
	{ "prefetchable window", 0x24, 4, 0xffffffff },
	{ "prefetchable window, upper base", 0x28, 4, 0xffffffff },
	{ "prefetchable window, upper limit", 0x2c, 4, 0xffffffff },
	{ "I/O base/limit, upper", 0x30, 4, 0xffffffff },
};

static const struct field sriov[] = {
	{ "SR-IOV Control (VFE, MSE, ARI)", 0x08, 2, 0x0019 },
	{ "NumVFs", 0x10, 2, 0xffff },
	{ "First VF Offset, VF Stride", 0x14, 4, 0xffffffff },
	{ "VF BAR0", 0x24, 4, 0xffffffff }, { "VF BAR1", 0x28, 4, 0xffffffff },
	{ "VF BAR2", 0x2c, 4, 0xffffffff }, { "VF BAR3", 0x30, 4, 0xffffffff },
	{ "VF BAR4", 0x34, 4, 0xffffffff }, { "VF BAR5", 0x38, 4, 0xffffffff },
};

static const struct field acs[] = {
	{ "ACS Control", 0x06, 2, 0xffff },
};

static uint32_t value(const struct func *f, unsigned int off, unsigned int len)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < len && off + i < f->len; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static int compare_fields(const char *where, const struct func *mine,
			  const struct func *real, unsigned int base_mine,
			  unsigned int base_real, const struct field *fl,
			  size_t n)
{
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t a = value(mine, base_mine + fl[i].off, fl[i].len) & fl[i].mask;
		uint32_t b = value(real, base_real + fl[i].off, fl[i].len) & fl[i].mask;

		if (a == b)
			continue;
		fprintf(stderr, "%s %s: %s: pcisim %#x, real kernel %#x\n",
			where, real->bdf, fl[i].name, a, b);
		bad++;
	}
	return bad;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A VF's Memory Space Enable is hardwired to 0 (SR-IOV 1.1, 3.4.1.3):
 * pcisim's VFs have it so; QEMU's take the write (oracle/lu/README.md).
 */
static const struct field vf_common[] = {
	{ "vendor:device", 0x00, 4, 0xffffffff },
	{ "Command IO/Bus Master (a VF's MEM is QEMU's)", 0x04, 2, 0x0005 },
	{ "header type", 0x0e, 1, 0x7f },
};

/* Is bdf a VF of a PF of d with VF Enable set? */
static bool is_vf(const struct dump *d, const char *bdf)
{
	unsigned int dom, bus, dev, fn;

	if (sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
		return false;
	for (size_t i = 0; i < d->n; i++) {
		const struct func *pf = &d->f[i];
		unsigned int pos = ext_cap(pf, 0x10), pdom, pbus, pdev, pfn;
		uint32_t rid, want = bus << 8 | dev << 3 | fn;

		if (!pos || !(value(pf, pos + 0x08, 2) & 1) ||
		    sscanf(pf->bdf, "%x:%x:%x.%x", &pdom, &pbus, &pdev, &pfn) != 4 ||
		    pdom != dom)
			continue;
		rid = (pbus << 8 | pdev << 3 | pfn) + value(pf, pos + 0x14, 2);
		for (uint32_t k = 0; k < value(pf, pos + 0x10, 2); k++)
			if (rid + k * value(pf, pos + 0x16, 2) == want)
				return true;
	}
	return false;
}

static int compare_func(const char *where, const struct func *mine,
			const struct func *real, bool vf)
{
	unsigned int pm, pr;
	int bad = vf ? compare_fields(where, mine, real, 0, 0, vf_common, N(vf_common)) :
		       compare_fields(where, mine, real, 0, 0, common, N(common));

	if ((real->cfg[0x0e] & 0x7f) == 1)
		bad += compare_fields(where, mine, real, 0, 0, type1, N(type1));
	else if ((real->cfg[0x0e] & 0x7f) == 0)
		bad += compare_fields(where, mine, real, 0, 0, type0, N(type0));
	pm = ext_cap(mine, 0x10);
	pr = ext_cap(real, 0x10);
	if (!pm != !pr) {
		fprintf(stderr, "%s %s: SR-IOV capability: pcisim %s, real kernel %s\n",
			where, real->bdf, pm ? "yes" : "no", pr ? "yes" : "no");
		bad++;
	} else if (pr) {
		bad += compare_fields(where, mine, real, pm, pr, sriov, N(sriov));
	}
	pm = ext_cap(mine, 0x0d);
	pr = ext_cap(real, 0x0d);
	if (pm && pr)
		bad += compare_fields(where, mine, real, pm, pr, acs, N(acs));
	else if (!pm != !pr) {
		fprintf(stderr, "%s %s: ACS capability: pcisim %s, real kernel %s\n",
			where, real->bdf, pm ? "yes" : "no", pr ? "yes" : "no");
		bad++;
	}
	return bad;
}

/* Every function of the guest's dump of a step against pcisim's. */
static int compare_dumps(const char *where, const char *mine_path,
			 const char *real_path)
{
	struct dump mine, real;
	int bad = 0;

	if (!read_dump(real_path, &real))
		fail_msg("%s: cannot read %s", where, real_path);
	if (!read_dump(mine_path, &mine)) {
		fprintf(stderr, "%s: pcisim wrote no %s\n", where, mine_path);
		free(real.f);
		return 1;
	}
	if (!real.n)
		fail_msg("%s: %s lists no function", where, real_path);
	for (size_t i = 0; i < real.n; i++) {
		const struct func *m = find_func(&mine, real.f[i].bdf);

		if (!m) {
			fprintf(stderr, "%s %s: pcisim has no such function\n",
				where, real.f[i].bdf);
			bad++;
			continue;
		}
		bad += compare_func(where, m, &real.f[i], is_vf(&real, real.f[i].bdf));
	}
	for (size_t i = 0; i < mine.n; i++) {
		if (find_func(&real, mine.f[i].bdf))
			continue;
		fprintf(stderr, "%s %s: only pcisim has this function\n", where,
			mine.f[i].bdf);
		bad++;
	}
	free(mine.f);
	free(real.f);
	return bad;
}

/* Two text files the same, line by line; a missing one of pcisim's is one difference. */
static int compare_text(const char *where, const char *mine_path,
			const char *real_path, char *(*filter)(char *))
{
	char *mine = simtest_slurp(mine_path), *real = simtest_slurp(real_path);
	int bad = 0;

	if (!real)
		fail_msg("%s: cannot read %s", where, real_path);
	if (!mine) {
		fprintf(stderr, "%s: pcisim wrote no %s\n", where, mine_path);
		free(real);
		return 1;
	}
	if (filter) {
		mine = filter(mine);
		real = filter(real);
	}
	if (strcmp(mine, real)) {
		fprintf(stderr, "%s: differs from the real kernel's\n--- pcisim:\n%s--- real kernel:\n%s",
			where, mine, real);
		bad = 1;
	}
	free(mine);
	free(real);
	return bad;
}

static int by_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* drivers-*.txt: sysfs lists functions by name, pcisim as it walks the tree */
static char *sorted_lines(char *text)
{
	size_t n = 0, cap = 64, len = 0;
	char **v = malloc(cap * sizeof(*v)), *line, *save = NULL, *out;

	for (line = strtok_r(text, "\n", &save); v && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (n == cap) {
			char **w = realloc(v, (cap *= 2) * sizeof(*v));

			if (!w)
				break;
			v = w;
		}
		v[n++] = line;
		len += strlen(line) + 1;
	}
	out = v ? calloc(1, len + 1) : NULL;
	if (!out) {
		free(v);
		return text;
	}
	qsort(v, n, sizeof(*v), by_line);
	for (size_t i = 0; i < n; i++) {
		strcat(out, v[i]);
		strcat(out, "\n");
	}
	free(v);
	free(text);
	return out;
}

/*
 * kho-in-N.txt: the "# fdt" section only (the guest also shows KHO's
 * debugfs copies of the subtrees' blobs, which hold addresses), with the
 * values of the properties that are physical addresses replaced.
 */
static char *kho_fdt_only(char *text)
{
	char *start = strstr(text, "# fdt:"), *end, *out, *p;
	size_t len;

	if (!start)
		return text;
	end = strstr(start, "\n\n");
	len = end ? (size_t)(end - start) + 1 : strlen(start);
	out = calloc(1, len + 1);
	if (!out)
		return text;
	memcpy(out, start, len);
	free(text);
	for (p = out; (p = strstr(p, "preserved-")); p++) {
		char *eq = strstr(p, " = <"), *gt = eq ? strchr(eq, '>') : NULL;

		if (!gt || strchr(p, '\n') < eq)
			continue;
		memset(eq + 4, 'x', (size_t)(gt - eq - 4));
	}
	return out;
}

static bool has(const char *dir, const char *file)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return !stat(path, &st);
}

/* Replay capture c with pcisim; the number of differences. */
static int replay(const struct capture *c, bool show_log)
{
	char topo[512], sdir[512], args[1024] = "", *txt, *msgs, *save = NULL, *a;
	char mine[768], real[768], where[256];
	int expect, status, bad = 0, compared = 0;
	struct dirent *e;
	DIR *d;

	/* 1. the hardware, from the first boot's capture */
	snprintf(topo, sizeof(topo), "/tmp/pcisim-test-lu-%d-%s.topo", (int)getpid(), c->name);
	if (simtest_shell(&msgs, PCISIM " import-lspci %s/lspci-boot.dump --resources %s/resources-boot.tsv -o %s",
			  c->dir, c->dir, topo))
		fail_msg("%s: import-lspci failed:\n%s", c->name, msgs);
	if (strstr(msgs, "warning"))
		fail_msg("%s: import-lspci warned:\n%s", c->name, msgs);
	free(msgs);

	/* 2. the same live update, by pcisim */
	snprintf(mine, sizeof(mine), "%s/pcisim-args.txt", c->dir);
	txt = simtest_slurp(mine);
	if (!txt)
		fail_msg("%s: no pcisim-args.txt", c->name);
	for (a = strtok_r(txt, "\n", &save); a; a = strtok_r(NULL, "\n", &save)) {
		strncat(args, " '", sizeof(args) - strlen(args) - 1);
		strncat(args, a, sizeof(args) - strlen(args) - 1);
		strncat(args, "'", sizeof(args) - strlen(args) - 1);
	}
	free(txt);
	snprintf(mine, sizeof(mine), "%s/expect-exit.txt", c->dir);
	txt = simtest_slurp(mine);
	expect = txt ? atoi(txt) : 0;
	free(txt);
	snprintf(sdir, sizeof(sdir), "/tmp/pcisim-test-lu-%d-%s.d", (int)getpid(), c->name);
	simtest_shell(NULL, "rm -rf %s", sdir);
	status = simtest_shell(&msgs, PCISIM " run %s%s --state-dir %s", topo, args, sdir);
	if (status != expect)
		fail_msg("%s: pcisim run%s exited %d, not %d as the real kernel's capture says:\n%s",
			 c->name, args, status, expect, msgs);
	if (expect == 0 && !strstr(msgs, "every check held"))
		fail_msg("%s: pcisim run did not say every check held:\n%s", c->name, msgs);

	/* 3. every step the guest reported */
	d = opendir(c->dir);
	assert_non_null(d);
	while ((e = readdir(d))) {
		const char *f = e->d_name;
		size_t len = strlen(f);

		snprintf(real, sizeof(real), "%s/%s", c->dir, f);
		snprintf(mine, sizeof(mine), "%s/%s", sdir, f);
		snprintf(where, sizeof(where), "%s %s", c->name, f);
		if (!strncmp(f, "lspci-", 6) && len > 5 && !strcmp(f + len - 5, ".dump")) {
			bad += compare_dumps(where, mine, real);
		} else if (!strncmp(f, "drivers-", 8)) {
			bad += compare_text(where, mine, real, sorted_lines);
		} else if (!strncmp(f, "lulist-", 7)) {
			bad += compare_text(where, mine, real, NULL);
		} else if (!strncmp(f, "kho-in-", 7)) {
			bad += compare_text(where, mine, real, kho_fdt_only);
		} else {
			continue;
		}
		compared++;
	}
	closedir(d);
	/* boot, preserved0, kexec1, finished1 at least, each dump, drivers and list */
	if (compared < 12)
		fail_msg("%s: only %d files compared: not a whole capture", c->name, compared);
	if (bad && show_log)
		print_error("%s: %d difference(s) from the real kernel; pcisim's run:\n%s",
			    c->name, bad, msgs);
	free(msgs);
	simtest_shell(NULL, "rm -rf %s %s", sdir, topo);
	return bad;
}

static void test_capture(void **state)
{
	assert_int_equal(replay(*state, true), 0);
}

/*
 * The comparison compares: a copy of the first capture with the
 * preserved NVMe's BAR0 moved after the kexec, and one byte of its
 * serialized list entry changed, must show both differences.
 */
static void test_changed_capture_is_caught(void **state)
{
	const struct capture *c = *state;
	struct capture copy;
	char *out;
	int bad;

	snprintf(copy.name, sizeof(copy.name), "changed-%.100s", c->name);
	snprintf(copy.dir, sizeof(copy.dir), "/tmp/pcisim-test-lu-%d-changed", (int)getpid());
	if (simtest_shell(&out, "rm -rf %s && cp -r %s %s && cd %s && "
			  "awk '/^03:00.0 /{f=1} f && /^10: /{$2=\"00\"; $3=\"80\"; f=0} 1' "
			  "lspci-kexec1.dump > x && mv x lspci-kexec1.dump && "
			  "sed -i '/^0000:03:00.0 /s/ser=0000/ser=0001/' lulist-incoming-1.txt && "
			  "grep -q '^10: 00 80' lspci-kexec1.dump && grep -q 'ser=0001' lulist-incoming-1.txt",
			  copy.dir, c->dir, copy.dir, copy.dir))
		fail_msg("cannot make the changed copy of %s:\n%s", c->name, out);
	free(out);
	bad = replay(&copy, false);
	simtest_shell(NULL, "rm -rf %s", copy.dir);
	assert_int_equal(bad, 2);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct capture *)a)->name,
		      ((const struct capture *)b)->name);
}

int main(void)
{
	static struct capture caps[MAX_CAPTURES];
	static struct CMUnitTest tests[MAX_CAPTURES + 1];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	/* another set of captures: ORACLE_LU_CAPTURES=DIR/ */
	if (getenv("ORACLE_LU_CAPTURES"))
		captures = getenv("ORACLE_LU_CAPTURES");
	d = opendir(captures);
	if (!d) {
		perror(captures);
		return 1;
	}
	while ((e = readdir(d)) && n < MAX_CAPTURES) {
		struct capture *c = &caps[n];

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(c->name))
			continue;
		snprintf(c->name, sizeof(c->name), "%s", e->d_name);
		snprintf(c->dir, sizeof(c->dir), "%s%s%s", captures,
			 captures[strlen(captures) - 1] == '/' ? "" : "/", e->d_name);
		if (!has(c->dir, "pcisim-args.txt") || !has(c->dir, "lspci-boot.dump"))
			continue;
		n++;
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "%s: no captures\n", captures);
		return 1;
	}
	qsort(caps, n, sizeof(caps[0]), by_name);
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){
			.name = caps[i].name, .test_func = test_capture,
			.initial_state = &caps[i],
		};
	/* on L1's capture (the NVMe 03:00.0 preserved), which must be there */
	for (size_t i = 0; i <= n; i++) {
		if (i == n) {
			fprintf(stderr, "%s: no L1_nvme_behind_switch capture for the changed-capture test\n",
				captures);
			return 1;
		}
		if (strcmp(caps[i].name, "L1_nvme_behind_switch"))
			continue;
		tests[n++] = (struct CMUnitTest){
			.name = "a changed capture is caught",
			.test_func = test_changed_capture_is_caught,
			.initial_state = &caps[i],
		};
		break;
	}
	return _cmocka_run_group_tests("oracle-lu", tests, n, NULL, NULL);
}
