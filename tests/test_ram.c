// SPDX-License-Identifier: GPL-2.0
/*
 * The machine's RAM (topo/ram.c): what the kernel world may assume about
 * pages it claims, and what a kexec leaves of pages nobody kept.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "machine.h"

#define PAGE	4096ULL

static struct machine *m;
static uint8_t *ram;
static uint64_t base, size;

static int setup(void **state)
{
	char err[128];

	(void)state;
	m = machine_new();
	if (!m || machine_set_ram(m, 0x40000000ULL, 64 * PAGE, err, sizeof(err)))
		return -1;
	ram = machine_ram(m, &base, &size);
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	machine_free(m);
	return 0;
}

static bool all_bytes(const uint8_t *p, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* The page allocator skips clearing __GFP_ZERO pages only on this answer. */
static void test_first_claim_is_fresh_and_reads_zero(void **state)
{
	(void)state;
	assert_true(machine_ram_claim(m, base, 4 * PAGE));
	assert_true(all_bytes(ram, 0, 4 * PAGE));
}

static void test_second_claim_is_not_fresh(void **state)
{
	(void)state;
	assert_true(machine_ram_claim(m, base, PAGE));
	ram[5] = 0xaa;		/* the kernel used it */
	assert_false(machine_ram_claim(m, base, PAGE));
	/* overlapping a claimed page is enough */
	assert_false(machine_ram_claim(m, base, 2 * PAGE));
	/* the page after them never was */
	assert_true(machine_ram_claim(m, base + 2 * PAGE, PAGE));
}

static void test_claim_outside_ram_is_not_fresh(void **state)
{
	(void)state;
	assert_false(machine_ram_claim(m, base - PAGE, PAGE));
	assert_false(machine_ram_claim(m, base + size, PAGE));
	assert_false(machine_ram_claim(m, base + size - PAGE, 2 * PAGE));
}

/*
 * A kexec poisons what was not kept, even pages nobody ever claimed: a
 * claim afterwards hands out poison (POISON_FREE), never zeroes, and
 * says so; kept pages keep their bytes.
 */
static void test_kexec_poison_then_claim_reads_poison(void **state)
{
	uint64_t kept_pa = base + 8 * PAGE;

	(void)state;
	assert_true(machine_ram_claim(m, base, 16 * PAGE));
	memset(ram + 8 * PAGE, 0x5a, PAGE);
	assert_true(machine_ram_keep(m, kept_pa, PAGE));
	assert_int_equal(machine_ram_poison_unkept(m), 63);
	assert_true(machine_ram_is_poisoned(m, ram, NULL));
	assert_true(machine_ram_is_poisoned(m, ram + 40 * PAGE, NULL));
	assert_false(machine_ram_is_poisoned(m, ram + 8 * PAGE, NULL));
	assert_true(all_bytes(ram + 8 * PAGE, 0x5a, PAGE));

	/* never claimed before the kexec, but poisoned: not zeroes */
	assert_false(machine_ram_claim(m, base + 40 * PAGE, PAGE));
	assert_false(machine_ram_is_poisoned(m, ram + 40 * PAGE, NULL));
	assert_true(all_bytes(ram + 40 * PAGE, MACHINE_RAM_POISON, PAGE));
	assert_false(machine_ram_claim(m, base, PAGE));
	assert_true(all_bytes(ram, MACHINE_RAM_POISON, PAGE));
	/* the page next to it stays poisoned: a stray read is caught */
	assert_true(machine_ram_is_poisoned(m, ram + PAGE, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_first_claim_is_fresh_and_reads_zero),
		T(test_second_claim_is_not_fresh),
		T(test_claim_outside_ram_is_not_fresh),
		T(test_kexec_poison_then_claim_reads_poison),
#undef T
	};

	return cmocka_run_group_tests_name("ram", tests, NULL, NULL);
}
