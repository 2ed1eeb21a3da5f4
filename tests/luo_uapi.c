/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated user space of upstream's LUO selftests (luo_uapi.h).
 *
 * The selftests' objects are linked with ld -r --wrap=SYSCALL (Makefile:
 * LUSELF_WRAP, the calls nm -u finds in them), so their system calls come
 * here as __wrap_SYSCALL(); this file is linked without --wrap, so a plain
 * call here is the host's libc.
 *
 * A host process either has no kernel world (the kselftest harness and
 * its test processes before their first open(2)) or owns one: a world is
 * in-process (shim/syscall.c), and its RAM is a MAP_SHARED memfd
 * (topo/ram.c) that a fork(2) shares, so two host processes must never
 * both use one. Without a world every call is the host's. With one, the
 * process is a process of the world, and every fd its code sees is the
 * world's: the kernel's fd table hands them out, so the numbers the tests
 * compare, pass inside ioctl structures (PRESERVE_FD) and get back
 * (CREATE_SESSION) are the kernel's, with no host fd among them. Host
 * files enter that table as foreign files (sim_sys_open_foreign()): fds
 * 0-2 are the host's stdin, stdout and stderr (the tests' printf() goes to
 * the host's stdout directly, as libc does not call the wrapped write),
 * and open(2) of /dev/null, which a test preserves to be refused with
 * -ENOENT, opens the host's; every other path is the world's (so that a
 * host with its own /dev/liveupdate is never touched).
 *
 * How the harness's per-test processes get a world: each boots its own on
 * its first open(2) or memfd_create(2) (the harness's processes fork
 * before that, with no world, so nothing is shared). So each TEST_F runs
 * on a freshly booted kernel, where upstream runs them in sequence on one.
 *
 * fork(2) of a process with a world: the world makes the child process
 * (sim_sys_fork(): a copy of the fd table), the host forks, and the world
 * goes with the host child. The parent may only exit: its exit status
 * goes through a pipe to the child, which ends the parent's process in
 * the world as its exit would have (its fds closed: the files the child
 * shares stay open). That is the daemon of daemonize_and_wait() (lib/
 * lu_utils.c): the parent's exit(0) is what init.c waits for, and the
 * daemon's sleep(60) comes back to lu_run() with the daemon's fds held,
 * for the kexec. setsid(2) and chdir(2) of a process with a world do
 * nothing on the host (sessions are not modelled; a simulated process has
 * no working directory), so the daemon stays in reach of the test runner.
 *
 * mmap(2) of a memfd: the kernel gives the physical address of each page
 * (sim_sys_mmap()) and the RAM is mapped here, in a window of address
 * space reserved for it, at the same bytes the kernel world holds
 * (machine_ram_alias()): a test's store through the mapping is in the
 * memfd at once, as in a shared mapping. munmap(2) must name a whole
 * mapping (not splitting one is a departure); MAP_FIXED is not modelled.
 * RLIMIT_NOFILE is the world's; other limits the host's.
 */
#include "luo_uapi.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "machine.h"
#include "sim/host_abi.h"

#define LU_PAGE		4096UL
/* address space for mappings of memfds: reserved, costs nothing */
#define LU_WINDOW_SIZE	(1UL << 32)
#define LU_MAX_OWNED	64
#define LU_PA_LOG	16

enum lu_world {
	LU_NONE,	/* no world: the host's calls */
	LU_OWNED,	/* the world runs in this host process */
	LU_GONE,	/* it went to a child this process forked */
};

/* A host mapping of a memfd's pages. */
struct lu_map {
	char *va;
	size_t len;
	long handle;	/* sim_sys_mmap()'s: it holds the file */
	int sim_pid;	/* the process of the world that made it */
};

static struct {
	struct machine *m;
	const char *cmdline;
	enum lu_world world;
	pid_t owner;		/* the host process that has the world */
	pid_t driver;		/* whose exit() and sleep() end lu_run() */
	jmp_buf *jb;
	struct lu_result *res;
	int pipe_fd;		/* after a fork: the parent's exit status */
	pid_t child;		/* the parent's: the host child with the world */
	int parent_sim;		/* the child's: the parent's pid in the world */
	int owned[LU_MAX_OWNED];	/* host files behind foreign fds */
	int nr_owned;
	struct lu_map *maps;
	size_t nr_maps, cap_maps;
	char *window;
	size_t window_next;
	unsigned long long pa_log[LU_PA_LOG];	/* first pages mapped, a ring */
	unsigned int nr_pa;
} lu = { .pipe_fd = -1 };

static __attribute__((noreturn)) void lu_die(const char *why)
{
	fprintf(stderr, "luo-uapi: %s\n", why);
	fflush(NULL);
	_exit(1);
}

/* A raw system call's return to libc's convention. */
static long lu_ret(long ret)
{
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

/* A new process of the world: fds 0-2 are the host's stdio. */
static void lu_proc_start(void)
{
	int fd;

	if (sim_sys_getpid())
		return;
	for (fd = 0; fd < 3; fd++) {
		/* borrowed: the host's, never closed from here */
		if (sim_sys_open_foreign(fd, fd ? O_WRONLY : O_RDONLY) != fd)
			lu_die("the new process's fds 0-2 are not its stdio");
	}
}

/* Do this process's calls go to the world? */
static bool lu_in_world(void)
{
	if (lu.world == LU_GONE)
		lu_die("a process used the kernel world after a fork gave it to its child");
	if (lu.world == LU_OWNED && lu.owner != getpid())
		lu_die("a process forked without fork() uses its parent's kernel world");
	if (lu.world != LU_OWNED)
		return false;
	lu_proc_start();
	return true;
}

/* open(2) and memfd_create(2): with no world here yet, boot one here. */
static bool lu_need_world(void)
{
	if (lu.world == LU_NONE && lu.m) {
		if (cli_boot_and_probe(lu.m, lu.cmdline))
			lu_die("the kernel world did not boot");
		lu.world = LU_OWNED;
		lu.owner = getpid();
	}
	return lu_in_world();
}

void lu_init(struct machine *m, const char *cmdline, bool booted)
{
	lu.m = m;
	lu.cmdline = cmdline;
	lu.world = booted ? LU_OWNED : LU_NONE;
	lu.owner = getpid();
}

/* ---- mappings ---- */

static char *lu_window_alloc(size_t len)
{
	char *va;

	if (!lu.window) {
		void *v = mmap(NULL, LU_WINDOW_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);

		if (v == MAP_FAILED)
			return NULL;
		lu.window = v;
	}
	if (!lu.nr_maps)
		lu.window_next = 0;
	/* one guard page after each */
	if (len + LU_PAGE > LU_WINDOW_SIZE - lu.window_next)
		return NULL;
	va = lu.window + lu.window_next;
	lu.window_next += len + LU_PAGE;
	return va;
}

/* The host side of a mapping goes: its range is inaccessible again. */
static void lu_unmap_host(const struct lu_map *map)
{
	if (mmap(map->va, map->len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		lu_die("cannot unmap a memfd mapping");
}

static void lu_map_remove(size_t i)
{
	lu.maps[i] = lu.maps[--lu.nr_maps];
}

/* exit(2) of the current process of the world: its mappings go */
static void lu_unmap_process(int sim_pid)
{
	size_t i = 0;

	while (i < lu.nr_maps) {
		if (lu.maps[i].sim_pid != sim_pid) {
			i++;
			continue;
		}
		lu_unmap_host(&lu.maps[i]);
		sim_sys_munmap(lu.maps[i].handle);
		lu_map_remove(i);
	}
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
		  off_t off)
{
	unsigned long long cookie, *pa;
	size_t nr, i;
	struct lu_map *map;
	long handle;
	char *va;

	if (!lu_in_world() || (flags & MAP_ANONYMOUS) || fd < 0)
		return mmap(addr, len, prot, flags, fd, off);
	if (!sim_sys_foreign_cookie(fd, &cookie))
		return mmap(addr, len, prot, flags, (int)cookie, off);
	if (!len || (flags & MAP_FIXED) || off < 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	nr = (len + LU_PAGE - 1) / LU_PAGE;
	pa = calloc(nr, sizeof(*pa));
	if (!pa) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	handle = sim_sys_mmap(fd, (unsigned long long)off, nr, prot, flags, pa);
	if (handle < 0) {
		free(pa);
		errno = (int)-handle;
		return MAP_FAILED;
	}
	if (lu.nr_maps == lu.cap_maps) {
		size_t cap = 2 * lu.cap_maps + 16;
		struct lu_map *maps = realloc(lu.maps, cap * sizeof(*maps));

		if (maps) {
			lu.maps = maps;
			lu.cap_maps = cap;
		}
	}
	va = lu_window_alloc(nr * LU_PAGE);
	if (!va || lu.nr_maps == lu.cap_maps) {
		sim_sys_munmap(handle);
		free(pa);
		errno = ENOMEM;
		return MAP_FAILED;
	}
	for (i = 0; i < nr; i++) {
		/* past the end of the file: left inaccessible (SIGSEGV, not SIGBUS) */
		if (!pa[i])
			continue;
		if (machine_ram_alias(lu.m, va + i * LU_PAGE, pa[i], LU_PAGE) ||
		    mprotect(va + i * LU_PAGE, LU_PAGE, prot))
			lu_die("cannot map a memfd's RAM");
	}
	lu.pa_log[lu.nr_pa++ % LU_PA_LOG] = pa[0];
	free(pa);
	map = &lu.maps[lu.nr_maps++];
	map->va = va;
	map->len = nr * LU_PAGE;
	map->handle = handle;
	map->sim_pid = sim_sys_getpid();
	return va;
}

int __wrap_munmap(void *addr, size_t len)
{
	size_t i;

	if (!lu_in_world())
		return munmap(addr, len);
	for (i = 0; i < lu.nr_maps; i++) {
		if (lu.maps[i].va != addr)
			continue;
		if ((len + LU_PAGE - 1) / LU_PAGE * LU_PAGE != lu.maps[i].len) {
			errno = EINVAL;
			return -1;
		}
		lu_unmap_host(&lu.maps[i]);
		sim_sys_munmap(lu.maps[i].handle);
		lu_map_remove(i);
		return 0;
	}
	if (lu.window && (char *)addr >= lu.window &&
	    (char *)addr < lu.window + LU_WINDOW_SIZE) {
		errno = EINVAL;
		return -1;
	}
	return munmap(addr, len);
}

unsigned long long lu_mapped_pa(unsigned int n_last)
{
	if (n_last >= LU_PA_LOG || n_last >= lu.nr_pa)
		return 0;
	return lu.pa_log[(lu.nr_pa - 1 - n_last) % LU_PA_LOG];
}

/* ---- files ---- */

/* The host files a test may open: the rest of the paths are the world's. */
static bool lu_host_path(const char *path)
{
	return !strcmp(path, "/dev/null");
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int hfd, fd;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (!lu_need_world())
		return open(path, flags, mode);
	if (!lu_host_path(path))
		return (int)lu_ret(sim_sys_open(path, flags));
	if (lu.nr_owned == LU_MAX_OWNED) {
		errno = EMFILE;
		return -1;
	}
	hfd = open(path, flags | O_CLOEXEC, mode);
	if (hfd < 0)
		return -1;
	fd = sim_sys_open_foreign((unsigned int)hfd, flags);
	if (fd < 0) {
		close(hfd);
		return (int)lu_ret(fd);
	}
	/* kept open until the world ends: another process may share it */
	lu.owned[lu.nr_owned++] = hfd;
	return fd;
}

int __wrap_close(int fd)
{
	if (!lu_in_world())
		return close(fd);
	return (int)lu_ret(sim_sys_close(fd));
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!lu_in_world())
		return ioctl(fd, request, arg);
	return (int)lu_ret(sim_sys_ioctl(fd, (unsigned int)request,
					 (unsigned long)arg));
}

ssize_t __wrap_read(int fd, void *buf, size_t count)
{
	unsigned long long cookie;

	if (!lu_in_world())
		return read(fd, buf, count);
	if (!sim_sys_foreign_cookie(fd, &cookie))
		return read((int)cookie, buf, count);
	return lu_ret(sim_sys_read(fd, buf, count));
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
	unsigned long long cookie;

	if (!lu_in_world())
		return write(fd, buf, count);
	if (!sim_sys_foreign_cookie(fd, &cookie))
		return write((int)cookie, buf, count);
	return lu_ret(sim_sys_write(fd, buf, count));
}

off_t __wrap_lseek(int fd, off_t offset, int whence)
{
	unsigned long long cookie;

	if (!lu_in_world())
		return lseek(fd, offset, whence);
	if (!sim_sys_foreign_cookie(fd, &cookie))
		return lseek((int)cookie, offset, whence);
	return (off_t)lu_ret((long)sim_sys_lseek(fd, offset, whence));
}

int __wrap_ftruncate(int fd, off_t length)
{
	if (!lu_in_world())
		return ftruncate(fd, length);
	return (int)lu_ret(sim_sys_ftruncate(fd, length));
}

int __wrap_memfd_create(const char *name, unsigned int flags)
{
	if (!lu_need_world())
		return memfd_create(name, flags);
	return (int)lu_ret(sim_sys_memfd_create(name, flags));
}

int __wrap_getrlimit(int resource, struct rlimit *rlim)
{
	unsigned long cur, max;
	int ret;

	if (!lu_in_world() || resource != RLIMIT_NOFILE)
		return getrlimit(resource, rlim);
	ret = sim_sys_getrlimit_nofile(&cur, &max);
	if (ret)
		return (int)lu_ret(ret);
	rlim->rlim_cur = cur;
	rlim->rlim_max = max;
	return 0;
}

int __wrap_setrlimit(int resource, const struct rlimit *rlim)
{
	if (!lu_in_world() || resource != RLIMIT_NOFILE)
		return setrlimit(resource, rlim);
	return (int)lu_ret(sim_sys_setrlimit_nofile(rlim->rlim_cur,
						    rlim->rlim_max));
}

/* ---- processes ---- */

pid_t __wrap_fork(void)
{
	int p[2], child_sim, self_sim;
	pid_t pid;

	if (!lu_in_world())
		return fork();
	if (pipe(p))
		return -1;
	self_sim = sim_sys_getpid();
	child_sim = sim_sys_fork();
	if (child_sim < 0) {
		close(p[0]);
		close(p[1]);
		return (pid_t)lu_ret(child_sim);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		/* the world's child never ran: it exits at once */
		sim_sys_switch(child_sim);
		sim_sys_exit();
		sim_sys_switch(self_sim);
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (!pid) {
		close(p[1]);
		lu.pipe_fd = p[0];
		lu.parent_sim = self_sim;
		lu.owner = getpid();
		if (lu.driver == getppid())
			lu.driver = getpid();
		sim_sys_switch(child_sim);
		return 0;
	}
	close(p[0]);
	lu.pipe_fd = p[1];
	lu.child = pid;
	lu.world = LU_GONE;
	/* the pid as the world knows it */
	return child_sim;
}

pid_t __wrap_setsid(void)
{
	if (!lu_in_world())
		return setsid();
	return sim_sys_getpid();
}

int __wrap_chdir(const char *path)
{
	if (!lu_in_world())
		return chdir(path);
	return 0;
}

/* The exit of this process, in the world or told to the one that has it. */
static void lu_exit_process(int status)
{
	fflush(NULL);
	if (lu.world == LU_GONE && lu.pipe_fd >= 0) {
		if (write(lu.pipe_fd, &status, sizeof(status)) != sizeof(status))
			lu_die("cannot tell the child of the exit");
		close(lu.pipe_fd);
		lu.pipe_fd = -1;
	} else if (lu.world == LU_OWNED && lu.owner == getpid() &&
		   sim_sys_getpid()) {
		lu_unmap_process(sim_sys_getpid());
		sim_sys_exit();
	}
}

void __wrap_exit(int status)
{
	if (!lu.jb || lu.driver != getpid())
		exit(status);
	lu_exit_process(status);
	lu.res->end = LU_EXITED;
	lu.res->status = status;
	longjmp(*lu.jb, 1);
}

unsigned int __wrap_sleep(unsigned int seconds)
{
	if (!lu.jb || lu.driver != getpid() || !lu_in_world())
		return sleep(seconds);
	fflush(NULL);
	lu.res->end = LU_SLEEPING;
	lu.res->status = 0;
	longjmp(*lu.jb, 1);
}

void lu_run(int (*main_fn)(int, char **), int argc, char **argv,
	    struct lu_result *r)
{
	jmp_buf jb;

	lu.jb = &jb;
	lu.res = r;
	lu.driver = getpid();
	if (!setjmp(jb)) {
		int status = main_fn(argc, argv);

		/* returning from main() is exit() */
		lu_exit_process(status);
		r->end = LU_RETURNED;
		r->status = status;
	}
	lu.jb = NULL;
	lu.res = NULL;
}

bool lu_world_gone(void)
{
	return lu.world == LU_GONE;
}

void lu_follow_world(void)
{
	int st;

	fflush(NULL);
	while (waitpid(lu.child, &st, 0) < 0) {
		if (errno != EINTR)
			_exit(1);
	}
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int lu_reap_parent(void)
{
	int status, self = sim_sys_getpid();
	ssize_t n;

	if (lu.pipe_fd < 0 || !lu.parent_sim)
		return -1;
	do {
		n = read(lu.pipe_fd, &status, sizeof(status));
	} while (n < 0 && errno == EINTR);
	close(lu.pipe_fd);
	lu.pipe_fd = -1;
	if (n != sizeof(status))
		status = -1;
	/* its exit in the world: its fds closed, its mappings gone */
	if (sim_sys_switch(lu.parent_sim))
		lu_die("the parent's process is not in the world");
	lu_unmap_process(lu.parent_sim);
	sim_sys_exit();
	sim_sys_switch(self);
	lu.parent_sim = 0;
	return status;
}

void lu_world_end(void)
{
	int i;

	while (lu.nr_maps) {
		lu_unmap_host(&lu.maps[0]);
		lu_map_remove(0);
	}
	for (i = 0; i < lu.nr_owned; i++)
		close(lu.owned[i]);
	lu.nr_owned = 0;
	lu.parent_sim = 0;
}
