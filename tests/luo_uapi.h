/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated user space that runs upstream's LUO selftests
 * (tools/testing/selftests/liveupdate/ of the tree) unmodified, in this
 * process: their system calls are linked (ld --wrap) to tests/luo_uapi.c,
 * which routes them to the kernel world's (sim_sys_*()) or the host's.
 */
#ifndef PCISIM_LUO_UAPI_H
#define PCISIM_LUO_UAPI_H

#include <stdbool.h>
#include <stddef.h>

struct machine;

/* How an upstream main() run with lu_run() came back. */
enum lu_end {
	LU_RETURNED,	/* main() returned status (then exit(status) ran) */
	LU_EXITED,	/* exit(status) */
	LU_SLEEPING,	/* sleep() with the world: a daemon waits for kexec */
};

struct lu_result {
	enum lu_end end;
	int status;
};

/*
 * The machine the tests run on, and the command line of a kernel world
 * this process boots on first use (open(2) or memfd_create(2) with no
 * world here yet: each test process of the kselftest harness boots its
 * own). With booted, the world already runs in this process (simtest).
 */
void lu_init(struct machine *m, const char *cmdline, bool booted);

/*
 * Run an upstream main(argc, argv) as a process of the world, in this
 * host process, until it returns, exits or sleeps (LU_SLEEPING: a daemon
 * holding its fds; it is abandoned, as the kexec that follows ends it).
 * Its fds 0-2 are the host's stdin, stdout and stderr as foreign files.
 */
void lu_run(int (*main_fn)(int, char **), int argc, char **argv,
	    struct lu_result *r);

/*
 * After a fork(2) by the code lu_run() runs, the world (and the rest of
 * the run) belongs to the child: the parent, once it exited, is told so
 * by lu_world_gone() and must call lu_follow_world(), which waits for the
 * child and exits with its status. The child (a daemon, LU_SLEEPING)
 * calls lu_reap_parent(): it waits for the parent's exit, ends the
 * parent's process in the world as its exit would have, and returns the
 * parent's exit status (-1 if it died without one).
 */
bool lu_world_gone(void);
__attribute__((noreturn)) void lu_follow_world(void);
int lu_reap_parent(void);

/*
 * Before a kexec: the host side of the processes goes (their mappings of
 * memfds, the host files behind their foreign fds); the kexec ends them
 * in the world.
 */
void lu_world_end(void);

/* The physical address of the first page of the n-th last mmap(2) (0: none). */
unsigned long long lu_mapped_pa(unsigned int n_last);

#endif /* PCISIM_LUO_UAPI_H */
