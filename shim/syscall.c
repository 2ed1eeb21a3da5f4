// SPDX-License-Identifier: GPL-2.0
/*
 * System calls of the simulated user space (fs/open.c, fs/ioctl.c,
 * kernel/sys.c, kernel/exit.c, the x86 entry code's return to user mode).
 *
 * The host is the user space: its sim_sys_*() calls are a process's
 * system calls, and its pointers are user pointers (shim/uaccess.c). The
 * process is a task of its own, made on the first call as fork() makes
 * a child of the kernel thread: a copy of init_files (dup_fd(), the real
 * fs/file.c) and of the kernel thread's resource limits. While a call
 * runs, current is that task, so get_unused_fd_flags(), fd_install(),
 * fget() and fdget() (CLASS(fd)) work on its fd table, and the last
 * fput() of one of its files queues the release as task work. As the call
 * returns to user space the task work runs (resume_user_mode_work()),
 * then the kernel's deferred work, as at the end of every sim_* entry.
 *
 * fork() makes a second process (a daemon holding its parent's fds, as
 * upstream's LUO selftests fork one): a copy of the fd table (dup_fd())
 * and limits. The host picks which process makes the calls
 * (sim_sys_switch()); each exits on its own.
 *
 * Departs from the kernel: processes of one thread, run one at a time,
 * with no address space of their own (they all use the host's: see
 * sim_sys_mmap()). Entering and leaving a call is a store to current_task,
 * not a context switch; no credentials, signals, exec or close-on-exec
 * run. open() resolves "/dev/NAME" only (shim/devtmpfs.c); a host file
 * the simulation does not model enters as an opaque "foreign" file,
 * which no ioctl and no LUO handler knows. The only regular files are
 * memfds (shim/memfd.c).
 *
 * read, write and lseek are ksys_read()/vfs_read() and the like, written
 * again, not fs/read_write.c compiled: tried, it links (with splice and
 * iov_iter stubs), but its vfs_write() takes a regular file's superblock
 * freeze protection (file_start_write(), a percpu rwsem), and the memfds'
 * inodes have no superblock; the kernel world stops on the first write.
 * Compiling it needs a superblock for them first.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/anon_inodes.h>
#include <linux/fcntl.h>
#include <linux/ioctl.h>
#include <asm/ioctls.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/percpu.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <asm/current.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

/* The process making the calls; NULL until its first system call. */
static struct task_struct *sim_uproc;
/* Every simulated process, by tasks; the pids they were given. */
static LIST_HEAD(sim_uprocs);
static pid_t sim_last_pid;

/* fork() of parent (the kernel thread, or a process): fd table and limits */
static struct task_struct *sim_uproc_create(struct task_struct *parent)
{
	struct task_struct *t = kzalloc_obj(*t, GFP_KERNEL);
	struct signal_struct *sig = kzalloc_obj(*sig, GFP_KERNEL);
	struct files_struct *files;
	int err = -ENOMEM;

	if (!t || !sig)
		goto fail;
	files = dup_fd(parent->files, NULL);
	if (IS_ERR(files)) {
		err = PTR_ERR(files);
		goto fail;
	}
	refcount_set(&t->usage, 1);
	raw_spin_lock_init(&t->pi_lock);
	spin_lock_init(&t->alloc_lock);
	t->group_leader = t;
	strscpy(t->comm, "sim-user");
	refcount_set(&sig->sigcnt, 1);
	memcpy(sig->rlim, parent->signal->rlim, sizeof(sig->rlim));
	t->signal = sig;
	t->files = files;
	t->pid = ++sim_last_pid;
	t->tgid = t->pid;
	list_add_tail(&t->tasks, &sim_uprocs);
	return t;

fail:
	kfree(sig);
	kfree(t);
	return ERR_PTR(err);
}

static void sim_uproc_free(struct task_struct *t)
{
	list_del(&t->tasks);
	kfree(t->signal);
	kfree(t);
}

/*
 * Enter a system call of the process: it becomes current. Returns the
 * kernel thread to go back to. current is not read again here after
 * the switch (a const read the compiler may keep), nor in the callers.
 */
static noinline struct task_struct *sim_syscall_enter(void)
{
	struct task_struct *prev = current;

	/* a call made from inside one (the host called back into itself) */
	if (WARN_ON_ONCE(!(prev->flags & PF_KTHREAD)))
		return ERR_PTR(-EBUSY);
	if (!sim_uproc) {
		struct task_struct *t = sim_uproc_create(prev);

		if (IS_ERR(t))
			return t;
		sim_uproc = t;
	}
	this_cpu_write(current_task, sim_uproc);
	return prev;
}

/*
 * Return to user space: run the task work queued meanwhile (the last
 * fput()s of the call), then the kernel thread runs its deferred work.
 */
static noinline long sim_syscall_exit(struct task_struct *t,
				      struct task_struct *prev, long ret)
{
	do {
		clear_tsk_thread_flag(t, TIF_NOTIFY_RESUME);
		if (task_work_pending(t))
			task_work_run();
	} while (test_tsk_thread_flag(t, TIF_NOTIFY_RESUME));
	this_cpu_write(current_task, prev);
	sim_run_deferred();
	return ret;
}

/* Run fn(args) as a system call of the process. */
#define SIM_SYSCALL(fn, ...)						\
	({								\
		struct task_struct *__prev = sim_syscall_enter();	\
		long __ret;						\
									\
		if (IS_ERR(__prev))					\
			__ret = PTR_ERR(__prev);			\
		else							\
			__ret = sim_syscall_exit(sim_uproc, __prev,	\
						 fn(__VA_ARGS__));	\
		__ret;							\
	})

/* getname(): the path copied in, or an ERR_PTR() */
static char *sim_getname(const char __user *upath)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!name)
		return ERR_PTR(-ENOMEM);
	len = strncpy_from_user(name, upath, PATH_MAX);
	if (len <= 0 || len == PATH_MAX) {
		kfree(name);
		if (len < 0)
			return ERR_PTR(len);
		return ERR_PTR(len ? -ENAMETOOLONG : -ENOENT);
	}
	return name;
}

static noinline int sim_do_open(const char __user *upath, int flags)
{
	char *name;
	int ret;

	/* open(2): force_o_largefile(), then build_open_how() */
	flags = (flags | O_LARGEFILE) & VALID_OPEN_FLAGS;
	name = sim_getname(upath);
	if (IS_ERR(name))
		return PTR_ERR(name);
	/* O_CLOEXEC is the fd's, not the file's (build_open_flags()) */
	ret = FD_ADD(flags, sim_devtmpfs_open(name, flags & ~O_CLOEXEC));
	kfree(name);
	return ret;
}

int sim_sys_open(const char *path, int flags)
{
	return SIM_SYSCALL(sim_do_open, (const char __user *)path, flags);
}

/* vfs_ioctl() */
static long sim_vfs_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	long error;

	if (!filp->f_op->unlocked_ioctl)
		return -ENOTTY;
	error = filp->f_op->unlocked_ioctl(filp, cmd, arg);
	if (error == -ENOIOCTLCMD)
		error = -ENOTTY;
	return error;
}

static noinline long sim_do_ioctl(unsigned int fd, unsigned int cmd,
				  unsigned long arg)
{
	CLASS(fd, f)(fd);

	if (fd_empty(f))
		return -EBADF;
	/* do_vfs_ioctl(): the commands every file has that are modelled */
	switch (cmd) {
	case FIOCLEX:
		set_close_on_exec(fd, 1);
		return 0;
	case FIONCLEX:
		set_close_on_exec(fd, 0);
		return 0;
	}
	return sim_vfs_ioctl(fd_file(f), cmd, arg);
}

long sim_sys_ioctl(int fd, unsigned int cmd, unsigned long arg)
{
	return SIM_SYSCALL(sim_do_ioctl, fd, cmd, arg);
}

int sim_sys_close(int fd)
{
	return SIM_SYSCALL(sim_close, fd);
}

/* setrlimit(RLIMIT_NOFILE): do_prlimit() for a process allowed to raise */
static noinline int sim_do_setrlimit_nofile(unsigned long cur,
					    unsigned long max)
{
	struct rlimit *rlim = &current->signal->rlim[RLIMIT_NOFILE];

	if (cur > max)
		return -EINVAL;
	if (max > sysctl_nr_open)
		return -EPERM;
	rlim->rlim_cur = cur;
	rlim->rlim_max = max;
	return 0;
}

int sim_sys_setrlimit_nofile(unsigned long cur, unsigned long max)
{
	return SIM_SYSCALL(sim_do_setrlimit_nofile, cur, max);
}

static noinline int sim_do_getrlimit_nofile(unsigned long __user *cur,
					    unsigned long __user *max)
{
	struct rlimit *rlim = &current->signal->rlim[RLIMIT_NOFILE];

	if (put_user(rlim->rlim_cur, cur) || put_user(rlim->rlim_max, max))
		return -EFAULT;
	return 0;
}

int sim_sys_getrlimit_nofile(unsigned long *cur, unsigned long *max)
{
	return SIM_SYSCALL(sim_do_getrlimit_nofile,
			   (unsigned long __user *)cur,
			   (unsigned long __user *)max);
}

/*
 * A file of the host's that the simulation does not model (/dev/null, a
 * pipe): an anonymous-inode file carrying the host's cookie, with no
 * operations at all.
 */
static const struct file_operations sim_foreign_fops = {
	.llseek = noop_llseek,
};

static noinline int sim_do_open_foreign(unsigned long long cookie,
					int flags)
{
	return FD_ADD(flags, anon_inode_getfile("[foreign]", &sim_foreign_fops,
						(void *)(unsigned long)cookie,
						flags));
}

int sim_sys_open_foreign(unsigned long long cookie, int flags)
{
	return SIM_SYSCALL(sim_do_open_foreign, cookie, flags);
}

static noinline int sim_do_foreign_cookie(unsigned int fd,
					  unsigned long long __user *cookie)
{
	CLASS(fd, f)(fd);
	unsigned long long c;

	if (fd_empty(f))
		return -EBADF;
	if (fd_file(f)->f_op != &sim_foreign_fops)
		return -EINVAL;
	c = (unsigned long)fd_file(f)->private_data;
	return put_user(c, cookie);
}

int sim_sys_foreign_cookie(int fd, unsigned long long *cookie)
{
	return SIM_SYSCALL(sim_do_foreign_cookie, fd,
			   (unsigned long long __user *)cookie);
}

/* do_exit(): the fd table goes (every fd closed), the task work runs */
static noinline int sim_do_exit(void)
{
	exit_files(current);
	return 0;
}

int sim_sys_exit(void)
{
	struct task_struct *t = sim_uproc;
	int ret;

	if (!t)
		return 0;
	ret = SIM_SYSCALL(sim_do_exit);
	if (!ret) {
		sim_uproc = NULL;
		sim_uproc_free(t);
	}
	return ret;
}

/* fork(2): the child gets a copy of the fd table and the limits */
static noinline int sim_do_fork(void)
{
	struct task_struct *t = sim_uproc_create(current);

	return IS_ERR(t) ? PTR_ERR(t) : t->pid;
}

int sim_sys_fork(void)
{
	return SIM_SYSCALL(sim_do_fork);
}

int sim_sys_getpid(void)
{
	return sim_uproc ? sim_uproc->pid : 0;
}

int sim_sys_switch(int pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &sim_uprocs, tasks) {
		if (t->pid == pid) {
			sim_uproc = t;
			return 0;
		}
	}
	return -ESRCH;
}

/* ksys_read() and vfs_read(), for files with ->read() */
static noinline long sim_do_read(unsigned int fd, char __user *buf,
				 size_t count)
{
	CLASS(fd_pos, f)(fd);
	struct file *file;
	loff_t pos;
	long ret;

	if (fd_empty(f))
		return -EBADF;
	file = fd_file(f);
	if (!(file->f_mode & FMODE_READ))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_READ) || !file->f_op->read)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	count = min_t(size_t, count, MAX_RW_COUNT);
	pos = file->f_pos;
	ret = file->f_op->read(file, buf, count, &pos);
	if (ret >= 0)
		file->f_pos = pos;
	return ret;
}

long sim_sys_read(int fd, void *buf, unsigned long count)
{
	return SIM_SYSCALL(sim_do_read, fd, (char __user *)buf, count);
}

/* ksys_write() and vfs_write(), for files with ->write() */
static noinline long sim_do_write(unsigned int fd, const char __user *buf,
				  size_t count)
{
	CLASS(fd_pos, f)(fd);
	struct file *file;
	loff_t pos;
	long ret;

	if (fd_empty(f))
		return -EBADF;
	file = fd_file(f);
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!(file->f_mode & FMODE_CAN_WRITE) || !file->f_op->write)
		return -EINVAL;
	if (!access_ok(buf, count))
		return -EFAULT;
	count = min_t(size_t, count, MAX_RW_COUNT);
	pos = file->f_pos;
	ret = file->f_op->write(file, buf, count, &pos);
	if (ret >= 0)
		file->f_pos = pos;
	return ret;
}

long sim_sys_write(int fd, const void *buf, unsigned long count)
{
	return SIM_SYSCALL(sim_do_write, fd, (const char __user *)buf, count);
}

/* ksys_lseek() and vfs_llseek() */
static noinline long long sim_do_lseek(unsigned int fd, loff_t offset,
				       unsigned int whence)
{
	CLASS(fd_pos, f)(fd);

	if (fd_empty(f))
		return -EBADF;
	if (whence > SEEK_MAX)
		return -EINVAL;
	if (!(fd_file(f)->f_mode & FMODE_LSEEK))
		return -ESPIPE;
	return fd_file(f)->f_op->llseek(fd_file(f), offset, whence);
}

long long sim_sys_lseek(int fd, long long offset, int whence)
{
	return SIM_SYSCALL(sim_do_lseek, fd, offset, whence);
}

/* do_sys_ftruncate() and do_ftruncate(): the regular files are memfds */
static noinline int sim_do_ftruncate(unsigned int fd, loff_t length)
{
	CLASS(fd, f)(fd);
	struct file *file;

	if (length < 0)
		return -EINVAL;
	if (fd_empty(f))
		return -EBADF;
	file = fd_file(f);
	if (!S_ISREG(file_inode(file)->i_mode) ||
	    !(file->f_mode & FMODE_WRITE))
		return -EINVAL;
	return sim_memfd_setsize(file, length);
}

int sim_sys_ftruncate(int fd, long long length)
{
	return SIM_SYSCALL(sim_do_ftruncate, fd, length);
}

int sim_sys_memfd_create(const char *name, unsigned int flags)
{
	return SIM_SYSCALL(sim_memfd_create, (const char __user *)name, flags);
}

/*
 * mmap(2) of a file, as far as the host can take it: the host is the
 * address space, so the kernel gives the physical address of each page
 * (faulting it in, as a shared mapping's fault would) and the host maps
 * that RAM; the mapping holds a reference to the file until
 * sim_sys_munmap(). Only MAP_SHARED mappings of memfds are modelled.
 */
static noinline long sim_do_mmap(unsigned int fd, u64 offset,
				 unsigned long nr_pages, int prot, int flags,
				 u64 __user *pa)
{
	CLASS(fd, f)(fd);
	struct file *file;

	if (fd_empty(f))
		return -EBADF;
	file = fd_file(f);
	if (!nr_pages || offset_in_page(offset) ||
	    (flags & MAP_TYPE) != MAP_SHARED)
		return -EINVAL;
	if (!(file->f_mode & FMODE_READ) ||
	    ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE)))
		return -EACCES;
	return sim_memfd_mmap(file, offset >> PAGE_SHIFT, nr_pages, prot, pa);
}

long sim_sys_mmap(int fd, unsigned long long offset, unsigned long nr_pages,
		  int prot, int flags, unsigned long long *pa)
{
	return SIM_SYSCALL(sim_do_mmap, fd, offset, nr_pages, prot, flags,
			   (u64 __user *)pa);
}

int sim_sys_munmap(long handle)
{
	return SIM_SYSCALL(sim_memfd_munmap, handle);
}
