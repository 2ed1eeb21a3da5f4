// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated user space's live update agent: what a VMM's agent does
 * with /dev/liveupdate (include/uapi/linux/liveupdate.h), through real
 * system calls (shim/syscall.c), for the sim_* entry points of the
 * simulated drivers and the LUO self-test.
 *
 * It opens /dev/liveupdate once (LUO allows one opener) and keeps it, and
 * keeps one fd per session it created or retrieved, by name, until it
 * closes it (closing an outgoing session unpreserves its files; an
 * incoming one is closed after SESSION_FINISH). Its fds stay open through
 * liveupdate_reboot(), as upstream's selftests keep theirs in a daemon.
 *
 * Not kernel code: user space, kept in the kernel world's memory so that
 * a kexec ends it as it ends the process it stands for.
 */
#include <linux/fcntl.h>
#include <linux/liveupdate.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

struct luo_agent_session {
	struct list_head list;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	bool incoming;
	int fd;
};

static LIST_HEAD(luo_agent_sessions);
static int luo_agent_dev = -1;

/*
 * A VMM that preserves thousands of devices holds an fd for each, and
 * raises RLIMIT_NOFILE to do so, as upstream's selftests raise it for
 * 2,000 sessions: up to nr_open.
 */
void luo_agent_raise_nofile(void)
{
	static bool raised;

	if (!raised && !sim_sys_setrlimit_nofile(1UL << 20, 1UL << 20))
		raised = true;
}

static int luo_agent_open(void)
{
	int fd;

	if (luo_agent_dev >= 0)
		return luo_agent_dev;
	luo_agent_raise_nofile();
	fd = sim_sys_open("/dev/liveupdate", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		luo_agent_dev = fd;
	return fd;
}

static struct luo_agent_session *luo_agent_find(const char *name,
						bool incoming)
{
	struct luo_agent_session *as;

	list_for_each_entry(as, &luo_agent_sessions, list) {
		if (as->incoming == incoming && !strcmp(as->name, name))
			return as;
	}
	return NULL;
}

int luo_agent_session(const char *name, bool incoming)
{
	struct liveupdate_ioctl_create_session arg = { .size = sizeof(arg) };
	struct luo_agent_session *as;
	int dev, ret;

	if (!name || strlen(name) >= LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;
	as = luo_agent_find(name, incoming);
	if (as)
		return as->fd;
	dev = luo_agent_open();
	if (dev < 0)
		return dev;
	as = kzalloc_obj(*as, GFP_KERNEL);
	if (!as)
		return -ENOMEM;
	strscpy(as->name, name, sizeof(as->name));
	/* CREATE_SESSION and RETRIEVE_SESSION take the same structure */
	static_assert(sizeof(struct liveupdate_ioctl_create_session) ==
		      sizeof(struct liveupdate_ioctl_retrieve_session));
	memcpy(arg.name, name, strlen(name) + 1);
	ret = sim_sys_ioctl(dev, incoming ? LIVEUPDATE_IOCTL_RETRIEVE_SESSION :
			    LIVEUPDATE_IOCTL_CREATE_SESSION,
			    (unsigned long)&arg);
	if (ret) {
		kfree(as);
		return ret;
	}
	as->incoming = incoming;
	as->fd = arg.fd;
	list_add_tail(&as->list, &luo_agent_sessions);
	return as->fd;
}

int luo_agent_close(const char *name, bool incoming)
{
	struct luo_agent_session *as;
	int ret;

	if (!name)
		return -EINVAL;
	as = luo_agent_find(name, incoming);
	if (!as)
		return -ENOENT;
	ret = sim_sys_close(as->fd);
	list_del(&as->list);
	kfree(as);
	return ret;
}

int luo_agent_preserve(int session_fd, int fd, u64 token)
{
	struct liveupdate_session_preserve_fd arg = {
		.size = sizeof(arg), .fd = fd, .token = token,
	};

	return sim_sys_ioctl(session_fd, LIVEUPDATE_SESSION_PRESERVE_FD,
			     (unsigned long)&arg);
}

int luo_agent_retrieve(int session_fd, u64 token)
{
	struct liveupdate_session_retrieve_fd arg = {
		.size = sizeof(arg), .token = token,
	};
	int ret;

	ret = sim_sys_ioctl(session_fd, LIVEUPDATE_SESSION_RETRIEVE_FD,
			    (unsigned long)&arg);
	return ret ? ret : arg.fd;
}

int luo_agent_finish(int session_fd)
{
	struct liveupdate_session_finish arg = { .size = sizeof(arg) };

	return sim_sys_ioctl(session_fd, LIVEUPDATE_SESSION_FINISH,
			     (unsigned long)&arg);
}
