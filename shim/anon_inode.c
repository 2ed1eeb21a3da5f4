// SPDX-License-Identifier: GPL-2.0
/*
 * Anonymous inode files (fs/anon_inodes.c): files with no name in any
 * file system, such as LUO's session files.
 *
 * As upstream, every such file shares one inode, made at fs_initcall;
 * a file is opened with only O_ACCMODE and O_NONBLOCK of its flags, holds
 * a reference to its fops' module and the inode, and carries the caller's
 * private_data.
 *
 * Departs from the kernel: there is no anon_inodefs mount and no dentry,
 * so the name is not kept (nothing here reads a path back); the
 * anon_inode_create_*() variants with an inode of their own (for security
 * modules) are not provided.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/err.h>
#include <linux/panic.h>
#include <sim/kernel.h>

static struct inode *anon_inode_inode __ro_after_init;

static int __init anon_inode_init(void)
{
	/* alloc_anon_inode(): read-write for its owner, no file type */
	anon_inode_inode = sim_new_inode(0600);
	if (!anon_inode_inode)
		panic("%s() inode allocation failed\n", __func__);
	anon_inode_inode->i_flags |= S_PRIVATE;
	return 0;
}
fs_initcall(anon_inode_init);

static struct file *__anon_inode_getfile(const char *name,
					 const struct file_operations *fops,
					 void *priv, int flags)
{
	struct inode *inode = anon_inode_inode;
	struct file *file;

	if (fops->owner && !try_module_get(fops->owner))
		return ERR_PTR(-ENOENT);
	if (!inode) {
		file = ERR_PTR(-ENODEV);
		goto err;
	}
	ihold(inode);
	file = sim_alloc_empty_file(flags & (O_ACCMODE | O_NONBLOCK));
	if (IS_ERR(file)) {
		iput(inode);
		goto err;
	}
	sim_file_init_pseudo(file, inode, fops);
	file->private_data = priv;
	return file;

err:
	module_put(fops->owner);
	return file;
}

struct file *anon_inode_getfile(const char *name,
				const struct file_operations *fops,
				void *priv, int flags)
{
	return __anon_inode_getfile(name, fops, priv, flags);
}

struct file *anon_inode_getfile_fmode(const char *name,
				      const struct file_operations *fops,
				      void *priv, int flags, fmode_t f_mode)
{
	struct file *file = __anon_inode_getfile(name, fops, priv, flags);

	if (!IS_ERR(file))
		file->f_mode |= f_mode;
	return file;
}

int anon_inode_getfd(const char *name, const struct file_operations *fops,
		     void *priv, int flags)
{
	return FD_ADD(flags, __anon_inode_getfile(name, fops, priv, flags));
}
