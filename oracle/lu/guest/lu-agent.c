// SPDX-License-Identifier: GPL-2.0
/*
 * lu-agent: the live update agent of make oracle-lu's guest. It does, on
 * a real kernel, what pcisim's simulated user space does through
 * lu/sim-drivers/pcisim_user.c and shim/luo_agent.c: device fds from
 * /dev/pcisim, sessions on /dev/liveupdate, kexec_file_load() and the
 * reboot into the new kernel.
 *
 * Steps run in the order given, in one process, because a session lives
 * as long as its fd: the kexec must come from the process that holds it.
 *
 *   preserve SESSION BDF...  CREATE_SESSION, then for each device its fd
 *                            (PCISIM_IOCTL_DEVICE_FD) and PRESERVE_FD
 *                            with token domain << 16 | BDF, as pcisim
 *   retrieve SESSION BDF...  RETRIEVE_SESSION, RETRIEVE_FD of each
 *   finish SESSION           SESSION_FINISH, then close the session
 *   sh COMMAND               run COMMAND with /bin/sh (reports between)
 *   kexec KERNEL INITRD CMDLINE
 *                            kexec_file_load(), reboot(LINUX_REBOOT_CMD_KEXEC)
 *
 * Every step prints "@@AGENT step ... ok" or "@@AGENT step ... error: ..."
 * on stdout; the first error ends the agent with status 1 (a kexec that
 * returns is an error).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/liveupdate.h>
#include <linux/reboot.h>

/*
 * /dev/pcisim's ioctl, as lu/sim-drivers/pcisim_core.h defines it (that
 * header is kernel-internal: the simulated drivers have no uAPI header).
 */
struct pcisim_device_fd {
	uint32_t size;
	int32_t fd;
	uint64_t id;
};
#define PCISIM_IOCTL_DEVICE_FD	_IO('p', 0x00)

#define MAX_SESSIONS	8

static struct {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	int fd;
} sessions[MAX_SESSIONS];
static int nr_sessions;
static int liveupdate_fd = -1;
static int pcisim_fd = -1;

static int fail(const char *step, const char *what, int err)
{
	printf("@@AGENT %s error: %s: %s\n", step, what, strerror(err));
	fflush(stdout);
	exit(1);
}

static int dev_open(const char *path, int *fd)
{
	if (*fd < 0)
		*fd = open(path, O_RDWR | O_CLOEXEC);
	return *fd;
}

/* "DDDD:BB:DD.F" as pcisim's token: domain << 16 | bus << 8 | devfn */
static uint64_t parse_bdf(const char *s)
{
	unsigned int dom, bus, dev, fn;
	char end;

	if (sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &end) != 4 ||
	    dom > 0xffff || bus > 0xff || dev > 0x1f || fn > 7) {
		printf("@@AGENT error: '%s' is not a BDF (DDDD:BB:DD.F)\n", s);
		exit(2);
	}
	return (uint64_t)dom << 16 | bus << 8 | dev << 3 | fn;
}

static int *session_slot(const char *name)
{
	for (int i = 0; i < nr_sessions; i++)
		if (!strcmp(sessions[i].name, name))
			return &sessions[i].fd;
	if (nr_sessions == MAX_SESSIONS || strlen(name) >= LIVEUPDATE_SESSION_NAME_LENGTH) {
		printf("@@AGENT error: session '%s': too many or too long\n", name);
		exit(2);
	}
	snprintf(sessions[nr_sessions].name, sizeof(sessions[0].name), "%s", name);
	sessions[nr_sessions].fd = -1;
	return &sessions[nr_sessions++].fd;
}

static int session(const char *step, const char *name, int retrieve)
{
	int *sfd = session_slot(name);
	unsigned long cmd = retrieve ? LIVEUPDATE_IOCTL_RETRIEVE_SESSION :
				       LIVEUPDATE_IOCTL_CREATE_SESSION;
	struct liveupdate_ioctl_create_session req = { .size = sizeof(req) };

	/* create and retrieve take the same layout */
	_Static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
		       sizeof(struct liveupdate_ioctl_retrieve_session),
		       "session ioctls differ");
	if (*sfd >= 0)
		return *sfd;
	if (dev_open("/dev/liveupdate", &liveupdate_fd) < 0)
		fail(step, "/dev/liveupdate", errno);
	snprintf((char *)req.name, sizeof(req.name), "%s", name);
	if (ioctl(liveupdate_fd, cmd, &req))
		fail(step, name, errno);
	*sfd = req.fd;
	return *sfd;
}

static int step_preserve(int argc, char **argv)
{
	int sfd = session("preserve", argv[0], 0), n;

	for (n = 1; n < argc; n++) {
		struct pcisim_device_fd dreq = { .size = sizeof(dreq) };
		struct liveupdate_session_preserve_fd preq = { .size = sizeof(preq) };

		dreq.id = parse_bdf(argv[n]);
		if (dev_open("/dev/pcisim", &pcisim_fd) < 0)
			fail("preserve", "/dev/pcisim", errno);
		if (ioctl(pcisim_fd, PCISIM_IOCTL_DEVICE_FD, &dreq))
			fail("preserve", argv[n], errno);
		preq.fd = dreq.fd;
		preq.token = dreq.id;
		if (ioctl(sfd, LIVEUPDATE_SESSION_PRESERVE_FD, &preq))
			fail("preserve", argv[n], errno);
		printf("@@AGENT preserve %s %s fd %d ok\n", argv[0], argv[n], dreq.fd);
	}
	return n;
}

static int step_retrieve(int argc, char **argv)
{
	int sfd = session("retrieve", argv[0], 1), n;

	for (n = 1; n < argc; n++) {
		struct liveupdate_session_retrieve_fd req = { .size = sizeof(req) };

		req.token = parse_bdf(argv[n]);
		if (ioctl(sfd, LIVEUPDATE_SESSION_RETRIEVE_FD, &req))
			fail("retrieve", argv[n], errno);
		printf("@@AGENT retrieve %s %s fd %d ok\n", argv[0], argv[n], req.fd);
	}
	return n;
}

static void step_finish(const char *name)
{
	int *sfd = session_slot(name);
	struct liveupdate_session_finish req = { .size = sizeof(req) };

	if (*sfd < 0)
		session("finish", name, 1);
	if (ioctl(*sfd, LIVEUPDATE_SESSION_FINISH, &req))
		fail("finish", name, errno);
	close(*sfd);
	*sfd = -1;
	printf("@@AGENT finish %s ok\n", name);
}

static void step_kexec(const char *kernel, const char *initrd, const char *cmdline)
{
	int kfd = open(kernel, O_RDONLY | O_CLOEXEC);
	int ifd = open(initrd, O_RDONLY | O_CLOEXEC);

	if (kfd < 0)
		fail("kexec", kernel, errno);
	if (ifd < 0)
		fail("kexec", initrd, errno);
	if (syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmdline) + 1, cmdline, 0UL))
		fail("kexec", "kexec_file_load", errno);
	printf("@@AGENT kexec loaded ok\n");
	fflush(stdout);
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	fail("kexec", "reboot(LINUX_REBOOT_CMD_KEXEC)", errno);
}

/* how many of argv[0..argc) belong to this step: up to the next step's name */
static int step_args(int argc, char **argv)
{
	static const char *const steps[] = { "preserve", "retrieve", "finish", "sh", "kexec" };
	int n;

	for (n = 0; n < argc; n++)
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
			if (!strcmp(argv[n], steps[i]))
				return n;
	return n;
}

int main(int argc, char **argv)
{
	int i = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while (i < argc) {
		const char *step = argv[i++];
		int n = step_args(argc - i, argv + i);

		if (!strcmp(step, "preserve") && n >= 1) {
			step_preserve(n, argv + i);
		} else if (!strcmp(step, "retrieve") && n >= 1) {
			step_retrieve(n, argv + i);
		} else if (!strcmp(step, "finish") && n == 1) {
			step_finish(argv[i]);
		} else if (!strcmp(step, "sh") && n == 1) {
			fflush(stdout);
			if (system(argv[i]))
				fail("sh", argv[i], EIO);
		} else if (!strcmp(step, "kexec") && n == 3) {
			step_kexec(argv[i], argv[i + 1], argv[i + 2]);
		} else {
			printf("@@AGENT error: bad step '%s' with %d argument(s)\n", step, n);
			return 2;
		}
		i += n;
	}
	return 0;
}
