// SPDX-License-Identifier: GPL-2.0
/*
 * Open files (fs/file_table.c, fs/open.c, fs/read_write.c), and the
 * caches start_kernel() sets up for them (kernel/fork.c
 * proc_caches_init(), fs/dcache.c vfs_caches_init()).
 *
 * A struct file is the kernel's, counted by its 7.3 file_ref_t:
 * get_file() and file_ref_*() are the headers' inlines, fget() and the fd
 * table the real fs/file.c. The last fput() calls ->release() and frees
 * the file. As upstream, when a user task drops the last reference the
 * release is task work (the real kernel/task_work.c), run as the task
 * returns to user space: shim/syscall.c runs it as each simulated system
 * call returns, so ->release() never runs inside the fput() of an ioctl;
 * close() releases at once (fput_close_sync()).
 *
 * Departs from the kernel: no dentries, mounts, credentials, security
 * hooks, file locks or fsnotify; a file has an inode and no path. The
 * last fput() of a kernel thread (the one that runs everything outside
 * simulated system calls) releases the file at once, where upstream
 * hands it to delayed_fput()'s worker.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/file_ref.h>
#include <linux/cdev.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <linux/task_work.h>
#include <linux/preempt.h>
#include <linux/err.h>
#include <sim/kernel.h>

/* kernel/fork.c: the fd tables of fork() (dup_fd()) */
struct kmem_cache *files_cachep;

void __init sim_vfs_init(void)
{
	/* proc_caches_init() */
	files_cachep = kmem_cache_create("files_cache",
					 sizeof(struct files_struct), 0,
					 SLAB_HWCACHE_ALIGN | SLAB_PANIC |
					 SLAB_ACCOUNT, NULL);
	/* vfs_caches_init() */
	chrdev_init();
}

/* alloc_empty_file() and init_file(): one reference, not open yet */
struct file *sim_alloc_empty_file(int flags)
{
	struct file *f = kzalloc_obj(*f, GFP_KERNEL);

	if (!f)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&f->f_lock);
	mutex_init(&f->f_pos_lock);
	f->f_flags = flags;
	f->f_mode = OPEN_FMODE(flags);
	file_set_fsnotify_mode(f, FMODE_NONOTIFY_PERM);
	file_ref_init(&f->f_ref, 1);
	return f;
}

/* alloc_file_pseudo()'s file_init_path(), for a file of inode */
void sim_file_init_pseudo(struct file *file, struct inode *inode,
			  const struct file_operations *fop)
{
	file->f_inode = inode;
	file->f_mapping = inode->i_mapping;
	if (fop->llseek)
		file->f_mode |= FMODE_LSEEK;
	if ((file->f_mode & FMODE_READ) && (fop->read || fop->read_iter))
		file->f_mode |= FMODE_CAN_READ;
	if ((file->f_mode & FMODE_WRITE) && (fop->write || fop->write_iter))
		file->f_mode |= FMODE_CAN_WRITE;
	file->f_mode |= FMODE_OPENED;
	file->f_op = fop;
	file_set_fsnotify_mode(file, FMODE_NONOTIFY);
}

/*
 * do_dentry_open(): open file on inode, whose i_fop's ->open() may
 * replace the file operations (a character device's do). The caller's
 * reference to inode goes to the file; on error it is dropped.
 */
int sim_dentry_open(struct file *f, struct inode *inode)
{
	int error;

	f->f_inode = inode;
	f->f_mapping = inode->i_mapping;
	f->f_op = fops_get(inode->i_fop);
	if (WARN_ON(!f->f_op)) {
		error = -ENODEV;
		goto cleanup;
	}
	f->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	if (f->f_op->open) {
		error = f->f_op->open(inode, f);
		if (error)
			goto cleanup_fops;
	}
	f->f_mode |= FMODE_OPENED;
	if ((f->f_mode & FMODE_READ) && (f->f_op->read || f->f_op->read_iter))
		f->f_mode |= FMODE_CAN_READ;
	if ((f->f_mode & FMODE_WRITE) &&
	    (f->f_op->write || f->f_op->write_iter))
		f->f_mode |= FMODE_CAN_WRITE;
	if ((f->f_mode & FMODE_LSEEK) && !f->f_op->llseek)
		f->f_mode &= ~FMODE_LSEEK;
	f->f_flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC);
	return 0;

cleanup_fops:
	if (WARN_ON_ONCE(error > 0))
		error = -EINVAL;
	fops_put(f->f_op);
cleanup:
	iput(inode);
	f->f_inode = NULL;
	return error;
}

/* the real guts of fput(): release the last reference to a file */
static void __fput(struct file *file)
{
	struct inode *inode = file->f_inode;
	fmode_t mode = file->f_mode;

	if (unlikely(!(mode & FMODE_OPENED)))
		goto out;
	if (unlikely(file->f_flags & FASYNC) && file->f_op->fasync)
		file->f_op->fasync(-1, file, 0);
	if (file->f_op->release)
		file->f_op->release(inode, file);
	if (unlikely(S_ISCHR(inode->i_mode) && inode->i_cdev &&
		     !(mode & FMODE_PATH)))
		cdev_put(inode->i_cdev);
	fops_put(file->f_op);
	/* the dentry's reference to the inode */
	iput(inode);
out:
	kfree(file);
}

static void ____fput(struct callback_head *work)
{
	__fput(container_of(work, struct file, f_task_work));
}

static void __fput_deferred(struct file *file)
{
	struct task_struct *task = current;

	if (unlikely(!(file->f_mode & (FMODE_BACKING | FMODE_OPENED)))) {
		kfree(file);
		return;
	}
	if (likely(!in_interrupt() && !(task->flags & PF_KTHREAD))) {
		init_task_work(&file->f_task_work, ____fput);
		if (!task_work_add(task, &file->f_task_work, TWA_RESUME))
			return;
	}
	/* a kernel thread's last fput(): now (upstream: delayed_fput) */
	__fput(file);
}

void fput(struct file *file)
{
	if (unlikely(file_ref_put(&file->f_ref)))
		__fput_deferred(file);
}

void __fput_sync(struct file *file)
{
	if (file_ref_put(&file->f_ref))
		__fput(file);
}

void fput_close_sync(struct file *file)
{
	if (likely(file_ref_put_close(&file->f_ref)))
		__fput(file);
}

static void fput_close(struct file *file)
{
	if (file_ref_put_close(&file->f_ref))
		__fput_deferred(file);
}

/* Nothing is ever left for delayed_fput(): see __fput_deferred(). */
void flush_delayed_fput(void)
{
}

static int filp_flush(struct file *filp, fl_owner_t id)
{
	if (WARN(file_count(filp) == 0,
		 "VFS: Close: file count is 0 (f_op=%ps)", filp->f_op))
		return 0;
	if (filp->f_op->flush)
		return filp->f_op->flush(filp, id);
	return 0;
}

int filp_close(struct file *filp, fl_owner_t id)
{
	int retval = filp_flush(filp, id);

	fput_close(filp);
	return retval;
}

/* close(2) */
int sim_close(unsigned int fd)
{
	struct file *file = file_close_fd(fd);
	int retval;

	if (!file)
		return -EBADF;
	retval = filp_flush(file, current->files);
	/* returning to user space: no delayed fput() */
	fput_close_sync(file);
	if (retval == -ERESTARTSYS || retval == -ERESTARTNOINTR ||
	    retval == -ERESTARTNOHAND || retval == -ERESTART_RESTARTBLOCK)
		retval = -EINTR;
	return retval;
}

/* fs/read_write.c */
loff_t noop_llseek(struct file *file, loff_t offset, int whence)
{
	return file->f_pos;
}
