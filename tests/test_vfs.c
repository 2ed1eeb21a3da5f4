/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel world's VFS subset, driven as user space drives it: the host
 * makes system calls (sim_sys_*) into the real fs/file.c fd table, the
 * real misc and char device code, and the shims for files, anonymous
 * inodes and user access; a self-test misc device (shim/vfs_selftest.c)
 * plays the driver, as /dev/liveupdate will.
 *
 * What is checked is what user space and LUO rely on: a misc open reaches
 * the driver's open with the miscdevice as private_data, exclusively; a
 * file is released exactly once, on its last fput(), never while a
 * kernel reference is held, and a release the kernel's fput() causes
 * inside an ioctl runs when the call returns (a kernel thread's at once);
 * fds are given lowest first, found, and -EBADF once closed; RLIMIT_NOFILE
 * gives -EMFILE and can be raised; foreign files are found by fget() and
 * known to no ioctl; copy_struct_from_user() zero-fills a smaller struct
 * and refuses a bigger one with a nonzero tail; bad user pointers are
 * -EFAULT; exit closes every fd; nothing survives a kexec.
 *
 * Scenarios run in the forked kernel-world child: a failed check there
 * prints "vfs-test: FAIL ..." into the log and fails the run.
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
#include <cmocka.h>

#include "cli.h"
#include "machine.h"
#include "simtest.h"

#define DEV_PATH	"/dev/" SIM_VFS_TEST_NAME

#define CHECK(cond, ...) SIMTEST_CHECK("vfs-test", cond, __VA_ARGS__)

static void run_scenario(int (*fn)(struct machine *m, void *arg))
{
	struct sim_run run = {
		.topo_path = "tests/topo/T1_single_endpoint.topo",
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

static const char *vfs_log(void)
{
	static char buf[4096];

	sim_vfs_selftest_log(buf, sizeof(buf));
	return buf;
}

/* How many times word (a whole space-separated entry) is in the log. */
static int log_count(const char *word)
{
	const char *log = vfs_log(), *p = log;
	size_t n = strlen(word);
	int count = 0;

	while ((p = strstr(p, word))) {
		if ((p == log || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			count++;
		p += n;
	}
	return count;
}

/* CREATE on the device: the new object's fd, or -errno. */
static int create_obj(int dev, unsigned long long value)
{
	struct sim_vfs_test_create c = {
		.size = sizeof(c), .fd = -1, .value = value,
	};
	long ret = sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)&c);

	return ret ? (int)ret : c.fd;
}

static long obj_get(int fd, unsigned long long *value)
{
	return sim_sys_ioctl(fd, SIM_VFS_TEST_OBJ_GET, (unsigned long)value);
}

/* ---- misc devices and open ---- */

static int misc_open_scenario(struct machine *m, void *arg)
{
	int fd, fd2;

	(void)m;
	(void)arg;
	CHECK(sim_sys_open(DEV_PATH, O_RDWR) == -ENOENT,
	      "a device not registered yet has no node");
	CHECK(sim_vfs_selftest_register() == 0, "register");
	CHECK(sim_vfs_selftest_register() == -EBUSY, "registered twice");

	fd = sim_sys_open(DEV_PATH, O_RDWR | O_CLOEXEC);
	CHECK(fd == 0, "first fd of the process is 0, got %d", fd);
	CHECK(!strcmp(vfs_log(), "open"),
	      "the driver's open ran once with the miscdevice: \"%s\"",
	      vfs_log());
	/* exclusive, as /dev/liveupdate: the open reached the driver */
	fd2 = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(fd2 == -EBUSY, "second open: %d", fd2);
	CHECK(!strcmp(vfs_log(), "open"), "log \"%s\"", vfs_log());
	CHECK(sim_sys_ioctl(fd, 0x1234, 0) == -ENOTTY,
	      "an ioctl the driver does not know is -ENOTTY");
	CHECK(sim_sys_ioctl(fd, 0x5451 /* FIOCLEX */, 0) == 0, "FIOCLEX");

	CHECK(sim_sys_close(fd) == 0, "close");
	CHECK(!strcmp(vfs_log(), "open release"), "log \"%s\"", vfs_log());
	CHECK(sim_sys_close(fd) == -EBADF, "closed twice");
	CHECK(sim_sys_ioctl(fd, SIM_VFS_TEST_DROP, 0) == -EBADF,
	      "ioctl on a closed fd");

	/* the failed open took no fd: the next is 0 again */
	fd = sim_sys_open(DEV_PATH, O_RDONLY);
	CHECK(fd == 0, "reopen: %d", fd);
	CHECK(sim_sys_close(fd) == 0, "close");

	CHECK(sim_sys_open("/dev/nosuchdevice", O_RDWR) == -ENOENT, "no node");
	CHECK(sim_sys_open("/dev/", O_RDWR) == -ENOENT, "/dev/");
	CHECK(sim_sys_open("/tmp/" SIM_VFS_TEST_NAME, O_RDWR) == -ENOENT,
	      "outside /dev");
	CHECK(sim_sys_open("", O_RDWR) == -ENOENT, "empty path");
	CHECK(sim_sys_open(NULL, O_RDWR) == -EFAULT, "NULL path");
	CHECK(sim_sys_open(DEV_PATH, O_RDWR | O_DIRECTORY) == -ENOTDIR,
	      "O_DIRECTORY");
	CHECK(sim_sys_open(DEV_PATH, O_RDWR | O_CREAT | O_EXCL) == -EEXIST,
	      "O_CREAT | O_EXCL of an existing node");

	CHECK(sim_vfs_selftest_unregister() == 0, "unregister");
	CHECK(sim_sys_open(DEV_PATH, O_RDWR) == -ENOENT,
	      "the node goes with the device");
	CHECK(sim_vfs_selftest_register() == 0, "register again");
	fd = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(fd == 0, "open after registering again: %d", fd);
	CHECK(!strcmp(vfs_log(), "open release open release open"),
	      "log \"%s\"", vfs_log());
	return 0;
}

static void test_misc_open_reaches_the_driver(void **state)
{
	(void)state;
	run_scenario(misc_open_scenario);
}

/* ---- file lifetime ---- */

static int lifetime_scenario(struct machine *m, void *arg)
{
	unsigned long long v = 0;
	int dev, fd, fd2;
	long ret;

	(void)m;
	(void)arg;
	CHECK(sim_vfs_selftest_register() == 0, "register");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "open: %d", dev);

	/* close of the only reference releases */
	fd = create_obj(dev, 10);
	CHECK(fd == 1, "create: %d", fd);
	CHECK(obj_get(fd, &v) == 0 && v == 10, "get: %llu", v);
	CHECK(log_count("obj-release:10") == 0, "not released while open");
	CHECK(sim_sys_close(fd) == 0, "close");
	CHECK(log_count("obj-release:10") == 1, "released by close: \"%s\"",
	      vfs_log());

	/* a kernel reference keeps the file after close */
	fd = create_obj(dev, 11);
	CHECK(fd == 1, "create: %d", fd);
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, fd) == 0, "hold");
	CHECK(sim_sys_close(fd) == 0, "close");
	CHECK(log_count("obj-release:11") == 0,
	      "released while the kernel holds it: \"%s\"", vfs_log());
	CHECK(obj_get(fd, &v) == -EBADF, "the fd is gone all the same");
	/* the kernel's fput() in the ioctl: released as the call returns */
	ret = sim_sys_ioctl(dev, SIM_VFS_TEST_DROP, 0);
	CHECK(ret == 0, "released inside the ioctl (%ld), not on return", ret);
	CHECK(log_count("obj-release:11") == 1, "released once: \"%s\"",
	      vfs_log());

	/* two kernel references and the fd: the last of the three releases */
	fd = create_obj(dev, 12);
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, fd) == 0, "hold");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, fd) == 0, "hold again");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_DROP, 0) == 0, "drop both");
	CHECK(log_count("obj-release:12") == 0, "the fd still holds it");
	CHECK(obj_get(fd, &v) == 0 && v == 12, "still works: %llu", v);
	CHECK(sim_sys_close(fd) == 0, "close");
	CHECK(log_count("obj-release:12") == 1, "released once: \"%s\"",
	      vfs_log());

	/* a kernel thread's last fput(): released at once */
	fd = create_obj(dev, 13);
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, fd) == 0, "hold");
	CHECK(sim_sys_close(fd) == 0, "close");
	CHECK(log_count("obj-release:13") == 0, "held");
	ret = sim_vfs_selftest_drop_held();
	CHECK(ret == 1, "a kernel thread's fput() released %ld", ret);
	CHECK(log_count("obj-release:13") == 1, "released once: \"%s\"",
	      vfs_log());

	/* the device file itself: held beyond its close */
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, dev) == 0, "hold the device");
	CHECK(sim_sys_close(dev) == 0, "close the device");
	CHECK(log_count("release") == 0, "device released while held");
	CHECK(sim_sys_open(DEV_PATH, O_RDWR) == -EBUSY,
	      "still open in the kernel: exclusive");
	CHECK(sim_vfs_selftest_drop_held() == 0, "drop the device");
	CHECK(log_count("release") == 1, "device released: \"%s\"", vfs_log());
	fd2 = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(fd2 == 0, "open again: %d", fd2);
	return 0;
}

static void test_release_once_on_the_last_fput(void **state)
{
	(void)state;
	run_scenario(lifetime_scenario);
}

/* ---- the fd table ---- */

static int fd_table_scenario(struct machine *m, void *arg)
{
	unsigned long long v = 0, cookie = 0;
	int dev, fd[4], i;

	(void)m;
	(void)arg;
	CHECK(sim_vfs_selftest_register() == 0, "register");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "open: %d", dev);
	for (i = 0; i < 4; i++) {
		fd[i] = create_obj(dev, 100 + i);
		CHECK(fd[i] == i + 1, "fd %d: %d", i, fd[i]);
	}
	for (i = 0; i < 4; i++)
		CHECK(obj_get(fd[i], &v) == 0 && v == 100ULL + i,
		      "fd %d holds %d: %llu", fd[i], 100 + i, v);
	/* the lowest free fd is given first */
	CHECK(sim_sys_close(fd[1]) == 0, "close");
	CHECK(obj_get(fd[1], &v) == -EBADF, "closed fd");
	CHECK(create_obj(dev, 200) == fd[1], "the hole is filled first");
	CHECK(obj_get(fd[1], &v) == 0 && v == 200, "new file there: %llu", v);
	CHECK(create_obj(dev, 201) == 5, "then the next one");
	/* misses */
	CHECK(obj_get(6, &v) == -EBADF, "never opened");
	CHECK(obj_get(-1, &v) == -EBADF, "negative");
	CHECK(obj_get(1 << 20, &v) == -EBADF, "beyond the table");
	CHECK(sim_sys_close(-1) == -EBADF, "close(-1)");
	CHECK(sim_sys_close(4096) == -EBADF, "close beyond the table");
	/* an ioctl of one file's type on another */
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_OBJ_GET, (unsigned long)&v) ==
	      -ENOTTY, "the device has no OBJ_GET");

	/* foreign files: found by fget(), known to no ioctl */
	i = sim_sys_open_foreign(0xfeedULL, O_RDWR);
	CHECK(i == 6, "foreign: %d", i);
	CHECK(sim_sys_foreign_cookie(i, &cookie) == 0 && cookie == 0xfeed,
	      "cookie %#llx", cookie);
	CHECK(sim_sys_foreign_cookie(fd[0], &cookie) == -EINVAL,
	      "not a foreign file");
	CHECK(sim_sys_foreign_cookie(7, &cookie) == -EBADF, "no fd");
	CHECK(sim_sys_ioctl(i, SIM_VFS_TEST_OBJ_GET, (unsigned long)&v) ==
	      -ENOTTY, "no ioctl on a foreign file");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, i) == 0,
	      "fget() finds a foreign file");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, 7) == -EBADF,
	      "fget() of a free fd");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_DROP, 0) == 0, "drop");
	CHECK(sim_sys_close(i) == 0, "close the foreign file");
	CHECK(sim_sys_foreign_cookie(i, &cookie) == -EBADF, "closed");
	return 0;
}

static void test_fd_table(void **state)
{
	(void)state;
	run_scenario(fd_table_scenario);
}

static int rlimit_scenario(struct machine *m, void *arg)
{
	unsigned long cur = 0, max = 0;
	int dev, fd, i;

	(void)m;
	(void)arg;
	CHECK(sim_sys_getrlimit_nofile(&cur, &max) == 0, "getrlimit");
	CHECK(cur == 1024 && max == 4096, "default %lu/%lu", cur, max);
	CHECK(sim_sys_getrlimit_nofile(NULL, &max) == -EFAULT, "NULL");

	for (i = 0; i < 1024; i++) {
		fd = sim_sys_open_foreign(i, O_RDONLY);
		CHECK(fd == i, "foreign %d: %d", i, fd);
	}
	CHECK(sim_sys_open_foreign(0, O_RDONLY) == -EMFILE, "past the limit");
	CHECK(sim_vfs_selftest_register() == 0, "register");
	CHECK(sim_sys_open(DEV_PATH, O_RDWR) == -EMFILE, "open too");
	CHECK(log_count("open") == 0, "no fd, so the driver was not opened");

	CHECK(sim_sys_setrlimit_nofile(2048, 1024) == -EINVAL, "cur > max");
	CHECK(sim_sys_setrlimit_nofile(1024, (1 << 20) + 1) == -EPERM,
	      "max above nr_open");
	CHECK(sim_sys_setrlimit_nofile(2100, 4096) == 0, "raise");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 1024, "open: %d", dev);
	/* as upstream's selftest: 2,000 session-like files */
	for (i = 1025; i < 2100; i++) {
		fd = create_obj(dev, i);
		CHECK(fd == i, "create %d: %d", i, fd);
	}
	CHECK(create_obj(dev, 0) == -EMFILE, "create past the raised limit");
	/* lowering it keeps the open fds and refuses new ones */
	CHECK(sim_sys_setrlimit_nofile(16, 4096) == 0, "lower");
	CHECK(sim_sys_close(3) == 0, "close fd 3");
	CHECK(sim_sys_open_foreign(0, O_RDONLY) == 3, "below the limit");
	CHECK(sim_sys_open_foreign(0, O_RDONLY) == -EMFILE, "limit lowered");
	return 0;
}

static void test_emfile_at_the_limit(void **state)
{
	(void)state;
	run_scenario(rlimit_scenario);
}

/* ---- user access ---- */

static int create_struct_scenario(struct machine *m, void *arg)
{
	struct sim_vfs_test_create last;
	union {
		struct sim_vfs_test_create c;
		unsigned char b[64];
	} u;
	struct sim_vfs_test_create *c = &u.c;
	unsigned char *buf = u.b;
	unsigned long long v = 0;
	int dev;
	long ret;

	(void)m;
	(void)arg;
	CHECK(sim_vfs_selftest_register() == 0, "register");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "open: %d", dev);

	/* an older, smaller struct: the kernel's rest is zero-filled */
	memset(buf, 0x77, sizeof(u));
	c->size = SIM_VFS_TEST_CREATE_MIN;
	c->value = 5;
	ret = sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)buf);
	CHECK(ret == 0, "v1 struct: %ld", ret);
	CHECK(c->fd == 1, "fd written back: %d", c->fd);
	CHECK(buf[SIM_VFS_TEST_CREATE_MIN] == 0x77,
	      "nothing written past the caller's size");
	sim_vfs_selftest_last_create(&last);
	CHECK(last.value == 5 && !last.extra[0] && !last.extra[1],
	      "kernel saw value %llu extra %#llx %#llx", last.value,
	      last.extra[0], last.extra[1]);
	CHECK(obj_get(1, &v) == 0 && v == 5, "object %llu", v);

	/* the kernel's own size */
	memset(buf, 0, sizeof(u));
	c->size = sizeof(*c);
	c->value = 6;
	c->extra[1] = 9;
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)buf) == 0,
	      "same size");
	sim_vfs_selftest_last_create(&last);
	CHECK(last.extra[1] == 9, "all of it read");

	/* a newer, bigger struct: fine while its tail is zero */
	memset(buf, 0, sizeof(u));
	c->size = sizeof(*c) + 8;
	c->value = 7;
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)buf) == 0,
	      "bigger, zero tail");
	CHECK(c->fd == 3, "fd %d", c->fd);
	buf[sizeof(*c) + 3] = 1;
	ret = sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)buf);
	CHECK(ret == -E2BIG, "bigger, nonzero tail: %ld", ret);

	/* too small, and bad pointers */
	memset(buf, 0, sizeof(u));
	c->size = 8;
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, (unsigned long)buf) ==
	      -EINVAL, "below the minimum size");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, 0) == -EFAULT, "NULL");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE, 64) == -EFAULT,
	      "first page");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_CREATE,
			    0xffff888000000000UL) == -EFAULT,
	      "kernel address");
	CHECK(sim_sys_ioctl(1, SIM_VFS_TEST_OBJ_GET, 0) == -EFAULT,
	      "put_user() to NULL");
	/* the failed calls installed nothing: the next fd is 4 */
	CHECK(create_obj(dev, 8) == 4, "no fd leaked");
	return 0;
}

static void test_copy_struct_from_user_through_an_ioctl(void **state)
{
	(void)state;
	run_scenario(create_struct_scenario);
}

static int uaccess_scenario(struct machine *m, void *arg)
{
	unsigned char buf[32];
	unsigned long long val[2];
	unsigned long long big = 0x0102030405060708ULL;
	void *kaddr = (void *)0xffff888000001000UL;
	/* the last user address a 4-byte access may not start at */
	void *edge = (void *)(0x7ffffffff000UL - 3);
	long ret;

	(void)m;
	(void)arg;
	/* copy_from_user(): all or nothing here, the rest zero-filled */
	memset(buf, 0x11, sizeof(buf));
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_FROM, buf, 32, val);
	CHECK(ret == 0 && val[0] == 32, "copy_from_user: %ld, %llu", ret,
	      val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_FROM, NULL, 32, val);
	CHECK(ret == 32 && val[0] == 0, "from NULL: %ld, %llu nonzero", ret,
	      val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_FROM, (void *)4095, 1,
				       val);
	CHECK(ret == 1, "from the first page: %ld", ret);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_FROM, kaddr, 8, val);
	CHECK(ret == 8, "from a kernel address: %ld", ret);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_FROM, buf, 0, val);
	CHECK(ret == 0, "nothing: %ld", ret);

	/* copy_to_user() */
	memset(buf, 0, sizeof(buf));
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_TO, buf, 31, val);
	CHECK(ret == 0 && buf[0] == 0xa5 && buf[30] == 0xa5 && !buf[31],
	      "copy_to_user: %ld", ret);
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_TO, NULL, 4, val) == 4,
	      "to NULL");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_COPY_TO, kaddr, 4, val) == 4,
	      "to a kernel address");

	/* get_user() of each size, as the x86-64 calls expand */
	memcpy(buf, &big, sizeof(big));
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, buf, 1, val);
	CHECK(ret == 0 && val[0] == 0x08, "get_user 1: %ld %#llx", ret, val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, buf, 2, val);
	CHECK(ret == 0 && val[0] == 0x0708, "get_user 2: %#llx", val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, buf, 4, val);
	CHECK(ret == 0 && val[0] == 0x05060708, "get_user 4: %#llx", val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, buf, 8, val);
	CHECK(ret == 0 && val[0] == big, "get_user 8: %#llx", val[0]);
	val[0] = 1;
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, NULL, 4, val);
	CHECK(ret == -EFAULT && val[0] == 0, "get_user NULL: %ld, %#llx", ret,
	      val[0]);
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, kaddr, 8, val) ==
	      -EFAULT, "get_user kernel address");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_GET, edge, 4, val) == -EFAULT,
	      "get_user past the end of user space");

	/* put_user() */
	memset(buf, 0, sizeof(buf));
	val[0] = big;
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_PUT, buf, 2, val) == 0 &&
	      buf[0] == 0x08 && buf[1] == 0x07 && !buf[2], "put_user 2");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_PUT, buf, 8, val) == 0 &&
	      !memcmp(buf, &big, 8), "put_user 8");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_PUT, NULL, 4, val) == -EFAULT,
	      "put_user NULL");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_PUT, edge, 4, val) == -EFAULT,
	      "put_user past the end of user space");

	/* check_zeroed_user() */
	memset(buf, 0, sizeof(buf));
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_CHECK_ZEROED, buf, 32, val) ==
	      1, "zeroes");
	buf[31] = 1;
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_CHECK_ZEROED, buf, 32, val) ==
	      0, "a nonzero byte");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_CHECK_ZEROED, NULL, 8, val) ==
	      -EFAULT, "NULL");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_CHECK_ZEROED, NULL, 0, val) ==
	      1, "nothing to check");

	/* copy_struct_from_user() into the kernel's 16 bytes */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &big, 8);
	buf[8] = 0x55;
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, buf, 8, val);
	CHECK(ret == 0 && val[0] == big && val[1] == 0,
	      "smaller: %ld, %#llx %#llx", ret, val[0], val[1]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, buf, 16, val);
	CHECK(ret == 0 && val[1] == 0x55, "same: %ld, %#llx", ret, val[1]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, buf, 24, val);
	CHECK(ret == 0 && val[1] == 0x55, "bigger, zero tail: %ld", ret);
	buf[20] = 1;
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, buf, 24, val);
	CHECK(ret == -E2BIG && val[0] == ~0ULL && val[1] == ~0ULL,
	      "bigger, nonzero tail: %ld, %#llx (untouched)", ret, val[0]);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, NULL, 16, val);
	CHECK(ret == -EFAULT, "NULL: %ld", ret);
	ret = sim_vfs_selftest_uaccess(SIM_VFS_UA_STRUCT, NULL, 24, val);
	CHECK(ret == -EFAULT, "NULL, bigger: %ld", ret);

	/* strncpy_from_user() */
	strcpy((char *)buf, "liveupdate");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_STRNCPY, buf, 32, val) == 10,
	      "string");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_STRNCPY, buf, 4, val) == 4,
	      "too long");
	CHECK(sim_vfs_selftest_uaccess(SIM_VFS_UA_STRNCPY, NULL, 4, val) ==
	      -EFAULT, "NULL");
	return 0;
}

static void test_user_access_and_efault(void **state)
{
	(void)state;
	run_scenario(uaccess_scenario);
}

/* ---- process exit, kexec ---- */

static int exit_scenario(struct machine *m, void *arg)
{
	int dev, i;

	(void)m;
	(void)arg;
	CHECK(sim_vfs_selftest_register() == 0, "register");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "open: %d", dev);
	for (i = 0; i < 3; i++)
		CHECK(create_obj(dev, 20 + i) == i + 1, "create");
	CHECK(sim_sys_ioctl(dev, SIM_VFS_TEST_HOLD, 2) == 0, "hold fd 2");
	CHECK(sim_sys_setrlimit_nofile(8, 8) == 0, "setrlimit");
	CHECK(sim_sys_exit() == 0, "exit");
	CHECK(log_count("release") == 1 && log_count("obj-release:20") == 1 &&
	      log_count("obj-release:22") == 1, "every fd closed: \"%s\"",
	      vfs_log());
	CHECK(log_count("obj-release:21") == 0, "but the held file");
	/* a new process: a fresh table, the default limits */
	CHECK(sim_sys_open_foreign(1, O_RDONLY) == 0, "fresh table");
	CHECK(sim_sys_ioctl(1, SIM_VFS_TEST_DROP, 0) == -EBADF, "nothing else");
	CHECK(sim_vfs_selftest_drop_held() == 1, "the held file goes last");
	CHECK(log_count("obj-release:21") == 1, "\"%s\"", vfs_log());
	return 0;
}

static void test_exit_closes_every_fd(void **state)
{
	(void)state;
	run_scenario(exit_scenario);
}

static int kexec_scenario(struct machine *m, void *arg)
{
	unsigned long long v;
	unsigned long cur, max;
	int dev;

	(void)arg;
	CHECK(sim_vfs_selftest_register() == 0, "register");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "open: %d", dev);
	CHECK(create_obj(dev, 30) == 1, "create");
	CHECK(sim_sys_setrlimit_nofile(2000, 4096) == 0, "setrlimit");
	CHECK(cli_kexec(m, NULL) == 0, "kexec");

	/* nothing of the old kernel's files or process is left */
	CHECK(!strcmp(vfs_log(), ""), "log \"%s\"", vfs_log());
	CHECK(obj_get(1, &v) == -EBADF, "the old fds are gone");
	CHECK(sim_sys_close(0) == -EBADF, "fd 0 too");
	CHECK(sim_sys_getrlimit_nofile(&cur, &max) == 0 && cur == 1024,
	      "the default limit again: %lu", cur);
	CHECK(sim_sys_open(DEV_PATH, O_RDWR) == -ENOENT,
	      "the new kernel has not registered the device");
	CHECK(sim_vfs_selftest_register() == 0, "register in the new kernel");
	dev = sim_sys_open(DEV_PATH, O_RDWR);
	CHECK(dev == 0, "fds start at 0 again: %d", dev);
	CHECK(!strcmp(vfs_log(), "open"), "log \"%s\"", vfs_log());
	return 0;
}

static void test_nothing_survives_kexec(void **state)
{
	(void)state;
	run_scenario(kexec_scenario);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_misc_open_reaches_the_driver),
		cmocka_unit_test(test_release_once_on_the_last_fput),
		cmocka_unit_test(test_fd_table),
		cmocka_unit_test(test_emfile_at_the_limit),
		cmocka_unit_test(test_copy_struct_from_user_through_an_ioctl),
		cmocka_unit_test(test_user_access_and_efault),
		cmocka_unit_test(test_exit_closes_every_fd),
		cmocka_unit_test(test_nothing_survives_kexec),
	};

	return cmocka_run_group_tests_name("vfs", tests, NULL, NULL);
}
