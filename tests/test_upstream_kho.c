/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upstream's own KHO test, lib/test_kho.c of the pinned 7.3 tree, compiled
 * unmodified (CONFIG_TEST_KEXEC_HANDOVER) into a second kernel world that
 * only this program links (pci-core/kernel-test-files.txt): what
 * tools/testing/selftests/kho/vmtest.sh does under QEMU, on the simulated
 * kexec. Its device_initcall runs on every boot: with kho=on and no
 * "kho_test" subtree handed over it saves 8 MiB of random folios of random
 * orders (checksummed), a vmalloc'ed array of their PA|order and an FDT
 * "kho-test-v1" naming both; in the kexec'd kernel it restores the folios,
 * checksums them again and prints "KHO restore succeeded" (or "failed").
 *
 * The test reads the outgoing handover as the next kernel would, so it
 * fails if the save side did not run, and a copy of the handover with one
 * folio byte flipped must make upstream's test say it failed.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "simtest.h"

/* what vmtest.sh adds to every kernel's command line */
#define CMDLINE		"kho=on"
#define TOPO		"tests/topo/T3_switch.topo"

/* lib/test_kho.c's ABI: its FDT's name, compatible and magic */
#define KHO_TEST_FDT	"kho_test"
#define KHO_TEST_COMPAT	"kho-test-v1"
#define KHO_TEST_MAGIC	0x4b484f21u
/* its max_mem: (PAGE_SIZE << MAX_PAGE_ORDER) * 2, in 4 KiB pages */
#define KHO_TEST_PAGES	2048ul
#define PAGE_SZ		4096ull

#define SUCCEEDED	"test_kho: KHO restore succeeded"
#define FAILED		"test_kho: KHO restore failed"

/* The kho_test subtree of an outgoing handover, read from RAM. */
struct kho_test_seen {
	bool present;
	uint64_t fdt_pa;		/* test_kho's own FDT */
	uint32_t nr_folios;
	uint64_t first_folio;		/* folios_info[0]: PA | order */
};

static void *ram_at(struct machine *m, uint64_t pa, uint64_t len)
{
	uint64_t base, size;
	char *ram = machine_ram(m, &base, &size);

	if (pa < base || pa - base > size || len > size - (pa - base))
		return NULL;
	return ram + (pa - base);
}

static int get_u(const void *fdt, int node, const char *name, void *val,
		 int len)
{
	int got;
	const void *p = fdt_getprop(fdt, node, name, &got);

	if (!p || got != len)
		return -1;
	memcpy(val, p, len);	/* KHO's and test_kho's values are CPU-endian */
	return 0;
}

/*
 * The handover KHO built at kexec: the root FDT names test_kho's FDT
 * ("preserved-data"); that names the folio count and the vmalloc'ed
 * folios_info array (struct kho_vmalloc: the PA of its first chunk of
 * page PAs). Returns -1 on a malformed subtree.
 */
static int read_handover(struct machine *m, const struct sim_handover *kho,
			 struct kho_test_seen *seen)
{
	const void *root = ram_at(m, kho->fdt, kho->fdt_len), *fdt;
	uint64_t blob_size, chunk_pa, info_pa;
	const uint64_t *chunk, *info;
	struct {
		uint64_t first;
		uint32_t total_pages;
		uint16_t flags, order;
	} folios_info;
	uint32_t magic;
	int node;

	memset(seen, 0, sizeof(*seen));
	if (!root || fdt_check_header(root))
		return -1;
	node = fdt_subnode_offset(root, 0, KHO_TEST_FDT);
	if (node < 0)
		return 0;
	seen->present = true;
	if (get_u(root, node, "preserved-data", &seen->fdt_pa, 8) ||
	    get_u(root, node, "blob-size", &blob_size, 8))
		return -1;
	fdt = ram_at(m, seen->fdt_pa, blob_size);
	if (!fdt || fdt_check_header(fdt) ||
	    fdt_node_check_compatible(fdt, 0, KHO_TEST_COMPAT) ||
	    get_u(fdt, 0, "magic", &magic, 4) || magic != KHO_TEST_MAGIC)
		return -1;
	node = fdt_path_offset(fdt, "/data");
	if (node < 0 ||
	    get_u(fdt, node, "nr_folios", &seen->nr_folios, 4) ||
	    get_u(fdt, node, "folios_info", &folios_info, sizeof(folios_info)))
		return -1;
	/* a chunk: the next chunk's PA, then the area's page PAs */
	chunk_pa = folios_info.first;
	chunk = ram_at(m, chunk_pa, PAGE_SZ);
	if (!chunk || !chunk[1])
		return -1;
	info_pa = chunk[1];
	info = ram_at(m, info_pa, PAGE_SZ);
	if (!info)
		return -1;
	seen->first_folio = info[0];
	return 0;
}

/* Flip one byte of test_kho's first folio: only its checksum can tell. */
static int corrupt_first_folio(struct machine *m,
			       const struct kho_test_seen *seen)
{
	unsigned char *p = ram_at(m, seen->first_folio & ~(PAGE_SZ - 1), 1);

	if (!p)
		return -1;
	*p ^= 0xff;
	return 0;
}

struct scenario {
	int kexecs;
	bool corrupt;		/* flip a folio byte at the first kexec */
};

/*
 * kexec N times with kho=on, split as cli_kexec() is (prepare, then
 * reboot) to read what is handed over in between. Each step is written
 * to the log, in order with the kernels' messages.
 */
static int kexec_n(struct machine *m, void *arg)
{
	const struct scenario *s = arg;

	for (int i = 1; i <= s->kexecs; i++) {
		struct kho_test_seen seen;
		struct sim_handover kho;
		unsigned long not_freed;
		unsigned long long first;
		unsigned long restored;

		if (sim_warn_count())
			fprintf(stderr, "upstream-kho: %lu WARN(s) before kexec %d\n",
				sim_warn_count(), i);
		if (sim_kernel_kexec_prepare(&kho))
			return -1;
		if (read_handover(m, &kho, &seen)) {
			fprintf(stderr, "upstream-kho: kexec %d: malformed kho_test subtree\n",
				i);
			return -1;
		}
		if (seen.present)
			fprintf(stderr, "upstream-kho: kexec %d hands over kho_test: %u folios\n",
				i, seen.nr_folios);
		else
			fprintf(stderr, "upstream-kho: kexec %d hands over no kho_test\n",
				i);
		if (s->corrupt && i == 1) {
			if (!seen.present || corrupt_first_folio(m, &seen))
				return -1;
			fprintf(stderr, "upstream-kho: flipped a byte at %#llx\n",
				(unsigned long long)(seen.first_folio & ~(PAGE_SZ - 1)));
		}
		if (cli_kexec_reboot(m, CMDLINE, &kho))
			return -1;
		restored = sim_kho_restored_pages(&not_freed, &first);
		fprintf(stderr, "upstream-kho: boot %d: %lu preserved pages restored, %lu not freed, %lu never restored\n",
			i, restored, not_freed, sim_kho_leaked_pages());
	}
	return 0;
}

static void run_ok(const struct scenario *s, struct sim_result *r)
{
	struct sim_run run = {
		.topo_path = TOPO, .cmdline = CMDLINE,
		.scenario = kexec_n, .arg = (void *)s,
	};

	assert_int_equal(simtest_run(&run, r), 0);
	if (r->status)
		fail_msg("child exited %d; log:\n%s", r->status, r->log);
	/* no WARN in any kernel of the run */
	if (strstr(r->log, "WARNING") || strstr(r->log, "WARN(s)") || r->warns)
		fail_msg("a kernel warned; log:\n%s", r->log);
	/* and the last kernel enumerated the machine */
	assert_non_null(simtest_find(r, "0000:03:00.0"));
}

/* How often needle occurs in log between from and to (NULL: the end). */
static int count_between(const char *log, const char *from, const char *to,
			 const char *needle)
{
	const char *p = from ? strstr(log, from) : log;
	const char *end = to ? strstr(log, to) : NULL;
	int n = 0;

	if (!p)
		return -1;
	if (!end)
		end = log + strlen(log);
	while ((p = strstr(p, needle)) && p < end) {
		n++;
		p++;
	}
	return n;
}

/*
 * The pages of test_kho's FDT folio, which it never restores: it
 * allocates get_order(nr_folios * sizeof(phys_addr_t) + PAGE_SIZE).
 */
static unsigned long fdt_pages(unsigned long nr_folios)
{
	unsigned long pages = 1;
	unsigned long need = (nr_folios * 8 + 2 * PAGE_SZ - 1) / PAGE_SZ;

	while (pages < need)
		pages <<= 1;
	return pages;
}

/* The folio count kexec N handed over, 0 if none. */
static unsigned long handed_over(const char *log, int kexec)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "upstream-kho: kexec %d hands over kho_test: ",
		 kexec);
	p = strstr(log, key);
	return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

/* The numbers a boot line says: restored, not freed, never restored. */
static void boot_counts(const char *log, int boot, unsigned long v[3])
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "upstream-kho: boot %d: ", boot);
	p = strstr(log, key);
	assert_non_null(p);
	assert_int_equal(sscanf(p + strlen(key),
				"%lu preserved pages restored, %lu not freed, %lu never restored",
				&v[0], &v[1], &v[2]), 3);
}

/*
 * vmtest.sh's test: boot with kho=on, kexec, "KHO restore succeeded". The
 * save side is seen too (its subtree in the handover), and the restore is
 * the new kernel's: nothing before the kexec says it.
 */
static void test_kho_restore_succeeded_after_one_kexec(void **state)
{
	const struct scenario s = { .kexecs = 1 };
	struct sim_result r;
	unsigned long v[3], nr;

	(void)state;
	run_ok(&s, &r);
	nr = handed_over(r.log, 1);
	if (!nr)
		fail_msg("no kho_test subtree handed over; log:\n%s", r.log);
	/* random orders 0..10 filling 8 MiB: at least 2 folios, at most 2048 */
	assert_in_range(nr, 2, KHO_TEST_PAGES);
	assert_int_equal(count_between(r.log, NULL, "upstream-kho: kexec 1 ",
				       SUCCEEDED), 0);
	assert_int_equal(count_between(r.log, "upstream-kho: kexec 1 ", NULL,
				       SUCCEEDED), 1);
	assert_null(strstr(r.log, FAILED));
	/*
	 * Every folio came back and was freed; so did folios_info (at least
	 * one page, and its chunk). test_kho never restores its own FDT
	 * folio: its pages stay reserved in the new kernel, as they would on
	 * real hardware.
	 */
	boot_counts(r.log, 1, v);
	assert_in_range(v[0], KHO_TEST_PAGES + 2, KHO_TEST_PAGES + 2 + 8);
	assert_int_equal(v[1], 0);
	assert_int_equal(v[2], fdt_pages(nr));
	simtest_free(&r);
}

/*
 * Three kexecs. test_kho saves only on a boot that was handed no
 * kho_test subtree, and the kernel that restores does not save again:
 * so it saves at boots 0 and 2 and restores at boots 1 and 3.
 */
static void test_kho_saves_and_restores_alternately_over_three_kexecs(void **state)
{
	const struct scenario s = { .kexecs = 3 };
	struct sim_result r;
	unsigned long v[3];

	(void)state;
	run_ok(&s, &r);
	if (!handed_over(r.log, 1) ||
	    !strstr(r.log, "upstream-kho: kexec 2 hands over no kho_test") ||
	    !handed_over(r.log, 3))
		fail_msg("kho_test not saved at boots 0 and 2 only; log:\n%s",
			 r.log);
	assert_int_equal(count_between(r.log, NULL, "upstream-kho: kexec 1 ",
				       SUCCEEDED), 0);
	assert_int_equal(count_between(r.log, "upstream-kho: kexec 1 ",
				       "upstream-kho: kexec 2 ", SUCCEEDED), 1);
	assert_int_equal(count_between(r.log, "upstream-kho: kexec 2 ",
				       "upstream-kho: kexec 3 ", SUCCEEDED), 0);
	assert_int_equal(count_between(r.log, "upstream-kho: kexec 3 ", NULL,
				       SUCCEEDED), 1);
	assert_null(strstr(r.log, FAILED));
	/* boot 2 was handed nothing of test_kho's: nothing to restore */
	boot_counts(r.log, 2, v);
	assert_int_equal(v[0], 0);
	assert_int_equal(v[2], 0);
	boot_counts(r.log, 3, v);
	assert_in_range(v[0], KHO_TEST_PAGES + 2, KHO_TEST_PAGES + 2 + 8);
	assert_int_equal(v[1], 0);
	assert_int_equal(v[2], fdt_pages(handed_over(r.log, 3)));
	simtest_free(&r);
}

/*
 * One byte of one preserved folio flipped in RAM between the handover and
 * the next boot: upstream's checksum must catch it. Shows the positive
 * tests can fail.
 */
static void test_kho_restore_failed_on_a_corrupt_folio(void **state)
{
	const struct scenario s = { .kexecs = 1, .corrupt = true };
	struct sim_result r;

	(void)state;
	run_ok(&s, &r);
	assert_non_null(strstr(r.log, "upstream-kho: flipped a byte at "));
	assert_int_equal(count_between(r.log, "upstream-kho: flipped a byte", NULL,
				       FAILED), 1);
	assert_null(strstr(r.log, SUCCEEDED));
	simtest_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kho_restore_succeeded_after_one_kexec),
		cmocka_unit_test(test_kho_saves_and_restores_alternately_over_three_kexecs),
		cmocka_unit_test(test_kho_restore_failed_on_a_corrupt_folio),
	};

	return cmocka_run_group_tests_name("lib/test_kho.c", tests, NULL, NULL);
}
