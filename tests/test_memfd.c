/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memfd of the kernel world (shim/memfd.c) and the system calls that
 * use it (shim/syscall.c), where upstream's LUO selftests do not reach:
 * read, write, lseek and ftruncate as shmem gives them (holes read as
 * zeroes, a shrink zeroes the tail of the last page), mmap's pages as the
 * RAM the host sees (and the file the mapping holds), a preserved memfd's
 * frozen size (-EPERM until its session is closed), and fork: the child's
 * fd table keeps the files its parent's exit closes.
 *
 * Scenarios run in the forked kernel-world child: a failed check there
 * prints "memfd-test: FAIL ..." into the log and fails the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <linux/liveupdate.h>

#include "cli.h"
#include "machine.h"
#include "simtest.h"

#define CHECK(cond, ...) SIMTEST_CHECK("memfd-test", cond, __VA_ARGS__)

static void run_scenario(int (*fn)(struct machine *m, void *arg))
{
	struct sim_run run = {
		.topo_path = "tests/topo/T1_single_endpoint.topo",
		.cmdline = "kho=on liveupdate=on",
		.scenario = fn,
	};
	struct sim_result r;

	assert_int_equal(simtest_run(&run, &r), 0);
	if (r.status)
		fail_msg("child exited %d; log:\n%s", r.status, r.log);
	if (r.warns)
		fail_msg("%lu kernel WARN(s); log:\n%s", r.warns, r.log);
	simtest_free(&r);
}

static int file_ops(struct machine *m, void *arg)
{
	unsigned char buf[9000], *ram;
	unsigned long long pa[4];
	uint64_t base, size;
	char name[300];
	long h;
	int fd, i;

	(void)arg;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	CHECK(sim_sys_memfd_create("x", 0x1000) == -EINVAL, "unknown flag");
	CHECK(sim_sys_memfd_create(name, 0) == -EINVAL, "name too long");
	fd = sim_sys_memfd_create("x", 0);
	CHECK(fd >= 0, "memfd_create: %d", fd);

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 1);
	CHECK(sim_sys_write(fd, buf, 5000) == 5000, "write");
	CHECK(sim_sys_lseek(fd, 0, SEEK_CUR) == 5000, "position");
	CHECK(sim_sys_lseek(fd, 0, SEEK_END) == 5000, "size");
	CHECK(sim_sys_lseek(fd, -1, SEEK_SET) == -EINVAL, "negative");
	/* a hole [5000, 12000), then one byte */
	CHECK(sim_sys_lseek(fd, 12000, SEEK_SET) == 12000, "seek");
	CHECK(sim_sys_write(fd, "z", 1) == 1, "write past a hole");
	CHECK(sim_sys_lseek(fd, 4990, SEEK_SET) == 4990, "seek back");
	memset(buf, 0xee, sizeof(buf));
	CHECK(sim_sys_read(fd, buf, sizeof(buf)) == 12001 - 4990,
	      "read to the end");
	for (i = 0; i < 10; i++)
		CHECK(buf[i] == (unsigned char)((4990 + i) * 7 + 1), "byte %d", i);
	for (i = 10; i < 12000 - 4990; i++)
		CHECK(!buf[i], "hole byte %d: %#x", i, buf[i]);
	CHECK(buf[12000 - 4990] == 'z' && buf[12001 - 4990] == 0xee, "end");

	/* shrink into page 1: its tail reads as zeroes even after growing */
	CHECK(sim_sys_ftruncate(fd, 4097) == 0, "shrink");
	CHECK(sim_sys_ftruncate(fd, 8192) == 0, "grow");
	CHECK(sim_sys_lseek(fd, 4096, SEEK_SET) == 4096, "seek");
	CHECK(sim_sys_read(fd, buf, 10) == 10, "read");
	CHECK(buf[0] == (unsigned char)(4096 * 7 + 1) && !buf[1] && !buf[9],
	      "tail %#x %#x", buf[0], buf[1]);
	CHECK(sim_sys_read(fd, buf, 10000) == 8192 - 4106, "read to the end");
	CHECK(sim_sys_read(fd, buf, 10) == 0, "at the end");

	/* mmap: each page's RAM; none past the end of the file */
	CHECK(sim_sys_mmap(fd, 0, 1, PROT_READ, MAP_PRIVATE, pa) == -EINVAL,
	      "MAP_PRIVATE");
	h = sim_sys_mmap(fd, 0, 4, PROT_READ | PROT_WRITE, MAP_SHARED, pa);
	CHECK(h >= 0, "mmap: %ld", h);
	CHECK(pa[0] && pa[1] && !pa[2] && !pa[3], "pages %#llx %#llx %#llx",
	      pa[0], pa[1], pa[2]);
	ram = machine_ram(m, &base, &size);
	CHECK(ram[pa[0] - base + 3] == (unsigned char)(3 * 7 + 1), "RAM");
	ram[pa[1] - base + 5] = 'M';
	CHECK(sim_sys_lseek(fd, 4096 + 5, SEEK_SET) == 4101, "seek");
	CHECK(sim_sys_read(fd, buf, 1) == 1 && buf[0] == 'M',
	      "a store through the mapping is in the file: %#x", buf[0]);
	CHECK(sim_sys_ftruncate(fd, 100) == -EBUSY, "no shrink while mapped");
	CHECK(sim_sys_close(fd) == 0, "close");
	/* the mapping holds the file */
	CHECK(ram[pa[1] - base + 5] == 'M', "still mapped");
	CHECK(sim_sys_munmap(h) == 0, "munmap");
	CHECK(sim_sys_munmap(h) == -EINVAL, "munmap twice");
	CHECK(!sim_kho_leaked_pages(), "nothing preserved");
	return 0;
}

static void test_file_ops(void **state)
{
	(void)state;
	run_scenario(file_ops);
}

/* With a session fd: a preserved memfd's size is frozen until unpreserved. */
static int frozen(struct machine *m, void *arg)
{
	struct liveupdate_ioctl_create_session cs = {
		.size = sizeof(cs), .name = "frozen",
	};
	struct liveupdate_session_preserve_fd pf = {
		.size = sizeof(pf), .token = 7,
	};
	unsigned long long pa[1];
	int dev, fd;

	(void)m;
	(void)arg;
	dev = sim_sys_open("/dev/liveupdate", O_RDWR);
	CHECK(dev >= 0, "open: %d", dev);
	CHECK(!sim_sys_ioctl(dev, LIVEUPDATE_IOCTL_CREATE_SESSION,
			     (unsigned long)&cs), "session");
	fd = sim_sys_memfd_create("f", 0);
	CHECK(sim_sys_write(fd, "abcdef", 6) == 6, "write");
	CHECK(sim_sys_mmap(cs.fd, 0, 1, PROT_READ, MAP_SHARED, pa) == -ENODEV,
	      "mmap of a session");
	CHECK(sim_sys_ftruncate(cs.fd, 0) == -EINVAL, "ftruncate of a session");
	pf.fd = fd;
	CHECK(!sim_sys_ioctl(cs.fd, LIVEUPDATE_SESSION_PRESERVE_FD,
			     (unsigned long)&pf), "preserve");
	CHECK(sim_sys_ftruncate(fd, 100) == -EPERM, "grow while preserved");
	CHECK(sim_sys_ftruncate(fd, 1) == -EPERM, "shrink while preserved");
	CHECK(sim_sys_lseek(fd, 4, SEEK_SET) == 4, "seek");
	CHECK(sim_sys_write(fd, "XYZ", 3) == -EPERM, "write past the end");
	CHECK(sim_sys_write(fd, "XY", 2) == 2, "write inside");
	CHECK(sim_sys_close(cs.fd) == 0, "close the session: unpreserved");
	CHECK(sim_sys_ftruncate(fd, 100) == 0, "grow");
	CHECK(!sim_kho_leaked_pages(), "nothing left preserved");
	CHECK(sim_sys_close(fd) == 0 && sim_sys_close(dev) == 0, "close");
	return 0;
}

static void test_preserved_memfd_is_frozen(void **state)
{
	(void)state;
	run_scenario(frozen);
}

/* fork(): the child's table keeps what the parent's exit closes. */
static int fork_exit(struct machine *m, void *arg)
{
	int fd, parent, child;
	char c = 0;

	(void)m;
	(void)arg;
	fd = sim_sys_memfd_create("f", 0);
	CHECK(fd >= 0 && sim_sys_write(fd, "q", 1) == 1, "memfd");
	parent = sim_sys_getpid();
	child = sim_sys_fork();
	CHECK(child > parent, "fork: %d", child);
	CHECK(sim_sys_getpid() == parent, "calls stay the parent's");
	CHECK(sim_sys_exit() == 0, "the parent exits");
	CHECK(sim_sys_switch(parent) == -ESRCH, "gone");
	CHECK(sim_sys_switch(child) == 0, "switch");
	CHECK(sim_sys_lseek(fd, 0, SEEK_SET) == 0, "the same file, shared position");
	CHECK(sim_sys_read(fd, &c, 1) == 1 && c == 'q', "read");
	CHECK(sim_sys_exit() == 0, "the child exits");
	CHECK(sim_sys_getpid() == 0, "no process");
	return 0;
}

static void test_fork_child_keeps_the_files(void **state)
{
	(void)state;
	run_scenario(fork_exit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_ops),
		cmocka_unit_test(test_preserved_memfd_is_frozen),
		cmocka_unit_test(test_fork_child_keeps_the_files),
	};

	return cmocka_run_group_tests_name("memfd", tests, NULL, NULL);
}
