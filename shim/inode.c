// SPDX-License-Identifier: GPL-2.0
/*
 * Inodes (fs/inode.c, fs/libfs.c alloc_anon_inode()).
 *
 * Departs from the kernel: there are no file systems, super blocks or
 * dentries, so an inode is only what an open file needs: its mode, its
 * device number (a character device's), the file operations an open
 * starts from, and a reference count. The last iput() frees it, as
 * evict() would (detaching a character device's cdev first); nothing
 * caches it.
 */
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/slab.h>
#include <linux/bug.h>
#include <sim/kernel.h>

static u64 sim_last_ino;

/* new_inode_pseudo() and inode_init_always() */
struct inode *sim_new_inode(umode_t mode)
{
	struct inode *inode = kzalloc_obj(*inode, GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->i_mode = mode;
	inode->i_ino = ++sim_last_ino;
	atomic_set(&inode->i_count, 1);
	spin_lock_init(&inode->i_lock);
	inode->i_data.host = inode;
	inode->i_mapping = &inode->i_data;
	INIT_LIST_HEAD(&inode->i_devices);
	return inode;
}

void ihold(struct inode *inode)
{
	WARN_ON(atomic_inc_return(&inode->i_count) < 2);
}

void iput(struct inode *inode)
{
	if (!inode)
		return;
	if (!atomic_dec_and_test(&inode->i_count))
		return;
	if (S_ISCHR(inode->i_mode) && inode->i_cdev)
		cd_forget(inode);
	kfree(inode);
}
